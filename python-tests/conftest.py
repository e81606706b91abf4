"""Pytest set-up: run the suite against one Ceph release's real mgr Python.

`CEPH_RELEASE` (pacific, reef or tentacle) selects the release; its extracted Debian packages
come from the cache `cargo xtask ceph-python` fills. Their directories go first on `sys.path`,
followed by the stand-ins for the C++ pieces (`ceph_module`, and the `rados`/`cephfs` bindings,
which only exist compiled for the release's own Python).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    # These import Ceph's modules, which are importable only once `pytest_configure` ran.
    from mgr_harness.fake_mgr import FakeMgr
    from mgr_harness.fake_microceph import FakeMicroCeph
    from mgr_harness.orch import OrchHarness

HERE = Path(__file__).resolve().parent
STAND_INS = HERE / "mgr_harness" / "stand_ins"

# The harness package itself must be importable before the release is known.
sys.path.insert(0, str(HERE))

from mgr_harness import release as releases  # noqa: E402

_RELEASE = pytest.StashKey[releases.Release]()


def pytest_configure(config: pytest.Config) -> None:
    try:
        selected = releases.current()
    except releases.ReleaseError as error:
        raise pytest.UsageError(str(error)) from error
    for path in selected.sys_paths:
        if not path.is_dir():
            raise pytest.UsageError(f"{path} is missing: re-run `cargo xtask ceph-python`")
    # `handle_orch_error` re-raises instead of returning an OrchResult when UNITTEST is set,
    # which would hide exactly the behaviour these tests check.
    if "UNITTEST" in os.environ:
        raise pytest.UsageError("unset UNITTEST: it changes how Ceph's orchestrator reports errors")
    sys.path[0:0] = [str(path) for path in selected.sys_paths] + [str(STAND_INS)]
    config.stash[_RELEASE] = selected

    # Register the orchestrator module's commands before any test module can add commands to
    # pacific's and reef's process-wide command registry, as each mgr module would have its
    # own registry there (its own sub-interpreter).
    from mgr_harness import fake_mgr

    fake_mgr.register_once("orchestrator")


def pytest_report_header(config: pytest.Config) -> str:
    selected = config.stash[_RELEASE]
    return (
        f"ceph: {selected.name} {selected.debian_version} (Debian {selected.suite}) "
        f"from {selected.root}"
    )


@pytest.fixture(scope="session")
def ceph_release(pytestconfig: pytest.Config) -> releases.Release:
    """The Ceph release this session runs against."""
    return pytestconfig.stash[_RELEASE]


@pytest.fixture
def mgr(ceph_release: releases.Release, tmp_path: Path) -> Iterator[FakeMgr]:
    """A fresh in-memory ceph-mgr with no module loaded; its modules are shut down afterwards."""
    from mgr_harness.fake_mgr import FakeMgr

    instance = FakeMgr(ceph_release, tmp_path)
    yield instance
    instance.shutdown()


@pytest.fixture
def make_orch(mgr: FakeMgr) -> Callable[..., OrchHarness]:
    """Builds the orchestrator CLI wired to a backend: `make_orch(ProbeBackend)`.

    The backend is registered as module `microceph` unless `name=` says otherwise.
    """
    from mgr_harness import orch

    def build(backend_cls: type | None = None, name: str = "microceph") -> OrchHarness:
        return orch.make_orch(mgr, name, backend_cls)

    return build


@pytest.fixture
def microceph_module_dir() -> Path:
    """The directory holding the real `microceph/` mgr module package, from `MICROCEPH_MODULE_DIR`.

    Errors (never skips) when the variable is unset or names no such package.
    """
    from mgr_harness import orch

    return orch.module_dir_from_env()


@pytest.fixture
def microceph_orch(mgr: FakeMgr, microceph_module_dir: Path) -> OrchHarness:
    """The orchestrator CLI wired to the real `microceph` module from `MICROCEPH_MODULE_DIR`."""
    from mgr_harness import orch

    orch.add_module_dir(microceph_module_dir, "microceph")
    return orch.make_orch(mgr, "microceph")


@pytest.fixture(scope="session")
def fake_microceph_bin() -> Path:
    """The `fake-microceph` binary named by `FAKE_MICROCEPH_BIN`; errors (never skips) if unset."""
    from mgr_harness import fake_microceph

    return fake_microceph.binary_from_env()


@pytest.fixture
def fake_microceph(fake_microceph_bin: Path) -> Iterator[FakeMicroCeph]:
    """A fresh `fake-microceph serve` of the generated three-member cluster, stopped afterwards.

    `node1` owns the socket; `node1` to `node3` run mon, mgr and mds and have one OSD each.
    """
    from mgr_harness.fake_microceph import FakeMicroCeph

    fake = FakeMicroCeph.start(fake_microceph_bin)
    yield fake
    fake.stop()


@pytest.fixture
def microceph_on_fake(microceph_orch: OrchHarness, fake_microceph: FakeMicroCeph) -> OrchHarness:
    """The real `microceph` module as the orchestrator backend, talking to `fake_microceph`.

    The socket is set as an operator would: `ceph config set mgr mgr/microceph/socket_path ...`,
    and Ceph's maps show every daemon of the generated cluster alive (`microceph.alive_cluster`).
    """
    from mgr_harness import microceph

    result = microceph_orch.mgr.config_set("microceph", "socket_path", fake_microceph.socket)
    assert result.retval == 0, result
    mgr = microceph_orch.mgr
    mgr.set_cluster_maps(*microceph.alive_cluster(mgr.release.version_string))
    return microceph_orch
