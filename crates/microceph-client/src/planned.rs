//! Turning an `orch-core` planned call into one of the client's typed requests.
//!
//! The planner describes each call as a method, path segments, a target and a [`CallBody`]; the client has exactly one wire encoder per endpoint, in its request types.
//! This module maps the first onto the second and checks that they agree, so the path a plan shows is the path the client sends.
//! A call that does not map (a body that does not fit its method, a path for another service) is refused before anything is sent.

use orch_core::{CallBody, EnablePayload, Method, PlannedCall};

use crate::client::Client;
use crate::error::Error;
use crate::types::{
    DisableRequest, EnableRequest, NfsParams, PlainService, RestartService, RgwParams, RgwSsl,
};

/// A planned call as a typed client request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request {
    /// `PUT /1.0/services/<svc>`.
    Enable(EnableRequest),
    /// `DELETE /1.0/services/<svc>`.
    Disable(DisableRequest),
    /// `POST /1.0/services/restart`.
    Restart(Vec<RestartService>),
}

impl Request {
    /// Builds the request for a planned call, or says why the call cannot be sent.
    pub(crate) fn from_call(call: &PlannedCall) -> Result<Self, String> {
        let request = match (call.method, &call.body) {
            (
                Method::Put,
                CallBody::Enable {
                    name,
                    wait,
                    payload,
                },
            ) => Request::Enable(enable(*name, *wait, payload)?),
            (Method::Delete, CallBody::None) => {
                let service = call.path.last().map_or("", String::as_str);
                Request::Disable(plain_disable(service)?)
            }
            (Method::Delete, CallBody::DisableNfs { cluster_id }) => {
                Request::Disable(DisableRequest::Nfs {
                    cluster_id: cluster_id.clone(),
                })
            }
            (Method::Post, CallBody::Restart { services }) => Request::Restart(
                services
                    .iter()
                    .map(|service| restart_service(*service))
                    .collect::<Result<_, _>>()?,
            ),
            (method, body) => {
                return Err(format!(
                    "a {} call cannot carry the body {body}",
                    method.as_str()
                ));
            }
        };
        let segment = request.last_segment();
        let expected = ["1.0", "services", segment.as_str()];
        if call.path != expected {
            return Err(format!(
                "the path /{} does not match the request, which goes to /{}",
                call.path.join("/"),
                expected.join("/")
            ));
        }
        Ok(request)
    }

    /// Sends the request to `target`.
    pub(crate) async fn send(&self, client: &Client, target: &str) -> Result<(), Error> {
        let target = Some(target);
        match self {
            Request::Enable(request) => client.enable_service(target, request).await,
            Request::Disable(request) => client.disable_service(target, request).await,
            Request::Restart(services) => client.restart_services(target, services).await,
        }
    }

    /// Whether the request acts on a monitor, which the executor never runs alongside another monitor change when removing or restarting.
    pub(crate) fn touches_mon(&self) -> bool {
        match self {
            Request::Enable(request) => request.service().as_str() == "mon",
            Request::Disable(request) => request.service().as_str() == "mon",
            Request::Restart(services) => services.contains(&RestartService::Mon),
        }
    }

    /// The last path segment the client sends the request to.
    fn last_segment(&self) -> String {
        match self {
            Request::Enable(request) => request.service().to_string(),
            Request::Disable(request) => request.service().to_string(),
            Request::Restart(_) => "restart".to_owned(),
        }
    }
}

fn enable(
    service: orch_core::ServiceType,
    wait: bool,
    payload: &EnablePayload,
) -> Result<EnableRequest, String> {
    match (service, payload) {
        (orch_core::ServiceType::Rgw, EnablePayload::Rgw { port, ssl_port, .. }) => {
            let ssl = payload.has_ssl().then(|| match payload {
                EnablePayload::Rgw {
                    ssl_certificate_b64,
                    ssl_private_key_b64,
                    ..
                } => RgwSsl {
                    port: *ssl_port,
                    certificate_base64: ssl_certificate_b64.clone(),
                    private_key_base64: ssl_private_key_b64.clone(),
                },
                EnablePayload::None | EnablePayload::Nfs { .. } => {
                    unreachable!("matched as an rgw payload")
                }
            });
            Ok(EnableRequest::Rgw {
                params: RgwParams { port: *port, ssl },
                wait,
            })
        }
        (
            orch_core::ServiceType::Nfs,
            EnablePayload::Nfs {
                cluster_id,
                v4_min_version,
                bind_address,
                bind_port,
            },
        ) => Ok(EnableRequest::Nfs {
            params: NfsParams {
                cluster_id: cluster_id.clone(),
                v4_min_version: *v4_min_version,
                bind_address: bind_address.clone(),
                bind_port: *bind_port,
            },
            wait,
        }),
        (service, EnablePayload::None) => Ok(EnableRequest::Plain {
            service: plain_service(service)?,
            wait,
        }),
        (service, payload) => Err(format!(
            "enabling {service} cannot carry the payload {payload}"
        )),
    }
}

fn plain_disable(service: &str) -> Result<DisableRequest, String> {
    if service == "rgw" {
        return Ok(DisableRequest::Rgw);
    }
    let service_type = orch_core::ServiceType::parse(service).map_err(|error| error.to_string())?;
    Ok(DisableRequest::Plain(plain_service(service_type)?))
}

