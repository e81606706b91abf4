//! Maps a MicroCeph API error (HTTP status plus `error` text) to an [`ErrorKind`].
//!
//! The texts matched here are MicroCeph's and microcluster's own, quoted in `microceph-api.md` §2, §3, §4.7, §4.8 and §5.
//! Matching is on stable fragments only, and every rule also checks the HTTP status, so an unrelated error that merely mentions a fragment keeps its own kind.
//! Target names inside texts are Go `%q` strings; they are unquoted here so that a member name containing quotes or escapes is reported exactly.

use crate::error::ErrorKind;

/// The 503 texts that mean the cluster has no usable database yet: not bootstrapped, still starting or offline.
///
/// `Daemon not yet initialized` is the wording of older microcluster releases for the same state.
const NOT_INITIALIZED_TEXTS: [&str; 4] = [
    "Database is not yet initialized",
    "Database is still starting",
    "Database is offline",
    "Daemon not yet initialized",
];

/// The prefix of microcluster's 400 for a `?target=` name that is not a cluster member.
const UNKNOWN_TARGET_PREFIX: &str = "Failed to get cluster member for request target name ";

/// The prefix of microcluster's error when forwarding to a `?target=` member failed.
const SEND_TO_TARGET_PREFIX: &str = "Failed to send request to target ";

/// The prefix of microcluster's 500 when it cannot build an HTTPS client for a `?target=` member.
const CLIENT_FOR_TARGET_PREFIX: &str = "Failed to get a client for the target ";

/// The start of a Go `url.Error` text for each method the proxy may forward, which marks a transport failure rather than a remote answer.
const GO_URL_ERROR_VERBS: [&str; 5] = ["Get \"", "Put \"", "Post \"", "Delete \"", "Patch \""];

/// The hospitality check's text when the snap service is already running on the host.
const ALREADY_ACTIVE_TEXT: &str = "service already active on host";

/// Classifies an API error by its HTTP status and MicroCeph's `error` text.
pub(crate) fn classify(status: u16, message: &str) -> ErrorKind {
    if status == 503 {
        return if NOT_INITIALIZED_TEXTS
            .iter()
            .any(|text| message.contains(text))
        {
            ErrorKind::NotInitialized
        } else {
            ErrorKind::Unavailable
        };
    }
    if status == 400
        && let Some(rest) = message.strip_prefix(UNKNOWN_TARGET_PREFIX)
        && let Some((target, _)) = split_go_quoted(rest)
    {
        return ErrorKind::UnknownTarget { target };
    }
    if status == 500
        && let Some(target) = unreachable_target(message)
    {
        return ErrorKind::UnreachableTarget { target };
    }
    if message.contains(ALREADY_ACTIVE_TEXT) {
        return ErrorKind::AlreadyActive;
    }
    if status == 404 || (status == 500 && is_nfs_not_found(message)) {
        return ErrorKind::NotFound;
    }
    ErrorKind::Other
}

/// Returns the target name when the text says the proxy could not reach the member at all.
///
/// A remote member's own error also arrives behind `Failed to send request to target "<t>": `, so that prefix alone is not enough: the rest must be a Go `url.Error` (`Put "https://…": …`).
fn unreachable_target(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix(SEND_TO_TARGET_PREFIX) {
        let (target, rest) = split_go_quoted(rest)?;
        let cause = rest.strip_prefix(": ")?;
        return GO_URL_ERROR_VERBS
            .iter()
            .any(|verb| cause.starts_with(verb))
            .then_some(target);
    }
    let rest = message.strip_prefix(CLIENT_FOR_TARGET_PREFIX)?;
    split_go_quoted(rest).map(|(target, _)| target)
}

/// Whether the text is the NFS disable handler's "no such cluster on this node" error.
fn is_nfs_not_found(message: &str) -> bool {
    message.contains("NFS service with ClusterID '") && message.contains("' not found on node '")
}

/// Splits a leading Go double-quoted string (as written by `%q`) from `text`, returning the unquoted value and the rest.
///
/// Supports the escapes `strconv.Quote` produces; returns `None` when `text` does not start with a complete quoted string.
fn split_go_quoted(text: &str) -> Option<(String, &str)> {
    let mut chars = text.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut bytes = Vec::new();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '"' => {
                let value = String::from_utf8_lossy(&bytes).into_owned();
                return Some((value, &text[index + 1..]));
            }
            '\\' => {
                let escaped = match chars.next()?.1 {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    'x' => {
                        // A `\xNN` escape is one raw byte, used by Go for bytes that are not valid UTF-8.
                        let byte = u8::try_from(read_hex(&mut chars, 2)?).ok()?;
                        bytes.push(byte);
                        continue;
                    }
                    'u' => char::from_u32(read_hex(&mut chars, 4)?)?,
                    'U' => char::from_u32(read_hex(&mut chars, 8)?)?,
                    _ => return None,
                };
                push_char(&mut bytes, escaped);
            }
            other => push_char(&mut bytes, other),
        }
    }
    None
}

