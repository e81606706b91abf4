//! Just enough of Python's syntax to read literal keyword arguments and module-level string constants out of a source file, without running it.

use std::collections::BTreeMap;

use anyhow::bail;

/// A keyword argument's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// A string literal, unescaped.
    Str(String),
    /// A number, as written.
    Number(String),
    /// `True` or `False`.
    Bool(bool),
    /// A bare name, such as a constant.
    Name(String),
    /// Anything else, as written.
    Other(String),
}

/// The keyword arguments of a call whose `(` was just read, and the text after its `)`.
pub(super) fn call_arguments(text: &str) -> anyhow::Result<(Vec<(String, Value)>, &str)> {
    let mut arguments = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(')') {
            return Ok((arguments, after));
        }
        let Some((key, after)) = rest.split_once('=') else {
            bail!("expected `name=value` at `{}`", first_line(rest));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("`{key}` is not a keyword argument");
        }
        let (raw, after) = value_text(after.trim_start())?;
        arguments.push((key.to_owned(), value(raw)));
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with(')') {
            bail!("expected `,` or `)` at `{}`", first_line(rest));
        }
    }
}

/// The module-level `NAME = '...'` string constants of a source file.
pub(super) fn constants(source: &str) -> BTreeMap<String, String> {
    source
        .lines()
        .filter(|line| !line.starts_with([' ', '\t']))
        .filter_map(|line| {
            let (name, literal) = line.split_once(" = ")?;
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                return None;
            }
            match value(literal.trim()) {
                Value::Str(text) => Some((name.to_owned(), text)),
                _ => None,
            }
        })
        .collect()
}

/// Splits the text of one argument value off `text`: up to a `,` or `)` outside strings and brackets.
fn value_text(text: &str) -> anyhow::Result<(&str, &str)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ',' | ')' if depth == 0 => return Ok((text[..index].trim_end(), &text[index..])),
            _ => {}
        }
    }
    bail!("the call is not closed")
}

/// Reads one value as written.
fn value(raw: &str) -> Value {
    if let Some(text) = string_literal(raw) {
        return Value::Str(text);
    }
    match raw {
        "True" => Value::Bool(true),
        "False" => Value::Bool(false),
        _ if !raw.is_empty()
            && raw
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
        {
            Value::Number(raw.to_owned())
        }
        _ if !raw.is_empty() && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Value::Name(raw.to_owned())
        }
        _ => Value::Other(raw.to_owned()),
    }
}

/// The text of a single- or double-quoted string literal, with `\\`, `\'` and `\"` unescaped.
fn string_literal(raw: &str) -> Option<String> {
    let quote = raw.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = raw.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(escaped @ ('\\' | '\'' | '"')) => text.push(escaped),
                _ => return None,
            }
        } else if c == quote {
            return None;
        } else {
            text.push(c);
        }
    }
    Some(text)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{Value, call_arguments, constants};

    #[test]
    fn keyword_arguments_are_read_as_literals() {
        let (arguments, rest) =
            call_arguments("a='x, y', b=\"it's\", c=15, d=True,\n e=NAME, f=[1, 2]) tail").unwrap();
        assert_eq!(
            arguments,
            [
                ("a".to_owned(), Value::Str("x, y".to_owned())),
                ("b".to_owned(), Value::Str("it's".to_owned())),
                ("c".to_owned(), Value::Number("15".to_owned())),
                ("d".to_owned(), Value::Bool(true)),
                ("e".to_owned(), Value::Name("NAME".to_owned())),
                ("f".to_owned(), Value::Other("[1, 2]".to_owned())),
            ]
        );
        assert_eq!(rest, " tail");
        assert!(call_arguments("a='open").is_err());
        assert!(call_arguments("positional)").is_err());
    }

    #[test]
    fn constants_are_module_level_strings() {
        let source = "X = 'a'\nY = 3\n    Z = 'inner'\nPREFIX = 'spec.'\n";
        let found = constants(source);
        assert_eq!(found.get("X").map(String::as_str), Some("a"));
        assert_eq!(found.get("PREFIX").map(String::as_str), Some("spec."));
        assert!(!found.contains_key("Y") && !found.contains_key("Z"));
    }
}
