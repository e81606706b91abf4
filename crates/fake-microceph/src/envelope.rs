//! The response envelope MicroCeph wraps every answer in, rendered byte for byte as Go renders it.
//!
//! microcluster writes success bodies with a JSON encoder whose HTML escaping is off and error bodies with Go's default encoder, which escapes `<`, `>` and `&`.
//! Both always escape U+2028 and U+2029, write backspace and form feed as `\u0008` and `\u000c`, and end the body with a newline.
//! [`GoFormatter`] teaches `serde_json` those rules, so no rendered text is ever patched afterwards.

use std::io;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// The JSON text of an envelope's `metadata`, rendered the way a success body renders it.
///
/// Keeping the rendered text (rather than a `serde_json::Value`) preserves the key order of Go structs and lets a `?target=` proxy re-wrap a remote member's metadata verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Metadata(String);

impl Metadata {
    /// The `null` metadata of `SyncResponse(true, nil)`.
    pub(crate) fn null() -> Self {
        Self("null".to_owned())
    }

    /// The `{}` metadata of `EmptySyncResponse`.
    pub(crate) fn empty_object() -> Self {
        Self("{}".to_owned())
    }

    /// Renders any serialisable value as success metadata.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Self {
        Self(to_go_json(value, Escaping::Success))
    }

    /// The rendered JSON text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a handler answers: a sync success with its metadata, or an error with its HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// HTTP 200 with a sync envelope.
    Success(Metadata),
    /// An error envelope whose `error_code` is also the HTTP status.
    Error {
        /// The HTTP status, which is also the envelope's `error_code`.
        status: u16,
        /// The envelope's `error` text.
        message: String,
    },
}

impl Outcome {
    /// A success whose metadata is `value`.
    pub(crate) fn success<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::Success(Metadata::of(value))
    }

    /// A success with `null` metadata.
    pub(crate) fn null() -> Self {
        Self::Success(Metadata::null())
    }

    /// A success with `{}` metadata.
    pub(crate) fn empty_object() -> Self {
        Self::Success(Metadata::empty_object())
    }

    /// An error with an explicit status and text.
    pub(crate) fn error(status: u16, message: impl Into<String>) -> Self {
        Self::Error {
            status,
            message: message.into(),
        }
    }

    /// An error whose text is Go's `http.StatusText` for its status, as microcluster writes for a nil error.
    pub(crate) fn status_text(status: u16) -> Self {
        let text = StatusCode::from_u16(status)
            .ok()
            .and_then(|code| code.canonical_reason())
            .unwrap_or("");
        Self::error(status, text)
    }

    /// Renders the envelope as an HTTP response with MicroCeph's headers.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        match self {
            Self::Success(metadata) => {
                json_response(StatusCode::OK, success_body(&metadata), false)
            }
            Self::Error { status, message } => {
                let code =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                json_response(code, error_body(status, &message), true)
            }
        }
    }
}

/// Which of Go's two encoder configurations to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Escaping {
    /// microcluster's success encoder: `SetEscapeHTML(false)`.
    Success,
    /// Go's default encoder, used for error bodies and `json.Marshal`.
    Html,
}

