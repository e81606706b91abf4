//! Ceph's side, read and written with the `ceph` command: its maps, the specs the mgr module stores, and storing an applied spec.
//!
//! The maps come from nine commands run at once, each `--format json` and each with the timeout: `quorum_status`, `mgr dump`, `fs dump`, `service dump`, `osd dump` and `mon`, `mgr`, `osd` and `mds metadata`.
//! They are handed to the backend as the parts `mon_status`, `mgr_map`, `fs_map`, `service_map`, `osd_map` and `daemon_metadata` (`{"<type>": {"<name or id>": <metadata>}}`), one part at a time, so a command that fails or prints something unreadable leaves out its part only.
//! The stored specs are the values of `ceph config-key dump mgr/microceph/spec.`, which is where the mgr module's store keeps them, and an applied spec is stored with `ceph config-key set mgr/microceph/spec.<service_name> <spec JSON>`.

use std::thread;
use std::time::Duration;

use orch_core::CephView;
use serde_json::{Map, Value, json};

use crate::process;
use crate::pyjson;
use crate::release::Release;

/// Where the mgr module's store keeps the applied specs, as `ceph config-key` names them.
pub(crate) const SPEC_PREFIX: &str = "mgr/microceph/spec.";

/// The commands that read Ceph's maps, each with the part it gives.
const MAP_COMMANDS: [(&str, &[&str]); 5] = [
    ("mon_status", &["quorum_status"]),
    ("mgr_map", &["mgr", "dump"]),
    ("fs_map", &["fs", "dump"]),
    ("service_map", &["service", "dump"]),
    ("osd_map", &["osd", "dump"]),
];

/// The daemon types whose metadata is read, each with the field that names a daemon in `ceph <type> metadata`.
const METADATA_TYPES: [(&str, &str); 4] = [
    ("mon", "name"),
    ("mgr", "name"),
    ("osd", "id"),
    ("mds", "name"),
];

/// What to read of Ceph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// The maps and every daemon's metadata.
    pub maps: bool,
    /// The active mgr's release, without the other maps.
    pub release: bool,
    /// The stored specs.
    pub specs: bool,
}

impl Wanted {
    /// Everything: for `status`, `ls` and `ps`.
    pub(crate) const LISTINGS: Wanted = Wanted {
        maps: true,
        release: true,
        specs: true,
    };
    /// The stored specs only: for `plan apply` and `apply`.
    pub(crate) const SPECS: Wanted = Wanted {
        maps: false,
        release: false,
        specs: true,
    };
    /// The release only: for the JSON of `devices`.
    pub(crate) const RELEASE: Wanted = Wanted {
        maps: false,
        release: true,
        specs: false,
    };
}

/// The `ceph` program and how long each of its commands may take.
#[derive(Debug, Clone)]
pub(crate) struct Ceph {
    program: String,
    timeout: Duration,
}

/// What was read of Ceph.
#[derive(Debug, Clone, Default)]
pub(crate) struct CephSide {
    /// The maps, as far as they were read.
    pub view: CephView,
    /// The commands that were read, as `ceph ...` without `--format json`.
    pub read: Vec<String>,
    /// The commands that could not be read, each with why.
    pub unread: Vec<(String, String)>,
    /// The stored specs, or why they could not be read; `None` when they were not asked for.
    pub stored: Option<Result<Vec<Value>, String>>,
    /// Stored entries that are not JSON and were left out, one sentence each.
    pub unreadable_specs: Vec<String>,
    /// The release of the active mgr.
    pub release: Release,
}

impl Ceph {
    pub(crate) fn new(program: String, timeout: Duration) -> Self {
        Ceph { program, timeout }
    }

    /// The program, for messages.
    pub(crate) fn program(&self) -> &str {
        &self.program
    }

