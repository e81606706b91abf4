//! The filters applied to a command's output before it is compared with a transcript, each for
//! something that changes from run to run or machine to machine, and nothing else:
//!
//! - the lab directory becomes `<lab>` (it is in socket paths, and differs per machine);
//! - a UTC time as Ceph's JSON writes it, such as `2026-12-05T07:13:48.123456Z`, becomes `<time>`;
//! - a relative age such as `5s ago` or `12m ago` becomes `<age>`, and the spaces around it are
//!   rearranged so that the line keeps its length, which keeps table columns aligned: `<age>`
//!   starts under the `REFRESHED` heading of the table above when its spaces reach that column,
//!   else at most two spaces after what precedes it;
//! - trailing whitespace of every line and blank lines at the end are dropped, as transcript
//!   files cannot keep them.

/// What the filters replace in one lab.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    /// The lab directory, written as `<lab>`.
    pub(crate) lab_dir: String,
}

impl Filters {
    /// The output's lines after every filter.
    pub(crate) fn apply(&self, output: &str) -> Vec<String> {
        let mut text = output.to_owned();
        if !self.lab_dir.is_empty() {
            text = text.replace(&self.lab_dir, "<lab>");
        }
        text = replace_times(&text);
        let mut column = None;
        let mut lines = Vec::new();
        for line in text.lines() {
            if let Some(heading) = heading_column(line, "REFRESHED") {
                column = Some(heading);
            }
            lines.push(replace_ages(line, column).trim_end().to_owned());
        }
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }
}

/// `text` with every UTC time of the form `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` replaced by `<time>`.
fn replace_times(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        if let Some(length) = time_at(&chars, index) {
            out.push_str("<time>");
            index += length;
        } else {
            out.push(chars[index]);
            index += 1;
        }
    }
    out
}

/// The length of the UTC time that starts at `index`, if one does.
fn time_at(chars: &[char], index: usize) -> Option<usize> {
    let shape = "dddd-dd-ddTdd:dd:dd";
    let mut length = 0;
    for expected in shape.chars() {
        let found = *chars.get(index + length)?;
        let fits = if expected == 'd' {
            found.is_ascii_digit()
        } else {
            found == expected
        };
        if !fits {
            return None;
        }
        length += 1;
    }
    if chars.get(index + length) == Some(&'.') {
        length += 1;
        while chars.get(index + length).is_some_and(char::is_ascii_digit) {
            length += 1;
        }
    }
    (chars.get(index + length) == Some(&'Z')).then_some(length + 1)
}

/// The column of `heading` in a table's heading line: a whole word of capitals there.
fn heading_column(line: &str, heading: &str) -> Option<usize> {
    let is_heading_line = line
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '_');
    if !is_heading_line {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let wanted: Vec<char> = heading.chars().collect();
    (0..chars.len()).find(|&index| {
        chars[index..].starts_with(&wanted)
            && (index == 0 || chars[index - 1] == ' ')
            && chars.get(index + wanted.len()).is_none_or(|c| *c == ' ')
    })
}

/// A line with every relative age replaced by `<age>`, keeping its length where spaces follow.
/// `column` is where a table's `REFRESHED` heading starts, if the line is in such a table.
fn replace_ages(line: &str, column: Option<usize>) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut index = 0;
    while index < chars.len() {
        let Some(length) = age_at(&chars, index) else {
            out.push(chars[index]);
            index += 1;
            continue;
        };
        let lead = out.chars().rev().take_while(|c| *c == ' ').count();
        let trail = chars[index + length..]
            .iter()
            .take_while(|c| **c == ' ')
            .count();
        out.truncate(out.trim_end_matches(' ').len());
        let start = index - lead;
        let kept_lead = match column {
            // The heading's column, if `<age>` fits there within the spaces and the age.
            Some(column) if column >= start && column + "<age>".len() <= index + length + trail => {
                column - start
            }
            _ => lead.min(2),
        };
        out.extend(std::iter::repeat_n(' ', kept_lead));
        out.push_str("<age>");
        if trail > 0 {
            let width = lead + length + trail;
            let used = kept_lead + "<age>".len();
            out.extend(std::iter::repeat_n(' ', width.saturating_sub(used).max(1)));
        }
        index += length + trail;
    }
    out
}

