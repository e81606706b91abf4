//! What the kernel says of a process's memory: `VmRSS`, `VmHWM`, `RssAnon`, `RssFile` and
//! `Threads` from `/proc/<pid>/status`, and `Pss` and the private pages from
//! `/proc/<pid>/smaps_rollup`, which only the process's owner or root may read.
//!
//! Both files are lines of `Name: value`, with sizes in KiB written as `<number> kB`.

use anyhow::{Context, bail};

/// One reading of a process's memory, sizes in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reading {
    /// Resident pages, shared or not (`VmRSS`).
    pub(super) rss: u64,
    /// The most that was ever resident (`VmHWM`).
    pub(super) peak: u64,
    /// Resident anonymous pages, the heaps and stacks (`RssAnon`).
    pub(super) anon: u64,
    /// Resident pages of mapped files, such as libraries (`RssFile`).
    pub(super) file: u64,
    pub(super) threads: u64,
    /// The proportional set size: each shared page divided among the processes that map it
    /// (`Pss`), when `smaps_rollup` could be read.
    pub(super) pss: Option<u64>,
    /// Pages no other process maps (`Private_Clean` plus `Private_Dirty`), with `pss`.
    pub(super) private: Option<u64>,
}

/// Reads the memory of the process `pid`.
pub(super) fn read(pid: u32) -> anyhow::Result<Reading> {
    let status_path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&status_path)
        .with_context(|| format!("cannot read {status_path}"))?;
    // A process that just exited, or a kernel too old for the file, leaves PSS unknown.
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok();
    parse(&status, rollup.as_deref())
        .with_context(|| format!("unexpected {status_path} of pid {pid}"))
}

/// A reading from the text of `status` and, when there is one, of `smaps_rollup`.
fn parse(status: &str, rollup: Option<&str>) -> anyhow::Result<Reading> {
    let field = |name: &str| {
        value(status, name).with_context(|| format!("no `{name}` line; is the process a zombie?"))
    };
    let rollup_field = |name: &str| rollup.and_then(|text| value(text, name));
    let pss = rollup_field("Pss");
    let private = rollup_field("Private_Clean")
        .zip(rollup_field("Private_Dirty"))
        .map(|(clean, dirty)| clean + dirty);
    if rollup.is_some() && (pss.is_none() || private.is_none()) {
        bail!("smaps_rollup has no `Pss`, `Private_Clean` or `Private_Dirty` line");
    }
    Ok(Reading {
        rss: field("VmRSS")?,
        peak: field("VmHWM")?,
        anon: field("RssAnon")?,
        file: field("RssFile")?,
        threads: field("Threads")?,
        pss,
        private,
    })
}

/// The number on the line `name:` of `text`, without its ` kB` unit.
fn value(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (key, rest) = line.split_once(':')?;
        if key != name {
            return None;
        }
        let rest = rest.trim();
        rest.strip_suffix(" kB").unwrap_or(rest).trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::{Reading, parse};

    const STATUS: &str = "Name:\tceph-mgr\nState:\tS (sleeping)\nVmPeak:\t 1203932 kB\n\
                          VmHWM:\t  412340 kB\nVmRSS:\t  401200 kB\nRssAnon:\t  300100 kB\n\
                          RssFile:\t  101100 kB\nRssShmem:\t       0 kB\nThreads:\t95\n";

    const ROLLUP: &str = "55d0c0a0e000-7ffe03b20000 ---p 00000000 00:00 0     [rollup]\n\
                          Rss:              401200 kB\nPss:              350321 kB\n\
                          Pss_Anon:         300100 kB\nShared_Clean:      60000 kB\n\
                          Private_Clean:     41100 kB\nPrivate_Dirty:    300100 kB\n";

    fn check(status: &str, rollup: Option<&str>, expected: &Result<Reading, String>) {
        let parsed = parse(status, rollup).map_err(|error| format!("{error:#}"));
        assert_eq!(&parsed, expected);
    }

    #[test]
    fn status_and_rollup_give_every_figure() {
        let both = Reading {
            rss: 401_200,
            peak: 412_340,
            anon: 300_100,
            file: 101_100,
            threads: 95,
            pss: Some(350_321),
            private: Some(341_200),
        };
        check(STATUS, Some(ROLLUP), &Ok(both));
        let without_rollup = Reading {
            pss: None,
            private: None,
            ..both
        };
        check(STATUS, None, &Ok(without_rollup));
    }

    #[test]
    fn a_missing_line_is_an_error_not_a_zero() {
        check(
            "Name:\tceph-mgr\nState:\tZ (zombie)\nThreads:\t1\n",
            None,
            &Err("no `VmRSS` line; is the process a zombie?".to_owned()),
        );
        check(
            STATUS,
            Some("Rss: 1 kB\n"),
            &Err("smaps_rollup has no `Pss`, `Private_Clean` or `Private_Dirty` line".to_owned()),
        );
    }

    #[test]
    fn a_name_matches_only_a_whole_key() {
        // `Pss_Anon` and `SwapPss` must not be read as `Pss`.
        let rollup = "SwapPss: 9 kB\nPss_Anon: 7 kB\nPss: 5 kB\nPrivate_Clean: 1 kB\n\
                      Private_Dirty: 2 kB\n";
        let reading = parse(STATUS, Some(rollup)).unwrap();
        assert_eq!((reading.pss, reading.private), (Some(5), Some(3)));
    }
}
