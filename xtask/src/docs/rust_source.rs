//! Reading the string literals of a Rust source file together with the call they are an argument of, without a parser crate.
//!
//! A small lexer skips comments, char literals and lifetimes, reads normal and raw strings, and keeps a stack of open brackets with the path written before each `(`: `Finding::error`, `format!`, `Err`, or `#error` for the `#[error(...)]` attribute.
//! A string belongs to the innermost call that is not a formatting macro (`format!`, `concat!`), so `Finding::error(format!("..."))` counts as `Finding::error`.
//! The file is read up to its `#[cfg(test)]` line, since tests repeat messages rather than word them.

/// A string literal and the call it is an argument of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Literal {
    /// The string's value: escapes resolved, line continuations removed.
    pub(super) text: String,
    /// The innermost enclosing call other than a formatting macro, if any.
    pub(super) callee: Option<String>,
    /// Whether the string is a format string: the first argument of `format!`, or of `#[error(...)]`.
    pub(super) formatted: bool,
}

/// Macros that only assemble a string, looked through when finding a literal's call.
const FORMATTING: [&str; 2] = ["format!", "concat!"];

/// Every string literal of `source` before its tests, in order.
pub(super) fn literals(source: &str) -> Vec<Literal> {
    let end = source
        .lines()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| line.trim() == "#[cfg(test)]")
        .map_or(source.len(), |(start, _)| start);
    let chars: Vec<char> = source[..end].chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        at: 0,
        words: Vec::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    lexer.run();
    lexer.found
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
    /// The tokens read since the last bracket or separator, for the path before a `(`.
    words: Vec<String>,
    /// The open brackets, each with the call it opened, if any.
    stack: Vec<Option<String>>,
    found: Vec<Literal>,
}

