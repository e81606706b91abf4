//! What the backend last learned, so that listings answer without waiting on anyone.
//!
//! Per MicroCeph socket it keeps the last observation, the last failure to observe, and the last availability probe.
//! The mgr module's `serve()` loop refreshes them every refresh interval; listings read them and observe only when asked to refresh or when nothing was ever observed.
//! When MicroCeph stops answering, the last observation stays and listings keep answering from it, with the time it was made, while the failure is kept for the health checks.
//! A write reads the placed services and OSD disks again afterwards, so the next listing shows what it did.
//!
//! Observations run concurrently (the serve loop, `--refresh` listings, writes), so each takes a ticket when it starts, and one that started before the observation the cache holds never replaces it: a slow read finishing late cannot bring back what a write changed since.
//! The cache is stale when a write changed, or may have changed, the placement after the cached observation was made and that could not be read back: the re-read failed, or a call's outcome is unknown (it timed out, or its answer was lost or unreadable).
//! While it is stale, the listing token is `None`, so no listing built earlier is answered again; the next plain listing observes again, and if MicroCeph still does not answer, listings answer from the cached observation, whose age REFRESHED shows, until an observation that started after the write succeeds (the serve loop makes one every refresh interval).
//!
//! Process-wide it keeps Ceph's maps ([`CephView`]), which the mgr module pushes whenever ceph-mgr tells it they changed.
//! Everything here is Rust values only, never Python objects, behind locks held for no longer than a copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use microceph_client::{
    CallError, Error as ClientError, ExecutionReport, HostProblem, Observation, observe,
    observe_placement,
};
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
    /// The ticket of the attempt that failed.
    ticket: u64,
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
/// A stale cache (see the top of this file) is observed again once by the next plain listing; if that fails, the cached observation is answered.
pub(crate) fn snapshot(config: &Config, refresh: bool) -> Result<Snapshot, BackendError> {
    let (cached, reobserve) = {
        let mut entries = entries();
        match entries.get_mut(&config.socket) {
            Some(entry) => {
                let reobserve = entry
                    .stale
                    .as_mut()
                    .is_some_and(|stale| std::mem::replace(&mut stale.reobserve, false));
                (entry.snapshot.clone(), reobserve)
            }
            None => (None, false),
        }
    };
    match (refresh, cached) {
        (false, Some(cached)) if reobserve => Ok(observe_now(config).unwrap_or(cached)),
        (false, Some(cached)) => Ok(cached),
        (true, Some(cached)) => observe_now(config).map_err(|error| stale(error, &cached)),
        (_, None) => observe_now(config),
    }
}

/// Observes the cluster now and caches the result, or keeps the failure.
///
/// The observation is returned even when a later one was cached meanwhile; it is then not cached.
pub(crate) fn observe_now(config: &Config) -> Result<Snapshot, BackendError> {
    let client = config.client();
    let ticket = next_ticket();
    let started = SystemTime::now();
    let observed = block_on(observe(&client))?;
    let mut entries = entries();
    let entry = entries.entry(config.socket.clone()).or_default();
    match observed {
        Ok(observation) => {
            let (device_problems, placement_problems) = split_problems(&observation.problems);
            let snapshot = Snapshot {
                observation: Arc::new(observation),
                observed_at: started,
                placement_at: started,
                device_problems: Arc::new(device_problems),
                placement_problems: Arc::new(placement_problems),
            };
            entry.install(ticket, snapshot.clone());
            Ok(snapshot)
        }
        Err(error) => {
            entry.fail(ticket, error_text(&error));
            Err(BackendError::microceph(
                "cannot observe the MicroCeph cluster",
                &error,
            ))
        }
    }
}

/// After a write's calls: reads the placement again (see [`refresh_placement`]), and marks the cache stale when a call's outcome is unknown.
pub(crate) fn after_write(config: &Config, report: &ExecutionReport) {
    refresh_placement(config);
    if report.failed().any(|(_, error)| outcome_unknown(error)) {
        mark_stale(config);
    }
}

