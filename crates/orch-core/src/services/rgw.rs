//! The RADOS gateway: MicroCeph runs one RGW per member, so only one rgw service can exist at a time.
//!
//! The enable payload carries the plain port, or the SSL port with the certificate chain and private key split out of Ceph's combined PEM and base64-encoded.
//! Realms, zone groups and zones are refused: MicroCeph runs a single-site RGW.

use std::collections::BTreeSet;

use super::{ADOPTED_SERVICE_ID, ServiceKind, SpecContext, member_list};
use crate::pem::{base64, split_pem};
use crate::plan::{EnablePayload, Finding};
use crate::service_type::ServiceType;
use crate::spec::ServiceSpec;

/// The rgw kind.
#[derive(Debug)]
pub(crate) struct Rgw;

/// How the key is supplied, quoted by the error for a certificate without one.
const KEY_HINT: &str = "append the private key's PEM block (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----) to the certificate in rgw_frontend_ssl_certificate, as Ceph expects one PEM holding both";

impl ServiceKind for Rgw {
    const SERVICE_TYPE: ServiceType = ServiceType::Rgw;
    const TAKES_ID: bool = true;
    const RESTART: bool = true;

    fn enable_payload(
        spec: &ServiceSpec,
        _service_id: Option<&str>,
        findings: &mut Vec<Finding>,
    ) -> EnablePayload {
        let rgw = &spec.rgw;
        for (field, value) in [
            ("rgw_realm", &rgw.realm),
            ("rgw_zonegroup", &rgw.zonegroup),
            ("rgw_zone", &rgw.zone),
        ] {
            if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                findings.push(Finding::error(format!(
                    "{field} '{value}' is not supported: MicroCeph runs a single-site RGW without realms, zone groups or zones; remove {field} from the spec"
                )));
            }
        }
        if rgw.frontend_port == Some(0) {
            findings.push(Finding::error(
                "rgw_frontend_port 0 is not a valid port: give a port from 1 to 65535, or leave it out for 80 (443 with ssl)",
            ));
        }
        let certificate = rgw
            .certificate_pem
            .as_deref()
            .filter(|pem| !pem.trim().is_empty());
        match (rgw.ssl, certificate) {
            (false, certificate) => {
                if certificate.is_some() {
                    findings.push(Finding::warning(
                        "rgw_frontend_ssl_certificate is ignored because ssl is false; set ssl to true to serve HTTPS",
                    ));
                }
                EnablePayload::Rgw {
                    port: rgw.port(),
                    ssl_port: 0,
                    ssl_certificate_b64: String::new(),
                    ssl_private_key_b64: String::new(),
                }
            }
            (true, None) => {
                findings.push(Finding::error(
                    "ssl is set but rgw_frontend_ssl_certificate is empty: MicroCeph needs a certificate and its private key; put both PEM blocks in rgw_frontend_ssl_certificate",
                ));
                EnablePayload::None
            }
            (true, Some(pem)) => ssl_payload(rgw.port(), pem, findings),
        }
    }

    fn declared_ports(spec: &ServiceSpec) -> Vec<u16> {
        vec![spec.rgw.port()]
    }

    fn check_stored(context: &SpecContext<'_>, findings: &mut Vec<Finding>) {
        let this = context.service_name;
        let stored_rgw = context
            .stored
            .iter()
            .filter(|spec| spec.service_type == ServiceType::Rgw.as_str());
        let mut same_name = None;
        let mut any_stored = false;
        for spec in stored_rgw {
            any_stored = true;
            let name = spec.service_name();
            if name == this {
                same_name.get_or_insert(spec);
            } else {
                findings.push(Finding::error(format!(
                    "{name} already exists: MicroCeph runs one RGW per member, so only one rgw service can exist at a time; remove {name} (ceph orch rm {name}) before applying {this}"
                )));
            }
        }
        let running: BTreeSet<String> = context
            .index
            .running(ServiceType::Rgw)
            .intersection(context.desired)
            .cloned()
            .collect();
        if running.is_empty() {
            return;
        }
        match same_name {
            None if any_stored => {}
            None => findings.push(Finding::warning(format!(
                "rgw already runs on {} outside any ceph orch spec (listed as rgw.{ADOPTED_SERVICE_ID}); {this} adopts those daemons, which keep their current port and SSL settings",
                member_list(&running)
            ))),
            Some(stored) if stored.rgw != context.spec.rgw => findings.push(Finding::warning(format!(
                "the port or SSL settings of {this} changed, but MicroCeph cannot reconfigure a running RGW: the daemons on {} keep their current settings; remove and re-apply {this} to change them",
                member_list(&running)
            ))),
            Some(_) => {}
        }
    }
}

fn ssl_payload(port: u16, pem: &str, findings: &mut Vec<Finding>) -> EnablePayload {
    let parts = match split_pem(pem) {
        Ok(parts) => parts,
        Err(problem) => {
            findings.push(Finding::error(format!(
                "rgw_frontend_ssl_certificate is not valid PEM: {problem}"
            )));
            return EnablePayload::None;
        }
    };
    let key = match (parts.certificates.is_empty(), parts.private_keys.as_slice()) {
        (false, [key]) => key,
        (false, []) => {
            findings.push(Finding::error(format!(
                "rgw_frontend_ssl_certificate holds a certificate but no private key: {KEY_HINT}"
            )));
            return EnablePayload::None;
        }
        (false, keys) => {
            findings.push(Finding::error(format!(
                "rgw_frontend_ssl_certificate holds {} private keys; give exactly one, for its certificate",
                keys.len()
            )));
            return EnablePayload::None;
        }
        (true, _) => {
            findings.push(Finding::error(
                "rgw_frontend_ssl_certificate holds no CERTIFICATE block: give the certificate chain and its private key, both as PEM, in that one field",
            ));
            return EnablePayload::None;
        }
    };
    EnablePayload::Rgw {
        port: 0,
        ssl_port: port,
        ssl_certificate_b64: base64(parts.certificates.as_bytes()),
        ssl_private_key_b64: base64(key.as_bytes()),
    }
}
