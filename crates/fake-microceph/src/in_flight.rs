//! How many MicroCeph requests the fake is serving at once, overall and per member, and the peaks since the last reset.
//!
//! A request counts from when it is received until it is answered, latency, injected delays and waits on a member's service lock included, and as one member it counts for its target (the local member when it names none).
//! Writes (every method but `GET`) are also counted on their own, since MicroCeph serialises service changes per member while reads may overlap freely.
//! The peaks let tests and benchmarks see how far a client fans out, and whether it ever sends one member two changes at once, without timing anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// The requests in flight now and the most seen at once since the last reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Concurrency {
    /// Requests being served now.
    pub in_flight: usize,
    /// The most requests served at once.
    pub peak: usize,
    /// The most requests served at once as one member.
    pub peak_per_member: usize,
}

/// The concurrency of all requests and of writes alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConcurrencyReport {
    /// Every MicroCeph request.
    pub all: Concurrency,
    /// Requests with a method other than `GET`.
    pub writes: Concurrency,
}

/// The counters behind [`Concurrency`].
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    now: Concurrency,
    per_member: HashMap<String, usize>,
}

/// Counts one request as in flight for `member` until dropped.
pub(crate) struct Serving {
    tracker: Arc<InFlight>,
    member: String,
}

impl InFlight {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts counting a request acting as `member`.
    pub(crate) fn serve(tracker: &Arc<Self>, member: &str) -> Serving {
        let mut counts = tracker.counts();
        let on_member = counts.per_member.entry(member.to_owned()).or_default();
        *on_member += 1;
        let on_member = *on_member;
        let now = &mut counts.now;
        now.in_flight += 1;
        now.peak = now.peak.max(now.in_flight);
        now.peak_per_member = now.peak_per_member.max(on_member);
        Serving {
            tracker: Arc::clone(tracker),
            member: member.to_owned(),
        }
    }

    /// The counts now and the peaks.
    pub(crate) fn snapshot(&self) -> Concurrency {
        self.counts().now
    }

    /// Sets the peaks back to what is in flight now.
    pub(crate) fn reset_peaks(&self) {
        let mut counts = self.counts();
        let busiest = counts.per_member.values().copied().max().unwrap_or(0);
        counts.now.peak = counts.now.in_flight;
        counts.now.peak_per_member = busiest;
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let mut counts = self.tracker.counts();
        counts.now.in_flight -= 1;
        if let Some(on_member) = counts.per_member.get_mut(&self.member) {
            *on_member -= 1;
            if *on_member == 0 {
                counts.per_member.remove(&self.member);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Concurrency, InFlight};

    #[test]
    fn counts_overall_and_per_member_peaks() {
        let tracker = Arc::new(InFlight::default());
        let first = InFlight::serve(&tracker, "node1");
        let second = InFlight::serve(&tracker, "node1");
        let third = InFlight::serve(&tracker, "node2");
        drop(first);
        assert_eq!(
            tracker.snapshot(),
            Concurrency {
                in_flight: 2,
                peak: 3,
                peak_per_member: 2
            }
        );
        tracker.reset_peaks();
        assert_eq!(
            tracker.snapshot(),
            Concurrency {
                in_flight: 2,
                peak: 2,
                peak_per_member: 1
            }
        );
        drop((second, third));
        assert_eq!(tracker.snapshot().in_flight, 0);
    }
}
