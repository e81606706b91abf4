//! JSON text exactly as Python's `json.dumps(data, sort_keys=True)` writes it, which is what `ceph orch ... --format json` prints.
//!
//! Compact output separates items with `, ` and keys from values with `: `; indented output (`indent=2`, Ceph's `json-pretty`) puts every item on a line of its own and ends lines without a trailing space.
//! Keys are sorted by code point, every character outside ASCII is escaped as `\uXXXX` (a surrogate pair above U+FFFF), and floats are written as Python's `repr` writes them (`1.0`, `1e+16`, `1.5e-07`).

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// `json.dumps(value, sort_keys=True)`.
pub(crate) fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

/// `json.dumps(value, indent=2, sort_keys=True)`.
pub(crate) fn dumps_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(2), 0);
    out
}

fn write_value(out: &mut String, value: &Value, indent: Option<usize>, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (item_idx, item) in items.iter().enumerate() {
                separator(out, indent, depth + 1, item_idx == 0);
                write_value(out, item, indent, depth + 1);
            }
            close(out, indent, depth);
            out.push(']');
        }
        Value::Object(fields) => write_object(out, fields, indent, depth),
    }
}

fn write_object(
    out: &mut String,
    fields: &Map<String, Value>,
    indent: Option<usize>,
    depth: usize,
) {
    if fields.is_empty() {
        out.push_str("{}");
        return;
    }
    let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
    sorted.sort_by(|(left, _), (right, _)| left.chars().cmp(right.chars()));
    out.push('{');
    for (field_idx, (key, value)) in sorted.into_iter().enumerate() {
        separator(out, indent, depth + 1, field_idx == 0);
        write_string(out, key);
        out.push_str(": ");
        write_value(out, value, indent, depth + 1);
    }
    close(out, indent, depth);
    out.push('}');
}

/// What comes before an item: `, ` between compact items, a line break and the indentation in indented output.
fn separator(out: &mut String, indent: Option<usize>, depth: usize, first: bool) {
    match indent {
        None if first => {}
        None => out.push_str(", "),
        Some(width) => {
            if !first {
                out.push(',');
            }
            out.push('\n');
            out.push_str(&" ".repeat(width * depth));
        }
    }
}

/// What comes before a closing bracket: nothing when compact, a line break and the outer indentation otherwise.
fn close(out: &mut String, indent: Option<usize>, depth: usize) {
    if let Some(width) = indent {
        out.push('\n');
        out.push_str(&" ".repeat(width * depth));
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, number: &Number) {
    if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
        out.push_str(&float_repr(float));
    } else {
        let _ = write!(out, "{number}");
    }
}

/// A float as Python's `repr`: the shortest digits that read back the same, in positional notation for exponents from -4 to 15 and in scientific notation otherwise.
fn float_repr(float: f64) -> String {
    if float.is_nan() {
        return "NaN".to_owned();
    }
    if float.is_infinite() {
        return if float > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, such as `1.5e-7` or `-1e16`.
    let scientific = format!("{float:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let text = if point <= 0 {
            let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
            format!("0.{zeros}{digits}")
        } else {
            let point = usize::try_from(point).unwrap_or(0);
            if digits.len() > point {
                format!("{}.{}", &digits[..point], &digits[point..])
            } else {
                format!("{digits}{}.0", "0".repeat(point - digits.len()))
            }
        };
        format!("{sign}{text}")
    } else {
        let fraction = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{fraction}e{exponent_sign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(value: &Value, compact: &str, pretty: &str) {
        assert_eq!(dumps(value), compact, "compact {value}");
        assert_eq!(dumps_pretty(value), pretty, "pretty {value}");
    }

    #[test]
    fn writes_like_python_sorting_keys() {
        check(
            &json!({"b": [1, true, null], "a": {"y": "x", "x": []}, "c": {}}),
            r#"{"a": {"x": [], "y": "x"}, "b": [1, true, null], "c": {}}"#,
            "{\n  \"a\": {\n    \"x\": [],\n    \"y\": \"x\"\n  },\n  \"b\": [\n    1,\n    true,\n    null\n  ],\n  \"c\": {}\n}",
        );
        check(&json!([]), "[]", "[]");
        check(&json!("s"), "\"s\"", "\"s\"");
        check(
            &json!({"Z": 1, "a": 2, "_": 3}),
            r#"{"Z": 1, "_": 3, "a": 2}"#,
            "{\n  \"Z\": 1,\n  \"_\": 3,\n  \"a\": 2\n}",
        );
    }

    #[test]
    fn escapes_like_python() {
        check(
            &json!("a\"b\\c\nd\te\u{1}f\u{7f}é€😀"),
            r#""a\"b\\c\nd\te\u0001f\u007f\u00e9\u20ac\ud83d\ude00""#,
            r#""a\"b\\c\nd\te\u0001f\u007f\u00e9\u20ac\ud83d\ude00""#,
        );
        check(
            &json!({"é": 1}),
            r#"{"\u00e9": 1}"#,
            "{\n  \"\\u00e9\": 1\n}",
        );
    }

    #[test]
    fn numbers_read_as_python_writes_them() {
        for (number, expected) in [
            (json!(0), "0"),
            (json!(-12), "-12"),
            (json!(u64::MAX), "18446744073709551615"),
            (json!(1.0), "1.0"),
            (json!(-0.5), "-0.5"),
            (json!(1_796_454_828.5), "1796454828.5"),
            (json!(0.0001), "0.0001"),
            (json!(0.000_015), "1.5e-05"),
            (json!(1e16), "1e+16"),
            (json!(1.234_5e20), "1.2345e+20"),
            (json!(123_456_789_012_345.6), "123456789012345.6"),
            (json!(0.899_999_976_158_142_1), "0.8999999761581421"),
        ] {
            check(&number, expected, expected);
        }
    }
}
