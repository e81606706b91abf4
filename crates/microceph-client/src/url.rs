//! Request paths and query strings, built in one function so that no caller-provided text can change which route or parameter a request reaches.
//!
//! Every path segment and the `target` query value are percent-encoded with a set that leaves only the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) as they are.
//! So `/`, `?`, `#`, `%`, `&`, `=`, `+`, spaces and every non-ASCII byte are always escaped: a member name such as `node2&target=node3` arrives as one `target` value, and a name containing `/` stays inside its path segment.
//! A segment that consists only of dots (`.` or `..`) is escaped too, so it can never be read as a dot-segment that climbs the path.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Every ASCII byte except the RFC 3986 unreserved characters; non-ASCII bytes are always encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds the origin-form path and query of a request, for example `/1.0/services/rgw?target=node2`.
///
/// `segments` are the path segments without slashes; an empty slice gives `/`.
/// `target` of `None` adds no query, and `Some(name)` adds `?target=<name>`, so `Some("")` gives `?target=`, which MicroCeph treats as the local member.
pub(crate) fn path_and_query(segments: &[&str], target: Option<&str>) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        push_segment(&mut out, segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    if let Some(target) = target {
        out.push_str("?target=");
        out.extend(utf8_percent_encode(target, NOT_UNRESERVED));
    }
    out
}

/// Appends one encoded path segment, escaping a dot-only segment that a server could otherwise resolve as `.` or `..`.
fn push_segment(out: &mut String, segment: &str) {
    if segment == "." || segment == ".." {
        for _ in 0..segment.len() {
            out.push_str("%2E");
        }
    } else {
        out.extend(utf8_percent_encode(segment, NOT_UNRESERVED));
    }
}

#[cfg(test)]
mod tests {
    use super::path_and_query;

    fn check(segments: &[&str], target: Option<&str>, expected: &str) {
        assert_eq!(path_and_query(segments, target), expected);
    }

    #[test]
    fn plain_paths() {
        check(&[], None, "/");
        check(&["core", "1.0"], None, "/core/1.0");
        check(
            &["1.0", "services", "rbd-mirror"],
            None,
            "/1.0/services/rbd-mirror",
        );
        check(
            &["1.0", "services"],
            Some("node2"),
            "/1.0/services?target=node2",
        );
        check(
            &["1.0", "disks"],
            Some("Node_2.lab~x"),
            "/1.0/disks?target=Node_2.lab~x",
        );
    }

    #[test]
    fn empty_target_is_kept_as_an_empty_value() {
        check(&["1.0", "services"], Some(""), "/1.0/services?target=");
    }

    #[test]
    fn hostile_targets_stay_one_query_value() {
        let path = ["1.0", "services", "rgw"];
        check(&path, Some("a/b"), "/1.0/services/rgw?target=a%2Fb");
        check(&path, Some("a?b"), "/1.0/services/rgw?target=a%3Fb");
        check(&path, Some("a#b"), "/1.0/services/rgw?target=a%23b");
        check(&path, Some("100%"), "/1.0/services/rgw?target=100%25");
        check(&path, Some(".."), "/1.0/services/rgw?target=..");
        check(
            &path,
            Some("../../core"),
            "/1.0/services/rgw?target=..%2F..%2Fcore",
        );
        check(&path, Some("node 2"), "/1.0/services/rgw?target=node%202");
        check(&path, Some("a+b"), "/1.0/services/rgw?target=a%2Bb");
        check(
            &path,
            Some("n&target=x"),
            "/1.0/services/rgw?target=n%26target%3Dx",
        );
        check(
            &path,
            Some("nœud-ü"),
            "/1.0/services/rgw?target=n%C5%93ud-%C3%BC",
        );
        check(
            &path,
            Some("\"q\"\n"),
            "/1.0/services/rgw?target=%22q%22%0A",
        );
    }

    #[test]
    fn hostile_segments_stay_one_segment() {
        check(&["1.0", "services", "a/b"], None, "/1.0/services/a%2Fb");
        check(&["1.0", "services", "a?b"], None, "/1.0/services/a%3Fb");
        check(&["1.0", "services", "a#b"], None, "/1.0/services/a%23b");
        check(&["1.0", "services", "%2F"], None, "/1.0/services/%252F");
        check(&["1.0", "services", ".."], None, "/1.0/services/%2E%2E");
        check(&["1.0", "services", "."], None, "/1.0/services/%2E");
        check(&["1.0", "services", "..."], None, "/1.0/services/...");
        check(&["1.0", "services", "a b"], None, "/1.0/services/a%20b");
        check(
            &["1.0", "services", "x&target=y"],
            Some("z"),
            "/1.0/services/x%26target%3Dy?target=z",
        );
        check(&["1.0", "services", "ü"], None, "/1.0/services/%C3%BC");
        check(&["1.0", "services", ""], None, "/1.0/services/");
    }

    #[test]
    fn output_is_always_a_valid_origin_form_uri() {
        let hostile = ["a/b?c#d%e&f=g+h i", "..", "ü\u{0}\u{7f}", ""];
        for segment in hostile {
            for target in hostile {
                let built = path_and_query(&["1.0", segment], Some(target));
                let uri: hyper::Uri = built.parse().expect("valid origin-form URI");
                assert_eq!(uri.path().matches('/').count(), 2, "{built}");
                assert_eq!(
                    uri.query().map(|q| q.matches('=').count()),
                    Some(1),
                    "{built}"
                );
            }
        }
    }
}
