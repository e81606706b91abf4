"""What the soak does: the `ceph orch` operations it sends and the faults it injects, each drawn
from a seeded random generator, so a seed gives every thread the same sequence again.

The cluster is `fake-microceph serve --members 5`: `node1` to `node5`, the first three running
mon, mgr and mds. Each service the soak applies has one name, except rgw, which has two
(`rgw.soak` and `rgw.other`) so that the module's one-RGW-service refusal is exercised. Mon specs
always place three or five mons, as an operator keeping quorum would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

MEMBERS = ("node1", "node2", "node3", "node4", "node5")
# What the generated cluster runs before any spec exists: services no spec describes may only
# keep (part of) this placement.
INITIAL = {"mon": MEMBERS[:3], "mgr": MEMBERS[:3], "mds": MEMBERS[:3]}
# The fewest mons the fake may ever run: the generated cluster's three, which every mon spec
# of the soak keeps or grows, and the module adds mons before it removes any.
MON_FLOOR = 3

# Service name, the `ceph orch apply` words, and the sizes its placements take.
APPLIED = (
    ("mon", "apply mon", (3, 5)),
    ("mgr", "apply mgr", (1, 2, 3, 4, 5)),
    ("mds.soakfs", "apply mds soakfs", (1, 2, 3, 4, 5)),
    ("rgw.soak", "apply rgw soak", (1, 2, 3, 4, 5)),
    ("rgw.other", "apply rgw other", (1, 2)),
    ("nfs.soak", "apply nfs soak", (1, 2, 3)),
    ("rbd-mirror", "apply rbd-mirror", (1, 2, 3, 4, 5)),
    ("cephfs-mirror", "apply cephfs-mirror", (1, 2, 3, 4, 5)),
)
# Mostly services MicroCeph restarts (mon, rgw, osd); mgr and mds only to be refused.
RESTARTED = ("mon", "mon", "rgw.soak", "rgw.soak", "osd", "mgr", "mds.soakfs")
DAEMONS = ("mon.node1", "mon.node2", "mon.node4", "mgr.node1", "rgw.node2", "osd.3")
LISTINGS = (
    "ls",
    "ls --format json",
    "ls --export",
    "ls rgw",
    "ps",
    "ps --format json",
    "ps --daemon_type mon",
    "ps --service_name nfs.soak",
    "host ls",
    "device ls",
    "device ls node3",
)

# Operation kinds and their weights: listings dominate, as on a real cluster.
KINDS = {
    "apply": 22,
    "rm": 7,
    "restart": 4,
    "daemon restart": 3,
    "listing": 40,
    "refresh": 8,
    "status": 4,
    "notify": 7,
    "serve": 5,
}
WRITES = frozenset({"apply", "rm", "restart", "daemon restart"})


@dataclass(frozen=True)
class Op:
    """One operation: its kind and, for a command, the `ceph orch` line."""

    kind: str
    line: str = ""


def placement(rng: random.Random, sizes: tuple[int, ...]) -> str:
    """A placement of one of `sizes` members: by count, or by naming the members."""
    size = rng.choice(sizes)
    if rng.random() < 0.3:
        return str(size)
    return ",".join(rng.sample(MEMBERS, size))


def pick(rng: random.Random) -> Op:
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    if kind == "apply":
        _, words, sizes = rng.choice(APPLIED)
        return Op(kind, f"{words} --placement={placement(rng, sizes)}")
    if kind == "rm":
        return Op(kind, f"rm {rng.choice(APPLIED)[0]}")
    if kind == "restart":
        return Op(kind, f"restart {rng.choice(RESTARTED)}")
    if kind == "daemon restart":
        return Op(kind, f"daemon restart {rng.choice(DAEMONS)}")
    if kind == "listing":
        return Op(kind, rng.choice(LISTINGS))
    if kind == "refresh":
        return Op(kind, f"{rng.choice(('ls', 'ps', 'device ls'))} --refresh")
    if kind == "status":
        return Op(kind, "status")
    return Op(kind)


# MicroCeph requests a fault may hit: method and path (`{svc}` is any service).
FAULT_PATHS = (
    ("GET", "/1.0/services"),
    ("GET", "/core/1.0/cluster"),
    ("GET", "/1.0/disks"),
    ("GET", "/1.0/resources"),
    ("GET", "/core/1.0"),
    ("GET", "/core/1.0/ready"),
    ("PUT", "/1.0/services/{svc}"),
    ("DELETE", "/1.0/services/{svc}"),
    ("POST", "/1.0/services/restart"),
)
FAULT_SERVICES = ("mon", "mgr", "mds", "rgw", "nfs", "rbd-mirror", "cephfs-mirror")
# Delays: short ones, and ones past the read timeout (3 s) and the write timeout (6 s).
DELAYS_MS = (50, 300, 1500, 3500, 7000)
DELAY_WEIGHTS = (30, 30, 20, 12, 8)

CHAOS = {
    "fault": 60,
    "member": 10,
    "failing": 8,
    "database": 3,
    "not ready": 2,
    "shutting down": 2,
    "timing": 8,
    "daemon restart": 2,
}


@dataclass(frozen=True)
class Chaos:
    """One injected fault; transient ones are undone after `seconds`."""

    kind: str
    body: dict[str, Any]
    target: str = ""
    seconds: float = 0.0


def chaos(rng: random.Random) -> Chaos:
    kind = rng.choices(list(CHAOS), weights=list(CHAOS.values()))[0]
    seconds = round(rng.uniform(0.05, 1.0), 2)
    if kind == "fault":
        method, path = rng.choice(FAULT_PATHS)
        path = path.format(svc=rng.choice(FAULT_SERVICES))
        action = rng.choice(("error", "error", "malformed", "drop", "delay"))
        if action == "error":
            status = rng.choice((500, 500, 503, 400))
            body: dict[str, Any] = {"kind": "error", "status": status, "error": "soak: injected"}
        elif action == "delay":
            body = {"kind": "delay", "ms": rng.choices(DELAYS_MS, weights=DELAY_WEIGHTS)[0]}
        else:
            body = {"kind": action}
        fault: dict[str, Any] = {
            "method": method,
            "path": path,
            "count": rng.randint(1, 3),
            "action": body,
        }
        if rng.random() < 0.5:
            fault["target"] = rng.choice(MEMBERS)
        return Chaos(kind, fault)
    if kind == "member":
        return Chaos(kind, {"status": "UNREACHABLE"}, rng.choice(MEMBERS[1:]), seconds)
    if kind == "failing":
        failing = rng.sample(FAULT_SERVICES, rng.randint(1, 2))
        return Chaos(kind, {"failing_services": failing}, rng.choice(MEMBERS), seconds)
    if kind == "database":
        state = rng.choice(("not-initialized", "starting", "offline"))
        return Chaos(kind, {"database": state}, seconds=seconds)
    if kind == "not ready":
        return Chaos(kind, {"ready": False}, seconds=seconds)
    if kind == "shutting down":
        return Chaos(kind, {"shutting_down": True}, seconds=seconds)
    if kind == "timing":
        return Chaos(
            kind,
            {
                "request_latency_ms": rng.choice((0, 0, 5, 20)),
                "hop_latency_ms": rng.choice((0, 0, 5, 10)),
                "enable_duration_ms": rng.choice((0, 50, 200, 800)),
                "disable_duration_ms": rng.choice((0, 50, 200)),
                "restart_duration_ms": rng.choice((0, 50, 300)),
            },
        )
    return Chaos(kind, {}, seconds=round(rng.uniform(0.05, 0.5), 2))
