//! Error mapping through real HTTP responses: one test per [`ErrorKind`] with MicroCeph's exact texts, plus undecodable responses.

use microceph_client::{DisableRequest, EnableRequest, Error, ErrorKind, PlainService, RgwParams};

use crate::support::{failure, serve, success};

fn enable_rgw() -> EnableRequest {
    EnableRequest::Rgw {
        params: RgwParams::default(),
        wait: true,
    }
}

#[tokio::test]
async fn not_initialized() {
    let (_server, client) = serve(
        "GET",
        "/1.0/services",
        503,
        failure(503, "Database is not yet initialized"),
    )
    .await;
    let err = client.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotInitialized);
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        err.to_string(),
        "GET /1.0/services: Database is not yet initialized (HTTP 503)"
    );
}

#[tokio::test]
async fn unavailable() {
    let (_server, client) = serve(
        "GET",
        "/core/1.0/ready",
        503,
        failure(503, "Daemon is not ready yet"),
    )
    .await;
    let err = client.ready().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
}

#[tokio::test]
async fn unknown_target() {
    let text = "Failed to get cluster member for request target name \"vriskaserket\": CoreClusterMember not found";
    let (_server, client) = serve("PUT", "/1.0/services/rgw", 400, failure(400, text)).await;
    let err = client
        .enable_service(Some("vriskaserket"), &enable_rgw())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownTarget {
            target: "vriskaserket".to_owned()
        }
    );
    assert_eq!(err.api_message(), Some(text));
}

#[tokio::test]
async fn unreachable_target() {
    let text = "Failed to send request to target \"node2\": Put \"https://10.0.0.12:7443/1.0/services/rgw?target=node2\": Unable to connect to \"10.0.0.12:7443\": dial tcp 10.0.0.12:7443: connect: connection refused";
    let (_server, client) = serve("PUT", "/1.0/services/rgw", 500, failure(500, text)).await;
    let err = client
        .enable_service(Some("node2"), &enable_rgw())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnreachableTarget {
            target: "node2".to_owned()
        }
    );
}

#[tokio::test]
async fn already_active_keeps_the_text_verbatim() {
    let text = "Failed to send request to target \"node2\": host failed hospitality check for rgw enablement: rgw service already active on host";
    let (_server, client) = serve("PUT", "/1.0/services/rgw", 500, failure(500, text)).await;
    let err = client
        .enable_service(Some("node2"), &enable_rgw())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyActive);
    assert_eq!(
        err.to_string(),
        format!("PUT /1.0/services/rgw?target=node2: {text} (HTTP 500)")
    );
    match err {
        Error::Api {
            request,
            status,
            error_code,
            message,
        } => {
            assert_eq!(request.method(), "PUT");
            assert_eq!(request.path_and_query(), "/1.0/services/rgw?target=node2");
            assert_eq!((status, error_code), (500, 500));
            assert_eq!(message, text);
        }
        other => panic!("expected an api error, got {other:?}"),
    }
}

#[tokio::test]
async fn not_found_for_a_service_that_is_not_placed() {
    let text = "failed to remove service \"mgr\" from database: failed to remove service from db \"mgr\": Service not found";
    let (_server, client) = serve("DELETE", "/1.0/services/mgr", 404, failure(404, text)).await;
    let err = client
        .disable_service(Some("node2"), &DisableRequest::Plain(PlainService::Mgr))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn not_found_for_an_nfs_cluster_is_a_500() {
    let text = "NFS service with ClusterID 'foo-cluster' not found on node 'node1'";
    let (_server, client) = serve("DELETE", "/1.0/services/nfs", 500, failure(500, text)).await;
    let request = DisableRequest::Nfs {
        cluster_id: "foo-cluster".to_owned(),
    };
    let err = client
        .disable_service(Some("node1"), &request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn other_api_errors() {
    let (_server, client) = serve(
        "POST",
        "/1.0/services/restart",
        500,
        failure(500, "no handler defined for service mgr"),
    )
    .await;
    let err = client
        .restart_services(None, &[microceph_client::RestartService::Mgr])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert_eq!(
        err.api_message(),
        Some("no handler defined for service mgr")
    );
}

#[tokio::test]
async fn html_escaped_error_text_is_unescaped() {
    let body = r#"{"type":"error","status":"","status_code":0,"operation":"","error_code":500,"error":"bad \u003cinput\u003e \u0026 more","metadata":null}"#;
    let (_server, client) = serve("GET", "/1.0/disks", 500, body.to_owned()).await;
    let err = client.disks(None).await.unwrap_err();
    assert_eq!(err.api_message(), Some("bad <input> & more"));
}

#[tokio::test]
async fn non_json_body_is_a_decode_error_with_status_and_excerpt() {
    let (_server, client) =
        serve("GET", "/1.0/disks", 404, "404 page not found\n".to_owned()).await;
    let err = client.disks(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    match &err {
        Error::Decode {
            status, excerpt, ..
        } => {
            assert_eq!(*status, 404);
            assert_eq!(excerpt, "404 page not found");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("404 page not found"), "{err}");
}

#[tokio::test]
async fn unexpected_envelope_type_is_a_decode_error() {
    let body = success("null").replace("\"sync\"", "\"async\"");
    let (_server, client) = serve("GET", "/core/1.0/ready", 200, body).await;
    let err = client.ready().await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}

#[tokio::test]
async fn metadata_of_the_wrong_shape_is_a_decode_error() {
    let (_server, client) = serve("GET", "/1.0/disks", 200, success(r#"{"osd":1}"#)).await;
    let err = client.disks(None).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}

#[tokio::test]
async fn a_route_that_does_not_match_is_not_mistaken_for_success() {
    // The mock answers only PUT, so the client's GET gets wiremock's empty 404.
    let (server, client) = serve("PUT", "/1.0/disks", 200, success("[]")).await;
    let err = client.disks(None).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 404, .. }), "{err:?}");
    server.reset().await;
}
