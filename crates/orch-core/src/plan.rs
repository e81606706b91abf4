//! A plan: the ordered MicroCeph API calls a verb needs, the reason for each, and the findings about the spec.
//!
//! A plan is a value: the client executes its calls in order, and its one text rendering (the `Display` impl in `render.rs`) serves both `ceph orch apply --dry-run` previews and snapshot tests.
//! A plan with an error finding is unsatisfiable and has no calls; [`Plan::new`] enforces that.
//! The rendering never shows certificate or key material.

use crate::render::one_line;
use crate::service_type::ServiceType;

/// What a verb decided: calls to make, in order, and findings to report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The calls, in the order they must run; each must succeed before the next starts.
    pub calls: Vec<PlannedCall>,
    /// Warnings, and the errors that make the request unsatisfiable.
    pub findings: Vec<Finding>,
}

/// One MicroCeph API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCall {
    /// The HTTP method.
    pub method: Method,
    /// The path segments, unencoded, such as `["1.0", "services", "rgw"]`; the client encodes them.
    pub path: Vec<String>,
    /// The member the call acts on, sent as `?target=`.
    pub target: String,
    /// The request body.
    pub body: CallBody,
    /// Why the call is needed, for previews and logs.
    pub reason: String,
}

/// The HTTP methods plans use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// Enables a service.
    Put,
    /// Disables a service.
    Delete,
    /// Restarts services.
    Post,
}

/// The request body of a planned call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallBody {
    /// No body: the generic and RGW disables.
    None,
    /// `PUT /1.0/services/<svc>`: MicroCeph's `EnableService` body.
    Enable {
        /// The service to enable; MicroCeph dispatches on this, not on the path.
        name: ServiceType,
        /// MicroCeph's `bool` key: wait for the enable to finish so failures are reported.
        wait: bool,
        /// The service-specific payload.
        payload: EnablePayload,
    },
    /// `DELETE /1.0/services/nfs`: the body naming the NFS cluster to leave.
    DisableNfs {
        /// The NFS cluster id.
        cluster_id: String,
    },
    /// `POST /1.0/services/restart`: the services to restart on the target.
    Restart {
        /// The services, restarted in order.
        services: Vec<ServiceType>,
    },
}

/// The service-specific part of an enable call, sent by the client as a JSON document inside a string.
#[derive(Clone, PartialEq, Eq)]
pub enum EnablePayload {
    /// No payload: mon, mgr, mds, rbd-mirror and cephfs-mirror.
    None,
    /// The RGW payload, with MicroCeph's capitalised keys `Port`, `SSLPort`, `SSLCertificate` and `SSLPrivateKey`.
    Rgw {
        /// The plain HTTP port; 0 opens none when SSL is configured.
        port: u16,
        /// The SSL port; 0 without SSL.
        ssl_port: u16,
        /// The base64-encoded certificate PEM; empty without SSL.
        ssl_certificate_b64: String,
        /// The base64-encoded private key PEM; empty without SSL.
        ssl_private_key_b64: String,
    },
    /// The NFS payload, with MicroCeph's `snake_case` keys.
    Nfs {
        /// The NFS cluster id.
        cluster_id: String,
        /// The minimum `NFSv4` minor version.
        v4_min_version: u32,
        /// The bind address.
        bind_address: String,
        /// The bind port.
        bind_port: u16,
    },
}

/// A warning or an error about a request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable, human message naming the offending value and what is accepted.
    pub message: String,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The request cannot be satisfied; the plan has no calls.
    Error,
    /// The plan can run, but the user should know something.
    Warning,
}

impl Plan {
    /// Builds a plan, dropping every call if a finding is an error and dropping repeated findings.
    pub fn new(calls: Vec<PlannedCall>, findings: Vec<Finding>) -> Self {
        let mut unique: Vec<Finding> = Vec::with_capacity(findings.len());
        for finding in findings {
            if !unique.contains(&finding) {
                unique.push(finding);
            }
        }
        let satisfiable = !unique.iter().any(Finding::is_error);
        Plan {
            calls: if satisfiable { calls } else { Vec::new() },
            findings: unique,
        }
    }

    /// A plan refused by the given findings.
    pub fn refused(findings: Vec<Finding>) -> Self {
        Plan::new(Vec::new(), findings)
    }

    /// Whether no finding is an error.
    pub fn is_satisfiable(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| finding.is_error())
    }

    /// The warning findings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| !finding.is_error())
    }
}

impl PlannedCall {
    /// `PUT /1.0/services/<type>?target=<member>` with a waiting enable body.
    pub(crate) fn enable(
        service_type: ServiceType,
        member: &str,
        payload: EnablePayload,
        reason: String,
    ) -> Self {
        PlannedCall {
            method: Method::Put,
            path: service_path(service_type.as_str()),
            target: member.to_owned(),
            body: CallBody::Enable {
                name: service_type,
                wait: true,
                payload,
            },
            reason,
        }
    }

    /// `DELETE /1.0/services/<type>?target=<member>` with the given body.
    pub(crate) fn disable(
        service_type: ServiceType,
        member: &str,
        body: CallBody,
        reason: String,
    ) -> Self {
        PlannedCall {
            method: Method::Delete,
            path: service_path(service_type.as_str()),
            target: member.to_owned(),
            body,
            reason,
        }
    }

    /// `POST /1.0/services/restart?target=<member>` for one service.
    pub(crate) fn restart(service_type: ServiceType, member: &str, reason: String) -> Self {
        PlannedCall {
            method: Method::Post,
            path: service_path("restart"),
            target: member.to_owned(),
            body: CallBody::Restart {
                services: vec![service_type],
            },
            reason,
        }
    }
}

impl Method {
    /// The method name, as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Post => "POST",
        }
    }
}

impl Finding {
    /// An error finding; control characters in the message are escaped so it stays on one line.
    pub fn error(message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            message: one_line(&message.into()),
        }
    }

    /// A warning finding; control characters in the message are escaped so it stays on one line.
    pub fn warning(message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            message: one_line(&message.into()),
        }
    }

    /// Whether the finding is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl EnablePayload {
    /// Whether the payload carries both a certificate and a private key.
    pub fn has_ssl(&self) -> bool {
        match self {
            EnablePayload::Rgw {
                ssl_certificate_b64,
                ssl_private_key_b64,
                ..
            } => !ssl_certificate_b64.is_empty() && !ssl_private_key_b64.is_empty(),
            EnablePayload::None | EnablePayload::Nfs { .. } => false,
        }
    }
}

fn service_path(last: &str) -> Vec<String> {
    vec!["1.0".to_owned(), "services".to_owned(), last.to_owned()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(plan: &Plan, expected: &str) {
        assert_eq!(plan.to_string(), expected);
    }

    #[test]
    fn errors_drop_calls() {
        let call = PlannedCall::enable(ServiceType::Mon, "node1", EnablePayload::None, "r".into());
        let plan = Plan::new(vec![call], vec![Finding::error("no")]);
        check(&plan, "no calls\nerror: no\n");
        assert!(!plan.is_satisfiable());
    }

    #[test]
    fn deduplicates_findings() {
        let plan = Plan::new(
            Vec::new(),
            vec![Finding::warning("a"), Finding::warning("a")],
        );
        check(&plan, "no calls\nwarning: a\n");
    }
}
