//! Further mgrs of a running lab, for failover and for Ceph's maps with more than one mgr:
//! `lab mgr start --id NAME` and `lab mgr stop --id NAME`, which the e2e directives
//! `% lab mgr start NAME` and `% lab mgr stop NAME` also use.
//!
//! Each one has its own key, made by the mon with `ceph auth get-or-create`, and its own data
//! directory `mgr/ceph-NAME`, which holds the key. It runs the way the lab's first mgr does: where
//! the release's Ceph is installed, with the same configuration and module directory, and with
//! its PID in `pids/ceph-mgr.NAME`, so `lab down` stops it too. A mgr that stops is dropped
//! from the mgr map only once the mon has missed its beacons for `mon mgr beacon grace`.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::cluster::{self, MGR_CAPS, Watched};
use super::{Lab, check_unix_socket_length, is_up, processes, step, type_versions};

/// How long a started mgr may take to show as a standby, and a stopped one to leave the map.
const STANDBY_TIMEOUT: Duration = Duration::from_mins(2);

/// The prefix of a further mgr's PID file, which ends in its id.
const PID_PREFIX: &str = "ceph-mgr.";

/// Starts the mgr `id` in the lab in `dir` and waits until the mgr map lists it as a standby.
pub(crate) fn start(dir: &Path, id: &str) -> anyhow::Result<()> {
    let lab = open_running(dir, id)?;
    let pids = lab.path("pids");
    let pid_file = format!("{PID_PREFIX}{id}");
    if let Some((_, pid)) = processes::running(&pids)
        .into_iter()
        .find(|(name, _)| *name == pid_file)
    {
        bail!("mgr.{id} runs already in {} (pid {pid})", dir.display());
    }
    check_unix_socket_length(dir, &[id])?;
    let data = lab.path(&format!("mgr/ceph-{id}"));
    std::fs::create_dir_all(&data).with_context(|| format!("cannot create {}", data.display()))?;
    let keyring = data.join("keyring");
    let entity = format!("mgr.{id}");
    let mut args = vec!["auth", "get-or-create", entity.as_str()];
    args.extend(MGR_CAPS.iter().flat_map(|(service, cap)| [*service, *cap]));
    let keyring_arg = keyring.to_string_lossy();
    args.extend(["-o", &keyring_arg]);
    cluster::ceph_ok(&lab, &args).map_err(anyhow::Error::msg)?;

    let mut command = lab.command("/usr/bin/ceph-mgr");
    command
        .args(["-f", "-i", id, "-c"])
        .arg(lab.path("ceph.conf"))
        .arg("--keyring")
        .arg(&keyring);
    let python = lab.path(type_versions::DIR);
    if python.is_dir() {
        command.env("PYTHONPATH", &python);
    }
    let started = Instant::now();
    let pid = processes::spawn(
        &mut command,
        &pid_file,
        &lab.path("log").join(format!("{pid_file}.stdout")),
        &pids,
    )?;
    let watched = Watched::daemon(&pid_file, "mgr", id);
    cluster::poll_watching(
        &lab,
        &format!("the mgr map to list {id} as a standby"),
        STANDBY_TIMEOUT,
        Some(&watched),
        || Ok(mgr_map(&lab)?.lists_standby(id).then_some(())),
    )?;
    writeln!(
        std::io::stdout().lock(),
        "mgr.{id} (pid {pid}) is a standby in {} after {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// Stops the mgr `id` of the lab in `dir`; with `wait`, also waits until the mon has dropped it
/// from the mgr map.
pub(crate) fn stop(dir: &Path, id: &str, wait: bool) -> anyhow::Result<()> {
    let lab = Lab::open(dir)?;
    refuse_first_mgr(&lab, id)?;
    let report = processes::stop_recorded(&lab.path("pids"), &format!("{PID_PREFIX}{id}"))?
        .with_context(|| format!("no mgr.{id} was started in {}", dir.display()))?;
    writeln!(std::io::stdout().lock(), "{report}")?;
    if !wait {
        return Ok(());
    }
    let started = Instant::now();
    cluster::poll_watching(
        &lab,
        &format!("the mon to drop {id} from the mgr map"),
        STANDBY_TIMEOUT,
        None,
        || Ok((!mgr_map(&lab)?.names(id)).then_some(())),
    )?;
    step(&format!(
        "mgr.{id} left the mgr map {:.1} s after it stopped",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// The ids of the further mgrs that run in the lab in `dir`.
pub(crate) fn running_standbys(dir: &Path) -> Vec<String> {
    processes::running(&dir.join("pids"))
        .into_iter()
        .filter_map(|(name, _)| name.strip_prefix(PID_PREFIX).map(str::to_owned))
        .collect()
}

/// The lab in `dir`, which must be up, for a further mgr `id`.
fn open_running(dir: &Path, id: &str) -> anyhow::Result<Lab> {
    if !is_up(dir) {
        bail!(
            "no lab runs in {}; start one with `cargo xtask lab up`",
            dir.display()
        );
    }
    let lab = Lab::open(dir)?;
    refuse_first_mgr(&lab, id)?;
    Ok(lab)
}

fn refuse_first_mgr(lab: &Lab, id: &str) -> anyhow::Result<()> {
    if id == lab.member {
        bail!(
            "mgr.{id} is the lab's own mgr, which `lab up` and `lab down` start and stop; choose \
             another id"
        );
    }
    Ok(())
}

/// What `ceph mgr dump` says of the mgrs.
struct MgrMap(Value);

impl MgrMap {
    fn lists_standby(&self, id: &str) -> bool {
        self.0["standbys"]
            .as_array()
            .is_some_and(|standbys| standbys.iter().any(|standby| standby["name"] == id))
    }

    /// Whether the map names `id`, as the active mgr or as a standby.
    fn names(&self, id: &str) -> bool {
        self.0["active_name"] == id || self.lists_standby(id)
    }
}

fn mgr_map(lab: &Lab) -> Result<MgrMap, String> {
    let output = cluster::ceph(lab, &["mgr", "dump", "--format", "json"])?;
    if !output.status.success() {
        return Err(format!(
            "`ceph mgr dump` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map(MgrMap)
        .map_err(|error| format!("`ceph mgr dump` printed no JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::MgrMap;

    #[test]
    fn the_mgr_map_names_the_active_mgr_and_the_standbys() {
        let map = MgrMap(json!({
            "active_name": "vm",
            "standbys": [{"gid": 4172, "name": "node2"}],
        }));
        assert!(map.lists_standby("node2"));
        assert!(!map.lists_standby("vm"));
        assert!(map.names("vm"));
        assert!(map.names("node2"));
        assert!(!map.names("node3"));
        assert!(!MgrMap(json!({"active_name": "vm"})).lists_standby("node2"));
    }
}
