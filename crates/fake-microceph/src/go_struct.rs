//! Typed decoding of [`GoValue`]s into the flat Go structs MicroCeph's handlers declare.
//!
//! It reproduces what clients can observe of Go's `encoding/json` struct decoding: keys match field names exactly or else case-insensitively, unknown keys and `null`s are ignored, the last duplicate wins, and the first type mismatch is reported as `json: cannot unmarshal <kind> into Go struct field <Struct>.<field> of type <type>`.
//! The request types MicroCeph decodes are declared at the bottom as [`GoStruct`] tables.

use crate::go_json::GoValue;

/// The Go type of one struct field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GoKind {
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `int` (64 bits on the platforms MicroCeph ships for).
    Int,
    /// `uint`.
    Uint,
}

/// A decoded field value; absent fields hold Go's zero value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GoField {
    /// A `string` field.
    String(String),
    /// A `bool` field.
    Bool(bool),
    /// An `int` field.
    Int(i64),
    /// A `uint` field.
    Uint(u64),
}

impl GoField {
    /// The string value; the zero value for fields of other kinds.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::String(text) => text,
            _ => "",
        }
    }

    /// The boolean value; `false` for fields of other kinds.
    pub(crate) fn as_bool(&self) -> bool {
        matches!(self, Self::Bool(true))
    }

    /// The integer value of an `int` field; 0 for other kinds.
    pub(crate) fn as_int(&self) -> i64 {
        match self {
            Self::Int(value) => *value,
            _ => 0,
        }
    }

    /// The integer value of a `uint` field; 0 for other kinds.
    pub(crate) fn as_uint(&self) -> u64 {
        match self {
            Self::Uint(value) => *value,
            _ => 0,
        }
    }
}

/// A flat Go struct: its qualified type name and its fields' JSON names and kinds, in declaration order.
#[derive(Debug)]
pub(crate) struct GoStruct {
    /// The type as `reflect.Type.String()` prints it, such as `types.EnableService`.
    pub(crate) type_name: &'static str,
    /// Each field's JSON name (its tag, or the Go field name when untagged) and kind.
    pub(crate) fields: &'static [(&'static str, GoKind)],
}

impl GoStruct {
    /// Decodes `value` into this struct's fields, in declaration order.
    pub(crate) fn decode(&self, value: &GoValue) -> Result<Vec<GoField>, String> {
        let mut fields: Vec<GoField> = self.fields.iter().map(|(_, kind)| zero(*kind)).collect();
        let members = match value {
            GoValue::Null => return Ok(fields),
            GoValue::Object(members) => members,
            other => return Err(value_type_error(other.kind_word(), self.type_name)),
        };
        let mut first_error = None;
        for (key, member) in members {
            let Some(index) = self.field_index(key) else {
                continue;
            };
            let (name, kind) = self.fields[index];
            match convert(member, kind) {
                Ok(Some(field)) => fields[index] = field,
                Ok(None) => {}
                Err(found) => {
                    first_error.get_or_insert_with(|| {
                        format!(
                            "json: cannot unmarshal {found} into Go struct field {}.{name} of type {}",
                            self.bare_name(),
                            kind_name(kind)
                        )
                    });
                }
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(fields),
        }
    }

    /// Decodes a JSON array into a slice of this struct, as Go decodes `[]T` into the named slice type `slice_type`.
    pub(crate) fn decode_slice(
        &self,
        value: &GoValue,
        slice_type: &str,
    ) -> Result<Vec<Vec<GoField>>, String> {
        match value {
            GoValue::Null => Ok(Vec::new()),
            GoValue::Array(items) => items.iter().map(|item| self.decode(item)).collect(),
            other => Err(value_type_error(other.kind_word(), slice_type)),
        }
    }

    fn bare_name(&self) -> &'static str {
        self.type_name.rsplit('.').next().unwrap_or(self.type_name)
    }

    /// Finds a field by exact name first, then by Go's case folding.
    fn field_index(&self, key: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|(name, _)| *name == key)
            .or_else(|| {
                self.fields
                    .iter()
                    .position(|(name, _)| fold_equal(name, key))
            })
    }
}

/// The `EnableService` body of `PUT /1.0/services/{name}`.
pub(crate) const ENABLE_SERVICE: GoStruct = GoStruct {
    type_name: "types.EnableService",
    fields: &[
        ("name", GoKind::String),
        ("bool", GoKind::Bool),
        ("payload", GoKind::String),
    ],
};

/// One element of the `types.Services` body of `POST /1.0/services/restart`.
pub(crate) const SERVICE: GoStruct = GoStruct {
    type_name: "types.Service",
    fields: &[
        ("service", GoKind::String),
        ("location", GoKind::String),
        ("group_id", GoKind::String),
        ("info", GoKind::String),
    ],
};

/// The `NFSService` body of `DELETE /1.0/services/nfs`.
pub(crate) const NFS_SERVICE: GoStruct = GoStruct {
    type_name: "types.NFSService",
    fields: &[("cluster_id", GoKind::String)],
};

/// The RGW enablement payload; its Go fields have no JSON tags, so the keys are the field names.
pub(crate) const RGW_PLACEMENT: GoStruct = GoStruct {
    type_name: "ceph.RgwServicePlacement",
    fields: &[
        ("Port", GoKind::Int),
        ("SSLPort", GoKind::Int),
        ("SSLCertificate", GoKind::String),
        ("SSLPrivateKey", GoKind::String),
    ],
};

