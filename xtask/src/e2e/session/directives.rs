//! The `% ...` directives of a transcript: what they do to the fake, the lab's mgrs and the next command.
//!
//! `e2e/README.md` lists them; each fails the transcript when it cannot be done.

use std::os::unix::net::UnixListener;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{Session, parse_seconds, rename};
use crate::e2e::fake_control::request;
use crate::e2e::transcript::split_words;
use crate::flags::daemon_id;

/// One GiB, the unit of `% fake disk add`.
const GIB: u64 = 1 << 30;

impl Session {
    /// Runs one directive.
    pub(super) fn directive(&mut self, directive: &str) -> anyhow::Result<()> {
        let words = split_words(directive).map_err(anyhow::Error::msg)?;
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["fake", "member", name, "failing", services @ ..] => self.control(
                "PUT",
                &format!("/fake/1.0/members/{name}"),
                &json!({"failing_services": services}),
            ),
            ["fake", "member", name, status @ ..] if !status.is_empty() => self.control(
                "PUT",
                &format!("/fake/1.0/members/{name}"),
                &json!({"status": status.join(" ")}),
            ),
            ["fake", "fault", method, path, options @ ..] => {
                self.control("POST", "/fake/1.0/faults", &fault(method, path, options)?)
            }
            ["fake", "disk", "add", member, id, size, options @ ..] => self.control(
                "POST",
                &format!("/fake/1.0/members/{member}/block-devices"),
                &block_device(id, size, options)?,
            ),
            ["fake", "socket", "remove"] => rename(&self.files.socket, &self.socket_aside),
            ["fake", "socket", "stale"] => self.stale_socket(),
            ["fake", "socket", "restore"] => self.restore_socket(),
            ["fake", "stop"] => crate::lab::stop_fake(&self.dir),
            ["fake", "start"] => crate::lab::start_fake(&self.dir),
            ["ceph", "mgr", "fail"] => self.fail_mgr(),
            ["lab", "mgr", "start", id] => {
                crate::lab::start_standby(&self.dir, &daemon_id(id).map_err(anyhow::Error::msg)?)
            }
            ["lab", "mgr", "stop", id, flags @ ..] if matches!(flags, [] | ["--wait"]) => {
                let id = daemon_id(id).map_err(anyhow::Error::msg)?;
                crate::lab::stop_standby(&self.dir, &id, !flags.is_empty())
            }
            ["timeout", limit] => {
                self.next_timeout = Some(parse_seconds(limit)?);
                Ok(())
            }
            ["retry", limit] => {
                self.next_retry = Some(parse_seconds(limit)?);
                Ok(())
            }
            _ => bail!(
                "unknown directive; see e2e/README.md for `fake member`, `fake fault`, `fake disk \
                 add`, `fake socket remove|stale|restore`, `fake stop|start`, `ceph mgr fail`, \
                 `lab mgr start|stop`, `timeout` and `retry`"
            ),
        }
    }

    /// Moves the socket aside and leaves a socket file nobody listens on in its place, as a
    /// MicroCeph daemon that died does.
    fn stale_socket(&self) -> anyhow::Result<()> {
        if !self.socket_aside.exists() {
            rename(&self.files.socket, &self.socket_aside)?;
        }
        // Binding makes the file; dropping the listener closes it and leaves the file.
        drop(
            UnixListener::bind(&self.files.socket)
                .with_context(|| format!("cannot bind {}", self.files.socket.display()))?,
        );
        Ok(())
    }

    /// Puts the fake's socket back where it was, over a stale socket file if there is one.
    pub(super) fn restore_socket(&self) -> anyhow::Result<()> {
        if !self.socket_aside.exists() {
            bail!("the socket was not moved aside");
        }
        rename(&self.socket_aside, &self.files.socket)
    }

    fn control(&self, method: &str, path: &str, body: &Value) -> anyhow::Result<()> {
        request(&self.files.socket, method, path, Some(body)).map(drop)
    }
}

/// A fault for `POST /fake/1.0/faults` from `METHOD PATH [key=value...]`.
fn fault(method: &str, path: &str, options: &[&str]) -> anyhow::Result<Value> {
    let mut fault = json!({"method": method, "path": path});
    let mut action = json!({"kind": "error"});
    for (key, value) in key_values(options)? {
        let number = || whole_number(key, value);
        match key {
            "target" => fault["target"] = json!(value),
            "count" => fault["count"] = json!(number()?),
            "kind" => action["kind"] = json!(value),
            "status" => action["status"] = json!(number()?),
            "error" => action["error"] = json!(value),
            "ms" => action["ms"] = json!(number()?),
            _ => bail!("`{key}`: fault options are target, count, kind, status, error and ms"),
        }
    }
    fault["action"] = action;
    Ok(fault)
}

/// A block device for `POST /fake/1.0/members/{name}/block-devices` from `ID SIZE [key=value...]`, where SIZE is in GiB, such as `30G`.
fn block_device(id: &str, size: &str, options: &[&str]) -> anyhow::Result<Value> {
    let gib = whole_number("size", size.strip_suffix('G').unwrap_or(size))?;
    let mut device = json!({"id": id, "size": gib * GIB, "type": "scsi"});
    for (key, value) in key_values(options)? {
        match key {
            "rpm" => device["rpm"] = json!(whole_number(key, value)?),
            "device_id" | "model" => device[key] = json!(value),
            _ => bail!("`{key}`: disk options are rpm, device_id and model"),
        }
    }
    Ok(device)
}

fn key_values<'w>(options: &[&'w str]) -> anyhow::Result<Vec<(&'w str, &'w str)>> {
    options
        .iter()
        .map(|option| {
            option
                .split_once('=')
                .with_context(|| format!("`{option}`: options are key=value"))
        })
        .collect()
}

fn whole_number(key: &str, value: &str) -> anyhow::Result<u64> {
    value
        .parse()
        .with_context(|| format!("`{key}={value}`: expected a whole number"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{block_device, fault};

    #[test]
    fn faults_take_their_options() {
        assert_eq!(
            fault(
                "PUT",
                "/1.0/services/rgw",
                &["target=node3", "status=500", "error=disk full", "count=2"]
            )
            .unwrap(),
            json!({"method": "PUT", "path": "/1.0/services/rgw", "target": "node3", "count": 2,
                   "action": {"kind": "error", "status": 500, "error": "disk full"}})
        );
        assert!(fault("PUT", "/x", &["colour=red"]).is_err());
        assert!(fault("PUT", "/x", &["status=high"]).is_err());
    }

    #[test]
    fn disks_take_a_size_in_gib_and_options() {
        assert_eq!(
            block_device(
                "sde",
                "30G",
                &["rpm=7200", "device_id=wwn-0x5000c500000000e2"]
            )
            .unwrap(),
            json!({"id": "sde", "size": 32_212_254_720_u64, "type": "scsi", "rpm": 7200,
                   "device_id": "wwn-0x5000c500000000e2"})
        );
        assert!(block_device("sde", "big", &[]).is_err());
        assert!(block_device("sde", "1G", &["colour=red"]).is_err());
    }
}
