//! Reading JSON objects field by field, with errors that name the offending field by its path.
//!
//! The cluster description file and the control API bodies are read through [`Fields`], so a mistake is reported as, for example, `members[1].status: expected one of ONLINE, UNREACHABLE, UPGRADING, NEEDS UPGRADE, found "DOWN"`.
//! Unknown keys are rejected, and `null` counts as an absent field.

use serde_json::{Map, Value};

/// The fields of one JSON object, read one at a time, with the object's path for error messages.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    path: String,
    map: &'a Map<String, Value>,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Starts reading `value`, which must be an object; `path` names it in errors (`""` for the document root).
    pub(crate) fn new(value: &'a Value, path: &str) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Self {
                path: path.to_owned(),
                map,
                known: Vec::new(),
            }),
            other => Err(format!(
                "{}: expected a JSON object, found {}",
                display_path(path),
                describe(other)
            )),
        }
    }

    /// The path of a field of this object, such as `members[0].name`.
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The raw value of a field, if present and not `null`.
    pub(crate) fn value(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.map.get(key).filter(|value| !value.is_null())
    }

    /// An optional string field.
    pub(crate) fn string(&mut self, key: &'static str) -> Result<Option<String>, String> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// A string field that must be present.
    pub(crate) fn required_string(&mut self, key: &'static str) -> Result<String, String> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    /// An optional non-negative integer field.
    pub(crate) fn u64(&mut self, key: &'static str) -> Result<Option<u64>, String> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Number(number)) if number.as_u64().is_some() => Ok(number.as_u64()),
            Some(other) => Err(self.wrong_type(key, "a non-negative integer", other)),
        }
    }

    /// An optional boolean field.
    pub(crate) fn bool(&mut self, key: &'static str) -> Result<Option<bool>, String> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.wrong_type(key, "true or false", other)),
        }
    }

    /// An optional array field.
    pub(crate) fn array(&mut self, key: &'static str) -> Result<Option<&'a Vec<Value>>, String> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(self.wrong_type(key, "an array", other)),
        }
    }

    /// An optional array of strings.
    pub(crate) fn strings(&mut self, key: &'static str) -> Result<Option<Vec<String>>, String> {
        let Some(items) = self.array(key)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(format!(
                    "{}[{index}]: expected a string, found {}",
                    self.path_of(key),
                    describe(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// An optional field whose string value must be one of `choices`, returned parsed.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        key: &'static str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, String> {
        let Some(text) = self.string(key)? else {
            return Ok(None);
        };
        parse_choice(&self.path_of(key), &text, choices).map(Some)
    }

    /// The error for a field that must be present.
    pub(crate) fn missing(&self, key: &str) -> String {
        format!("{}: missing required field", self.path_of(key))
    }

    /// Fails if the object has a key no reader asked for.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self
            .map
            .keys()
            .find(|key| !self.known.contains(&key.as_str()))
        {
            None => Ok(()),
            Some(key) => Err(format!(
                "{}: unknown field (expected one of {})",
                self.path_of(key),
                self.known.join(", ")
            )),
        }
    }

    fn wrong_type(&self, key: &str, expected: &str, found: &Value) -> String {
        format!(
            "{}: expected {expected}, found {}",
            self.path_of(key),
            describe(found)
        )
    }
}

/// Parses `text` as one of `choices`, naming the field at `path` and the accepted spellings on failure.
pub(crate) fn parse_choice<T: Copy>(
    path: &str,
    text: &str,
    choices: &[(&str, T)],
) -> Result<T, String> {
    choices
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            format!(
                "{}: expected one of {}, found {}",
                display_path(path),
                names.join(", "),
                Value::String(text.to_owned())
            )
        })
}

/// The path of the `index`th element of the array at `path`.
pub(crate) fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// A short description of a JSON value for error messages: its text when it is small, else its kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        scalar => {
            let text = scalar.to_string();
            if text.chars().count() > 40 {
                "a long string".to_owned()
            } else {
                text
            }
        }
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_path() {
        let value: Value = serde_json::from_str(r#"{"a": "x", "b": 1, "c": [1]}"#).unwrap();
        let mut fields = Fields::new(&value, "members[2]").unwrap();
        assert_eq!(
            fields.u64("a").unwrap_err(),
            r#"members[2].a: expected a non-negative integer, found "x""#
        );
        assert_eq!(
            fields.strings("c").unwrap_err(),
            "members[2].c[0]: expected a string, found 1"
        );
        assert_eq!(fields.missing("d"), "members[2].d: missing required field");
        assert_eq!(
            fields.finish().unwrap_err(),
            "members[2].b: unknown field (expected one of a, c)"
        );
    }

    #[test]
    fn choices_list_what_is_accepted() {
        assert_eq!(
            parse_choice("status", "DOWN", &[("UP", 1), ("OFF", 2)]).unwrap_err(),
            r#"status: expected one of UP, OFF, found "DOWN""#
        );
    }
}
