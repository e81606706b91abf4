//! The client's single error type, [`Error`], and the coarse [`ErrorKind`] that callers branch on.
//!
//! An [`Error`] keeps everything needed to explain a failure to an operator: the request it belongs to, the HTTP status, and MicroCeph's error text verbatim.
//! An [`ErrorKind`] throws most of that away and keeps only what decides what a caller does next, such as "the socket is missing" or "the service is already active on that host".
//! How an API error's kind is derived from its status and text lives in `classify.rs`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::envelope::DecodeError;

/// A boxed error from a lower layer (hyper, the connector or the operating system), kept as the source of an [`Error`].
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong when calling MicroCeph.
///
/// Use [`Error::kind`] to decide what to do; use `Display` (and the `source()` chain) to tell the operator why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The unix socket does not exist, which usually means MicroCeph is not installed or its daemon has never started.
    #[error(
        "microceph socket {} does not exist: is the microceph snap installed and its daemon running? (check `snap services microceph.daemon`)",
        socket_path.display()
    )]
    SocketMissing {
        /// The socket path the client tried to connect to.
        socket_path: PathBuf,
        /// The connection error, whose chain ends in the operating system's "not found".
        /// It is kept for `Debug` but is not the error's source: the message already says all an operator can act on, and the HTTP library's wording would only add noise to it.
        cause: BoxError,
    },

    /// Something exists at the endpoint but nobody accepts connections on it, which usually means the daemon has stopped or crashed.
    #[error(
        "microceph at {endpoint} refused the connection: the daemon is not accepting connections (check `snap services microceph.daemon`)"
    )]
    ConnectionRefused {
        /// The socket path or base URL the client tried to connect to.
        endpoint: String,
        /// The connection error, whose chain ends in the operating system's "connection refused".
        /// It is kept for `Debug` but is not the error's source, for the same reason as [`Error::SocketMissing`]'s.
        cause: BoxError,
    },

    /// The request did not complete, body included, within its timeout; for a write the outcome is unknown.
    #[error("{request} timed out after {timeout:?}")]
    Timeout {
        /// The request that timed out.
        request: RequestLine,
        /// The timeout that was exceeded.
        timeout: Duration,
    },

    /// Connecting, sending the request or receiving the response head failed for another reason, for example the server closed the connection; for a write the outcome is unknown.
    #[error("{request}: request to microceph at {endpoint} failed")]
    Transport {
        /// The request that failed.
        request: RequestLine,
        /// The socket path or base URL the client talked to.
        endpoint: String,
        /// The transport error from hyper.
        #[source]
        source: BoxError,
    },

    /// The response head arrived but reading its body failed, for example because the connection closed early.
    #[error("{request}: reading the response body failed (HTTP {status})")]
    ResponseBody {
        /// The request whose response body could not be read.
        request: RequestLine,
        /// The HTTP status of the response.
        status: u16,
        /// The body error from hyper.
        #[source]
        source: BoxError,
    },

    /// The response is not a MicroCeph envelope, or its metadata does not have the expected shape.
    #[error("{request}: undecodable response (HTTP {status}), body starts with {excerpt:?}")]
    Decode {
        /// The request whose response could not be decoded.
        request: RequestLine,
        /// The HTTP status of the response.
        status: u16,
        /// The first characters of the body, for the operator.
        excerpt: String,
        /// What exactly did not decode.
        #[source]
        source: DecodeError,
    },

    /// MicroCeph answered with an error envelope; its text is kept verbatim.
    #[error("{request}: {message} (HTTP {status})")]
    Api {
        /// The request MicroCeph refused.
        request: RequestLine,
        /// The HTTP status of the response.
        status: u16,
        /// The envelope's `error_code`, which MicroCeph sets equal to the HTTP status.
        error_code: i64,
        /// The envelope's `error` text, exactly as MicroCeph sent it.
        message: String,
    },

    /// The base URL given to [`crate::Client::http`] is not an `http://host:port` URL.
    #[error("invalid base url {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        reason: &'static str,
        /// The parser's error, when the URL did not parse at all.
        #[source]
        source: Option<BoxError>,
    },

    /// The HTTP request could not be assembled; this points to a bug in the client rather than a problem with MicroCeph.
    #[error("{request}: cannot build the http request")]
    InvalidRequest {
        /// The request that could not be built.
        request: RequestLine,
        /// The error from the HTTP types.
        #[source]
        source: BoxError,
    },
}