/// Serialises `value` as compact JSON the way Go's encoder would, without a trailing newline.
pub(crate) fn to_go_json<T: Serialize + ?Sized>(value: &T, escaping: Escaping) -> String {
    let mut buffer = Vec::with_capacity(128);
    let formatter = GoFormatter {
        escape_html: escaping == Escaping::Html,
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    value
        .serialize(&mut serializer)
        .expect("serialising plain data to memory cannot fail");
    String::from_utf8(buffer).expect("serde_json writes UTF-8")
}

/// The full body of a sync success envelope, trailing newline included.
pub(crate) fn success_body(metadata: &Metadata) -> String {
    let mut body = String::with_capacity(metadata.as_str().len() + 112);
    body.push_str(
        r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":"#,
    );
    body.push_str(metadata.as_str());
    body.push_str("}\n");
    body
}

/// The full body of an error envelope, trailing newline included.
pub(crate) fn error_body(status: u16, message: &str) -> String {
    #[derive(Serialize)]
    struct ErrorEnvelope<'a> {
        r#type: &'a str,
        status: &'a str,
        status_code: u16,
        operation: &'a str,
        error_code: u16,
        error: &'a str,
        metadata: (),
    }
    let envelope = ErrorEnvelope {
        r#type: "error",
        status: "",
        status_code: 0,
        operation: "",
        error_code: status,
        error: message,
        metadata: (),
    };
    let mut body = to_go_json(&envelope, Escaping::Html);
    body.push('\n');
    body
}

/// A JSON response with MicroCeph's headers; error responses also carry `X-Content-Type-Options: nosniff`.
pub(crate) fn json_response(
    status: StatusCode,
    body: String,
    is_error: bool,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if is_error {
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    }
    response
}

/// A `serde_json` formatter that escapes strings exactly as Go's `encoding/json` does.
#[derive(Clone, Copy, Debug)]
struct GoFormatter {
    escape_html: bool,
}

impl Formatter for GoFormatter {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let mut start = 0;
        for (index, character) in fragment.char_indices() {
            let escape = match character {
                '<' if self.escape_html => "\\u003c",
                '>' if self.escape_html => "\\u003e",
                '&' if self.escape_html => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..index])?;
            writer.write_all(escape.as_bytes())?;
            start = index + character.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W>(&mut self, writer: &mut W, char_escape: CharEscape) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let control = |byte: u8| {
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]
        };
        match char_escape {
            CharEscape::Quote => writer.write_all(b"\\\""),
            CharEscape::ReverseSolidus => writer.write_all(b"\\\\"),
            CharEscape::Solidus => writer.write_all(b"/"),
            CharEscape::LineFeed => writer.write_all(b"\\n"),
            CharEscape::CarriageReturn => writer.write_all(b"\\r"),
            CharEscape::Tab => writer.write_all(b"\\t"),
            CharEscape::Backspace => writer.write_all(&control(0x08)),
            CharEscape::FormFeed => writer.write_all(&control(0x0c)),
            CharEscape::AsciiControl(byte) => writer.write_all(&control(byte)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, escaping: Escaping, expected: &str) {
        assert_eq!(to_go_json(text, escaping), expected);
    }

    #[test]
    fn html_characters_are_escaped_only_in_html_mode() {
        check("<a&b>", Escaping::Html, r#""\u003ca\u0026b\u003e""#);
        check("<a&b>", Escaping::Success, r#""<a&b>""#);
    }

    #[test]
    fn line_and_paragraph_separators_are_always_escaped() {
        check(
            "a\u{2028}b\u{2029}",
            Escaping::Success,
            r#""a\u2028b\u2029""#,
        );
        check("a\u{2028}b\u{2029}", Escaping::Html, r#""a\u2028b\u2029""#);
    }

    #[test]
    fn control_characters_use_go_spellings() {
        check(
            "\u{8}\u{c}\n\r\t\u{1}\u{1f}\"\\/",
            Escaping::Success,
            r#""\u0008\u000c\n\r\t\u0001\u001f\"\\/""#,
        );
        check("\u{7f}é", Escaping::Html, "\"\u{7f}é\"");
    }

    #[test]
    fn error_envelope_has_all_seven_keys() {
        assert_eq!(
            error_body(404, "Not Found"),
            "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":404,\"error\":\"Not Found\",\"metadata\":null}\n"
        );
    }

    #[test]
    fn success_envelope_wraps_metadata_verbatim() {
        assert_eq!(
            success_body(&Metadata::of(&["/1.0"])),
            "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,\"error\":\"\",\"metadata\":[\"/1.0\"]}\n"
        );
    }
}
