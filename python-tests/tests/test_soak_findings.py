"""What the soak found, kept as tests: each reproduces one finding deterministically enough to fail
if the bug came back.

Two `orch apply mon` at once used to run side by side: the second observed the cluster while the
first was between its enables and its disables, planned to disable the mons the first had just
enabled, and the two together left one mon where every spec asked for three, while both reported
success. Changes of one service now run one after the other.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.orch import OrchHarness


def test_two_mon_applies_at_once_never_leave_fewer_than_three_mons(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, fake_microceph_bin: Path
) -> None:
    # Five members, the first three running mon, mgr and mds.
    described = subprocess.run(
        [str(fake_microceph_bin), "describe", "--members", "5"],
        check=True,
        capture_output=True,
        text=True,
    )
    fake_microceph.set_state(json.loads(described.stdout))
    # Each change takes a while, so the second apply starts while the first is under way.
    fake_microceph.control("PUT", "timing", {"enable_duration_ms": 300, "disable_duration_ms": 300})
    fewest = [3]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            members = fake_microceph.state()["members"]
            fewest[0] = min(fewest[0], sum("mon" in m["services"] for m in members))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    results = {}

    def apply(placement: str) -> None:
        results[placement] = microceph_on_fake.orch(f"apply mon --placement={placement}")

    first = threading.Thread(target=apply, args=("node3,node4,node5",))
    second = threading.Thread(target=apply, args=("node1,node2,node3",))
    first.start()
    # Past the first apply's enables (300 ms), before its disables end.
    time.sleep(0.35)
    second.start()
    first.join()
    second.join()
    done.set()
    watcher.join()
    assert [result.retval for result in results.values()] == [0, 0], results
    assert fewest[0] >= 3
    running = [m["name"] for m in fake_microceph.state()["members"] if "mon" in m["services"]]
    assert running in (["node1", "node2", "node3"], ["node3", "node4", "node5"])
