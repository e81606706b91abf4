//! The entry point of the `response` fuzz target and of the response properties: not part of the client's API, and hidden from its documentation.
//!
//! [`decode_every_response`] treats one HTTP status and body as the answer of each endpoint the client reads or writes, and does with it exactly what the client does: the envelope is decoded into the endpoint's type, and a listing the observer reads is converted into `orch-core`'s values.
//! Whatever the bytes, it must return, never panic.

use serde::de::DeserializeOwned;

use crate::convert;
use crate::envelope::{Empty, decode_response};
use crate::error::{Error, RequestLine};
use crate::types::{ClusterMember, OsdDisk, Resources, ServerInfo, ServiceInstance};

/// What one endpoint made of a response.
#[derive(Debug)]
pub struct Decoded {
    /// The request the response answered.
    pub request: RequestLine,
    /// The rows, devices or problems the client would hand on, as their `Debug` text, or the client's error.
    pub outcome: Result<Vec<String>, Error>,
}

/// Decodes `body`, received with `status`, as the answer of every endpoint, converting what the observer converts.
pub fn decode_every_response(status: u16, body: &[u8]) -> Vec<Decoded> {
    vec![
        decoded("GET", "/", status, body, |paths: Option<Vec<String>>| {
            paths.unwrap_or_default()
        }),
        decoded("GET", "/core/1.0", status, body, |info: ServerInfo| {
            vec![format!("{info:?}")]
        }),
        decoded("GET", "/core/1.0/ready", status, body, |_: Empty| {
            Vec::new()
        }),
        decoded(
            "GET",
            "/core/1.0/cluster",
            status,
            body,
            |members: Option<Vec<ClusterMember>>| {
                rows(members, |member| {
                    let converted = convert::member(member);
                    format!("{converted:?} online={}", converted.is_online())
                })
            },
        ),
        decoded(
            "GET",
            "/1.0/services",
            status,
            body,
            |services: Option<Vec<ServiceInstance>>| {
                rows(services, |instance| {
                    let (placed, problem) = convert::placed_service(instance);
                    let problem = problem.map(|problem| problem.to_string());
                    format!("{placed:?} {problem:?}")
                })
            },
        ),
        decoded(
            "GET",
            "/1.0/disks",
            status,
            body,
            |disks: Option<Vec<OsdDisk>>| {
                rows(disks, |disk| match convert::osd_disk(disk) {
                    Ok(osd_disk) => format!("{osd_disk:?}"),
                    Err(problem) => problem.to_string(),
                })
            },
        ),
        decoded(
            "GET",
            "/1.0/resources?target=node1",
            status,
            body,
            |resources: Resources| {
                rows(Some(resources.disks), |device| {
                    format!(
                        "{:?} {}",
                        convert::block_device(device),
                        device.stable_path()
                    )
                })
            },
        ),
        decoded("PUT", "/1.0/services/rgw", status, body, |_: Empty| {
            Vec::new()
        }),
        decoded("DELETE", "/1.0/services/nfs", status, body, |_: Empty| {
            Vec::new()
        }),
        decoded("POST", "/1.0/services/restart", status, body, |_: Empty| {
            Vec::new()
        }),
    ]
}

/// Decodes the response of one request and describes what the client would hand on.
fn decoded<T: DeserializeOwned>(
    method: &'static str,
    path_and_query: &str,
    status: u16,
    body: &[u8],
    describe: impl FnOnce(T) -> Vec<String>,
) -> Decoded {
    let request = RequestLine::new(method, path_and_query.to_owned());
    let outcome = decode_response(request.clone(), status, body).map(describe);
    Decoded { request, outcome }
}

/// Describes each row of a list, where Go's `null` is an empty list.
fn rows<T>(items: Option<Vec<T>>, describe: impl Fn(&T) -> String) -> Vec<String> {
    items.unwrap_or_default().iter().map(describe).collect()
}
