//! The route table and microcluster's order of checks before a handler runs.
//!
//! Routes match the still-encoded path segment by segment (gorilla/mux with `UseEncodedPath` and `SkipClean`), so `/1.0/services/rg%77`, a trailing slash, `..` or an encoded `/` never reach another route.
//! The checks run in microcluster's order: no route (404 `Not Found`), daemon shutting down (503), database not open (503, except for routes allowed before init), a standard method without a handler (501 `Not Implemented`), any other method (404 `Method '<M>' not found`), `?target=` forwarding, and finally the handler.
//! `/` bypasses every check and answers any method with `["/1.0"]`.

use std::sync::Arc;

use bytes::Bytes;

use crate::cluster::ServiceName;
use crate::enable;
use crate::envelope::Outcome;
use crate::handlers;
use crate::services;
use crate::state::{Shared, pause};
use crate::target::{Resolution, resolve, wrap_remote};

/// A MicroCeph request as the router sees it.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    /// The HTTP method, such as `PUT`.
    pub(crate) method: String,
    /// The path as sent, still percent-encoded.
    pub(crate) raw_path: String,
    /// The query as sent, without `?`.
    pub(crate) raw_query: String,
    /// The decoded `target` query value; `None` when absent or when the query does not parse.
    pub(crate) target: Option<Vec<u8>>,
    /// The request body.
    pub(crate) body: Bytes,
}

/// What a route leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    Root,
    ServerInfo,
    Ready,
    ClusterMembers,
    Services,
    ServiceMon,
    Service(ServiceName),
    Restart,
    Disks,
    Resources,
    /// A route the real daemon serves but the fake does not emulate: 501 to every standard method.
    NotEmulated,
}

/// The handler that serves a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handler {
    ServerInfo,
    Ready,
    ClusterMembers,
    ListServices,
    MonAddresses,
    Enable,
    DisableGeneric(ServiceName),
    DisableRgw,
    DisableNfs,
    Restart,
    ListDisks,
    Resources,
}

#[derive(Debug)]
struct Route {
    pattern: &'static str,
    endpoint: Endpoint,
    /// Whether `?target=` is honoured (microcluster's `ProxyTarget`).
    proxy_target: bool,
    /// Whether the route answers while the database is not open (microcluster's `AllowedBeforeInit`).
    before_init: bool,
}

const fn route(pattern: &'static str, endpoint: Endpoint, proxy_target: bool) -> Route {
    Route {
        pattern,
        endpoint,
        proxy_target,
        before_init: false,
    }
}

/// Every route, in registration order.
const ROUTES: &[Route] = &[
    route("/", Endpoint::Root, false),
    Route {
        before_init: true,
        ..route("/core/1.0", Endpoint::ServerInfo, false)
    },
    Route {
        before_init: true,
        ..route("/core/1.0/ready", Endpoint::Ready, false)
    },
    route("/core/1.0/cluster", Endpoint::ClusterMembers, false),
    route("/core/1.0/cluster/{name}", Endpoint::NotEmulated, false),
    route("/1.0/services", Endpoint::Services, true),
    route("/1.0/services/restart", Endpoint::Restart, true),
    route("/1.0/services/mon", Endpoint::ServiceMon, true),
    route(
        "/1.0/services/mgr",
        Endpoint::Service(ServiceName::Mgr),
        true,
    ),
    route(
        "/1.0/services/mds",
        Endpoint::Service(ServiceName::Mds),
        true,
    ),
    route(
        "/1.0/services/nfs",
        Endpoint::Service(ServiceName::Nfs),
        true,
    ),
    route(
        "/1.0/services/rgw",
        Endpoint::Service(ServiceName::Rgw),
        true,
    ),
    route(
        "/1.0/services/rbd-mirror",
        Endpoint::Service(ServiceName::RbdMirror),
        true,
    ),
    route(
        "/1.0/services/cephfs-mirror",
        Endpoint::Service(ServiceName::CephfsMirror),
        true,
    ),
    route("/1.0/disks", Endpoint::Disks, true),
    route("/1.0/disks/encryption-support", Endpoint::NotEmulated, true),
    route("/1.0/disks/{osdid}", Endpoint::NotEmulated, true),
    route("/1.0/resources", Endpoint::Resources, true),
    route("/1.0/placement", Endpoint::NotEmulated, true),
    route("/1.0/ceph/bootstrap", Endpoint::NotEmulated, true),
    route("/1.0/cluster", Endpoint::NotEmulated, false),
    route("/1.0/cluster/capabilities", Endpoint::NotEmulated, false),
    route("/1.0/configs", Endpoint::NotEmulated, true),
    route("/1.0/pools", Endpoint::NotEmulated, true),
    route("/1.0/pools-op", Endpoint::NotEmulated, true),
    route("/1.0/certificates/rgw", Endpoint::NotEmulated, true),
    route("/1.0/client", Endpoint::NotEmulated, false),
    route("/1.0/client/configs", Endpoint::NotEmulated, true),
    route("/1.0/client/configs/{key}", Endpoint::NotEmulated, true),
    route("/1.0/client/remotes", Endpoint::NotEmulated, false),
    route("/1.0/client/remotes/{name}", Endpoint::NotEmulated, false),
    route("/1.0/microceph", Endpoint::NotEmulated, false),
    route(
        "/1.0/microceph/configs/log-level",
        Endpoint::NotEmulated,
        true,
    ),
    route("/1.0/ops", Endpoint::NotEmulated, false),
    route("/1.0/ops/maintenance/{node}", Endpoint::NotEmulated, true),
];

