//! Splitting Ceph's combined certificate PEM and base64-encoding its parts for MicroCeph.
//!
//! Ceph's convention for `rgw_frontend_ssl_certificate` is one PEM text holding the certificate chain and its private key.
//! MicroCeph wants them apart, each base64-encoded, so this module finds the PEM blocks and encodes them.
//! It does not check the cryptography: MicroCeph and RGW do.

/// The certificate chain and private key found in a PEM text, each as PEM text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PemParts {
    /// Every `CERTIFICATE` block, in order, one after the other.
    pub(crate) certificates: String,
    /// Every block whose label ends in `PRIVATE KEY`.
    pub(crate) private_keys: Vec<String>,
}

/// Finds the certificate and private key blocks of a PEM text; the error names a block that has no end line.
pub(crate) fn split_pem(text: &str) -> Result<PemParts, String> {
    let mut parts = PemParts::default();
    let mut open: Option<(String, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some((label, mut block)) = open.take() {
            block.push_str(line);
            block.push('\n');
            if line == format!("-----END {label}-----") {
                if label == "CERTIFICATE" {
                    parts.certificates.push_str(&block);
                } else if label.ends_with("PRIVATE KEY") {
                    parts.private_keys.push(block);
                }
            } else {
                open = Some((label, block));
            }
        } else if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        {
            open = Some((label.to_owned(), format!("{line}\n")));
        }
    }
    match open {
        Some((label, _)) => Err(format!("the 'BEGIN {label}' block has no END line")),
        None => Ok(parts),
    }
}

/// Standard base64 with padding, as Go's `base64.StdEncoding` decodes it.
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let bytes = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let group = (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2]);
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (group >> (18 - 6 * position)) & 0x3f;
                encoded.push(char::from(ALPHABET[index as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(data: &str, expected: &str) {
        assert_eq!(base64(data.as_bytes()), expected, "encoding {data:?}");
    }

    #[test]
    fn encodes_rfc_4648_vectors() {
        check("", "");
        check("f", "Zg==");
        check("fo", "Zm8=");
        check("foo", "Zm9v");
        check("foob", "Zm9vYg==");
        check("fooba", "Zm9vYmE=");
        check("foobar", "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn splits_certificates_from_keys() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\r\n\
                    -----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n\
                    -----BEGIN RSA PRIVATE KEY-----\nKKK\n-----END RSA PRIVATE KEY-----\n";
        let parts = split_pem(text).unwrap();
        assert_eq!(
            parts.certificates,
            "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(
            parts.private_keys,
            vec!["-----BEGIN RSA PRIVATE KEY-----\nKKK\n-----END RSA PRIVATE KEY-----\n"]
        );
    }

    #[test]
    fn reports_unterminated_blocks() {
        assert_eq!(
            split_pem("-----BEGIN PRIVATE KEY-----\nKKK\n"),
            Err("the 'BEGIN PRIVATE KEY' block has no END line".to_owned())
        );
        assert_eq!(split_pem(""), Ok(PemParts::default()));
    }
}
