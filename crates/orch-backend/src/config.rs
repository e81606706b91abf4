//! The per-call configuration the Python shim passes as JSON, and the client built from it.
//!
//! The shim reads its `MODULE_OPTIONS` and passes them on every call as `{"socket": str, "read_timeout": secs, "write_timeout": secs, "restart_timeout": secs, "refresh_interval": secs, "restart_confirm_timeout": secs, "max_parallel_hosts": int}`.
//! Every key is optional: a missing key takes the client's default (the snap's socket, 15 s reads, 130 s enables and disables, 480 s restarts, 16 hosts at once), 60 s between refreshes, or 60 s for Ceph to show restarted daemons back.
//! Nothing is kept between calls except the observation cache, keyed by socket path, so a changed option takes effect on the next call.

use std::path::PathBuf;
use std::time::Duration;

use microceph_client::{Client, Timeouts};
use serde::Deserialize;

use crate::error::BackendError;

/// The refresh interval used when the shim gives none.
const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_mins(1);

/// How long Ceph may take to show restarted daemons back, when the shim gives no bound.
const DEFAULT_RESTART_CONFIRM_TIMEOUT: Duration = Duration::from_mins(1);

/// The longest timeout or interval accepted: one day.
const MAX_SECONDS: f64 = 86_400.0;

/// The most hosts acted on at once that the configuration accepts.
const MAX_PARALLEL_HOSTS: u64 = 1024;

/// Where MicroCeph is and how long to wait for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The MicroCeph daemon's control socket.
    pub socket: PathBuf,
    /// The client's per-request timeouts.
    pub timeouts: Timeouts,
    /// How often the shim's `serve()` loop refreshes the observation.
    pub refresh_interval: Duration,
    /// How long, after MicroCeph restarted daemons, Ceph's maps may take to show them back.
    pub restart_confirm_timeout: Duration,
    /// How many hosts a refresh, apply, rm or restart acts on at once.
    pub max_parallel_hosts: usize,
}

/// The JSON shape of [`Config`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigJson {
    socket: Option<String>,
    read_timeout: Option<f64>,
    write_timeout: Option<f64>,
    restart_timeout: Option<f64>,
    refresh_interval: Option<f64>,
    restart_confirm_timeout: Option<f64>,
    max_parallel_hosts: Option<serde_json::Value>,
}

impl Config {
    /// Reads the shim's JSON configuration.
    pub fn from_json(text: &str) -> Result<Self, BackendError> {
        let json: ConfigJson = serde_json::from_str(text).map_err(|error| {
            BackendError::InvalidInput(format!("invalid microceph module configuration: {error}"))
        })?;
        let defaults = Timeouts::default();
        let socket = match json.socket {
            Some(socket) if socket.is_empty() => {
                return Err(BackendError::InvalidInput(
                    "invalid microceph module configuration: socket is empty; give the path of MicroCeph's control socket".to_owned(),
                ));
            }
            Some(socket) => PathBuf::from(socket),
            None => PathBuf::from(Client::DEFAULT_SOCKET_PATH),
        };
        Ok(Config {
            socket,
            timeouts: Timeouts {
                read: seconds("read_timeout", json.read_timeout, defaults.read)?,
                enable_disable: seconds(
                    "write_timeout",
                    json.write_timeout,
                    defaults.enable_disable,
                )?,
                restart: seconds("restart_timeout", json.restart_timeout, defaults.restart)?,
            },
            refresh_interval: seconds(
                "refresh_interval",
                json.refresh_interval,
                DEFAULT_REFRESH_INTERVAL,
            )?,
            restart_confirm_timeout: seconds(
                "restart_confirm_timeout",
                json.restart_confirm_timeout,
                DEFAULT_RESTART_CONFIRM_TIMEOUT,
            )?,
            max_parallel_hosts: parallel_hosts(json.max_parallel_hosts.as_ref())?,
        })
    }

