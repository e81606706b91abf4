//! `ls --export` in plain format: the specs as YAML documents separated by `---`, laid out as Ceph's `orch ls --export` prints them.
//!
//! Each document's top-level keys come in the order of Ceph's `ServiceSpec.to_json()` (`service_type`, `service_id`, `service_name`, `placement`, ..., `spec`); nested keys are sorted, and lists sit at their key's indentation, as `PyYAML` writes them.
//! Strings are written plain when YAML reads them back as the same string, in single quotes otherwise, and in double quotes with escapes when they hold line breaks or control characters.
//! The output reads back as the same specs, so it can be edited and given to `apply`.

use serde_json::Value;

use crate::ceph_spec::TOP_LEVEL;

/// The specs as YAML documents.
pub(crate) fn documents(specs: &[Value]) -> String {
    let mut documents = Vec::new();
    for spec in specs {
        let mut lines = Vec::new();
        if let Value::Object(fields) = spec {
            let mut keys: Vec<&String> = TOP_LEVEL
                .iter()
                .filter_map(|key| fields.get_key_value(*key).map(|(key, _)| key))
                .collect();
            let mut rest: Vec<&String> = fields
                .keys()
                .filter(|key| !TOP_LEVEL.contains(&key.as_str()))
                .collect();
            rest.sort();
            keys.extend(rest);
            for key in keys {
                entry(&mut lines, 0, key, &fields[key]);
            }
        } else {
            lines.push(scalar(spec));
        }
        documents.push(lines.join("\n"));
    }
    documents.join("\n---\n")
}

/// `key: value`, or `key:` and the value's lines below it.
fn entry(lines: &mut Vec<String>, indent: usize, key: &str, value: &Value) {
    let pad = " ".repeat(indent);
    let key = scalar(&Value::String(key.to_owned()));
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            lines.push(format!("{pad}{key}:"));
            for (nested_key, nested) in fields {
                entry(lines, indent + 2, nested_key, nested);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            lines.push(format!("{pad}{key}:"));
            list(lines, indent, items);
        }
        other => lines.push(format!("{pad}{key}: {}", scalar(other))),
    }
}

/// List items as `- item` at `indent`; a mapping item continues on the lines below its first key.
fn list(lines: &mut Vec<String>, indent: usize, items: &[Value]) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Value::Object(fields) if !fields.is_empty() => {
                let mut nested = Vec::new();
                for (key, value) in fields {
                    entry(&mut nested, indent + 2, key, value);
                }
                if let Some(first) = nested.first_mut() {
                    first.replace_range(..indent + 2, &format!("{pad}- "));
                }
                lines.extend(nested);
            }
            Value::Array(inner) if !inner.is_empty() => {
                lines.push(format!("{pad}-"));
                list(lines, indent + 2, inner);
            }
            other => lines.push(format!("{pad}- {}", scalar(other))),
        }
    }
}

/// A scalar, or an empty collection, on one line.
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => string(text),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

fn string(text: &str) -> String {
    if text.chars().any(char::is_control) {
        return serde_json::to_string(text).unwrap_or_default();
    }
    if plain_is_safe(text) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "''"))
}

/// Whether a string reads back as itself without quotes: a name, path or pattern-free word that YAML does not read as another type.
fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let allowed = |c: char| c.is_alphanumeric() || "._/-+=@:".contains(c);
    let looks_typed = matches!(
        text.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
    ) || text
        .starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
    (first.is_alphanumeric() || first == '/' || first == '_')
        && text.chars().all(allowed)
        && !text.ends_with(':')
        && !text.contains(": ")
        && !looks_typed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec_file;

    #[test]
    fn specs_are_laid_out_as_ceph_exports_them() {
        let specs = [
            json!({"service_type": "osd", "service_name": "osd", "placement": {"hosts": ["node1", "node2"]}, "unmanaged": true, "spec": {"objectstore": "bluestore", "filter_logic": "AND"}}),
            json!({"service_type": "rgw", "service_id": "foo", "service_name": "rgw.foo", "spec": {"rgw_frontend_port": 8080, "rgw_zone": "yes", "x": "a: b", "pem": "-----BEGIN\nx\n", "list": [{"a": 1, "b": [1]}]}}),
        ];
        let text = documents(&specs);
        assert_eq!(
            text,
            "service_type: osd\nservice_name: osd\nplacement:\n  hosts:\n  - node1\n  - node2\nunmanaged: true\nspec:\n  filter_logic: AND\n  objectstore: bluestore\n---\nservice_type: rgw\nservice_id: foo\nservice_name: rgw.foo\nspec:\n  list:\n  - a: 1\n    b:\n    - 1\n  pem: \"-----BEGIN\\nx\\n\"\n  rgw_frontend_port: 8080\n  rgw_zone: 'yes'\n  x: 'a: b'"
        );
        let read_back = spec_file::specs(&text, "export").unwrap();
        assert_eq!(
            read_back,
            Value::Array(specs.to_vec()),
            "the export reads back as the same specs"
        );
    }
}