/// Runs a MicroCeph request through microcluster's checks and the matching handler.
pub(crate) async fn dispatch(shared: &Arc<Shared>, request: &Request) -> Outcome {
    let Some(route) = match_route(&request.raw_path) else {
        return Outcome::status_text(404);
    };
    if route.endpoint == Endpoint::Root {
        return Outcome::success(&["/1.0"]);
    }
    let (daemon, local_member) = {
        let state = shared.lock();
        (state.daemon, state.cluster.local_member.clone())
    };
    if daemon.shutting_down {
        return Outcome::error(503, "Daemon is shutting down");
    }
    if !route.before_init
        && let Some(text) = daemon.database.unavailable_text()
    {
        return Outcome::error(503, text);
    }
    let handler = match request.method.as_str() {
        "GET" | "PUT" | "POST" | "DELETE" | "PATCH" => {
            match handler_for(route.endpoint, &request.method) {
                Some(handler) => handler,
                None => return Outcome::status_text(501),
            }
        }
        other => return Outcome::error(404, format!("Method '{other}' not found")),
    };
    if !route.proxy_target {
        return run(shared, handler, &local_member, request).await;
    }
    let resolution = {
        let state = shared.lock();
        resolve(
            &state.cluster,
            request.target.as_deref(),
            &request.method,
            &request.raw_path,
            &request.raw_query,
        )
    };
    match resolution {
        Resolution::Local => run(shared, handler, &local_member, request).await,
        Resolution::Refused(outcome) => outcome,
        Resolution::Remote(member) => {
            pause(shared.timing().hop_latency).await;
            let outcome = run(shared, handler, &member, request).await;
            wrap_remote(&member, outcome)
        }
    }
}

/// Runs a handler as `member`.
async fn run(shared: &Arc<Shared>, handler: Handler, member: &str, request: &Request) -> Outcome {
    match handler {
        Handler::ServerInfo => handlers::server_info(shared),
        Handler::Ready => handlers::ready(shared),
        Handler::ClusterMembers => handlers::cluster_members(shared),
        Handler::ListServices => handlers::list_services(shared),
        Handler::MonAddresses => handlers::mon_addresses(shared),
        Handler::ListDisks => handlers::list_disks(shared),
        Handler::Resources => handlers::resources(shared, member),
        Handler::Enable => enable::enable(shared, member, &request.body).await,
        Handler::DisableGeneric(service) => {
            services::disable_generic(shared, member, service).await
        }
        Handler::DisableRgw => services::disable_rgw(shared, member).await,
        Handler::DisableNfs => services::disable_nfs(shared, member, &request.body).await,
        Handler::Restart => services::restart(shared, member, &request.body).await,
    }
}

/// The handler MicroCeph registers for a method on an endpoint, if any.
fn handler_for(endpoint: Endpoint, method: &str) -> Option<Handler> {
    let handler = match (endpoint, method) {
        (Endpoint::ServerInfo, "GET") => Handler::ServerInfo,
        (Endpoint::Ready, "GET") => Handler::Ready,
        (Endpoint::ClusterMembers, "GET") => Handler::ClusterMembers,
        (Endpoint::Services, "GET") => Handler::ListServices,
        (Endpoint::ServiceMon, "GET") => Handler::MonAddresses,
        (Endpoint::ServiceMon | Endpoint::Service(_), "PUT") => Handler::Enable,
        (Endpoint::ServiceMon, "DELETE") => Handler::DisableGeneric(ServiceName::Mon),
        (Endpoint::Service(ServiceName::Rgw), "DELETE") => Handler::DisableRgw,
        (Endpoint::Service(ServiceName::Nfs), "DELETE") => Handler::DisableNfs,
        (Endpoint::Service(service), "DELETE") => Handler::DisableGeneric(service),
        (Endpoint::Restart, "POST") => Handler::Restart,
        (Endpoint::Disks, "GET") => Handler::ListDisks,
        (Endpoint::Resources, "GET") => Handler::Resources,
        _ => return None,
    };
    Some(handler)
}

/// The first route whose pattern matches the encoded path; `{name}` segments match any non-empty segment.
fn match_route(raw_path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|route| {
        let mut pattern = route.pattern.split('/');
        let mut path = raw_path.split('/');
        loop {
            match (pattern.next(), path.next()) {
                (None, None) => return true,
                (Some(expected), Some(actual)) => {
                    let variable = expected.starts_with('{');
                    if (variable && actual.is_empty()) || (!variable && expected != actual) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, expected: Option<&str>) {
        assert_eq!(
            match_route(path).map(|route| route.pattern),
            expected,
            "path {path}"
        );
    }

    #[test]
    fn routes_match_encoded_paths_exactly() {
        check("/", Some("/"));
        check("", None);
        check("/1.0/services", Some("/1.0/services"));
        check("/1.0/services/", None);
        check("/1.0/services/rg%77", None);
        check("/1.0/services/..%2Fdisks", None);
        check("/1.0/services/../disks", None);
        check("/1.0/disks/3", Some("/1.0/disks/{osdid}"));
        check(
            "/1.0/disks/encryption-support",
            Some("/1.0/disks/encryption-support"),
        );
        check("/1.0/disks/", None);
        check("/1.0/status", None);
        check("//1.0/services", None);
        check("/core/1.0/cluster/node1", Some("/core/1.0/cluster/{name}"));
    }

    #[test]
    fn only_registered_methods_have_handlers() {
        assert_eq!(
            handler_for(Endpoint::Service(ServiceName::Rgw), "GET"),
            None
        );
        assert_eq!(handler_for(Endpoint::Services, "PUT"), None);
        assert_eq!(
            handler_for(Endpoint::Service(ServiceName::Mgr), "DELETE"),
            Some(Handler::DisableGeneric(ServiceName::Mgr))
        );
        assert_eq!(handler_for(Endpoint::NotEmulated, "GET"), None);
    }
}
