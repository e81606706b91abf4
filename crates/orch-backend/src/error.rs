//! The backend's one error type, [`BackendError`].
//!
//! Every verb returns `Result<_, BackendError>`.
//! In the mgr module, `mgr-binding`'s `python.rs` turns each variant into one exception class of `microceph._native`, and the Python shim turns those into Ceph's `OrchestratorError` or `OrchestratorValidationError`.
//! Messages are complete sentences for the operator and keep MicroCeph's own error text; [`BackendError::errno`] gives the positive errno the shim negates for Ceph.

use microceph_client::{Error, ErrorKind};

/// Everything a verb of the backend can fail with.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// An argument is not what the binding expects: malformed JSON, a field of the wrong type, an unusable value.
    #[error("{0}")]
    InvalidInput(String),
    /// The request cannot be satisfied: the plan has error findings, and nothing was sent.
    #[error("{0}")]
    Unsatisfiable(String),
    /// A MicroCeph request outside plan execution failed, such as observing the cluster; the message keeps MicroCeph's text.
    #[error("{message}")]
    MicroCeph {
        /// How the client classified the failure.
        kind: ErrorKind,
        /// The HTTP status, when MicroCeph answered.
        status: Option<u16>,
        /// The whole message, MicroCeph's text included.
        message: String,
    },
    /// Executing a plan failed on some members; the message names what failed, what changed and what was not attempted.
    #[error("{message}")]
    Failed {
        /// The whole message.
        message: String,
        /// The errno of the first failure.
        errno: i32,
    },
    /// MicroCeph restarted daemons, but Ceph did not show all of them back in time; the message names them.
    #[error("{0}")]
    NotConfirmed(String),
    /// The operation is one this orchestrator does not offer; the message names the `microceph` command that does it.
    #[error("{0}")]
    Unsupported(String),
    /// A bug: a panic was caught or the runtime could not start.
    #[error("internal error in the microceph orchestrator module: {0}")]
    Internal(String),
}

/// `errno` values, as Linux numbers them.
mod errno {
    pub(super) const ENOENT: i32 = 2;
    pub(super) const EIO: i32 = 5;
    pub(super) const EAGAIN: i32 = 11;
    pub(super) const EEXIST: i32 = 17;
    pub(super) const EINVAL: i32 = 22;
    pub(super) const EOPNOTSUPP: i32 = 95;
    pub(super) const ETIMEDOUT: i32 = 110;
    pub(super) const ECONNREFUSED: i32 = 111;
    pub(super) const EHOSTUNREACH: i32 = 113;
}

impl BackendError {
    /// A client error outside plan execution, with its whole cause chain in the message.
    pub fn microceph(context: &str, error: &Error) -> Self {
        BackendError::MicroCeph {
            kind: error.kind(),
            status: error.status(),
            message: format!("{context}: {}", error_text(error)),
        }
    }

    /// The positive errno Ceph should report; the shim passes it negated.
    pub fn errno(&self) -> i32 {
        match self {
            BackendError::InvalidInput(_) | BackendError::Unsatisfiable(_) => errno::EINVAL,
            BackendError::MicroCeph { kind, .. } => kind_errno(kind),
            BackendError::Failed { errno, .. } => *errno,
            BackendError::NotConfirmed(_) => errno::ETIMEDOUT,
            BackendError::Unsupported(_) => errno::EOPNOTSUPP,
            BackendError::Internal(_) => errno::EIO,
        }
    }

    /// Whether Ceph should see an `OrchestratorValidationError`: the request itself was wrong, not the cluster.
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            BackendError::InvalidInput(_) | BackendError::Unsatisfiable(_)
        )
    }

    /// The error as plain data, for results that carry a failure next to what did happen: `{"message", "errno", "validation"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "message": self.to_string(),
            "errno": self.errno(),
            "validation": self.is_validation(),
        })
    }
}

/// The errno that best describes a client error kind.
pub(crate) fn kind_errno(kind: &ErrorKind) -> i32 {
    match kind {
        ErrorKind::SocketMissing | ErrorKind::NotFound => errno::ENOENT,
        ErrorKind::ConnectionRefused => errno::ECONNREFUSED,
        ErrorKind::Timeout => errno::ETIMEDOUT,
        ErrorKind::NotInitialized | ErrorKind::Unavailable => errno::EAGAIN,
        ErrorKind::UnknownTarget { .. } => errno::EINVAL,
        ErrorKind::UnreachableTarget { .. } => errno::EHOSTUNREACH,
        ErrorKind::AlreadyActive => errno::EEXIST,
        ErrorKind::Other => errno::EIO,
    }
}

/// An error's text for an operator: MicroCeph's own text verbatim when it answered with one, else the error and its causes.
pub(crate) fn error_text(error: &(dyn std::error::Error + 'static)) -> String {
    if let Some(api_message) = error.downcast_ref::<Error>().and_then(Error::api_message) {
        return api_message.to_owned();
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn error_text_walks_causes_without_repeating_them() {
        let error = Outer(std::io::Error::other("inner"));
        assert_eq!(error_text(&error), "outer: inner");
    }

    #[test]
    fn errnos_follow_the_kind_of_failure() {
        assert_eq!(BackendError::InvalidInput("x".into()).errno(), 22);
        assert_eq!(BackendError::Unsupported("x".into()).errno(), 95);
        assert_eq!(kind_errno(&ErrorKind::SocketMissing), 2);
        assert_eq!(
            kind_errno(&ErrorKind::UnreachableTarget { target: "n".into() }),
            113
        );
        assert!(BackendError::Unsatisfiable("x".into()).is_validation());
        assert!(!BackendError::Internal("x".into()).is_validation());
        assert_eq!(
            BackendError::Failed {
                message: "m".into(),
                errno: 5
            }
            .to_json(),
            serde_json::json!({"message": "m", "errno": 5, "validation": false})
        );
    }
}
