//! The Python face of the extension: module-level functions over plain strings and builtins, and its exception classes.
//!
//! Every function copies its arguments into Rust values, releases the GIL with `py.detach`, and runs its work inside [`guarded`], so no Python object is held while waiting on MicroCeph and no panic reaches the interpreter.
//! Results are `str` (JSON text), `bool` or tuples of them; no Rust object is ever handed to Python.
//! Errors leave through the one conversion `py_error` below, as one of the exception classes of `microceph._native`, each raised with `(message, errno)`.
//! The shim's `_native_bridge.py` is the only Python code that sees these classes: it turns them into Ceph's orchestrator errors.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use orch_backend::{
    self as backend, ApplyOptions, BackendError, Config, DaemonFilter, guarded, seconds,
};

create_exception!(
    microceph._native,
    MicroCephError,
    PyException,
    "Base of every error the extension raises; args are (message, errno)."
);
create_exception!(
    microceph._native,
    MicroCephInvalidInput,
    MicroCephError,
    "An argument is malformed or a spec field has the wrong type."
);
create_exception!(
    microceph._native,
    MicroCephUnsatisfiable,
    MicroCephError,
    "The request cannot be satisfied; nothing was changed."
);
create_exception!(
    microceph._native,
    MicroCephRequestError,
    MicroCephError,
    "A request to MicroCeph failed outside plan execution; the message keeps MicroCeph's text."
);
create_exception!(
    microceph._native,
    MicroCephExecutionFailed,
    MicroCephError,
    "Executing a plan failed on some hosts; the message names what failed and what changed."
);
create_exception!(
    microceph._native,
    MicroCephUnsupported,
    MicroCephError,
    "The operation is not offered by this orchestrator; the message names the microceph command to use."
);
create_exception!(
    microceph._native,
    MicroCephInternalError,
    MicroCephError,
    "A bug in the extension, such as a caught panic."
);

/// The one conversion of a Rust error into a Python exception.
fn py_error(error: &BackendError) -> PyErr {
    let args = (error.to_string(), error.errno());
    match error {
        BackendError::InvalidInput(_) => MicroCephInvalidInput::new_err(args),
        BackendError::Unsatisfiable(_) => MicroCephUnsatisfiable::new_err(args),
        BackendError::MicroCeph { .. } => MicroCephRequestError::new_err(args),
        BackendError::Failed { .. } | BackendError::NotConfirmed(_) => {
            MicroCephExecutionFailed::new_err(args)
        }
        BackendError::Unsupported(_) => MicroCephUnsupported::new_err(args),
        BackendError::Internal(_) => MicroCephInternalError::new_err(args),
    }
}

/// Runs `work` without the GIL and with panics caught.
fn run<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, BackendError> + Send,
) -> PyResult<T> {
    py.detach(|| guarded(work))
        .map_err(|error| py_error(&error))
}

/// The configuration and a probe's timeout in seconds, read.
fn with_probe_timeout(
    config: &str,
    timeout_secs: f64,
) -> Result<(Config, std::time::Duration), BackendError> {
    let config = Config::from_json(config)?;
    let timeout = seconds("timeout_secs", Some(timeout_secs), config.timeouts.read)?;
    Ok((config, timeout))
}

/// Whether MicroCeph answers `GET /core/1.0` within `timeout_secs` and is ready; the text says why not.
#[pyfunction]
fn probe(py: Python<'_>, config: String, timeout_secs: f64) -> PyResult<(bool, String)> {
    run(py, move || {
        let (config, timeout) = with_probe_timeout(&config, timeout_secs)?;
        backend::probe(&config, timeout)
    })
}

/// Whether MicroCeph is available, from the last probe; probes only when there was none.
#[pyfunction]
fn available(py: Python<'_>, config: String, timeout_secs: f64) -> PyResult<(bool, String)> {
    run(py, move || {
        let (config, timeout) = with_probe_timeout(&config, timeout_secs)?;
        backend::available(&config, timeout)
    })
}

/// One pass of `serve()`: JSON `{"health", "problems"}`.
#[pyfunction]
fn serve_tick(
    py: Python<'_>,
    config: String,
    stored_specs: String,
    timeout_secs: f64,
) -> PyResult<String> {
    run(py, move || {
        let (config, timeout) = with_probe_timeout(&config, timeout_secs)?;
        backend::serve_tick(&config, &stored_specs, timeout, &backend::ceph_view())
    })
}

/// The parts of Ceph's maps to read again on the notification `notify_type` (`all` for every part).
#[pyfunction]
fn ceph_map_parts(notify_type: &str) -> Vec<&'static str> {
    backend::ceph_map_parts_for(notify_type).to_vec()
}

