//! Service names and placed service instances (`GET /1.0/services`, `microceph-api.md` §4.5 and §7).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A MicroCeph service type as it appears in `GET /1.0/services` and in `/1.0/services/<svc>` routes.
///
/// Parsing with [`FromStr`] is strict and accepts only the seven known names, because it is meant for input that will become a request.
/// Decoding a listing is lenient: an unknown name is kept in [`ServiceType::Other`] so that a newer daemon with a new service cannot break the whole listing.
/// The client never builds a request from [`ServiceType::Other`]: requests take [`PlainService`] or the RGW and NFS variants of the request types.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub enum ServiceType {
    /// `mon`, a Ceph monitor.
    Mon,
    /// `mgr`, a Ceph manager.
    Mgr,
    /// `mds`, a `CephFS` metadata server.
    Mds,
    /// `rgw`, the RADOS gateway.
    Rgw,
    /// `nfs`, an NFS-Ganesha instance in an NFS cluster (a grouped service).
    Nfs,
    /// `rbd-mirror`, the RBD mirroring daemon.
    RbdMirror,
    /// `cephfs-mirror`, the `CephFS` mirroring daemon.
    CephfsMirror,
    /// A service name this client does not know, kept verbatim from a listing.
    Other(String),
}

/// The services that are enabled and disabled without parameters: one instance per host, no payload, no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlainService {
    /// `mon`.
    Mon,
    /// `mgr`.
    Mgr,
    /// `mds`.
    Mds,
    /// `rbd-mirror`.
    RbdMirror,
    /// `cephfs-mirror`.
    CephfsMirror,
}

/// A service name that is not one of the names this client can request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown microceph service {name:?}")]
pub struct ParseServiceError {
    /// The rejected name.
    pub name: String,
}

/// One placed service instance from `GET /1.0/services`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServiceInstance {
    /// The service type.
    pub service: ServiceType,
    /// The member name of the host that runs it.
    pub location: String,
    /// Empty for plain services; the NFS `cluster_id` for NFS.
    #[serde(default)]
    pub group_id: String,
    /// Empty for plain services; for NFS a JSON document encoded in a string, see [`ServiceInstance::nfs_info`].
    #[serde(default)]
    pub info: String,
}

/// Where an NFS instance listens, decoded from [`ServiceInstance::info`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct NfsInfo {
    /// The address NFS-Ganesha binds to, for example `0.0.0.0`.
    pub bind_address: String,
    /// The port NFS-Ganesha binds to, for example `2049`.
    pub bind_port: u16,
}

/// An NFS instance's `info` string that is not the expected JSON document.
#[derive(Debug, thiserror::Error)]
#[error("invalid nfs info {info:?}")]
pub struct InvalidNfsInfo {
    /// The `info` string as MicroCeph sent it.
    pub info: String,
    /// The JSON error.
    #[source]
    pub source: serde_json::Error,
}

impl ServiceType {
    /// The service name exactly as MicroCeph writes it, for example `rbd-mirror`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Mon => "mon",
            Self::Mgr => "mgr",
            Self::Mds => "mds",
            Self::Rgw => "rgw",
            Self::Nfs => "nfs",
            Self::RbdMirror => "rbd-mirror",
            Self::CephfsMirror => "cephfs-mirror",
            Self::Other(name) => name,
        }
    }

    /// Parses a known name, returning `None` for anything else.
    fn known(name: &str) -> Option<Self> {
        Some(match name {
            "mon" => Self::Mon,
            "mgr" => Self::Mgr,
            "mds" => Self::Mds,
            "rgw" => Self::Rgw,
            "nfs" => Self::Nfs,
            "rbd-mirror" => Self::RbdMirror,
            "cephfs-mirror" => Self::CephfsMirror,
            _ => return None,
        })
    }
}

impl FromStr for ServiceType {
    type Err = ParseServiceError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::known(name).ok_or_else(|| ParseServiceError {
            name: name.to_owned(),
        })
    }
}

impl From<String> for ServiceType {
    fn from(name: String) -> Self {
        Self::known(&name).unwrap_or(Self::Other(name))
    }
}

