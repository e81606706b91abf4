//! The plain output: aligned tables with the columns of Ceph's `orch ls`, `orch ps`, `orch host ls` and `orch device ls`, and the `plan apply` preview.
//!
//! Columns are separated by two spaces, as Ceph's borderless tables are, and lines end without trailing spaces.
//! Cells are Ceph's: ports as `?:8080` or `10.0.0.1:8080`, RUNNING as `running/size`, ages such as `5s ago`, sizes as Ceph's `format_bytes` writes them, `<unknown>` for what is not known.

use std::cmp::Ordering;

use serde_json::Value;

use crate::ceph_spec;
use crate::time;

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// `orch ls`, from the services' JSON (see `views.rs`).
pub(crate) fn services(services: &[Value], now: f64) -> String {
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|service| {
            let status = &service["status"];
            let running = if service["service_type"] == "osd" {
                status["running"].to_string()
            } else {
                format!("{}/{}", status["running"], status["size"])
            };
            let ports = status["ports"].as_array().map(|ports| {
                let mut ports: Vec<u64> = ports.iter().filter_map(Value::as_u64).collect();
                ports.sort_unstable();
                format!("?:{}", join_numbers(&ports))
            });
            vec![
                text(&service["service_name"]),
                ports.unwrap_or_default(),
                running,
                refreshed(&status["last_refresh"], now),
                "-".to_owned(),
                ceph_spec::placement_text(service),
            ]
        })
        .collect();
    let columns = [
        ("NAME", Align::Left),
        ("PORTS", Align::Left),
        ("RUNNING", Align::Right),
        ("REFRESHED", Align::Left),
        ("AGE", Align::Left),
        ("PLACEMENT", Align::Left),
    ];
    table(&columns, &rows)
}

/// `orch ps`, from the daemons' JSON, by name.
pub(crate) fn daemons(daemons: &[Value], now: f64) -> String {
    let mut sorted: Vec<&Value> = daemons.iter().collect();
    sorted
        .sort_by(|left, right| natural(&text(&left["daemon_name"]), &text(&right["daemon_name"])));
    let rows: Vec<Vec<String>> = sorted
        .into_iter()
        .map(|daemon| {
            let ports: Vec<u64> = daemon["ports"].as_array().map_or_else(Vec::new, |ports| {
                ports.iter().filter_map(Value::as_u64).collect()
            });
            let ports = if ports.is_empty() {
                String::new()
            } else {
                format!(
                    "{}:{}",
                    daemon["ip"].as_str().unwrap_or("*"),
                    join_numbers(&ports)
                )
            };
            let mut status = daemon["status_desc"].as_str().map_or_else(
                || status_name(daemon["status"].as_i64()).to_owned(),
                str::to_owned,
            );
            if let (Some(1), Some(started)) = (daemon["status"].as_i64(), started(daemon)) {
                status = format!("{status} ({})", time::age(now, started));
            }
            vec![
                text(&daemon["daemon_name"]),
                text(&daemon["hostname"]),
                ports,
                status,
                refreshed(&daemon["last_refresh"], now),
                text(&daemon["version"]),
            ]
        })
        .collect();
    let columns = [
        ("NAME", Align::Left),
        ("HOST", Align::Left),
        ("PORTS", Align::Left),
        ("STATUS", Align::Left),
        ("REFRESHED", Align::Right),
        ("VERSION", Align::Left),
    ];
    table(&columns, &rows)
}

