"""The clusters the cases run on: `fake-microceph describe --members N`, with services and OSDs
added to every member, and Ceph's maps saying that every daemon placed there is alive."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# MicroCeph's services in the order a member gets them; `nfs` joins the one NFS group.
SERVICES = ("mon", "mgr", "mds", "rgw", "rbd-mirror", "cephfs-mirror", "nfs")
NFS_CLUSTER_ID = "bench"


@dataclass(frozen=True)
class Shape:
    """How big a cluster is: members, services on each member and OSDs on each member."""

    members: int
    services: int
    osds: int

    def params(self) -> dict[str, int]:
        return {
            "members": self.members,
            "services_per_member": self.services,
            "osds_per_member": self.osds,
        }


def describe(binary: Path, shape: Shape) -> dict[str, Any]:
    """The cluster description of `shape`, built on the fake's own generated cluster."""
    text = subprocess.run(
        [str(binary), "describe", "--members", str(shape.members)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cluster = json.loads(text)
    placed = SERVICES[: shape.services]
    for index, member in enumerate(cluster["members"]):
        name = member["name"]
        member["services"] = sorted(service for service in placed if service != "nfs")
        first_disk = member["disks"][0]["path"]
        member["disks"] = [
            {
                "osd": index * shape.osds + k + 1,
                "path": first_disk if k == 0 else f"/dev/disk/by-id/bench-{name}-osd{k}",
            }
            for k in range(shape.osds)
        ]
    if "nfs" in placed:
        cluster["nfs_groups"] = [
            {
                "cluster_id": NFS_CLUSTER_ID,
                "members": [{"member": member["name"]} for member in cluster["members"]],
            }
        ]
    return cluster


def alive_maps(
    cluster: dict[str, Any], version_string: str, election_epoch: int = 6
) -> tuple[Any, Any, list[str]]:
    """Ceph's maps of `cluster` with every mon, mgr, MDS and OSD alive, for `set_cluster_maps`;
    another `election_epoch` gives maps that differ only in that."""
    from mgr_harness import microceph

    members = [member["name"] for member in cluster["members"]]
    mons = [m["name"] for m in cluster["members"] if "mon" in m["services"]] or members[:1]
    osds = [(disk["osd"], m["name"]) for m in cluster["members"] for disk in m["disks"]]
    return microceph.alive_cluster(
        version_string, election_epoch=election_epoch, members=mons, osds=osds
    )
