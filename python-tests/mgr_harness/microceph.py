"""Helpers for the tests of the real `microceph` module: reading the fake's cluster state back in
the terms of the module's reports, and steadying the parts of Ceph's output that follow the clock.
"""

from __future__ import annotations

import datetime
import json
import re
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
