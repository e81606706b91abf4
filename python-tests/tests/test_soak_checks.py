"""The soak's invariants (`soak/checks.py`) over hand-made states: each kind of divergence
between the fake's state and the stored specs is reported, and a converged state is not."""

from __future__ import annotations

from typing import Any

from soak import checks


def state(services: dict[str, list[str]], nfs: dict[str, list[str]] | None = None) -> Any:
    """A `/fake/1.0/state` document of node1..node5 running `services` (member -> services)."""
    return {
        "members": [
            {"name": f"node{n}", "services": services.get(f"node{n}", [])} for n in range(1, 6)
        ],
        "nfs_groups": [
            {"cluster_id": cid, "members": [{"member": m} for m in members]}
            for cid, members in (nfs or {}).items()
        ],
    }


GENERATED = {f"node{n}": ["mds", "mgr", "mon"] for n in (1, 2, 3)}


def check(current: Any, stored: dict[str, Any], expected: list[str]) -> None:
    assert checks.convergence_problems(current, stored) == expected


def test_a_converged_cluster_has_no_problems() -> None:
    services = {**GENERATED, "node4": ["rgw"], "node5": ["rgw"]}
    stored = {
        "rgw.soak": {"service_type": "rgw", "service_id": "soak", "placement": {"count": 2}},
        "nfs.soak": {
            "service_type": "nfs",
            "service_id": "soak",
            "placement": {"hosts": ["node2"]},
        },
    }
    check(state(services, {"soak": ["node2"]}), stored, [])


def test_every_divergence_is_named() -> None:
    services = {
        "node1": ["mgr", "mon", "rgw"],
        "node2": ["mon", "mon"],
        "node4": ["cephfs-mirror"],
    }
    stored = {
        "rgw.soak": {"service_type": "rgw", "service_id": "soak", "placement": {"count": 2}},
        "rgw.other": {
            "service_type": "rgw",
            "service_id": "other",
            "placement": {"hosts": ["node1"]},
        },
        "mgr": {"service_type": "mgr", "placement": {"hosts": ["node1", "node2"]}},
    }
    check(
        state(services),
        stored,
        [
            "node2 lists a service twice: ['mon', 'mon']",
            "only 2 mons run (fewer than 3)",
            "more than one rgw spec is stored: ['rgw.other', 'rgw.soak']",
            "mgr is placed on ['node1', 'node2'] but runs on ['node1']",
            "rgw.soak is placed on 2 members but runs on ['node1']",
            "cephfs-mirror runs on ['node4'], which no stored spec describes",
        ],
    )


def test_unmanaged_services_may_only_shrink() -> None:
    services = {"node1": ["mds", "mgr", "mon"], "node2": ["mgr", "mon"], "node3": ["mon"]}
    check(state(services), {}, [])
    services["node4"] = ["mds"]
    check(state(services), {}, ["mds runs on ['node4'], which no stored spec describes"])


def test_flatness_tolerances() -> None:
    before = {"python_threads": 4, "os_threads": 6, "fds": 12, "rss_kib": 50000}
    assert checks.flatness_problems(before, {**before, "fds": 14, "rss_kib": 58000}) == []
    assert checks.flatness_problems(
        before, {**before, "os_threads": 7, "fds": 15, "rss_kib": 70000}
    ) == [
        "os_threads went from 6 to 7",
        "open file descriptors went from 12 to 15",
        "RSS grew by 20000 KiB (50000 to 70000 KiB), more than 8192 KiB",
    ]