    /// A client for the configured socket with the configured timeouts.
    pub fn client(&self) -> Client {
        Client::unix(&self.socket)
            .with_timeouts(self.timeouts)
            .with_host_concurrency(self.max_parallel_hosts)
    }

    /// A client for the configured socket whose reads give up after `timeout`, for probes.
    pub fn probe_client(&self, timeout: Duration) -> Client {
        self.client().with_timeouts(Timeouts {
            read: timeout,
            ..self.timeouts
        })
    }
}

/// Reads `max_parallel_hosts`, a whole number from 1 to [`MAX_PARALLEL_HOSTS`].
fn parallel_hosts(value: Option<&serde_json::Value>) -> Result<usize, BackendError> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(Client::DEFAULT_HOST_CONCURRENCY);
    };
    match value.as_u64() {
        Some(hosts @ 1..=MAX_PARALLEL_HOSTS) => {
            Ok(usize::try_from(hosts).expect("at most 1024 fits in usize"))
        }
        _ => Err(BackendError::InvalidInput(format!(
            "invalid microceph module configuration: max_parallel_hosts is {value}; give a whole number of hosts from 1 to {MAX_PARALLEL_HOSTS}"
        ))),
    }
}

/// Reads a duration in seconds, which must be positive and at most a day.
pub fn seconds(
    name: &str,
    value: Option<f64>,
    default: Duration,
) -> Result<Duration, BackendError> {
    match value {
        None => Ok(default),
        Some(value) if value.is_finite() && value > 0.0 && value <= MAX_SECONDS => {
            Ok(Duration::from_secs_f64(value))
        }
        Some(value) => Err(BackendError::InvalidInput(format!(
            "invalid microceph module configuration: {name} is {value}; give a number of seconds above 0 and at most {MAX_SECONDS}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        let shown = match Config::from_json(text) {
            Ok(config) => format!(
                "{} read={:?} write={:?} restart={:?} refresh={:?} hosts={}",
                config.socket.display(),
                config.timeouts.read,
                config.timeouts.enable_disable,
                config.timeouts.restart,
                config.refresh_interval,
                config.max_parallel_hosts
            ),
            Err(error) => format!("error: {error}"),
        };
        assert_eq!(shown, expected, "config {text}");
    }

    #[test]
    fn reads_options_and_defaults() {
        check(
            "{}",
            "/var/snap/microceph/common/state/control.socket read=15s write=130s restart=480s refresh=60s hosts=16",
        );
        check(
            r#"{"socket": "/tmp/x.sock", "read_timeout": 2.5, "write_timeout": 30, "restart_timeout": 60, "refresh_interval": 5, "max_parallel_hosts": 4}"#,
            "/tmp/x.sock read=2.5s write=30s restart=60s refresh=5s hosts=4",
        );
        check(
            r#"{"socket": null, "read_timeout": null}"#,
            "/var/snap/microceph/common/state/control.socket read=15s write=130s restart=480s refresh=60s hosts=16",
        );
    }

    #[test]
    fn refuses_unusable_values() {
        check(
            r#"{"read_timeout": 0}"#,
            "error: invalid microceph module configuration: read_timeout is 0; give a number of seconds above 0 and at most 86400",
        );
        check(
            r#"{"socket": ""}"#,
            "error: invalid microceph module configuration: socket is empty; give the path of MicroCeph's control socket",
        );
        check(
            r#"{"sockt": "/x"}"#,
            "error: invalid microceph module configuration: unknown field `sockt`, expected one of `socket`, `read_timeout`, `write_timeout`, `restart_timeout`, `refresh_interval`, `restart_confirm_timeout`, `max_parallel_hosts` at line 1 column 8",
        );
        for hosts in ["0", "1025", "2.5", "-1", "\"8\""] {
            check(
                &format!(r#"{{"max_parallel_hosts": {hosts}}}"#),
                &format!(
                    "error: invalid microceph module configuration: max_parallel_hosts is {hosts}; give a whole number of hosts from 1 to 1024"
                ),
            );
        }
    }
}
