"""Helpers for the tests of the real `microceph` module: reading the fake's cluster state back in
the terms of the module's reports, and steadying the parts of Ceph's output that follow the clock.
"""

from __future__ import annotations

import datetime
import json
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

# The three-member cluster `fake-microceph serve` emulates by default: MicroCeph's legacy join
# placed mon, mgr and mds on each of the first three members.
MEMBERS = ("node1", "node2", "node3")
GENERATED = {"mds": list(MEMBERS), "mgr": list(MEMBERS), "mon": list(MEMBERS)}

# `REFRESHED` cells: Ceph renders the time since the module's observation, e.g. `0s ago`.
_AGE = re.compile(r"\b(\d)s ago\b")
# Keys whose values are the time of the module's observation.
_CLOCK_KEYS = ("last_refresh", "created")


def placements(state: dict[str, Any]) -> dict[str, list[str]]:
    """Where each service is placed, from a `/fake/1.0/state` document.

    Plain services map to their members in join order; an NFS cluster maps as `nfs.<cluster_id>`
    to `<member> <bind_address>:<bind_port>` entries, sorted: members join a group in the order
    their enables finish, and the module enables on several members at once.
    """
    placed: dict[str, list[str]] = {}
    for member in state["members"]:
        for service in member["services"]:
            placed.setdefault(service, []).append(member["name"])
    for group in state["nfs_groups"]:
        placed[f"nfs.{group['cluster_id']}"] = sorted(
            f"{entry['member']} {entry['bind_address']}:{entry['bind_port']}"
            for entry in group["members"]
        )
    return dict(sorted(placed.items()))


def restarts(state: dict[str, Any]) -> dict[str, dict[str, int]]:
    """How often each service was restarted on each member, leaving out members with none."""
    return {member["name"]: member["restarts"] for member in state["members"] if member["restarts"]}


def writes(requests: list[dict[str, Any]]) -> list[str]:
    """The requests that change something, as `METHOD path target`, in the order received."""
    return [
        f"{request['method']} {request['path']} {request['target'] or '-'}"
        for request in requests
        if request["method"] != "GET"
    ]


def settled(text: str) -> str:
    """`text` with every single-digit `Ns ago` read as `0s ago`.

    Listings show how long ago the module observed the cluster. The tests compare whole tables,
    which a slow machine could otherwise tip over a second boundary; ten seconds or more would
    change the column widths and still fail.
    """
    return _AGE.sub("0s ago", text)


def without_clock(text: str) -> Any:
    """Ceph's JSON output, decoded, with the observation times checked and taken out.

    Each `last_refresh` or `created` value must be an ISO 8601 UTC time within the last minute.
    """
    data = json.loads(text)
    now = datetime.datetime.now(datetime.UTC)

    def strip(value: Any) -> Any:
        if isinstance(value, list):
            return [strip(item) for item in value]
        if not isinstance(value, dict):
            return value
        kept = {}
        for key, item in value.items():
            if key in _CLOCK_KEYS:
                when = datetime.datetime.fromisoformat(item.replace("Z", "+00:00"))
                age = (now - when).total_seconds()
                assert -1 < age < 60, f"{key} {item} is not the time of a recent observation"
                continue
            kept[key] = strip(item)
        return kept

    return strip(data)


