//! Spec files, as `ceph orch apply -i` reads them: YAML documents separated by `---`, each one service spec in Ceph's layout (flat or with `spec:`).
//!
//! The documents become the JSON array of spec objects the backend's `apply` and `preview` take.
//! Empty documents are skipped, as Ceph skips them; a document that is not a mapping, or a mapping key that is not a string, is an error naming the document and its line.
//! Plain scalars are typed as Ceph's `PyYAML` types them (YAML 1.1): `~`, `null` and nothing are null, `yes`, `no`, `on`, `off`, `true` and `false` in any of their usual cases are booleans, and decimal, octal (`0755`), hexadecimal and binary integers and decimal floats with a point are numbers.
//! Quoted, literal and folded scalars, and scalars tagged `!!str`, are always strings; anchors and aliases are followed.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::CliError;

/// Reads the spec documents of `text`, which came from `source` (a file name, or standard input), as a JSON array of specs.
pub(crate) fn specs(text: &str, source: &str) -> Result<Value, CliError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(error) = parser.load(&mut builder, true) {
        return Err(CliError::Invalid(format!(
            "{source} is not valid YAML: {} at line {} column {}",
            error.info(),
            error.marker().line(),
            error.marker().col() + 1
        )));
    }
    if let Some(problem) = builder.problem {
        return Err(CliError::Invalid(format!("{source}: {problem}")));
    }
    let mut specs = Vec::new();
    for (document_idx, (document, line)) in builder.documents.into_iter().enumerate() {
        match document {
            Value::Null => {}
            Value::Object(_) => specs.push(document),
            other => {
                return Err(CliError::Invalid(format!(
                    "{source}: document {} (line {line}) is {}, not a service spec; each document must be a mapping such as `service_type: mon`",
                    document_idx + 1,
                    kind(&other)
                )));
            }
        }
    }
    if specs.is_empty() {
        return Err(CliError::Invalid(format!(
            "{source} holds no service spec; give one or more YAML documents such as `service_type: mon`"
        )));
    }
    Ok(Value::Array(specs))
}

/// A collection being built: a sequence, or a mapping with the key waiting for its value.
#[derive(Debug)]
enum Open {
    Sequence(Vec<Value>, usize),
    Mapping(Map<String, Value>, Option<String>, usize),
}

/// Builds JSON values from the parser's events.
#[derive(Debug, Default)]
struct Builder {
    /// Finished documents, with the line each started on.
    documents: Vec<(Value, usize)>,
    /// The collections open, innermost last, each with its anchor id.
    open: Vec<Open>,
    /// The line the current document started on.
    document_line: usize,
    /// Anchored values, for aliases.
    anchors: BTreeMap<usize, Value>,
    /// The first problem met, which ends the reading.
    problem: Option<String>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.problem.is_some() {
            return;
        }
        match event {
            Event::DocumentStart => self.document_line = mark.line(),
            Event::SequenceStart(anchor, _) => {
                self.open.push(Open::Sequence(Vec::new(), anchor));
            }
            Event::MappingStart(anchor, _) => {
                self.open.push(Open::Mapping(Map::new(), None, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.open.pop() {
                    Some(Open::Sequence(items, anchor)) => (Value::Array(items), anchor),
                    Some(Open::Mapping(fields, _, anchor)) => (Value::Object(fields), anchor),
                    None => return,
                };
                self.remember(anchor, &value);
                self.add(value, mark, false);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let forced_string = tag.is_some_and(|tag| tag.suffix == "str");
                let value = if style == TScalarStyle::Plain && !forced_string {
                    plain_scalar(&text)
                } else {
                    Value::String(text)
                };
                self.remember(anchor, &value);
                self.add(value, mark, style == TScalarStyle::Plain);
            }
            Event::Alias(anchor) => {
                let value = self.anchors.get(&anchor).cloned().unwrap_or(Value::Null);
                self.add(value, mark, false);
            }
            _ => {}
        }
    }
}

impl Builder {
    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
    }

    /// Adds a finished value to the innermost open collection, or ends the document with it.
    fn add(&mut self, value: Value, mark: Marker, plain: bool) {
        let document = self.documents.len() + 1;
        match self.open.last_mut() {
            None => self.documents.push((value, self.document_line.max(1))),
            Some(Open::Sequence(items, _)) => items.push(value),
            Some(Open::Mapping(fields, pending, _)) => match pending.take() {
                Some(key) => {
                    fields.insert(key, value);
                }
                None => match value {
                    Value::String(key) => *pending = Some(key),
                    other => {
                        let shown = match (&other, plain) {
                            (Value::Array(_) | Value::Object(_), _) => kind(&other).to_owned(),
                            _ => format!("`{other}`"),
                        };
                        self.problem = Some(format!(
                            "document {document}, line {}: the key {shown} is not a string; spec keys are names such as service_type (quote a key to make it a string)",
                            mark.line()
                        ));
                    }
                },
            },
        }
    }
}