/// The length of an age such as `5s ago` starting at `index`, if one does: digits, one of
/// Ceph's units (`s`, `m`, `h`, `d`, `w`, `M`, `y`) and ` ago`, as a whole word.
fn age_at(chars: &[char], index: usize) -> Option<usize> {
    if index > 0 && chars[index - 1].is_alphanumeric() {
        return None;
    }
    let digits = chars[index..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let unit = *chars.get(index + digits)?;
    if !"smhdwMy".contains(unit) {
        return None;
    }
    let suffix: String = chars
        .get(index + digits + 1..index + digits + 5)?
        .iter()
        .collect();
    if suffix != " ago" {
        return None;
    }
    let end = index + digits + 5;
    if chars.get(end).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(end - index)
}

#[cfg(test)]
mod tests {
    use super::{Filters, heading_column, replace_times};

    /// The ages of one line, outside any table.
    fn replace_ages(line: &str) -> String {
        super::replace_ages(line, None)
    }

    #[test]
    fn ages_keep_table_columns_aligned() {
        // `orch ls` aligns REFRESHED to the left.
        assert_eq!(
            replace_ages("mon              3/3  0s ago     -    count:3"),
            replace_ages("mon              3/3  14m ago    -    count:3"),
        );
        assert_eq!(
            replace_ages("mon              3/3  0s ago     -    count:3"),
            "mon              3/3  <age>      -    count:3"
        );
        // `orch ps` aligns it to the right.
        assert_eq!(
            replace_ages("mon.node1  node1         enabled     0s ago    -        -"),
            "mon.node1  node1         enabled  <age>        -        -"
        );
        assert_eq!(
            replace_ages("mon.node1  node1         enabled    10s ago    -        -"),
            "mon.node1  node1         enabled  <age>        -        -"
        );
        assert_eq!(replace_ages("refreshed 5s ago."), "refreshed <age>.");
        assert_eq!(replace_ages("at the end 3h ago"), "at the end <age>");
    }

    #[test]
    fn ages_in_a_table_start_under_its_heading() {
        let filters = Filters::default();
        let table = "\
HOST   PATH      SIZE   AVAILABLE  REFRESHED  REJECT REASONS
node1  /dev/sdb  10.0G             5s ago     Used by OSD osd.1
node1  /dev/sdc  20.0G  Yes        12m ago
";
        assert_eq!(
            filters.apply(table),
            [
                "HOST   PATH      SIZE   AVAILABLE  REFRESHED  REJECT REASONS",
                "node1  /dev/sdb  10.0G             <age>      Used by OSD osd.1",
                "node1  /dev/sdc  20.0G  Yes        <age>",
            ]
        );
        let right_aligned = "\
NAME       STATUS   REFRESHED  AGE
mon.node1  enabled     0s ago    -
mon.node2  enabled    10s ago    -
";
        assert_eq!(
            filters.apply(right_aligned),
            [
                "NAME       STATUS   REFRESHED  AGE",
                "mon.node1  enabled  <age>        -",
                "mon.node2  enabled  <age>        -",
            ]
        );
        assert_eq!(heading_column("NAME  REFRESHED  AGE", "REFRESHED"), Some(6));
        assert_eq!(heading_column("NAME  NOT_REFRESHED", "REFRESHED"), None);
        assert_eq!(heading_column("refreshed 5s ago", "REFRESHED"), None);
    }

    #[test]
    fn only_whole_ages_are_replaced() {
        for line in ["x5s ago", "5s agony", "5x ago", "s ago", "node 5 ago"] {
            assert_eq!(replace_ages(line), line);
        }
    }

    #[test]
    fn utc_times_are_replaced_whole() {
        assert_eq!(
            replace_times(
                r#"{"last_refresh": "2026-12-05T07:13:48.123456Z", "b": "2026-12-05T07:13:48Z"}"#
            ),
            r#"{"last_refresh": "<time>", "b": "<time>"}"#
        );
        for kept in [
            "2026-12-05T07:13:48",
            "2026-12-05 07:13:48Z",
            "2026-12-05T07:13:48+0000",
        ] {
            assert_eq!(replace_times(kept), kept);
        }
    }

    #[test]
    fn filters_run_together_and_trim_the_end() {
        let filters = Filters {
            lab_dir: "/root/.cache/microceph-orch/labs/e2e-reef".to_owned(),
        };
        let output = "socket /root/.cache/microceph-orch/labs/e2e-reef/control.socket   \n\
                      node1  1s ago  2026-12-05T07:13:48.5Z\n\n\n";
        assert_eq!(
            filters.apply(output),
            ["socket <lab>/control.socket", "node1  <age>   <time>"]
        );
        assert_eq!(Filters::default().apply("a\n\nb\n"), ["a", "", "b"]);
    }
}
