"""`ceph orch rm`, `orch restart`, `orch daemon restart` and every operation the `microceph` module
refuses, through Ceph's own orchestrator CLI against a running `fake-microceph`.

Writes are checked against the fake's state and daemon log; refusals must be one
`Error E...: <message>` line with no traceback, and must send nothing that changes the cluster.
"""

from __future__ import annotations

import errno

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, after, alive_cluster, placements, restarts, writes
from mgr_harness.orch import OrchHarness

OSD_RESTART_WARNING = (
    "warning: MicroCeph restarts only the services it records per member and does not record "
    "OSDs there, so it may answer an osd restart without restarting any OSD"
)


def test_rm_rgw_disables_it_everywhere_and_forgets_its_spec(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw foo --placement=node2,node3").retval == 0
    assert "spec.rgw.foo" in microceph_on_fake.mgr.stores["microceph"]
    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("rm rgw.foo") == (
        0,
        "rgw.foo: removed; disabled rgw on node2, node3",
        "",
    )
    assert sorted(writes(fake_microceph.requests())) == [
        "DELETE /1.0/services/rgw node2",
        "DELETE /1.0/services/rgw node3",
    ]
    assert placements(fake_microceph.state()) == GENERATED
    assert microceph_on_fake.mgr.stores["microceph"] == {}
    assert microceph_on_fake.orch("ls rgw") == (0, "No services reported", "")


def test_rm_nfs_disables_the_nfs_cluster(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply nfs east --placement=node3 --port 2050").retval == 0
    assert placements(fake_microceph.state())["nfs.east"] == ["node3 0.0.0.0:2050"]
    assert microceph_on_fake.orch("rm nfs.east") == (
        0,
        "nfs.east: removed; disabled nfs cluster east on node3",
        "",
    )
    assert placements(fake_microceph.state()) == GENERATED
    assert microceph_on_fake.mgr.stores["microceph"] == {}


def test_rm_mds_warns_when_no_mds_remains(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mds fs1 --placement=node3") == (
        0,
        "mds.fs1: disabled mds on node1, node2",
        "",
    )
    assert microceph_on_fake.orch("rm mds.fs1") == (
        0,
        "mds.fs1: removed; disabled mds on node3\n"
        "warning: no mds daemon will remain: CephFS file systems are unavailable until an mds "
        "service is applied again",
        "",
    )
    assert placements(fake_microceph.state()) == {"mgr": GENERATED["mgr"], "mon": GENERATED["mon"]}


def test_rm_of_a_service_that_runs_nowhere_any_more(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    # The spec is stored, but rbd-mirror was disabled behind the orchestrator's back.
    assert microceph_on_fake.orch("apply rbd-mirror --placement=node1").retval == 0
    state = fake_microceph.state()
    for member in state["members"]:
        member["services"] = [name for name in member["services"] if name != "rbd-mirror"]
    fake_microceph.set_state(state)
    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("rm rbd-mirror") == (
        0,
        "rbd-mirror: removed; no daemon of it ran",
        "",
    )
    assert writes(fake_microceph.requests()) == []
    assert microceph_on_fake.mgr.stores["microceph"] == {}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rm nfs", "nfs: service type 'nfs' requires a service id, as in 'nfs.<cluster_id>'"),
        # Ceph's own CLI refuses these two before asking the backend.
        ("rm mon", "The mon and mgr services cannot be removed"),
        ("rm mgr", "The mon and mgr services cannot be removed"),
        (
            "rm mon --force",
            "mon: removing the mon service is refused even with --force: the cluster needs at "
            "least 1 mon; shrink it with ceph orch apply mon <placement> instead",
        ),
        ("rm rgw.nope", "rgw.nope: unknown service rgw.nope; services are: mds.microceph, mgr, "
         "mon, osd"),
        (
            "rm crash",
            "crash: service type 'crash' is not supported by MicroCeph; supported types are: "
            "mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
        ),
        (
            "rm osd",
            "osd: osd cannot be removed with ceph orch rm: MicroCeph manages OSDs as disks; "
            "remove one with microceph disk remove <osd id>",
        ),
    ],
)  # fmt: skip
def test_rm_refusals(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str, message: str
) -> None:
    result = microceph_on_fake.orch(line)
    assert result == (-errno.EINVAL, "", message)
    assert result.error_line == f"Error EINVAL: {message}"
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED


def confirm_within(harness: OrchHarness, seconds: int) -> None:
    """Gives Ceph `seconds` to show restarted daemons back."""
    result = harness.mgr.config_set("microceph", "restart_confirm_timeout", str(seconds))
    assert result.retval == 0, result


def test_restart_mon_restarts_it_on_every_member_and_waits_for_a_new_election(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    mgr = microceph_on_fake.mgr
    version = mgr.release.version_string
    after(0.5, lambda: mgr.set_cluster_maps(*alive_cluster(version, election_epoch=7)))
    assert microceph_on_fake.orch("restart mon") == (
        0,
        "mon: restarted mon on node1\nmon: restarted mon on node2\nmon: restarted mon on node3\n"
        "mon: Ceph shows mon.node1, mon.node2, mon.node3 back",
        "",
    )
    assert restarts(fake_microceph.state()) == {
        "node1": {"mon": 1},
        "node2": {"mon": 1},
        "node3": {"mon": 1},
    }
    assert placements(fake_microceph.state()) == GENERATED


def test_a_restart_ceph_does_not_confirm_fails_and_says_what_is_missing(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    confirm_within(microceph_on_fake, 1)
    result = microceph_on_fake.orch("restart mon")
    assert result == (
        -errno.ETIMEDOUT,
        "",
        "mon: Ceph does not show mon.node1 (no new mon election yet), mon.node2 (no new mon "
        "election yet), mon.node3 (no new mon election yet) back within 1 s after MicroCeph "
        "restarted mon on node1, node2, node3",
    )
    assert restarts(fake_microceph.state()) == {
        "node1": {"mon": 1},
        "node2": {"mon": 1},
        "node3": {"mon": 1},
    }


def test_restart_rgw_restarts_it_where_it_runs_and_waits_for_it_to_register_again(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    mgr = microceph_on_fake.mgr
    version = mgr.release.version_string
    assert microceph_on_fake.orch("apply rgw foo --placement=node1,node3").retval == 0
    mgr.set_cluster_maps(
        *alive_cluster(version, registered={"rgw": {"node1": 5001, "node3": 5003}})
    )
    after(
        0.5,
        lambda: mgr.set_cluster_maps(
            *alive_cluster(version, registered={"rgw": {"node1": 5011, "node3": 5013}})
        ),
    )
    assert microceph_on_fake.orch("restart rgw.foo") == (
        0,
        "rgw.foo: restarted rgw on node1\nrgw.foo: restarted rgw on node3\n"
        "rgw.foo: Ceph shows rgw.node1, rgw.node3 back",
        "",
    )
    assert restarts(fake_microceph.state()) == {"node1": {"rgw": 1}, "node3": {"rgw": 1}}


def test_restart_osd_fails_when_microceph_restarted_none(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    confirm_within(microceph_on_fake, 1)
    assert microceph_on_fake.orch("restart osd") == (
        -errno.ETIMEDOUT,
        "",
        "osd: Ceph does not show osd.1 (still up since before the restart), osd.2 (still up "
        "since before the restart), osd.3 (still up since before the restart) back within 1 s "
        "after MicroCeph restarted osd on node1, node2, node3\n" + OSD_RESTART_WARNING,
    )
    # Exactly what Ceph's OSD map showed: MicroCeph answered, and restarted nothing.
    assert restarts(fake_microceph.state()) == {}
    assert sorted(fake_microceph.log()) == [
        f"skipped restart of osd on node{index}: osd service is not planned for current host"
        for index in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("restart mgr", "mgr: restarting mgr is not supported by MicroCeph; restart is "
         "supported for mon, rgw and osd"),
        ("restart mds.microceph", "mds.microceph: restarting mds is not supported by MicroCeph; "
         "restart is supported for mon, rgw and osd"),
        ("restart nfs.east", "nfs.east: restarting nfs is not supported by MicroCeph; restart "
         "is supported for mon, rgw and osd"),
        ("restart rgw.foo", "rgw.foo: rgw.foo runs on no member; there is nothing to restart"),
        ("stop mon", "mon: action 'stop' is not supported by MicroCeph; supported actions: "
         "restart (for mon, rgw and osd)"),
        ("redeploy mon", "mon: action 'redeploy' is not supported by MicroCeph; supported "
         "actions: restart (for mon, rgw and osd)"),
    ],
)  # fmt: skip
def test_restart_refusals(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str, message: str
) -> None:
    result = microceph_on_fake.orch(line)
    assert result == (-errno.EINVAL, "", message)
    assert result.error_line == f"Error EINVAL: {message}"
    assert writes(fake_microceph.requests()) == []
    assert restarts(fake_microceph.state()) == {}


def test_daemon_restart_of_a_mon(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    mgr = microceph_on_fake.mgr
    version = mgr.release.version_string
    after(0.5, lambda: mgr.set_cluster_maps(*alive_cluster(version, election_epoch=7)))
    assert microceph_on_fake.orch("daemon restart mon.node1") == (
        0,
        "mon.node1: restarted mon on node1\nmon.node1: Ceph shows mon.node1 back",
        "",
    )
    assert writes(fake_microceph.requests()) == ["POST /1.0/services/restart node1"]
    assert restarts(fake_microceph.state()) == {"node1": {"mon": 1}}


def test_daemon_restart_of_an_osd_goes_to_its_host(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    mgr = microceph_on_fake.mgr
    version = mgr.release.version_string
    after(0.5, lambda: mgr.set_cluster_maps(*alive_cluster(version, osd_up_from=9)))
    assert microceph_on_fake.orch("daemon restart osd.2") == (
        0,
        f"osd.2: restarted osd on node2\nosd.2: Ceph shows osd.2 back\n{OSD_RESTART_WARNING}",
        "",
    )
    assert writes(fake_microceph.requests()) == ["POST /1.0/services/restart node2"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("daemon stop mon.node1", "mon.node1: action 'stop' is not supported by MicroCeph; "
         "supported actions: restart (for mon, rgw and osd)"),
        ("daemon start osd.1", "osd.1: action 'start' is not supported by MicroCeph; supported "
         "actions: restart (for mon, rgw and osd)"),
        ("daemon redeploy mon.node1", "mon.node1: action 'redeploy' is not supported by "
         "MicroCeph; supported actions: restart (for mon, rgw and osd)"),
        ("daemon restart mgr.node1", "mgr.node1: restarting mgr is not supported by MicroCeph; "
         "restart is supported for mon, rgw and osd"),
        ("daemon restart mon.node9", "mon.node9: unknown daemon mon.node9: node9 is not a "
         "cluster member; cluster members are: node1, node2, node3"),
        ("daemon restart osd.9", "osd.9: unknown daemon osd.9: MicroCeph has no osd.9; OSDs "
         "are: osd.1, osd.2, osd.3"),
    ],
)  # fmt: skip
def test_daemon_action_refusals(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str, message: str
) -> None:
    result = microceph_on_fake.orch(line)
    assert result == (-errno.EINVAL, "", message)
    assert result.error_line == f"Error EINVAL: {message}"
    assert writes(fake_microceph.requests()) == []


ADD_OSD = (
    "creating OSDs is not supported by the microceph orchestrator: run `microceph disk add "
    "<device>` on the host that owns the disk (ceph orch device ls shows the available ones)"
)
ADD_HOST = (
    "adding host node4 is not supported by the microceph orchestrator: run `microceph cluster "
    "add <name>` on a member to get a join token, then `microceph cluster join <token>` on the "
    "new host"
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("host add node4 10.0.0.4", ADD_HOST),
        ("host add node4", ADD_HOST),
        ("host rm node3", "removing host node3 is not supported by the microceph orchestrator: "
         "run `microceph cluster remove <name>` on a member"),
        ("host label add node1 mon", "host labels 'mon' on node1 are not supported: MicroCeph "
         "has no host labels; place services with explicit hosts, a count or a host pattern"),
        ("host label rm node1 mon", "host labels 'mon' on node1 are not supported: MicroCeph "
         "has no host labels; place services with explicit hosts, a count or a host pattern"),
        ("daemon add osd node1:/dev/sdc", ADD_OSD),
        ("osd rm 1 2", "removing OSDs osd.1, osd.2 is not supported by the microceph "
         "orchestrator: run `microceph disk remove <osd id>`"),
    ],
)  # fmt: skip
def test_what_microceph_does_itself_is_refused_with_the_command_to_use(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str, message: str
) -> None:
    result = microceph_on_fake.orch(line)
    assert result == (-errno.EOPNOTSUPP, "", message)
    # The `ceph` client names errno 95 as Python does on Linux: ENOTSUP, EOPNOTSUPP's alias.
    assert result.error_line == f"Error ENOTSUP: {message}"
    # These are refused without asking MicroCeph anything.
    assert fake_microceph.requests() == []