/// `orch host ls`, from the hosts' JSON, with Ceph's count line.
pub(crate) fn hosts(hosts: &[Value]) -> String {
    let rows: Vec<Vec<String>> = hosts
        .iter()
        .map(|host| {
            let labels: Vec<&str> = host["labels"].as_array().map_or_else(Vec::new, |labels| {
                labels.iter().filter_map(Value::as_str).collect()
            });
            vec![
                text(&host["hostname"]),
                text(&host["addr"]),
                labels.join(","),
                capitalize(host["status"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let columns = [
        ("HOST", Align::Left),
        ("ADDR", Align::Left),
        ("LABELS", Align::Left),
        ("STATUS", Align::Left),
    ];
    format!(
        "{}\n{} hosts in cluster",
        table(&columns, &rows),
        hosts.len()
    )
}

/// `orch device ls`, from the hosts' inventory JSON: hosts by name, their devices by path.
pub(crate) fn devices(hosts: &[Value], now: f64) -> String {
    let mut sorted: Vec<&Value> = hosts.iter().collect();
    sorted.sort_by(|left, right| natural(&text(&left["name"]), &text(&right["name"])));
    let mut rows = Vec::new();
    for host in sorted {
        for device in host["devices"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let reasons: Vec<&str> = device["rejected_reasons"]
                .as_array()
                .map_or_else(Vec::new, |reasons| {
                    reasons.iter().filter_map(Value::as_str).collect()
                });
            rows.push(vec![
                text(&host["name"]),
                text(&device["path"]),
                text(&device["human_readable_type"]),
                text(&device["device_id"]),
                format_bytes(device["sys_api"]["size"].as_u64().unwrap_or(0)),
                if device["available"] == true {
                    "Yes"
                } else {
                    "No"
                }
                .to_owned(),
                refreshed(&device["created"], now),
                reasons.join(", "),
            ]);
        }
    }
    let columns = [
        ("HOST", Align::Left),
        ("PATH", Align::Left),
        ("TYPE", Align::Left),
        ("DEVICE ID", Align::Left),
        ("SIZE", Align::Right),
        ("AVAILABLE", Align::Left),
        ("REFRESHED", Align::Left),
        ("REJECT REASONS", Align::Left),
    ];
    table(&columns, &rows)
}

/// The `plan apply` preview: the members each service would be added to and removed from.
pub(crate) fn preview(items: &[Value]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .filter(|item| item.get("service_name").is_some())
        .map(|item| {
            let members = |key: &str| -> String {
                let members: Vec<&str> = item[key].as_array().map_or_else(Vec::new, |members| {
                    members.iter().filter_map(Value::as_str).collect()
                });
                members.join(" ")
            };
            vec![
                text(&item["service_type"]),
                text(&item["service_name"]),
                members("add"),
                members("remove"),
            ]
        })
        .collect();
    let columns = [
        ("SERVICE", Align::Left),
        ("NAME", Align::Left),
        ("ADD_TO", Align::Left),
        ("REMOVE_FROM", Align::Left),
    ];
    table(&columns, &rows)
}

/// A borderless table: each column as wide as its widest cell, two spaces after each, no trailing spaces; a title is aligned as its column.
fn table(columns: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(column_idx, (title, _))| {
            rows.iter()
                .map(|row| row[column_idx].chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let titles: Vec<String> = columns
        .iter()
        .map(|(title, _)| (*title).to_owned())
        .collect();
    let mut lines = Vec::new();
    for row in [&titles].into_iter().chain(rows) {
        let mut line = String::new();
        for (column_idx, cell) in row.iter().enumerate() {
            let padding = " ".repeat(widths[column_idx] - cell.chars().count());
            if columns[column_idx].1 == Align::Right {
                line.push_str(&padding);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&padding);
            }
            line.push_str("  ");
        }
        lines.push(line.trim_end().to_owned());
    }
    lines.join("\n")
}

/// A string cell, `<unknown>` when missing.
fn text(value: &Value) -> String {
    value.as_str().unwrap_or("<unknown>").to_owned()
}

/// The REFRESHED cell: `5s ago`, or `-` without a time.
fn refreshed(iso: &Value, now: f64) -> String {
    iso.as_str().and_then(time::unix_secs).map_or_else(
        || "-".to_owned(),
        |then| format!("{} ago", time::age(now, then)),
    )
}

/// A daemon's start, in seconds since the epoch.
fn started(daemon: &Value) -> Option<f64> {
    daemon["started"].as_str().and_then(time::unix_secs)
}

/// Ceph's name of a daemon status.
fn status_name(status: Option<i64>) -> &'static str {
    match status {
        Some(-1) => "error",
        Some(0) => "stopped",
        Some(1) => "running",
        Some(2) => "starting",
        _ => "unknown",
    }
}

/// Python's `str.capitalize`: the first character upper case, the rest lower case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn join_numbers(numbers: &[u64]) -> String {
    numbers
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A size as Ceph's `format_bytes(size, 5)` writes it: `8192M`, `10.0G`, ` 512 `.
fn format_bytes(size: u64) -> String {
    const UNITS: [char; 7] = [' ', 'k', 'M', 'G', 'T', 'P', 'E'];
    let mut unit = 0;
    while (size >> (10 * unit)).to_string().len() > 4 {
        unit += 1;
    }
    if unit == 0 {
        return format!("{size:>4}{}", UNITS[0]);
    }
    #[expect(clippy::cast_precision_loss, reason = "sizes are shown to four digits")]
    let scaled = size as f64 / 1024f64.powi(i32::try_from(unit).unwrap_or(6));
    let mut shown: String = format!("{scaled:.6}").chars().take(4).collect();
    if shown.ends_with('.') {
        shown.pop();
        shown.insert(0, ' ');
    }
    format!("{shown}{}", UNITS[unit])
}

/// Natural order: runs of digits compare as numbers, as `natsort` orders Ceph's tables.
fn natural(left: &str, right: &str) -> Ordering {
    fn runs(text: &str) -> Vec<(bool, String)> {
        let mut runs: Vec<(bool, String)> = Vec::new();
        for c in text.chars() {
            let digit = c.is_ascii_digit();
            match runs.last_mut() {
                Some((last_digit, run)) if *last_digit == digit => run.push(c),
                _ => runs.push((digit, c.to_string())),
            }
        }
        runs
    }
    let (left_runs, right_runs) = (runs(left), runs(right));
    for (left_run, right_run) in left_runs.iter().zip(&right_runs) {
        let order = match (left_run, right_run) {
            ((true, left_digits), (true, right_digits)) => {
                let trim = |digits: &str| digits.trim_start_matches('0').to_owned();
                let (left_digits, right_digits) = (trim(left_digits), trim(right_digits));
                left_digits
                    .len()
                    .cmp(&right_digits.len())
                    .then_with(|| left_digits.cmp(&right_digits))
            }
            ((_, left_text), (_, right_text)) => left_text.cmp(right_text),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    left_runs.len().cmp(&right_runs.len())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sizes_read_as_ceph_writes_them() {
        for (size, expected) in [
            (0, "   0 "),
            (512, " 512 "),
            (8_589_934_592, "8192M"),
            (10_737_418_240, "10.0G"),
            (21_474_836_480, "20.0G"),
            (1_099_511_627_776, "1024G"),
            (16_492_674_416_640, "15.0T"),
            (5 << 60, "5120P"),
            (10 << 60, "10.0E"),
        ] {
            assert_eq!(format_bytes(size), expected, "{size}");
        }
    }

    #[test]
    fn tables_align_their_columns() {
        let services = [json!({
            "service_type": "rgw", "service_name": "rgw.foo", "placement": {"count": 2},
            "status": {"size": 2, "running": 1, "ports": [8080], "last_refresh": "2026-12-05T07:13:48.250000Z"},
        })];
        assert_eq!(
            services_at(&services, 1_796_454_833.0),
            "NAME     PORTS   RUNNING  REFRESHED  AGE  PLACEMENT\nrgw.foo  ?:8080      1/2  4s ago     -    count:2"
        );
        assert_eq!(
            hosts(&[
                json!({"hostname": "n1", "addr": "10.0.0.1", "labels": [], "status": "offline"})
            ]),
            "HOST  ADDR      LABELS  STATUS\nn1    10.0.0.1          Offline\n1 hosts in cluster"
        );
    }

    fn services_at(services: &[Value], now: f64) -> String {
        super::services(services, now)
    }

    #[test]
    fn names_sort_naturally() {
        let mut names = vec!["osd.10", "osd.2", "mgr.node1", "osd.1"];
        names.sort_by(|left, right| natural(left, right));
        assert_eq!(names, ["mgr.node1", "osd.1", "osd.2", "osd.10"]);
    }
}
