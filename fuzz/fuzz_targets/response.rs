//! Fuzz target `response`: a MicroCeph response, the HTTP status and the body, decoded as every endpoint's answer.
//!
//! The first two bytes are the status, the rest the body.
//! Decoding and converting must never panic, every error must name its request and keep the status, and an error envelope must be the same API error at every endpoint, with MicroCeph's text in the message verbatim.

#![no_main]

use libfuzzer_sys::fuzz_target;
use microceph_client::Error;
use microceph_client::fuzzing::decode_every_response;

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*status);
    let decoded = decode_every_response(status, body);
    let mut api_errors = Vec::new();
    for decoded in &decoded {
        let Err(error) = &decoded.outcome else {
            continue;
        };
        let text = error.to_string();
        assert!(text.starts_with(&decoded.request.to_string()), "{text:?}");
        assert_eq!(error.status(), Some(status));
        let _ = error.kind();
        match error {
            Error::Api {
                message,
                error_code,
                ..
            } => {
                assert!(text.contains(message.as_str()), "{text:?} lost {message:?}");
                api_errors.push((*error_code, message.clone()));
            }
            Error::Decode { excerpt, .. } => {
                assert!(excerpt.chars().count() <= 201, "{excerpt:?}");
            }
            _ => panic!("decoding made a transport error: {error:?}"),
        }
    }
    assert!(
        api_errors.is_empty() || api_errors.len() == decoded.len(),
        "an API error at some endpoints only: {api_errors:?}"
    );
    assert!(
        api_errors.windows(2).all(|pair| pair[0] == pair[1]),
        "endpoints disagree on the API error: {api_errors:?}"
    );
});
