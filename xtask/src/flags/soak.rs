//! Flags of `cargo xtask soak`.

use super::release_name;

/// Flags of `cargo xtask soak`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SoakFlags {
    /// The release whose orchestrator Python drives the module.
    pub(crate) release: String,
    /// Module operations in all, over every thread.
    pub(crate) ops: u32,
    /// The seed to replay; a fresh one, printed first, when not given.
    pub(crate) seed: Option<u64>,
}

impl SoakFlags {
    /// What `cargo xtask ci` runs: a few hundred operations on tentacle with a fresh seed.
    pub(crate) fn short() -> Self {
        SoakFlags {
            release: "tentacle".to_owned(),
            ops: 300,
            seed: None,
        }
    }
}

pub(super) fn parse_soak(rest: &[String]) -> Result<SoakFlags, String> {
    let mut flags = SoakFlags {
        ops: 5000,
        ..SoakFlags::short()
    };
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => flags.release = release_name(value()?)?,
            "--ops" => {
                let text = value()?;
                flags.ops = match text.parse::<u32>() {
                    Ok(ops) if ops >= 40 => ops,
                    _ => {
                        return Err(format!(
                            "`--ops` takes a number of at least 40, got `{text}`"
                        ));
                    }
                };
            }
            "--seed" => {
                let text = value()?;
                flags.seed = Some(
                    text.parse::<u64>()
                        .map_err(|_| format!("`--seed` takes a number, got `{text}`"))?,
                );
            }
            other => {
                return Err(format!(
                    "`soak` does not take `{other}`; accepted: --ops N, --seed S, --ceph RELEASE"
                ));
            }
        }
    }
    Ok(flags)
}