/// The NFS enablement payload.
pub(crate) const NFS_PLACEMENT: GoStruct = GoStruct {
    type_name: "ceph.NFSServicePlacement",
    fields: &[
        ("cluster_id", GoKind::String),
        ("v4_min_version", GoKind::Uint),
        ("bind_address", GoKind::String),
        ("bind_port", GoKind::Uint),
    ],
};

fn value_type_error(found: &str, type_name: &str) -> String {
    format!("json: cannot unmarshal {found} into Go value of type {type_name}")
}

fn zero(kind: GoKind) -> GoField {
    match kind {
        GoKind::String => GoField::String(String::new()),
        GoKind::Bool => GoField::Bool(false),
        GoKind::Int => GoField::Int(0),
        GoKind::Uint => GoField::Uint(0),
    }
}

fn kind_name(kind: GoKind) -> &'static str {
    match kind {
        GoKind::String => "string",
        GoKind::Bool => "bool",
        GoKind::Int => "int",
        GoKind::Uint => "uint",
    }
}

/// Converts one JSON value to a field; `Ok(None)` leaves the field unchanged (Go ignores `null`), and `Err` carries the value description of Go's type error.
fn convert(value: &GoValue, kind: GoKind) -> Result<Option<GoField>, String> {
    match (value, kind) {
        (GoValue::Null, _) => Ok(None),
        (GoValue::String(text), GoKind::String) => Ok(Some(GoField::String(text.clone()))),
        (GoValue::Bool(flag), GoKind::Bool) => Ok(Some(GoField::Bool(*flag))),
        (GoValue::Number(literal), GoKind::Int) => literal
            .parse::<i64>()
            .map(|number| Some(GoField::Int(number)))
            .map_err(|_| format!("number {literal}")),
        (GoValue::Number(literal), GoKind::Uint) => literal
            .parse::<u64>()
            .map(|number| Some(GoField::Uint(number)))
            .map_err(|_| format!("number {literal}")),
        (other, _) => Err(other.kind_word().to_owned()),
    }
}

/// Compares a struct field name with a JSON key the way Go's decoder folds case.
fn fold_equal(name: &str, key: &str) -> bool {
    name.chars().map(fold).eq(key.chars().map(fold))
}

/// Go folds with `unicode.SimpleFold`, which also maps the Kelvin sign to `k` and the long s to `s`.
fn fold(character: char) -> char {
    match character {
        '\u{212a}' => 'k',
        '\u{17f}' => 's',
        _ if character.is_ascii() => character.to_ascii_lowercase(),
        _ => {
            let mut lower = character.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(single), None) => single,
                _ => character,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::go_json::decode;

    fn check(target: &GoStruct, body: &str, expected: Result<Vec<GoField>, &str>) {
        let value = decode(body.as_bytes()).expect("valid JSON");
        assert_eq!(
            target.decode(&value),
            expected.map_err(str::to_owned),
            "body {body}"
        );
    }

    fn enable(name: &str, wait: bool, payload: &str) -> Vec<GoField> {
        vec![
            GoField::String(name.to_owned()),
            GoField::Bool(wait),
            GoField::String(payload.to_owned()),
        ]
    }

    #[test]
    fn keys_match_case_insensitively_and_last_duplicate_wins() {
        check(
            &ENABLE_SERVICE,
            r#"{"NAME":"rgw","Bool":true,"name":"mon"}"#,
            Ok(enable("mon", true, "")),
        );
        check(
            &ENABLE_SERVICE,
            r#"{"name":"rgw","extra":[1,2],"payload":null}"#,
            Ok(enable("rgw", false, "")),
        );
        check(&ENABLE_SERVICE, "null", Ok(enable("", false, "")));
    }

    #[test]
    fn type_mismatches_use_go_texts() {
        check(
            &ENABLE_SERVICE,
            r#"{"name":"rgw","bool":"yes"}"#,
            Err(
                "json: cannot unmarshal string into Go struct field EnableService.bool of type bool",
            ),
        );
        check(
            &ENABLE_SERVICE,
            r#"{"name":1,"bool":"yes"}"#,
            Err(
                "json: cannot unmarshal number into Go struct field EnableService.name of type string",
            ),
        );
        check(
            &ENABLE_SERVICE,
            "[]",
            Err("json: cannot unmarshal array into Go value of type types.EnableService"),
        );
        check(
            &RGW_PLACEMENT,
            r#"{"port":1.5}"#,
            Err(
                "json: cannot unmarshal number 1.5 into Go struct field RgwServicePlacement.Port of type int",
            ),
        );
        check(
            &NFS_PLACEMENT,
            r#"{"bind_port":-1}"#,
            Err(
                "json: cannot unmarshal number -1 into Go struct field NFSServicePlacement.bind_port of type uint",
            ),
        );
    }

    #[test]
    fn slices_reject_other_values() {
        let value = decode(br#"{"service":"mon"}"#).unwrap();
        assert_eq!(
            SERVICE.decode_slice(&value, "types.Services").unwrap_err(),
            "json: cannot unmarshal object into Go value of type types.Services"
        );
        let value = decode(b"[1]").unwrap();
        assert_eq!(
            SERVICE.decode_slice(&value, "types.Services").unwrap_err(),
            "json: cannot unmarshal number into Go value of type types.Service"
        );
    }

    #[test]
    fn folding_knows_go_special_cases() {
        assert!(fold_equal("SSLPort", "sslport"));
        assert!(fold_equal("SSLPort", "\u{17f}slport"));
        assert!(!fold_equal("SSLPort", "ssl_port"));
    }
}
