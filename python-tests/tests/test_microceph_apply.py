"""`ceph orch apply` of every service type MicroCeph runs, through Ceph's own orchestrator CLI and
the real `microceph` module, against a running `fake-microceph` of three members.

Each write is checked three ways: the exact text the operator reads, the fake's cluster state
(`/fake/1.0/state`), which must have changed exactly as the text says, and the spec the module
stored, as `orch ls --export` shows it. Refused specs must leave all three untouched.
"""

from __future__ import annotations

import errno

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import (
    GENERATED,
    MEMBERS,
    alive_cluster,
    placements,
    ps_rows,
    settled,
    writes,
)
from mgr_harness.orch import OrchHarness
from mgr_harness.release import Release

ALL = list(MEMBERS)


def stored(harness: OrchHarness) -> dict[str, str]:
    """The specs the module keeps in its key/value store."""
    return dict(harness.mgr.stores.get("microceph", {}))


def rgw_spec_fields(ceph_release: Release) -> str:
    """What Ceph's RGWSpec adds to an exported spec by itself on this release."""
    return "  rgw_exit_timeout_secs: 120\n" if ceph_release.name == "tentacle" else ""


@pytest.mark.parametrize(
    ("placement", "result", "members", "exported"),
    [
        ("node1,node2", "mon: disabled mon on node3", ["node1", "node2"],
         "placement:\n  hosts:\n  - node1\n  - node2\n"),
        ("2", "mon: disabled mon on node3", ["node1", "node2"], "placement:\n  count: 2\n"),
        ("*", "mon: nothing to do (already on node1, node2, node3)", ALL,
         "placement:\n  host_pattern: '*'\n"),
        ("node[13]", "mon: disabled mon on node2", ["node1", "node3"],
         "placement:\n  host_pattern: node[13]\n"),
    ],
)  # fmt: skip
def test_apply_mon_by_hosts_count_and_pattern(
    microceph_on_fake: OrchHarness,
    fake_microceph: FakeMicroCeph,
    placement: str,
    result: str,
    members: list[str],
    exported: str,
) -> None:
    assert microceph_on_fake.orch(f"apply mon --placement={placement}") == (0, result, "")
    assert placements(fake_microceph.state()) == {**GENERATED, "mon": members}
    assert microceph_on_fake.orch("ls mon --export") == (
        0,
        f"service_type: mon\nservice_name: mon\n{exported}",
        "",
    )


def test_apply_mgr_scales_down_reapplies_as_a_no_op_and_scales_up(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mgr --placement=node2,node3") == (
        0,
        "mgr: disabled mgr on node1",
        "",
    )
    assert writes(fake_microceph.requests()) == ["DELETE /1.0/services/mgr node1"]
    assert placements(fake_microceph.state()) == {**GENERATED, "mgr": ["node2", "node3"]}

    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("apply mgr --placement=node2,node3") == (
        0,
        "mgr: nothing to do (already on node2, node3)",
        "",
    )
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == {**GENERATED, "mgr": ["node2", "node3"]}

    assert microceph_on_fake.orch("apply mgr --placement=3") == (
        0,
        "mgr: enabled mgr on node1",
        "",
    )
    assert placements(fake_microceph.state()) == GENERATED
    retval, stdout, stderr = microceph_on_fake.orch("ls mgr")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME  PORTS  RUNNING  REFRESHED  AGE  PLACEMENT  \n"
        "mgr              3/3  0s ago     -    count:3    ",
        "",
    )


def test_apply_mds_for_a_file_system(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mds fs1 --placement=1") == (
        0,
        "mds.fs1: disabled mds on node2, node3",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "mds": ["node1"]}
    retval, stdout, stderr = microceph_on_fake.orch("ls mds")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME     PORTS  RUNNING  REFRESHED  AGE  PLACEMENT  \n"
        "mds.fs1             1/1  0s ago     -    count:1    ",
        "",
    )
    assert microceph_on_fake.orch("ls mds --export") == (
        0,
        "service_type: mds\nservice_id: fs1\nservice_name: mds.fs1\nplacement:\n  count: 1\n",
        "",
    )