fn plain_service(service: orch_core::ServiceType) -> Result<PlainService, String> {
    match service {
        orch_core::ServiceType::Mon => Ok(PlainService::Mon),
        orch_core::ServiceType::Mgr => Ok(PlainService::Mgr),
        orch_core::ServiceType::Mds => Ok(PlainService::Mds),
        orch_core::ServiceType::RbdMirror => Ok(PlainService::RbdMirror),
        orch_core::ServiceType::CephfsMirror => Ok(PlainService::CephfsMirror),
        other @ (orch_core::ServiceType::Rgw
        | orch_core::ServiceType::Nfs
        | orch_core::ServiceType::Osd) => Err(format!(
            "{other} is not a service MicroCeph enables or disables without parameters"
        )),
    }
}

fn restart_service(service: orch_core::ServiceType) -> Result<RestartService, String> {
    match service {
        orch_core::ServiceType::Mon => Ok(RestartService::Mon),
        orch_core::ServiceType::Mgr => Ok(RestartService::Mgr),
        orch_core::ServiceType::Mds => Ok(RestartService::Mds),
        orch_core::ServiceType::Rgw => Ok(RestartService::Rgw),
        orch_core::ServiceType::Osd => Ok(RestartService::Osd),
        other @ (orch_core::ServiceType::Nfs
        | orch_core::ServiceType::RbdMirror
        | orch_core::ServiceType::CephfsMirror) => Err(format!(
            "MicroCeph's restart endpoint does not accept {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use orch_core::{ObservedState, PlacementSpec, ServiceSpec};

    use super::*;

    fn call(method: Method, path: &str, body: CallBody) -> PlannedCall {
        PlannedCall {
            method,
            path: path.split('/').map(str::to_owned).collect(),
            target: "node1".into(),
            body,
            reason: "test".into(),
        }
    }

    fn check(call: &PlannedCall, expected: &str) {
        let shown = match Request::from_call(call) {
            Ok(request) => format!("{request:?}"),
            Err(reason) => format!("refused: {reason}"),
        };
        assert_eq!(shown, expected, "call {call}");
    }

    #[test]
    fn planner_calls_become_typed_requests() {
        let observed = ObservedState {
            members: vec![orch_core::Member::online("node1", "10.0.0.1:7443")],
            ..ObservedState::default()
        };
        let spec = ServiceSpec::new("rgw")
            .with_service_id("foo")
            .with_placement(PlacementSpec::count(1));
        let plan = orch_core::plan_apply(&spec, &[], &observed);
        check(
            &plan.calls[0],
            "Enable(Rgw { params: RgwParams { port: 80, ssl: None }, wait: true })",
        );
        check(
            &call(
                Method::Put,
                "1.0/services/cephfs-mirror",
                CallBody::Enable {
                    name: orch_core::ServiceType::CephfsMirror,
                    wait: true,
                    payload: EnablePayload::None,
                },
            ),
            "Enable(Plain { service: CephfsMirror, wait: true })",
        );
        check(
            &call(Method::Delete, "1.0/services/rgw", CallBody::None),
            "Disable(Rgw)",
        );
        check(
            &call(Method::Delete, "1.0/services/mon", CallBody::None),
            "Disable(Plain(Mon))",
        );
        check(
            &call(
                Method::Delete,
                "1.0/services/nfs",
                CallBody::DisableNfs {
                    cluster_id: "east".into(),
                },
            ),
            r#"Disable(Nfs { cluster_id: "east" })"#,
        );
        check(
            &call(
                Method::Post,
                "1.0/services/restart",
                CallBody::Restart {
                    services: vec![orch_core::ServiceType::Mon, orch_core::ServiceType::Rgw],
                },
            ),
            "Restart([Mon, Rgw])",
        );
    }

    #[test]
    fn mismatched_calls_are_refused() {
        check(
            &call(Method::Delete, "1.0/services/nfs", CallBody::None),
            "refused: nfs is not a service MicroCeph enables or disables without parameters",
        );
        check(
            &call(
                Method::Put,
                "1.0/services/mgr",
                CallBody::Enable {
                    name: orch_core::ServiceType::Mon,
                    wait: true,
                    payload: EnablePayload::None,
                },
            ),
            "refused: the path /1.0/services/mgr does not match the request, which goes to /1.0/services/mon",
        );
        check(
            &call(
                Method::Post,
                "1.0/services/restart",
                CallBody::Restart {
                    services: vec![orch_core::ServiceType::Nfs],
                },
            ),
            "refused: MicroCeph's restart endpoint does not accept nfs",
        );
        check(
            &call(Method::Post, "1.0/services/restart", CallBody::None),
            "refused: a POST call cannot carry the body disable",
        );
    }

    #[test]
    fn only_monitor_requests_touch_mon() {
        let mon = Request::from_call(&call(Method::Delete, "1.0/services/mon", CallBody::None));
        assert!(mon.unwrap().touches_mon());
        let mgr = Request::from_call(&call(Method::Delete, "1.0/services/mgr", CallBody::None));
        assert!(!mgr.unwrap().touches_mon());
        assert!(Request::Restart(vec![RestartService::Rgw, RestartService::Mon]).touches_mon());
    }
}
