//! `POST /1.0/services/restart`: validation, handlers, skipping and counting.

use crate::support::{Fake, enable_body};

#[tokio::test]
async fn restart_bodies_are_validated_first() {
    let fake = Fake::start().await;
    let path = "/1.0/services/restart";
    fake.post(path, "").await.assert_error(500, "EOF");
    fake.post(path, r#"{"service":"mon"}"#).await.assert_error(
        500,
        "json: cannot unmarshal object into Go value of type types.Services",
    );
    fake.post(path, r#"[{"service":1}]"#).await.assert_error(
        500,
        "json: cannot unmarshal number into Go struct field Service.service of type string",
    );
    fake.post(
        path,
        r#"[{"service":"mon"},{"service":"nfs"},{"service":"bogus"}]"#,
    )
    .await
    .assert_error(500, "nfs is not a valid ceph service");
    fake.post(path, r#"[{"service":"rbd-mirror"}]"#)
        .await
        .assert_error(500, "rbd-mirror is not a valid ceph service");
    assert!(
        fake.control().cluster().members[0].restarts.is_empty(),
        "nothing ran"
    );
}

#[tokio::test]
async fn restarts_run_in_order_on_the_target_only() {
    let fake = Fake::start().await;
    fake.put(
        "/1.0/services/rgw?target=node2",
        &enable_body("rgw", true, "{}"),
    )
    .await
    .assert_success();
    let path = "/1.0/services/restart?target=node2";
    fake.post(
        path,
        r#"[{"service":"rgw"},{"service":"osd"},{"service":"mon","location":"x"}]"#,
    )
    .await
    .assert_metadata("{}");
    // mgr passes validation but has no handler; the entries before it already ran.
    fake.post(
        path,
        r#"[{"service":"mon"},{"service":"mgr"},{"service":"rgw"}]"#,
    )
    .await
    .assert_error(
        500,
        "Failed to send request to target \"node2\": no handler defined for service mgr",
    );
    fake.post("/1.0/services/restart", r#"[{"service":"mds"}]"#)
        .await
        .assert_error(500, "no handler defined for service mds");
    // rgw is not placed on node1: skipped, still 200.
    fake.post("/1.0/services/restart", r#"[{"service":"rgw"}]"#)
        .await
        .assert_metadata("{}");
    fake.post("/1.0/services/restart", "null")
        .await
        .assert_metadata("{}");
    let state = fake.get("/fake/1.0/state").await.metadata();
    assert_eq!(
        state["members"][1]["restarts"],
        serde_json::json!({"mon": 2, "rgw": 1})
    );
    assert_eq!(state["members"][0]["restarts"], serde_json::json!({}));
    let log = fake.control().log();
    assert!(log.contains(
        &"skipped restart of osd on node2: osd service is not planned for current host".to_owned()
    ));
    assert!(log.contains(
        &"skipped restart of rgw on node1: rgw service is not planned for current host".to_owned()
    ));
}

#[tokio::test]
async fn a_restart_hook_runs_after_each_restart_and_its_failure_fails_the_restart() {
    use std::os::unix::fs::PermissionsExt;

    let dir = std::env::temp_dir().join(format!("fake-hook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let record = dir.join("ran");
    let hook = dir.join("hook");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"$1 $2\" >> {}\n[ \"$2\" = rgw ] && {{ echo 'rgw would not stop' >&2; exit 3; }}\nexit 0\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let fake = Fake::start_with(
        fake_microceph::Cluster::generate(3),
        fake_microceph::Options {
            restart_hook: Some(hook.clone()),
            ..fake_microceph::Options::default()
        },
    )
    .await;
    fake.post(
        "/1.0/services/restart?target=node2",
        r#"[{"service":"mon"},{"service":"osd"}]"#,
    )
    .await
    .assert_metadata("{}");
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "node2 mon\n",
        "the hook runs for each restart, not for skipped services"
    );
    fake.put("/1.0/services/rgw", &enable_body("rgw", true, "{}"))
        .await
        .assert_success();
    fake.post("/1.0/services/restart", r#"[{"service":"rgw"}]"#)
        .await
        .assert_error(
            500,
            "failed to restart rgw: restart hook exit status: 3: rgw would not stop",
        );
    assert!(
        !fake.control().cluster().members[0]
            .restarts
            .contains_key("rgw"),
        "a failed restart is not counted"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
