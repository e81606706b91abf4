//! RGW certificate and key material: never shown, and taken back from the stored spec when a shown spec is applied again.
//!
//! A stored rgw spec keeps `rgw_frontend_ssl_certificate` (the certificate chain and its private key, as Ceph's spec carries them) in the mgr store, because enabling RGW on another member later needs them.
//! Every spec a listing shows has that field replaced by a [placeholder](redacted_spec), so `ceph orch ls --export` and `--format json|yaml` never print a key.
//! An error MicroCeph gives for an enable is [scrubbed](scrub) of the certificate and key the enable carried before any message quotes it.
//! Applying a spec that still holds the placeholder, such as an edited export, takes the PEM back from the stored spec of the same name ([`restore`]); without one, the spec is refused before anything is read from MicroCeph.

use orch_core::{CallBody, EnablePayload};
use serde_json::Value;

use crate::error::BackendError;
use crate::spec_json::spec_name;

/// The spec field that holds certificate and key material.
pub(crate) const CERTIFICATE_FIELD: &str = "rgw_frontend_ssl_certificate";

/// How every placeholder starts (see [`redacted_spec`]).
const PLACEHOLDER_PREFIX: &str = "<redacted: ";

/// `spec` (a spec's JSON, in Ceph's nested or flat layout) with its certificate field, when it holds any text, replaced by a placeholder naming its size.
pub(crate) fn redacted_spec(spec: &Value) -> Value {
    let mut shown = spec.clone();
    if let Some(field) = certificate_field_mut(&mut shown)
        && let Some(bytes) = pem_bytes(field)
    {
        *field = Value::String(format!(
            "<redacted: {bytes}-byte PEM, kept in the mgr store>"
        ));
    }
    shown
}

/// `spec` as applied, with a placeholder in its certificate field replaced by the PEM of the stored spec of the same name.
///
/// A spec without a placeholder is returned as it is; one with a placeholder but no stored PEM to take back is refused.
pub(crate) fn restore(spec: &Value, stored: &[Value]) -> Result<Value, BackendError> {
    let mut restored = spec.clone();
    let Some(field) = certificate_field_mut(&mut restored) else {
        return Ok(restored);
    };
    if !is_placeholder(field) {
        return Ok(restored);
    }
    let name = spec_name(spec).unwrap_or_else(|| "the spec".to_owned());
    let kept = stored
        .iter()
        .filter(|candidate| spec_name(candidate).as_deref() == Some(name.as_str()))
        .find_map(|candidate| {
            let mut candidate = candidate.clone();
            certificate_field_mut(&mut candidate)
                .filter(|field| pem_bytes(field).is_some() && !is_placeholder(field))
                .map(Value::take)
        });
    match kept {
        Some(pem) => {
            *field = pem;
            Ok(restored)
        }
        None => Err(BackendError::InvalidInput(format!(
            "{name}: rgw_frontend_ssl_certificate holds the placeholder that ceph orch ls shows in place of the certificate and key, and no stored spec of {name} holds them; put the certificate chain and its private key, both as PEM, in rgw_frontend_ssl_certificate"
        ))),
    }
}

/// `text`, an error MicroCeph gave for the call with `body`, with the certificate and key that body carried replaced by `<redacted>`, should MicroCeph ever quote them.
pub(crate) fn scrub(text: &str, body: &CallBody) -> String {
    let CallBody::Enable {
        payload:
            EnablePayload::Rgw {
                ssl_certificate_b64,
                ssl_private_key_b64,
                ..
            },
        ..
    } = body
    else {
        return text.to_owned();
    };
    let mut scrubbed = text.to_owned();
    for secret in [ssl_private_key_b64, ssl_certificate_b64] {
        if secret.is_empty() {
            continue;
        }
        scrubbed = scrubbed.replace(secret.as_str(), "<redacted>");
        // A quote cut short, or wrapped as PEM wraps base64, still shows whole 64-character lines.
        let bytes = secret.as_bytes();
        for line in bytes.chunks(64).filter(|line| line.len() == 64) {
            let line = String::from_utf8_lossy(line);
            scrubbed = scrubbed.replace(line.as_ref(), "<redacted>");
        }
    }
    scrubbed
}

/// The certificate field of a spec's JSON, under `spec` or at the top.
fn certificate_field_mut(spec: &mut Value) -> Option<&mut Value> {
    let Value::Object(top) = spec else {
        return None;
    };
    let nested_has_it = top
        .get("spec")
        .and_then(Value::as_object)
        .is_some_and(|nested| nested.contains_key(CERTIFICATE_FIELD));
    if nested_has_it {
        return top
            .get_mut("spec")
            .and_then(Value::as_object_mut)
            .and_then(|nested| nested.get_mut(CERTIFICATE_FIELD));
    }
    top.get_mut(CERTIFICATE_FIELD)
}

