//! The one text rendering of plans, shared by `ceph orch apply --dry-run` previews and snapshot tests.
//!
//! A plan renders as one line per call (method, path, target member, what the call does, and why), then one line per finding, or `no calls` first when there is nothing to do.
//! Certificate and key material never appears, neither here nor in `Debug` output, and control characters in user-supplied text are escaped so every item stays on one line.

use std::fmt;

use crate::plan::{CallBody, EnablePayload, Finding, Plan, PlannedCall, Severity};

impl fmt::Display for Plan {
    /// One line per call, then one line per finding; `no calls` when there is nothing to do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.calls.is_empty() {
            writeln!(f, "no calls")?;
        }
        for call in &self.calls {
            writeln!(f, "{call}")?;
        }
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PlannedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<6} /{}?target={}  ",
            self.method.as_str(),
            one_line(&self.path.join("/")),
            one_line(&self.target),
        )?;
        match (&self.body, self.path.last()) {
            (CallBody::None, Some(service)) => write!(f, "disable {}", one_line(service))?,
            (body, _) => write!(f, "{body}")?,
        }
        write!(f, "  — {}", one_line(&self.reason))
    }
}

impl fmt::Display for CallBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallBody::None => write!(f, "disable"),
            CallBody::Enable {
                name,
                wait,
                payload,
            } => {
                let wait = if *wait { "wait" } else { "no wait" };
                match payload {
                    EnablePayload::None => write!(f, "enable {name} ({wait})"),
                    EnablePayload::Rgw { .. } | EnablePayload::Nfs { .. } => {
                        write!(f, "enable {name} ({payload}, {wait})")
                    }
                }
            }
            CallBody::DisableNfs { cluster_id } => {
                write!(f, "disable nfs cluster {}", one_line(cluster_id))
            }
            CallBody::Restart { services } => {
                let names: Vec<&str> = services.iter().map(|service| service.as_str()).collect();
                write!(f, "restart {}", names.join(", "))
            }
        }
    }
}

impl fmt::Display for EnablePayload {
    /// Summarises the payload; SSL material shows as `ssl: yes`, never as its content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnablePayload::None => write!(f, "no payload"),
            EnablePayload::Rgw { port, ssl_port, .. } => {
                if self.has_ssl() {
                    write!(f, "ssl port {ssl_port}, ssl: yes")?;
                    if *port != 0 {
                        write!(f, ", port {port}")?;
                    }
                    Ok(())
                } else {
                    write!(f, "port {port}, ssl: no")
                }
            }
            EnablePayload::Nfs {
                cluster_id,
                v4_min_version,
                bind_address,
                bind_port,
            } => {
                let address = if bind_address.contains(':') {
                    format!("[{bind_address}]")
                } else {
                    bind_address.clone()
                };
                write!(
                    f,
                    "cluster {}, bind {}:{bind_port}, v4 min version {v4_min_version}",
                    one_line(cluster_id),
                    one_line(&address),
                )
            }
        }
    }
}

impl fmt::Debug for EnablePayload {
    /// Like the rendering, never shows certificate or key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnablePayload::None => write!(f, "None"),
            EnablePayload::Rgw {
                port,
                ssl_port,
                ssl_certificate_b64,
                ssl_private_key_b64,
            } => f
                .debug_struct("Rgw")
                .field("port", port)
                .field("ssl_port", ssl_port)
                .field("ssl_certificate_b64", &redacted(ssl_certificate_b64))
                .field("ssl_private_key_b64", &redacted(ssl_private_key_b64))
                .finish(),
            EnablePayload::Nfs {
                cluster_id,
                v4_min_version,
                bind_address,
                bind_port,
            } => f
                .debug_struct("Nfs")
                .field("cluster_id", cluster_id)
                .field("v4_min_version", v4_min_version)
                .field("bind_address", bind_address)
                .field("bind_port", bind_port)
                .finish(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)
    }
}

fn redacted(material: &str) -> &'static str {
    if material.is_empty() {
        ""
    } else {
        "<redacted>"
    }
}

/// Escapes control characters so that user-supplied text cannot break the one-line-per-item rendering.
pub(crate) fn one_line(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() {
            escaped.extend(character.escape_default());
        } else {
            escaped.push(character);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use crate::plan::{EnablePayload, Finding, Plan, PlannedCall};
    use crate::service_type::ServiceType;

    fn check(plan: &Plan, expected: &str) {
        assert_eq!(plan.to_string(), expected);
    }

    #[test]
    fn renders_calls_and_never_secrets() {
        let payload = EnablePayload::Rgw {
            port: 0,
            ssl_port: 443,
            ssl_certificate_b64: "Q0VSVA==".into(),
            ssl_private_key_b64: "S0VZ".into(),
        };
        let call = PlannedCall::enable(ServiceType::Rgw, "node2", payload, "why".into());
        let plan = Plan::new(vec![call], vec![Finding::warning("careful\nnow")]);
        check(
            &plan,
            "PUT    /1.0/services/rgw?target=node2  enable rgw (ssl port 443, ssl: yes, wait)  — why\nwarning: careful\\nnow\n",
        );
        assert!(!format!("{plan:?}").contains("Q0VSVA"));
    }

    #[test]
    fn renders_nfs_binds_and_generic_disables() {
        let payload = EnablePayload::Nfs {
            cluster_id: "foo".into(),
            v4_min_version: 1,
            bind_address: "fd00::1".into(),
            bind_port: 2049,
        };
        let enable = PlannedCall::enable(ServiceType::Nfs, "node1", payload, "why".into());
        let disable = PlannedCall::disable(
            ServiceType::Mgr,
            "node\n2",
            crate::plan::CallBody::None,
            "because".into(),
        );
        check(
            &Plan::new(vec![enable, disable], Vec::new()),
            "PUT    /1.0/services/nfs?target=node1  enable nfs (cluster foo, bind [fd00::1]:2049, v4 min version 1, wait)  — why\n\
             DELETE /1.0/services/mgr?target=node\\n2  disable mgr  — because\n",
        );
    }
}
