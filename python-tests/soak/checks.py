"""The soak's invariants over the fake's state and the stored specs, and the process figures
whose flatness it checks.

After convergence, for each stored spec MicroCeph runs that service on exactly its placement
(the named hosts, or `count` members); a service no stored spec describes runs on a subset of
where the generated cluster ran it (`catalogue.INITIAL`), since only `orch rm` may have taken
daemons away from it and nothing may add one; at most one rgw spec is stored; no member lists a
service twice and no member is in an NFS group twice; and the mons are never fewer than
`catalogue.MON_FLOOR`.
"""

from __future__ import annotations

import gc
import os
import threading
from typing import Any

from soak.catalogue import INITIAL, MON_FLOOR


def placed(state: dict[str, Any]) -> dict[str, list[str]]:
    """Members running each plain service, and each NFS cluster as `nfs.<id>`, from the fake."""
    found: dict[str, list[str]] = {}
    for member in state["members"]:
        for service in member["services"]:
            found.setdefault(service, []).append(member["name"])
    for group in state["nfs_groups"]:
        found[f"nfs.{group['cluster_id']}"] = [entry["member"] for entry in group["members"]]
    return found


def state_problems(state: dict[str, Any]) -> list[str]:
    """What is wrong with the fake's state at any moment: duplicates, too few mons."""
    problems = []
    for member in state["members"]:
        services = member["services"]
        if len(services) != len(set(services)):
            problems.append(f"{member['name']} lists a service twice: {services}")
    for group in state["nfs_groups"]:
        members = [entry["member"] for entry in group["members"]]
        if len(members) != len(set(members)):
            problems.append(f"nfs.{group['cluster_id']} lists a member twice: {members}")
    mons = len(set(placed(state).get("mon", [])))
    if mons < MON_FLOOR:
        problems.append(f"only {mons} mons run (fewer than {MON_FLOOR})")
    return problems


def key_of(spec: dict[str, Any]) -> str:
    """Where a stored spec's service shows in `placed`: its type, or `nfs.<id>`."""
    service_type = spec["service_type"]
    return f"nfs.{spec['service_id']}" if service_type == "nfs" else service_type


def hosts_of(spec: dict[str, Any]) -> list[str]:
    hosts = (spec.get("placement") or {}).get("hosts") or []
    return [host if isinstance(host, str) else host["hostname"] for host in hosts]


def convergence_problems(state: dict[str, Any], stored: dict[str, dict[str, Any]]) -> list[str]:
    """How the fake's state differs from what the stored specs describe."""
    problems = state_problems(state)
    running = placed(state)
    rgw = sorted(name for name in stored if name.startswith("rgw"))
    if len(rgw) > 1:
        problems.append(f"more than one rgw spec is stored: {rgw}")
    described = set()
    for name, spec in sorted(stored.items()):
        key = key_of(spec)
        described.add(key)
        actual = sorted(running.get(key, []))
        hosts = hosts_of(spec)
        count = (spec.get("placement") or {}).get("count")
        if hosts and actual != sorted(hosts):
            problems.append(f"{name} is placed on {sorted(hosts)} but runs on {actual}")
        elif not hosts and count is not None and len(actual) != count:
            problems.append(f"{name} is placed on {count} members but runs on {actual}")
    for key, members in sorted(running.items()):
        if key in described:
            continue
        extra = sorted(set(members) - set(INITIAL.get(key, ())))
        if extra:
            problems.append(f"{key} runs on {extra}, which no stored spec describes")
    return problems


def figures() -> dict[str, int]:
    """The process's threads (Python's and the kernel's), open file descriptors and memory."""
    gc.collect()
    status = dict(
        line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line
    )
    return {
        "python_threads": threading.active_count(),
        "os_threads": len(os.listdir("/proc/self/task")),
        "fds": len(os.listdir("/proc/self/fd")),
        "rss_kib": int(status["VmRSS"].split()[0]),
        "python_objects": len(gc.get_objects()),
    }


# Flatness tolerances between the start of the steady phase and the end (see README.md).
FD_TOLERANCE = 2
RSS_TOLERANCE_KIB = 8 * 1024


def flatness_problems(before: dict[str, int], after: dict[str, int]) -> list[str]:
    problems = []
    for key in ("python_threads", "os_threads"):
        if after[key] != before[key]:
            problems.append(f"{key} went from {before[key]} to {after[key]}")
    if abs(after["fds"] - before["fds"]) > FD_TOLERANCE:
        problems.append(f"open file descriptors went from {before['fds']} to {after['fds']}")
    growth = after["rss_kib"] - before["rss_kib"]
    if growth > RSS_TOLERANCE_KIB:
        problems.append(
            f"RSS grew by {growth} KiB ({before['rss_kib']} to {after['rss_kib']} KiB), "
            f"more than {RSS_TOLERANCE_KIB} KiB"
        )
    return problems
