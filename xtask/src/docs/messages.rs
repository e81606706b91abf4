//! The reference page of the messages an operator can meet, generated from `docs/reference/messages.txt` and checked against the Rust sources.
//!
//! The messages are the format strings of the code that words them, found by reading the sources (`rust_source.rs`) outside their tests:
//! in `orch-core` and `orch-backend`, every string given to `Finding::error`, `Finding::warning`, `report::warning`, `Err`, a `BackendError` variant, `invalid` or `#[error(...)]`, and every string of `unsupported.rs`;
//! in `microceph-client`, every `#[error(...)]`;
//! in `microceph-orch`, every string given to a `CliError` variant, `file_error` or `warning` as well.
//! Each is written as the operator reads it: `{}` becomes `<...>` and `{name}` becomes `<name>`.
//!
//! `messages.txt` says what to do about each one, in sections.
//! The page cannot go stale: generation fails when a message of the sources has no entry, or an entry quotes a text that no longer occurs in them.
//! Entries may also quote messages of the Python shim (`> python: `), checked against its files, and of Ceph itself (`> ceph: `), which are not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, bail};

use super::rust_source::{Literal, literals};

/// The advice file, relative to the workspace root.
pub(super) const ADVICE: &str = "docs/reference/messages.txt";

/// The crates whose messages are collected, with whether every message context counts (else only `#[error]`).
const CRATES: [(&str, bool); 4] = [
    ("crates/orch-core/src", true),
    ("crates/orch-backend/src", true),
    ("crates/microceph-client/src", false),
    ("crates/microceph-orch/src", true),
];

/// Files whose every sentence is a message.
const MESSAGE_FILES: [&str; 1] = ["crates/orch-backend/src/unsupported.rs"];

/// The Python files an entry may quote.
const PYTHON_DIR: &str = "crates/mgr-binding/python/microceph";

/// The calls whose string arguments are messages.
const MESSAGE_CALLS: [&str; 17] = [
    "Finding::error",
    "Finding::warning",
    "#error",
    "Err",
    "BackendError::InvalidInput",
    "BackendError::Unsatisfiable",
    "BackendError::Unsupported",
    "BackendError::Internal",
    "BackendError::microceph",
    "BackendError::NotConfirmed",
    "report::warning",
    "invalid",
    "CliError::Usage",
    "CliError::Invalid",
    "CliError::Ceph",
    "file_error",
    "warning",
];

/// Where a quoted message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Rust,
    Python,
    Ceph,
    MicroCeph,
}

/// One message with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    origin: Origin,
    message: String,
    advice: Vec<String>,
}

/// A titled group of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Section {
    title: String,
    /// The reference label, if the section has one.
    label: Option<String>,
    intro: Vec<String>,
    entries: Vec<Entry>,
}

/// The messages the sources word, as the operator reads them, each with the file it is in.
pub(super) fn source_messages() -> anyhow::Result<Vec<(String, String)>> {
    let constants = constants()?;
    let mut found = Vec::new();
    for (dir, all_contexts) in CRATES {
        for file in super::files_with_extension(&crate::project_root().join(dir), "rs")? {
            let relative = file
                .strip_prefix(crate::project_root())
                .unwrap_or(&file)
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let every_string = MESSAGE_FILES.contains(&relative.as_str());
            for literal in literals(&text) {
                let counts = every_string
                    || literal.callee.as_deref().is_some_and(|callee| {
                        if all_contexts {
                            MESSAGE_CALLS.contains(&callee)
                        } else {
                            callee == "#error"
                        }
                    });
                if counts && is_sentence(&literal, &constants) {
                    found.push((shown(&literal, &constants), relative.clone()));
                }
            }
        }
    }
    Ok(found)
}

/// Every string of the scanned crates outside tests, as rendered, to check that quoted texts still exist.
fn every_rendered_string() -> anyhow::Result<BTreeSet<String>> {
    let constants = constants()?;
    let mut all = BTreeSet::new();
    for (dir, _) in CRATES {
        for file in super::files_with_extension(&crate::project_root().join(dir), "rs")? {
            let text = std::fs::read_to_string(&file)?;
            all.extend(
                literals(&text)
                    .iter()
                    .map(|literal| shown(literal, &constants)),
            );
        }
    }
    Ok(all)
}

/// The single-line `const NAME: type = value;` items of the scanned crates, strings and numbers, which format strings may name.
fn constants() -> anyhow::Result<BTreeMap<String, String>> {
    let mut constants = BTreeMap::new();
    for (dir, _) in CRATES {
        for file in super::files_with_extension(&crate::project_root().join(dir), "rs")? {
            for line in std::fs::read_to_string(&file)?.lines() {
                let line = line.trim();
                let Some(item) = line
                    .strip_prefix("pub ")
                    .or_else(|| line.strip_prefix("pub(crate) "))
                    .or_else(|| line.strip_prefix("pub(super) "))
                    .unwrap_or(line)
                    .strip_prefix("const ")
                else {
                    continue;
                };
                let Some((name, rest)) = item.split_once(':') else {
                    continue;
                };
                let Some((_, value)) = rest.split_once(" = ") else {
                    continue;
                };
                let value = value.trim_end_matches(';').trim();
                let value =
                    if let Some(text) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                        text.to_owned()
                    } else if value
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
                    {
                        value.replace('_', "").trim_end_matches(".0").to_owned()
                    } else {
                        continue;
                    };
                constants.insert(name.trim().to_owned(), value);
            }
        }
    }
    Ok(constants)
}

