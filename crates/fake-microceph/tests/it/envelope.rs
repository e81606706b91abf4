//! Envelope bytes and headers: Go's encoders, exactly.

use fake_microceph::{Cluster, Fault, FaultAction, Options};

use crate::support::{Fake, enable_body};

#[tokio::test]
async fn success_envelopes_are_byte_exact() {
    let fake = Fake::start().await;
    let reply = fake.get("/").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("x-content-type-options"), None);
    assert_eq!(
        reply.body,
        "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":[\"/1.0\"]}\n"
    );
    let reply = fake.get("/1.0/services/mon").await;
    assert_eq!(
        reply.body,
        "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":{\"addresses\":[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]}}\n"
    );
    let reply = fake
        .put("/1.0/services/rgw", &enable_body("rgw", true, "{}"))
        .await;
    assert_eq!(
        reply.body,
        "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":null}\n"
    );
    let reply = fake.delete("/1.0/services/rgw", "").await;
    assert_eq!(
        reply.body,
        "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":{}}\n"
    );
}

#[tokio::test]
async fn error_envelopes_are_byte_exact() {
    let fake = Fake::start().await;
    let reply = fake.get("/1.0/status").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        reply.body,
        "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":404,\"error\":\"Not Found\",\"metadata\":null}\n"
    );
}

#[tokio::test]
async fn errors_escape_html_and_successes_do_not() {
    let mut cluster = Cluster::generate(1);
    cluster.members[0].name = "a<b>&c\u{2028}".to_owned();
    cluster.local_member = cluster.members[0].name.clone();
    let fake = Fake::start_with(cluster, Options::default()).await;
    let reply = fake.get("/1.0/disks").await;
    assert_eq!(
        reply.body,
        "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":[{\"osd\":1,\"path\":\"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node1-sdb\",\"location\":\"a<b>&c\\u2028\"}]}\n"
    );
    // An unknown service name travels into the error text verbatim, where Go escapes it.
    let reply = fake
        .put(
            "/1.0/services/rgw",
            &enable_body("<x&y>\u{2029}\u{8}\u{c}", true, ""),
        )
        .await;
    assert_eq!(
        reply.body,
        "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":500,\"error\":\"\\u003cx\\u0026y\\u003e\\u2029\\u0008\\u000c enablement is not supported\",\"metadata\":null}\n"
    );
}

#[tokio::test]
async fn fault_errors_use_the_error_encoder() {
    let fake = Fake::start().await;
    fake.control().add_fault(Fault {
        method: None,
        path: "/1.0/services".to_owned(),
        target: None,
        count: 1,
        action: FaultAction::Error {
            status: 503,
            message: "a<b>".to_owned(),
        },
    });
    let reply = fake.get("/1.0/services").await;
    assert_eq!(
        reply.body,
        "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":503,\"error\":\"a\\u003cb\\u003e\",\"metadata\":null}\n"
    );
}
