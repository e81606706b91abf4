//! A line diff of expected and actual output, in the style of a unified diff: `-` lines are
//! expected only, `+` lines actual only, and up to `CONTEXT` equal lines are shown around changes.

use std::fmt::Write as _;

/// How many equal lines are shown before and after each change.
const CONTEXT: usize = 3;

/// One line of the diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit<'a> {
    Same(&'a str),
    Expected(&'a str),
    Actual(&'a str),
}

/// The diff of `expected` and `actual`, one line each, or an empty string when they are equal.
pub(crate) fn render(expected: &[String], actual: &[String]) -> String {
    let edits = edits(expected, actual);
    if edits.iter().all(|edit| matches!(edit, Edit::Same(_))) {
        return String::new();
    }
    let changed: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, edit)| !matches!(edit, Edit::Same(_)))
        .map(|(index, _)| index)
        .collect();
    let near_change = |index: usize| {
        changed
            .iter()
            .any(|&at| index + CONTEXT >= at && index <= at + CONTEXT)
    };
    let mut text = String::new();
    let mut skipped = false;
    for (index, edit) in edits.iter().enumerate() {
        if !near_change(index) {
            skipped = true;
            continue;
        }
        if skipped {
            text.push_str("  ...\n");
            skipped = false;
        }
        let _ = match edit {
            Edit::Same(line) => writeln!(text, "  {line}"),
            Edit::Expected(line) => writeln!(text, "- {line}"),
            Edit::Actual(line) => writeln!(text, "+ {line}"),
        };
    }
    if skipped {
        text.push_str("  ...\n");
    }
    text
}

/// The edits from `expected` to `actual` along a longest common subsequence.
fn edits<'a>(expected: &'a [String], actual: &'a [String]) -> Vec<Edit<'a>> {
    let (rows, columns) = (expected.len(), actual.len());
    // `common[i][j]`: the longest common subsequence of `expected[i..]` and `actual[j..]`.
    let mut common = vec![vec![0_usize; columns + 1]; rows + 1];
    for i in (0..rows).rev() {
        for j in (0..columns).rev() {
            common[i][j] = if expected[i] == actual[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(rows + columns);
    while i < rows || j < columns {
        if i < rows && j < columns && expected[i] == actual[j] {
            out.push(Edit::Same(&expected[i]));
            i += 1;
            j += 1;
        } else if i < rows && (j == columns || common[i + 1][j] >= common[i][j + 1]) {
            out.push(Edit::Expected(&expected[i]));
            i += 1;
        } else {
            out.push(Edit::Actual(&actual[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn equal_output_has_no_diff() {
        assert_eq!(render(&lines("a\nb"), &lines("a\nb")), "");
        assert_eq!(render(&[], &[]), "");
    }

    #[test]
    fn changes_show_with_their_context() {
        let expected = lines("1\n2\n3\n4\n5\n6\n7\n8\n9\nold\n10");
        let actual = lines("1\n2\n3\n4\n5\n6\n7\n8\n9\nnew\n10\nextra");
        assert_eq!(
            render(&expected, &actual),
            "  ...\n  7\n  8\n  9\n- old\n+ new\n  10\n+ extra\n"
        );
        assert_eq!(render(&lines("a"), &[]), "- a\n");
    }
}
