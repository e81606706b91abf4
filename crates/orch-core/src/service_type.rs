//! Service types and service names, spelled as Ceph spells them.
//!
//! A service name is `service_type` or `service_type.service_id`, as in `mon` or `nfs.foo`.
//! Ceph requires an id for `mds`, `rgw` and `nfs` and takes none for the other types MicroCeph runs; [`ServiceName::parse`] enforces that, and the per-type id rules live with each service kind.

use std::fmt;
use std::str::FromStr;

use crate::error::NameError;
use crate::services;

/// The kinds of service MicroCeph can run, plus `osd` for listings and restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceType {
    /// Ceph monitors.
    Mon,
    /// Ceph managers.
    Mgr,
    /// CephFS metadata servers.
    Mds,
    /// The RADOS gateway.
    Rgw,
    /// NFS-Ganesha servers.
    Nfs,
    /// RBD mirroring daemons.
    RbdMirror,
    /// CephFS mirroring daemons.
    CephfsMirror,
    /// Object storage daemons; MicroCeph manages them as disks, not as placed services.
    Osd,
}

/// A parsed service name: a type and, for the types that take one, a service id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceName {
    /// The service type.
    pub service_type: ServiceType,
    /// The service id; `Some` exactly for `mds`, `rgw` and `nfs`.
    pub service_id: Option<String>,
}

/// Service types Ceph knows in pacific, reef or tentacle, used to tell "unsupported" from "unknown".
const CEPH_SERVICE_TYPES: [&str; 33] = [
    "agent",
    "alertmanager",
    "ceph-exporter",
    "cephadm-exporter",
    "cephfs-mirror",
    "container",
    "crash",
    "elasticsearch",
    "grafana",
    "ingress",
    "iscsi",
    "jaeger-agent",
    "jaeger-collector",
    "jaeger-query",
    "jaeger-tracing",
    "loki",
    "mds",
    "mgmt-gateway",
    "mgr",
    "mon",
    "nfs",
    "node-exporter",
    "node-proxy",
    "nvmeof",
    "oauth2-proxy",
    "osd",
    "prometheus",
    "promtail",
    "rbd-mirror",
    "rgw",
    "smb",
    "snmp-gateway",
    "host",
];

impl ServiceType {
    /// Every type, in Ceph's usual listing order.
    pub const ALL: [ServiceType; 8] = [
        ServiceType::Mon,
        ServiceType::Mgr,
        ServiceType::Mds,
        ServiceType::Rgw,
        ServiceType::Nfs,
        ServiceType::RbdMirror,
        ServiceType::CephfsMirror,
        ServiceType::Osd,
    ];

    /// Ceph's spelling: `mon`, `mgr`, `mds`, `rgw`, `nfs`, `rbd-mirror`, `cephfs-mirror` or `osd`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Mon => "mon",
            ServiceType::Mgr => "mgr",
            ServiceType::Mds => "mds",
            ServiceType::Rgw => "rgw",
            ServiceType::Nfs => "nfs",
            ServiceType::RbdMirror => "rbd-mirror",
            ServiceType::CephfsMirror => "cephfs-mirror",
            ServiceType::Osd => "osd",
        }
    }

    /// Reads a type in Ceph's spelling; the error says whether Ceph knows the type at all.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if let Some(service_type) = ServiceType::ALL
            .into_iter()
            .find(|service_type| service_type.as_str() == text)
        {
            return Ok(service_type);
        }
        let supported = supported_list();
        if text.is_empty() {
            Err(NameError::Empty)
        } else if CEPH_SERVICE_TYPES.contains(&text) {
            Err(NameError::UnsupportedType {
                service_type: text.to_owned(),
                supported,
            })
        } else {
            Err(NameError::UnknownType {
                service_type: text.to_owned(),
                supported,
            })
        }
    }

    /// Whether Ceph names services of this type with a service id (`mds`, `rgw`, `nfs`).
    pub fn takes_service_id(self) -> bool {
        services::takes_service_id(self)
    }
}

impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServiceType {
    type Err = NameError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ServiceType::parse(text)
    }
}

