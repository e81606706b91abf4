//! The per-member service lock: enables on one member queue, enables on different members overlap.

use std::time::{Duration, Instant};

use fake_microceph::Timing;

use crate::support::{Fake, enable_body, eventually};

async fn fake_with_enable_duration(millis: u64) -> Fake {
    let fake = Fake::start().await;
    fake.control().set_timing(Timing {
        enable_duration: Duration::from_millis(millis),
        ..Timing::default()
    });
    fake
}

#[tokio::test]
async fn enables_on_one_member_are_serialised() {
    let fake = fake_with_enable_duration(200).await;
    let started = Instant::now();
    let (rgw, mds) = tokio::join!(
        async {
            let reply = fake
                .put(
                    "/1.0/services/rgw?target=node2",
                    &enable_body("rgw", true, "{}"),
                )
                .await;
            (reply, started.elapsed())
        },
        async {
            let reply = fake
                .put(
                    "/1.0/services/rbd-mirror?target=node2",
                    &enable_body("rbd-mirror", true, ""),
                )
                .await;
            (reply, started.elapsed())
        },
    );
    rgw.0.assert_success();
    mds.0.assert_success();
    let last = rgw.1.max(mds.1);
    assert!(
        last >= Duration::from_millis(400),
        "the second enable finished after {last:?}"
    );
    let log = fake.control().log();
    let kinds: Vec<&str> = log
        .iter()
        .map(|line| line.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["enabling", "enabled", "enabling", "enabled"],
        "{log:?}"
    );
}

#[tokio::test]
async fn enables_on_different_members_overlap() {
    // A long enable leaves ample time for the second request to start before the first ends.
    let fake = fake_with_enable_duration(1000).await;
    let body = enable_body("rgw", true, "{}");
    let (first, second) = tokio::join!(
        fake.put("/1.0/services/rgw?target=node2", &body),
        fake.put("/1.0/services/rgw?target=node3", &body),
    );
    first.assert_success();
    second.assert_success();
    let log = fake.control().log();
    let kinds: Vec<&str> = log
        .iter()
        .map(|line| line.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["enabling", "enabling", "enabled", "enabled"],
        "{log:?}"
    );
}

#[tokio::test]
async fn asynchronous_enables_queue_on_the_member_lock() {
    let fake = fake_with_enable_duration(200).await;
    fake.put(
        "/1.0/services/rgw?target=node3",
        &enable_body("rgw", false, "{}"),
    )
    .await
    .assert_metadata("null");
    // Once the background pipeline holds the lock, a generic disable on the same member waits for it.
    eventually("the enable has taken the lock", async || {
        !fake.control().log().is_empty()
    })
    .await;
    fake.delete("/1.0/services/mgr?target=node3", "")
        .await
        .assert_metadata("null");
    let log = fake.control().log();
    assert_eq!(
        log,
        [
            "enabling rgw on node3",
            "enabled rgw on node3 (port 80)",
            "disabling mgr on node3",
            "disabled mgr on node3",
        ]
    );
}
