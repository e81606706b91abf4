//! The command outputs of the how-to, taken from the end-to-end transcripts in `e2e/`, never typed by hand.
//!
//! `cargo xtask e2e` runs each transcript against a real ceph-mgr lab and compares every command's output with the expected output written under it, so that output is what Ceph and the `microceph` module really print.
//! `docs/how-to/snippets.txt` names the steps the how-to shows, one a line: a snippet name, a transcript file, which occurrence of the command in that file (1 for the first), and the command as the transcript writes it after `$ `.
//! The snippet `docs/how-to/output/<name>.txt` is that command and its expected output on tentacle (the untagged output, or the one tagged `@tentacle`).
//! When pacific or reef expect something else, `<name>.pacific.txt` or `<name>.reef.txt` holds their version, and the how-to must show it too.
//! A listed step that the transcripts no longer have fails the generation, so the how-to cannot quietly keep an output nobody checks any more.
//! The transcripts' placeholders become what an operator would see: `<age>` a time such as `8s ago` (table columns keep their width), `<lab>/control.socket` MicroCeph's socket, and `<time>` a UTC time.
//! The `[exit N]` line, which records a failing status for the transcript runner, is left out.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};

/// The transcripts' directory, relative to the workspace root.
pub(super) const TRANSCRIPTS: &str = "e2e";

/// Where the snippets go, relative to the workspace root.
pub(super) const OUTPUT_DIR: &str = "docs/how-to/output";

/// The list of snippets, relative to the workspace root.
pub(super) const LIST: &str = "docs/how-to/snippets.txt";

/// The release whose output the how-to shows.
const SHOWN_RELEASE: &str = "tentacle";

/// The other releases, whose differing output gets a snippet of its own.
const OTHER_RELEASES: [&str; 2] = ["pacific", "reef"];

/// What `<age>` is shown as.
const AGE: &str = "8s ago";

/// What `<lab>/control.socket` is shown as: the socket of MicroCeph's snap.
const SOCKET: &str = "/var/snap/microceph/common/state/control.socket";

/// What `<time>`, a UTC time in Ceph's JSON, is shown as.
const TIME: &str = "2026-12-01T09:30:00.000000Z";

/// One step of a transcript: a command and its expected outputs by release tag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    command: String,
    /// `(releases, lines)`; no releases means every release.
    variants: Vec<(Vec<String>, Vec<String>)>,
}

impl Step {
    fn output_for(&self, release: &str) -> Option<&[String]> {
        self.variants
            .iter()
            .find(|(releases, _)| releases.is_empty() || releases.iter().any(|r| r == release))
            .map(|(_, lines)| lines.as_slice())
    }
}

/// One line of `snippets.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wanted {
    name: String,
    transcript: String,
    occurrence: usize,
    command: String,
}

/// Reads `snippets.txt`: `name transcript occurrence command...`, with `#` comments.
fn parse_list(text: &str) -> anyhow::Result<Vec<Wanted>> {
    let mut wanted = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(name), Some(transcript), Some(occurrence)) =
            (words.next(), words.next(), words.next())
        else {
            bail!("{LIST}:{number}: expected `name transcript occurrence command`");
        };
        let command = words.collect::<Vec<_>>().join(" ");
        if command.is_empty() {
            bail!("{LIST}:{number}: expected `name transcript occurrence command`");
        }
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_name {
            bail!("{LIST}:{number}: `{name}` is not a snippet name: use a-z, 0-9 and -");
        }
        let occurrence: usize = occurrence
            .parse()
            .ok()
            .filter(|occurrence| *occurrence > 0)
            .with_context(|| {
                format!("{LIST}:{number}: `{occurrence}` is not an occurrence (1, 2, ...)")
            })?;
        wanted.push(Wanted {
            name: name.to_owned(),
            transcript: transcript.to_owned(),
            occurrence,
            command,
        });
    }
    Ok(wanted)
}

