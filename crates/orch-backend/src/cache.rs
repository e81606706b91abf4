//! What the backend last learned, so that listings answer without waiting on anyone.
//!
//! Per MicroCeph socket it keeps the last observation, the last failure to observe, and the last availability probe.
//! The mgr module's `serve()` loop refreshes them every refresh interval; listings read them and observe only when asked to refresh or when nothing was ever observed.
//! When MicroCeph stops answering, the last observation stays and listings keep answering from it, with the time it was made, while the failure is kept for the health checks.
//! A write reads the placed services and OSD disks again afterwards, so the next listing shows what it did.
//!
//! Process-wide it keeps Ceph's maps ([`CephView`]), which the mgr module pushes whenever ceph-mgr tells it they changed.
//! Everything here is Rust values only, never Python objects, behind locks held for no longer than a copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use microceph_client::{HostProblem, Observation, observe, observe_placement};
use orch_core::CephView;

use crate::ceph_maps;
use crate::ceph_time;
use crate::config::Config;
use crate::error::{BackendError, error_text};
use crate::runtime::block_on;

/// An observation and when its parts were made.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    /// The observation.
    pub observation: Arc<Observation>,
    /// When the members and block devices were observed, for `orch device ls` and `orch host ls`.
    pub observed_at: SystemTime,
    /// When the placed services and OSD disks were read, for `orch ls` and `orch ps`.
    pub placement_at: SystemTime,
    /// What could not be observed about block devices, one line each.
    device_problems: Arc<Vec<String>>,
    /// What could not be read of the placement, one line each.
    placement_problems: Arc<Vec<String>>,
}

/// A failure to observe, kept until an observation succeeds.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// MicroCeph's text, or why it could not be reached.
    pub text: String,
}

/// The last availability probe.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    /// Whether MicroCeph answered and was ready.
    pub available: bool,
    /// Why not.
    pub reason: String,
}

impl Snapshot {
    /// What could not be observed, one operator-readable line each.
    pub(crate) fn problem_texts(&self) -> Vec<String> {
        let mut texts: Vec<String> = self.placement_problems.iter().cloned().collect();
        texts.extend(self.device_problems.iter().cloned());
        texts
    }
}

