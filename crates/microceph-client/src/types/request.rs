//! Request bodies for enabling, disabling and restarting services (`microceph-api.md` §4.7, §4.8 and §4.9).
//!
//! Each request type renders its exact wire JSON through private serde structs whose field order follows the MicroCeph CLI.
//! The enable body's quirks are kept here: the wait flag's key is literally `"bool"`, `payload` is a JSON document encoded inside a string, and RGW payload keys are capitalised because MicroCeph's Go struct has no JSON tags.

use serde::Serialize;

use super::base64;
use super::service::{PlainService, ServiceType};

/// What to enable on a host with `PUT /1.0/services/<svc>`.
///
/// `wait` is MicroCeph's `"bool"` flag.
/// With `wait: true` the daemon answers only after the service was started, checked for about 10 s and recorded, and reports every failure.
/// With `wait: false` it answers 200 at once, even for a bad payload, and failures only reach the daemon log; poll `GET /1.0/services` to learn the outcome.
/// Enabling is not idempotent: a service already running on the host fails with [`crate::ErrorKind::AlreadyActive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnableRequest {
    /// A service without parameters; the payload is sent as `""`.
    Plain {
        /// The service to enable.
        service: PlainService,
        /// Whether to wait for the whole enablement.
        wait: bool,
    },
    /// The RADOS gateway.
    Rgw {
        /// Ports and TLS material.
        params: RgwParams,
        /// Whether to wait for the whole enablement.
        wait: bool,
    },
    /// One NFS-Ganesha instance joining an NFS cluster.
    Nfs {
        /// Cluster id and listening address.
        params: NfsParams,
        /// Whether to wait for the whole enablement.
        wait: bool,
    },
}

/// RGW parameters, sent as `{"Port","SSLPort","SSLCertificate","SSLPrivateKey"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RgwParams {
    /// The plain-HTTP port; `0` means 80 without TLS and no plain port with TLS.
    pub port: u16,
    /// TLS settings; `None` serves plain HTTP only.
    pub ssl: Option<RgwSsl>,
}

/// RGW TLS settings; MicroCeph enables TLS only when both the certificate and the key are non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgwSsl {
    /// The TLS port, for example 443.
    pub port: u16,
    /// The certificate PEM, base64-encoded as MicroCeph expects.
    pub certificate_base64: String,
    /// The private key PEM, base64-encoded as MicroCeph expects.
    pub private_key_base64: String,
}

/// NFS parameters, sent as `{"cluster_id","v4_min_version","bind_address","bind_port"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfsParams {
    /// The NFS cluster id, which MicroCeph checks against `^[\w][\w.-]{1,61}[\w]$`.
    pub cluster_id: String,
    /// The minimum `NFSv4` minor version, 0 to 2.
    pub v4_min_version: u32,
    /// The address to bind to; MicroCeph uses `0.0.0.0` when it is empty.
    pub bind_address: String,
    /// The port to bind to; MicroCeph uses 2049 when it is 0, and rejects values above 49151.
    pub bind_port: u16,
}

/// What to disable on a host with `DELETE /1.0/services/<svc>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisableRequest {
    /// A service without parameters; no body is sent.
    Plain(PlainService),
    /// The RADOS gateway; no body is sent.
    Rgw,
    /// The host's instance of one NFS cluster; the body is `{"cluster_id": …}`.
    Nfs {
        /// The NFS cluster id.
        cluster_id: String,
    },
}

/// A service that `POST /1.0/services/restart` accepts.
///
/// MicroCeph validates names against `{mon, mgr, osd, mds, rgw}` but has restart handlers only for `mon`, `osd` and `rgw`; in the version read, `mgr` and `mds` always fail with 500 `no handler defined for service <svc>`.
/// `osd` is always skipped as "not planned for this host", so it succeeds without restarting anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartService {
    /// `mon`.
    Mon,
    /// `mgr`.
    Mgr,
    /// `osd`.
    Osd,
    /// `mds`.
    Mds,
    /// `rgw`.
    Rgw,
}