/// A literal as the operator reads it: a format string rendered, any other string as it is.
fn shown(literal: &Literal, constants: &BTreeMap<String, String>) -> String {
    if literal.formatted {
        let mut text = literal.text.clone();
        for (name, value) in constants {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        render(&text)
    } else {
        literal.text.replace('\n', " ")
    }
}

/// Whether a string is worded for people: words and a space, not a bare placeholder such as `{0}` or a name such as `add_host`.
fn is_sentence(literal: &Literal, constants: &BTreeMap<String, String>) -> bool {
    let rendered = shown(literal, constants);
    let without_placeholders: String = rendered
        .split('<')
        .enumerate()
        .map(|(index, part)| {
            if index == 0 {
                part
            } else {
                part.split_once('>').map_or(part, |(_, after)| after)
            }
        })
        .collect();
    without_placeholders.trim().contains(' ')
        && without_placeholders
            .chars()
            .filter(char::is_ascii_alphabetic)
            .count()
            >= 2
}

/// A format string as an operator reads it: `{}` as `<...>`, `{name}` and `{name:?}` as `<name>`, `{{` and `}}` as braces, and a line break as a space.
pub(super) fn render(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut inside = String::new();
                for inner in chars.by_ref() {
                    if inner == '}' {
                        break;
                    }
                    inside.push(inner);
                }
                let name = inside.split(':').next().unwrap_or_default();
                // `host{subject}` is written with the space inside the value: `host <subject>`.
                if out.chars().next_back().is_some_and(char::is_alphanumeric) {
                    out.push(' ');
                }
                if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
                    out.push_str("<...>");
                } else {
                    let _ = write!(out, "<{name}>");
                }
            }
            '\n' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

