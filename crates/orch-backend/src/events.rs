//! The recent events of each service: what the orchestrator changed and what failed, as `orch ls --format yaml` shows them.
//!
//! An apply or a restart that did something records one event on the service it acted on: `INFO` with its result, or `ERROR` with its failure.
//! Each service keeps its last [`KEPT`] events, in the active manager's memory only, per MicroCeph socket.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::cache;
use crate::cache::unix_secs;
use crate::config::Config;

/// How many events each service keeps.
pub(crate) const KEPT: usize = 10;

/// How serious an event is, in Ceph's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Something was done.
    Info,
    /// Something failed.
    Error,
}

/// Records an event on `service_name` of the cluster behind `socket`.
pub(crate) fn record(socket: &Path, service_name: &str, level: Level, message: &str) {
    let mut all = events();
    let kept = all
        .entry((socket.to_owned(), service_name.to_owned()))
        .or_default();
    if kept.len() == KEPT {
        kept.pop_front();
    }
    kept.push_back(Event {
        created: SystemTime::now(),
        level,
        message: message.to_owned(),
    });
    drop(all);
    cache::touch(socket);
}

/// The events of `service_name`, oldest first, as `{"created": <unix seconds>, "level", "message"}`.
pub(crate) fn of(config: &Config, service_name: &str) -> Vec<Value> {
    events()
        .get(&(config.socket.clone(), service_name.to_owned()))
        .map(|kept| kept.iter().map(Event::to_json).collect())
        .unwrap_or_default()
}

/// One event.
#[derive(Debug, Clone)]
struct Event {
    created: SystemTime,
    level: Level,
    message: String,
}

impl Event {
    fn to_json(&self) -> Value {
        json!({
            "created": unix_secs(self.created),
            "level": match self.level {
                Level::Info => "INFO",
                Level::Error => "ERROR",
            },
            "message": self.message,
        })
    }
}

/// The events of each service, by MicroCeph socket and service name.
type Events = BTreeMap<(PathBuf, String), VecDeque<Event>>;

/// Every service's events.
fn events() -> MutexGuard<'static, Events> {
    static EVENTS: LazyLock<Mutex<Events>> = LazyLock::new(Mutex::default);
    EVENTS.lock().unwrap_or_else(PoisonError::into_inner)
}