def test_apply_rgw_with_a_port(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, ceph_release: Release
) -> None:
    assert microceph_on_fake.orch("apply rgw web --placement=node2,node3 --port 8080") == (
        0,
        "rgw.web: enabled rgw on node2, node3",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node2", "node3"]}
    assert sorted(line for line in fake_microceph.log() if line.startswith("enabled")) == [
        "enabled rgw on node2 (port 8080)",
        "enabled rgw on node3 (port 8080)",
    ]
    # Only node2's RGW has registered in Ceph's service map so far.
    mgr = microceph_on_fake.mgr
    mgr.set_cluster_maps(
        *alive_cluster(mgr.release.version_string, registered={"rgw": {"node2": 5002}})
    )
    retval, stdout, stderr = microceph_on_fake.orch("ls rgw")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME     PORTS   RUNNING  REFRESHED  AGE  PLACEMENT    \n"
        "rgw.web  ?:8080      1/2  0s ago     -    node2;node3  ",
        "",
    )
    retval, stdout, stderr = microceph_on_fake.orch("ps --daemon_type rgw")
    version = ceph_release.upstream_version
    assert (retval, settled(stdout), stderr) == (
        0,
        ps_rows(
            [
                ("rgw.node2", "node2", "10.0.0.2:8080", "running (3d)", version),
                (
                    "rgw.node3",
                    "node3",
                    "10.0.0.3:8080",
                    "stopped (not in the service map)",
                    "<unknown>",
                ),
            ]
        ),
        "",
    )
    assert microceph_on_fake.orch("ls rgw --export") == (
        0,
        "service_type: rgw\nservice_id: web\nservice_name: rgw.web\n"
        "placement:\n  hosts:\n  - node2\n  - node3\n"
        f"spec:\n{rgw_spec_fields(ceph_release)}  rgw_frontend_port: 8080\n",
        "",
    )


def test_apply_rgw_scales_down(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw web --placement=3 --port 8080") == (
        0,
        "rgw.web: enabled rgw on node1, node2, node3",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ALL}
    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("apply rgw web --placement=1 --port 8080") == (
        0,
        "rgw.web: disabled rgw on node2, node3",
        "",
    )
    assert sorted(writes(fake_microceph.requests())) == [
        "DELETE /1.0/services/rgw node2",
        "DELETE /1.0/services/rgw node3",
    ]
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node1"]}


def test_apply_nfs_with_a_port(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply nfs east --placement=node1,node2 --port 2050") == (
        0,
        "nfs.east: enabled nfs on node1, node2",
        "",
    )
    assert placements(fake_microceph.state()) == {
        **GENERATED,
        "nfs.east": ["node1 0.0.0.0:2050", "node2 0.0.0.0:2050"],
    }
    retval, stdout, stderr = microceph_on_fake.orch("ps --service_name nfs.east")
    unknown = "unknown (not in the service map)"
    assert (retval, settled(stdout), stderr) == (
        0,
        ps_rows(
            [
                ("nfs.east.node1", "node1", "10.0.0.1:2050", unknown, "<unknown>"),
                ("nfs.east.node2", "node2", "10.0.0.2:2050", unknown, "<unknown>"),
            ]
        ),
        "",
    )
    assert microceph_on_fake.orch("ls nfs --export") == (
        0,
        "service_type: nfs\nservice_id: east\nservice_name: nfs.east\n"
        "placement:\n  hosts:\n  - node1\n  - node2\nspec:\n  port: 2050\n",
        "",
    )


