"""Backend failures injected through `fake-microceph`'s control API, as an operator reads them
through Ceph's own orchestrator CLI and the real `microceph` module.

MicroCeph's own error text must reach the operator verbatim, a partly executed plan must name
what changed and what did not, and the fake's state must show exactly that.
"""

from __future__ import annotations

import errno
import time

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, alive_cluster, placements, restarts, settled, writes
from mgr_harness.orch import OrchHarness


def unreachable(member: str, method: str, path: str) -> str:
    """MicroCeph's text for a request forwarded to a member it cannot reach (Go's dial error)."""
    number = member.removeprefix("node")
    return (
        f'Failed to send request to target "{member}": {method} '
        f'"https://10.0.0.{number}:7443{path}?target={member}": Unable to connect to '
        f'"10.0.0.{number}:7443": dial tcp 10.0.0.{number}:7443: connect: connection refused'
    )


def test_an_unreachable_member_during_apply_is_named_with_what_changed_elsewhere(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_member("node2", status="UNREACHABLE")
    result = microceph_on_fake.orch("apply rgw foo --placement=node1,node2,node3")
    assert result.retval == -errno.EHOSTUNREACH
    assert result.error_line == (
        "Error EHOSTUNREACH: rgw.foo: failed on node2: "
        + unreachable("node2", "Put", "/1.0/services/rgw")
        + "; changed: enabled rgw on node1, node3"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node1", "node3"]}
    # The spec is kept: it is what the operator asked for, and `orch ls` shows the shortfall
    # once the two RGWs that were enabled have registered with Ceph.
    mgr = microceph_on_fake.mgr
    registered = {"rgw": {"node1": 5001, "node3": 5003}}
    mgr.set_cluster_maps(*alive_cluster(mgr.release.version_string, registered=registered))
    retval, stdout, stderr = microceph_on_fake.orch("ls rgw")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME     PORTS  RUNNING  REFRESHED  AGE  PLACEMENT          \n"
        "rgw.foo  ?:80       2/3  0s ago     -    node1;node2;node3  ",
        "",
    )

    # Once the member is back, applying the same spec finishes the job.
    fake_microceph.set_member("node2", status="ONLINE")
    assert microceph_on_fake.orch("apply rgw foo --placement=node1,node2,node3") == (
        0,
        "rgw.foo: enabled rgw on node2",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node1", "node2", "node3"]}


def test_a_count_placement_leaves_out_an_unreachable_member_and_says_so(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_member("node2", status="UNREACHABLE")
    assert microceph_on_fake.orch("apply rgw foo --placement=3") == (
        0,
        "rgw.foo: enabled rgw on node1, node3\n"
        "warning: count 3 for rgw.foo exceeds the 2 member(s) available to it; placing it on "
        "node1, node3",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node1", "node3"]}


def test_a_restart_with_an_unreachable_member_restarts_the_others(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_member("node3", status="UNREACHABLE")
    result = microceph_on_fake.orch("restart mon")
    assert result.error_line == (
        "Error EHOSTUNREACH: mon: failed on node3: "
        + unreachable("node3", "Post", "/1.0/services/restart")
        + "; changed: restarted mon on node1, node2"
    )
    assert restarts(fake_microceph.state()) == {"node1": {"mon": 1}, "node2": {"mon": 1}}

    result = microceph_on_fake.orch("daemon restart mon.node3")
    assert result.error_line == (
        "Error EHOSTUNREACH: mon.node3: failed on node3: "
        + unreachable("node3", "Post", "/1.0/services/restart")
        + "; nothing changed"
    )


def test_a_failed_enable_shows_microcephs_text_and_a_retry_completes(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.add_fault(
        method="PUT",
        path="/1.0/services/rbd-mirror",
        target="node2",
        action={"kind": "error", "status": 500, "error": "Failed to enable rbd-mirror: boom"},
    )
    result = microceph_on_fake.orch("apply rbd-mirror --placement=*")
    assert result.retval == -errno.EIO
    assert result.error_line == (
        "Error EIO: rbd-mirror: failed on node2: Failed to enable rbd-mirror: boom; "
        "changed: enabled rbd-mirror on node1, node3"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rbd-mirror": ["node1", "node3"]}
    mgr = microceph_on_fake.mgr
    registered = {"rbd-mirror": {"node1": 5101, "node3": 5103}}
    mgr.set_cluster_maps(*alive_cluster(mgr.release.version_string, registered=registered))
    retval, stdout, stderr = microceph_on_fake.orch("ls rbd-mirror")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME        PORTS  RUNNING  REFRESHED  AGE  PLACEMENT  \n"
        "rbd-mirror             2/3  0s ago     -    *          ",
        "",
    )
    # The fault was used up; the same apply now enables the missing daemon only.
    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("apply rbd-mirror --placement=*") == (
        0,
        "rbd-mirror: enabled rbd-mirror on node2",
        "",
    )
    assert writes(fake_microceph.requests()) == ["PUT /1.0/services/rbd-mirror node2"]
    assert placements(fake_microceph.state()) == {
        **GENERATED,
        "rbd-mirror": ["node1", "node2", "node3"],
    }


def test_a_failed_disable_keeps_the_spec_so_rm_can_be_run_again(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw foo --placement=node2,node3").retval == 0
    fake_microceph.add_fault(
        method="DELETE",
        path="/1.0/services/rgw",
        target="node2",
        action={"kind": "error", "status": 500, "error": "Failed to disable rgw: boom"},
    )
    result = microceph_on_fake.orch("rm rgw.foo")
    assert result.error_line == (
        "Error EIO: rgw.foo: failed on node2: Failed to disable rgw: boom; "
        "changed: disabled rgw on node3"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node2"]}
    assert list(microceph_on_fake.mgr.stores["microceph"]) == ["spec.rgw.foo"]
    assert microceph_on_fake.orch("rm rgw.foo") == (
        0,
        "rgw.foo: removed; disabled rgw on node2",
        "",
    )
    assert placements(fake_microceph.state()) == GENERATED
    assert microceph_on_fake.mgr.stores["microceph"] == {}


def test_a_dropped_connection_is_reported_with_the_socket(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.add_fault(
        method="PUT", path="/1.0/services/rgw", target="node3", action={"kind": "drop"}
    )
    result = microceph_on_fake.orch("apply rgw foo --placement=node2,node3")
    assert result.error_line == (
        "Error EIO: rgw.foo: failed on node3: PUT /1.0/services/rgw?target=node3: request to "
        f"microceph at {fake_microceph.socket} failed: client error (SendRequest): connection "
        "closed before message completed; changed: enabled rgw on node2"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node2"]}


def test_a_malformed_answer_is_reported_not_trusted(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.add_fault(method="GET", path="/1.0/services", action={"kind": "malformed"})
    result = microceph_on_fake.orch("ls")
    assert result.retval == -errno.EIO
    assert result.stderr.startswith(
        "cannot observe the MicroCeph cluster: GET /1.0/services: undecodable response "
        '(HTTP 200), body starts with "{\\"type\\":\\"sync\\"'
    )
    assert result.stderr.endswith(
        ": body is not valid json: EOF while parsing a string at line 1 column 111"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("database", "text"),
    [
        ("not-initialized", "Database is not yet initialized"),
        ("starting", "Database is still starting"),
        ("offline", "Database is offline"),
    ],
)
def test_a_database_that_is_not_open_is_named_in_microcephs_words(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, database: str, text: str
) -> None:
    fake_microceph.set_daemon(database=database)
    assert microceph_on_fake.orch("status") == (
        0,
        "Backend: microceph\nAvailable: No (MicroCeph member node1 at "
        f"{fake_microceph.socket} is not ready: its cluster database is not open yet)",
        "",
    )
    for line in ("ls", "host ls", "ps", "device ls", "apply mon --placement=2", "rm rgw.foo",
                 "restart mon", "daemon restart mon.node1"):  # fmt: skip
        result = microceph_on_fake.orch(line)
        assert result.error_line == f"Error EAGAIN: cannot observe the MicroCeph cluster: {text}"
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED


def test_a_daemon_shutting_down_is_named(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_daemon(shutting_down=True)
    assert microceph_on_fake.orch("status") == (
        0,
        "Backend: microceph\nAvailable: No (Daemon is shutting down)",
        "",
    )
    assert microceph_on_fake.orch("ls").error_line == (
        "Error EAGAIN: cannot observe the MicroCeph cluster: Daemon is shutting down"
    )


def test_a_hung_read_gives_up_after_the_read_timeout(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.mgr.config_set("microceph", "read_timeout", "1").retval == 0
    fake_microceph.add_fault(
        method="GET", path="/1.0/services", action={"kind": "delay", "ms": 10_000}
    )
    started = time.monotonic()
    result = microceph_on_fake.orch("ls")
    elapsed = time.monotonic() - started
    assert result.retval == -errno.ETIMEDOUT
    assert result.error_line == (
        "Error ETIMEDOUT: cannot observe the MicroCeph cluster: GET /1.0/services timed out "
        "after 1s"
    )
    assert 0.9 < elapsed < 3.0, elapsed
