//! How far observation and execution fan out, read from the fake's in-flight peaks rather than timed.
//!
//! A refresh asks every member for its block devices at most [`Client::host_concurrency`] at a time, an apply enables on at most that many members at once, and no member is ever sent two requests at once.
//! The fake's request and enable latencies keep each request in flight long enough for overlapping ones to meet.

use microceph_client::{Client, execute, observe};
use orch_core::{PlacementSpec, ServiceSpec, plan_apply};
use serde_json::{Value, json};

use crate::contract::fake::Fake;

/// The fake's peaks of `kind` (`all` or `writes`) since they were last reset: `(overall, per member)`.
async fn peaks(fake: &Fake, kind: &str) -> (u64, u64) {
    let concurrency = fake.control_ok("GET", "/fake/1.0/concurrency", None).await;
    let read = |name: &str| concurrency[kind][name].as_u64().expect("a count");
    (read("peak"), read("peak_per_member"))
}

async fn reset_peaks(fake: &Fake) {
    assert_eq!(
        fake.control_ok("DELETE", "/fake/1.0/concurrency", None)
            .await,
        Value::Null
    );
}

/// A fake of `members` generated members whose requests take `latency_ms` and enables `enable_ms`.
async fn slow_fake(members: usize, latency_ms: u64, enable_ms: u64) -> Fake {
    let fake = Fake::start_with(&["--members", &members.to_string()]).await;
    fake.update_timing(&json!({"request_latency_ms": latency_ms, "enable_duration_ms": enable_ms}))
        .await;
    fake
}

async fn apply_rgw_everywhere(client: &Client, members: usize) {
    let hosts: Vec<String> = (1..=members).map(|n| format!("node{n}")).collect();
    let spec = ServiceSpec::new("rgw")
        .with_service_id("foo")
        .with_placement(PlacementSpec::hosts(hosts));
    let observation = observe(client).await.unwrap();
    let plan = plan_apply(&spec, &[], &observation.state);
    assert_eq!(plan.calls.len(), members, "{plan}");
    let report = execute(client, &plan).await;
    assert!(report.succeeded(), "{report:?}");
}

#[tokio::test]
async fn a_refresh_reads_devices_within_the_bound() {
    let fake = slow_fake(12, 100, 0).await;
    reset_peaks(&fake).await;
    let observation = observe(&fake.client().with_host_concurrency(4))
        .await
        .unwrap();
    assert_eq!(observation.state.block_devices.len(), 12);
    let (peak, _) = peaks(&fake, "all").await;
    assert!(
        peak <= 4,
        "the three cluster-wide lists, then at most four members at once; saw {peak}"
    );
    let requests = fake.requests().await;
    assert_eq!(
        requests.len(),
        3 + 12,
        "members, services and disks once, then each member's devices: {requests:?}"
    );
}

#[tokio::test]
async fn an_apply_enables_within_the_bound() {
    let fake = slow_fake(6, 0, 300).await;
    let client = fake.client().with_host_concurrency(2);
    reset_peaks(&fake).await;
    apply_rgw_everywhere(&client, 6).await;
    let (peak, per_member) = peaks(&fake, "writes").await;
    assert!(peak <= 2, "at most two members at once, saw {peak}");
    assert_eq!(per_member, 1, "no member is sent two changes at once");
}

#[tokio::test]
async fn by_default_an_apply_enables_on_many_members_at_once() {
    assert_eq!(
        Client::unix("/x").host_concurrency(),
        Client::DEFAULT_HOST_CONCURRENCY
    );
    let fake = slow_fake(6, 0, 1000).await;
    reset_peaks(&fake).await;
    apply_rgw_everywhere(&fake.client(), 6).await;
    let (peak, per_member) = peaks(&fake, "writes").await;
    assert!(
        peak > 2,
        "the six enables overlap, saw at most {peak} at once"
    );
    assert_eq!(per_member, 1);
}