def test_apply_rbd_mirror_by_count(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rbd-mirror --placement=2") == (
        0,
        "rbd-mirror: enabled rbd-mirror on node1, node2",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rbd-mirror": ["node1", "node2"]}
    assert microceph_on_fake.orch("apply rbd-mirror --placement=1") == (
        0,
        "rbd-mirror: disabled rbd-mirror on node2",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rbd-mirror": ["node1"]}


def test_apply_cephfs_mirror_by_its_cli_verb(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    # Every release has `orch apply <service_type>` with cephfs-mirror among its types.
    assert microceph_on_fake.orch("apply cephfs-mirror --placement=node3") == (
        0,
        "cephfs-mirror: enabled cephfs-mirror on node3",
        "",
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "cephfs-mirror": ["node3"]}


def test_apply_cephfs_mirror_from_yaml_warns_about_more_than_one(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    spec = "service_type: cephfs-mirror\nplacement:\n  hosts: [node2, node3]\n"
    assert microceph_on_fake.orch("apply", inbuf=spec) == (
        0,
        "cephfs-mirror: enabled cephfs-mirror on node2, node3\n"
        "warning: MicroCeph documents cephfs-mirror as one instance per cluster; this placement "
        "runs it on 2 members (node2, node3)",
        "",
    )
    assert placements(fake_microceph.state()) == {
        **GENERATED,
        "cephfs-mirror": ["node2", "node3"],
    }
    assert microceph_on_fake.orch("ls cephfs-mirror --export") == (
        0,
        "service_type: cephfs-mirror\nservice_name: cephfs-mirror\n"
        "placement:\n  hosts:\n  - node2\n  - node3\n",
        "",
    )


def test_apply_a_count_beyond_the_members_warns(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mon --placement=5") == (
        0,
        "mon: nothing to do (already on node1, node2, node3)\n"
        "warning: count 5 for mon exceeds the 3 member(s) available to it; placing it on node1, "
        "node2, node3",
        "",
    )
    assert writes(fake_microceph.requests()) == []


THREE_SPECS = """\
service_type: cephfs-mirror
placement:
  hosts:
  - node2
---
service_type: rgw
service_id: web
placement:
  count: 2
spec:
  rgw_frontend_port: 8080
---
service_type: nfs
service_id: east
placement:
  hosts: [node3]
spec:
  port: 2050
"""


def test_apply_several_specs_from_yaml(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, ceph_release: Release
) -> None:
    assert microceph_on_fake.orch("apply", inbuf=THREE_SPECS) == (
        0,
        "cephfs-mirror: enabled cephfs-mirror on node2\n"
        "rgw.web: enabled rgw on node1, node3\n"
        "nfs.east: enabled nfs on node3",
        "",
    )
    assert placements(fake_microceph.state()) == {
        **GENERATED,
        "cephfs-mirror": ["node2"],
        "nfs.east": ["node3 0.0.0.0:2050"],
        "rgw": ["node1", "node3"],
    }
    assert sorted(stored(microceph_on_fake)) == [
        "spec.cephfs-mirror",
        "spec.nfs.east",
        "spec.rgw.web",
    ]
    assert microceph_on_fake.orch("ls rgw --export") == (
        0,
        "service_type: rgw\nservice_id: web\nservice_name: rgw.web\nplacement:\n  count: 2\n"
        f"spec:\n{rgw_spec_fields(ceph_release)}  rgw_frontend_port: 8080\n",
        "",
    )

    # The same specs again change nothing; with --no-overwrite they are not even compared.
    fake_microceph.clear_requests()
    assert microceph_on_fake.orch("apply", inbuf=THREE_SPECS) == (
        0,
        "cephfs-mirror: nothing to do (already on node2)\n"
        "rgw.web: nothing to do (already on node1, node3)\n"
        "nfs.east: nothing to do (already on node3)",
        "",
    )
    assert microceph_on_fake.orch("apply --no-overwrite", inbuf=THREE_SPECS) == (
        0,
        "cephfs-mirror: skipped, a spec of that name is stored and --no-overwrite was given\n"
        "rgw.web: skipped, a spec of that name is stored and --no-overwrite was given\n"
        "nfs.east: skipped, a spec of that name is stored and --no-overwrite was given",
        "",
    )
    assert writes(fake_microceph.requests()) == []


def test_apply_from_yaml_stops_at_the_first_refused_spec_and_names_what_it_did(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    specs = (
        "service_type: mon\nplacement:\n  count: 2\n---\n"
        "service_type: rgw\nservice_id: web\nplacement:\n  hosts: [node1, node9]\n---\n"
        "service_type: mgr\nplacement:\n  count: 1\n"
    )
    result = microceph_on_fake.orch("apply", inbuf=specs)
    assert result.retval == -errno.EINVAL
    assert result.error_line == (
        "Error EINVAL: rgw.web: unknown host(s) in placement: node9; cluster members are: "
        "node1, node2, node3\n"
        "applied before this failure:\n"
        "mon: disabled mon on node3\n"
        "not attempted: mgr"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "mon": ["node1", "node2"]}
    assert sorted(stored(microceph_on_fake)) == ["spec.mon"]


def test_apply_from_yaml_names_the_spec_whose_field_does_not_read(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    specs = (
        "service_type: rbd-mirror\nplacement:\n  hosts: [node3]\n---\n"
        "service_type: nfs\nservice_id: east\nplacement:\n  hosts: [node1]\n"
        "spec:\n  port: 99999\n"
    )
    assert microceph_on_fake.orch("apply", inbuf=specs).error_line == (
        "Error EINVAL: nfs.east: spec field 'port' must be a port number from 0 to 65535, got "
        "99999\n"
        "applied before this failure:\n"
        "rbd-mirror: enabled rbd-mirror on node3"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rbd-mirror": ["node3"]}
    assert sorted(stored(microceph_on_fake)) == ["spec.rbd-mirror"]


CONTINUE_SPECS = (
    "service_type: rgw\nservice_id: web\nplacement:\n  hosts: [node9]\n---\n"
    "service_type: rbd-mirror\nplacement:\n  count: 1\n---\n"
    "service_type: crash\n"
)


def test_apply_continue_on_error_tries_every_spec_on_tentacle(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, ceph_release: Release
) -> None:
    result = microceph_on_fake.orch("apply --continue-on-error", inbuf=CONTINUE_SPECS)
    if ceph_release.name != "tentacle":
        # The flag is tentacle's; the client of older releases knows no such command.
        assert result == (-errno.EINVAL, "", "invalid command")
        assert placements(fake_microceph.state()) == GENERATED
        return
    assert result.error_line == (
        "Error EINVAL: 2 of 3 specs failed:\n"
        "rgw.web: unknown host(s) in placement: node9; cluster members are: node1, node2, node3\n"
        "rbd-mirror: enabled rbd-mirror on node1\n"
        "crash: service type 'crash' is not supported by MicroCeph; supported types are: mon, "
        "mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd"
    )
    assert placements(fake_microceph.state()) == {**GENERATED, "rbd-mirror": ["node1"]}
    assert sorted(stored(microceph_on_fake)) == ["spec.rbd-mirror"]


def test_apply_unmanaged_only_stores_the_spec(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mon --unmanaged") == (
        0,
        "mon: stored as unmanaged; the orchestrator leaves its daemons alone",
        "",
    )
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED
    retval, stdout, stderr = microceph_on_fake.orch("ls mon")
    assert (retval, settled(stdout), stderr) == (
        0,
        "NAME  PORTS  RUNNING  REFRESHED  AGE  PLACEMENT    \n"
        "mon              3/3  0s ago     -    <unmanaged>  ",
        "",
    )
    assert microceph_on_fake.orch("ls mon --export") == (
        0,
        "service_type: mon\nservice_name: mon\nunmanaged: true\n",
        "",
    )


PREVIEW_TAIL = (
    "\n################\n"
    "OSDSPEC PREVIEWS\n"
    "################\n"
    "+-----------------------------------------+\n"
    "|            OSDSPEC PREVIEWS             |\n"
    "+---------+------+------+------+----+-----+\n"
    "|SERVICE  |NAME  |HOST  |DATA  |DB  |WAL  |\n"
    "+---------+------+------+------+----+-----+\n"
    "+---------+------+------+------+----+-----+\n"
)


def test_dry_run_previews_without_changing_or_storing_anything(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply mon --placement=node1 --dry-run") == (
        0,
        "\n\n\n####################\n"
        "SERVICESPEC PREVIEWS\n"
        "####################\n"
        "+---------------------------------------+\n"
        "|         SERVICESPEC PREVIEW           |\n"
        "+---------+------+--------+-------------+\n"
        "|SERVICE  |NAME  |ADD_TO  |REMOVE_FROM  |\n"
        "+---------+------+--------+-------------+\n"
        "|mon      |mon   |        |node2 node3  |\n"
        "+---------+------+--------+-------------+\n" + PREVIEW_TAIL,
        "",
    )
    assert microceph_on_fake.orch("apply --dry-run", inbuf=THREE_SPECS) == (
        0,
        "\n\n\n####################\n"
        "SERVICESPEC PREVIEWS\n"
        "####################\n"
        "+-----------------------------------------------------------+\n"
        "|                   SERVICESPEC PREVIEW                     |\n"
        "+---------------+---------------+-------------+-------------+\n"
        "|SERVICE        |NAME           |ADD_TO       |REMOVE_FROM  |\n"
        "+---------------+---------------+-------------+-------------+\n"
        "|cephfs-mirror  |cephfs-mirror  |node2        |             |\n"
        "|rgw            |rgw.web        |node1 node3  |             |\n"
        "|nfs            |nfs.east       |node3        |             |\n"
        "+---------------+---------------+-------------+-------------+\n" + PREVIEW_TAIL,
        "",
    )
    assert microceph_on_fake.orch("apply mgr --placement=2 --dry-run --format json") == (
        0,
        '[{"add": [], "remove": ["node3"], "service_name": "mgr", "service_type": "mgr"}]',
        "",
    )
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED
    assert stored(microceph_on_fake) == {}


def test_dry_run_shows_the_warnings_of_the_plan(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw web --placement=2 --port 8080").retval == 0
    fake_microceph.clear_requests()
    retval, stdout, stderr = microceph_on_fake.orch("apply rgw web --placement=1 --dry-run")
    assert (retval, stderr) == (0, "")
    assert stdout.startswith(
        "\nrgw.web: the port or SSL settings of rgw.web changed, but MicroCeph cannot reconfigure "
        "a running RGW: the daemons on node1 keep their current settings; remove and "
        "re-apply rgw.web to change them\n\n\n"
        "####################\nSERVICESPEC PREVIEWS\n"
    )
    assert "|rgw      |rgw.web  |        |node2        |\n" in stdout
    assert writes(fake_microceph.requests()) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "apply mon --placement=label:mon",
            "mon: placement by label (label:mon) is not supported: MicroCeph has no host labels; "
            "place mon by host names, a count or a host pattern instead",
        ),
        (
            'apply rgw web --placement="node1 count-per-host:2"',
            "rgw.web: count-per-host:2 is not supported: MicroCeph runs one rgw per member; use "
            "count-per-host:1 or leave it out",
        ),
        (
            "apply rgw web --placement=node1,node9",
            "rgw.web: unknown host(s) in placement: node9; cluster members are: node1, node2, "
            "node3",
        ),
        (
            "apply mon --placement=node4,node5",
            "mon: unknown host(s) in placement: node4, node5; cluster members are: node1, node2, "
            "node3",
        ),
        (
            "apply crash",
            "crash: service type 'crash' is not supported by MicroCeph; supported types are: "
            "mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
        ),
        (
            "apply osd --all-available-devices",
            "osd: applying osd specs is not supported: MicroCeph manages OSDs as disks "
            "(microceph disk add); supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, "
            "cephfs-mirror",
        ),
        (
            "apply nfs west",
            "nfs.west: the placement of nfs.west is empty and it runs on no member; give hosts, "
            "a count or a host pattern",
        ),
        (
            "apply rgw web --placement=node2 --ssl",
            "rgw.web: ssl is set but rgw_frontend_ssl_certificate is empty: MicroCeph needs a "
            "certificate and its private key; put both PEM blocks in "
            "rgw_frontend_ssl_certificate",
        ),
        (
            "apply nfs east --placement=node1 --port 99999",
            "nfs.east: spec field 'port' must be a port number from 0 to 65535, got 99999",
        ),
    ],
)
def test_a_refused_spec_is_einval_and_changes_nothing(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str, message: str
) -> None:
    result = microceph_on_fake.orch(line)
    assert result == (-errno.EINVAL, "", message)
    assert result.error_line == f"Error EINVAL: {message}"
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED
    assert stored(microceph_on_fake) == {}


OSD_SPEC = """\
service_type: osd
service_id: fast
placement:
  hosts: [node1]
spec:
  data_devices:
    rotational: 0
"""


@pytest.mark.parametrize("line", ["apply osd", "apply"])
def test_an_osd_spec_from_yaml_is_refused(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, line: str
) -> None:
    result = microceph_on_fake.orch(line, inbuf=OSD_SPEC)
    # MicroCeph names services by type alone where it runs one instance per member, OSDs too.
    assert result.error_line == (
        "Error EINVAL: osd: applying osd specs is not supported: MicroCeph manages OSDs as "
        "disks (microceph disk add); supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, "
        "cephfs-mirror"
    )
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == GENERATED


def test_a_second_rgw_service_is_refused_naming_the_first(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw foo --placement=node2").retval == 0
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch("apply rgw bar --placement=1")
    assert result.error_line == (
        "Error EINVAL: rgw.bar: rgw.foo already exists: MicroCeph runs one RGW per member, so "
        "only one rgw service can exist at a time; remove rgw.foo (ceph orch rm rgw.foo) before "
        "applying rgw.bar"
    )
    assert writes(fake_microceph.requests()) == []
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node2"]}
    assert sorted(stored(microceph_on_fake)) == ["spec.rgw.foo"]


@pytest.mark.parametrize(("max_parallel_hosts", "peak"), [("1", 1), ("16", 3)])
def test_apply_enables_on_at_most_max_parallel_hosts_at_once(
    microceph_on_fake: OrchHarness,
    fake_microceph: FakeMicroCeph,
    max_parallel_hosts: str,
    peak: int,
) -> None:
    result = microceph_on_fake.mgr.config_set("microceph", "max_parallel_hosts", max_parallel_hosts)
    assert result.retval == 0, result
    # Long enough for enables sent together to be in flight together.
    fake_microceph.control("PUT", "/fake/1.0/timing", {"enable_duration_ms": 500})
    fake_microceph.control("DELETE", "/fake/1.0/concurrency")
    assert microceph_on_fake.orch("apply rgw web --placement=node1,node2,node3") == (
        0,
        "rgw.web: enabled rgw on node1, node2, node3",
        "",
    )
    # Reads of the background refresh may overlap; the enables are the writes.
    writes = fake_microceph.control("GET", "/fake/1.0/concurrency")["writes"]
    assert (writes["peak"], writes["peak_per_member"]) == (peak, 1)


def test_a_forced_max_parallel_hosts_out_of_range_is_named(
    microceph_on_fake: OrchHarness,
) -> None:
    result = microceph_on_fake.mgr.config_set("microceph", "max_parallel_hosts", "0", force=True)
    assert result.retval == 0, result
    assert microceph_on_fake.orch("ls") == (
        -errno.EINVAL,
        "",
        "invalid microceph module configuration: max_parallel_hosts is 0; "
        "give a whole number of hosts from 1 to 1024",
    )
