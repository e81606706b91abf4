//! Shell-style host patterns, matched the way Python's `fnmatch.fnmatchcase` matches them.
//!
//! `*` matches any run of characters, `?` one character, `[seq]` one character in the set and `[!seq]` one character outside it.
//! Sets take ranges such as `a-z`; a `]` right after the opening bracket (or after `!`) is part of the set, and an unterminated `[` is a literal character.
//! There is no escape character, and matching is case-sensitive, as on the POSIX hosts Ceph runs on.

/// Whether `name` matches the whole `pattern`.
pub(crate) fn fnmatch(pattern: &str, name: &str) -> bool {
    let tokens = compile(pattern);
    let name: Vec<char> = name.chars().collect();
    matches(&tokens, &name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

fn compile(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some(&current) = chars.get(index) {
        index += 1;
        match current {
            '*' => {
                if tokens.last() != Some(&Token::AnyRun) {
                    tokens.push(Token::AnyRun);
                }
            }
            '?' => tokens.push(Token::AnyChar),
            '[' => match set_end(&chars, index) {
                Some(end) => {
                    tokens.push(compile_set(chars.get(index..end).unwrap_or_default()));
                    index = end + 1;
                }
                None => tokens.push(Token::Literal('[')),
            },
            other => tokens.push(Token::Literal(other)),
        }
    }
    tokens
}

/// Finds the index of the `]` closing a set whose content starts at `start`.
fn set_end(chars: &[char], start: usize) -> Option<usize> {
    let mut end = start;
    if chars.get(end) == Some(&'!') {
        end += 1;
    }
    if chars.get(end) == Some(&']') {
        end += 1;
    }
    while let Some(&current) = chars.get(end) {
        if current == ']' {
            return Some(end);
        }
        end += 1;
    }
    None
}

fn compile_set(content: &[char]) -> Token {
    let (negated, body) = match content.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, content),
    };
    let mut ranges = Vec::new();
    let mut index = 0;
    while let Some(&low) = body.get(index) {
        if let (Some('-'), Some(&high)) = (body.get(index + 1), body.get(index + 2)) {
            ranges.push((low, high));
            index += 3;
        } else {
            ranges.push((low, low));
            index += 1;
        }
    }
    Token::Set { negated, ranges }
}

fn token_matches(token: &Token, current: char) -> bool {
    match token {
        Token::Literal(expected) => *expected == current,
        Token::AnyChar => true,
        Token::AnyRun => false,
        Token::Set { negated, ranges } => {
            let inside = ranges
                .iter()
                .any(|&(low, high)| low <= current && current <= high);
            inside != *negated
        }
    }
}

/// Matches with the classic single-backtrack algorithm: on a mismatch, retry from the last `*` with one more character absorbed.
fn matches(tokens: &[Token], name: &[char]) -> bool {
    let mut token_index = 0;
    let mut name_index = 0;
    let mut last_run: Option<(usize, usize)> = None;
    while name_index < name.len() {
        match tokens.get(token_index) {
            Some(Token::AnyRun) => {
                last_run = Some((token_index, name_index));
                token_index += 1;
            }
            Some(token)
                if name
                    .get(name_index)
                    .is_some_and(|&c| token_matches(token, c)) =>
            {
                token_index += 1;
                name_index += 1;
            }
            _ => match last_run {
                Some((run_token, run_name)) => {
                    token_index = run_token + 1;
                    name_index = run_name + 1;
                    last_run = Some((run_token, run_name + 1));
                }
                None => return false,
            },
        }
    }
    tokens
        .get(token_index..)
        .unwrap_or_default()
        .iter()
        .all(|token| *token == Token::AnyRun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, name: &str, expected: bool) {
        assert_eq!(
            fnmatch(pattern, name),
            expected,
            "pattern {pattern:?} against {name:?}"
        );
    }

    #[test]
    fn matches_stars_and_question_marks() {
        check("*", "node1", true);
        check("*", "", true);
        check("node*", "node1", true);
        check("node*", "nod", false);
        check("*1", "node1", true);
        check("n*e*1", "node1", true);
        check("n*e*2", "node1", false);
        check("node?", "node1", true);
        check("node?", "node12", false);
        check("**", "x", true);
        check("", "", true);
        check("", "x", false);
    }

    #[test]
    fn matches_sets_and_ranges() {
        check("node[1-3]", "node2", true);
        check("node[1-3]", "node4", false);
        check("node[!1-3]", "node4", true);
        check("node[!1-3]", "node1", false);
        check("node[13]", "node3", true);
        check("node[a-]", "node-", true);
        check("node[-a]", "node-", true);
        check("node[]]", "node]", true);
        check("node[!]]", "node1", true);
        check("node[!]]", "node]", false);
        check("node[z-a]", "nodem", false);
    }

    #[test]
    fn treats_unterminated_sets_and_backslashes_literally() {
        check("node[1", "node[1", true);
        check("node[1", "node1", false);
        check("node[!", "node[!", true);
        check(r"node\*", r"node\x", true);
        check("Node*", "node1", false);
    }

    #[test]
    fn handles_multibyte_characters() {
        check("nœud?", "nœudé", true);
        check("[é]", "é", true);
    }
}
