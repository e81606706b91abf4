"""The soak driver `cargo xtask soak` runs: thousands of mixed `ceph orch` operations from several
threads against `fake-microceph` with random injected faults, through the real `microceph` module
loaded into the harness's in-memory ceph-mgr with Ceph's real orchestrator Python.

`python -m soak --ops N --seed S ...` prints its seed first, then one line per invariant
violation and a closing JSON report; it exits 1 when any invariant was violated or the harness
itself failed. It is not a test package: pytest collects only `tests/`.
"""