impl EnableRequest {
    /// The service this request enables, which selects the route.
    pub fn service(&self) -> ServiceType {
        match self {
            Self::Plain { service, .. } => (*service).into(),
            Self::Rgw { .. } => ServiceType::Rgw,
            Self::Nfs { .. } => ServiceType::Nfs,
        }
    }

    /// Whether the request waits for the whole enablement.
    pub fn wait(&self) -> bool {
        match self {
            Self::Plain { wait, .. } | Self::Rgw { wait, .. } | Self::Nfs { wait, .. } => *wait,
        }
    }

    /// Renders the body, for example `{"name":"mon","bool":true,"payload":""}`.
    pub(crate) fn to_body(&self) -> String {
        let service = self.service();
        let payload = match self {
            Self::Plain { .. } => String::new(),
            Self::Rgw { params, .. } => params.to_payload(),
            Self::Nfs { params, .. } => params.to_payload(),
        };
        to_json(&EnableWire {
            name: service.as_str(),
            wait: self.wait(),
            payload: &payload,
        })
    }
}

impl RgwParams {
    /// Renders the payload string, for example `{"Port":80,"SSLPort":0,"SSLCertificate":"","SSLPrivateKey":""}`.
    fn to_payload(&self) -> String {
        let (ssl_port, certificate, private_key) = match &self.ssl {
            Some(ssl) => (
                ssl.port,
                ssl.certificate_base64.as_str(),
                ssl.private_key_base64.as_str(),
            ),
            None => (0, "", ""),
        };
        to_json(&RgwWire {
            port: self.port,
            ssl_port,
            ssl_certificate: certificate,
            ssl_private_key: private_key,
        })
    }
}

impl RgwSsl {
    /// Takes the certificate and key as PEM text and base64-encodes them for MicroCeph.
    pub fn from_pem(port: u16, certificate_pem: &str, private_key_pem: &str) -> Self {
        Self {
            port,
            certificate_base64: base64::encode(certificate_pem.as_bytes()),
            private_key_base64: base64::encode(private_key_pem.as_bytes()),
        }
    }
}

impl NfsParams {
    /// Parameters with the MicroCeph CLI's defaults: `v4_min_version` 1, bound to `0.0.0.0:2049`.
    pub fn new(cluster_id: impl Into<String>) -> Self {
        Self {
            cluster_id: cluster_id.into(),
            v4_min_version: 1,
            bind_address: "0.0.0.0".to_owned(),
            bind_port: 2049,
        }
    }

    /// Renders the payload string, for example `{"cluster_id":"foo","v4_min_version":1,"bind_address":"0.0.0.0","bind_port":2049}`.
    fn to_payload(&self) -> String {
        to_json(&NfsWire {
            cluster_id: &self.cluster_id,
            v4_min_version: self.v4_min_version,
            bind_address: &self.bind_address,
            bind_port: self.bind_port,
        })
    }
}

impl DisableRequest {
    /// The service this request disables, which selects the route.
    pub fn service(&self) -> ServiceType {
        match self {
            Self::Plain(service) => (*service).into(),
            Self::Rgw => ServiceType::Rgw,
            Self::Nfs { .. } => ServiceType::Nfs,
        }
    }

    /// Renders the body: `{"cluster_id": …}` for NFS, none for the others.
    pub(crate) fn to_body(&self) -> Option<String> {
        match self {
            Self::Nfs { cluster_id } => Some(to_json(&NfsDisableWire { cluster_id })),
            Self::Plain(_) | Self::Rgw => None,
        }
    }
}

impl RestartService {
    /// The service name exactly as MicroCeph writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mon => "mon",
            Self::Mgr => "mgr",
            Self::Osd => "osd",
            Self::Mds => "mds",
            Self::Rgw => "rgw",
        }
    }

    /// Renders the restart body, for example `[{"service":"mon"},{"service":"rgw"}]`.
    pub(crate) fn to_body(services: &[Self]) -> String {
        let wire: Vec<RestartWire> = services
            .iter()
            .map(|service| RestartWire {
                service: service.as_str(),
            })
            .collect();
        to_json(&wire)
    }
}

