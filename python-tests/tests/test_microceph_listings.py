"""What an operator reads from the real `microceph` module's listings, through Ceph's own
orchestrator CLI, against a running `fake-microceph` of three members.

`orch status`, `orch host ls`, `orch ls` (filters, `--export`, JSON), `orch ps` (every filter) and
`orch device ls` are compared with the exact text of each release. Only where Ceph's own
rendering differs between releases do the expectations differ.
"""

from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import pytest

from mgr_harness import microceph
from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import ps_rows, settled, without_clock
from mgr_harness.orch import OrchHarness
from mgr_harness.release import Release


def lines(*rows: str) -> str:
    return "\n".join(rows)


# `orch ls` of the generated cluster: what MicroCeph reports, nothing stored yet.
LS_HEADER = "NAME           PORTS  RUNNING  REFRESHED  AGE  PLACEMENT          "
LS_MDS = "mds.microceph             3/3  0s ago     -    node1;node2;node3  "
LS_MGR = "mgr                       3/3  0s ago     -    node1;node2;node3  "
LS_MON = "mon                       3/3  0s ago     -    node1;node2;node3  "
LS_OSD = "osd                         3  0s ago     -    <unmanaged>        "


def ps_table(daemons: list[tuple[str, str]], version: str) -> str:
    """`orch ps` of running daemons `(name, host)` without ports, as Ceph lays the table out.

    Mons, MDSs and OSDs report `version` in their metadata; mgrs report none.
    """
    return ps_rows(
        [(name, host, "", "running", version_of(name, version)) for name, host in daemons]
    )


def version_of(name: str, version: str) -> str:
    return "<unknown>" if name.startswith("mgr.") else version


def test_orch_status_says_the_backend_is_available(microceph_on_fake: OrchHarness) -> None:
    assert microceph_on_fake.orch("status") == (0, "Backend: microceph\nAvailable: Yes", "")
    assert microceph_on_fake.orch("status --format json") == (
        0,
        '{"available": true, "backend": "microceph"}',
        "",
    )


def test_orch_status_says_why_when_the_socket_is_missing_and_answers_at_once(
    microceph_orch: OrchHarness, tmp_path: Path
) -> None:
    socket = tmp_path / "control.socket"
    assert microceph_orch.mgr.config_set("microceph", "socket_path", str(socket)).retval == 0
    why = (
        f"microceph socket {socket} does not exist: is the microceph snap installed and its "
        "daemon running? (check `snap services microceph.daemon`)"
    )
    started = time.monotonic()
    assert microceph_orch.orch("status") == (
        0,
        f"Backend: microceph\nAvailable: No ({why})",
        "",
    )
    assert time.monotonic() - started < 1.0, "a missing socket is known without waiting"
    assert json.loads(microceph_orch.orch("status --format json").stdout) == {
        "available": False,
        "backend": "microceph",
        "reason": why,
    }


