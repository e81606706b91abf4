"""Commands of the real `microceph` module running at once, on threads as ceph-mgr runs them.

Two changes of one service serialise: MicroCeph is asked to enable each daemon once (its enables
are not idempotent), never two changes of one member at once, and the spec stored at the end is
the one whose placement the cluster shows. Listings never wait on a change in progress, and a
refresh that overlaps a change never brings back the state from before it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from mgr_harness.cli import CliResult
from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, placements
from mgr_harness.orch import OrchHarness

# Generous: how long any command here may take before the test calls it hung.
HUNG = 30.0


def at_once(harness: OrchHarness, *lines: str) -> list[CliResult]:
    """Runs each command line on its own thread, all released together; their results in order."""
    results: list[CliResult | None] = [None] * len(lines)
    start = threading.Barrier(len(lines))

    def run(index: int, line: str) -> None:
        start.wait()
        results[index] = harness.orch(line)

    threads = [threading.Thread(target=run, args=(index, line)) for index, line in enumerate(lines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HUNG)
        assert not thread.is_alive(), "a command hung"
    return [result for result in results if result is not None]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.01)


def slow(fake: FakeMicroCeph, **timing: int) -> None:
    fake.control("PUT", "timing", timing)


def stored_hosts(harness: OrchHarness, service_name: str) -> list[str] | None:
    text = harness.mgr.stores.get("microceph", {}).get(f"spec.{service_name}")
    return None if text is None else sorted(json.loads(text)["placement"]["hosts"])


def enables(log: list[str]) -> list[str]:
    return [line for line in log if line.startswith("enabling ")]


def test_two_applies_of_one_spec_enable_each_daemon_once(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    slow(fake_microceph, enable_duration_ms=500)
    fake_microceph.control("DELETE", "concurrency")
    line = "apply rgw foo --placement=node1,node2"
    results = at_once(microceph_on_fake, line, line)
    assert sorted(results) == [
        (0, "rgw.foo: enabled rgw on node1, node2", ""),
        (0, "rgw.foo: nothing to do (already on node1, node2)", ""),
    ]
    assert sorted(enables(fake_microceph.log())) == [
        "enabling rgw on node1",
        "enabling rgw on node2",
    ]
    assert fake_microceph.control("GET", "concurrency")["writes"]["peak_per_member"] == 1
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node1", "node2"]}


@pytest.mark.parametrize("round_", range(3))
def test_two_applies_of_one_service_leave_the_spec_the_cluster_shows(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, round_: int
) -> None:
    slow(fake_microceph, enable_duration_ms=300)
    results = at_once(
        microceph_on_fake,
        "apply rgw foo --placement=node1",
        "apply rgw foo --placement=node2",
    )
    assert [result.retval for result in results] == [0, 0], results
    placed = placements(fake_microceph.state())["rgw"]
    assert len(placed) == 1, "the later apply undid the earlier one's placement"
    assert stored_hosts(microceph_on_fake, "rgw.foo") == placed
    assert fake_microceph.control("GET", "concurrency")["writes"]["peak_per_member"] == 1


def test_an_apply_during_rm_of_the_same_service_leaves_them_in_agreement(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw foo --placement=node1,node2").retval == 0
    slow(fake_microceph, disable_duration_ms=500, enable_duration_ms=500)
    results = at_once(microceph_on_fake, "rm rgw.foo", "apply rgw foo --placement=node3")
    assert [result.retval for result in results] == [0, 0], results
    placed = placements(fake_microceph.state()).get("rgw")
    # Whichever ran last decided: rm leaves neither spec nor daemons, apply leaves both.
    assert stored_hosts(microceph_on_fake, "rgw.foo") == placed
    assert placed in (None, ["node3"])


def daemons(harness: OrchHarness) -> dict[str, list[str]]:
    import orchestrator

    found: dict[str, list[str]] = {}
    for daemon in orchestrator.raise_if_exception(harness.backend.list_daemons()):
        found.setdefault(daemon.daemon_type, []).append(daemon.hostname)
    return {kind: sorted(hosts) for kind, hosts in sorted(found.items())}


def test_a_refresh_during_an_apply_never_brings_back_the_state_before_it(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    harness, fake = microceph_on_fake, fake_microceph
    slow(fake, enable_duration_ms=1000)
    applied: list[CliResult] = []
    apply = threading.Thread(
        target=lambda: applied.append(harness.orch("apply rgw foo --placement=node2"))
    )
    apply.start()
    wait_for(lambda: fake.control("GET", "concurrency")["writes"]["in_flight"] == 1, "enable")
    # The refresh reads the placement now, before the enable is done, and then waits on the
    # members' block devices until well after the apply read its result back.
    fake.add_fault(
        method="GET", path="/1.0/resources", count=3, action={"kind": "delay", "ms": 2500}
    )
    refreshed: list[CliResult] = []
    refresh = threading.Thread(target=lambda: refreshed.append(harness.orch("ps --refresh")))
    refresh.start()
    apply.join(timeout=HUNG)
    refresh.join(timeout=HUNG)
    assert applied == [(0, "rgw.foo: enabled rgw on node2", "")]
    assert [result.retval for result in refreshed] == [0]
    assert daemons(harness)["rgw"] == ["node2"], "the listing shows what the apply did"
    assert placements(fake.state())["rgw"] == ["node2"]


def test_listings_do_not_wait_on_a_long_apply(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    harness, fake = microceph_on_fake, fake_microceph
    assert harness.orch("ps").retval == 0
    slow(fake, enable_duration_ms=8000)
    applied: list[CliResult] = []
    apply = threading.Thread(
        target=lambda: applied.append(harness.orch("apply rgw foo --placement=node1,node2,node3"))
    )
    apply.start()
    wait_for(lambda: fake.control("GET", "concurrency")["writes"]["in_flight"] == 3, "enables")
    listed: list[Any] = []

    def list_daemons() -> None:
        for _ in range(10):
            listed.append(harness.orch("ps"))

    readers = [threading.Thread(target=list_daemons) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=HUNG)
    # Forty listings answered while every enable was still running.
    assert apply.is_alive()
    assert fake.control("GET", "concurrency")["writes"]["in_flight"] == 3
    assert [result.retval for result in listed] == [0] * 40
    apply.join(timeout=HUNG)
    assert applied == [(0, "rgw.foo: enabled rgw on node1, node2, node3", "")]
