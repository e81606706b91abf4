//! The service-specific `payload` of an enable request, parsed and checked as MicroCeph's `PopulateParams` does.
//!
//! RGW and NFS payloads are JSON documents inside a JSON string, read with `json.Unmarshal`.
//! Every failure here is wrapped by the caller as `failed to populate the payload for <name> enablement: <error>`.
//! The NFS cluster id check, Go's base64 decoder and `net.ParseIP` are imitated by hand.

use std::net::IpAddr;

use crate::go_json::unmarshal;
use crate::go_struct::{NFS_PLACEMENT, RGW_PLACEMENT};

/// What RGW will listen on once enabled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RgwParams {
    /// The plain HTTP port; 0 when SSL is configured and no plain port was asked for.
    pub(crate) port: i64,
    /// The SSL port, when both a certificate and a key were given.
    pub(crate) ssl_port: Option<i64>,
}

/// Where an NFS member will serve, and which group it joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NfsParams {
    /// The NFS cluster id (`group_id`).
    pub(crate) cluster_id: String,
    /// The group's minimum `NFSv4` minor version.
    pub(crate) v4_min_version: u64,
    /// The bind address as given, or `0.0.0.0`.
    pub(crate) bind_address: String,
    /// The bind port, 2049 by default.
    pub(crate) bind_port: u64,
}

/// The error text for an NFS cluster id that fails MicroCeph's regular expression.
pub(crate) const INVALID_CLUSTER_ID: &str =
    r"expected cluster_id to be valid (regex: '^[\w][\w.-]{1,61}[\w]$')";

/// Parses an RGW payload (`{"Port":…,"SSLPort":…,"SSLCertificate":…,"SSLPrivateKey":…}`).
pub(crate) fn parse_rgw(payload: &str) -> Result<RgwParams, String> {
    let value = unmarshal(payload.as_bytes())?;
    let fields = RGW_PLACEMENT.decode(&value)?;
    let (port, ssl_port) = (fields[0].as_int(), fields[1].as_int());
    let (certificate, private_key) = (fields[2].as_str(), fields[3].as_str());
    let ssl = !certificate.is_empty() && !private_key.is_empty();
    if ssl {
        check_base64(certificate).map_err(|offset| {
            format!("failed to decode SSL certificate: {}", base64_error(offset))
        })?;
        check_base64(private_key).map_err(|offset| {
            format!("failed to decode SSL private key: {}", base64_error(offset))
        })?;
    }
    Ok(RgwParams {
        port: if port == 0 && !ssl { 80 } else { port },
        ssl_port: ssl.then_some(ssl_port),
    })
}

/// Parses an NFS payload (`{"cluster_id":…,"v4_min_version":…,"bind_address":…,"bind_port":…}`).
pub(crate) fn parse_nfs(payload: &str) -> Result<NfsParams, String> {
    let value = unmarshal(payload.as_bytes())?;
    let fields = NFS_PLACEMENT.decode(&value)?;
    let cluster_id = fields[0].as_str().to_owned();
    let v4_min_version = fields[1].as_uint();
    let mut bind_address = fields[2].as_str().to_owned();
    let mut bind_port = fields[3].as_uint();
    if !is_valid_cluster_id(&cluster_id) {
        return Err(INVALID_CLUSTER_ID.to_owned());
    }
    if v4_min_version > 2 {
        return Err(format!(
            "expected v4_min_version '{v4_min_version}' to be in the interval [0, 2]"
        ));
    }
    if bind_address.is_empty() {
        "0.0.0.0".clone_into(&mut bind_address);
    } else if parse_ip(&bind_address).is_none() {
        return Err(format!("bind_address '{bind_address}' could not be parsed"));
    }
    if bind_port == 0 {
        bind_port = 2049;
    } else if bind_port > 49151 {
        return Err(format!(
            "expected bind_port number '{bind_port}' to be in range [1-49151]"
        ));
    }
    Ok(NfsParams {
        cluster_id,
        v4_min_version,
        bind_address,
        bind_port,
    })
}

/// Whether `id` matches `^[\w][\w.-]{1,61}[\w]$`, where `\w` is ASCII `[0-9A-Za-z_]` as in Go's RE2.
pub(crate) fn is_valid_cluster_id(id: &str) -> bool {
    let word = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'_';
    let bytes = id.as_bytes();
    match bytes {
        [first, middle @ .., last] => {
            (3..=63).contains(&bytes.len())
                && word(first)
                && word(last)
                && middle
                    .iter()
                    .all(|byte| word(byte) || *byte == b'.' || *byte == b'-')
        }
        _ => false,
    }
}

/// Parses an IP address as Go's `net.ParseIP` accepts it (no zones, no leading zeros in IPv4).
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

/// Go's `base64.CorruptInputError` text.
fn base64_error(offset: usize) -> String {
    format!("illegal base64 data at input byte {offset}")
}

/// Checks `text` with the rules of Go's `base64.StdEncoding.DecodeString`, returning the offset Go reports on failure.
///
/// Go skips `\r` and `\n` anywhere, requires `=` padding to complete the last quantum, and reports trailing garbage after padding.
fn check_base64(text: &str) -> Result<(), usize> {
    let src = text.as_bytes();
    let is_newline = |byte: u8| byte == b'\n' || byte == b'\r';
    let is_alphabet = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/';
    let mut si = 0;
    loop {
        // One four-character quantum, as Go's `decodeQuantum` reads it.
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                return if j == 0 { Ok(()) } else { Err(si - j) };
            }
            let byte = src[si];
            si += 1;
            if is_alphabet(byte) {
                j += 1;
                continue;
            }
            if is_newline(byte) {
                continue;
            }
            if byte != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && is_newline(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_newline(src[si]) {
                si += 1;
            }
            return if si < src.len() { Err(si) } else { Ok(()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_offsets_match_go() {
        let cases: &[(&str, Result<(), usize>)] = &[
            ("", Ok(())),
            ("aGVsbG8=", Ok(())),
            ("aGVs\nbG8=", Ok(())),
            ("aGVsbG8", Err(4)),
            ("not base64!", Err(3)),
            ("aGVsbA==", Ok(())),
            ("aGVsbA=", Err(7)),
            ("aGVsbA=x", Err(6)),
            ("aGVsbG8=x", Err(8)),
            ("a===", Err(1)),
            ("=", Err(0)),
        ];
        for (text, expected) in cases {
            assert_eq!(check_base64(text), *expected, "input {text:?}");
        }
    }

    #[test]
    fn cluster_ids_follow_the_regex() {
        for valid in ["foo", "a_b", "foo-cluster", "a.b-c", &"x".repeat(63)] {
            assert!(is_valid_cluster_id(valid), "{valid}");
        }
        for invalid in ["", "ab", "-ab", "ab-", "a b", "é12", &"x".repeat(64), "a/b"] {
            assert!(!is_valid_cluster_id(invalid), "{invalid}");
        }
    }

    #[test]
    fn rgw_defaults_and_errors() {
        assert_eq!(
            parse_rgw("{}").unwrap(),
            RgwParams {
                port: 80,
                ssl_port: None
            }
        );
        assert_eq!(
            parse_rgw(r#"{"port":0,"SSLPORT":443,"SSLCertificate":"aGk=","SSLPrivateKey":"aGk="}"#)
                .unwrap(),
            RgwParams {
                port: 0,
                ssl_port: Some(443)
            }
        );
        assert_eq!(
            parse_rgw(r#"{"SSLCertificate":"!!"}"#).unwrap().ssl_port,
            None
        );
        assert_eq!(parse_rgw("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(
            parse_rgw(r#"{"SSLCertificate":"aGk=","SSLPrivateKey":"a"}"#).unwrap_err(),
            "failed to decode SSL private key: illegal base64 data at input byte 0"
        );
    }

    #[test]
    fn nfs_defaults_and_errors() {
        let params = parse_nfs(r#"{"cluster_id":"foo"}"#).unwrap();
        assert_eq!(
            (params.bind_address.as_str(), params.bind_port),
            ("0.0.0.0", 2049)
        );
        let check =
            |payload: &str, expected: &str| assert_eq!(parse_nfs(payload).unwrap_err(), expected);
        check(r#"{"cluster_id":"f"}"#, INVALID_CLUSTER_ID);
        check(
            r#"{"cluster_id":"foo","v4_min_version":3}"#,
            "expected v4_min_version '3' to be in the interval [0, 2]",
        );
        check(
            r#"{"cluster_id":"foo","bind_address":"nope"}"#,
            "bind_address 'nope' could not be parsed",
        );
        check(
            r#"{"cluster_id":"foo","bind_port":49152}"#,
            "expected bind_port number '49152' to be in range [1-49151]",
        );
    }
}
