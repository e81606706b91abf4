//! Everything a running fake shares between connections: the cluster, timing knobs, daemon state, faults and logs.
//!
//! All of it sits behind one `std::sync::Mutex` that is never held across an `.await`.
//! Each member also has a `tokio` mutex, MicroCeph's per-daemon `serviceStartMu`, that serialises its enables and generic disables while leaving other members free.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::cluster::Cluster;
use crate::faults::FaultBook;
use crate::in_flight::InFlight;

/// Delays the fake adds to emulate a real daemon's pace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    /// Added to every MicroCeph request before it is handled.
    pub request_latency: Duration,
    /// Added to every request forwarded to another member through `?target=`.
    pub hop_latency: Duration,
    /// How long an enable pipeline runs before its post-placement check (MicroCeph: about 10 s).
    pub enable_duration: Duration,
    /// How long a disable takes before the database row is removed.
    pub disable_duration: Duration,
    /// How long each service restart takes.
    pub restart_duration: Duration,
}

impl Timing {
    /// The pace of a real daemon: enables take 10 s, the length of MicroCeph's post-placement check.
    pub fn realistic() -> Self {
        Self {
            enable_duration: Duration::from_secs(10),
            ..Self::default()
        }
    }
}

/// The state of the emulated daemon's database, which gates `/1.0/*` and `/core/1.0/cluster`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DatabaseStatus {
    /// Open: requests are served.
    #[default]
    Ready,
    /// Before bootstrap or join: 503 `Database is not yet initialized`.
    NotInitialized,
    /// 503 `Database is still starting`.
    Starting,
    /// 503 `Database is offline`.
    Offline,
}

impl DatabaseStatus {
    /// Every status with the control API's spelling.
    pub const ALL: [(&'static str, Self); 4] = [
        ("ready", Self::Ready),
        ("not-initialized", Self::NotInitialized),
        ("starting", Self::Starting),
        ("offline", Self::Offline),
    ];

    /// The control API's spelling.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, status)| *status == self)
            .map_or("", |(name, _)| name)
    }

    /// The 503 text microcluster answers with while the database is in this state, if it is not open.
    pub(crate) fn unavailable_text(self) -> Option<&'static str> {
        match self {
            Self::Ready => None,
            Self::NotInitialized => Some("Database is not yet initialized"),
            Self::Starting => Some("Database is still starting"),
            Self::Offline => Some("Database is offline"),
        }
    }
}

/// Daemon-wide switches the control API can flip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaemonState {
    /// The database state.
    pub database: DatabaseStatus,
    /// Whether `GET /core/1.0/ready` answers 200; when false it answers 503 `Daemon is not ready yet`.
    pub ready: bool,
    /// Whether every route but `/` answers 503 `Daemon is shutting down`.
    pub shutting_down: bool,
}

impl Default for DaemonState {
    fn default() -> Self {
        Self {
            database: DatabaseStatus::Ready,
            ready: true,
            shutting_down: false,
        }
    }
}

/// One MicroCeph request as received, for `GET /fake/1.0/requests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The path as sent, still percent-encoded.
    pub path: String,
    /// The query string as sent, without `?`; `""` when there is none.
    pub query: String,
    /// The decoded `target` query value, or `None` when absent or the query cannot be parsed.
    pub target: Option<String>,
    /// The request body as text (invalid UTF-8 replaced).
    pub body: String,
}

/// A first-in, first-out log that forgets its oldest entries beyond a capacity.
#[derive(Debug)]
pub(crate) struct BoundedLog<T> {
    entries: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> BoundedLog<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            capacity,
        }
    }

    pub(crate) fn push(&mut self, entry: T) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<T> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

/// The mutable state behind the fake's single mutex.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) cluster: Cluster,
    pub(crate) timing: Timing,
    pub(crate) daemon: DaemonState,
    pub(crate) faults: FaultBook,
    pub(crate) requests: BoundedLog<RequestRecord>,
    pub(crate) log: BoundedLog<String>,
    /// The program run after each service restart, if any (see [`crate::Options::restart_hook`]).
    pub(crate) restart_hook: Option<PathBuf>,
}

/// What every connection task of one server holds.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    member_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The requests being served, and the peaks.
    pub(crate) in_flight: Arc<InFlight>,
    /// The writes being served, and the peaks.
    pub(crate) writes_in_flight: Arc<InFlight>,
    /// When the server started; unreachable members report it as their last heartbeat.
    pub(crate) started_at: SystemTime,
}

impl Shared {
    pub(crate) fn new(state: State) -> Self {
        Self {
            state: Mutex::new(state),
            member_locks: Mutex::new(HashMap::new()),
            in_flight: Arc::default(),
            writes_in_flight: Arc::default(),
            started_at: SystemTime::now(),
        }
    }

    /// Locks the state; a panic in another holder does not make the state unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The per-member service lock (MicroCeph's `serviceStartMu` of that member's daemon).
    pub(crate) fn member_lock(&self, member: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .member_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry(member.to_owned()).or_default())
    }

    /// Appends a line to the daemon log.
    pub(crate) fn log(&self, line: String) {
        self.lock().log.push(line);
    }

    /// The current timing knobs.
    pub(crate) fn timing(&self) -> Timing {
        self.lock().timing
    }
}

/// Sleeps for `duration`, skipping the timer entirely when it is zero.
pub(crate) async fn pause(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}