/// After a write: reads the placement again into the cached observation, or observes everything when there is none.
///
/// A failure is kept for the health checks and marks the cache stale, but is not returned: the write itself is done, and the listings say how old their data is.
pub(crate) fn refresh_placement(config: &Config) {
    let cached = entries()
        .get(&config.socket)
        .and_then(|entry| entry.snapshot.clone());
    let Some(cached) = cached else {
        let _ = observe_now(config);
        return;
    };
    let client = config.client();
    let ticket = next_ticket();
    let started = SystemTime::now();
    let read = block_on(observe_placement(&client, &cached.observation.state));
    let failure = {
        let mut entries = entries();
        let entry = entries.entry(config.socket.clone()).or_default();
        let failure = match read {
            Ok(Ok(observation)) => {
                let (_, placement_problems) = split_problems(&observation.problems);
                // The members and block devices are the cached ones, of whichever observation is cached now.
                let base = entry.snapshot.clone().unwrap_or(cached);
                entry.install(
                    ticket,
                    Snapshot {
                        observation: Arc::new(observation),
                        placement_at: started,
                        placement_problems: Arc::new(placement_problems),
                        ..base
                    },
                );
                None
            }
            Ok(Err(error)) => Some(error_text(&error)),
            Err(error) => Some(error.to_string()),
        };
        if let Some(text) = &failure {
            entry.fail(ticket, text.clone());
        }
        failure
    };
    if failure.is_some() {
        mark_stale(config);
    }
}

/// Marks the cache of the configured socket stale: a write may have changed what it shows (see the top of this file).
pub(crate) fn mark_stale(config: &Config) {
    let ticket = next_ticket();
    let mut entries = entries();
    let entry = entries.entry(config.socket.clone()).or_default();
    entry.stale = Some(Stale {
        ticket,
        reobserve: true,
    });
    entry.generation += 1;
}

/// Whether the cache of the configured socket is stale (see the top of this file).
pub(crate) fn is_stale(config: &Config) -> bool {
    entries()
        .get(&config.socket)
        .is_some_and(|entry| entry.stale.is_some())
}

/// Keeps a failure to reach MicroCeph found without observing, such as by a probe.
pub(crate) fn remember_failure(config: &Config, text: String) {
    let ticket = next_ticket();
    entries()
        .entry(config.socket.clone())
        .or_default()
        .fail(ticket, text);
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

/// Whether a failed call may still have changed something: it timed out, or its answer was lost or unreadable.
fn outcome_unknown(error: &CallError) -> bool {
    matches!(
        error,
        CallError::MicroCeph(
            ClientError::Timeout { .. }
                | ClientError::Transport { .. }
                | ClientError::ResponseBody { .. }
                | ClientError::Decode { .. }
        )
    )
}

/// The next ticket: observations are numbered in the order they start.
fn next_ticket() -> u64 {
    static TICKETS: AtomicU64 = AtomicU64::new(1);
    TICKETS.fetch_add(1, Ordering::Relaxed)
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
    /// Set while a write may have changed the placement since the snapshot was read.
    stale: Option<Stale>,
    /// The ticket of the observation the snapshot's placement comes from.
    installed: u64,
    /// Moves whenever something the listings of this socket show may have changed.
    generation: u64,
}

/// A write that may have changed the placement after the snapshot was read.
#[derive(Debug, Clone, Copy)]
struct Stale {
    /// Taken after the write's calls: an observation with a later ticket shows what they did.
    ticket: u64,
    /// Whether the next plain listing should observe again.
    reobserve: bool,
}

impl Entry {
    /// Caches an observation (or a placement read) that started with `ticket`, unless one that started later is cached already.
    fn install(&mut self, ticket: u64, snapshot: Snapshot) {
        if ticket < self.installed {
            return;
        }
        self.snapshot = Some(snapshot);
        self.installed = ticket;
        self.generation += 1;
        if self
            .failure
            .as_ref()
            .is_some_and(|failure| failure.ticket < ticket)
        {
            self.failure = None;
        }
        if self.stale.is_some_and(|stale| stale.ticket < ticket) {
            self.stale = None;
        }
    }

    /// Keeps the failure of an attempt that started with `ticket`, unless an observation that started later is cached already.
    fn fail(&mut self, ticket: u64, text: String) {
        if ticket < self.installed {
            return;
        }
        self.failure = Some(Failure { text, ticket });
    }
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