/// Reads `messages.txt`.
fn parse_advice(text: &str) -> anyhow::Result<Vec<Section>> {
    let mut sections: Vec<Section> = Vec::new();
    let mut entry: Option<Entry> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(title) = line.strip_prefix("== ") {
            finish(&mut sections, entry.take());
            let (title, label) = match title.split_once(" | ") {
                Some((title, label)) => (title, Some(label.trim().to_owned())),
                None => (title, None),
            };
            sections.push(Section {
                title: title.trim().to_owned(),
                label,
                intro: Vec::new(),
                entries: Vec::new(),
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            if line.trim().is_empty() {
                continue;
            }
            bail!("{ADVICE}:{number}: text before the first `== Section`");
        };
        if let Some(quoted) = line.strip_prefix("> ") {
            finish(&mut sections, entry.take());
            let (origin, message) = if let Some(message) = quoted.strip_prefix("python: ") {
                (Origin::Python, message)
            } else if let Some(message) = quoted.strip_prefix("ceph: ") {
                (Origin::Ceph, message)
            } else if let Some(message) = quoted.strip_prefix("microceph: ") {
                (Origin::MicroCeph, message)
            } else {
                (Origin::Rust, quoted)
            };
            entry = Some(Entry {
                origin,
                message: message.to_owned(),
                advice: Vec::new(),
            });
            continue;
        }
        match entry.as_mut() {
            Some(current) if line.trim().is_empty() => {
                if current.advice.is_empty() {
                    bail!("{ADVICE}:{number}: the message before this line has no advice");
                }
                finish(&mut sections, entry.take());
            }
            Some(current) => current.advice.push(line.trim_end().to_owned()),
            None if section.entries.is_empty() => section.intro.push(line.trim_end().to_owned()),
            None if line.trim().is_empty() => {}
            None => {
                bail!("{ADVICE}:{number}: text after an entry must start a new entry with `> `")
            }
        }
    }
    finish(&mut sections, entry);
    if sections.iter().any(|section| section.entries.is_empty()) {
        bail!("{ADVICE}: every section needs at least one message");
    }
    Ok(sections)
}

fn finish(sections: &mut [Section], entry: Option<Entry>) {
    if let (Some(section), Some(entry)) = (sections.last_mut(), entry) {
        section.entries.push(entry);
    }
}

/// Checks the advice against the sources: every source message has an entry, and every quoted text exists.
fn check(sections: &[Section]) -> anyhow::Result<()> {
    let quoted: BTreeSet<&str> = sections
        .iter()
        .flat_map(|section| &section.entries)
        .filter(|entry| entry.origin == Origin::Rust)
        .map(|entry| entry.message.as_str())
        .collect();
    let mut missing: Vec<String> = source_messages()?
        .into_iter()
        .filter(|(message, _)| !quoted.contains(message.as_str()))
        .map(|(message, file)| format!("> {message}    ({file})"))
        .collect();
    missing.sort();
    missing.dedup();
    let existing = every_rendered_string()?;
    let python = python_sources()?;
    let mut stale = Vec::new();
    let mut seen = BTreeSet::new();
    for entry in sections.iter().flat_map(|section| &section.entries) {
        if !seen.insert((entry.origin == Origin::Rust, entry.message.as_str())) {
            stale.push(format!("> {} (quoted twice)", entry.message));
        }
        let exists = match entry.origin {
            Origin::Rust => existing.contains(&entry.message),
            Origin::Python => python.contains(&entry.message),
            Origin::Ceph | Origin::MicroCeph => true,
        };
        if !exists {
            stale.push(format!("> {}", entry.message));
        }
    }
    if !missing.is_empty() || !stale.is_empty() {
        let mut text = String::new();
        if !missing.is_empty() {
            let _ = write!(
                text,
                "these messages of the sources have no entry in {ADVICE}; add each with what an operator should do:\n{}\n",
                missing.join("\n")
            );
        }
        if !stale.is_empty() {
            let _ = write!(
                text,
                "these entries of {ADVICE} quote a text the sources no longer have (or quote one twice); update or remove them:\n{}\n",
                stale.join("\n")
            );
        }
        bail!("{}", text.trim_end());
    }
    Ok(())
}

/// The Python files of the module, concatenated, for quoted Python messages.
fn python_sources() -> anyhow::Result<String> {
    let mut text = String::new();
    for file in super::files_with_extension(&crate::project_root().join(PYTHON_DIR), "py")? {
        text.push_str(&std::fs::read_to_string(&file)?);
    }
    Ok(text)
}

/// The page's generated part, included by `docs/reference/messages.rst`.
pub(super) fn generate() -> anyhow::Result<String> {
    let path = crate::project_root().join(ADVICE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let sections = parse_advice(&text)?;
    check(&sections)?;
    Ok(render_page(&sections))
}

fn render_page(sections: &[Section]) -> String {
    let mut text = format!(
        "..\n   Generated by `cargo xtask docs` from {ADVICE} and the sources it is checked against.\n   Do not edit: change messages.txt and run `cargo xtask docs`.\n"
    );
    for section in sections {
        if let Some(label) = &section.label {
            let _ = write!(text, "\n.. _{label}:\n");
        }
        let _ = write!(
            text,
            "\n{}\n{}\n",
            section.title,
            "-".repeat(section.title.chars().count())
        );
        let intro: Vec<&String> = section
            .intro
            .iter()
            .skip_while(|line| line.trim().is_empty())
            .collect();
        if !intro.is_empty() {
            text.push('\n');
            for line in intro {
                let _ = writeln!(text, "{line}");
            }
            while text.ends_with("\n\n") {
                text.pop();
            }
        }
        text.push('\n');
        for entry in &section.entries {
            let source = match entry.origin {
                Origin::Rust | Origin::Python => "",
                Origin::Ceph => " (from Ceph)",
                Origin::MicroCeph => " (from MicroCeph)",
            };
            let _ = writeln!(text, "{}{source}", code(&entry.message));
            for line in &entry.advice {
                let _ = writeln!(text, "   {line}");
            }
            text.push('\n');
        }
    }
    while text.ends_with("\n\n") {
        text.pop();
    }
    text
}

/// A message as inline code: the `code` role, whose text may hold backticks and backslashes when they are escaped, unlike a ``literal``.
fn code(message: &str) -> String {
    let escaped = message.replace('\\', "\\\\").replace('`', "\\`");
    format!(":code:`{escaped}`")
}

#[cfg(test)]
mod tests {
    use super::{Origin, parse_advice, render, render_page};

    #[test]
    fn placeholders_read_as_the_operator_sees_them() {
        assert_eq!(
            render("unknown host(s) in placement: {}; members are: {members:?} {{x}}"),
            "unknown host(s) in placement: <...>; members are: <members> {x}"
        );
        assert_eq!(render("{0} and {1:?}\nnext"), "<...> and <...> next");
        assert_eq!(
            render("adding host{subject} is"),
            "adding host <subject> is"
        );
    }

    #[test]
    fn advice_reads_into_sections_and_renders_as_definitions() {
        let text = "# comment\n== Placement | placement\nIntro line.\n\n> unknown host <...>\nCheck it.\nTwice.\n\n> ceph: No orchestrator configured\nSet one.\n";
        let sections = parse_advice(text).unwrap();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].intro, ["Intro line.", ""]);
        assert_eq!(sections[0].entries[1].origin, Origin::Ceph);
        let page = render_page(&sections);
        assert!(page.ends_with(
            "\n.. _placement:\n\nPlacement\n---------\n\nIntro line.\n\n:code:`unknown host <...>`\n   Check it.\n   Twice.\n\n:code:`No orchestrator configured` (from Ceph)\n   Set one.\n"
        ), "{page}");
        assert!(
            parse_advice("== A\n> m\n\n").is_err(),
            "an entry needs advice"
        );
        assert!(parse_advice("stray\n").is_err());
        assert_eq!(super::code(r"run `x` in \w"), r":code:`run \`x\` in \\w`");
    }
}
