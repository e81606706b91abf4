//! Flags of `cargo xtask lab up|down|mgr|rss`.

use std::path::PathBuf;

use super::release_name;

/// Flags of `cargo xtask lab`; a release is one of the names in `ceph_python::RELEASES`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LabFlags {
    Up {
        release: String,
        members: u32,
        dir: Option<PathBuf>,
    },
    Down {
        release: Option<String>,
        dir: Option<PathBuf>,
    },
    /// `lab mgr start|stop --id NAME`: a further mgr of a running lab.
    Mgr {
        action: MgrAction,
        id: String,
        release: Option<String>,
        dir: Option<PathBuf>,
        /// For `stop`: also wait until the mon has dropped the mgr from the mgr map.
        wait: bool,
    },
    /// `lab rss`: the mgr's memory with our module enabled, disabled and absent, in a lab of its
    /// own.
    Rss {
        release: String,
        members: u32,
        samples: usize,
        dir: Option<PathBuf>,
    },
    /// `lab on-restart --dir DIR MEMBER SERVICE`: the fake's restart hook.
    OnRestart {
        dir: PathBuf,
        member: String,
        service: String,
    },
}

/// What `lab mgr` does with the mgr it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MgrAction {
    Start,
    Stop,
}

/// The longest daemon id `lab mgr` accepts; a host name is at most as long.
const MAX_ID_LEN: usize = 64;

pub(super) fn parse_lab(rest: &[String]) -> Result<LabFlags, String> {
    match rest.split_first() {
        Some((action, rest)) if action == "up" => parse_up(rest),
        Some((action, rest)) if action == "down" => parse_down(rest),
        Some((action, rest)) if action == "mgr" => parse_mgr(rest),
        Some((action, rest)) if action == "rss" => parse_rss(rest),
        Some((action, rest)) if action == "on-restart" => parse_on_restart(rest),
        _ => Err("`lab` needs `up`, `down`, `mgr`, `rss` or `on-restart`".to_owned()),
    }
}

fn parse_up(rest: &[String]) -> Result<LabFlags, String> {
    let (mut release, mut members, mut dir) = (None, None, None);
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => release = Some(release_name(value()?)?),
            "--members" => members = Some(member_count(value()?)?),
            "--dir" => dir = Some(value()?.into()),
            other => {
                return Err(format!(
                    "`lab up` does not take `{other}`; accepted: --ceph RELEASE, --members N, --dir DIR"
                ));
            }
        }
    }
    let release = release.ok_or("`lab up` needs `--ceph RELEASE`")?;
    Ok(LabFlags::Up {
        release,
        members: members.unwrap_or(3),
        dir,
    })
}

/// The number of members of `--members`, from 1 to 1000.
fn member_count(value: &str) -> Result<u32, String> {
    value
        .parse()
        .ok()
        .filter(|members| (1..=1000).contains(members))
        .ok_or_else(|| format!("`--members {value}`: expected a whole number from 1 to 1000"))
}

fn parse_rss(rest: &[String]) -> Result<LabFlags, String> {
    let (mut release, mut members, mut samples, mut dir) = (None, None, None, None);
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => release = Some(release_name(value()?)?),
            "--members" => members = Some(member_count(value()?)?),
            "--samples" => {
                let value = value()?;
                samples = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|samples| (1..=100).contains(samples))
                        .ok_or_else(|| {
                            format!("`--samples {value}`: expected a whole number from 1 to 100")
                        })?,
                );
            }
            "--dir" => dir = Some(value()?.into()),
            other => {
                return Err(format!(
                    "`lab rss` does not take `{other}`; accepted: --ceph RELEASE, --members N, \
                     --samples K, --dir DIR"
                ));
            }
        }
    }
    Ok(LabFlags::Rss {
        release: release.unwrap_or_else(|| "pacific".to_owned()),
        members: members.unwrap_or(256),
        samples: samples.unwrap_or(5),
        dir,
    })
}

