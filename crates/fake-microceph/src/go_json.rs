//! A JSON reader that fails exactly where and how Go's `encoding/json` fails.
//!
//! MicroCeph decodes request bodies with `json.NewDecoder(r.Body).Decode` and payloads with `json.Unmarshal`, and clients see the resulting error texts verbatim.
//! [`decode`] imitates the decoder: an empty body is `EOF`, a cut-off one `unexpected EOF`, and anything after the first value is ignored.
//! [`unmarshal`] imitates `json.Unmarshal`: a cut-off document is `unexpected end of JSON input` and trailing text is an error.
//! Syntax errors use the scanner's own wording, such as `invalid character 'x' looking for beginning of value`.
//! Typed decoding into Go structs lives in `go_struct.rs`.

use crate::go_quote::quote_char;

/// A parsed JSON value that keeps object keys in document order, duplicates included, as Go's decoder sees them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GoValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its literal text so integer conversions can fail like Go's.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<GoValue>),
    /// An object's members in document order.
    Object(Vec<(String, GoValue)>),
}

impl GoValue {
    /// The word Go's `UnmarshalTypeError` uses for this kind of value.
    pub(crate) fn kind_word(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "bool",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
        }
    }
}

/// Reads the first JSON value of a request body like `json.NewDecoder(body).Decode`.
pub(crate) fn decode(body: &[u8]) -> Result<GoValue, String> {
    let mut parser = Parser {
        bytes: body,
        pos: 0,
    };
    match parser.value() {
        Ok(value) => Ok(value),
        Err(Failure::Syntax(message)) => Err(message),
        Err(Failure::EndOfInput(_)) => {
            if body.iter().all(|byte| is_space(*byte)) {
                Err("EOF".to_owned())
            } else {
                Err("unexpected EOF".to_owned())
            }
        }
    }
}

/// Reads a whole document like `json.Unmarshal`.
pub(crate) fn unmarshal(data: &[u8]) -> Result<GoValue, String> {
    let mut parser = Parser {
        bytes: data,
        pos: 0,
    };
    let result = parser.value().and_then(|value| {
        parser.skip_space();
        match parser.peek() {
            Some(byte) => Err(Failure::Syntax(invalid(byte, "after top-level value"))),
            None => Ok(value),
        }
    });
    result.map_err(|failure| match failure {
        Failure::Syntax(message) => message,
        // Go's scanner feeds a space at the end; states that reject a space report that instead.
        Failure::EndOfInput(Some(context)) => invalid(b' ', context),
        Failure::EndOfInput(None) => "unexpected end of JSON input".to_owned(),
    })
}

fn invalid(byte: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(byte))
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Why parsing stopped.
enum Failure {
    /// A syntax error with Go's full message.
    Syntax(String),
    /// The input ended inside a value; the context is what Go's scanner reports when a space arrives in that state, if it rejects one.
    EndOfInput(Option<&'static str>),
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Takes the next byte, failing at the end of input with the given scanner context.
    fn next(&mut self, eof_context: Option<&'static str>) -> Result<u8, Failure> {
        let byte = self.peek().ok_or(Failure::EndOfInput(eof_context))?;
        self.pos += 1;
        Ok(byte)
    }

    fn value(&mut self) -> Result<GoValue, Failure> {
        self.skip_space();
        let byte = self.next(None)?;
        match byte {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(GoValue::String),
            b'-' | b'0'..=b'9' => self.number(byte),
            b't' => self.literal("true", GoValue::Bool(true)),
            b'f' => self.literal("false", GoValue::Bool(false)),
            b'n' => self.literal("null", GoValue::Null),
            _ => Err(Failure::Syntax(invalid(
                byte,
                "looking for beginning of value",
            ))),
        }
    }

    fn object(&mut self) -> Result<GoValue, Failure> {
        let mut members = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(GoValue::Object(members));
        }
        loop {
            self.skip_space();
            let byte = self.next(None)?;
            if byte != b'"' {
                return Err(Failure::Syntax(invalid(
                    byte,
                    "looking for beginning of object key string",
                )));
            }
            let key = self.string()?;
            self.skip_space();
            let byte = self.next(None)?;
            if byte != b':' {
                return Err(Failure::Syntax(invalid(byte, "after object key")));
            }
            let value = self.value()?;
            members.push((key, value));
            self.skip_space();
            match self.next(None)? {
                b',' => {}
                b'}' => return Ok(GoValue::Object(members)),
                other => {
                    return Err(Failure::Syntax(invalid(
                        other,
                        "after object key:value pair",
                    )));
                }
            }
        }
    }

