//! `cargo xtask docs`: the documentation in `docs/`, generated where it can be and built with every warning as an error.
//!
//! First the generated files are brought up to date (`generated()`): the command outputs of the how-to from the end-to-end transcripts (`snippets.rs`), the table of module options from `module.py` (`options.rs`), the messages reference from `docs/reference/messages.txt` checked against the sources (`messages.rs`), and the list of the module's files from the module layout.
//! Outside CI they are rewritten; in CI (`CI` set) a stale one fails the command, and the tidy test below fails `cargo test` either way.
//! Then Sphinx runs from a venv of its own (`.../microceph-orch/docs-venv`, pinned by `docs/requirements.txt`) twice into `target/xtask/docs/`:
//! the HTML builder, and the spelling builder against US English and `docs/wordlist.txt` (`PyEnchant` needs libenchant-2 and a hunspell dictionary, installed with apt-get when missing).
//! Both run with `-W --keep-going -n -E`: every warning fails, every cross-reference and included file must resolve, and nothing is reused from an earlier build, whose warnings Sphinx would not repeat.
//! Nothing is fetched but the pinned packages: links to other sites are never checked.

mod messages;
mod options;
mod python;
mod rust_source;
mod snippets;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::process;

/// The documentation sources, relative to the workspace root.
const DOCS: &str = "docs";

/// The generated part of the module options page.
const OPTIONS_PAGE: &str = "docs/reference/generated/module-options.inc";

/// The generated part of the messages page.
const MESSAGES_PAGE: &str = "docs/reference/generated/messages.inc";

/// The module's files as the how-to lists them, from the module layout.
const MODULE_FILES: &str = "docs/how-to/generated/module-files.txt";

/// Where MicroCeph's snap has the module, as `snap/snapcraft-part.yaml` installs it.
const SNAP_MODULE_DIR: &str = "/snap/microceph/current/share/ceph/mgr/microceph";

/// The Debian packages `PyEnchant` needs for the spelling builder.
const SPELLING_PACKAGES: [&str; 2] = ["libenchant-2-2", "hunspell-en-us"];

pub(crate) fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let in_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false");
    let stale = stale()?;
    if !stale.is_empty() {
        if in_ci {
            bail!(
                "generated documentation is stale; run `cargo xtask docs` and commit the result:\n{}",
                stale.join("\n")
            );
        }
        write_generated()?;
        for line in &stale {
            writeln!(std::io::stderr().lock(), "docs: regenerated {line}")?;
        }
    }
    check_snippets_shown()?;
    let generated_in = started.elapsed();

    let requirements = crate::project_root().join(DOCS).join("requirements.txt");
    let venv = crate::ceph_python::ensure_venv("docs-venv", &requirements)?;
    ensure_spelling_packages()?;
    let out = process::target_dir().join("xtask").join("docs");
    let python = venv.join("bin").join("python");
    let html_started = Instant::now();
    sphinx(&python, "html", &out)?;
    let html = html_started.elapsed();
    let spelling_started = Instant::now();
    sphinx(&python, "spelling", &out)?;
    let spelling = spelling_started.elapsed();
    writeln!(
        std::io::stdout().lock(),
        "docs: {} ({:.1} s: generated files {:.1} s, html {:.1} s, spelling {:.1} s)",
        out.join("html").join("index.html").display(),
        started.elapsed().as_secs_f64(),
        generated_in.as_secs_f64(),
        html.as_secs_f64(),
        spelling.as_secs_f64()
    )?;
    Ok(())
}

/// Runs one Sphinx builder over `docs/` into `out/<builder>`, failing on any warning.
fn sphinx(python: &Path, builder: &str, out: &Path) -> anyhow::Result<()> {
    process::run(
        Command::new(python)
            .args([
                "-m",
                "sphinx",
                "-b",
                builder,
                "-W",
                "--keep-going",
                "-n",
                "-E",
                "-q",
            ])
            .arg("-d")
            .arg(out.join("doctrees").join(builder))
            .arg(crate::project_root().join(DOCS))
            .arg(out.join(builder))
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    )
    .with_context(|| {
        format!("the Sphinx {builder} build of {DOCS}/ failed; see its warnings above")
    })
}

/// Every generated file with the content it should have, by path relative to the workspace root.
fn generated() -> anyhow::Result<Vec<(String, String)>> {
    let module = std::fs::read_to_string(crate::project_root().join(options::SOURCE))
        .with_context(|| format!("cannot read {}", options::SOURCE))?;
    let mut files = vec![
        (
            OPTIONS_PAGE.to_owned(),
            options::render(&options::parse(&module)?),
        ),
        (MESSAGES_PAGE.to_owned(), messages::generate()?),
        (MODULE_FILES.to_owned(), module_files()?),
    ];
    for (name, content) in snippets::generate()? {
        files.push((format!("{}/{name}", snippets::OUTPUT_DIR), content));
    }
    Ok(files)
}