impl Lexer<'_> {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                '/' if self.peek(1) == Some('/') => self.skip_line(),
                '/' if self.peek(1) == Some('*') => self.skip_block_comment(),
                '"' => {
                    self.at += 1;
                    let text = self.normal_string();
                    self.push_literal(text);
                }
                'r' if matches!(self.peek(1), Some('"' | '#')) && !self.in_word() => {
                    if let Some(text) = self.raw_string(1) {
                        self.push_literal(text);
                    } else {
                        self.word();
                    }
                }
                'b' if matches!(self.peek(1), Some('"' | '\'' | 'r')) && !self.in_word() => {
                    // Byte strings and byte chars are never messages.
                    self.at += 1;
                    match self.peek(0) {
                        Some('"') => {
                            self.at += 1;
                            let _ = self.normal_string();
                        }
                        Some('\'') => self.char_or_lifetime(),
                        _ => {
                            if self.raw_string(1).is_none() {
                                self.word();
                            }
                        }
                    }
                }
                '\'' => self.char_or_lifetime(),
                c if c.is_alphanumeric() || c == '_' => self.word(),
                '(' => {
                    let callee = self.callee();
                    self.stack.push(callee);
                    self.words.clear();
                    self.at += 1;
                }
                '[' | '{' => {
                    self.stack.push(None);
                    if c == '[' {
                        self.words.push("[".to_owned());
                    } else {
                        self.words.clear();
                    }
                    self.at += 1;
                }
                ')' | ']' | '}' => {
                    self.stack.pop();
                    self.words.clear();
                    self.at += 1;
                }
                ':' if self.peek(1) == Some(':') => {
                    self.words.push("::".to_owned());
                    self.at += 2;
                }
                '!' | '#' => {
                    self.words.push(c.to_string());
                    self.at += 1;
                }
                c if c.is_whitespace() => self.at += 1,
                _ => {
                    self.words.clear();
                    self.at += 1;
                }
            }
        }
    }

    /// Whether the previous character continues an identifier, as in `for`, `br` or `usr"`.
    fn in_word(&self) -> bool {
        self.at > 0
            && self
                .chars
                .get(self.at - 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    }

    fn word(&mut self) {
        let start = self.at;
        while self
            .peek(0)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        self.words.push(word);
    }

    /// The path written just before a `(`: `a::b::c`, `name!`, or `#error` for `#[error(`.
    fn callee(&self) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        let mut index = self.words.len();
        if index > 0 && self.words[index - 1] == "!" {
            index -= 1;
            let name = self.words.get(index.checked_sub(1)?)?;
            return Some(format!("{name}!"));
        }
        // An identifier, and more of them only across `::`: `return Err(` is a call of `Err`.
        while index > 0 {
            let word = self.words[index - 1].as_str();
            if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() || c == '_') {
                break;
            }
            parts.push(word);
            index -= 1;
            if index >= 2 && self.words[index - 1] == "::" {
                parts.push("::");
                index -= 1;
            } else {
                break;
            }
        }
        parts.reverse();
        let path = parts.concat();
        if path.is_empty() {
            return None;
        }
        if path == "error"
            && index >= 2
            && self.words[index - 1] == "["
            && self.words[index - 2] == "#"
        {
            return Some("#error".to_owned());
        }
        Some(path)
    }

    fn push_literal(&mut self, text: String) {
        let innermost = self.stack.last().cloned().flatten();
        let first_argument = self.words.is_empty();
        let formatted = first_argument
            && innermost
                .as_deref()
                .is_some_and(|callee| callee == "#error" || FORMATTING.contains(&callee));
        let callee = self
            .stack
            .iter()
            .rev()
            .flatten()
            .find(|callee| !FORMATTING.contains(&callee.as_str()))
            .cloned();
        self.found.push(Literal {
            text,
            callee,
            formatted,
        });
        self.words.push("\"".to_owned());
    }

    fn skip_line(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.at += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.at += 2;
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.at += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.at += 1;
            }
        }
    }

    /// A `"..."` string whose opening quote was read; escapes are resolved.
    fn normal_string(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            self.at += 1;
            match c {
                '"' => break,
                '\\' => {
                    let Some(escaped) = self.peek(0) else { break };
                    self.at += 1;
                    match escaped {
                        'n' => text.push('\n'),
                        't' => text.push('\t'),
                        'r' => text.push('\r'),
                        '0' => text.push('\0'),
                        '\n' => {
                            while self.peek(0).is_some_and(char::is_whitespace) {
                                self.at += 1;
                            }
                        }
                        'u' => {
                            let mut hex = String::new();
                            while let Some(h) = self.peek(0) {
                                self.at += 1;
                                if h == '}' {
                                    break;
                                }
                                if h != '{' {
                                    hex.push(h);
                                }
                            }
                            if let Some(decoded) =
                                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                            {
                                text.push(decoded);
                            }
                        }
                        'x' => {
                            let hex: String = self.chars
                                [self.at..(self.at + 2).min(self.chars.len())]
                                .iter()
                                .collect();
                            self.at += 2;
                            if let Some(decoded) =
                                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                            {
                                text.push(decoded);
                            }
                        }
                        other => text.push(other),
                    }
                }
                other => text.push(other),
            }
        }
        text
    }

    /// A raw string `r#"..."#` starting `offset` characters ahead, or `None` when it is not one (such as `r#ident`).
    fn raw_string(&mut self, offset: usize) -> Option<String> {
        let mut cursor = self.at + offset;
        let mut hashes = 0;
        while self.chars.get(cursor) == Some(&'#') {
            hashes += 1;
            cursor += 1;
        }
        if self.chars.get(cursor) != Some(&'"') {
            return None;
        }
        cursor += 1;
        let start = cursor;
        while cursor < self.chars.len() {
            if self.chars[cursor] == '"'
                && (1..=hashes).all(|n| self.chars.get(cursor + n) == Some(&'#'))
            {
                let text: String = self.chars[start..cursor].iter().collect();
                self.at = cursor + 1 + hashes;
                return Some(text);
            }
            cursor += 1;
        }
        self.at = self.chars.len();
        Some(self.chars[start..].iter().collect())
    }

    /// A char literal such as `'a'` or `'\n'`, or a lifetime such as `'a`, whose quote is at the cursor.
    fn char_or_lifetime(&mut self) {
        self.at += 1;
        if self.peek(0) == Some('\\') {
            self.at += 2;
            while self.peek(0).is_some_and(|c| c != '\'') {
                self.at += 1;
            }
            self.at += 1;
        } else if self.peek(1) == Some('\'') {
            self.at += 2;
        }
        self.words.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{Literal, literals};

    fn found(source: &str) -> Vec<(String, Option<String>)> {
        literals(source)
            .into_iter()
            .map(|Literal { text, callee, .. }| (text, callee))
            .collect()
    }

    #[expect(
        clippy::unnecessary_wraps,
        reason = "it stands for the optional callee"
    )]
    fn some(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn strings_belong_to_the_call_around_them() {
        let source = r##"
            // "in a comment"
            fn f<'a>(x: &'a str) -> char {
                findings.push(Finding::error(format!("bad {x}: {}", 'q')));
                let c = '"';
                Err(r#"raw "quoted" {x}"#.to_owned());
                warn("plain \
                      continued\n");
                b"bytes";
                '\''
            }
            #[derive(Debug, thiserror::Error)]
            enum E {
                #[error("socket {path} is missing")]
                Missing { path: String },
            }
            #[cfg(test)]
            mod tests { fn t() { Finding::error("in a test"); } }
        "##;
        assert_eq!(
            found(source),
            [
                ("bad {x}: {}".to_owned(), some("Finding::error")),
                ("raw \"quoted\" {x}".to_owned(), some("Err")),
                ("plain continued\n".to_owned(), some("warn")),
                ("socket {path} is missing".to_owned(), some("#error")),
            ]
        );
        let formatted: Vec<bool> = literals(source).iter().map(|l| l.formatted).collect();
        assert_eq!(formatted, [true, false, false, true]);
    }

    #[test]
    fn methods_and_struct_fields_are_not_calls_of_interest() {
        let source = "fn f() { let m = BackendError::InvalidInput(format!(\"x {}\", y.join(\", \"))); return Err(\"e\"); }";
        assert_eq!(
            found(source),
            [
                ("x {}".to_owned(), some("BackendError::InvalidInput")),
                (", ".to_owned(), some("join")),
                ("e".to_owned(), some("Err")),
            ]
        );
    }
}
