"""Everything that crosses between Ceph's orchestrator CLI and the `microceph` module survives a
pickle round trip: arguments, results and exceptions.

Tentacle's ceph-mgr pickles every `remote()` call between modules (the harness does the same), and
Ceph's `OrchResult` pickles exceptions on every release. So each backend method is called here
through the orchestrator's own remote path (`OrchestratorClientMixin._oremote`), and on every
release its arguments and its result are also round-tripped by hand and compared field by field.
An exception must come back as the same Ceph class with the same message and errno, never
degraded to a plain `Exception`.

One limit is Ceph's own: before tentacle, a `ServiceSpec` of a type without a subclass of its own
(mgr, rbd-mirror, cephfs-mirror, and on pacific mon, which has `MONSpec` from reef on) cannot be
unpickled, because its `__new__` needs the service type and only tentacle's `ServiceSpec` has
`__getnewargs__`. Pacific's and reef's mgr never pickle
`remote()` calls, so nothing breaks there; on those releases such values are checked to fail
exactly that way, and everything around them is still round-tripped.
"""

from __future__ import annotations

import errno
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from ceph.deployment.drive_group import DeviceSelection, DriveGroupSpec
from ceph.deployment.hostspec import HostSpec, SpecValidationError
from ceph.deployment.service_spec import PlacementSpec, ServiceSpec
from orchestrator import InventoryFilter, OrchResult, ServiceDescription

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.orch import OrchHarness
from mgr_harness.release import Release


def plain(value: Any) -> Any:
    """`value` as comparable plain data: Ceph objects by class and `to_json()` (or their
    attributes), exceptions by class, message and errno, `OrchResult` by result and exception."""
    if isinstance(value, OrchResult):
        exception = None
        if value.serialized_exception is not None:
            exception = plain(pickle.loads(value.serialized_exception))
        return {"result": plain(value.result), "exception": exception}
    if isinstance(value, BaseException):
        kind = type(value)
        return {
            "class": f"{kind.__module__}.{kind.__qualname__}",
            "message": str(value),
            "errno": getattr(value, "errno", None),
        }
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    if hasattr(value, "to_json"):
        return {"class": kind, "json": plain(value.to_json())}
    return {"class": kind, "attributes": plain(vars(value))}


# What unpickling a plain `ServiceSpec` raises before tentacle.
NO_SERVICE_TYPE = re.escape('Spec needs a "service_type" key.')


def plain_service_specs(value: Any) -> int:
    """How many `ServiceSpec` objects of the base class itself `value` holds."""
    if type(value) is ServiceSpec:
        return 1
    if isinstance(value, OrchResult):
        return plain_service_specs(value.result)
    if isinstance(value, ServiceDescription):
        return plain_service_specs(value.spec)
    if isinstance(value, list | tuple):
        return sum(plain_service_specs(item) for item in value)
    if isinstance(value, dict):
        return sum(plain_service_specs(item) for item in value.values())
    return 0


def check_round_trip(value: Any, release: Release) -> None:
    """`value` survives `pickle.loads(pickle.dumps(value))`, compared by `plain`; see above for
    what pacific and reef cannot unpickle."""
    data = pickle.dumps(value)
    if release.name == "tentacle" or not plain_service_specs(value):
        assert plain(pickle.loads(data)) == plain(value)
        return
    with pytest.raises(SpecValidationError, match=NO_SERVICE_TYPE):
        pickle.loads(data)
    if isinstance(value, OrchResult):
        assert value.serialized_exception is None
        check_round_trip(value.result, release)
    elif isinstance(value, list | tuple):
        for item in value:
            check_round_trip(item, release)
    elif isinstance(value, dict):
        for item in value.values():
            check_round_trip(item, release)


