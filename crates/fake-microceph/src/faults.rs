//! Scripted faults: errors, malformed bodies, dropped connections and delays injected into matching requests.
//!
//! A fault matches on the method (optional), the exact percent-decoded path, and the effective target member (optional).
//! Each match consumes one of its `count`; a fault with nothing left is forgotten.
//! The first pending fault that matches wins, in the order they were added.

use std::time::Duration;

use serde::Serialize;
use serde::ser::SerializeMap;

/// A fault to inject, as `POST /fake/1.0/faults` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The HTTP method to match; `None` matches any.
    pub method: Option<String>,
    /// The percent-decoded request path to match exactly, such as `/1.0/services/rgw`.
    pub path: String,
    /// The effective target member to match (the `target` query value, or the local member); `None` matches any.
    pub target: Option<String>,
    /// How many matching requests the fault applies to.
    pub count: u64,
    /// What happens to a matching request.
    pub action: FaultAction,
}

/// What a fault does to a matching request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with an error envelope instead of handling the request.
    Error {
        /// The HTTP status and `error_code`, 400 to 599.
        status: u16,
        /// The `error` text.
        message: String,
    },
    /// Answer 200 with a body that is cut off mid-JSON.
    Malformed,
    /// Close the connection without any response.
    Drop,
    /// Wait, then handle the request normally.
    Delay(Duration),
}

/// A fault still waiting for matches, as `GET /fake/1.0/faults` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingFault {
    /// The id `POST /fake/1.0/faults` returned.
    pub id: u64,
    /// The fault, with `count` reduced to what is left.
    pub fault: Fault,
}

/// The request properties faults match on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FaultProbe<'a> {
    pub(crate) method: &'a str,
    pub(crate) decoded_path: &'a str,
    pub(crate) effective_target: &'a str,
}

/// The pending faults of one server.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    next_id: u64,
    pending: Vec<PendingFault>,
}

impl FaultBook {
    /// Adds a fault and returns its id.
    pub(crate) fn add(&mut self, fault: Fault) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        if fault.count > 0 {
            self.pending.push(PendingFault { id, fault });
        }
        id
    }

    /// The faults still pending.
    pub(crate) fn pending(&self) -> Vec<PendingFault> {
        self.pending.clone()
    }

    /// Forgets every pending fault.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    /// Forgets one fault; false if no such fault is pending.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.pending.len();
        self.pending.retain(|pending| pending.id != id);
        self.pending.len() != before
    }

    /// Consumes one use of the first fault matching the request and returns its action.
    pub(crate) fn take(&mut self, probe: FaultProbe<'_>) -> Option<FaultAction> {
        let index = self
            .pending
            .iter()
            .position(|pending| pending.fault.matches(probe))?;
        let fault = &mut self.pending[index].fault;
        let action = fault.action.clone();
        fault.count -= 1;
        if fault.count == 0 {
            self.pending.remove(index);
        }
        Some(action)
    }
}

impl Fault {
    fn matches(&self, probe: FaultProbe<'_>) -> bool {
        self.method
            .as_deref()
            .is_none_or(|method| method.eq_ignore_ascii_case(probe.method))
            && self.path == probe.decoded_path
            && self
                .target
                .as_deref()
                .is_none_or(|target| target == probe.effective_target)
    }
}

impl Serialize for PendingFault {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("method", &self.fault.method)?;
        map.serialize_entry("path", &self.fault.path)?;
        map.serialize_entry("target", &self.fault.target)?;
        map.serialize_entry("count", &self.fault.count)?;
        map.serialize_entry("action", &self.fault.action)?;
        map.end()
    }
}

impl Serialize for FaultAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Self::Error { status, message } => {
                map.serialize_entry("kind", "error")?;
                map.serialize_entry("status", status)?;
                map.serialize_entry("error", message)?;
            }
            Self::Malformed => map.serialize_entry("kind", "malformed")?,
            Self::Drop => map.serialize_entry("kind", "drop")?,
            Self::Delay(duration) => {
                map.serialize_entry("kind", "delay")?;
                map.serialize_entry("ms", &duration.as_millis())?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(method: Option<&str>, target: Option<&str>, count: u64) -> Fault {
        Fault {
            method: method.map(str::to_owned),
            path: "/1.0/services/rgw".to_owned(),
            target: target.map(str::to_owned),
            count,
            action: FaultAction::Drop,
        }
    }

    fn probe<'a>(method: &'a str, target: &'a str) -> FaultProbe<'a> {
        FaultProbe {
            method,
            decoded_path: "/1.0/services/rgw",
            effective_target: target,
        }
    }

    #[test]
    fn matches_consume_counts_in_order() {
        let mut book = FaultBook::default();
        let first = book.add(fault(Some("PUT"), Some("node2"), 2));
        book.add(fault(None, None, 1));
        assert_eq!(first, 1);
        assert_eq!(book.take(probe("GET", "node1")), Some(FaultAction::Drop));
        assert_eq!(book.pending().len(), 1);
        assert_eq!(book.take(probe("GET", "node1")), None);
        assert!(book.take(probe("put", "node2")).is_some());
        assert!(book.take(probe("PUT", "node2")).is_some());
        assert!(book.pending().is_empty());
    }
}