    fn array(&mut self) -> Result<GoValue, Failure> {
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(GoValue::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.next(None)? {
                b',' => {}
                b']' => return Ok(GoValue::Array(items)),
                other => return Err(Failure::Syntax(invalid(other, "after array element"))),
            }
        }
    }

    fn literal(&mut self, word: &'static str, value: GoValue) -> Result<GoValue, Failure> {
        for expected in word.bytes().skip(1) {
            let context: &'static str = match (word, expected) {
                ("true", b'r') => "in literal true (expecting 'r')",
                ("true", b'u') => "in literal true (expecting 'u')",
                ("true", _) => "in literal true (expecting 'e')",
                ("false", b'a') => "in literal false (expecting 'a')",
                ("false", b'l') => "in literal false (expecting 'l')",
                ("false", b's') => "in literal false (expecting 's')",
                ("false", _) => "in literal false (expecting 'e')",
                ("null", b'u') => "in literal null (expecting 'u')",
                _ => "in literal null (expecting 'l')",
            };
            let byte = self.next(Some(context))?;
            if byte != expected {
                return Err(Failure::Syntax(invalid(byte, context)));
            }
        }
        Ok(value)
    }

    fn number(&mut self, first: u8) -> Result<GoValue, Failure> {
        const IN_NUMBER: &str = "in numeric literal";
        const AFTER_DOT: &str = "after decimal point in numeric literal";
        const IN_EXPONENT: &str = "in exponent of numeric literal";
        let start = self.pos - 1;
        let mut lead = first;
        if first == b'-' {
            lead = self.next(Some(IN_NUMBER))?;
            if !lead.is_ascii_digit() {
                return Err(Failure::Syntax(invalid(lead, IN_NUMBER)));
            }
        }
        if lead != b'0' {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let byte = self.next(Some(AFTER_DOT))?;
            if !byte.is_ascii_digit() {
                return Err(Failure::Syntax(invalid(byte, AFTER_DOT)));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            let mut byte = self.next(Some(IN_EXPONENT))?;
            if byte == b'+' || byte == b'-' {
                byte = self.next(Some(IN_EXPONENT))?;
            }
            if !byte.is_ascii_digit() {
                return Err(Failure::Syntax(invalid(byte, IN_EXPONENT)));
            }
            self.digits();
        }
        let literal = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
        Ok(GoValue::Number(literal))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// Reads a string after its opening quote and unescapes it as Go does.
    fn string(&mut self) -> Result<String, Failure> {
        const IN_ESCAPE: &str = "in string escape code";
        let mut raw: Vec<u8> = Vec::new();
        let mut out = String::new();
        loop {
            let byte = self.next(None)?;
            match byte {
                b'"' => break,
                b'\\' => {
                    out.push_str(&String::from_utf8_lossy(&raw));
                    raw.clear();
                    let escape = self.next(Some(IN_ESCAPE))?;
                    match escape {
                        b'"' | b'\\' | b'/' => out.push(char::from(escape)),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex_unit()?;
                            out.push(self.utf16_character(unit));
                        }
                        other => return Err(Failure::Syntax(invalid(other, IN_ESCAPE))),
                    }
                }
                0x00..=0x1f => return Err(Failure::Syntax(invalid(byte, "in string literal"))),
                _ => raw.push(byte),
            }
        }
        out.push_str(&String::from_utf8_lossy(&raw));
        Ok(out)
    }

    /// Reads the four hex digits of a `\u` escape.
    fn hex_unit(&mut self) -> Result<u32, Failure> {
        const IN_HEX: &str = "in \\u hexadecimal character escape";
        let mut unit = 0u32;
        for _ in 0..4 {
            let hex = self.next(Some(IN_HEX))?;
            let digit = char::from(hex)
                .to_digit(16)
                .ok_or_else(|| Failure::Syntax(invalid(hex, IN_HEX)))?;
            unit = unit * 16 + digit;
        }
        Ok(unit)
    }

    /// Turns a UTF-16 unit into a character, joining a high surrogate with an escaped low one that follows.
    /// A lone surrogate becomes U+FFFD, as in Go.
    fn utf16_character(&mut self, unit: u32) -> char {
        if !(0xD800..0xE000).contains(&unit) {
            return char::from_u32(unit).unwrap_or('\u{fffd}');
        }
        if unit < 0xDC00
            && let Some(low) = self.peek_low_surrogate()
        {
            self.pos += 6;
            let combined = 0x1_0000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            return char::from_u32(combined).unwrap_or('\u{fffd}');
        }
        '\u{fffd}'
    }

    fn peek_low_surrogate(&self) -> Option<u32> {
        let rest = self.bytes.get(self.pos..self.pos + 6)?;
        if rest[0] != b'\\' || rest[1] != b'u' {
            return None;
        }
        let text = std::str::from_utf8(&rest[2..]).ok()?;
        let unit = u32::from_str_radix(text, 16).ok()?;
        (0xDC00..0xE000).contains(&unit).then_some(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_decode(body: &str, expected: &str) {
        assert_eq!(
            decode(body.as_bytes()).unwrap_err(),
            expected,
            "body {body:?}"
        );
    }

    fn check_unmarshal(body: &str, expected: &str) {
        assert_eq!(
            unmarshal(body.as_bytes()).unwrap_err(),
            expected,
            "body {body:?}"
        );
    }

    #[test]
    fn decoder_errors_match_go() {
        check_decode("", "EOF");
        check_decode(" \n\t", "EOF");
        check_decode("{\"name\":", "unexpected EOF");
        check_decode("-", "unexpected EOF");
        check_decode("x", "invalid character 'x' looking for beginning of value");
        check_decode(
            "{name:1}",
            "invalid character 'n' looking for beginning of object key string",
        );
        check_decode("{\"a\" 1}", "invalid character '1' after object key");
        check_decode(
            "{\"a\":1 \"b\"}",
            "invalid character '\"' after object key:value pair",
        );
        check_decode(
            "[1,]",
            "invalid character ']' looking for beginning of value",
        );
        check_decode("[1 2]", "invalid character '2' after array element");
        check_decode(
            "tru!",
            "invalid character '!' in literal true (expecting 'e')",
        );
        check_decode("\"a\u{1}\"", "invalid character '\\x01' in string literal");
        check_decode("\"\\x\"", "invalid character 'x' in string escape code");
        check_decode(
            "\"\\u12g4\"",
            "invalid character 'g' in \\u hexadecimal character escape",
        );
        check_decode("[01]", "invalid character '1' after array element");
        check_decode(
            "1.e",
            "invalid character 'e' after decimal point in numeric literal",
        );
        check_decode(
            "1e+x",
            "invalid character 'x' in exponent of numeric literal",
        );
        check_decode(
            "'",
            r"invalid character '\'' looking for beginning of value",
        );
    }

    #[test]
    fn decoder_ignores_text_after_the_first_value() {
        assert_eq!(decode(b"{} trailing").unwrap(), GoValue::Object(Vec::new()));
        assert_eq!(decode(b"12x").unwrap(), GoValue::Number("12".to_owned()));
    }

    #[test]
    fn unmarshal_errors_match_go() {
        check_unmarshal("", "unexpected end of JSON input");
        check_unmarshal("{\"Port\":", "unexpected end of JSON input");
        check_unmarshal("\"abc", "unexpected end of JSON input");
        check_unmarshal("-", "invalid character ' ' in numeric literal");
        check_unmarshal(
            "1.",
            "invalid character ' ' after decimal point in numeric literal",
        );
        check_unmarshal("t", "invalid character ' ' in literal true (expecting 'r')");
        check_unmarshal("{} x", "invalid character 'x' after top-level value");
        check_unmarshal("01", "invalid character '1' after top-level value");
        check_unmarshal(
            "\u{e9}",
            "invalid character 'Ã' looking for beginning of value",
        );
    }

    #[test]
    fn strings_unescape_like_go() {
        let value = decode(br#""a\u00e9\ud83d\ude00\ud800x\/""#).unwrap();
        assert_eq!(value, GoValue::String("aé😀\u{fffd}x/".to_owned()));
    }
}
