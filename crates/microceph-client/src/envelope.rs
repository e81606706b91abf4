//! Decoding of the response envelope that wraps every MicroCeph answer (`microceph-api.md` §2).
//!
//! A body must be a JSON object whose `type` is `sync` or `error`.
//! A `sync` envelope must come with a 2xx HTTP status and carry a `metadata` key (which may be `null`); the metadata is then decoded into the endpoint's type.
//! An `error` envelope must carry an integer `error_code` and a string `error`, which become an API error kept verbatim.
//! Anything else (another `type`, a body that is not JSON, a truncated body, metadata of the wrong shape) is a [`DecodeError`].
//! [`decode_response`] turns the outcome into the client's [`Error`], adding the request line, the HTTP status and an excerpt of an undecodable body.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, RequestLine};

/// Why a response body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The body is not JSON, or is truncated.
    #[error("body is not valid json")]
    Json(#[source] serde_json::Error),

    /// The body is JSON but not an envelope object with the required keys.
    #[error("body is not a microceph response envelope: {0}")]
    NotEnvelope(&'static str),

    /// The envelope's `type` is neither `sync` nor `error`.
    #[error("unexpected envelope type {0:?}")]
    UnexpectedType(String),

    /// A `sync` envelope arrived with an HTTP status outside 2xx, which MicroCeph never sends.
    #[error("sync envelope with a non-success http status")]
    SyncWithErrorStatus,

    /// The envelope is fine but its `metadata` does not have the shape this endpoint returns.
    #[error("metadata does not have the expected shape")]
    Metadata(#[source] serde_json::Error),
}

/// The result of decoding an envelope that is not a success.
#[derive(Debug)]
pub(crate) enum EnvelopeError {
    /// MicroCeph answered with an `error` envelope.
    Api {
        /// The envelope's `error_code`.
        error_code: i64,
        /// The envelope's `error` text, verbatim.
        message: String,
    },
    /// The body could not be decoded.
    Decode(DecodeError),
}

/// Decodes a response body into the endpoint's metadata type, given the HTTP status it came with.
pub(crate) fn decode<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, EnvelopeError> {
    let not_envelope = |what| EnvelopeError::Decode(DecodeError::NotEnvelope(what));
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| EnvelopeError::Decode(DecodeError::Json(err)))?;
    let Value::Object(mut envelope) = value else {
        return Err(not_envelope("not a json object"));
    };
    let envelope_type = match envelope.get("type") {
        Some(Value::String(envelope_type)) => envelope_type.clone(),
        Some(_) => return Err(not_envelope("\"type\" is not a string")),
        None => return Err(not_envelope("missing \"type\"")),
    };
    match envelope_type.as_str() {
        "sync" => {
            if !(200..300).contains(&status) {
                return Err(EnvelopeError::Decode(DecodeError::SyncWithErrorStatus));
            }
            let metadata = envelope
                .remove("metadata")
                .ok_or_else(|| not_envelope("missing \"metadata\""))?;
            serde_json::from_value(metadata)
                .map_err(|err| EnvelopeError::Decode(DecodeError::Metadata(err)))
        }
        "error" => Err(api_error(&mut envelope).unwrap_or_else(not_envelope)),
        _ => Err(EnvelopeError::Decode(DecodeError::UnexpectedType(
            envelope_type,
        ))),
    }
}

/// Decodes the body of the response to `request` into the endpoint's metadata type, as the client's [`Error`] on failure.
pub(crate) fn decode_response<T: DeserializeOwned>(
    request: RequestLine,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    decode(status, body).map_err(|err| match err {
        EnvelopeError::Api {
            error_code,
            message,
        } => Error::Api {
            request,
            status,
            error_code,
            message,
        },
        EnvelopeError::Decode(source) => Error::Decode {
            request,
            status,
            excerpt: excerpt(body),
            source,
        },
    })
}

/// Extracts `error_code` and `error` from an `error` envelope.
fn api_error(envelope: &mut Map<String, Value>) -> Result<EnvelopeError, &'static str> {
    let error_code = envelope
        .get("error_code")
        .and_then(Value::as_i64)
        .ok_or("\"error_code\" is missing or not an integer")?;
    let Some(Value::String(message)) = envelope.remove("error") else {
        return Err("\"error\" is missing or not a string");
    };
    Ok(EnvelopeError::Api {
        error_code,
        message,
    })
}

/// The longest body excerpt kept in a decode error, in characters.
const EXCERPT_CHARS: usize = 200;

/// Returns the first characters of a body, for showing an undecodable response to an operator.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// An empty success payload: MicroCeph sends `null` from some handlers and `{}` from others.
///
/// Any JSON object is accepted too, since the content is not used; arrays, strings, numbers and booleans are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Empty;

impl<'de> serde::Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Map<String, Value>>::deserialize(deserializer).map(|_| Self)
    }
}

