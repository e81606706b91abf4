"""Stand-in for `ceph_module`, the C++ extension that ceph-mgr builds into itself.

This is the only part of ceph-mgr's Python environment the harness replaces: `mgr_module.py`
subclasses these base classes and calls their `_ceph_*` methods. Each method here forwards to
the `FakeMgr` the module was constructed with (the `py_modules_ptr` capsule of the real mgr),
which keeps the cluster's state in memory.

A `_ceph_*` method the harness does not emulate raises `HarnessGap`, so a test fails loudly
instead of seeing a made-up answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from mgr_harness.fake_mgr import FakeMgr, ModuleHandle


class HarnessGap(RuntimeError):
    """A part of ceph-mgr's C++ interface that the harness does not emulate was used."""


def _gap(name: str) -> NoReturn:
    raise HarnessGap(f"the pytest harness's ceph_module stand-in does not emulate {name}")


class BaseMgrModule:
    """The C++ base of `mgr_module.MgrModule`; the mgr passes two capsules to its constructor."""

    def __init__(self, py_modules_ptr: FakeMgr, this_ptr: ModuleHandle) -> None:
        self._harness_mgr = py_modules_ptr
        self._harness_handle = this_ptr

    def __getattr__(self, name: str) -> Any:
        # Only ceph-mgr's own entry points are reported as gaps; any other missing attribute
        # stays an AttributeError, which Ceph's code relies on (e.g. `_oremote`).
        if name.startswith("_ceph_"):
            _gap(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # Cluster state and options.

    def _ceph_get(self, data_name: str) -> Any:
        return self._harness_mgr.get_state(self._harness_handle, data_name)

    def _ceph_get_server(self, hostname: str | None) -> Any:
        return self._harness_mgr.get_server(hostname)

    def _ceph_get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self._harness_mgr.get_metadata(svc_type, svc_id)

    def _ceph_get_option(self, key: str) -> Any:
        return self._harness_mgr.get_ceph_option(key)

    def _ceph_get_foreign_option(self, entity: str, key: str) -> Any:
        return self._harness_mgr.get_foreign_ceph_option(entity, key)

    def _ceph_get_module_option(self, module: str, key: str, prefix: str = "") -> Any:
        return self._harness_mgr.get_module_option(module, key, prefix)

    def _ceph_set_module_option(self, module: str, key: str, value: str | None = None) -> None:
        self._harness_mgr.set_module_option_from_module(module, key, value)

    def _ceph_get_store(self, key: str) -> str | None:
        return self._harness_mgr.get_store(self._harness_handle.name, key)

    def _ceph_set_store(self, key: str, value: str | None) -> None:
        self._harness_mgr.set_store(self._harness_handle.name, key, value)

    def _ceph_get_store_prefix(self, prefix: str) -> dict[str, str]:
        return self._harness_mgr.get_store_prefix(self._harness_handle.name, prefix)

    # Identity of the mgr daemon.

    def _ceph_get_version(self) -> str:
        return self._harness_mgr.release.version_string

    def _ceph_get_release_name(self) -> str:
        return self._harness_mgr.release.name

    def _ceph_lookup_release_name(self, major: int) -> str:
        return self._harness_mgr.release.lookup_name(major)

    def _ceph_get_mgr_id(self) -> str:
        return self._harness_mgr.mgr_id

    def _ceph_get_ceph_conf_path(self) -> str:
        return self._harness_mgr.ceph_conf_path

    def _ceph_have_mon_connection(self) -> bool:
        return True

    def _ceph_is_authorized(self, arguments: dict[str, str]) -> bool:
        return True

    # Logging, health and the cluster log.

    def _ceph_log(self, message: str) -> None:
        self._harness_mgr.log(self._harness_handle.name, message)

    def _ceph_cluster_log(self, channel: str, priority: int, message: str) -> None:
        self._harness_mgr.cluster_log.append((channel, priority, message))

    def _ceph_set_health_checks(self, checks: dict[str, Any]) -> None:
        self._harness_mgr.health_checks[self._harness_handle.name] = checks

    def _ceph_set_uri(self, uri: str) -> None:
        self._harness_mgr.uris[self._harness_handle.name] = uri

    # Talking to other modules and to the monitors.

    def _ceph_dispatch_remote(
        self, module_name: str, method_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        return self._harness_mgr.dispatch_remote(
            self._harness_handle.name, module_name, method_name, args, kwargs
        )

    def _ceph_send_command(
        self,
        result: Any,
        svc_type: str,
        svc_id: str,
        command: str,
        tag: str,
        inbuf: str = "",
        **_ignored: Any,
    ) -> None:
        self._harness_mgr.send_command(result, svc_type, svc_id, command, tag, inbuf)


class BaseMgrStandbyModule:
    """The C++ base of `mgr_module.MgrStandbyModule`; standby modules are not emulated."""

    def __init__(self, capsule: Any) -> None:
        _gap("standby modules (BaseMgrStandbyModule)")


class BasePyOSDMap:
    """The C++ base of `mgr_module.OSDMap`; no OSD map is emulated."""

    def __init__(self, *_args: Any) -> None:
        _gap("the OSD map (BasePyOSDMap)")


class BasePyOSDMapIncremental:
    """The C++ base of `mgr_module.OSDMapIncremental`; no OSD map is emulated."""

    def __init__(self, *_args: Any) -> None:
        _gap("OSD map incrementals (BasePyOSDMapIncremental)")


class BasePyCRUSH:
    """The C++ base of `mgr_module.CRUSHMap`; no CRUSH map is emulated."""

    def __init__(self, *_args: Any) -> None:
        _gap("the CRUSH map (BasePyCRUSH)")
