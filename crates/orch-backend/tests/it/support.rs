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

    /// The parsed configuration.
    pub(crate) fn config(&self) -> Config {
        Config::from_json(&self.config_json()).expect("the test configuration is valid")
    }

    fn socket(&self) -> String {
        self.server
            .as_ref()
            .expect("running")
            .socket_path()
            .display()
            .to_string()
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

/// Parses JSON text the binding returned.
pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}
