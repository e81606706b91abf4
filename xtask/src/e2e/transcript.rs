//! Transcript files: Markdown whose ` ```console ` blocks hold the steps, parsed into steps and
//! rendered back unchanged, so `--bless` can rewrite expected output and keep everything else.
//!
//! Inside a console block, a line starting with `$ ` is a command and `% ` a directive. The lines
//! after a command, up to the next step or the end of the block, are its expected output: stdout,
//! then stderr, then `[exit N]` when the status is not 0. A line made only of `@release` tags
//! starts an alternative expected output for those releases. Trailing blank lines of an expected
//! output separate steps and are not expected; trailing whitespace is dropped from every line.
//! Everything outside console blocks, and the fence lines themselves, are kept verbatim.

use std::fmt::Write as _;

use crate::ceph_python::RELEASES;

/// A parsed transcript, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transcript {
    pub(crate) items: Vec<Item>,
}

/// A line kept verbatim, or a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Text(String),
    Step(Step),
}

/// A command or a directive, with its expected output and the blank lines that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// The 1-based line of the `$` or `%` line, for messages.
    pub(crate) line: usize,
    pub(crate) kind: StepKind,
    /// The expected outputs: one untagged, or one per group of releases. Directives have none.
    pub(crate) expected: Vec<Variant>,
    /// Blank lines after the step, kept for rendering.
    pub(crate) blank_after: usize,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// The text after `$ `, such as `ceph orch ls`.
    Command(String),
    /// The text after `% `, such as `fake socket remove`.
    Directive(String),
}

/// One expected output and the releases it is for; no releases means every release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub(crate) releases: Vec<String>,
    pub(crate) lines: Vec<String>,
}

impl Step {
    /// The expected output on `release`, if the step has one for it.
    pub(crate) fn expected_for(&self, release: &str) -> Option<&[String]> {
        self.expected
            .iter()
            .find(|variant| {
                variant.releases.is_empty() || variant.releases.iter().any(|r| r == release)
            })
            .map(|variant| variant.lines.as_slice())
    }

    /// Makes `actual` the expected output on `release`, merging variants that become equal and
    /// dropping tags when every release expects the same.
    pub(crate) fn bless(&mut self, release: &str, actual: &[String]) {
        if self.expected_for(release) == Some(actual) {
            return;
        }
        let all: Vec<String> = RELEASES.iter().map(|known| known.name.to_owned()).collect();
        for variant in &mut self.expected {
            if variant.releases.is_empty() {
                variant.releases.clone_from(&all);
            }
            variant.releases.retain(|name| name != release);
        }
        self.expected.retain(|variant| !variant.releases.is_empty());
        match self
            .expected
            .iter_mut()
            .find(|variant| variant.lines == actual)
        {
            Some(variant) => variant.releases.push(release.to_owned()),
            None => self.expected.push(Variant {
                releases: vec![release.to_owned()],
                lines: actual.to_vec(),
            }),
        }
        let rank = |name: &String| {
            all.iter()
                .position(|known| known == name)
                .unwrap_or(usize::MAX)
        };
        for variant in &mut self.expected {
            variant.releases.sort_by_key(rank);
        }
        self.expected
            .sort_by_key(|variant| variant.releases.first().map_or(usize::MAX, rank));
        if let [only] = self.expected.as_mut_slice()
            && only.releases == all
        {
            only.releases.clear();
        }
    }
}

impl Transcript {
    /// The steps, in order.
    #[cfg(test)]
    pub(crate) fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|item| match item {
            Item::Step(step) => Some(step),
            Item::Text(_) => None,
        })
    }

    /// The steps, in order, to bless.
    pub(crate) fn steps_mut(&mut self) -> impl Iterator<Item = &mut Step> {
        self.items.iter_mut().filter_map(|item| match item {
            Item::Step(step) => Some(step),
            Item::Text(_) => None,
        })
    }

    /// The file's text.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        for item in &self.items {
            match item {
                Item::Text(line) => {
                    let _ = writeln!(text, "{line}");
                }
                Item::Step(step) => render_step(&mut text, step),
            }
        }
        text
    }
}

fn render_step(text: &mut String, step: &Step) {
    let _ = match &step.kind {
        StepKind::Command(command) => writeln!(text, "$ {command}"),
        StepKind::Directive(directive) => writeln!(text, "% {directive}"),
    };
    for variant in &step.expected {
        if !variant.releases.is_empty() {
            let tags: Vec<String> = variant
                .releases
                .iter()
                .map(|name| format!("@{name}"))
                .collect();
            let _ = writeln!(text, "{}", tags.join(" "));
        }
        for line in &variant.lines {
            let _ = writeln!(text, "{line}");
        }
    }
    for _ in 0..step.blank_after {
        text.push('\n');
    }
}

