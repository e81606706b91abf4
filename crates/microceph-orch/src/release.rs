//! The Ceph release whose `ceph orch ... --format json` output the command matches, and what that release adds to its objects.
//!
//! Ceph's classes gained fields over the releases, and `to_json()` writes some of them even when they are empty:
//! a device has `ceph_device` (pacific, reef) or `ceph_device_lvm` (tentacle), `crush_device_class` (reef and later) and `being_replaced` (tentacle);
//! a daemon has `pending_daemon_config` (tentacle); an RGW spec has `rgw_exit_timeout_secs` (tentacle).
//! The release is the active mgr's `ceph_release`, from `ceph mgr metadata`; when it is not known (no `ceph`, or another release), none of these fields is written.

use serde_json::{Value, json};

/// A Ceph release the command knows the output of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Release {
    Pacific,
    Reef,
    Tentacle,
    #[default]
    Unknown,
}

impl Release {
    /// The release of a `ceph_release` name.
    pub(crate) fn named(name: &str) -> Self {
        match name {
            "pacific" => Release::Pacific,
            "reef" => Release::Reef,
            "tentacle" => Release::Tentacle,
            _ => Release::Unknown,
        }
    }

    /// The name, for `status`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Release::Pacific => "pacific",
            Release::Reef => "reef",
            Release::Tentacle => "tentacle",
            Release::Unknown => "unknown",
        }
    }

    /// The fields this release's `Device.to_json()` writes beyond those of every release, with the values the mgr module leaves them.
    pub(crate) fn device_fields(self) -> Vec<(&'static str, Value)> {
        match self {
            Release::Pacific => vec![("ceph_device", Value::Null)],
            Release::Reef => vec![
                ("ceph_device", Value::Null),
                ("crush_device_class", Value::Null),
            ],
            Release::Tentacle => vec![
                ("ceph_device_lvm", Value::Null),
                ("crush_device_class", Value::Null),
                ("being_replaced", Value::Null),
            ],
            Release::Unknown => Vec::new(),
        }
    }

    /// The fields this release's `DaemonDescription.to_json()` writes beyond those of every release.
    pub(crate) fn daemon_fields(self) -> Vec<(&'static str, Value)> {
        match self {
            Release::Tentacle => vec![("pending_daemon_config", json!(false))],
            _ => Vec::new(),
        }
    }

    /// The defaults this release's spec class of `service_type` writes under `spec`.
    pub(crate) fn spec_defaults(self, service_type: &str) -> Vec<(&'static str, Value)> {
        match (service_type, self) {
            ("osd", _) => vec![
                ("filter_logic", json!("AND")),
                ("objectstore", json!("bluestore")),
            ],
            ("rgw", Release::Tentacle) => vec![("rgw_exit_timeout_secs", json!(120))],
            _ => Vec::new(),
        }
    }
}
