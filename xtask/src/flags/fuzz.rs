//! Flags of `cargo xtask fuzz`.

/// How long each target runs unless told otherwise, in seconds.
const DEFAULT_SECONDS: u32 = 60;

/// How long `cargo xtask ci` runs each target, in seconds.
const CI_SECONDS: u32 = 30;

/// Flags of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FuzzFlags {
    /// The one target to run; every target when `None`.
    pub(crate) target: Option<String>,
    /// How long to run each target.
    pub(crate) seconds: u32,
}

impl FuzzFlags {
    /// What `cargo xtask ci` runs: every target, briefly.
    pub(crate) fn ci() -> Self {
        FuzzFlags {
            target: None,
            seconds: CI_SECONDS,
        }
    }
}

pub(super) fn parse_fuzz(rest: &[String]) -> Result<FuzzFlags, String> {
    let mut flags = FuzzFlags {
        target: None,
        seconds: DEFAULT_SECONDS,
    };
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--target" => {
                let target = value()?;
                if !crate::fuzz::TARGETS.contains(&target.as_str()) {
                    return Err(format!(
                        "`--target {target}`: expected one of {}",
                        crate::fuzz::TARGETS.join(", ")
                    ));
                }
                flags.target = Some(target.clone());
            }
            "--seconds" => {
                let text = value()?;
                flags.seconds = match text.parse::<u32>() {
                    Ok(seconds) if seconds > 0 => seconds,
                    _ => return Err(format!("`--seconds` takes a positive number, got `{text}`")),
                };
            }
            other => {
                return Err(format!(
                    "`fuzz` does not take `{other}`; accepted: --target NAME, --seconds N"
                ));
            }
        }
    }
    Ok(flags)
}
