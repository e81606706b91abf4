//! Applies in the background: the progress of each service's MicroCeph calls while they run, and the result at the end.

use std::time::Duration;

use fake_microceph::{Fault, FaultAction, Timing};
use orch_backend::{ApplyOptions, apply_start, apply_wait};
use serde_json::{Value, json};

use crate::support::{Fake, json};

/// Waits for every piece of news of `job` until its result, and returns the news and the result.
fn follow(job: u64) -> (Vec<Value>, Result<Value, String>) {
    let mut news = Vec::new();
    loop {
        match apply_wait(job, Duration::from_millis(50)) {
            Ok(answer) => {
                let answer = json(&answer);
                news.extend(answer["progress"].as_array().unwrap().iter().cloned());
                if !answer["result"].is_null() {
                    return (news, Ok(answer["result"].clone()));
                }
            }
            Err(error) => return (news, Err(error.to_string())),
        }
    }
}

fn slow_enables(fake: &Fake) {
    fake.control().set_timing(Timing {
        enable_duration: Duration::from_millis(300),
        ..Timing::default()
    });
}

#[test]
fn an_apply_reports_its_progress_then_its_result() {
    let fake = Fake::start();
    slow_enables(&fake);
    let specs = json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node1", "node2", "node3"]}}]);
    let job = apply_start(
        fake.config(),
        specs.to_string(),
        "[]".to_owned(),
        ApplyOptions::default(),
    )
    .unwrap();
    let (news, result) = follow(job);
    let id = format!("microceph-apply-{job}-rgw.foo");
    assert_eq!(
        news.first().unwrap(),
        &json!({"id": id, "message": "Updating rgw.foo: enable rgw on node1, node2, node3", "fraction": 0.0, "finished": null}),
        "the first news comes before MicroCeph answers"
    );
    assert_eq!(
        news.last().unwrap(),
        &json!({"id": id, "message": "Updating rgw.foo: enable rgw on node1, node2, node3", "fraction": 1.0, "finished": "done"})
    );
    let fractions: Vec<f64> = news
        .iter()
        .map(|item| item["fraction"].as_f64().unwrap())
        .collect();
    assert!(
        fractions.windows(2).all(|pair| pair[0] <= pair[1]),
        "{fractions:?}"
    );
    assert_eq!(
        result.unwrap()["results"],
        json!(["rgw.foo: enabled rgw on node1, node2, node3"])
    );
    assert!(
        apply_wait(job, Duration::from_millis(1))
            .unwrap_err()
            .to_string()
            == format!("no apply with job number {job}"),
        "a job is forgotten once its result is delivered"
    );
}

#[test]
fn a_failed_service_is_reported_failed_with_microcephs_text() {
    let fake = Fake::start();
    fake.control().add_fault(Fault {
        method: Some("PUT".to_owned()),
        path: "/1.0/services/rgw".to_owned(),
        target: Some("node2".to_owned()),
        count: 1,
        action: FaultAction::Error {
            status: 500,
            message: "rgw exploded".to_owned(),
        },
    });
    let specs = json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node1", "node2"]}}]);
    let job = apply_start(
        fake.config(),
        specs.to_string(),
        "[]".to_owned(),
        ApplyOptions::default(),
    )
    .unwrap();
    let (news, result) = follow(job);
    let last = news.last().unwrap();
    assert_eq!(last["finished"], json!("failed"));
    assert_eq!(
        last["message"],
        json!("rgw.foo: failed on node2: rgw exploded; changed: enabled rgw on node1")
    );
    let result = result.unwrap();
    assert_eq!(result["failure"]["message"], last["message"]);
    assert_eq!(result["store"][0]["service_name"], json!("rgw.foo"));
}

#[test]
fn an_apply_with_nothing_to_do_reports_no_progress() {
    let fake = Fake::start();
    let specs =
        json!([{"service_type": "mon", "placement": {"hosts": ["node1", "node2", "node3"]}}]);
    let job = apply_start(
        fake.config(),
        specs.to_string(),
        "[]".to_owned(),
        ApplyOptions::default(),
    )
    .unwrap();
    let (news, result) = follow(job);
    assert_eq!(news, Vec::<Value>::new());
    assert_eq!(
        result.unwrap()["results"],
        json!(["mon: nothing to do (already on node1, node2, node3)"])
    );
}
