//! The two files a lab offers people and scripts: `env`, shell assignments describing the lab,
//! and `ceph`, an executable that runs the lab's `ceph` CLI with every argument passed through,
//! inside the chroot when the lab has one.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::Context;

use super::Lab;

/// Writes `env` and `ceph` into the lab directory.
pub(super) fn write(lab: &Lab, version: &str, socket: &Path, members: u32) -> anyhow::Result<()> {
    let ports = lab.release.ports();
    let conf = lab.path("ceph.conf");
    let wrapper = lab.path("ceph");
    let chroot = lab
        .root
        .as_deref()
        .map(|root| root.display().to_string())
        .unwrap_or_default();
    let vars = [
        ("LAB_RELEASE", lab.release.release.name.to_owned()),
        ("LAB_CEPH_VERSION", version.to_owned()),
        ("LAB_DIR", lab.dir.display().to_string()),
        ("LAB_CHROOT", chroot),
        ("LAB_CEPH", wrapper.display().to_string()),
        ("LAB_MEMBER", lab.member.clone()),
        ("LAB_MEMBERS", members.to_string()),
        ("LAB_MON_ADDR", format!("127.0.0.1:{}", ports.mon_v2)),
        ("CEPH_CONF", conf.display().to_string()),
        ("MICROCEPH_SOCKET", socket.display().to_string()),
    ];
    let env = lab.path("env");
    std::fs::write(&env, render_env(lab.release.release.name, &vars))
        .with_context(|| format!("cannot write {}", env.display()))?;
    std::fs::write(
        &wrapper,
        render_wrapper(lab.release.release.name, lab.root.as_deref(), &conf),
    )
    .with_context(|| format!("cannot write {}", wrapper.display()))?;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", wrapper.display()))
}

/// `env`: one `export NAME='value'` line per variable.
fn render_env(release: &str, vars: &[(&str, String)]) -> String {
    let mut text = format!(
        "# The {release} lab of `cargo xtask lab up`; use it with `. ./env`.\n\
         # Paths are the same inside the lab's chroot (LAB_CHROOT, empty when Ceph runs on the\n\
         # host), and CEPH_CONF is meant for the Ceph there: run the CLI through LAB_CEPH.\n"
    );
    for (name, value) in vars {
        let _ = writeln!(text, "export {name}={}", shell_quote(value));
    }
    text
}

/// `ceph`: runs the release's CLI with this lab's configuration and the caller's arguments.
fn render_wrapper(release: &str, root: Option<&Path>, conf: &Path) -> String {
    let conf = shell_quote(&conf.display().to_string());
    let run = match root {
        None => format!("exec env CEPH_CONF={conf} /usr/bin/ceph -c {conf} \"$@\""),
        Some(root) => format!(
            "exec chroot {} /usr/bin/env CEPH_CONF={conf} /usr/bin/ceph -c {conf} \"$@\"",
            shell_quote(&root.display().to_string())
        ),
    };
    format!("#!/bin/sh\n# The `ceph` CLI of the {release} lab of `cargo xtask lab up`.\n{run}\n")
}

/// The variables of an `env` file, read back as `render_env` wrote them.
pub(super) fn read_env(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse_env(&text))
}

/// `export NAME=VALUE` lines, each value made of single-quoted text and backslash-escaped
/// characters as `shell_quote` writes them; other lines are skipped.
fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("export ")?.split_once('='))
        .map(|(name, quoted)| {
            let mut value = String::new();
            let mut chars = quoted.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\'' => value.extend(chars.by_ref().take_while(|c| *c != '\'')),
                    '\\' => value.extend(chars.next()),
                    other => value.push(other),
                }
            }
            (name.to_owned(), value)
        })
        .collect()
}

/// `value` in single quotes, with each single quote written as `'\''`.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{parse_env, render_env, render_wrapper, shell_quote};

    #[test]
    fn env_exports_each_variable_quoted() {
        let env = render_env(
            "reef",
            &[
                ("LAB_RELEASE", "reef".to_owned()),
                ("CEPH_CONF", "/labs/it's here/ceph.conf".to_owned()),
                ("LAB_CHROOT", String::new()),
            ],
        );
        assert!(env.starts_with("# The reef lab"));
        let exports: Vec<&str> = env.lines().filter(|line| !line.starts_with('#')).collect();
        assert_eq!(
            exports,
            [
                "export LAB_RELEASE='reef'",
                r"export CEPH_CONF='/labs/it'\''s here/ceph.conf'",
                "export LAB_CHROOT=''",
            ]
        );
        let read = parse_env(&env);
        assert_eq!(read["CEPH_CONF"], "/labs/it's here/ceph.conf");
        assert_eq!(read["LAB_CHROOT"], "");
        assert_eq!(read.len(), 3);
    }

    #[test]
    fn the_wrapper_enters_the_chroot_only_when_there_is_one() {
        let conf = Path::new("/labs/p/ceph.conf");
        assert!(render_wrapper("pacific", None, conf).ends_with(
            "exec env CEPH_CONF='/labs/p/ceph.conf' /usr/bin/ceph -c '/labs/p/ceph.conf' \"$@\"\n"
        ));
        let chrooted = render_wrapper("reef", Some(Path::new("/c/trixie")), conf);
        assert!(chrooted.starts_with("#!/bin/sh\n"));
        assert!(chrooted.ends_with(
            "exec chroot '/c/trixie' /usr/bin/env CEPH_CONF='/labs/p/ceph.conf' /usr/bin/ceph \
             -c '/labs/p/ceph.conf' \"$@\"\n"
        ));
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}