fn parse_down(rest: &[String]) -> Result<LabFlags, String> {
    let (mut release, mut dir) = (None, None);
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => release = Some(release_name(value()?)?),
            "--dir" => dir = Some(value()?.into()),
            other => {
                return Err(format!(
                    "`lab down` does not take `{other}`; accepted: --dir DIR, --ceph RELEASE"
                ));
            }
        }
    }
    if release.is_some() == dir.is_some() {
        return Err("`lab down` needs one of `--dir DIR` and `--ceph RELEASE`".to_owned());
    }
    Ok(LabFlags::Down { release, dir })
}

fn parse_mgr(rest: &[String]) -> Result<LabFlags, String> {
    let (action, rest) = match rest.split_first() {
        Some((action, rest)) if action == "start" => (MgrAction::Start, rest),
        Some((action, rest)) if action == "stop" => (MgrAction::Stop, rest),
        _ => return Err("`lab mgr` needs `start` or `stop`".to_owned()),
    };
    let command = match action {
        MgrAction::Start => "lab mgr start",
        MgrAction::Stop => "lab mgr stop",
    };
    let (mut id, mut release, mut dir, mut wait) = (None, None, None, false);
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--id" => id = Some(daemon_id(value()?)?),
            "--ceph" => release = Some(release_name(value()?)?),
            "--dir" => dir = Some(value()?.into()),
            "--wait" if action == MgrAction::Stop => wait = true,
            other => {
                let wait = if action == MgrAction::Stop {
                    ", --wait"
                } else {
                    ""
                };
                return Err(format!(
                    "`{command}` does not take `{other}`; accepted: --id NAME, --dir DIR, --ceph \
                     RELEASE{wait}"
                ));
            }
        }
    }
    let id = id.ok_or_else(|| format!("`{command}` needs `--id NAME`"))?;
    if release.is_some() == dir.is_some() {
        return Err(format!(
            "`{command}` needs one of `--dir DIR` and `--ceph RELEASE`"
        ));
    }
    Ok(LabFlags::Mgr {
        action,
        id,
        release,
        dir,
        wait,
    })
}

fn parse_on_restart(rest: &[String]) -> Result<LabFlags, String> {
    match rest {
        [flag, dir, member, service] if flag == "--dir" => Ok(LabFlags::OnRestart {
            dir: dir.into(),
            member: member.clone(),
            service: service.clone(),
        }),
        _ => Err("`lab on-restart` needs `--dir DIR MEMBER SERVICE`".to_owned()),
    }
}

