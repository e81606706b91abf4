//! Properties of response decoding over generated bodies, the same ground the `response` fuzz target covers.
//!
//! - Whatever the bytes and the status, every endpoint answers with a value or an error, never a panic, and every error names its request.
//! - An error envelope is the same API error at every endpoint, and keeps MicroCeph's code and text verbatim, whatever characters the text holds.
//! - A `sync` envelope with a non-success status is never taken for a success.
//! - A truncated body is an undecodable response at every endpoint, never a success or an API error.

use microceph_client::fuzzing::{Decoded, decode_every_response};
use microceph_client::{DecodeError, Error};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Any JSON value, a few levels deep, with the keys of an envelope and its rows turning up often.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => proptest::sample::select(&[
            "type", "metadata", "error", "error_code", "name", "address", "status", "service",
            "location", "group_id", "info", "osd", "path", "disks", "id", "size", "partitions",
        ][..])
            .prop_map(str::to_owned),
        1 => ".{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |number| number.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        proptest::sample::select(&["sync", "error", "ONLINE", "nfs", "rgw", "mon"][..])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// An HTTP status, mostly one MicroCeph sends.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => proptest::sample::select(&[200u16, 201, 400, 404, 500, 503][..]),
        1 => any::<u16>(),
    ]
}

/// Checks what holds for any body: one outcome per endpoint, errors that name their request and keep the status.
fn check_any(status: u16, decoded: &[Decoded]) -> Result<(), TestCaseError> {
    prop_assert_eq!(decoded.len(), 10);
    for Decoded { request, outcome } in decoded {
        if let Err(error) = outcome {
            let text = error.to_string();
            prop_assert!(
                text.starts_with(&request.to_string()),
                "{text:?} does not name {request}"
            );
            prop_assert_eq!(error.status(), Some(status));
            let _ = error.kind();
            if let Error::Decode { excerpt, .. } = error {
                prop_assert!(excerpt.chars().count() <= 201, "{excerpt:?}");
            }
        }
    }
    let api_errors: Vec<Option<(i64, &str)>> = decoded
        .iter()
        .map(|decoded| match &decoded.outcome {
            Err(Error::Api {
                error_code,
                message,
                ..
            }) => Some((*error_code, message.as_str())),
            _ => None,
        })
        .collect();
    prop_assert!(
        api_errors.windows(2).all(|pair| pair[0] == pair[1]),
        "whether a body is an API error depends on the endpoint: {api_errors:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_decode_without_panicking(status in status(), body in vec(any::<u8>(), 0..256)) {
        check_any(status, &decode_every_response(status, &body))?;
    }

    #[test]
    fn any_json_decodes_without_panicking(status in status(), value in json_value()) {
        let body = serde_json::to_vec(&value).expect("a JSON value serializes");
        check_any(status, &decode_every_response(status, &body))?;
    }

    #[test]
    fn any_metadata_in_a_success_envelope_decodes_without_panicking(
        status in status(),
        metadata in json_value(),
    ) {
        let body = json!({
            "type": "sync", "status": "Success", "status_code": 200, "operation": "",
            "error_code": 0, "error": "", "metadata": metadata,
        });
        let decoded = decode_every_response(status, body.to_string().as_bytes());
        check_any(status, &decoded)?;
        if !(200..300).contains(&status) {
            for Decoded { outcome, .. } in &decoded {
                prop_assert!(
                    matches!(outcome, Err(Error::Decode { source: DecodeError::SyncWithErrorStatus, .. })),
                    "{outcome:?}"
                );
            }
        }
    }

    #[test]
    fn error_envelopes_keep_microceph_text_verbatim(
        status in status(),
        error_code in any::<i64>(),
        message in prop_oneof![".{0,40}", "[\\x00-\\x1f\"\\\\<>&%]{0,10}", ".{300,400}"],
    ) {
        let body = json!({
            "type": "error", "status": "", "status_code": 0, "operation": "",
            "error_code": error_code, "error": message, "metadata": null,
        });
        let decoded = decode_every_response(status, body.to_string().as_bytes());
        check_any(status, &decoded)?;
        for Decoded { request, outcome } in decoded {
            let Err(error) = outcome else {
                return Err(TestCaseError::fail(format!("{request} took an error envelope for a success")));
            };
            prop_assert_eq!(error.api_message(), Some(message.as_str()));
            prop_assert_eq!(
                error.to_string(),
                format!("{request}: {message} (HTTP {status})")
            );
            let code = match error {
                Error::Api { error_code, .. } => Some(error_code),
                _ => None,
            };
            prop_assert_eq!(code, Some(error_code));
        }
    }

    #[test]
    fn truncated_bodies_are_undecodable(value in json_value(), cut in any::<prop::sample::Index>()) {
        let body = json!({
            "type": "sync", "status": "Success", "status_code": 200, "operation": "",
            "error_code": 0, "error": "", "metadata": value,
        })
        .to_string();
        // Cutting anywhere before the closing brace leaves an object that never closes.
        let body = &body.as_bytes()[..cut.index(body.len())];
        let decoded = decode_every_response(200, body);
        check_any(200, &decoded)?;
        for Decoded { outcome, .. } in &decoded {
            prop_assert!(
                matches!(outcome, Err(Error::Decode { source: DecodeError::Json(_), .. })),
                "{outcome:?}"
            );
        }
    }
}