/// Parses a transcript; errors name the line.
pub(crate) fn parse(text: &str) -> Result<Transcript, String> {
    let mut items = Vec::new();
    let mut in_block = false;
    let mut step: Option<Step> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        if !in_block {
            if line == "```console" {
                in_block = true;
            }
            items.push(Item::Text(raw.to_owned()));
            continue;
        }
        if line == "```" {
            finish(&mut items, step.take());
            in_block = false;
            items.push(Item::Text(raw.to_owned()));
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            finish(&mut items, step.take());
            step = Some(new_step(
                number,
                StepKind::Command(command.trim().to_owned()),
            ));
            continue;
        }
        if let Some(directive) = line.strip_prefix("% ") {
            finish(&mut items, step.take());
            step = Some(new_step(
                number,
                StepKind::Directive(directive.trim().to_owned()),
            ));
            continue;
        }
        let Some(current) = step.as_mut() else {
            if line.is_empty() {
                items.push(Item::Text(String::new()));
                continue;
            }
            return Err(format!("line {number}: output before any `$` command"));
        };
        if let Some(releases) = tag_line(line) {
            let releases = releases.map_err(|error| format!("line {number}: {error}"))?;
            start_variant(current, releases).map_err(|error| format!("line {number}: {error}"))?;
            continue;
        }
        if matches!(current.kind, StepKind::Directive(_)) && !line.is_empty() {
            return Err(format!(
                "line {number}: a `%` directive has no output; start a command with `$ `"
            ));
        }
        if current.expected.is_empty() {
            current.expected.push(Variant {
                releases: Vec::new(),
                lines: Vec::new(),
            });
        }
        if let Some(variant) = current.expected.last_mut() {
            variant.lines.push(line.to_owned());
        }
    }
    if in_block {
        return Err("a ```console block is not closed".to_owned());
    }
    finish(&mut items, step);
    Ok(Transcript { items })
}

fn new_step(line: usize, kind: StepKind) -> Step {
    Step {
        line,
        kind,
        expected: Vec::new(),
        blank_after: 0,
    }
}

/// Ends a step: blank lines at the end of each expected output are dropped, and those after the
/// last one are kept as the gap to the next step; a command with no output written expects none.
fn finish(items: &mut Vec<Item>, step: Option<Step>) {
    let Some(mut step) = step else {
        return;
    };
    let count = step.expected.len();
    for (index, variant) in step.expected.iter_mut().enumerate() {
        let mut blank = 0;
        while variant.lines.last().is_some_and(String::is_empty) {
            variant.lines.pop();
            blank += 1;
        }
        if index + 1 == count {
            step.blank_after = blank;
        }
    }
    step.expected
        .retain(|variant| !(variant.releases.is_empty() && variant.lines.is_empty()));
    // A command written without any output expects none on every release.
    if step.expected.is_empty() && matches!(step.kind, StepKind::Command(_)) {
        step.expected.push(Variant {
            releases: Vec::new(),
            lines: Vec::new(),
        });
    }
    items.push(Item::Step(step));
}

/// `Some` for a line of `@release` tags: the releases, or why they are wrong.
fn tag_line(line: &str) -> Option<Result<Vec<String>, String>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|word| word.starts_with('@')) {
        return None;
    }
    Some(
        words
            .iter()
            .map(|word| {
                let name = &word[1..];
                if RELEASES.iter().any(|release| release.name == name) {
                    Ok(name.to_owned())
                } else {
                    Err(format!(
                        "unknown release tag `{word}`; expected @pacific, @reef or @tentacle"
                    ))
                }
            })
            .collect(),
    )
}

/// Starts an alternative expected output for `releases`.
fn start_variant(step: &mut Step, releases: Vec<String>) -> Result<(), String> {
    if matches!(step.kind, StepKind::Directive(_)) {
        return Err("release tags belong to a command's output".to_owned());
    }
    for variant in &step.expected {
        if variant.releases.is_empty() && variant.lines.iter().any(|line| !line.is_empty()) {
            return Err("output without a release tag comes before tagged output".to_owned());
        }
        if let Some(name) = variant.releases.iter().find(|name| releases.contains(name)) {
            return Err(format!("@{name} has two expected outputs"));
        }
    }
    step.expected
        .retain(|variant| !(variant.releases.is_empty() && variant.lines.is_empty()));
    step.expected.push(Variant {
        releases,
        lines: Vec::new(),
    });
    Ok(())
}