/// Takes Ceph's maps, a JSON object of the parts read (see `ceph_map_parts`).
#[pyfunction]
fn update_ceph_maps(py: Python<'_>, parts: String) -> PyResult<()> {
    run(py, move || backend::update_ceph_view(&parts))
}

/// The token of what a listing would show now (see `orch_backend::listing_token`), or `None` before the first observation.
#[pyfunction]
fn listing_token(py: Python<'_>, config: String, stored_specs: String) -> PyResult<Option<String>> {
    run(py, move || {
        Ok(backend::listing_token(
            &Config::from_json(&config)?,
            &stored_specs,
        ))
    })
}

/// `orch host ls` as a JSON listing.
#[pyfunction]
#[pyo3(signature = (config, refresh = false))]
fn list_hosts(py: Python<'_>, config: String, refresh: bool) -> PyResult<String> {
    run(py, move || {
        backend::hosts(&Config::from_json(&config)?, refresh)
    })
}

/// `orch ls` as a JSON listing.
#[pyfunction]
#[pyo3(signature = (config, stored_specs, service_type = None, service_name = None, refresh = false))]
fn describe_services(
    py: Python<'_>,
    config: String,
    stored_specs: String,
    service_type: Option<String>,
    service_name: Option<String>,
    refresh: bool,
) -> PyResult<String> {
    run(py, move || {
        backend::services(
            &Config::from_json(&config)?,
            &stored_specs,
            service_type.as_deref(),
            service_name.as_deref(),
            refresh,
            &backend::ceph_view(),
        )
    })
}

/// `orch ps` as a JSON listing.
#[pyfunction]
#[pyo3(signature = (config, stored_specs, service_name = None, daemon_type = None, daemon_id = None, host = None, refresh = false))]
#[expect(
    clippy::too_many_arguments,
    reason = "the arguments mirror Ceph's list_daemons filters one for one"
)]
fn list_daemons(
    py: Python<'_>,
    config: String,
    stored_specs: String,
    service_name: Option<String>,
    daemon_type: Option<String>,
    daemon_id: Option<String>,
    host: Option<String>,
    refresh: bool,
) -> PyResult<String> {
    let filter = DaemonFilter {
        service_name,
        daemon_type,
        daemon_id,
        host,
    };
    run(py, move || {
        backend::daemons(
            &Config::from_json(&config)?,
            &stored_specs,
            &filter,
            refresh,
            &backend::ceph_view(),
        )
    })
}

/// `orch device ls` as a JSON listing, optionally only for the given hosts or labels.
#[pyfunction]
#[pyo3(signature = (config, hosts = None, labels = None, refresh = false))]
fn inventory(
    py: Python<'_>,
    config: String,
    hosts: Option<Vec<String>>,
    labels: Option<Vec<String>>,
    refresh: bool,
) -> PyResult<String> {
    run(py, move || {
        backend::inventory(
            &Config::from_json(&config)?,
            hosts.as_deref(),
            labels.as_deref(),
            refresh,
        )
    })
}

/// `orch apply`: JSON `{"results", "store", "failure"}`; see `orch-backend`'s `apply.rs`.
#[pyfunction]
fn apply(
    py: Python<'_>,
    config: String,
    specs: String,
    stored_specs: String,
    options: String,
) -> PyResult<String> {
    run(py, move || {
        backend::apply(
            &Config::from_json(&config)?,
            &specs,
            &stored_specs,
            ApplyOptions::from_json(&options)?,
        )
    })
}

/// Starts `orch apply` in the background and returns its job number; see `apply_wait`.
#[pyfunction]
fn apply_start(
    py: Python<'_>,
    config: String,
    specs: String,
    stored_specs: String,
    options: String,
) -> PyResult<u64> {
    run(py, move || {
        backend::apply_start(
            Config::from_json(&config)?,
            specs,
            stored_specs,
            ApplyOptions::from_json(&options)?,
        )
    })
}

/// Waits up to `timeout_secs` for news of a background apply: JSON `{"progress", "result"}`.
#[pyfunction]
fn apply_wait(py: Python<'_>, job: u64, timeout_secs: f64) -> PyResult<String> {
    run(py, move || {
        let timeout = seconds(
            "timeout_secs",
            Some(timeout_secs),
            std::time::Duration::from_secs(1),
        )?;
        backend::apply_wait(job, timeout)
    })
}

/// `orch apply --dry-run`: the JSON items of Ceph's preview table.
#[pyfunction]
fn plan(py: Python<'_>, config: String, specs: String, stored_specs: String) -> PyResult<String> {
    run(py, move || {
        backend::preview(&Config::from_json(&config)?, &specs, &stored_specs)
    })
}

