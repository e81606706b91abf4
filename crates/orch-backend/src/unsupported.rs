//! The operations this orchestrator refuses, each with the `microceph` command that does the job instead.
//!
//! MicroCeph manages hosts and disks itself: hosts join with a token, and OSDs are added per disk on the host that owns it.
//! Ceph's orchestrator verbs for them are refused here with [`BackendError::Unsupported`], so the text lives in one place and the shim only passes the operation name.

use crate::error::BackendError;

/// The operations the shim may ask about, as Ceph's method names.
pub const OPERATIONS: [&str; 7] = [
    "add_host",
    "remove_host",
    "add_host_label",
    "remove_host_label",
    "create_osds",
    "apply_drivegroups",
    "remove_osds",
];

/// The refusal for `operation` on `subject` (a host name, a label, a spec name; may be empty).
pub fn refusal(operation: &str, subject: &str) -> BackendError {
    let subject = if subject.is_empty() {
        String::new()
    } else {
        format!(" {subject}")
    };
    let message = match operation {
        "add_host" => format!(
            "adding host{subject} is not supported by the microceph orchestrator: run `microceph cluster add <name>` on a member to get a join token, then `microceph cluster join <token>` on the new host"
        ),
        "remove_host" => format!(
            "removing host{subject} is not supported by the microceph orchestrator: run `microceph cluster remove <name>` on a member"
        ),
        "add_host_label" | "remove_host_label" => format!(
            "host labels{subject} are not supported: MicroCeph has no host labels; place services with explicit hosts, a count or a host pattern"
        ),
        "create_osds" | "apply_drivegroups" => format!(
            "creating OSDs{subject} is not supported by the microceph orchestrator: run `microceph disk add <device>` on the host that owns the disk (ceph orch device ls shows the available ones)"
        ),
        "remove_osds" => format!(
            "removing OSDs{subject} is not supported by the microceph orchestrator: run `microceph disk remove <osd id>`"
        ),
        other => format!("{other} is not supported by the microceph orchestrator"),
    };
    BackendError::Unsupported(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_points_to_a_command() {
        for operation in OPERATIONS {
            let message = refusal(operation, "node4").to_string();
            assert!(
                message.contains("microceph ") || message.contains("no host labels"),
                "{operation}: {message}"
            );
        }
        assert_eq!(
            refusal("add_host", "node4").to_string(),
            "adding host node4 is not supported by the microceph orchestrator: run `microceph cluster add <name>` on a member to get a join token, then `microceph cluster join <token>` on the new host"
        );
        assert_eq!(refusal("add_host", "node4").errno(), 95);
    }
}