impl From<ServiceType> for String {
    fn from(service: ServiceType) -> Self {
        match service {
            ServiceType::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PlainService {
    /// The service name exactly as MicroCeph writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mon => "mon",
            Self::Mgr => "mgr",
            Self::Mds => "mds",
            Self::RbdMirror => "rbd-mirror",
            Self::CephfsMirror => "cephfs-mirror",
        }
    }
}

impl From<PlainService> for ServiceType {
    fn from(service: PlainService) -> Self {
        match service {
            PlainService::Mon => Self::Mon,
            PlainService::Mgr => Self::Mgr,
            PlainService::Mds => Self::Mds,
            PlainService::RbdMirror => Self::RbdMirror,
            PlainService::CephfsMirror => Self::CephfsMirror,
        }
    }
}

impl TryFrom<ServiceType> for PlainService {
    type Error = ParseServiceError;

    fn try_from(service: ServiceType) -> Result<Self, Self::Error> {
        match service {
            ServiceType::Mon => Ok(Self::Mon),
            ServiceType::Mgr => Ok(Self::Mgr),
            ServiceType::Mds => Ok(Self::Mds),
            ServiceType::RbdMirror => Ok(Self::RbdMirror),
            ServiceType::CephfsMirror => Ok(Self::CephfsMirror),
            other => Err(ParseServiceError { name: other.into() }),
        }
    }
}

impl FromStr for PlainService {
    type Err = ParseServiceError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ServiceType::from_str(name)?.try_into()
    }
}

impl fmt::Display for PlainService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ServiceInstance {
    /// Decodes the NFS `info` string (`{"bind_address":…,"bind_port":…}`).
    ///
    /// Returns `Ok(None)` when `info` is empty, as it is for every plain service.
    pub fn nfs_info(&self) -> Result<Option<NfsInfo>, InvalidNfsInfo> {
        if self.info.is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&self.info)
            .map(Some)
            .map_err(|source| InvalidNfsInfo {
                info: self.info.clone(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::{NfsInfo, PlainService, ServiceInstance, ServiceType};

    #[test]
    fn known_names_round_trip() {
        for name in [
            "mon",
            "mgr",
            "mds",
            "rgw",
            "nfs",
            "rbd-mirror",
            "cephfs-mirror",
        ] {
            let service: ServiceType = name.parse().unwrap();
            assert_eq!(service.as_str(), name);
            assert_eq!(ServiceType::from(name.to_owned()), service);
        }
        assert_eq!(
            "cephfs-mirror".parse::<PlainService>().unwrap(),
            PlainService::CephfsMirror
        );
    }

    #[test]
    fn unknown_names_are_rejected_by_parse_but_kept_by_decoding() {
        assert!("osd".parse::<ServiceType>().is_err());
        assert!("rgw".parse::<PlainService>().is_err());
        let listed: ServiceInstance =
            serde_json::from_str(r#"{"service":"nvmeof","location":"n1","group_id":"","info":""}"#)
                .unwrap();
        assert_eq!(listed.service, ServiceType::Other("nvmeof".to_owned()));
        assert_eq!(listed.service.to_string(), "nvmeof");
    }

    #[test]
    fn nfs_info_decodes_the_embedded_json() {
        let nfs: ServiceInstance = serde_json::from_str(
            r#"{"service":"nfs","location":"node2","group_id":"foo-cluster","info":"{\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}"#,
        )
        .unwrap();
        assert_eq!(
            nfs.nfs_info().unwrap(),
            Some(NfsInfo {
                bind_address: "0.0.0.0".to_owned(),
                bind_port: 2049
            })
        );
        let plain: ServiceInstance =
            serde_json::from_str(r#"{"service":"mon","location":"node1","group_id":"","info":""}"#)
                .unwrap();
        assert_eq!(plain.nfs_info().unwrap(), None);
        let broken = ServiceInstance {
            info: "{not json".to_owned(),
            ..plain
        };
        assert!(broken.nfs_info().is_err());
    }
}
