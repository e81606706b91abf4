"""The benchmark driver `cargo xtask bench` runs: a mgr module measured through Ceph's real
orchestrator Python against `fake-microceph`.

`python -m bench module ...` loads one module package named `microceph` into the harness's
in-memory ceph-mgr and prints one JSON line per case; `python -m bench cluster ...` writes the
cluster description a case uses, for the Rust core's own measurement. Neither is a test: pytest
collects only `tests/`, and nothing here asserts a time.
"""
