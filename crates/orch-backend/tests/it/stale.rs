//! The cache after faults and concurrent observations: a write that could not read its result back leaves no listing token and is observed again by the next listing, and a slow observation never replaces a newer one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fake_microceph::{Fault, FaultAction};
use orch_backend::{ApplyOptions, apply, hosts, listing_token, services};
use orch_core::CephView;
use serde_json::{Value, json};

use crate::support::{Fake, json};

fn fault(method: &str, path: &str, count: u64, action: FaultAction) -> Fault {
    Fault {
        method: Some(method.to_owned()),
        path: path.to_owned(),
        target: None,
        count,
        action,
    }
}

/// The service names `orch ls` shows, from the cache.
fn listed(fake: &Fake) -> Vec<Value> {
    let listing = json(
        &services(
            &fake.config(),
            "[]",
            None,
            None,
            false,
            &CephView::default(),
        )
        .unwrap(),
    );
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["spec"]["service_name"].clone())
        .collect()
}

/// The services of the fake's cluster, by the names `orch ls` gives them without stored specs.
fn without_rgw() -> Vec<Value> {
    ["mds.microceph", "mgr", "mon", "osd"]
        .map(|name| json!(name))
        .to_vec()
}

fn with_rgw() -> Vec<Value> {
    ["mds.microceph", "mgr", "mon", "osd", "rgw.microceph"]
        .map(|name| json!(name))
        .to_vec()
}

fn apply_rgw_on(fake: &Fake, host: &str) -> Value {
    let specs =
        json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": [host]}}]);
    json(
        &apply(
            &fake.config(),
            &specs.to_string(),
            "[]",
            ApplyOptions::default(),
        )
        .unwrap(),
    )
}

#[test]
fn a_write_that_cannot_read_its_result_back_leaves_the_cache_stale_until_observed_again() {
    let fake = Fake::start();
    let config = fake.config();
    assert_eq!(listed(&fake), without_rgw());
    assert!(listing_token(&config, "[]").is_some());
    // The apply observes first (one `GET /1.0/services`), then reads the placement back (the second), which fails.
    fake.control().add_fault(fault(
        "GET",
        "/1.0/services",
        1,
        FaultAction::Delay(Duration::ZERO),
    ));
    fake.control().add_fault(fault(
        "GET",
        "/1.0/services",
        1,
        FaultAction::Error {
            status: 503,
            message: "Daemon is shutting down".to_owned(),
        },
    ));
    let result = apply_rgw_on(&fake, "node2");
    assert_eq!(result["results"], json!(["rgw.foo: enabled rgw on node2"]));
    assert_eq!(
        listing_token(&config, "[]"),
        None,
        "no listing built before the write may be answered again"
    );
    // The next plain listing observes again and shows what the write did.
    assert_eq!(listed(&fake), with_rgw());
    assert!(listing_token(&config, "[]").is_some());
}

#[test]
fn a_stale_cache_that_cannot_be_observed_again_is_answered_with_its_age() {
    let mut fake = Fake::start();
    let config = fake.config();
    listed(&fake);
    fake.control().add_fault(fault(
        "GET",
        "/1.0/services",
        1,
        FaultAction::Delay(Duration::ZERO),
    ));
    fake.control()
        .add_fault(fault("GET", "/1.0/services", 1, FaultAction::Drop));
    apply_rgw_on(&fake, "node2");
    let written = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    fake.stop();
    // MicroCeph is gone: the listing answers from the observation made before the write, and says when that was.
    let listing = json(&services(&config, "[]", None, None, false, &CephView::default()).unwrap());
    let observed_at = listing["observed_at"].as_f64().unwrap();
    assert!(observed_at < written, "{observed_at} is before {written}");
    assert_eq!(
        listing["items"].as_array().unwrap().len(),
        4,
        "rgw.foo could not be read back"
    );
    assert_eq!(listing_token(&config, "[]"), None);
    fake.restart();
    assert!(
        json(&hosts(&config, true).unwrap())["observed_at"]
            .as_f64()
            .unwrap()
            > written
    );
    assert!(listing_token(&config, "[]").is_some());
}

#[test]
fn a_write_whose_answer_is_lost_makes_the_next_listing_observe_again() {
    let fake = Fake::start();
    let config = fake.config();
    listed(&fake);
    fake.control()
        .add_fault(fault("PUT", "/1.0/services/rgw", 1, FaultAction::Malformed));
    let error = apply(
        &config,
        &json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node2"]}}])
            .to_string(),
        "[]",
        ApplyOptions::default(),
    )
    .unwrap();
    assert!(
        json(&error)["failure"]["message"]
            .as_str()
            .unwrap()
            .starts_with(
                "rgw.foo: failed on node2: PUT /1.0/services/rgw?target=node2: undecodable response"
            ),
        "{error}"
    );
    assert_eq!(listing_token(&config, "[]"), None);
    listed(&fake);
    assert!(listing_token(&config, "[]").is_some());
}

#[test]
fn a_slow_observation_never_replaces_the_one_a_later_write_made() {
    let fake = Fake::start();
    let config = fake.config();
    listed(&fake);
    fake.control().clear_requests();
    // A refresh reads the placement at once, then waits on every member's block devices.
    fake.control().add_fault(fault(
        "GET",
        "/1.0/resources",
        3,
        FaultAction::Delay(Duration::from_millis(1500)),
    ));
    let refresh = {
        let config = config.clone();
        std::thread::spawn(move || hosts(&config, true).unwrap())
    };
    let waiting = || {
        fake.control()
            .requests()
            .iter()
            .filter(|request| request.path == "/1.0/resources")
            .count()
    };
    while waiting() < 3 {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Meanwhile a write changes the placement and reads it back.
    assert_eq!(
        apply_rgw_on(&fake, "node2")["results"],
        json!(["rgw.foo: enabled rgw on node2"])
    );
    refresh.join().unwrap();
    assert_eq!(
        listed(&fake),
        with_rgw(),
        "the refresh that started before the write did not bring back the placement before it"
    );
}