class Crossing:
    """Calls backend methods the way Ceph's orchestrator CLI does, checking what crosses."""

    def __init__(self, harness: OrchHarness, release: Release) -> None:
        self.harness = harness
        self.release = release

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        check_round_trip((list(args), kwargs), self.release)
        calls = len(self.harness.mgr.remote_calls)
        result = self.harness.cli._oremote(method, args, kwargs)
        [call] = self.harness.mgr.remote_calls[calls:]
        assert (call.caller, call.target, call.method) == ("orchestrator", "microceph", method)
        # Tentacle's mgr pickled the arguments and the result on the way.
        assert (call.pickled_bytes is not None) == (self.release.name == "tentacle")
        check_round_trip(result, self.release)
        return result

    def result(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """The result of a call that must succeed."""
        outcome = self(method, *args, **kwargs)
        assert isinstance(outcome, OrchResult), outcome
        assert outcome.serialized_exception is None, outcome.exception_str
        return outcome.result

    def error(self, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The exception of a call that must fail, as `plain` describes it."""
        outcome = self(method, *args, **kwargs)
        assert isinstance(outcome, OrchResult), outcome
        assert outcome.result is None
        assert outcome.serialized_exception is not None
        return plain(outcome)["exception"]


@pytest.fixture
def crossing(microceph_on_fake: OrchHarness, ceph_release: Release) -> Crossing:
    return Crossing(microceph_on_fake, ceph_release)


def spec(service_type: str, service_id: str | None = None, **placement: Any) -> ServiceSpec:
    data: dict[str, Any] = {"service_type": service_type, "placement": placement}
    if service_id:
        data["service_id"] = service_id
    return ServiceSpec.from_json(data)


ERROR = "orchestrator._interface.OrchestratorError"
VALIDATION = "orchestrator._interface.OrchestratorValidationError"


def negated(code: int, release: Release) -> int:
    """The errno an `OrchestratorError` keeps: tentacle stores it positive, older releases as
    given (the module gives it negative)."""
    return code if release.name == "tentacle" else -code


def test_queries_cross_intact(crossing: Crossing) -> None:
    available = crossing("available")
    assert available == (True, "", {})
    hosts = crossing.result("get_hosts")
    assert [host.hostname for host in hosts] == ["node1", "node2", "node3"]
    services = crossing.result("describe_service", service_type="mon", refresh=True)
    assert [service.spec.service_name() for service in services] == ["mon"]
    daemons = crossing.result("list_daemons", daemon_type="osd", host="node2")
    assert [daemon.name() for daemon in daemons] == ["osd.2"]
    inventory = crossing.result("get_inventory", host_filter=InventoryFilter(hosts=["node1"]))
    assert [host.name for host in inventory] == ["node1"]
    assert len(inventory[0].devices.devices) == 3


def test_applies_cross_intact(crossing: Crossing, fake_microceph: FakeMicroCeph) -> None:
    assert crossing.result("plan", [spec("rgw", "web", hosts=["node1"])]) == [
        {"add": ["node1"], "remove": [], "service_name": "rgw.web", "service_type": "rgw"}
    ]
    assert crossing.result("apply", [spec("rgw", "web", hosts=["node1"])]) == [
        "rgw.web: enabled rgw on node1"
    ]
    assert crossing.result("apply_mon", spec("mon", count=3)) == (
        "mon: nothing to do (already on node1, node2, node3)"
    )
    assert crossing.result("apply_mgr", spec("mgr", hosts=["node1", "node2"])) == (
        "mgr: disabled mgr on node3"
    )
    assert crossing.result("apply_mds", spec("mds", "fs1", count=2)) == (
        "mds.fs1: disabled mds on node3"
    )
    assert crossing.result("apply_rgw", spec("rgw", "web", hosts=["node1", "node2"])) == (
        "rgw.web: enabled rgw on node2"
    )
    assert crossing.result("apply_nfs", spec("nfs", "east", hosts=["node3"])) == (
        "nfs.east: enabled nfs on node3"
    )
    assert crossing.result("apply_rbd_mirror", spec("rbd-mirror", count=1)) == (
        "rbd-mirror: enabled rbd-mirror on node3"
    )
    assert crossing.result("apply_cephfs_mirror", spec("cephfs-mirror", hosts=["node2"])) == (
        "cephfs-mirror: enabled cephfs-mirror on node2"
    )
    assert crossing.result("remove_service", "rgw.web") == (
        "rgw.web: removed; disabled rgw on node1, node2"
    )
    # Ceph has not read its monmap: the restarts are done, and said not to be confirmed.
    crossing.harness.mgr.set_cluster_maps({"mon_status": None}, {}, [])
    assert crossing.result("service_action", "restart", "mon") == [
        "mon: restarted mon on node1",
        "mon: restarted mon on node2",
        "mon: restarted mon on node3",
        "warning: restart not confirmed for mon.node1: the monmap was not read",
        "warning: restart not confirmed for mon.node2: the monmap was not read",
        "warning: restart not confirmed for mon.node3: the monmap was not read",
    ]
    assert crossing.result("daemon_action", "restart", "mon.node1") == (
        "mon.node1: restarted mon on node1\n"
        "warning: restart not confirmed for mon.node1: the monmap was not read"
    )


def test_refusals_cross_as_orchestrator_errors(crossing: Crossing, ceph_release: Release) -> None:
    drive_group = DriveGroupSpec(
        placement=PlacementSpec(host_pattern="*"),
        service_id="all",
        data_devices=DeviceSelection(all=True),
    )
    refused = {
        "add_host": ((HostSpec("node4", addr="10.0.0.4"),), {}),
        "remove_host": (("node3",), {"force": False, "offline": False}),
        "add_host_label": (("node1", "mon"), {}),
        "remove_host_label": (("node1", "mon"), {}),
        "create_osds": ((drive_group,), {}),
        "apply_drivegroups": (([drive_group],), {}),
        "remove_osds": ((["1"],), {"replace": False, "force": False}),
    }
    for method, (args, kwargs) in refused.items():
        error = crossing.error(method, *args, **kwargs)
        assert error["class"] == ERROR, method
        assert error["errno"] == negated(errno.EOPNOTSUPP, ceph_release), method
        assert "not supported" in error["message"], method


def test_validation_errors_cross_intact(crossing: Crossing, ceph_release: Release) -> None:
    assert crossing.error("apply", [spec("rgw", "web", hosts=["node9"])]) == {
        "class": VALIDATION,
        "message": "rgw.web: unknown host(s) in placement: node9; cluster members are: node1, "
        "node2, node3",
        "errno": negated(errno.EINVAL, ceph_release),
    }
    assert crossing.error("daemon_action", "stop", "mon.node1") == {
        "class": VALIDATION,
        "message": "mon.node1: action 'stop' is not supported by MicroCeph; supported actions: "
        "restart (for mon, rgw and osd)",
        "errno": negated(errno.EINVAL, ceph_release),
    }


def test_microceph_failures_cross_intact(
    crossing: Crossing, fake_microceph: FakeMicroCeph, ceph_release: Release, tmp_path: Path
) -> None:
    fake_microceph.set_member("node2", status="UNREACHABLE")
    failed = crossing.error("apply", [spec("rbd-mirror", hosts=["node1", "node2"])])
    assert failed["class"] == ERROR
    assert failed["errno"] == negated(errno.EHOSTUNREACH, ceph_release)
    assert failed["message"].startswith("rbd-mirror: failed on node2: Failed to send request")
    assert failed["message"].endswith("; changed: enabled rbd-mirror on node1")

    socket = tmp_path / "missing.socket"
    crossing.harness.mgr.config_set("microceph", "socket_path", str(socket))
    missing = crossing.error("get_hosts")
    assert missing["class"] == ERROR
    assert missing["errno"] == negated(errno.ENOENT, ceph_release)
    assert missing["message"].startswith(
        f"cannot observe the MicroCeph cluster: microceph socket {socket} does not exist"
    )
    available, reason, details = crossing("available")
    assert (available, details) == (False, {})
    assert reason.startswith(f"microceph socket {socket} does not exist")


def test_only_tentacle_can_unpickle_a_plain_service_spec(ceph_release: Release) -> None:
    """Pins down the limit of Ceph's own classes that `check_round_trip` allows for."""
    data = pickle.dumps(spec("mgr", count=3))
    if ceph_release.name == "tentacle":
        assert pickle.loads(data).to_json() == {
            "service_type": "mgr",
            "service_name": "mgr",
            "placement": {"count": 3},
        }
    else:
        with pytest.raises(SpecValidationError, match=NO_SERVICE_TYPE):
            pickle.loads(data)
    # A spec type with its own subclass round-trips everywhere.
    rgw = spec("rgw", "web", count=1)
    assert pickle.loads(pickle.dumps(rgw)).to_json() == rgw.to_json()