/// A plain scalar typed as `PyYAML`'s safe loader types it.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    integer(text)
        .map(Value::from)
        .or_else(|| float(text).and_then(Number::from_f64).map(Value::Number))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

/// YAML 1.1 integers: `[-+]` then `0b...`, `0x...`, `0...` (octal) or decimal digits, with `_` allowed between digits.
fn integer(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (digits, radix) = if let Some(binary) = unsigned.strip_prefix("0b") {
        (binary, 2)
    } else if let Some(hex) = unsigned.strip_prefix("0x") {
        (hex, 16)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (&unsigned[1..], 8)
    } else {
        (unsigned, 10)
    };
    if digits.is_empty() || digits.starts_with('_') {
        return None;
    }
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    let magnitude = i64::from_str_radix(&digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// YAML 1.1 floats: digits with a point, and an exponent with its sign (`1.5`, `-.5`, `1.0e+3`); `PyYAML` reads `1e3` as a string.
fn float(text: &str) -> Option<f64> {
    let unsigned = text.trim_start_matches(['-', '+']);
    if text.len() - unsigned.len() > 1 {
        return None;
    }
    let (number, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((number, exponent)) => (number, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = number.split_once('.')?;
    let digits_ok = |part: &str| part.chars().all(|c| c.is_ascii_digit() || c == '_');
    let exponent_ok = exponent.is_none_or(|exponent| {
        exponent.len() > 1
            && exponent.starts_with(['-', '+'])
            && exponent[1..].chars().all(|c| c.is_ascii_digit())
    });
    let valid = digits_ok(whole)
        && digits_ok(fraction)
        && !whole.starts_with('_')
        && (whole.chars().any(|c| c.is_ascii_digit())
            || fraction.chars().any(|c| c.is_ascii_digit()))
        && exponent_ok;
    if !valid {
        return None;
    }
    text.replace('_', "").parse::<f64>().ok()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(yaml: &str, expected: &str) {
        let shown = match specs(yaml, "spec.yaml") {
            Ok(value) => value.to_string(),
            Err(error) => error.report().unwrap_or_default(),
        };
        assert_eq!(shown, expected, "YAML:\n{yaml}");
    }

    #[test]
    fn documents_become_a_list_of_specs() {
        check(
            "service_type: rgw\nservice_id: foo\nplacement:\n  hosts:\n    - node1\n    - node2\nspec:\n  rgw_frontend_port: 8080\n  ssl: no\n---\n---\nservice_type: mon\nplacement: {count: 3}\n",
            r#"[{"placement":{"hosts":["node1","node2"]},"service_id":"foo","service_type":"rgw","spec":{"rgw_frontend_port":8080,"ssl":false}},{"placement":{"count":3},"service_type":"mon"}]"#,
        );
    }

    #[test]
    fn scalars_are_typed_as_ceph_reads_them() {
        let yaml = "a: ~\nb: Yes\nc: 'yes'\nd: 010\ne: 0x1f\nf: 1_000\ng: 1.5\nh: 1e3\ni: -.5\nj: !!str 12\nk: |\n  line\nl: \"8080\"\nm: node*\nn: 1.0e+3\n";
        let value = specs(yaml, "spec.yaml").unwrap();
        assert_eq!(
            value[0],
            json!({
                "a": null, "b": true, "c": "yes", "d": 8, "e": 31, "f": 1000, "g": 1.5,
                "h": "1e3", "i": -0.5, "j": "12", "k": "line\n", "l": "8080", "m": "node*", "n": 1000.0,
            })
        );
    }

    #[test]
    fn anchors_and_aliases_are_followed() {
        let yaml =
            "service_type: rgw\nplacement: &p\n  hosts: [a, &h b]\nspec:\n  copy: *p\n  host: *h\n";
        let value = specs(yaml, "f").unwrap();
        assert_eq!(
            value[0]["spec"],
            json!({"copy": {"hosts": ["a", "b"]}, "host": "b"})
        );
    }

    #[test]
    fn errors_name_the_document_and_line() {
        check(
            "service_type: mon\n---\n- a\n- b\n",
            "Error EINVAL: spec.yaml: document 2 (line 2) is a list, not a service spec; each document must be a mapping such as `service_type: mon`",
        );
        check(
            "service_type: mon\n---\nservice_type: mgr\nplacement:\n  1: node1\n",
            "Error EINVAL: spec.yaml: document 2, line 5: the key `1` is not a string; spec keys are names such as service_type (quote a key to make it a string)",
        );
        check(
            "? [a, b]\n: x\n",
            "Error EINVAL: spec.yaml: document 1, line 1: the key a list is not a string; spec keys are names such as service_type (quote a key to make it a string)",
        );
        check(
            "service_type: mon\n  bad: [\n",
            "Error EINVAL: spec.yaml is not valid YAML: mapping values are not allowed in this context at line 2 column 6",
        );
        check(
            "# nothing\n---\n",
            "Error EINVAL: spec.yaml holds no service spec; give one or more YAML documents such as `service_type: mon`",
        );
    }
}