/// The wire shape of `EnableService`.
#[derive(Serialize)]
struct EnableWire<'a> {
    name: &'a str,
    #[serde(rename = "bool")]
    wait: bool,
    payload: &'a str,
}

/// The wire shape of MicroCeph's RGW payload, whose Go struct has no JSON tags.
#[derive(Serialize)]
struct RgwWire<'a> {
    #[serde(rename = "Port")]
    port: u16,
    #[serde(rename = "SSLPort")]
    ssl_port: u16,
    #[serde(rename = "SSLCertificate")]
    ssl_certificate: &'a str,
    #[serde(rename = "SSLPrivateKey")]
    ssl_private_key: &'a str,
}

/// The wire shape of MicroCeph's NFS payload.
#[derive(Serialize)]
struct NfsWire<'a> {
    cluster_id: &'a str,
    v4_min_version: u32,
    bind_address: &'a str,
    bind_port: u16,
}

/// The wire shape of the NFS disable body (`NFSService`).
#[derive(Serialize)]
struct NfsDisableWire<'a> {
    cluster_id: &'a str,
}

/// The wire shape of one restart entry (`Service`, of which only `service` is read).
#[derive(Serialize)]
struct RestartWire {
    service: &'static str,
}

/// Serializes one of the wire structs above.
fn to_json<T: Serialize>(value: &T) -> String {
    // These structs hold only strings, integers and booleans, for which serde_json cannot fail.
    serde_json::to_string(value).expect("wire structs always serialize")
}

#[cfg(test)]
mod tests {
    use super::{
        DisableRequest, EnableRequest, NfsParams, PlainService, RestartService, RgwParams, RgwSsl,
    };

    #[test]
    fn plain_enable_sends_an_empty_payload() {
        let request = EnableRequest::Plain {
            service: PlainService::RbdMirror,
            wait: true,
        };
        assert_eq!(
            request.to_body(),
            r#"{"name":"rbd-mirror","bool":true,"payload":""}"#
        );
    }

    #[test]
    fn rgw_payload_uses_capitalised_keys_in_a_string() {
        let plain = EnableRequest::Rgw {
            params: RgwParams {
                port: 8080,
                ssl: None,
            },
            wait: false,
        };
        assert_eq!(
            plain.to_body(),
            r#"{"name":"rgw","bool":false,"payload":"{\"Port\":8080,\"SSLPort\":0,\"SSLCertificate\":\"\",\"SSLPrivateKey\":\"\"}"}"#
        );
        let tls = EnableRequest::Rgw {
            params: RgwParams {
                port: 0,
                ssl: Some(RgwSsl::from_pem(443, "foo", "foobar")),
            },
            wait: true,
        };
        assert_eq!(
            tls.to_body(),
            r#"{"name":"rgw","bool":true,"payload":"{\"Port\":0,\"SSLPort\":443,\"SSLCertificate\":\"Zm9v\",\"SSLPrivateKey\":\"Zm9vYmFy\"}"}"#
        );
    }

    #[test]
    fn nfs_payload_uses_snake_case_keys_in_a_string() {
        let request = EnableRequest::Nfs {
            params: NfsParams::new("foo-cluster"),
            wait: true,
        };
        assert_eq!(
            request.to_body(),
            r#"{"name":"nfs","bool":true,"payload":"{\"cluster_id\":\"foo-cluster\",\"v4_min_version\":1,\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}"#
        );
    }

    #[test]
    fn disable_bodies() {
        assert_eq!(DisableRequest::Plain(PlainService::Mgr).to_body(), None);
        assert_eq!(DisableRequest::Rgw.to_body(), None);
        assert_eq!(
            DisableRequest::Nfs {
                cluster_id: "foo-cluster".to_owned()
            }
            .to_body()
            .as_deref(),
            Some(r#"{"cluster_id":"foo-cluster"}"#)
        );
    }

    #[test]
    fn restart_body_is_an_array() {
        assert_eq!(
            RestartService::to_body(&[RestartService::Rgw, RestartService::Mon]),
            r#"[{"service":"rgw"},{"service":"mon"}]"#
        );
        assert_eq!(RestartService::to_body(&[]), "[]");
    }
}
