//! The lab's MicroCeph: `fake-microceph` on the host, serving a cluster whose local member is
//! named after the lab's host, on a socket in the lab directory.
//!
//! ceph-mgr knows its host by the machine's host name (a chroot shares it), so naming the local
//! member the same way lets the module match the mgr's host to a MicroCeph member.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::{Lab, processes};
use crate::process::{self, cargo};

/// Builds the fake in release mode and returns its binary.
pub(super) fn build() -> anyhow::Result<PathBuf> {
    process::run(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "fake-microceph",
        "--bin",
        "fake-microceph",
    ]))?;
    Ok(process::target_dir().join("release").join("fake-microceph"))
}

/// The host's name, as `hostname` prints it and ceph-mgr reports it.
pub(super) fn local_host_name() -> anyhow::Result<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .context("cannot read the host name")?;
    let name = name.trim();
    if name.is_empty() {
        bail!("the host has no name");
    }
    Ok(name.to_owned())
}

/// Writes the cluster file: the fake's generated cluster of `members`, with `host` as the local
/// member.
pub(super) fn write_cluster(
    binary: &Path,
    members: u32,
    host: &str,
    file: &Path,
) -> anyhow::Result<()> {
    let mut describe = Command::new(binary);
    describe
        .args(["describe", "--members"])
        .arg(members.to_string());
    process::echo(&describe);
    let output = describe
        .output()
        .with_context(|| format!("could not run {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "`fake-microceph describe` failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut cluster: Value = serde_json::from_slice(&output.stdout)
        .context("`fake-microceph describe` printed something other than JSON")?;
    name_local_member(&mut cluster, host)?;
    std::fs::write(file, serde_json::to_string_pretty(&cluster)? + "\n")
        .with_context(|| format!("cannot write {}", file.display()))
}

/// Makes `host` the local member: the first member is renamed to it, unless a member already
/// has that name, which then becomes the local member as it is.
fn name_local_member(cluster: &mut Value, host: &str) -> anyhow::Result<()> {
    let members = cluster["members"]
        .as_array_mut()
        .context("the cluster description has no members")?;
    let taken = members
        .iter()
        .any(|member| member["name"].as_str() == Some(host));
    if !taken {
        let first = members
            .first_mut()
            .context("the cluster description has no members")?;
        let old = first["name"].as_str().unwrap_or_default().to_owned();
        first["name"] = Value::from(host);
        for group in cluster["nfs_groups"].as_array_mut().into_iter().flatten() {
            for member in group["members"].as_array_mut().into_iter().flatten() {
                if member["member"].as_str() == Some(old.as_str()) {
                    member["member"] = Value::from(host);
                }
            }
        }
    }
    cluster["local_member"] = Value::from(host);
    Ok(())
}

/// Starts the fake on `socket` and waits until it accepts connections.
pub(super) fn start(binary: &Path, lab: &Lab, socket: &Path) -> anyhow::Result<()> {
    let pids = lab.path("pids");
    processes::spawn(
        Command::new(binary)
            .arg("serve")
            .arg("--socket")
            .arg(socket)
            .arg("--cluster")
            .arg(lab.path("cluster.json")),
        "fake-microceph",
        &lab.path("log").join("fake-microceph.log"),
        &pids,
    )?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::os::unix::net::UnixStream::connect(socket).is_ok() {
            return Ok(());
        }
        if !processes::is_running(&pids, "fake-microceph") {
            bail!(
                "fake-microceph exited before serving; see {}",
                lab.path("log").join("fake-microceph.log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!(
        "fake-microceph did not serve {} within 10 s",
        socket.display()
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::name_local_member;

    #[test]
    fn the_first_member_takes_the_host_name() {
        let mut cluster = json!({
            "version": 1, "local_member": "node1",
            "members": [{"name": "node1"}, {"name": "node2"}],
            "nfs_groups": [{"cluster_id": "a", "members": [{"member": "node1"}]}],
        });
        name_local_member(&mut cluster, "vm").unwrap();
        assert_eq!(cluster["local_member"], "vm");
        assert_eq!(cluster["members"][0]["name"], "vm");
        assert_eq!(cluster["members"][1]["name"], "node2");
        assert_eq!(cluster["nfs_groups"][0]["members"][0]["member"], "vm");
    }

    #[test]
    fn a_member_already_named_after_the_host_becomes_local() {
        let mut cluster = json!({
            "version": 1, "local_member": "node1",
            "members": [{"name": "node1"}, {"name": "node2"}],
        });
        name_local_member(&mut cluster, "node2").unwrap();
        assert_eq!(cluster["local_member"], "node2");
        assert_eq!(cluster["members"][0]["name"], "node1");
    }
}
