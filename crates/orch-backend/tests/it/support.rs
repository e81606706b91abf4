//! Shared helpers: a fake MicroCeph on a fresh socket and the JSON configuration that points the binding at it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use fake_microceph::{BlockingServer, Cluster, MemberStatus, MemberUpdate, Options, Server};
use orch_backend::Config;
use serde_json::Value;

/// A fake three-member cluster on its own socket, stopped when dropped.
#[derive(Debug)]
pub(crate) struct Fake {
    server: Option<BlockingServer>,
    dir: PathBuf,
}

impl Fake {
    /// The fake's default cluster: `node1` to `node3`, each running mon, mgr and mds, each with one OSD.
    pub(crate) fn start() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "orch-backend-it-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let server = Server::start_blocking(
            dir.join("control.socket"),
            Cluster::generate(3),
            Options::default(),
        )
        .expect("the fake starts");
        Fake {
            server: Some(server),
            dir,
        }
    }

    /// The binding's JSON configuration for this fake.
    pub(crate) fn config_json(&self) -> String {
        serde_json::json!({"socket": self.socket(), "read_timeout": 5, "refresh_interval": 60})
            .to_string()
    }

    /// Stops the fake, as if MicroCeph's daemon stopped; its socket goes away with it.
    pub(crate) fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
    }

    /// Starts the fake again on the same socket, with the default cluster, as if MicroCeph's daemon came back.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.server = Some(
            Server::start_blocking(
                self.dir.join("control.socket"),
                Cluster::generate(3),
                Options::default(),
            )
            .expect("the fake starts again"),
        );
    }

    /// The parsed configuration.
    pub(crate) fn config(&self) -> Config {
        Config::from_json(&self.config_json()).expect("the test configuration is valid")
    }

    /// The configuration with Ceph given `seconds` to show restarted daemons back.
    pub(crate) fn config_confirming_within(&self, seconds: f64) -> Config {
        let mut config: Value = serde_json::from_str(&self.config_json()).expect("JSON");
        config["restart_confirm_timeout"] = serde_json::json!(seconds);
        Config::from_json(&config.to_string()).expect("the test configuration is valid")
    }

    fn socket(&self) -> String {
        self.dir.join("control.socket").display().to_string()
    }

    /// The fake's control API.
    pub(crate) fn control(&self) -> &fake_microceph::Control {
        self.server.as_ref().expect("running").control()
    }

    /// Marks a member `UNREACHABLE`, so that MicroCeph cannot forward requests to it.
    pub(crate) fn make_unreachable(&self, member: &str) {
        self.server
            .as_ref()
            .expect("running")
            .control()
            .update_member(
                member,
                MemberUpdate {
                    status: Some(MemberStatus::Unreachable),
                    ..MemberUpdate::default()
                },
            )
            .expect("the member exists");
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Ceph's maps read from `parts` (see `orch_backend::update_ceph_maps`).
pub(crate) fn ceph_view(parts: &Value) -> orch_core::CephView {
    let mut view = orch_core::CephView::default();
    orch_backend::update_ceph_maps(&mut view, &parts.to_string()).expect("the maps read");
    view
}

/// Parses JSON text the backend returned.
pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}