#[cfg(test)]
mod tests {
    use super::{DecodeError, Empty, EnvelopeError, decode, excerpt};

    const SUCCESS_NULL: &str = r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":null}"#;
    const SUCCESS_EMPTY: &str = r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{}}"#;
    const SUCCESS_ARRAY: &str = r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":["/1.0"]}"#;
    const ERROR_404: &str = r#"{"type":"error","status":"","status_code":0,"operation":"","error_code":404,"error":"Not Found","metadata":null}"#;

    fn decode_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        status: u16,
        body: &str,
    ) -> DecodeError {
        match decode::<T>(status, body.as_bytes()) {
            Err(EnvelopeError::Decode(err)) => err,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn success_with_null_and_empty_object() {
        assert_eq!(
            decode::<Empty>(200, SUCCESS_NULL.as_bytes()).unwrap(),
            Empty
        );
        assert_eq!(
            decode::<Empty>(200, SUCCESS_EMPTY.as_bytes()).unwrap(),
            Empty
        );
        // A trailing newline, as Go's JSON encoder writes, is fine.
        assert_eq!(
            decode::<Empty>(200, format!("{SUCCESS_EMPTY}\n").as_bytes()).unwrap(),
            Empty
        );
    }

    #[test]
    fn success_with_array() {
        let metadata: Vec<String> = decode(200, SUCCESS_ARRAY.as_bytes()).unwrap();
        assert_eq!(metadata, ["/1.0"]);
    }

    #[test]
    fn error_envelope_keeps_code_and_text_verbatim() {
        match decode::<Empty>(404, ERROR_404.as_bytes()) {
            Err(EnvelopeError::Api {
                error_code,
                message,
            }) => {
                assert_eq!(error_code, 404);
                assert_eq!(message, "Not Found");
            }
            other => panic!("expected an api error, got {other:?}"),
        }
        let escaped = r#"{"type":"error","status":"","status_code":0,"operation":"","error_code":500,"error":"a \u003cb\u003e \u0026 \"c\"","metadata":null}"#;
        match decode::<Empty>(500, escaped.as_bytes()) {
            Err(EnvelopeError::Api { message, .. }) => assert_eq!(message, "a <b> & \"c\""),
            other => panic!("expected an api error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_is_a_decode_error() {
        let body = SUCCESS_NULL.replace("\"sync\"", "\"async\"");
        assert!(matches!(
            decode_error::<Empty>(200, &body),
            DecodeError::UnexpectedType(t) if t == "async"
        ));
        let body = SUCCESS_NULL.replace("\"type\":\"sync\",", "");
        assert!(matches!(
            decode_error::<Empty>(200, &body),
            DecodeError::NotEnvelope(_)
        ));
        assert!(matches!(
            decode_error::<Empty>(200, "[1,2]"),
            DecodeError::NotEnvelope(_)
        ));
    }

    #[test]
    fn non_json_and_truncated_bodies_are_decode_errors() {
        assert!(matches!(
            decode_error::<Empty>(404, "404 page not found\n"),
            DecodeError::Json(_)
        ));
        assert!(matches!(
            decode_error::<Empty>(200, ""),
            DecodeError::Json(_)
        ));
        assert!(matches!(
            decode_error::<Empty>(200, &SUCCESS_ARRAY[..SUCCESS_ARRAY.len() - 10]),
            DecodeError::Json(_)
        ));
    }

    #[test]
    fn inconsistent_envelopes_are_decode_errors() {
        assert!(matches!(
            decode_error::<Empty>(500, SUCCESS_NULL),
            DecodeError::SyncWithErrorStatus
        ));
        let no_metadata = SUCCESS_NULL.replace(",\"metadata\":null", "");
        assert!(matches!(
            decode_error::<Empty>(200, &no_metadata),
            DecodeError::NotEnvelope(_)
        ));
        let no_text = ERROR_404.replace("\"error\":\"Not Found\",", "");
        assert!(matches!(
            decode_error::<Empty>(404, &no_text),
            DecodeError::NotEnvelope(_)
        ));
        let string_code = ERROR_404.replace("404", "\"404\"");
        assert!(matches!(
            decode_error::<Empty>(404, &string_code),
            DecodeError::NotEnvelope(_)
        ));
    }

    #[test]
    fn metadata_of_the_wrong_shape_is_a_decode_error() {
        assert!(matches!(
            decode_error::<Vec<String>>(200, SUCCESS_EMPTY),
            DecodeError::Metadata(_)
        ));
        assert!(matches!(
            decode_error::<Empty>(200, SUCCESS_ARRAY),
            DecodeError::Metadata(_)
        ));
    }

    #[test]
    fn excerpts_are_short_and_cut_on_character_boundaries() {
        assert_eq!(excerpt(b"  short\n"), "short");
        let long = "ü".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }
}