def test_orch_status_gives_up_after_the_probe_timeout_when_microceph_hangs(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    # `probe_timeout` is whole seconds, as for every `secs` option of ceph-mgr.
    assert microceph_on_fake.mgr.config_set("microceph", "probe_timeout", "1").retval == 0
    fake_microceph.add_fault(method="GET", path="/core/1.0", action={"kind": "delay", "ms": 10_000})
    started = time.monotonic()
    assert microceph_on_fake.orch("status") == (
        0,
        "Backend: microceph\nAvailable: No (GET /core/1.0 timed out after 1s)",
        "",
    )
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 3.0, elapsed


def test_orch_host_ls_lists_the_microceph_members(microceph_on_fake: OrchHarness) -> None:
    assert microceph_on_fake.orch("host ls") == (
        0,
        lines(
            "HOST   ADDR      LABELS  STATUS  ",
            "node1  10.0.0.1                  ",
            "node2  10.0.0.2                  ",
            "node3  10.0.0.3                  ",
            "3 hosts in cluster",
        ),
        "",
    )
    retval, stdout, stderr = microceph_on_fake.orch("host ls --format json")
    assert (retval, stderr) == (0, "")
    assert json.loads(stdout) == [
        {"addr": f"10.0.0.{index}", "hostname": f"node{index}", "labels": [], "status": ""}
        for index in (1, 2, 3)
    ]


def test_orch_host_ls_shows_an_unreachable_member_offline(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.set_member("node2", status="UNREACHABLE")
    assert microceph_on_fake.orch("host ls") == (
        0,
        lines(
            "HOST   ADDR      LABELS  STATUS   ",
            "node1  10.0.0.1                   ",
            "node2  10.0.0.2          Offline  ",
            "node3  10.0.0.3                   ",
            "3 hosts in cluster",
        ),
        "",
    )


def test_orch_ls_lists_what_microceph_runs(microceph_on_fake: OrchHarness) -> None:
    retval, stdout, stderr = microceph_on_fake.orch("ls")
    assert (retval, settled(stdout), stderr) == (
        0,
        lines(LS_HEADER, LS_MDS, LS_MGR, LS_MON, LS_OSD),
        "",
    )


@pytest.mark.parametrize(
    ("line", "table"),
    [
        (
            "ls mon",
            [
                "NAME  PORTS  RUNNING  REFRESHED  AGE  PLACEMENT          ",
                "mon              3/3  0s ago     -    node1;node2;node3  ",
            ],
        ),
        ("ls --service-type mds", [LS_HEADER, LS_MDS]),
        (
            "ls --service_name mgr",
            [
                "NAME  PORTS  RUNNING  REFRESHED  AGE  PLACEMENT          ",
                "mgr              3/3  0s ago     -    node1;node2;node3  ",
            ],
        ),
        (
            "ls osd",
            [
                "NAME  PORTS  RUNNING  REFRESHED  AGE  PLACEMENT    ",
                "osd                3  0s ago     -    <unmanaged>  ",
            ],
        ),
    ],
)
def test_orch_ls_filters_by_service_type_and_name(
    microceph_on_fake: OrchHarness, line: str, table: list[str]
) -> None:
    retval, stdout, stderr = microceph_on_fake.orch(line)
    assert (retval, settled(stdout), stderr) == (0, lines(*table), "")


def test_orch_ls_of_an_unknown_service_reports_none(microceph_on_fake: OrchHarness) -> None:
    assert microceph_on_fake.orch("ls rgw") == (0, "No services reported", "")


def test_orch_ls_export_gives_the_specs_microceph_runs(microceph_on_fake: OrchHarness) -> None:
    hosts = "placement:\n  hosts:\n  - node1\n  - node2\n  - node3\n"
    assert microceph_on_fake.orch("ls --export") == (
        0,
        f"service_type: mds\nservice_id: microceph\nservice_name: mds.microceph\n{hosts}"
        f"---\nservice_type: mgr\nservice_name: mgr\n{hosts}"
        f"---\nservice_type: mon\nservice_name: mon\n{hosts}"
        f"---\nservice_type: osd\nservice_name: osd\n{hosts}unmanaged: true\n"
        "spec:\n  filter_logic: AND\n  objectstore: bluestore\n",
        "",
    )
    assert microceph_on_fake.orch("ls mon --export") == (
        0,
        f"service_type: mon\nservice_name: mon\n{hosts}",
        "",
    )


def test_orch_ls_format_json(microceph_on_fake: OrchHarness) -> None:
    retval, stdout, stderr = microceph_on_fake.orch("ls --format json")
    assert (retval, stderr) == (0, "")
    hosts = {"hosts": list(microceph.MEMBERS)}
    status = {"running": 3, "size": 3}
    assert without_clock(stdout) == [
        {
            "placement": hosts,
            "service_id": "microceph",
            "service_name": "mds.microceph",
            "service_type": "mds",
            "status": status,
        },
        {"placement": hosts, "service_name": "mgr", "service_type": "mgr", "status": status},
        {"placement": hosts, "service_name": "mon", "service_type": "mon", "status": status},
        {
            "placement": hosts,
            "service_name": "osd",
            "service_type": "osd",
            "spec": {"filter_logic": "AND", "objectstore": "bluestore"},
            "status": status,
            "unmanaged": True,
        },
    ]


def test_orch_ps_lists_every_daemon(microceph_on_fake: OrchHarness) -> None:
    retval, stdout, stderr = microceph_on_fake.orch("ps")
    daemons = [
        (f"{daemon_type}.{host}", host)
        for daemon_type in ("mds", "mgr", "mon")
        for host in microceph.MEMBERS
    ]
    daemons += [(f"osd.{index}", f"node{index}") for index in (1, 2, 3)]
    assert (retval, settled(stdout), stderr) == (
        0,
        ps_table(daemons, microceph_on_fake.mgr.release.upstream_version),
        "",
    )


@pytest.mark.parametrize(
    ("line", "daemons"),
    [
        (
            "ps --hostname node2",
            [
                ("mds.node2", "node2"),
                ("mgr.node2", "node2"),
                ("mon.node2", "node2"),
                ("osd.2", "node2"),
            ],
        ),
        (
            "ps --daemon_type mon",
            [("mon.node1", "node1"), ("mon.node2", "node2"), ("mon.node3", "node3")],
        ),
        ("ps --daemon-type osd", [("osd.1", "node1"), ("osd.2", "node2"), ("osd.3", "node3")]),
        (
            "ps --daemon-id node3",
            [("mds.node3", "node3"), ("mgr.node3", "node3"), ("mon.node3", "node3")],
        ),
        (
            "ps --service-name mds.microceph",
            [("mds.node1", "node1"), ("mds.node2", "node2"), ("mds.node3", "node3")],
        ),
        ("ps --daemon_type mon --daemon_id node1", [("mon.node1", "node1")]),
    ],
)
def test_orch_ps_filters(
    microceph_on_fake: OrchHarness, line: str, daemons: list[tuple[str, str]]
) -> None:
    retval, stdout, stderr = microceph_on_fake.orch(line)
    assert (retval, settled(stdout), stderr) == (
        0,
        ps_table(daemons, microceph_on_fake.mgr.release.upstream_version),
        "",
    )


def test_orch_ps_of_an_unknown_host_reports_no_daemon(microceph_on_fake: OrchHarness) -> None:
    assert microceph_on_fake.orch("ps --hostname node9") == (0, "No daemons reported", "")


def test_orch_ps_format_json(microceph_on_fake: OrchHarness, ceph_release: Release) -> None:
    retval, stdout, stderr = microceph_on_fake.orch("ps --daemon_type mon --format json")
    assert (retval, stderr) == (0, "")
    # Tentacle's DaemonDescription adds `pending_daemon_config`.
    extra = {"pending_daemon_config": False} if ceph_release.name == "tentacle" else {}
    assert without_clock(stdout) == [
        {
            "daemon_id": host,
            "daemon_name": f"mon.{host}",
            "daemon_type": "mon",
            "hostname": host,
            "ip": f"10.0.0.{host[-1]}",
            "is_active": False,
            **extra,
            "ports": [],
            "service_name": "mon",
            "status": 1,
            "status_desc": "running",
            "version": ceph_release.upstream_version,
        }
        for host in microceph.MEMBERS
    ]


def device_rows(host: str, index: int, pacific: bool) -> list[str]:
    # Pacific leaves AVAILABLE blank for a device in use; later releases print `No`.
    used = "  " if pacific else "No"
    return [
        f"{host}  /dev/disk/by-id/ata-Samsung_SSD_870_EVO_S6PNNS0T00000{index}  ssd   "
        f"ata-Samsung_SSD_870_EVO_S6PNNS0T00000{index}  8192M  Yes        0s ago"
        "                        ",
        f"{host}  /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_{host}-sdb      ssd   "
        f"scsi-0QEMU_QEMU_HARDDISK_{host}-sdb      10.0G  {used}         0s ago     "
        f"Used by OSD osd.{index}  ",
        f"{host}  /dev/disk/by-id/wwn-0x5000c5000000000{index}                  hdd   "
        f"wwn-0x5000c5000000000{index}                  20.0G  Yes        0s ago"
        "                        ",
    ]


DEVICE_HEADER = (
    "HOST   PATH                                                    TYPE  DEVICE ID"
    "                                SIZE  AVAILABLE  REFRESHED  REJECT REASONS     "
)


def test_orch_device_ls_lists_every_members_disks(
    microceph_on_fake: OrchHarness, ceph_release: Release
) -> None:
    pacific = ceph_release.name == "pacific"
    retval, stdout, stderr = microceph_on_fake.orch("device ls")
    expected = [DEVICE_HEADER]
    for index, host in enumerate(microceph.MEMBERS, start=1):
        expected += device_rows(host, index, pacific)
    assert (retval, settled(stdout), stderr) == (0, lines(*expected), "")


@pytest.mark.parametrize("line", ["device ls node2", "device ls --hostname node2"])
def test_orch_device_ls_of_one_host(
    microceph_on_fake: OrchHarness, ceph_release: Release, line: str
) -> None:
    retval, stdout, stderr = microceph_on_fake.orch(line)
    expected = [DEVICE_HEADER, *device_rows("node2", 2, ceph_release.name == "pacific")]
    assert (retval, settled(stdout), stderr) == (0, lines(*expected), "")


def test_orch_device_ls_format_json(microceph_on_fake: OrchHarness, ceph_release: Release) -> None:
    retval, stdout, stderr = microceph_on_fake.orch("device ls node1 --format json")
    assert (retval, stderr) == (0, "")
    # Fields of Ceph's own `Device` that MicroCeph has nothing to fill, per release: reef adds
    # the CRUSH device class, tentacle renames `ceph_device` and adds `being_replaced`.
    extra = {
        "pacific": {"ceph_device": None},
        "reef": {"ceph_device": None, "crush_device_class": None},
        "tentacle": {"being_replaced": None, "ceph_device_lvm": None, "crush_device_class": None},
    }[ceph_release.name]

    def device(path: str, kind: str, model: str, size: int, rotational: str) -> dict:
        return {
            "available": kind != "osd",
            **extra,
            "device_id": path,
            "human_readable_type": "hdd" if rotational == "1" else "ssd",
            "lsm_data": {},
            "lvs": [],
            "path": f"/dev/disk/by-id/{path}",
            "rejected_reasons": ["Used by OSD osd.1"] if kind == "osd" else [],
            "sys_api": {"model": model, "rotational": rotational, "size": size},
        }

    assert without_clock(stdout) == [
        {
            "addr": "10.0.0.1",
            "devices": [
                device(
                    "ata-Samsung_SSD_870_EVO_S6PNNS0T000001",
                    "free",
                    "Samsung SSD 870 EVO",
                    8589934592,
                    "0",
                ),
                device(
                    "scsi-0QEMU_QEMU_HARDDISK_node1-sdb", "osd", "QEMU HARDDISK", 10737418240, "0"
                ),
                device("wwn-0x5000c50000000001", "free", "ST20000NM007D", 21474836480, "1"),
            ],
            "labels": [],
            "name": "node1",
        }
    ]


def test_listings_read_microceph_once_and_then_its_cached_observation(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    for line in ("ls", "ps", "host ls", "device ls"):
        assert microceph_on_fake.orch(line).retval == 0
    # One observation: the services, the members, the OSDs, and each member's block devices
    # (asked of the members in parallel, so in any order).
    reads = sorted(
        f"{request['method']} {request['path']} {request['target'] or '-'}"
        for request in fake_microceph.requests()
    )
    assert reads == [
        "GET /1.0/disks -",
        "GET /1.0/resources node1",
        "GET /1.0/resources node2",
        "GET /1.0/resources node3",
        "GET /1.0/services -",
        "GET /core/1.0/cluster -",
    ]
    # `--refresh` observes again.
    assert microceph_on_fake.orch("ls --refresh").retval == 0
    assert len(fake_microceph.requests()) == 2 * len(reads)


def test_a_listing_without_microceph_is_an_error_naming_the_socket(
    microceph_orch: OrchHarness, tmp_path: Path
) -> None:
    socket = tmp_path / "control.socket"
    microceph_orch.mgr.config_set("microceph", "socket_path", str(socket))
    result = microceph_orch.orch("ls")
    assert result.retval == -errno.ENOENT
    assert result.error_line == (
        f"Error ENOENT: cannot observe the MicroCeph cluster: microceph socket {socket} does not "
        "exist: is the microceph snap installed and its daemon running? (check `snap services "
        "microceph.daemon`)"
    )


def test_listings_answer_again_with_what_they_built_until_something_changes(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    backend = microceph_on_fake.backend
    backend.list_daemons(daemon_type="osd")  # the first listing observes MicroCeph
    fake_microceph.clear_requests()
    first = backend.list_daemons(daemon_type="osd").result
    again = backend.list_daemons(daemon_type="osd").result
    assert [d.status_desc for d in first] == ["running", "running", "running"]
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))
    assert again is not first, "each caller gets its own list"
    assert fake_microceph.requests() == [], "no call to MicroCeph either"

    # osd.2 goes down: Ceph's maps change, and so does the listing.
    mgr = microceph_on_fake.mgr
    maps, metadata, standbys = microceph.alive_cluster(mgr.release.version_string)
    maps["osd_map"]["osds"][1]["up"] = 0
    mgr.set_cluster_maps(maps, metadata, standbys)
    after = backend.list_daemons(daemon_type="osd").result
    assert [d.status_desc for d in after] == ["running", "error (osd down)", "running"]