/// `ls -1` of the module's directory in the snap: the module layout, which the snap part installs.
fn module_files() -> anyhow::Result<String> {
    let mut text = format!("$ ls -1 {SNAP_MODULE_DIR}\n");
    for name in crate::module::module_layout()? {
        text.push_str(&name);
        text.push('\n');
    }
    Ok(text)
}

/// The generated files that differ from what they should be, or should not exist, one line each.
fn stale() -> anyhow::Result<Vec<String>> {
    let root = crate::project_root();
    let expected = generated()?;
    let mut stale: Vec<String> = expected
        .iter()
        .filter(|(path, content)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(content.as_str())
        })
        .map(|(path, _)| path.clone())
        .collect();
    for path in existing_snippets()? {
        if !expected
            .iter()
            .any(|(expected_path, _)| *expected_path == path)
        {
            stale.push(format!("{path} (no longer listed in {})", snippets::LIST));
        }
    }
    Ok(stale)
}

/// Writes every generated file and removes snippets no longer listed.
fn write_generated() -> anyhow::Result<()> {
    let root = crate::project_root();
    let expected = generated()?;
    for path in existing_snippets()? {
        if !expected
            .iter()
            .any(|(expected_path, _)| *expected_path == path)
        {
            std::fs::remove_file(root.join(&path))
                .with_context(|| format!("cannot remove {path}"))?;
        }
    }
    for (path, content) in expected {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, content)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The snippet files in `docs/how-to/output/`, relative to the workspace root.
fn existing_snippets() -> anyhow::Result<Vec<String>> {
    let dir = crate::project_root().join(snippets::OUTPUT_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
    {
        let path = entry?.path();
        if snippets::is_snippet(&path) {
            let name = path
                .file_name()
                .expect("a file has a name")
                .to_string_lossy();
            found.push(format!("{}/{name}", snippets::OUTPUT_DIR));
        }
    }
    found.sort();
    Ok(found)
}

/// Every snippet must be shown by a page, and every snippet a page shows must be generated from a transcript.
fn check_snippets_shown() -> anyhow::Result<()> {
    let root = crate::project_root();
    let mut included = Vec::new();
    for page in files_with_extension(&root.join(DOCS), "rst")? {
        let text = std::fs::read_to_string(&page)?;
        for line in text.lines() {
            if let Some(target) = line.trim().strip_prefix(".. literalinclude:: ")
                && target.starts_with("output/")
            {
                let page_dir = page.parent().expect("a page is in a directory");
                let path = page_dir.join(target.trim());
                included.push(
                    path.strip_prefix(&root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let generated: Vec<String> = generated()?
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with(snippets::OUTPUT_DIR))
        .collect();
    let mut problems = Vec::new();
    for path in &included {
        if !generated.contains(path) {
            let name = Path::new(path)
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let snippet = name.split('.').next().unwrap_or_default().to_owned();
            problems.push(format!(
                "{path} is shown in the docs but {} names no transcript step `{snippet}` (or that release prints the same as tentacle)",
                snippets::LIST
            ));
        }
    }
    for path in &generated {
        if !included.contains(path) {
            problems.push(format!(
                "{path} is generated from a transcript but no page shows it (`.. literalinclude:: output/...`); where it is another release's output, say how it differs"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort();
        problems.dedup();
        bail!("{}", problems.join("\n"))
    }
}

/// Installs what `PyEnchant` needs when it is missing.
fn ensure_spelling_packages() -> anyhow::Result<()> {
    let missing: Vec<&str> = SPELLING_PACKAGES
        .into_iter()
        .filter(|package| !installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let has_lists = std::fs::read_dir("/var/lib/apt/lists").is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().contains("_Packages"))
    });
    if !has_lists {
        process::run(Command::new("apt-get").args(["-q", "update"]))?;
    }
    let install = || {
        process::run(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["-q", "-y", "install", "--no-install-recommends"])
                .args(&missing),
        )
    };
    if install().is_err() {
        process::run(Command::new("apt-get").args(["-q", "update"]))?;
        install().with_context(|| {
            format!(
                "the spelling check needs {}; install them with apt-get",
                missing.join(" ")
            )
        })?;
    }
    Ok(())
}

/// Whether dpkg has `package` installed.
fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|output| output.stdout.ends_with(b" installed"))
}

/// The files below `dir` whose name ends in `.extension`, sorted.
fn files_with_extension(dir: &Path, extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(files_with_extension(&path, extension)?);
        } else if path.extension().is_some_and(|found| found == extension) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_documentation_is_up_to_date() {
        let stale = super::stale().unwrap_or_else(|error| panic!("{error:#}"));
        assert!(
            stale.is_empty(),
            "generated documentation is stale; run `cargo xtask docs` and commit the result:\n{}",
            stale.join("\n")
        );
    }

    #[test]
    fn every_snippet_is_shown_and_every_shown_output_comes_from_a_transcript() {
        super::check_snippets_shown().unwrap_or_else(|error| panic!("{error:#}"));
    }
}