/// `orch rm`: JSON `{"result", "forget"}`.
#[pyfunction]
fn remove(
    py: Python<'_>,
    config: String,
    service_name: String,
    stored_specs: String,
    force: bool,
) -> PyResult<String> {
    run(py, move || {
        backend::remove(
            &Config::from_json(&config)?,
            &service_name,
            &stored_specs,
            force,
        )
    })
}

/// `orch <action> <service_name>`: a JSON list of result lines.
#[pyfunction]
fn service_action(
    py: Python<'_>,
    config: String,
    action: String,
    service_name: String,
) -> PyResult<String> {
    run(py, move || {
        backend::service_action(
            &Config::from_json(&config)?,
            &action,
            &service_name,
            &backend::ceph_view(),
        )
    })
}

/// `orch daemon <action> <daemon_name>`: the result line.
#[pyfunction]
fn daemon_action(
    py: Python<'_>,
    config: String,
    action: String,
    daemon_name: String,
) -> PyResult<String> {
    run(py, move || {
        backend::daemon_action(
            &Config::from_json(&config)?,
            &action,
            &daemon_name,
            &backend::ceph_view(),
        )
    })
}

/// Checks a pending restart confirmation against Ceph's maps as last pushed: JSON `{"lines"}` or a new pending one.
#[pyfunction]
fn confirm_restart(py: Python<'_>, pending: String) -> PyResult<String> {
    run(py, move || {
        backend::confirm_restart(&pending, &backend::ceph_view())
    })
}

/// Raises `MicroCephUnsupported` for an operation this orchestrator does not offer.
#[pyfunction]
fn refuse(py: Python<'_>, operation: String, subject: String) -> PyResult<()> {
    run(py, move || Err(backend::refusal(&operation, &subject)))
}

/// The `microceph._native` module.
#[pymodule]
#[pyo3(name = "_native")]
pub(crate) fn native_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    for function in [
        wrap_pyfunction!(probe, module)?,
        wrap_pyfunction!(available, module)?,
        wrap_pyfunction!(serve_tick, module)?,
        wrap_pyfunction!(ceph_map_parts, module)?,
        wrap_pyfunction!(update_ceph_maps, module)?,
        wrap_pyfunction!(listing_token, module)?,
        wrap_pyfunction!(list_hosts, module)?,
        wrap_pyfunction!(describe_services, module)?,
        wrap_pyfunction!(list_daemons, module)?,
        wrap_pyfunction!(inventory, module)?,
        wrap_pyfunction!(apply, module)?,
        wrap_pyfunction!(apply_start, module)?,
        wrap_pyfunction!(apply_wait, module)?,
        wrap_pyfunction!(plan, module)?,
        wrap_pyfunction!(remove, module)?,
        wrap_pyfunction!(service_action, module)?,
        wrap_pyfunction!(daemon_action, module)?,
        wrap_pyfunction!(confirm_restart, module)?,
        wrap_pyfunction!(refuse, module)?,
    ] {
        module.add_function(function)?;
    }
    module.add("MicroCephError", py.get_type::<MicroCephError>())?;
    module.add(
        "MicroCephInvalidInput",
        py.get_type::<MicroCephInvalidInput>(),
    )?;
    module.add(
        "MicroCephUnsatisfiable",
        py.get_type::<MicroCephUnsatisfiable>(),
    )?;
    module.add(
        "MicroCephRequestError",
        py.get_type::<MicroCephRequestError>(),
    )?;
    module.add(
        "MicroCephExecutionFailed",
        py.get_type::<MicroCephExecutionFailed>(),
    )?;
    module.add(
        "MicroCephUnsupported",
        py.get_type::<MicroCephUnsupported>(),
    )?;
    module.add(
        "MicroCephInternalError",
        py.get_type::<MicroCephInternalError>(),
    )?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `work` as an entry point does and checks the exception it raises: its class, message and errno.
    fn check(work: impl FnOnce() -> Result<(), BackendError> + Send, expected: (&str, &str, i32)) {
        Python::initialize();
        Python::attach(|py| {
            let error = run(py, work).expect_err("the entry point fails");
            assert!(error.is_instance_of::<MicroCephError>(py));
            let class = error.get_type(py).name().unwrap().to_string();
            let (message, code): (String, i32) =
                error.value(py).getattr("args").unwrap().extract().unwrap();
            assert_eq!((class.as_str(), message.as_str(), code), expected);
        });
    }

    #[test]
    fn a_panic_inside_an_entry_point_is_raised_as_an_internal_error() {
        check(
            || panic!("boom"),
            (
                "MicroCephInternalError",
                "internal error in the microceph orchestrator module: a bug made the extension panic: boom",
                5,
            ),
        );
    }
}