impl ServiceName {
    /// Reads `type` or `type.id`, checking that the type takes an id exactly when one is given and that the id follows that type's rules.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        let (type_text, id) = match text.split_once('.') {
            Some((type_text, id)) => (type_text, Some(id)),
            None => (text, None),
        };
        let service_type = ServiceType::parse(type_text)?;
        let service_id = check_id(service_type, id, text)?;
        Ok(ServiceName {
            service_type,
            service_id,
        })
    }

    /// Checks a type and a separately given id, as a service spec carries them.
    pub fn from_parts(
        service_type: ServiceType,
        service_id: Option<&str>,
    ) -> Result<Self, NameError> {
        let shown = match service_id {
            Some(id) => format!("{service_type}.{id}"),
            None => service_type.to_string(),
        };
        let service_id = check_id(service_type, service_id, &shown)?;
        Ok(ServiceName {
            service_type,
            service_id,
        })
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.service_id {
            Some(id) => write!(f, "{}.{id}", self.service_type),
            None => write!(f, "{}", self.service_type),
        }
    }
}

/// The supported types as one comma-separated list, for messages.
pub(crate) fn supported_list() -> String {
    ServiceType::ALL.map(ServiceType::as_str).join(", ")
}

fn check_id(
    service_type: ServiceType,
    id: Option<&str>,
    shown: &str,
) -> Result<Option<String>, NameError> {
    match (service_type.takes_service_id(), id) {
        (true, None | Some("")) => Err(NameError::IdRequired {
            service_type: service_type.to_string(),
            hint: services::id_hint(service_type).to_owned(),
        }),
        (true, Some(id)) => {
            services::validate_service_id(service_type, id).map_err(|rule| {
                NameError::InvalidId {
                    service_id: id.to_owned(),
                    rule,
                }
            })?;
            Ok(Some(id.to_owned()))
        }
        (false, None) => Ok(None),
        (false, Some(_)) => Err(NameError::IdNotAllowed {
            service_name: shown.to_owned(),
            service_type: service_type.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        let shown = match ServiceName::parse(text) {
            Ok(name) => format!("ok {:?} {:?}", name.service_type, name.service_id),
            Err(error) => format!("error {error}"),
        };
        assert_eq!(shown, expected, "parsing {text:?}");
    }

    #[test]
    fn parses_service_names() {
        check("mon", "ok Mon None");
        check("rbd-mirror", "ok RbdMirror None");
        check("cephfs-mirror", "ok CephfsMirror None");
        check("osd", "ok Osd None");
        check("nfs.foo", r#"ok Nfs Some("foo")"#);
        check("mds.myfs", r#"ok Mds Some("myfs")"#);
        check("rgw.realm.zone", r#"ok Rgw Some("realm.zone")"#);
    }

    #[test]
    fn refuses_ids_on_types_without_one() {
        check(
            "mon.a",
            "error 'mon.a' is not a valid service name: only mds, rgw and nfs take a service id; use 'mon'",
        );
        check(
            "osd.3",
            "error 'osd.3' is not a valid service name: only mds, rgw and nfs take a service id; use 'osd'",
        );
    }

    #[test]
    fn requires_ids_where_ceph_does() {
        check(
            "nfs",
            "error service type 'nfs' requires a service id, as in 'nfs.<cluster_id>'",
        );
        check(
            "mds.",
            "error service type 'mds' requires a service id, as in 'mds.<fs_name>'",
        );
        check(
            "rgw",
            "error service type 'rgw' requires a service id, as in 'rgw.<service_id>'",
        );
    }

    #[test]
    fn tells_unsupported_from_unknown_types() {
        check(
            "crash",
            "error service type 'crash' is not supported by MicroCeph; supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
        );
        check(
            "rbd_mirror",
            "error unknown service type 'rbd_mirror'; supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
        );
        check("", "error service name is empty");
        check(
            "MON",
            "error unknown service type 'MON'; supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
        );
    }

    #[test]
    fn validates_ids_per_type() {
        check(
            "mds.1fs",
            "error service id '1fs' is invalid: an MDS service id (the file system name) cannot start with a digit",
        );
        check(
            "nfs.a",
            r"error service id 'a' is invalid: an NFS cluster id must match MicroCeph's '^[\w][\w.-]{1,61}[\w]$': 3 to 63 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'",
        );
        check(
            "rgw.a b",
            "error service id 'a b' is invalid: only [a-zA-Z0-9_.-] allowed",
        );
    }
}
