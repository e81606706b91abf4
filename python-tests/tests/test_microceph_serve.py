"""The `serve()` loop of the real `microceph` module: its health checks in `ceph health`, and
listings that keep answering from the last observation while MicroCeph is gone.

`serve()` runs on its own thread here, as ceph-mgr runs it, with a short refresh interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import alive_cluster, settled
from mgr_harness.orch import OrchHarness

UNREACHABLE_DETAIL = (
    "`ceph orch` listings show the last state observed; REFRESHED says how old it is"
)


@pytest.fixture
def serving(microceph_on_fake: OrchHarness) -> Iterator[OrchHarness]:
    """`microceph_on_fake` with the module's `serve()` running every 0.2 s."""
    result = microceph_on_fake.mgr.config_set("microceph", "refresh_interval", "0.2")
    assert result.retval == 0, result
    module = microceph_on_fake.backend
    thread = threading.Thread(target=module.serve, daemon=True)
    thread.start()
    yield microceph_on_fake
    module.shutdown()
    thread.join(timeout=10)
    assert not thread.is_alive(), "serve() returns once shutdown() is called"


def health(harness: OrchHarness) -> dict[str, Any]:
    return harness.mgr.health_checks.get("microceph", {})


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.05)


def test_microceph_gone_raises_a_health_check_and_listings_answer_from_cache(
    serving: OrchHarness, fake_microceph: FakeMicroCeph, fake_microceph_bin: Path
) -> None:
    wait_for(lambda: "microceph" in serving.mgr.health_checks, "first serve() pass")
    assert health(serving) == {}
    before = settled(serving.orch("ls").stdout)
    fake_microceph.halt()
    wait_for(lambda: "MICROCEPH_API_UNREACHABLE" in health(serving), "health check")
    check = health(serving)["MICROCEPH_API_UNREACHABLE"]
    why = (
        f"microceph socket {fake_microceph.socket} does not exist: is the microceph snap "
        "installed and its daemon running? (check `snap services microceph.daemon`)"
    )
    assert check == {
        "severity": "warning",
        "summary": f"MicroCeph API at {fake_microceph.socket} is unreachable",
        "count": 2,
        "detail": [why, UNREACHABLE_DETAIL],
    }
    assert list(health(serving)) == ["MICROCEPH_API_UNREACHABLE"]
    # The listings still answer, from the last observation, whose age REFRESHED shows.
    retval, stdout, stderr = serving.orch("ls")
    assert (retval, stderr) == (0, "")
    assert settled(stdout) == before
    assert serving.orch("status") == (0, f"Backend: microceph\nAvailable: No ({why})", "")
    # MicroCeph is back: the check clears.
    fake_microceph.resume(fake_microceph_bin)
    wait_for(lambda: health(serving) == {}, "cleared health check")
    assert serving.orch("status") == (0, "Backend: microceph\nAvailable: Yes", "")


def test_an_offline_member_raises_a_health_check(
    serving: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_member("node2", status="UNREACHABLE")
    wait_for(lambda: "MICROCEPH_MEMBER_OFFLINE" in health(serving), "health check")
    assert health(serving)["MICROCEPH_MEMBER_OFFLINE"] == {
        "severity": "warning",
        "summary": "1 MicroCeph member is not online",
        "count": 1,
        "detail": ["node2 is UNREACHABLE"],
    }
    fake_microceph.set_member("node2", status="ONLINE")
    wait_for(lambda: health(serving) == {}, "cleared health check")


def test_a_service_below_its_spec_raises_a_health_check(serving: OrchHarness) -> None:
    assert serving.orch("apply rgw foo --placement=node1,node2").retval == 0
    mgr = serving.mgr
    version = mgr.release.version_string
    mgr.set_cluster_maps(*alive_cluster(version, registered={"rgw": {"node1": 5001}}))
    wait_for(lambda: "MICROCEPH_SERVICE_BELOW_SPEC" in health(serving), "health check")
    assert health(serving)["MICROCEPH_SERVICE_BELOW_SPEC"] == {
        "severity": "warning",
        "summary": "1 service runs below its applied spec",
        "count": 1,
        "detail": ["rgw.foo: 1/2 running; rgw.node2 stopped (not in the service map)"],
    }
    registered = {"rgw": {"node1": 5001, "node2": 5002}}
    mgr.set_cluster_maps(*alive_cluster(version, registered=registered))
    wait_for(lambda: health(serving) == {}, "cleared health check")
