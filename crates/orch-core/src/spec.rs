//! The desired state: a service spec as Ceph expresses it.
//!
//! The fields mirror Ceph's `ServiceSpec` and `PlacementSpec` (see `ceph-orch-interface.md` §3) and keep the type-specific fields MicroCeph can honour.
//! Values are kept as Ceph gave them; the planners validate them and report problems as findings.

use std::fmt;

use crate::service_type::ServiceType;

/// One service spec, as `ceph orch apply` passes it to the backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceSpec {
    /// The service type as Ceph gave it, such as `rgw`; validated by the planners.
    pub service_type: String,
    /// The service id: the NFS cluster id, the MDS file system name or the RGW service id.
    pub service_id: Option<String>,
    /// Where the service should run.
    pub placement: PlacementSpec,
    /// Whether the orchestrator must leave the service alone.
    pub unmanaged: bool,
    /// The RGW fields; ignored for other types.
    pub rgw: RgwSettings,
    /// The NFS fields; ignored for other types.
    pub nfs: NfsSettings,
}

/// Ceph's placement: explicit hosts, a count, a host pattern, a label and a count per host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlacementSpec {
    /// Explicit host names.
    pub hosts: Vec<String>,
    /// How many instances to run.
    pub count: Option<u32>,
    /// An fnmatch pattern over host names, such as `*` or `node[1-3]`.
    pub host_pattern: Option<String>,
    /// A host label; MicroCeph has no host labels, so the planners refuse it.
    pub label: Option<String>,
    /// Instances per host; MicroCeph runs one instance per member.
    pub count_per_host: Option<u32>,
}

/// The RGW fields of Ceph's `RGWSpec` that matter to MicroCeph.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RgwSettings {
    /// `rgw_frontend_port`.
    pub frontend_port: Option<u16>,
    /// `ssl`.
    pub ssl: bool,
    /// `rgw_frontend_ssl_certificate`: by Ceph's convention one PEM text holding the certificate chain and its private key.
    pub certificate_pem: Option<String>,
    /// `rgw_realm`; MicroCeph does not support realms.
    pub realm: Option<String>,
    /// `rgw_zone`; MicroCeph does not support zones.
    pub zone: Option<String>,
    /// `rgw_zonegroup`; MicroCeph does not support zone groups.
    pub zonegroup: Option<String>,
}

/// The NFS fields MicroCeph can honour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NfsSettings {
    /// The port NFS binds to; MicroCeph's default is 2049.
    pub port: Option<u16>,
    /// The address NFS binds to; MicroCeph's default is `0.0.0.0`.
    pub bind_address: Option<String>,
    /// The minimum `NFSv4` minor version; the MicroCeph CLI's default is 1.
    pub v4_min_version: Option<u32>,
}

impl ServiceSpec {
    /// Builds a spec of the given type with an empty placement.
    pub fn new(service_type: &str) -> Self {
        ServiceSpec {
            service_type: service_type.to_owned(),
            ..ServiceSpec::default()
        }
    }

    /// Sets the service id.
    #[must_use]
    pub fn with_service_id(mut self, service_id: &str) -> Self {
        self.service_id = Some(service_id.to_owned());
        self
    }

    /// Sets the placement.
    #[must_use]
    pub fn with_placement(mut self, placement: PlacementSpec) -> Self {
        self.placement = placement;
        self
    }

    /// Ceph's `service_name()`: the type, plus `.id` for the types that take an id.
    ///
    /// Like Ceph, it drops an id given to a type that takes none.
    pub fn service_name(&self) -> String {
        let drops_id = ServiceType::parse(&self.service_type)
            .is_ok_and(|service_type| !service_type.takes_service_id());
        match &self.service_id {
            Some(id) if !drops_id => format!("{}.{id}", self.service_type),
            _ => self.service_type.clone(),
        }
    }
}

impl PlacementSpec {
    /// A placement on explicit hosts.
    pub fn hosts<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PlacementSpec {
            hosts: hosts.into_iter().map(Into::into).collect(),
            ..PlacementSpec::default()
        }
    }

    /// A placement by count.
    pub fn count(count: u32) -> Self {
        PlacementSpec {
            count: Some(count),
            ..PlacementSpec::default()
        }
    }

    /// A placement by host pattern.
    pub fn pattern(pattern: &str) -> Self {
        PlacementSpec {
            host_pattern: Some(pattern.to_owned()),
            ..PlacementSpec::default()
        }
    }

    /// Whether no field is set, which keeps a running service where it is.
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
            && self.count.is_none()
            && self.host_pattern.is_none()
            && self.label.is_none()
            && self.count_per_host.is_none()
    }

    /// Ceph's `pretty_str()`: hosts, `count:N`, `count-per-host:N`, `label:L` and the pattern, joined with `;`.
    pub fn pretty(&self) -> String {
        let mut parts = Vec::new();
        if !self.hosts.is_empty() {
            parts.push(self.hosts.join(";"));
        }
        if let Some(count) = self.count {
            parts.push(format!("count:{count}"));
        }
        if let Some(count_per_host) = self.count_per_host {
            parts.push(format!("count-per-host:{count_per_host}"));
        }
        if let Some(label) = &self.label {
            parts.push(format!("label:{label}"));
        }
        if let Some(pattern) = &self.host_pattern {
            parts.push(pattern.clone());
        }
        parts.join(";")
    }
}

impl RgwSettings {
    /// Ceph's `get_port()`: the frontend port, else 443 with SSL, else 80.
    pub fn port(&self) -> u16 {
        match (self.frontend_port, self.ssl) {
            (Some(port), _) => port,
            (None, true) => 443,
            (None, false) => 80,
        }
    }
}

impl fmt::Debug for RgwSettings {
    /// Shows whether certificate material is present, never the material itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RgwSettings")
            .field("frontend_port", &self.frontend_port)
            .field("ssl", &self.ssl)
            .field(
                "certificate_pem",
                &self.certificate_pem.as_ref().map(|_| "<redacted>"),
            )
            .field("realm", &self.realm)
            .field("zone", &self.zone)
            .field("zonegroup", &self.zonegroup)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(placement: &PlacementSpec, expected: &str) {
        assert_eq!(placement.pretty(), expected);
    }

    #[test]
    fn pretty_prints_like_ceph() {
        check(&PlacementSpec::default(), "");
        check(&PlacementSpec::count(3), "count:3");
        check(&PlacementSpec::hosts(["node1", "node2"]), "node1;node2");
        check(&PlacementSpec::pattern("node[1-3]"), "node[1-3]");
        check(
            &PlacementSpec {
                hosts: vec!["node1".into()],
                count: Some(1),
                count_per_host: Some(1),
                label: Some("mon".into()),
                host_pattern: Some("*".into()),
            },
            "node1;count:1;count-per-host:1;label:mon;*",
        );
    }

    #[test]
    fn service_names_drop_ids_like_ceph() {
        assert_eq!(
            ServiceSpec::new("mon").with_service_id("a").service_name(),
            "mon"
        );
        assert_eq!(
            ServiceSpec::new("nfs").with_service_id("a").service_name(),
            "nfs.a"
        );
        assert_eq!(
            ServiceSpec::new("bogus")
                .with_service_id("a")
                .service_name(),
            "bogus.a"
        );
    }

    #[test]
    fn debug_redacts_certificates() {
        let settings = RgwSettings {
            certificate_pem: Some("-----BEGIN PRIVATE KEY-----secret".into()),
            ..RgwSettings::default()
        };
        assert!(!format!("{settings:?}").contains("secret"));
    }
}
