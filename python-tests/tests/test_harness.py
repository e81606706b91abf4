"""Checks of the harness itself: loading a module package from a directory, the fake mgr's
option and store handling, and the parts of ceph-mgr it refuses to make up.
"""

from __future__ import annotations

import errno
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ceph_module import HarnessGap

from mgr_harness import orch
from mgr_harness.fake_mgr import FakeMgr

# A module package as an out-of-tree mgr module ships it: the class lives in `module.py` and
# `__init__.py` re-exports it, because ceph-mgr only looks in the package's namespace.
_PACKAGE_INIT = "from .module import DirProbe  # noqa: F401\n"
_PACKAGE_MODULE = textwrap.dedent(
    """
    from mgr_module import MgrModule, Option
    from orchestrator import Orchestrator, handle_orch_error

    try:
        from mgr_module import CLICommandBase
    except ImportError:
        CLICommandBase = None


    class DirProbe(Orchestrator, MgrModule):
        NOTIFY_TYPES = []
        MODULE_OPTIONS = [
            Option(name="interval", type="int", default=10),
            Option(name="mode", type="str", default="a", enum_allowed=["a", "b"]),
        ]
        if CLICommandBase is not None:
            CLICommand = CLICommandBase.make_registry_subtype("DirProbeCLICommand")

        def available(self):
            return True, "", {}

        @handle_orch_error
        def get_hosts(self):
            return []
    """
)


def _write_package(directory: Path, name: str) -> None:
    package = directory / name
    package.mkdir()
    (package / "__init__.py").write_text(_PACKAGE_INIT)
    (package / "module.py").write_text(_PACKAGE_MODULE)


def test_a_module_package_loads_from_a_directory_as_the_backend(
    mgr: FakeMgr, tmp_path: Path
) -> None:
    _write_package(tmp_path, "dir_probe")
    orch.add_module_dir(tmp_path, "dir_probe")
    harness = orch.make_orch(mgr, "dir_probe")
    assert type(harness.backend).__name__ == "DirProbe"
    assert harness.orch("status") == (0, "Backend: dir_probe\nAvailable: Yes", "")
    # An empty table renders as nothing, so the output starts with the newline before the count.
    assert harness.orch("host ls") == (0, "\n0 hosts in cluster", "")

    # Module options come back typed, and the monitors' enum check applies to them too.
    backend: Any = harness.backend
    assert backend.get_module_option("interval") == 10
    backend.set_module_option("interval", 30)
    assert backend.get_module_option("interval") == 30
    assert mgr.config_set("dir_probe", "mode", "c") == (
        -errno.EINVAL,
        "",
        "error parsing value: 'c' is not one of the permitted values: a, b",
    )


def test_module_dir_from_env_errors_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MICROCEPH_MODULE_DIR", raising=False)
    with pytest.raises(orch.ModuleDirError, match="MICROCEPH_MODULE_DIR is not set"):
        orch.module_dir_from_env()
    monkeypatch.setenv("MICROCEPH_MODULE_DIR", str(tmp_path))
    with pytest.raises(orch.ModuleDirError, match=r"no microceph/__init__\.py"):
        orch.module_dir_from_env()
    (tmp_path / "microceph").mkdir()
    (tmp_path / "microceph" / "__init__.py").write_text("")
    assert orch.module_dir_from_env() == tmp_path.resolve()


def test_the_microceph_fixtures_load_the_package_from_microceph_module_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # A stand-in `microceph` package, only to exercise the fixtures the real module's tests use.
    _write_package(tmp_path, "microceph")
    monkeypatch.setenv("MICROCEPH_MODULE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in [name for name in sys.modules if name.split(".")[0] == "microceph"]:
        monkeypatch.delitem(sys.modules, name)
    harness = request.getfixturevalue("microceph_orch")
    # Whatever the test imported is forgotten again when monkeypatch undoes its changes.
    request.addfinalizer(_forget_microceph)
    assert Path(sys.modules["microceph"].__file__).parent == tmp_path / "microceph"
    assert harness.orch("status") == (0, "Backend: microceph\nAvailable: Yes", "")


def _forget_microceph() -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "microceph"]:
        del sys.modules[name]


def test_the_microceph_module_dir_fixture_errors_without_the_variable(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.delenv("MICROCEPH_MODULE_DIR", raising=False)
    with pytest.raises(orch.ModuleDirError, match="MICROCEPH_MODULE_DIR is not set"):
        request.getfixturevalue("microceph_module_dir")


def test_the_key_value_store_is_per_module(mgr: FakeMgr) -> None:
    cli = mgr.load_module("orchestrator")
    cli.set_store("active_devices", '{"ident": ["dev1"]}')
    assert mgr.stores == {"orchestrator": {"active_devices": '{"ident": ["dev1"]}'}}
    assert cli.get_store_prefix("active") == {"active_devices": '{"ident": ["dev1"]}'}
    cli.set_store("active_devices", None)
    assert cli.get_store("active_devices") is None


def test_remote_to_a_missing_module_or_method_fails_like_the_mgr(mgr: FakeMgr) -> None:
    cli = mgr.load_module("orchestrator")
    with pytest.raises(ImportError, match="Module not found"):
        cli.remote("nonexistent", "available")
    with pytest.raises(NameError, match="Method not found"):
        cli.remote("orchestrator", "no_such_method")


def test_unemulated_parts_of_ceph_mgr_raise_harness_gap(mgr: FakeMgr) -> None:
    cli = mgr.load_module("orchestrator")
    with pytest.raises(HarnessGap, match="_ceph_get_context"):
        _ = cli.rados
    with pytest.raises(HarnessGap, match="_ceph_get_osdmap"):
        cli.get_osdmap()


def test_the_version_comes_from_the_extracted_packages(mgr: FakeMgr) -> None:
    cli = mgr.load_module("orchestrator")
    assert cli.version.startswith(f"ceph version {mgr.release.upstream_version} ")
    assert cli.release_name == mgr.release.name
