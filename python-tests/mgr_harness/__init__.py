"""Test harness that runs Ceph's real mgr Python (`mgr_module`, `orchestrator`, `ceph.deployment`)
in-process, with only ceph-mgr's C++ side (`ceph_module`) replaced by an in-memory stand-in.
"""
