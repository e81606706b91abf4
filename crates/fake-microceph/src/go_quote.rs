//! Go's quoting of text in error messages: `strconv.Quote` (what `%q` prints) and the JSON scanner's `quoteChar`.
//!
//! microcluster quotes target names and URLs with `%q`, and Go's JSON scanner quotes the offending byte of a syntax error; clients see both verbatim.

use std::fmt::Write as _;

/// Quotes a byte the way Go's scanner does in its error messages (`quoteChar`).
pub(crate) fn quote_char(byte: u8) -> String {
    match byte {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            // Go converts the byte to a rune, so bytes above 0x7f read as Latin-1 characters.
            let quoted = go_quote(&char::from(byte).to_string());
            format!("'{}'", &quoted[1..quoted.len() - 1])
        }
    }
}

/// Quotes text like Go's `strconv.Quote` (and so `%q`), escaping invalid UTF-8 bytes as `\xNN`.
pub(crate) fn go_quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        push_quoted(&mut out, chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('"');
    out
}

/// Quotes a string like Go's `strconv.Quote`.
pub(crate) fn go_quote(text: &str) -> String {
    go_quote_bytes(text.as_bytes())
}

fn push_quoted(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if is_printable(c) => out.push(c),
            c if u32::from(c) < 0x1_0000 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08x}", u32::from(c));
            }
        }
    }
}

/// An approximation of Go's `strconv.IsPrint` that is exact for ASCII and Latin-1.
fn is_printable(character: char) -> bool {
    !(character.is_control()
        || character == '\u{ad}'
        || (character.is_whitespace() && character != ' ')
        || ('\u{fff9}'..='\u{fffb}').contains(&character)
        || ('\u{200b}'..='\u{200f}').contains(&character)
        || ('\u{2028}'..='\u{202e}').contains(&character)
        || character == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_strconv_quote() {
        assert_eq!(go_quote("node/2"), "\"node/2\"");
        assert_eq!(go_quote("a\"b\\c\n\u{7f}é"), "\"a\\\"b\\\\c\\n\\x7fé\"");
        assert_eq!(go_quote_bytes(b"a\xffb"), "\"a\\xffb\"");
        assert_eq!(quote_char(0x85), "'\\u0085'");
    }
}