/// What a caller can branch on, derived from an [`Error`] by [`Error::kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The unix socket does not exist: MicroCeph is not installed or its daemon never started.
    SocketMissing,
    /// The endpoint exists but refuses connections: the daemon is stopped or crashed.
    ConnectionRefused,
    /// The request exceeded its timeout; for a write the outcome is unknown.
    Timeout,
    /// The cluster is not bootstrapped yet, or its database is not open yet (HTTP 503 with a "Database is …" text).
    NotInitialized,
    /// The daemon is shutting down, not ready yet, or waiting for an upgrade (any other HTTP 503).
    Unavailable,
    /// The `?target=` member is not a member of the cluster (HTTP 400).
    UnknownTarget {
        /// The member name as MicroCeph reported it.
        target: String,
    },
    /// The `?target=` member is a member of the cluster but could not be reached (HTTP 500).
    UnreachableTarget {
        /// The member name as MicroCeph reported it.
        target: String,
    },
    /// The service is already running on that host; enabling is not idempotent.
    AlreadyActive,
    /// The route, the service instance or the NFS cluster does not exist (HTTP 404, or MicroCeph's NFS "not found" 500).
    ///
    /// Only error envelopes count: a 404 whose body is not a MicroCeph envelope is [`ErrorKind::Other`], so that talking to the wrong server never reads as "already gone".
    NotFound,
    /// Anything else: other API errors, transport failures, undecodable responses.
    Other,
}

impl Error {
    /// Classifies the error for callers that branch on it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::SocketMissing { .. } => ErrorKind::SocketMissing,
            Self::ConnectionRefused { .. } => ErrorKind::ConnectionRefused,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Api {
                status, message, ..
            } => crate::classify::classify(*status, message),
            Self::Transport { .. }
            | Self::ResponseBody { .. }
            | Self::Decode { .. }
            | Self::InvalidBaseUrl { .. }
            | Self::InvalidRequest { .. } => ErrorKind::Other,
        }
    }

    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::ResponseBody { status, .. }
            | Self::Decode { status, .. }
            | Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// MicroCeph's error text, verbatim, when the daemon answered with an error envelope.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Self::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The request this error belongs to, when a request was made.
    pub fn request(&self) -> Option<&RequestLine> {
        match self {
            Self::Timeout { request, .. }
            | Self::Transport { request, .. }
            | Self::ResponseBody { request, .. }
            | Self::Decode { request, .. }
            | Self::Api { request, .. }
            | Self::InvalidRequest { request, .. } => Some(request),
            Self::SocketMissing { .. }
            | Self::ConnectionRefused { .. }
            | Self::InvalidBaseUrl { .. } => None,
        }
    }
}

/// The method and the percent-encoded path and query of a request, shown as `PUT /1.0/services/rgw?target=node2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    method: &'static str,
    path_and_query: String,
}

impl RequestLine {
    /// Makes a request line from a method name and an already encoded path and query.
    pub(crate) fn new(method: &'static str, path_and_query: String) -> Self {
        Self {
            method,
            path_and_query,
        }
    }

    /// The HTTP method, for example `PUT`.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The percent-encoded path and query, for example `/1.0/services/rgw?target=node2`.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path_and_query)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::{Error, ErrorKind, RequestLine};

    fn request() -> RequestLine {
        RequestLine::new("PUT", "/1.0/services/rgw?target=node2".to_owned())
    }

    #[test]
    fn api_error_display_keeps_microceph_text_intact() {
        let message = "Failed to send request to target \"node2\": host failed hospitality check for rgw enablement: rgw service already active on host";
        let err = Error::Api {
            request: request(),
            status: 500,
            error_code: 500,
            message: message.to_owned(),
        };
        assert_eq!(
            err.to_string(),
            format!("PUT /1.0/services/rgw?target=node2: {message} (HTTP 500)")
        );
        assert_eq!(err.api_message(), Some(message));
        assert_eq!(err.status(), Some(500));
        assert_eq!(err.kind(), ErrorKind::AlreadyActive);
    }

    #[test]
    fn transport_errors_name_the_socket_and_give_a_hint() {
        let cause: Box<dyn std::error::Error + Send + Sync> =
            Box::new(std::io::Error::from(std::io::ErrorKind::NotFound));
        let err = Error::SocketMissing {
            socket_path: "/var/snap/microceph/common/state/control.socket".into(),
            cause,
        };
        let text = err.to_string();
        assert!(
            text.contains("/var/snap/microceph/common/state/control.socket"),
            "{text}"
        );
        assert!(text.contains("snap services microceph.daemon"), "{text}");
        assert!(
            err.source().is_none(),
            "the message says it all; the HTTP library's cause stays out of the chain"
        );
        assert_eq!(err.kind(), ErrorKind::SocketMissing);
    }

    #[test]
    fn timeout_names_method_path_and_duration() {
        let err = Error::Timeout {
            request: request(),
            timeout: Duration::from_secs(130),
        };
        assert_eq!(
            err.to_string(),
            "PUT /1.0/services/rgw?target=node2 timed out after 130s"
        );
        assert_eq!(err.kind(), ErrorKind::Timeout);
    }
}
