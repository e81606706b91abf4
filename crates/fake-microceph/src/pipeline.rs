//! What happens to each HTTP request between hyper and the router.
//!
//! Control API requests (`/fake/...`) go straight to `control_http.rs`.
//! Every other request is a MicroCeph request: it is recorded, delayed by the request latency, offered to the pending faults, and then routed.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};

use crate::control::Control;
use crate::control_http;
use crate::envelope::Outcome;
use crate::faults::{FaultAction, FaultProbe};
use crate::in_flight::InFlight;
use crate::router::{self, dispatch};
use crate::state::{RequestRecord, Shared, pause};
use crate::target::{decode_path, target_value};

/// The body a `malformed` fault answers with: a success envelope cut off in the middle of its metadata.
const MALFORMED_BODY: &str = r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":[{"serv"#;

/// Returned to hyper to close the connection without answering (a `drop` fault or an unreadable body).
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// Serves one HTTP request.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let method = request.method().as_str().to_owned();
    let raw_path = request.uri().path().to_owned();
    let raw_query = request.uri().query().unwrap_or("").to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(DropConnection),
    };
    if raw_path.starts_with(control_http::PREFIX) {
        let control = Control::new(Arc::clone(&shared));
        return Ok(control_http::handle(&control, &method, &raw_path, &body).into_response());
    }
    let target = target_value(&raw_query);
    let (latency, effective_target) = {
        let mut state = shared.lock();
        state.requests.push(RequestRecord {
            method: method.clone(),
            path: raw_path.clone(),
            query: raw_query.clone(),
            target: target
                .as_deref()
                .map(|value| String::from_utf8_lossy(value).into_owned()),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let effective_target = match target.as_deref() {
            Some(value) if !value.is_empty() => String::from_utf8_lossy(value).into_owned(),
            _ => state.cluster.local_member.clone(),
        };
        (state.timing.request_latency, effective_target)
    };
    let _serving = InFlight::serve(&shared.in_flight, &effective_target);
    let _writing =
        (method != "GET").then(|| InFlight::serve(&shared.writes_in_flight, &effective_target));
    pause(latency).await;
    let decoded_path = decode_path(&raw_path);
    let fault = shared.lock().faults.take(FaultProbe {
        method: &method,
        decoded_path: &decoded_path,
        effective_target: &effective_target,
    });
    match fault {
        None => {}
        Some(FaultAction::Error { status, message }) => {
            return Ok(Outcome::error(status, message).into_response());
        }
        Some(FaultAction::Malformed) => return Ok(malformed_response()),
        Some(FaultAction::Drop) => return Err(DropConnection),
        Some(FaultAction::Delay(delay)) => pause(delay).await,
    }
    let request = router::Request {
        method,
        raw_path,
        raw_query,
        target,
        body,
    };
    Ok(dispatch(&shared, &request).await.into_response())
}

fn malformed_response() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(MALFORMED_BODY.as_bytes())));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
