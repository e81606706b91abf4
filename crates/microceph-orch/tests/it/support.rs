//! Shared helpers: a fake MicroCeph on a fresh socket, a fake `ceph` program in a temporary directory, and the built command run against both.
//!
//! The fake `ceph` is a shell script that logs every call to `calls.log` and answers from files beside it:
//! `<name>.json` for `ceph <name> --format json` (`quorum_status`, `mgr_dump`, `osd_metadata`...), `fail.<name>` to fail with that text on standard error, `hang.<name>` to never answer.
//! `config-key set` writes the value under `store/`, and `config-key dump` prints what `store/` holds, so a stored spec is read back like the mgr module's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use fake_microceph::{BlockingServer, Cluster, Options, Server};
use serde_json::Value;

use crate::maps;

/// The fake `ceph` program.
const CEPH_SCRIPT: &str = r#"#!/bin/sh
dir=$(dirname "$0")
printf '%s\n' "$*" >> "$dir/calls.log"
case "$1" in
  quorum_status) name=quorum_status ;;
  *) name="$1_$2" ;;
esac
if [ -f "$dir/fail.$name" ]; then cat "$dir/fail.$name" >&2; exit 22; fi
if [ -f "$dir/hang.$name" ]; then exec sleep 30; fi
case "$name" in
  config-key_set)
    printf '%s' "$4" > "$dir/store/$(printf '%s' "$3" | tr '/' '%')"
    echo "set $3"
    exit 0 ;;
  config-key_dump)
    printf '{'
    sep=''
    for file in "$dir"/store/*; do
      [ -e "$file" ] || continue
      key=$(basename "$file" | tr '%' '/')
      value=$(sed 's/\\/\\\\/g; s/"/\\"/g' "$file")
      printf '%s"%s": "%s"' "$sep" "$key" "$value"
      sep=', '
    done
    printf '}\n'
    exit 0 ;;
esac
if [ -f "$dir/$name.json" ]; then cat "$dir/$name.json"; exit 0; fi
echo "Error EINVAL: unrecognized command $*" >&2
exit 22
"#;

/// A fake MicroCeph and a fake `ceph`, removed when dropped.
#[derive(Debug)]
pub(crate) struct Lab {
    server: Option<BlockingServer>,
    dir: PathBuf,
}

/// What one run of the command printed, and its exit status.
#[derive(Debug)]
pub(crate) struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Lab {
    /// The fake's three-member cluster, and a `ceph` whose maps say what `maps.rs` describes.
    pub(crate) fn start() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "microceph-orch-it-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("ceph/store")).expect("temporary directory");
        let server = Server::start_blocking(
            dir.join("control.socket"),
            Cluster::generate(3),
            Options::default(),
        )
        .expect("the fake starts");
        let lab = Lab {
            server: Some(server),
            dir,
        };
        lab.write_ceph("ceph", CEPH_SCRIPT);
        set_executable(&lab.ceph());
        for (name, value) in maps::all("reef") {
            lab.answer(name, &value);
        }
        lab
    }

    /// Runs the command with `--socket` and `--ceph` pointing at the fakes, then `args`.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "")
    }

    /// Runs the command with `input` on its standard input.
    pub(crate) fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let socket = self.socket();
        let ceph = self.ceph();
        let mut all = vec![
            "--socket",
            socket.to_str().expect("UTF-8 path"),
            "--ceph",
            ceph.to_str().expect("UTF-8 path"),
        ];
        // `--no-ceph` cannot be combined with `--ceph`.
        if args.contains(&"--no-ceph") {
            all.truncate(2);
        }
        all.extend(args);
        run_command(&all, input)
    }

    /// Makes `ceph <name>` print `value` as JSON.
    pub(crate) fn answer(&self, name: &str, value: &Value) {
        self.write_ceph(&format!("{name}.json"), &format!("{value:#}\n"));
    }

    /// Makes `ceph <name>` fail with `stderr`.
    pub(crate) fn fail(&self, name: &str, stderr: &str) {
        self.write_ceph(&format!("fail.{name}"), stderr);
    }

    /// Makes `ceph <name>` never answer.
    pub(crate) fn hang(&self, name: &str) {
        self.write_ceph(&format!("hang.{name}"), "");
    }

    /// Stores a spec as the mgr module would.
    pub(crate) fn store(&self, service_name: &str, spec: &Value) {
        self.write_ceph(
            &format!("store/mgr%microceph%spec.{service_name}"),
            &spec.to_string(),
        );
    }

    /// The arguments of every `ceph` call so far, one line each.
    pub(crate) fn ceph_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("ceph/calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The specs stored so far, by key.
    pub(crate) fn stored(&self) -> Vec<(String, String)> {
        let mut stored: Vec<(String, String)> = std::fs::read_dir(self.dir.join("ceph/store"))
            .expect("the store")
            .map(|entry| {
                let path = entry.expect("an entry").path();
                let key = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .replace('%', "/");
                (key, std::fs::read_to_string(&path).expect("a stored value"))
            })
            .collect();
        stored.sort();
        stored
    }

    /// Writes a file into the temporary directory.
    pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("a temporary file");
        path
    }

    /// The fake's socket.
    pub(crate) fn socket(&self) -> PathBuf {
        self.dir.join("control.socket")
    }

    /// Stops the fake, as if MicroCeph's daemon stopped; its socket goes away with it.
    pub(crate) fn stop_microceph(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
    }

    fn ceph(&self) -> PathBuf {
        self.dir.join("ceph/ceph")
    }

    fn write_ceph(&self, name: &str, text: &str) {
        std::fs::write(self.dir.join("ceph").join(name), text).expect("a fake ceph file");
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop_microceph();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the built command with exactly `args` and no `MICROCEPH_ORCH_*` variables.
pub(crate) fn run_command(args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_microceph-orch"))
        .args(args)
        .env_remove("MICROCEPH_ORCH_SOCKET")
        .env_remove("MICROCEPH_ORCH_CEPH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(input.as_bytes())
        .expect("the input is written");
    let output = child.wait_with_output().expect("the command ends");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}

/// Replaces what changes from run to run: ISO timestamps by `<time>`, ages by `Ns ago`, and how long a daemon has been running by `running (<age>)` (padded to the same width, so columns stay aligned).
pub(crate) fn masked(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let rest: String = chars[at..chars.len().min(at + 27)].iter().collect();
        if is_timestamp(&rest) {
            out.push_str("<time>");
            at += 27;
            continue;
        }
        if rest.starts_with("running (") {
            let age = chars[at + 9..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if age > 0 && chars.get(at + 9 + age) == Some(&')') {
                out.push_str("running (<age>)");
                out.push_str(&" ".repeat((age + 10).saturating_sub(15)));
                at += 10 + age;
                // The column was padded for the real age: take back what `<age>` added.
                let extra = 15usize.saturating_sub(age + 10);
                let spaces = chars[at..].iter().take_while(|c| **c == ' ').count();
                at += extra.min(spaces.saturating_sub(2));
                continue;
            }
        }
        if chars[at].is_ascii_digit() && (at == 0 || !chars[at - 1].is_ascii_alphanumeric()) {
            let digits = chars[at..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let after: String = chars[at + digits..chars.len().min(at + digits + 5)]
                .iter()
                .collect();
            if after == "s ago" {
                out.push_str("Ns ago");
                at += digits + 5;
                continue;
            }
        }
        out.push(chars[at]);
        at += 1;
    }
    out
}

/// `2026-12-05T07:13:48.250000Z`.
fn is_timestamp(text: &str) -> bool {
    let pattern = "0000-00-00T00:00:00.000000Z";
    text.len() == pattern.len()
        && text
            .chars()
            .zip(pattern.chars())
            .all(|(c, p)| if p == '0' { c.is_ascii_digit() } else { c == p })
}

/// Parses JSON the command printed.
pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