/// The size of the text a certificate field holds, as one PEM or a list of parts; `None` when it holds none.
fn pem_bytes(field: &Value) -> Option<usize> {
    let bytes = match field {
        Value::String(text) => text.len(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).map(str::len).sum(),
        _ => 0,
    };
    (bytes > 0).then_some(bytes)
}

fn is_placeholder(field: &Value) -> bool {
    field
        .as_str()
        .is_some_and(|text| text.trim_start().starts_with(PLACEHOLDER_PREFIX))
}

#[cfg(test)]
mod tests {
    use orch_core::ServiceType;
    use serde_json::json;

    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nKKK\n-----END PRIVATE KEY-----\n";

    fn check_redacted(spec: &Value, expected: &Value) {
        assert_eq!(&redacted_spec(spec), expected, "redacting {spec}");
        assert!(!redacted_spec(spec).to_string().contains("KKK"));
    }

    #[test]
    fn redacts_the_certificate_in_either_layout() {
        let placeholder = json!("<redacted: 116-byte PEM, kept in the mgr store>");
        check_redacted(
            &json!({"service_type": "rgw", "service_id": "foo", "spec": {"ssl": true, CERTIFICATE_FIELD: PEM}}),
            &json!({"service_type": "rgw", "service_id": "foo", "spec": {"ssl": true, CERTIFICATE_FIELD: placeholder}}),
        );
        check_redacted(
            &json!({"service_type": "rgw", CERTIFICATE_FIELD: PEM}),
            &json!({"service_type": "rgw", CERTIFICATE_FIELD: placeholder}),
        );
        let (certificate, key) = PEM.split_at(58);
        check_redacted(
            &json!({"service_type": "rgw", "spec": {CERTIFICATE_FIELD: [certificate, key]}}),
            &json!({"service_type": "rgw", "spec": {CERTIFICATE_FIELD: placeholder}}),
        );
        // Nothing to hide: the spec is shown as it is.
        for spec in [
            json!({"service_type": "rgw", "spec": {CERTIFICATE_FIELD: ""}}),
            json!({"service_type": "rgw", "spec": {"rgw_frontend_port": 8080}}),
            json!({"service_type": "mon", "placement": {"count": 3}}),
        ] {
            check_redacted(&spec, &spec);
        }
    }

    #[test]
    fn scrubs_the_sent_certificate_and_key_from_microcephs_text() {
        let key = "S".repeat(100);
        let body = CallBody::Enable {
            name: ServiceType::Rgw,
            wait: true,
            payload: EnablePayload::Rgw {
                port: 0,
                ssl_port: 443,
                ssl_certificate_b64: "Q0VSVElGSUNBVEU=".into(),
                ssl_private_key_b64: key.clone(),
            },
        };
        let check = |text: &str, expected: &str| assert_eq!(scrub(text, &body), expected, "{text}");
        check(&format!("bad key {key}"), "bad key <redacted>");
        check(
            &format!("bad key {}...", &key[..70]),
            &format!("bad key <redacted>{}...", &key[64..70]),
        );
        check(
            "bad certificate Q0VSVElGSUNBVEU=",
            "bad certificate <redacted>",
        );
        check(
            "failed to decode SSL certificate: illegal base64 data at input byte 76",
            "failed to decode SSL certificate: illegal base64 data at input byte 76",
        );
        assert_eq!(scrub(&key, &CallBody::None), key);
    }

    #[test]
    fn restores_the_stored_certificate_for_a_placeholder() {
        let stored = vec![
            json!({"service_type": "rgw", "service_id": "bar", "spec": {CERTIFICATE_FIELD: "other"}}),
            json!({"service_type": "rgw", "service_id": "foo", "spec": {"ssl": true, CERTIFICATE_FIELD: PEM}}),
        ];
        let exported = redacted_spec(&stored[1]);
        let mut edited = exported.clone();
        edited["placement"] = json!({"count": 2});
        let mut expected = stored[1].clone();
        expected["placement"] = json!({"count": 2});
        assert_eq!(restore(&edited, &stored).unwrap(), expected);
        // A spec with its own PEM, or none, is applied as given.
        for spec in [
            stored[0].clone(),
            json!({"service_type": "rgw", "service_id": "foo"}),
        ] {
            assert_eq!(restore(&spec, &stored).unwrap(), spec);
        }
        // No stored spec of that name, or one without PEM: refused, naming what to do.
        let refusal = "rgw.foo: rgw_frontend_ssl_certificate holds the placeholder that ceph orch ls shows in place of the certificate and key, and no stored spec of rgw.foo holds them; put the certificate chain and its private key, both as PEM, in rgw_frontend_ssl_certificate";
        for stored in [vec![], vec![exported.clone()], vec![stored[0].clone()]] {
            let error = restore(&exported, &stored).unwrap_err();
            assert_eq!(error.to_string(), refusal);
            assert!(matches!(error, BackendError::InvalidInput(_)));
        }
    }
}
