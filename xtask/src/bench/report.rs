//! Reading the case lines back: errors, ratios of other modules to ours, and the closing table.

use std::fmt::Write as _;

use serde_json::Value;

use super::OURS;

/// `module case: error` when `line` is the line of a case that could not be measured.
pub(super) fn error_of(line: &str) -> Option<String> {
    let record: Value = serde_json::from_str(line).ok()?;
    let error = record.get("error")?.as_str()?;
    Some(format!(
        "{} {}: {error}",
        record["module"].as_str().unwrap_or("?"),
        record["case"].as_str().unwrap_or("?")
    ))
}

/// One line per case another module was measured in: its median over ours, for the same case, path and parameters.
pub(super) fn ratios(lines: &[String]) -> Vec<String> {
    let records: Vec<Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|record: &Value| record.get("error").is_none())
        .collect();
    let key = |record: &Value| {
        (
            record["case"].clone(),
            record["via"].clone(),
            record["params"].clone(),
        )
    };
    let mut ratios = Vec::new();
    for other in records
        .iter()
        .filter(|record| record["module"] != OURS && record["module"] != "fake-microceph")
    {
        let Some(ours) = records
            .iter()
            .find(|record| record["module"] == OURS && key(record) == key(other))
        else {
            continue;
        };
        let (Some(theirs), Some(base)) = (other["median"].as_f64(), ours["median"].as_f64()) else {
            continue;
        };
        if base <= 0.0 {
            continue;
        }
        ratios.push(format!(
            "{{\"case\": {}, \"module\": {}, \"via\": {}, \"params\": {}, \"ratio\": {}, \"of\": \"median\", \"to\": \"{OURS}\"}}",
            other["case"],
            other["module"],
            other["via"],
            other["params"],
            (theirs / base * 1000.0).round() / 1000.0,
        ));
    }
    ratios
}

/// The closing table: one row per case line, then each case's target once.
pub(super) fn table(lines: &[String], ratios: &[String]) -> String {
    let ratio_records: Vec<Value> = ratios
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let mut rows = vec![
        [
            "case", "module", "via", "params", "median", "p90", "max", "unit", "calls", "note",
            "ratio",
        ]
        .map(str::to_owned),
    ];
    let mut targets: Vec<(String, String)> = Vec::new();
    for record in lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
    {
        let case = text(&record["case"]);
        if let Some(error) = record.get("error") {
            rows.push([
                case,
                text(&record["module"]),
                String::new(),
                params(&record["params"]),
                format!("error: {}", text(error)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        let ratio = ratio_records
            .iter()
            .find(|ratio| {
                ratio["case"] == record["case"]
                    && ratio["module"] == record["module"]
                    && ratio["via"] == record["via"]
                    && ratio["params"] == record["params"]
            })
            .map_or_else(String::new, |ratio| {
                format!("{}x ours", text(&ratio["ratio"]))
            });
        let note = match (
            record.get("ratio_to_enable_duration"),
            record["params"].get("probe_timeout_s"),
        ) {
            (Some(of_enable), _) => format!("{}x enable", text(of_enable)),
            (None, Some(timeout)) => format!("timeout {} s", text(timeout)),
            _ => String::new(),
        };
        if let Some(target) = record.get("target").and_then(Value::as_str)
            && !targets.iter().any(|(known, _)| *known == case)
        {
            targets.push((case.clone(), target.to_owned()));
        }
        rows.push([
            case,
            text(&record["module"]),
            text(&record["via"]),
            params(&record["params"]),
            text(&record["median"]),
            text(&record["p90"]),
            text(&record["max"]),
            text(&record["unit"]),
            record.get("socket_calls").map_or_else(String::new, text),
            note,
            ratio,
        ]);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|column| rows.iter().map(|row| row[column].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out.push_str("\ntargets:\n");
    for (case, target) in targets {
        let _ = writeln!(out, "  {case}: {target}");
    }
    out
}

/// The rate in the `load` example's report, such as `... over 32 connections: 41234 requests/s, 0 not 200`.
pub(super) fn requests_per_second(text: &str) -> Option<u64> {
    let (before, _) = text.split_once(" requests/s")?;
    before.rsplit(' ').next()?.parse().ok()
}

/// Parameters as `key=value` pairs, short enough for a table cell.
fn params(params: &Value) -> String {
    params.as_object().map_or_else(String::new, |map| {
        map.iter()
            .map(|(key, value)| format!("{key}={}", text(value)))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A value as plain text: strings without their quotes.
fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::{error_of, ratios, requests_per_second, table};

    fn line(module: &str, median: f64) -> String {
        format!(
            "{{\"case\": \"ls\", \"module\": \"{module}\", \"via\": \"backend\", \"params\": {{\"members\": 3}}, \"unit\": \"ms\", \"median\": {median}, \"p90\": 2, \"max\": 3, \"runs\": 5, \"socket_calls\": 0, \"target\": \"fast\"}}"
        )
    }

    #[test]
    fn other_modules_get_a_ratio_to_ours_for_the_same_case() {
        let lines = [line("microceph-orch", 2.0), line("other", 5.0)];
        let ratios = ratios(&lines);
        assert_eq!(
            ratios,
            [
                "{\"case\": \"ls\", \"module\": \"other\", \"via\": \"backend\", \"params\": {\"members\":3}, \"ratio\": 2.5, \"of\": \"median\", \"to\": \"microceph-orch\"}"
            ]
        );
        let table = table(&lines, &ratios);
        assert!(table.contains("2.5x ours"), "{table}");
        assert!(table.contains("  ls: fast"), "{table}");
    }

    #[test]
    fn errors_and_rates_are_read_from_the_lines() {
        assert_eq!(
            error_of("{\"case\": \"ls\", \"module\": \"other\", \"error\": \"RuntimeError: no\"}"),
            Some("other ls: RuntimeError: no".to_owned())
        );
        assert_eq!(error_of(&line("microceph-orch", 1.0)), None);
        assert_eq!(
            requests_per_second(
                "100 requests in 1.00 s over 32 connections: 41234 requests/s, 0 not 200"
            ),
            Some(41234)
        );
    }
}