/// `id` if it can name a daemon and its files: letters, digits, `-`, `_` and `.`, starting with a
/// letter or a digit.
pub(crate) fn daemon_id(id: &str) -> Result<String, String> {
    let valid = id.len() <= MAX_ID_LEN
        && id.starts_with(|first: char| first.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(id.to_owned())
    } else {
        Err(format!(
            "`{id}` cannot name a daemon: use up to {MAX_ID_LEN} letters, digits, `-`, `_` and \
             `.`, starting with a letter or a digit"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{LabFlags, MgrAction, daemon_id, parse_lab};

    fn check(args: &[&str], expected: &Result<LabFlags, String>) {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        assert_eq!(&parse_lab(&args), expected);
    }

    #[test]
    fn on_restart_takes_the_lab_the_member_and_the_service() {
        check(
            &["on-restart", "--dir", "d", "node1", "mon"],
            &Ok(LabFlags::OnRestart {
                dir: "d".into(),
                member: "node1".to_owned(),
                service: "mon".to_owned(),
            }),
        );
        check(
            &["on-restart", "node1", "mon"],
            &Err("`lab on-restart` needs `--dir DIR MEMBER SERVICE`".to_owned()),
        );
    }

    #[test]
    fn up_and_down() {
        check(
            &["up", "--ceph", "reef"],
            &Ok(LabFlags::Up {
                release: "reef".to_owned(),
                members: 3,
                dir: None,
            }),
        );
        check(
            &["up", "--members", "5", "--dir", "d", "--ceph", "pacific"],
            &Ok(LabFlags::Up {
                release: "pacific".to_owned(),
                members: 5,
                dir: Some("d".into()),
            }),
        );
        check(
            &["down", "--dir", "d"],
            &Ok(LabFlags::Down {
                release: None,
                dir: Some("d".into()),
            }),
        );
        check(
            &["up", "--ceph", "quincy"],
            &Err("`--ceph quincy`: expected pacific, reef or tentacle".to_owned()),
        );
        check(&["up"], &Err("`lab up` needs `--ceph RELEASE`".to_owned()));
        check(
            &["down", "--members", "2"],
            &Err(
                "`lab down` does not take `--members`; accepted: --dir DIR, --ceph RELEASE"
                    .to_owned(),
            ),
        );
        check(
            &["down"],
            &Err("`lab down` needs one of `--dir DIR` and `--ceph RELEASE`".to_owned()),
        );
        check(
            &[],
            &Err("`lab` needs `up`, `down`, `mgr`, `rss` or `on-restart`".to_owned()),
        );
    }

    #[test]
    fn rss_measures_pacific_with_256_members_unless_told() {
        check(
            &["rss"],
            &Ok(LabFlags::Rss {
                release: "pacific".to_owned(),
                members: 256,
                samples: 5,
                dir: None,
            }),
        );
        check(
            &[
                "rss",
                "--ceph",
                "tentacle",
                "--members",
                "3",
                "--samples",
                "9",
                "--dir",
                "d",
            ],
            &Ok(LabFlags::Rss {
                release: "tentacle".to_owned(),
                members: 3,
                samples: 9,
                dir: Some("d".into()),
            }),
        );
        check(
            &["rss", "--samples", "0"],
            &Err("`--samples 0`: expected a whole number from 1 to 100".to_owned()),
        );
        check(
            &["rss", "--members", "1001"],
            &Err("`--members 1001`: expected a whole number from 1 to 1000".to_owned()),
        );
        check(
            &["rss", "--wait"],
            &Err(
                "`lab rss` does not take `--wait`; accepted: --ceph RELEASE, --members N, \
                 --samples K, --dir DIR"
                    .to_owned(),
            ),
        );
    }

    #[test]
    fn mgr_start_and_stop() {
        check(
            &["mgr", "start", "--id", "node2", "--ceph", "tentacle"],
            &Ok(LabFlags::Mgr {
                action: MgrAction::Start,
                id: "node2".to_owned(),
                release: Some("tentacle".to_owned()),
                dir: None,
                wait: false,
            }),
        );
        check(
            &["mgr", "stop", "--wait", "--dir", "d", "--id", "node2"],
            &Ok(LabFlags::Mgr {
                action: MgrAction::Stop,
                id: "node2".to_owned(),
                release: None,
                dir: Some("d".into()),
                wait: true,
            }),
        );
        check(
            &["mgr", "start", "--id", "node2", "--ceph", "reef", "--wait"],
            &Err(
                "`lab mgr start` does not take `--wait`; accepted: --id NAME, --dir DIR, --ceph \
                 RELEASE"
                    .to_owned(),
            ),
        );
        check(
            &["mgr", "stop", "--ceph", "reef"],
            &Err("`lab mgr stop` needs `--id NAME`".to_owned()),
        );
        check(
            &["mgr", "start", "--id", "node2"],
            &Err("`lab mgr start` needs one of `--dir DIR` and `--ceph RELEASE`".to_owned()),
        );
        check(
            &["mgr", "restart"],
            &Err("`lab mgr` needs `start` or `stop`".to_owned()),
        );
    }

    #[test]
    fn daemon_ids_are_safe_file_names() {
        for good in ["node2", "vm", "host-1.example_2", &"a".repeat(64)] {
            assert_eq!(daemon_id(good).as_deref(), Ok(good));
        }
        for bad in [
            "",
            ".hidden",
            "-x",
            "a/b",
            "a b",
            "é",
            "../x",
            &"a".repeat(65),
        ] {
            assert!(daemon_id(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