    /// Reads what is wanted, all commands at once.
    pub(crate) fn read(&self, wanted: Wanted) -> CephSide {
        let mut commands: Vec<Vec<&str>> = Vec::new();
        if wanted.maps {
            commands.extend(MAP_COMMANDS.iter().map(|(_, args)| args.to_vec()));
            commands.extend(
                METADATA_TYPES
                    .iter()
                    .map(|(daemon_type, _)| vec![*daemon_type, "metadata"]),
            );
        } else if wanted.release {
            commands.extend([vec!["mgr", "dump"], vec!["mgr", "metadata"]]);
        }
        if wanted.specs {
            commands.push(vec!["config-key", "dump", SPEC_PREFIX]);
        }
        let outputs: Vec<(String, Result<Value, String>)> = thread::scope(|scope| {
            let running: Vec<_> = commands
                .iter()
                .map(|args| scope.spawn(move || (args.join(" "), self.json(args))))
                .collect();
            running
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        (String::new(), Err("the reading thread panicked".to_owned()))
                    })
                })
                .collect()
        });
        let mut side = CephSide::default();
        let mut metadata = Map::new();
        for (command, output) in outputs {
            let value = match output {
                Ok(value) => value,
                Err(reason) => {
                    if command.starts_with("config-key") {
                        side.stored = Some(Err(reason));
                    } else {
                        side.unread.push((command, reason));
                    }
                    continue;
                }
            };
            if command.starts_with("config-key") {
                side.stored = Some(Ok(stored_specs(&value, &mut side.unreadable_specs)));
                continue;
            }
            if let Some((daemon_type, _)) = command.split_once(" metadata") {
                match by_name(daemon_type, &value) {
                    Some(daemons) => {
                        metadata.insert(daemon_type.to_owned(), Value::Object(daemons));
                        side.read.push(command);
                    }
                    None => side
                        .unread
                        .push((command, "it did not print a list of daemons".to_owned())),
                }
                continue;
            }
            let part = MAP_COMMANDS
                .iter()
                .find(|(_, args)| args.join(" ") == command)
                .map_or("", |(part, _)| *part);
            side.apply(part, &value, command);
        }
        if !metadata.is_empty() {
            side.release = active_release(&Value::Object(metadata.clone()), &side);
            let mut view = side.view.clone();
            match orch_backend::update_ceph_maps(
                &mut view,
                &json!({"daemon_metadata": metadata}).to_string(),
            ) {
                Ok(()) => side.view = view,
                Err(error) => side
                    .unread
                    .push(("daemon metadata".to_owned(), error.to_string())),
            }
        }
        side
    }

    /// Stores an applied spec where the mgr module keeps it.
    pub(crate) fn store(&self, service_name: &str, spec: &Value) -> Result<(), String> {
        let key = format!("{SPEC_PREFIX}{service_name}");
        process::run(
            &self.program,
            &["config-key", "set", &key, &pyjson::dumps(spec)],
            self.timeout,
        )
        .map(|_| ())
    }

    /// Runs `ceph <args> --format json` and reads its output.
    fn json(&self, args: &[&str]) -> Result<Value, String> {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let output = process::run(&self.program, &args, self.timeout)?;
        serde_json::from_str(&output).map_err(|error| format!("its output is not JSON: {error}"))
    }
}

impl CephSide {
    /// Hands one part to the backend; a part it cannot read is unread, with the backend's reason.
    fn apply(&mut self, part: &str, value: &Value, command: String) {
        let mut view = self.view.clone();
        match orch_backend::update_ceph_maps(&mut view, &json!({ part: value }).to_string()) {
            Ok(()) => {
                self.view = view;
                self.read.push(command);
            }
            Err(error) => self.unread.push((command, error.to_string())),
        }
    }

    /// The commands that could not be read, grouped by the reason, in the order they were run: `ceph` that cannot connect fails every command the same way.
    pub(crate) fn unread_by_reason(&self) -> Vec<(Vec<&str>, &str)> {
        let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
        for (command, reason) in &self.unread {
            match groups
                .iter_mut()
                .find(|(_, known)| *known == reason.as_str())
            {
                Some((commands, _)) => commands.push(command),
                None => groups.push((vec![command.as_str()], reason.as_str())),
            }
        }
        groups
    }

    /// The stored specs as the JSON array the backend takes: none when they could not be read.
    pub(crate) fn stored_json(&self) -> String {
        match &self.stored {
            Some(Ok(specs)) => Value::Array(specs.clone()).to_string(),
            _ => "[]".to_owned(),
        }
    }
}

/// The values of `config-key dump`, by key; a value that is not JSON is left out with a note.
fn stored_specs(dump: &Value, unreadable: &mut Vec<String>) -> Vec<Value> {
    let Value::Object(entries) = dump else {
        unreadable.push("config-key dump did not print an object of keys".to_owned());
        return Vec::new();
    };
    let mut specs = Vec::new();
    for (key, text) in entries
        .iter()
        .filter(|(key, _)| key.starts_with(SPEC_PREFIX))
    {
        match text.as_str().map(serde_json::from_str::<Value>) {
            Some(Ok(spec)) => specs.push(spec),
            _ => unreadable.push(format!("the stored spec {key} is not JSON and is left out")),
        }
    }
    specs
}

/// `ceph <type> metadata`'s list as `{"<name or id>": <metadata>}`; `None` when it is not a list.
fn by_name(daemon_type: &str, list: &Value) -> Option<Map<String, Value>> {
    let field = METADATA_TYPES
        .iter()
        .find(|(known, _)| *known == daemon_type)
        .map_or("name", |(_, field)| *field);
    let daemons = list.as_array()?;
    Some(
        daemons
            .iter()
            .filter_map(|daemon| {
                let name = match daemon.get(field)? {
                    Value::String(name) => name.clone(),
                    Value::Number(id) => id.to_string(),
                    _ => return None,
                };
                Some((name, daemon.clone()))
            })
            .collect(),
    )
}

/// The release of the active mgr, from its metadata; of any mgr when the active one is not known.
fn active_release(metadata: &Value, side: &CephSide) -> Release {
    let Some(Value::Object(mgrs)) = metadata.get("mgr") else {
        return Release::Unknown;
    };
    let active = side.view.mgrs.as_ref().and_then(|mgrs| mgrs.active.clone());
    let chosen = active
        .and_then(|name| mgrs.get(&name))
        .or_else(|| mgrs.values().next());
    chosen
        .and_then(|mgr| mgr.get("ceph_release"))
        .and_then(Value::as_str)
        .map_or(Release::Unknown, Release::named)
}
