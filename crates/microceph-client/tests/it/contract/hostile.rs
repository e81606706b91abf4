//! Hostile member names never steer a request: whatever a `target` contains, it reaches the fake as one `target` value on the intended route.
//!
//! Each name is sent to every targeted endpoint; the fake must answer with its unknown-member 400 for exactly that name, record the route unchanged and a single `target` value, and leave the cluster untouched.
//! A name that a sloppy encoder would turn into another member's name (`node2?x`, `node2#x`, `x&target=node2`) or into an unparseable query (`a;b`, `100%`, which the daemon treats as untargeted, hence local) is the real danger here.

use microceph_client::{
    Client, DisableRequest, EnableRequest, Error, ErrorKind, PlainService, RestartService,
    RgwParams,
};
use serde_json::{Value, json};

use super::fake::Fake;

/// Hostile names with the Go `%q` form MicroCeph quotes them in, written out by hand.
const NAMES: [(&str, &str); 27] = [
    ("a/b", r#""a/b""#),
    ("node2/x", r#""node2/x""#),
    ("node2?x", r#""node2?x""#),
    ("node2#x", r#""node2#x""#),
    ("node2 ", r#""node2 ""#),
    ("NODE2", r#""NODE2""#),
    ("?target=node2", r#""?target=node2""#),
    ("x&target=node2", r#""x&target=node2""#),
    ("node2&target=node2", r#""node2&target=node2""#),
    ("&target=node2", r#""&target=node2""#),
    ("node2=x", r#""node2=x""#),
    ("100%", r#""100%""#),
    ("%6Eode2", r#""%6Eode2""#),
    ("%2e%2e", r#""%2e%2e""#),
    ("..", r#""..""#),
    ("../../core/1.0", r#""../../core/1.0""#),
    ("/1.0/services/rgw", r#""/1.0/services/rgw""#),
    ("a;b", r#""a;b""#),
    ("a+b", r#""a+b""#),
    ("node 2", r#""node 2""#),
    ("nœud-ü", r#""nœud-ü""#),
    ("ノード", r#""ノード""#),
    ("\"quoted\"", r#""\"quoted\"""#),
    ("back\\slash", r#""back\\slash""#),
    ("tab\there", r#""tab\there""#),
    ("new\nline", r#""new\nline""#),
    ("#", r##""#""##),
];

/// One targeted endpoint, called with the default cluster in mind: each call would change or read `node2` if it reached it.
#[derive(Debug, Clone, Copy)]
enum Call {
    Services,
    MonAddresses,
    Disks,
    Resources,
    EnableRgw,
    DisableMgr,
    DisableRgw,
    RestartMon,
}

impl Call {
    const ALL: [Self; 8] = [
        Self::Services,
        Self::MonAddresses,
        Self::Disks,
        Self::Resources,
        Self::EnableRgw,
        Self::DisableMgr,
        Self::DisableRgw,
        Self::RestartMon,
    ];

    /// The method and the unencoded path the request must arrive on.
    fn route(self) -> (&'static str, &'static str) {
        match self {
            Self::Services => ("GET", "/1.0/services"),
            Self::MonAddresses => ("GET", "/1.0/services/mon"),
            Self::Disks => ("GET", "/1.0/disks"),
            Self::Resources => ("GET", "/1.0/resources"),
            Self::EnableRgw => ("PUT", "/1.0/services/rgw"),
            Self::DisableMgr => ("DELETE", "/1.0/services/mgr"),
            Self::DisableRgw => ("DELETE", "/1.0/services/rgw"),
            Self::RestartMon => ("POST", "/1.0/services/restart"),
        }
    }

    async fn run(self, client: &Client, target: &str) -> Result<(), Error> {
        let target = Some(target);
        match self {
            Self::Services => client.services(target).await.map(drop),
            Self::MonAddresses => client.mon_addresses(target).await.map(drop),
            Self::Disks => client.disks(target).await.map(drop),
            Self::Resources => client.resources(target).await.map(drop),
            Self::EnableRgw => {
                let request = EnableRequest::Rgw {
                    params: RgwParams::default(),
                    wait: true,
                };
                client.enable_service(target, &request).await
            }
            Self::DisableMgr => {
                let request = DisableRequest::Plain(PlainService::Mgr);
                client.disable_service(target, &request).await
            }
            Self::DisableRgw => client.disable_service(target, &DisableRequest::Rgw).await,
            Self::RestartMon => {
                client
                    .restart_services(target, &[RestartService::Mon])
                    .await
            }
        }
    }
}

/// Sends `call` with the hostile `name` and checks the error and the request the fake recorded.
async fn check(fake: &Fake, call: Call, name: &str, quoted: &str) {
    let context = format!("{call:?} with target {name:?}");
    fake.clear_requests().await;
    let err = call.run(&fake.client(), name).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownTarget {
            target: name.to_owned()
        },
        "{context}: {err}"
    );
    assert_eq!(err.status(), Some(400), "{context}");
    let text = format!(
        "Failed to get cluster member for request target name {quoted}: CoreClusterMember not found"
    );
    assert_eq!(err.api_message(), Some(text.as_str()), "{context}");

    let request = fake.only_request().await;
    let (method, path) = call.route();
    assert_eq!(request["method"], method, "{context}");
    assert_eq!(request["path"], path, "{context}");
    assert_eq!(request["target"], Value::from(name), "{context}");
    let query = request["query"].as_str().unwrap();
    let value = query
        .strip_prefix("target=")
        .unwrap_or_else(|| panic!("{context}: query {query:?}"));
    // One parameter, with every reserved or non-ASCII byte percent-encoded.
    assert!(
        value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~%".contains(&byte)),
        "{context}: query {query:?}"
    );
}

#[tokio::test]
async fn hostile_names_reach_the_intended_route_as_one_unknown_target() {
    let fake = Fake::start().await;
    let before = fake.state().await;
    for (name, quoted) in NAMES {
        for call in Call::ALL {
            check(&fake, call, name, quoted).await;
        }
    }
    assert_eq!(fake.state().await, before);
    assert_eq!(fake.log().await, Vec::<String>::new());
}

#[tokio::test]
async fn names_that_extend_a_member_never_reach_it() {
    let fake = Fake::start().await;
    // Were any of these names resolved to node2, the answer would be the unreachable-member 500.
    fake.update_member("node2", &json!({"status": "UNREACHABLE"}))
        .await;
    let before = fake.state().await;
    let extended = [
        ("node2/x", r#""node2/x""#),
        ("node2?x", r#""node2?x""#),
        ("node2#x", r#""node2#x""#),
        ("node2&target=node2", r#""node2&target=node2""#),
        ("node2 ", r#""node2 ""#),
    ];
    for (name, quoted) in extended {
        for call in [
            Call::EnableRgw,
            Call::DisableMgr,
            Call::RestartMon,
            Call::Resources,
        ] {
            check(&fake, call, name, quoted).await;
        }
    }
    assert_eq!(fake.state().await, before);
}
