//! `?target=<member>` forwarding, emulated inside one process (microcluster's `proxyTarget`).
//!
//! The query is parsed like Go's `url.ParseQuery`; a query that does not parse is treated as untargeted.
//! An absent, empty or local name runs the handler locally; another member's name runs it as that member, exactly one hop.
//! Outcomes are rewritten as microcluster rewrites them: unknown members give 400, unreachable ones 500 with Go's dial error, remote errors keep their status behind a `Failed to send request to target "<t>": ` prefix, and remote successes are re-wrapped with their metadata verbatim.

use crate::cluster::{Cluster, MemberStatus};
use crate::envelope::Outcome;
use crate::go_quote::go_quote_bytes;

/// Where a targeted request runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// On the local member.
    Local,
    /// On another, reachable member, named here; its outcome goes through [`wrap_remote`].
    Remote(String),
    /// Nowhere: the proxy answers with this error.
    Refused(Outcome),
}

/// Parses a raw query string like Go's `url.ParseQuery`; `None` when Go would report an error.
///
/// Go treats `;` as an error, `+` as a space, and any `%` not followed by two hex digits as an error.
pub(crate) fn parse_query(raw: &str) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut pairs = Vec::new();
    for part in raw.split('&') {
        if part.is_empty() {
            continue;
        }
        if part.contains(';') {
            return None;
        }
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((unescape(key)?, unescape(value)?));
    }
    Some(pairs)
}

/// The first `target` value of a raw query, decoded; `None` when absent or when the query does not parse.
pub(crate) fn target_value(raw_query: &str) -> Option<Vec<u8>> {
    parse_query(raw_query)?
        .into_iter()
        .find(|(key, _)| key == b"target")
        .map(|(_, value)| value)
}

/// Percent-decodes a path for fault matching; malformed escapes are kept as written.
pub(crate) fn decode_path(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(byte) = bytes.get(index + 1..index + 3).and_then(hex_pair)
        {
            out.push(byte);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decides where a request with this `target` value runs.
///
/// `method`, `raw_path` and `raw_query` are needed to spell the URL of Go's dial error for unreachable members.
pub(crate) fn resolve(
    cluster: &Cluster,
    target: Option<&[u8]>,
    method: &str,
    raw_path: &str,
    raw_query: &str,
) -> Resolution {
    let Some(target) = target.filter(|target| !target.is_empty()) else {
        return Resolution::Local;
    };
    if target == cluster.local_member.as_bytes() {
        return Resolution::Local;
    }
    let quoted = go_quote_bytes(target);
    let Some(member) = cluster
        .members
        .iter()
        .find(|member| member.name.as_bytes() == target)
    else {
        return Resolution::Refused(Outcome::error(
            400,
            format!(
                "Failed to get cluster member for request target name {quoted}: CoreClusterMember not found"
            ),
        ));
    };
    if member.status == MemberStatus::Unreachable {
        let address = &member.address;
        let url = format!("https://{address}{raw_path}?{raw_query}");
        return Resolution::Refused(Outcome::error(
            500,
            format!(
                "Failed to send request to target {quoted}: {} {}: Unable to connect to {}: dial tcp {address}: connect: connection refused",
                url_error_op(method),
                go_quote_bytes(url.as_bytes()),
                go_quote_bytes(address.as_bytes()),
            ),
        ));
    }
    Resolution::Remote(member.name.clone())
}

/// Rewrites a remote member's outcome as the forwarding member answers it.
pub(crate) fn wrap_remote(target: &str, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Success(metadata) => Outcome::Success(metadata),
        Outcome::Error { status, message } => Outcome::error(
            status,
            format!(
                "Failed to send request to target {}: {message}",
                go_quote_bytes(target.as_bytes())
            ),
        ),
    }
}

/// Go's `url.Error` operation for a method: `Get`, `Put`, `Post`, `Delete`, `Patch`.
fn url_error_op(method: &str) -> String {
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }
}

/// Go's `url.QueryUnescape`: `%XX` escapes and `+` for a space.
fn unescape(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                out.push(bytes.get(index + 1..index + 3).and_then(hex_pair)?);
                index += 3;
            }
            b'+' => {
                out.push(b' ');
                index += 1;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    Some(out)
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let high = char::from(pair[0]).to_digit(16)?;
    let low = char::from(pair[1]).to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_like_go() {
        assert_eq!(target_value("target=node%2F2"), Some(b"node/2".to_vec()));
        assert_eq!(
            target_value("a=1&target=node+2&target=x"),
            Some(b"node 2".to_vec())
        );
        assert_eq!(target_value("target="), Some(Vec::new()));
        assert_eq!(target_value("target"), Some(Vec::new()));
        assert_eq!(target_value("target=node2;x=1"), None);
        assert_eq!(target_value("target=node2&bad=%zz"), None);
        assert_eq!(target_value("x=1"), None);
    }

    #[test]
    fn paths_decode_for_fault_matching() {
        assert_eq!(decode_path("/1.0/services/rg%77"), "/1.0/services/rgw");
        assert_eq!(decode_path("/a%2Fb%zz"), "/a/b%zz");
    }

    #[test]
    fn resolution_follows_proxy_target() {
        let mut cluster = Cluster::generate(3);
        cluster.members[2].status = MemberStatus::Unreachable;
        let resolve = |target: &str| {
            resolve(
                &cluster,
                Some(target.as_bytes()),
                "PUT",
                "/1.0/services/rgw",
                "target=x",
            )
        };
        assert_eq!(resolve(""), Resolution::Local);
        assert_eq!(resolve("node1"), Resolution::Local);
        assert_eq!(resolve("node2"), Resolution::Remote("node2".to_owned()));
        assert_eq!(
            resolve("node9"),
            Resolution::Refused(Outcome::error(
                400,
                "Failed to get cluster member for request target name \"node9\": CoreClusterMember not found"
            ))
        );
        assert_eq!(
            resolve("node3"),
            Resolution::Refused(Outcome::error(
                500,
                "Failed to send request to target \"node3\": Put \"https://10.0.0.3:7443/1.0/services/rgw?target=x\": \
                 Unable to connect to \"10.0.0.3:7443\": dial tcp 10.0.0.3:7443: connect: connection refused"
            ))
        );
    }
}
