//! Applies that run in the background, so that their progress can be shown while MicroCeph works.
//!
//! MicroCeph takes about ten seconds to enable a service on a member, so an apply over several members is long enough to be worth showing in `ceph -s`.
//! [`apply_start`] runs an apply on a thread of its own and returns a job number; the caller asks [`apply_wait`] for news until it gets the result.
//! News is one progress event per service that has MicroCeph calls to make: its id, a message naming what is being done, the fraction of calls answered, and at the end whether it finished or failed.
//! The job thread only runs Rust; the caller turns the news into Ceph's progress events.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};

use crate::apply::{ApplyOptions, apply_tracked};
use crate::config::Config;
use crate::error::BackendError;
use crate::runtime::guarded;

/// Starts an apply (see [`crate::apply`]) in the background and returns its job number.
pub fn apply_start(
    config: Config,
    specs_json: String,
    stored_json: String,
    options: ApplyOptions,
) -> Result<u64, BackendError> {
    let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    let tracker = Arc::new(Tracker {
        state: Mutex::new(JobState::default()),
        changed: Condvar::new(),
    });
    jobs().insert(job, Arc::clone(&tracker));
    let worker = Arc::clone(&tracker);
    std::thread::Builder::new()
        .name(format!("microceph-apply-{job}"))
        .spawn(move || {
            let result = guarded(|| {
                apply_tracked(&config, &specs_json, &stored_json, options, Some(&worker))
            });
            let mut state = worker.lock();
            state.result = Some(result);
            worker.changed.notify_all();
        })
        .map_err(|error| {
            jobs().remove(&job);
            BackendError::Internal(format!("cannot start an apply: {error}"))
        })?;
    Ok(job)
}

/// Waits up to `timeout` for news of job `job`: `{"progress": [...], "result": <apply result> | null}`.
///
/// Each progress item is `{"id", "message", "fraction", "finished": null | "done" | "failed"}`; finished ones are reported once.
/// With the result, the job is forgotten; a failed apply's error is returned as the error.
pub fn apply_wait(job: u64, timeout: Duration) -> Result<String, BackendError> {
    let tracker = jobs()
        .get(&job)
        .cloned()
        .ok_or_else(|| BackendError::InvalidInput(format!("no apply with job number {job}")))?;
    let mut state = tracker.lock();
    if !state.news && state.result.is_none() {
        state = tracker
            .changed
            .wait_timeout(state, timeout)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    state.news = false;
    let progress: Vec<Value> = state
        .services
        .iter()
        .map(|(service_name, service)| service.to_json(job, service_name))
        .collect();
    state
        .services
        .retain(|_, service| service.finished.is_none());
    let result = state.result.take();
    drop(state);
    match result {
        None => Ok(json!({"progress": progress, "result": null}).to_string()),
        Some(result) => {
            jobs().remove(&job);
            Ok(json!({"progress": progress, "result": result?}).to_string())
        }
    }
}

/// What one background apply has done so far.
#[derive(Debug)]
pub(crate) struct Tracker {
    state: Mutex<JobState>,
    changed: Condvar,
}

impl Tracker {
    /// A service starts its MicroCeph calls: `total` of them, described by `message`.
    pub(crate) fn begin(&self, service_name: &str, total: usize, message: String) {
        let mut state = self.lock();
        state.services.insert(
            service_name.to_owned(),
            ServiceProgress {
                message,
                answered: 0,
                total,
                finished: None,
            },
        );
        state.news = true;
        self.changed.notify_all();
    }

    /// MicroCeph answered one call of a service.
    pub(crate) fn answered(&self, service_name: &str) {
        let mut state = self.lock();
        if let Some(service) = state.services.get_mut(service_name) {
            service.answered += 1;
            state.news = true;
            self.changed.notify_all();
        }
    }

    /// A service's calls are over; `failure` says why they failed, if they did.
    pub(crate) fn end(&self, service_name: &str, failure: Option<String>) {
        let mut state = self.lock();
        if let Some(service) = state.services.get_mut(service_name) {
            service.finished = Some(failure.map_or(Finished::Done, Finished::Failed));
            state.news = true;
            self.changed.notify_all();
        }
    }

    fn lock(&self) -> MutexGuard<'_, JobState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The job's news and result.
#[derive(Debug, Default)]
struct JobState {
    services: BTreeMap<String, ServiceProgress>,
    news: bool,
    result: Option<Result<Value, BackendError>>,
}

/// How a service's calls ended.
#[derive(Debug)]
enum Finished {
    /// Every call succeeded.
    Done,
    /// A call failed, for this reason.
    Failed(String),
}

/// One service's progress.
#[derive(Debug)]
struct ServiceProgress {
    message: String,
    answered: usize,
    total: usize,
    finished: Option<Finished>,
}

impl ServiceProgress {
    fn to_json(&self, job: u64, service_name: &str) -> Value {
        #[expect(clippy::cast_precision_loss, reason = "call counts are far below 2^52")]
        let fraction = if self.total == 0 {
            1.0
        } else {
            self.answered as f64 / self.total as f64
        };
        let (finished, message) = match &self.finished {
            None => (Value::Null, self.message.clone()),
            Some(Finished::Done) => (json!("done"), self.message.clone()),
            Some(Finished::Failed(why)) => (json!("failed"), why.clone()),
        };
        json!({
            "id": format!("microceph-apply-{job}-{service_name}"),
            "message": message,
            "fraction": fraction,
            "finished": finished,
        })
    }
}

static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

/// The jobs that have not delivered their result yet.
fn jobs() -> MutexGuard<'static, BTreeMap<u64, Arc<Tracker>>> {
    static JOBS: LazyLock<Mutex<BTreeMap<u64, Arc<Tracker>>>> = LazyLock::new(Mutex::default);
    JOBS.lock().unwrap_or_else(PoisonError::into_inner)
}