/// Splits a command line into words like a POSIX shell without expansions: single quotes keep
/// everything, double quotes keep everything but `\"` and `\\`, and a backslash outside quotes
/// keeps the next character.
pub(crate) fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(done) = word.take() {
                    words.push(done);
                }
            }
            '\'' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(inner) => current.push(inner),
                        None => return Err(format!("unclosed ' in `{line}`")),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped @ ('"' | '\\')) => current.push(escaped),
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err(format!("unclosed \" in `{line}`")),
                        },
                        Some(inner) => current.push(inner),
                        None => return Err(format!("unclosed \" in `{line}`")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(escaped) => word.get_or_insert_with(String::new).push(escaped),
                None => return Err(format!("`{line}` ends with a backslash")),
            },
            other => word.get_or_insert_with(String::new).push(other),
        }
    }
    if let Some(done) = word {
        words.push(done);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::{Item, StepKind, Variant, parse, split_words};

    const SAMPLE: &str = "# Title\n\nProse.\n\n```console\n$ ceph orch ls   \nNAME  PORTS\nmon\n\n\
                          % fake socket remove\n$ ceph orch status\n@pacific\nold\n[exit 2]\n\
                          @reef @tentacle\nnew\n\n```\n\nMore prose.\n";

    fn variant(releases: &[&str], lines: &[&str]) -> Variant {
        Variant {
            releases: releases.iter().map(|name| (*name).to_owned()).collect(),
            lines: lines.iter().map(|line| (*line).to_owned()).collect(),
        }
    }

    #[test]
    fn steps_outputs_and_tags_are_parsed() {
        let transcript = parse(SAMPLE).unwrap();
        let steps: Vec<_> = transcript.steps().collect();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].line, 6);
        assert_eq!(steps[0].kind, StepKind::Command("ceph orch ls".to_owned()));
        assert_eq!(steps[0].expected, [variant(&[], &["NAME  PORTS", "mon"])]);
        assert_eq!(steps[0].blank_after, 1);
        assert_eq!(
            steps[1].kind,
            StepKind::Directive("fake socket remove".to_owned())
        );
        assert!(steps[1].expected.is_empty());
        assert_eq!(
            steps[2].expected,
            [
                variant(&["pacific"], &["old", "[exit 2]"]),
                variant(&["reef", "tentacle"], &["new"])
            ]
        );
        assert_eq!(steps[2].expected_for("reef"), Some(&["new".to_owned()][..]));
        assert!(matches!(&transcript.items[0], Item::Text(line) if line == "# Title"));
    }

    #[test]
    fn rendering_gives_the_file_back() {
        let text = SAMPLE.replace("ls   \n", "ls\n");
        assert_eq!(parse(&text).unwrap().render(), text);
    }

    #[test]
    fn blessing_splits_and_merges_variants() {
        let mut transcript = parse("```console\n$ ceph orch ls\nold\n\n```\n").unwrap();
        let step = transcript.steps_mut().next().unwrap();
        let new = ["new".to_owned()];
        step.bless("reef", &new);
        assert_eq!(
            step.expected,
            [
                variant(&["pacific", "tentacle"], &["old"]),
                variant(&["reef"], &["new"])
            ]
        );
        step.bless("pacific", &new);
        assert_eq!(
            step.expected,
            [
                variant(&["pacific", "reef"], &["new"]),
                variant(&["tentacle"], &["old"])
            ]
        );
        step.bless("tentacle", &new);
        assert_eq!(step.expected, [variant(&[], &["new"])]);
        assert_eq!(
            transcript.render(),
            "```console\n$ ceph orch ls\nnew\n\n```\n"
        );
    }

    #[test]
    fn a_step_without_output_expects_none_and_blessing_adds_some() {
        let mut transcript = parse("```console\n$ ceph orch ls\n```\n").unwrap();
        let step = transcript.steps_mut().next().unwrap();
        assert_eq!(step.expected_for("reef"), Some(&[][..]));
        step.bless("reef", &["x".to_owned()]);
        assert_eq!(
            transcript.render(),
            "```console\n$ ceph orch ls\n@pacific @tentacle\n@reef\nx\n```\n"
        );
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        assert_eq!(
            parse("```console\nstray\n```\n"),
            Err("line 2: output before any `$` command".to_owned())
        );
        assert_eq!(
            parse("```console\n% fake socket remove\nx\n```\n"),
            Err("line 3: a `%` directive has no output; start a command with `$ `".to_owned())
        );
        assert_eq!(
            parse("```console\n$ ceph x\n@quincy\n```\n"),
            Err(
                "line 3: unknown release tag `@quincy`; expected @pacific, @reef or @tentacle"
                    .to_owned()
            )
        );
        assert_eq!(
            parse("```console\n$ ceph x\nplain\n@reef\n```\n"),
            Err("line 4: output without a release tag comes before tagged output".to_owned())
        );
        assert_eq!(
            parse("```console\n$ ceph x\n@reef\na\n@reef\n```\n"),
            Err("line 5: @reef has two expected outputs".to_owned())
        );
        assert_eq!(
            parse("```console\n$ ceph x\n"),
            Err("a ```console block is not closed".to_owned())
        );
    }

    #[test]
    fn words_split_like_a_shell_without_expansions() {
        assert_eq!(
            split_words(r#"ceph orch apply rgw foo --placement="node2 node3" 'a b'c \* "q\"x\n""#)
                .unwrap(),
            [
                "ceph",
                "orch",
                "apply",
                "rgw",
                "foo",
                "--placement=node2 node3",
                "a bc",
                "*",
                "q\"x\\n"
            ]
        );
        assert_eq!(split_words("a ''").unwrap(), ["a", ""]);
        assert!(split_words("a \"b").is_err());
        assert!(split_words("a 'b").is_err());
    }
}