/// Seconds since the Unix epoch, as Ceph's timestamps take them.
pub(crate) fn unix_secs(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// The cached observation for the configured socket; observed now when asked to refresh or when there is none.
///
/// A failed refresh is an error that says how old the cached observation is, which plain listings keep showing.
pub(crate) fn snapshot(config: &Config, refresh: bool) -> Result<Snapshot, BackendError> {
    let cached = entries()
        .get(&config.socket)
        .and_then(|entry| entry.snapshot.clone());
    match (refresh, cached) {
        (false, Some(cached)) => Ok(cached),
        (true, Some(cached)) => observe_now(config).map_err(|error| stale(error, &cached)),
        (_, None) => observe_now(config),
    }
}

/// Observes the cluster now and caches the result, or keeps the failure.
pub(crate) fn observe_now(config: &Config) -> Result<Snapshot, BackendError> {
    let client = config.client();
    let observed = block_on(observe(&client))?;
    let mut entries = entries();
    let entry = entries.entry(config.socket.clone()).or_default();
    match observed {
        Ok(observation) => {
            let now = SystemTime::now();
            let (device_problems, placement_problems) = split_problems(&observation.problems);
            let snapshot = Snapshot {
                observation: Arc::new(observation),
                observed_at: now,
                placement_at: now,
                device_problems: Arc::new(device_problems),
                placement_problems: Arc::new(placement_problems),
            };
            entry.snapshot = Some(snapshot.clone());
            entry.failure = None;
            entry.generation += 1;
            Ok(snapshot)
        }
        Err(error) => {
            let failure = BackendError::microceph("cannot observe the MicroCeph cluster", &error);
            entry.failure = Some(Failure {
                text: error_text(&error),
            });
            Err(failure)
        }
    }
}

/// After a write: reads the placement again into the cached observation, or observes everything when there is none.
///
/// A failure is kept for the health checks, not returned: the write itself is done, and the listings say how old their data is.
pub(crate) fn refresh_placement(config: &Config) {
    let cached = entries()
        .get(&config.socket)
        .and_then(|entry| entry.snapshot.clone());
    let Some(cached) = cached else {
        let _ = observe_now(config);
        return;
    };
    let client = config.client();
    let read = block_on(observe_placement(&client, &cached.observation.state));
    let mut entries = entries();
    let entry = entries.entry(config.socket.clone()).or_default();
    match read {
        Ok(Ok(observation)) => {
            let (_, placement_problems) = split_problems(&observation.problems);
            entry.snapshot = Some(Snapshot {
                observation: Arc::new(observation),
                placement_at: SystemTime::now(),
                placement_problems: Arc::new(placement_problems),
                ..cached
            });
            entry.generation += 1;
        }
        Ok(Err(error)) => {
            entry.failure = Some(Failure {
                text: error_text(&error),
            });
        }
        Err(error) => {
            entry.failure = Some(Failure {
                text: error.to_string(),
            });
        }
    }
}

/// Keeps a failure to reach MicroCeph found without observing, such as by a probe.
pub(crate) fn remember_failure(config: &Config, text: String) {
    entries().entry(config.socket.clone()).or_default().failure = Some(Failure { text });
}

/// The last failure to observe the configured socket, if no observation succeeded since.
pub(crate) fn failure(config: &Config) -> Option<Failure> {
    entries()
        .get(&config.socket)
        .and_then(|entry| entry.failure.clone())
}

/// The cached observation, if there is one, without observing.
pub(crate) fn cached(config: &Config) -> Option<Snapshot> {
    entries()
        .get(&config.socket)
        .and_then(|entry| entry.snapshot.clone())
}

/// Keeps the result of an availability probe.
pub(crate) fn remember_probe(config: &Config, probe: Probe) {
    entries().entry(config.socket.clone()).or_default().probe = Some(probe);
}

/// The last availability probe of the configured socket.
pub(crate) fn last_probe(config: &Config) -> Option<Probe> {
    entries()
        .get(&config.socket)
        .and_then(|entry| entry.probe.clone())
}

/// Ceph's maps as last pushed.
pub fn ceph_view() -> Arc<CephView> {
    Arc::clone(&ceph().1)
}

/// The generations of what the listings of the configured socket show: Ceph's maps, and the socket's observation and events; `None` before the first observation.
pub(crate) fn generations(config: &Config) -> Option<(u64, u64)> {
    let ceph_generation = ceph().0;
    let entries = entries();
    let entry = entries.get(&config.socket)?;
    entry.snapshot.as_ref()?;
    Some((ceph_generation, entry.generation))
}

/// Records that something the listings of `socket` show, such as a service's events, changed.
pub(crate) fn touch(socket: &Path) {
    entries().entry(socket.to_owned()).or_default().generation += 1;
}

/// Applies an update of Ceph's maps (see `ceph_maps.rs`); on error the maps stay as they were.
pub fn update_ceph_view(text: &str) -> Result<(), BackendError> {
    let mut view = ceph_view().as_ref().clone();
    ceph_maps::update(&mut view, text)?;
    let mut current = ceph();
    if current.1.as_ref() != &view {
        *current = (current.0 + 1, Arc::new(view));
    }
    Ok(())
}

/// A failed refresh, with the age of the observation listings keep showing.
fn stale(error: BackendError, cached: &Snapshot) -> BackendError {
    let at = ceph_time::utc_text(unix_secs(cached.observed_at.min(cached.placement_at)));
    match error {
        BackendError::MicroCeph {
            kind,
            status,
            message,
        } => BackendError::MicroCeph {
            kind,
            status,
            message: format!(
                "{message}; without --refresh, listings show the state observed at {at}"
            ),
        },
        other => other,
    }
}

/// Problem texts, split into those about block devices and those about placement.
fn split_problems(problems: &[HostProblem]) -> (Vec<String>, Vec<String>) {
    let (devices, placement): (Vec<&HostProblem>, Vec<&HostProblem>) = problems
        .iter()
        .partition(|problem| matches!(problem, HostProblem::Resources { .. }));
    let texts = |problems: Vec<&HostProblem>| -> Vec<String> {
        problems
            .into_iter()
            .map(|problem| error_text(problem))
            .collect()
    };
    (texts(devices), texts(placement))
}

/// What is kept for one socket.
#[derive(Debug, Default)]
struct Entry {
    snapshot: Option<Snapshot>,
    failure: Option<Failure>,
    probe: Option<Probe>,
    /// Moves whenever something the listings of this socket show may have changed.
    generation: u64,
}

/// The per-socket entries; a panic while the lock was held left only whole entries, so a poisoned lock is used as is.
fn entries() -> MutexGuard<'static, BTreeMap<PathBuf, Entry>> {
    static ENTRIES: Mutex<BTreeMap<PathBuf, Entry>> = Mutex::new(BTreeMap::new());
    ENTRIES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Ceph's maps, one set per process: ceph-mgr runs one cluster.
/// Ceph's maps as last pushed, with a generation that moves whenever they change.
fn ceph() -> MutexGuard<'static, (u64, Arc<CephView>)> {
    static CEPH: LazyLock<Mutex<(u64, Arc<CephView>)>> = LazyLock::new(Mutex::default);
    CEPH.lock().unwrap_or_else(PoisonError::into_inner)
}