/// Reads exactly `digits` hexadecimal digits from `chars`.
fn read_hex(chars: &mut std::str::CharIndices<'_>, digits: usize) -> Option<u32> {
    let mut value = 0u32;
    for _ in 0..digits {
        value = value * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(value)
}

/// Appends the UTF-8 encoding of `ch` to `bytes`.
fn push_char(bytes: &mut Vec<u8>, ch: char) {
    let mut buffer = [0u8; 4];
    bytes.extend_from_slice(ch.encode_utf8(&mut buffer).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::{classify, split_go_quoted};
    use crate::error::ErrorKind;

    fn check(status: u16, message: &str, expected: &ErrorKind) {
        assert_eq!(&classify(status, message), expected, "{status} {message}");
    }

    fn target(name: &str) -> String {
        name.to_owned()
    }

    #[test]
    fn not_initialized() {
        check(
            503,
            "Database is not yet initialized",
            &ErrorKind::NotInitialized,
        );
        check(
            503,
            "Database is still starting",
            &ErrorKind::NotInitialized,
        );
        check(503, "Database is offline", &ErrorKind::NotInitialized);
        check(
            503,
            "Daemon not yet initialized",
            &ErrorKind::NotInitialized,
        );
        check(
            503,
            "Failed to send request to target \"node2\": Database is not yet initialized",
            &ErrorKind::NotInitialized,
        );
    }

    #[test]
    fn unavailable() {
        check(503, "Daemon is shutting down", &ErrorKind::Unavailable);
        check(503, "Daemon is not ready yet", &ErrorKind::Unavailable);
        check(
            503,
            "Database is waiting for an upgrade",
            &ErrorKind::Unavailable,
        );
        check(503, "Service Unavailable", &ErrorKind::Unavailable);
    }

    #[test]
    fn unknown_target() {
        check(
            400,
            "Failed to get cluster member for request target name \"vriskaserket\": CoreClusterMember not found",
            &ErrorKind::UnknownTarget {
                target: target("vriskaserket"),
            },
        );
        check(
            400,
            r#"Failed to get cluster member for request target name "a\"b&target=c ü\n": CoreClusterMember not found"#,
            &ErrorKind::UnknownTarget {
                target: target("a\"b&target=c ü\n"),
            },
        );
        // The same text with another status is not the proxy's unknown-member answer.
        check(
            500,
            "Failed to get cluster member for request target name \"x\": boom",
            &ErrorKind::Other,
        );
    }

    #[test]
    fn unreachable_target() {
        check(
            500,
            "Failed to send request to target \"node2\": Put \"https://10.0.0.12:7443/1.0/services/rgw?target=node2\": Unable to connect to \"10.0.0.12:7443\": dial tcp 10.0.0.12:7443: connect: connection refused",
            &ErrorKind::UnreachableTarget {
                target: target("node2"),
            },
        );
        for verb in ["Get", "Post", "Delete", "Patch"] {
            check(
                500,
                &format!(
                    "Failed to send request to target \"n3\": {verb} \"https://[fd00::3]:7443/1.0/disks?target=n3\": context deadline exceeded"
                ),
                &ErrorKind::UnreachableTarget {
                    target: target("n3"),
                },
            );
        }
        check(
            500,
            "Failed to get a client for the target \"node2\" at address \"https://10.0.0.12:7443\": bad certificate",
            &ErrorKind::UnreachableTarget {
                target: target("node2"),
            },
        );
    }

    #[test]
    fn remote_answers_behind_the_proxy_prefix_keep_their_own_kind() {
        check(
            500,
            "Failed to send request to target \"node2\": failed to add DB record for mon: failed to record role: This \"services\" entry already exists",
            &ErrorKind::Other,
        );
        check(
            404,
            "Failed to send request to target \"node2\": failed to remove service from db \"rgw\": Service not found",
            &ErrorKind::NotFound,
        );
    }

    #[test]
    fn already_active() {
        check(
            500,
            "host failed hospitality check for rgw enablement: rgw service already active on host",
            &ErrorKind::AlreadyActive,
        );
        check(
            500,
            "Failed to send request to target \"node2\": host failed hospitality check for rgw enablement: rgw service already active on host",
            &ErrorKind::AlreadyActive,
        );
    }

    #[test]
    fn not_found() {
        check(404, "Not Found", &ErrorKind::NotFound);
        check(404, "Method 'HEAD' not found", &ErrorKind::NotFound);
        check(
            404,
            "failed to remove service \"mgr\" from database: failed to remove service from db \"mgr\": Service not found",
            &ErrorKind::NotFound,
        );
        check(404, "osd.7 not found", &ErrorKind::NotFound);
        check(
            500,
            "NFS service with ClusterID 'foo-cluster' not found on node 'node1'",
            &ErrorKind::NotFound,
        );
    }

    #[test]
    fn other() {
        check(501, "Not Implemented", &ErrorKind::Other);
        check(500, "mgr is not a valid ceph service", &ErrorKind::Other);
        check(500, "no handler defined for service mgr", &ErrorKind::Other);
        check(500, "foo enablement is not supported", &ErrorKind::Other);
        check(403, "Forbidden", &ErrorKind::Other);
        check(
            500,
            "rgw service unable to sustain on host: rgw service is not active",
            &ErrorKind::Other,
        );
        check(
            409,
            "placement apply already in progress: retry after the current apply completes",
            &ErrorKind::Other,
        );
    }

    #[test]
    fn go_unquoting() {
        assert_eq!(
            split_go_quoted(r#""node2": rest"#),
            Some(("node2".to_owned(), ": rest"))
        );
        assert_eq!(
            split_go_quoted(r#""a\\b\t\x41\u00fc\U0001F600" tail"#),
            Some(("a\\b\tAü😀".to_owned(), " tail"))
        );
        assert_eq!(
            split_go_quoted(r#""\xff""#),
            Some(("\u{fffd}".to_owned(), ""))
        );
        assert_eq!(split_go_quoted("\"unterminated"), None);
        assert_eq!(split_go_quoted("no quote"), None);
        assert_eq!(split_go_quoted(r#""bad \q escape""#), None);
    }
}
