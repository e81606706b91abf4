//! The process-wide tokio runtime, and the guard every entry point runs inside.
//!
//! The runtime is created on first use and reused for the life of the process: two worker threads, enough for a handful of concurrent ceph-mgr threads whose work is waiting on a local socket.
//! Its threads only ever run Rust futures; none of them calls into Python.
//! [`guarded`] turns a panic anywhere inside an entry point, a spawned task's included, into [`BackendError::Internal`], so a bug never unwinds into the caller (in the mgr module, the Python interpreter).

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

use crate::error::BackendError;

/// The runtime's worker threads.
const WORKER_THREADS: usize = 2;

/// Runs `work`, turning a panic into [`BackendError::Internal`].
pub fn guarded<T>(work: impl FnOnce() -> Result<T, BackendError>) -> Result<T, BackendError> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => Err(BackendError::Internal(format!(
            "a bug made the extension panic: {}",
            panic_message(payload.as_ref())
        ))),
    }
}

/// Runs a future to completion on the process-wide runtime.
///
/// Must not be called from inside the runtime; verbs call it from their caller's thread, which in the mgr module has released the GIL.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, BackendError> {
    Ok(runtime()?.block_on(future))
}

/// The runtime, created on first use; an error when it cannot be created.
fn runtime() -> Result<&'static Runtime, BackendError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name("microceph-orch")
                .enable_all()
                .build()
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|error| BackendError::Internal(format!("cannot start the tokio runtime: {error}")))
}

/// The text of a panic payload, which is a `&str` or a `String` for `panic!` with a message.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let result: Result<(), BackendError> = guarded(|| panic!("boom {}", 42));
        assert_eq!(
            result.unwrap_err().to_string(),
            "internal error in the microceph orchestrator module: a bug made the extension panic: boom 42"
        );
        let result: Result<u8, BackendError> = guarded(|| Ok(7));
        assert_eq!(result.unwrap(), 7);
    }

    #[test]
    fn panics_inside_spawned_tasks_are_caught_too() {
        let result: Result<(), BackendError> = guarded(|| {
            block_on(async {
                let task = tokio::spawn(async { panic!("in a task") });
                let error = task.await.expect_err("the task panics");
                std::panic::resume_unwind(error.into_panic());
            })
        });
        assert!(
            result.unwrap_err().to_string().ends_with("in a task"),
            "the task's panic reaches the guard"
        );
    }

    #[test]
    fn the_runtime_is_created_once() {
        assert!(std::ptr::eq(runtime().unwrap(), runtime().unwrap()));
    }
}
