//! Types of the microcluster core API: server information (`GET /core/1.0`) and cluster members (`GET /core/1.0/cluster`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What `GET /core/1.0` reports about the daemon that answered (`microceph-api.md` §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServerInfo {
    /// The member name of this daemon (the hostname by default).
    pub name: String,
    /// The member address as `ip:port`; empty before the cluster is bootstrapped or joined.
    #[serde(default)]
    pub address: String,
    /// The MicroCeph build version; may be empty.
    #[serde(default)]
    pub version: String,
    /// Whether the daemon's database is open.
    pub ready: bool,
    /// Microcluster's internal API extensions; a one-element list arrives as a bare string and is accepted as such.
    #[serde(default, deserialize_with = "super::string_or_list")]
    pub extensions: Vec<String>,
}

/// One member of the cluster as listed by `GET /core/1.0/cluster` (`microceph-api.md` §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ClusterMember {
    /// The member name, which is what `?target=` expects.
    pub name: String,
    /// The member address as `ip:port`, with IPv6 in brackets (`[fd00::1]:7443`).
    pub address: String,
    /// The member's certificate in PEM.
    #[serde(default)]
    pub certificate: String,
    /// The dqlite role: `voter`, `stand-by`, `spare`, or `PENDING` while joining or leaving.
    #[serde(default)]
    pub role: String,
    /// The member's internal schema version.
    #[serde(default)]
    pub schema_internal_version: u64,
    /// The member's external (MicroCeph) schema version.
    #[serde(default)]
    pub schema_external_version: u64,
    /// The last heartbeat as an RFC 3339 timestamp; `0001-01-01T00:00:00Z` before the first one.
    #[serde(default)]
    pub last_heartbeat: String,
    /// The member's reachability as seen by the daemon that answered.
    pub status: MemberStatus,
    /// Microcluster's internal API extensions; a one-element list arrives as a bare string and is accepted as such.
    #[serde(default, deserialize_with = "super::string_or_list")]
    pub extensions: Vec<String>,
    /// A join secret; normally empty.
    #[serde(default)]
    pub secret: String,
}

/// A member's status in `GET /core/1.0/cluster`.
///
/// Unknown texts are kept in [`MemberStatus::Other`] so that a newer daemon cannot break decoding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub enum MemberStatus {
    /// `ONLINE`: the member answered its readiness probe.
    Online,
    /// `UNREACHABLE`: the member did not answer its readiness probe.
    Unreachable,
    /// `UPGRADING`: the database waits for an upgrade and this member is upgrading.
    Upgrading,
    /// `NEEDS UPGRADE`: the database waits for an upgrade and this member is behind.
    NeedsUpgrade,
    /// `NOT TRUSTED`: defined by microcluster, not produced by the handler in the version read.
    NotTrusted,
    /// `NOT FOUND`: defined by microcluster, not produced by the handler in the version read.
    NotFound,
    /// Any other text, kept verbatim.
    Other(String),
}

impl MemberStatus {
    /// The status exactly as MicroCeph writes it, for example `NEEDS UPGRADE`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Online => "ONLINE",
            Self::Unreachable => "UNREACHABLE",
            Self::Upgrading => "UPGRADING",
            Self::NeedsUpgrade => "NEEDS UPGRADE",
            Self::NotTrusted => "NOT TRUSTED",
            Self::NotFound => "NOT FOUND",
            Self::Other(text) => text,
        }
    }
}

impl From<String> for MemberStatus {
    fn from(text: String) -> Self {
        match text.as_str() {
            "ONLINE" => Self::Online,
            "UNREACHABLE" => Self::Unreachable,
            "UPGRADING" => Self::Upgrading,
            "NEEDS UPGRADE" => Self::NeedsUpgrade,
            "NOT TRUSTED" => Self::NotTrusted,
            "NOT FOUND" => Self::NotFound,
            _ => Self::Other(text),
        }
    }
}

impl From<MemberStatus> for String {
    fn from(status: MemberStatus) -> Self {
        match status {
            MemberStatus::Other(text) => text,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{ClusterMember, MemberStatus, ServerInfo};

    #[test]
    fn extensions_accept_a_bare_string_an_array_and_null() {
        let one: ServerInfo = serde_json::from_str(
            r#"{"name":"n","address":"","version":"","ready":false,"extensions":"internal:runtime_extension_v1"}"#,
        )
        .unwrap();
        assert_eq!(one.extensions, ["internal:runtime_extension_v1"]);
        let many: ServerInfo = serde_json::from_str(
            r#"{"name":"n","address":"a","version":"v","ready":true,"extensions":["a","b"]}"#,
        )
        .unwrap();
        assert_eq!(many.extensions, ["a", "b"]);
        let none: ServerInfo =
            serde_json::from_str(r#"{"name":"n","ready":true,"extensions":null}"#).unwrap();
        assert!(none.extensions.is_empty());
    }

    #[test]
    fn member_status_round_trips_and_keeps_unknown_text() {
        for text in [
            "ONLINE",
            "UNREACHABLE",
            "UPGRADING",
            "NEEDS UPGRADE",
            "NOT TRUSTED",
            "NOT FOUND",
            "SLEEPY",
        ] {
            let status = MemberStatus::from(text.to_owned());
            assert_eq!(status.as_str(), text);
            assert_eq!(String::from(status), text);
        }
        assert_eq!(
            MemberStatus::from("SLEEPY".to_owned()),
            MemberStatus::Other("SLEEPY".to_owned())
        );
        assert_eq!(
            MemberStatus::from("NEEDS UPGRADE".to_owned()),
            MemberStatus::NeedsUpgrade
        );
    }

    #[test]
    fn member_decodes_with_only_the_essential_fields() {
        let member: ClusterMember =
            serde_json::from_str(r#"{"name":"n1","address":"10.0.0.1:7443","status":"ONLINE"}"#)
                .unwrap();
        assert_eq!(member.status, MemberStatus::Online);
        assert!(member.extensions.is_empty());
    }
}