def ps_rows(rows: list[tuple[str, str, str, str, str]]) -> str:
    """`orch ps` of `(name, host, ports, status, version)` rows: every column as wide as its
    widest cell, the time and memory columns right-aligned, two spaces after each column."""
    columns = [
        ("NAME", [row[0] for row in rows], "<"),
        ("HOST", [row[1] for row in rows], "<"),
        ("PORTS", [row[2] for row in rows], "<"),
        ("STATUS", [row[3] for row in rows], "<"),
        ("REFRESHED", ["0s ago"] * len(rows), ">"),
        ("AGE", ["-"] * len(rows), ">"),
        ("MEM USE", ["-"] * len(rows), ">"),
        ("MEM LIM", ["-"] * len(rows), ">"),
        ("VERSION", [row[4] for row in rows], "<"),
        ("IMAGE ID", ["<unknown>"] * len(rows), "<"),
    ]
    widths = [max(len(title), *(len(cell) for cell in cells)) for title, cells, _ in columns]
    sized = list(zip(columns, widths, strict=True))
    header = "".join(f"{title:<{width}}  " for (title, _, _), width in sized)
    body = [
        "".join(f"{cells[index]:{align}{width}}  " for (_, cells, align), width in sized)
        for index in range(len(rows))
    ]
    return "\n".join([header, *body])


def alive_cluster(
    version_string: str,
    election_epoch: int = 6,
    osd_up_from: int = 5,
    registered: dict[str, dict[str, int]] | None = None,
    members: Sequence[str] = MEMBERS,
    osds: Sequence[tuple[int, str]] | None = None,
) -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, str]], list[str]]:
    """Ceph's maps of the generated cluster with every daemon alive, for `set_cluster_maps`.

    Every mon is in quorum after election `election_epoch`, the three mgrs are standbys of the
    harness's own mgr, the three MDSs are standbys, osd.1 to osd.3 are up and in since epoch
    `osd_up_from`, an RGW is registered in the service map from each host of `rgw` with the global
    id it maps to, and every mon, MDS and OSD reports `version_string` in its metadata (mgrs
    report none, so their version stays unknown). A restart shows as a newer election, a newer
    `up_from` or another global id. Each daemon registered three days ago, which `orch ps` shows
    as `running (3d)`.

    A larger cluster names the members running a mon, an mgr and an MDS in `members`, and its
    OSDs as `(id, host)` pairs in `osds` (by default osd.N on the N-th of `members`).
    """
    if osds is None:
        osds = [(n, name) for n, name in enumerate(members, start=1)]
    three_days_ago = (
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3, minutes=1)
    ).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    maps = {
        # ceph-mgr hands the mon status over as the mon's JSON text.
        "mon_status": {
            "json": json.dumps(
                {
                    "election_epoch": election_epoch,
                    "quorum": list(range(len(members))),
                    "monmap": {
                        "mons": [{"rank": rank, "name": name} for rank, name in enumerate(members)]
                    },
                }
            )
        },
        "fs_map": {
            "standbys": [
                {"gid": 4300 + n, "name": name, "rank": -1, "state": "up:standby"}
                for n, name in enumerate(members)
            ],
            "filesystems": [],
        },
        "service_map": {
            "services": {
                service: {
                    "daemons": {
                        "summary": "",
                        **{
                            str(gid): {
                                "gid": gid,
                                "start_stamp": three_days_ago,
                                "metadata": {"hostname": host, "ceph_version": version_string},
                            }
                            for host, gid in hosts.items()
                        },
                    }
                }
                for service, hosts in (registered or {}).items()
            }
        },
        "osd_map": {
            "osds": [
                {"osd": osd_id, "up": 1, "in": 1, "up_from": osd_up_from} for osd_id, _ in osds
            ]
        },
    }
    metadata = {
        (daemon_type, daemon_id): {"hostname": host, "ceph_version": version_string}
        for daemon_type, daemon_id, host in [
            *(("mon", name, name) for name in members),
            *(("mds", name, name) for name in members),
            *(("osd", str(osd_id), host) for osd_id, host in osds),
        ]
    }
    for daemon_type in ("osd", "mds"):
        maps[f"{daemon_type}_metadata"] = {
            daemon_id: dict(found)
            for (kind, daemon_id), found in metadata.items()
            if kind == daemon_type
        }
    return maps, metadata, list(members)


def after(seconds: float, action: Callable[[], None]) -> threading.Timer:
    """Runs `action` on another thread after `seconds`, as the cluster would change meanwhile."""
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer
