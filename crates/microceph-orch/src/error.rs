//! The command's failures, and how each reaches the operator: `Error <ERRNO NAME>: <message>` on standard error and the errno as exit status, as Ceph's own CLI reports a failed command.
//!
//! A wrong command line is the exception: it names the bad argument and what is accepted, and exits with status 2, as command-line tools do.

use orch_backend::BackendError;

/// Exit status of a usage error.
pub(crate) const USAGE_STATUS: u8 = 2;

/// `errno` values the command reports itself, as Linux numbers them.
pub(crate) const EIO: i32 = 5;
pub(crate) const EAGAIN: i32 = 11;
pub(crate) const EINVAL: i32 = 22;

/// Everything the command can fail with.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line is not one the command accepts.
    Usage(String),
    /// A spec file cannot be read or is not a list of service specs.
    Invalid(String),
    /// A backend verb failed; its message and errno are the backend's.
    Backend(BackendError),
    /// Something done with the `ceph` command failed, such as storing an applied spec.
    Ceph(String),
    /// Another failure with its errno, such as a failed apply or a spec file that cannot be read.
    Failed { message: String, errno: i32 },
    /// The command's own report already said what is wrong, such as `status` when MicroCeph does not answer; nothing more is printed.
    Reported(i32),
}

impl CliError {
    /// The positive errno of the failure; a usage error has none.
    pub(crate) fn errno(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::Invalid(_) => EINVAL,
            CliError::Backend(error) => error.errno(),
            CliError::Ceph(_) => EIO,
            CliError::Failed { errno, .. } | CliError::Reported(errno) => *errno,
        }
    }

    /// The process exit status.
    pub(crate) fn exit_status(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE_STATUS,
            other => u8::try_from(other.errno()).unwrap_or(1),
        }
    }

    /// What standard error shows, or nothing when the output already said it.
    pub(crate) fn report(&self) -> Option<String> {
        let message = match self {
            CliError::Usage(message) => {
                return Some(format!(
                    "microceph-orch: {message}\nrun `microceph-orch --help` for the commands and options"
                ));
            }
            CliError::Reported(_) => return None,
            CliError::Invalid(message)
            | CliError::Ceph(message)
            | CliError::Failed { message, .. } => message.clone(),
            CliError::Backend(error) => error.to_string(),
        };
        Some(format!("Error {}: {message}", errno_name(self.errno())))
    }
}

/// A file that cannot be read, with the errno of the reason.
pub(crate) fn file_error(message: String, error: &std::io::Error) -> CliError {
    CliError::Failed {
        message,
        errno: error.raw_os_error().unwrap_or(EIO),
    }
}

impl From<BackendError> for CliError {
    fn from(error: BackendError) -> Self {
        CliError::Backend(error)
    }
}

/// The symbolic name of an errno, as Ceph's CLI prints it.
pub(crate) fn errno_name(errno: i32) -> String {
    let name = match errno {
        2 => "ENOENT",
        EIO => "EIO",
        EAGAIN => "EAGAIN",
        17 => "EEXIST",
        EINVAL => "EINVAL",
        95 => "EOPNOTSUPP",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        other => return format!("errno {other}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_read_as_ceph_reports_them() {
        let error = CliError::Backend(BackendError::Unsupported("no".into()));
        assert_eq!(error.report().unwrap(), "Error EOPNOTSUPP: no");
        assert_eq!(error.exit_status(), 95);
        let usage = CliError::Usage("unknown command 'x'".into());
        assert_eq!(usage.exit_status(), 2);
        assert!(
            usage
                .report()
                .unwrap()
                .starts_with("microceph-orch: unknown command 'x'\n")
        );
        assert_eq!(CliError::Reported(EAGAIN).report(), None);
        assert_eq!(CliError::Reported(EAGAIN).exit_status(), 11);
        assert_eq!(errno_name(113), "EHOSTUNREACH");
        assert_eq!(errno_name(7), "errno 7");
    }
}