/// Every snippet `snippets.txt` lists, as file name and content, sorted by name.
pub(super) fn generate() -> anyhow::Result<BTreeMap<String, String>> {
    let root = crate::project_root();
    let list =
        std::fs::read_to_string(root.join(LIST)).with_context(|| format!("cannot read {LIST}"))?;
    let mut snippets = BTreeMap::new();
    let mut transcripts: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    for wanted in parse_list(&list)? {
        let shown = format!("{TRANSCRIPTS}/{}", wanted.transcript);
        if !transcripts.contains_key(&wanted.transcript) {
            let text = std::fs::read_to_string(root.join(&shown))
                .with_context(|| format!("{LIST}: cannot read the transcript {shown}"))?;
            let steps = steps(&text).with_context(|| format!("cannot read {shown}"))?;
            transcripts.insert(wanted.transcript.clone(), steps);
        }
        let step = transcripts[&wanted.transcript]
            .iter()
            .filter(|step| step.command == wanted.command)
            .nth(wanted.occurrence - 1)
            .with_context(|| {
                format!(
                    "{LIST}: {shown} has no occurrence {} of `$ {}` for the snippet {}; update the list to the transcript",
                    wanted.occurrence, wanted.command, wanted.name
                )
            })?;
        let tentacle = step.output_for(SHOWN_RELEASE).with_context(|| {
            format!(
                "{shown}: `$ {}` has no output for {SHOWN_RELEASE}",
                step.command
            )
        })?;
        let mut add = |file_name: String, lines: &[String]| -> anyhow::Result<()> {
            let content = render(&step.command, lines)
                .with_context(|| format!("{shown}: `$ {}`", step.command))?;
            if snippets.insert(file_name.clone(), content).is_some() {
                bail!("{LIST} lists the snippet {file_name} twice");
            }
            Ok(())
        };
        add(format!("{}.txt", wanted.name), tentacle)?;
        for release in OTHER_RELEASES {
            if let Some(lines) = step.output_for(release)
                && lines != tentacle
            {
                add(format!("{}.{release}.txt", wanted.name), lines)?;
            }
        }
    }
    Ok(snippets)
}

/// The command steps of one transcript, in order; directives are left out.
fn steps(text: &str) -> anyhow::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let mut in_block = false;
    let mut current: Option<Step> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        if !in_block {
            in_block = line == "```console";
            continue;
        }
        let ends_step = line == "```" || line.starts_with("$ ") || line.starts_with("% ");
        if ends_step && let Some(step) = current.take() {
            steps.push(finish(step));
        }
        if line == "```" {
            in_block = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            current = Some(Step {
                command: command.trim().to_owned(),
                variants: Vec::new(),
            });
        } else if let Some(step) = current.as_mut() {
            let tags: Vec<&str> = line.split_whitespace().collect();
            if !tags.is_empty() && tags.iter().all(|tag| tag.starts_with('@')) {
                let releases = tags.iter().map(|tag| tag[1..].to_owned()).collect();
                step.variants.push((releases, Vec::new()));
            } else {
                if step.variants.is_empty() {
                    step.variants.push((Vec::new(), Vec::new()));
                }
                if let Some((_, lines)) = step.variants.last_mut() {
                    lines.push(line.to_owned());
                }
            }
        }
    }
    if in_block {
        bail!("a ```console block is not closed");
    }
    Ok(steps)
}

/// Drops the blank lines that end each output.
fn finish(mut step: Step) -> Step {
    for (_, lines) in &mut step.variants {
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
    }
    step
}

/// A snippet: `$ command`, then the output with its placeholders filled in and no `[exit N]` line.
fn render(command: &str, lines: &[String]) -> anyhow::Result<String> {
    let mut text = format!("$ {}\n", fill(command)?);
    for line in lines {
        let is_exit = line
            .strip_prefix("[exit ")
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|code| code.parse::<i32>().is_ok());
        if !is_exit {
            text.push_str(&fill(line)?);
            text.push('\n');
        }
    }
    Ok(text)
}

/// A line with the transcript placeholders replaced; an unknown `<lab>` use fails.
fn fill(line: &str) -> anyhow::Result<String> {
    let mut text = line.replace("<lab>/control.socket", SOCKET);
    if text.contains("<lab>") {
        bail!("`{line}` shows the lab directory, which an operator has no equivalent of");
    }
    text = text.replace("<time>", TIME);
    while let Some(at) = text.find("<age>") {
        let after = &text[at + "<age>".len()..];
        let spaces = after.chars().take_while(|c| *c == ' ').count();
        let extra = AGE.len() - "<age>".len();
        let keep = if spaces > extra + 1 {
            spaces - extra
        } else {
            spaces.min(1)
        };
        let rest = &after[spaces..];
        text = format!("{}{AGE}{}{rest}", &text[..at], " ".repeat(keep));
    }
    Ok(text)
}

/// Whether `path` is a snippet file this module writes.
pub(super) fn is_snippet(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "txt")
        && path.file_name().is_some_and(|name| name != "README.txt")
}

#[cfg(test)]
mod tests {
    use super::{fill, parse_list, render, steps};

    const SAMPLE: &str = "\
# RGW

```console
% fake state generated
$ ceph orch apply rgw foo --placement=\"node2 node3\"
rgw.foo: enabled rgw on node2, node3

$ ceph orch apply rgw foo --placement=\"node2 node3\"
rgw.foo: nothing to do (already on node2, node3)
```

```console
$ ceph orch status
@pacific
old
[exit 2]
@reef @tentacle
new

```
";

    #[test]
    fn steps_keep_their_outputs_per_release() {
        let steps = steps(SAMPLE).unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(
            steps[0].command,
            "ceph orch apply rgw foo --placement=\"node2 node3\""
        );
        assert_eq!(
            steps[1].output_for("tentacle"),
            Some(&["rgw.foo: nothing to do (already on node2, node3)".to_owned()][..])
        );
        assert_eq!(steps[2].output_for("pacific").unwrap(), ["old", "[exit 2]"]);
        assert_eq!(steps[2].output_for("tentacle").unwrap(), ["new"]);
        assert!(super::steps("```console\n$ ceph orch ls\n").is_err());
    }

    #[test]
    fn the_list_names_a_step_by_file_occurrence_and_command() {
        let list = "# comment\nrgw-again  02-apply.md  2  ceph orch apply rgw foo --placement=\"node2 node3\"\n";
        let wanted = parse_list(list).unwrap();
        assert_eq!(wanted.len(), 1);
        assert_eq!(wanted[0].occurrence, 2);
        assert_eq!(
            wanted[0].command,
            "ceph orch apply rgw foo --placement=\"node2 node3\""
        );
        assert!(parse_list("Bad 02-apply.md 1 ceph orch ls\n").is_err());
        assert!(parse_list("ok 02-apply.md 0 ceph orch ls\n").is_err());
        assert!(parse_list("ok 02-apply.md\n").is_err());
    }

    #[test]
    fn placeholders_become_what_an_operator_sees() {
        assert_eq!(
            fill("mon              3/3  <age>      -    count:3").unwrap(),
            "mon              3/3  8s ago     -    count:3"
        );
        assert_eq!(
            fill("mds.node1  node1         enabled  <age>        -        -").unwrap(),
            "mds.node1  node1         enabled  8s ago       -        -"
        );
        assert_eq!(fill("refreshed <age>.").unwrap(), "refreshed 8s ago.");
        assert_eq!(
            fill("socket <lab>/control.socket at <time>").unwrap(),
            "socket /var/snap/microceph/common/state/control.socket at 2026-12-01T09:30:00.000000Z"
        );
        assert!(fill("log in <lab>/log").is_err());
        assert_eq!(
            render(
                "ceph orch status",
                &["old".to_owned(), "[exit 2]".to_owned()]
            )
            .unwrap(),
            "$ ceph orch status\nold\n"
        );
    }

    #[test]
    fn the_listed_steps_exist_in_the_transcripts() {
        super::generate().unwrap_or_else(|error| panic!("{error:#}"));
    }
}
