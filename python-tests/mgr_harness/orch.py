"""Ceph's real orchestrator CLI module (`orchestrator.OrchestratorCli`) wired to a backend module.

`OrchHarness.orch("apply rgw foo --placement=2")` runs `ceph orch apply rgw foo --placement=2`:
the release's real client parser builds the command dict, ceph-mgr's dispatch hands it to the
orchestrator module's `_handle_command`, and the orchestrator reaches the backend through
`remote()`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mgr_harness import cli
from mgr_harness.fake_mgr import FakeMgr


@dataclass
class OrchHarness:
    """A fake mgr with the orchestrator CLI and one backend loaded, the backend selected."""

    mgr: FakeMgr
    backend_name: str
    set_backend_result: cli.CliResult
    """What `ceph orch set backend <backend>` returned (see `select_backend`)."""

    @property
    def cli(self) -> Any:
        """The `orchestrator.OrchestratorCli` instance."""
        return self.mgr.instance("orchestrator")

    @property
    def backend(self) -> Any:
        return self.mgr.instance(self.backend_name)

    def orch(self, line: str, inbuf: str | None = None, **extra: Any) -> cli.CliResult:
        """Runs `ceph orch <line>` (a leading `orch` is optional); see `FakeMgr.command`."""
        words = line.split(maxsplit=1)
        if not words or words[0] != "orch":
            line = f"orch {line}"
        return self.mgr.command(line, inbuf=inbuf, **extra)


def select_backend(mgr: FakeMgr, name: str) -> cli.CliResult:
    """Selects `name` as the orchestrator backend the way an operator has to.

    It runs `ceph orch set backend <name>` first, through Ceph's real handler: that checks the
    module is loaded, enabled and an orchestrator. No release lists `microceph` in the
    `orchestrator` option's `enum_allowed`, so the final step is refused by the monitors
    (pacific returns 0 regardless; reef and tentacle fail with a traceback). The backend is
    then stored the way the refusal can be bypassed on a real cluster:
    `ceph config set mgr mgr/orchestrator/orchestrator <name> --force`.
    Returns what `orch set backend` returned.
    """
    result = mgr.command(f"orch set backend {name}")
    if mgr.get_module_option("orchestrator", "orchestrator") != name:
        forced = mgr.config_set("orchestrator", "orchestrator", name, force=True)
        assert forced.retval == 0, forced
    return result


def make_orch(mgr: FakeMgr, backend_name: str, backend_cls: type | None = None) -> OrchHarness:
    """Loads the orchestrator CLI and the backend into `mgr`, enables and selects the backend.

    Without `backend_cls`, the backend is the package `backend_name` found on `sys.path`.
    """
    mgr.load_module("orchestrator")
    mgr.load_module(backend_name, backend_cls)
    mgr.enable_module(backend_name)
    result = select_backend(mgr, backend_name)
    return OrchHarness(mgr=mgr, backend_name=backend_name, set_backend_result=result)


def add_module_dir(directory: Path, package: str) -> None:
    """Makes the package `package` in `directory` importable, right behind ceph-mgr's own modules.

    The real mgr finds modules in its single module directory, so an out-of-tree module sits
    next to the built-in ones; here its directory follows the mgr directory on `sys.path`.
    """
    if not (directory / package / "__init__.py").is_file():
        raise FileNotFoundError(f"{directory / package / '__init__.py'} does not exist")
    entry = str(directory)
    if entry in sys.path:
        return
    import mgr_module

    mgr_dir = str(Path(mgr_module.__file__).parent)
    position = sys.path.index(mgr_dir) + 1 if mgr_dir in sys.path else 0
    sys.path.insert(position, entry)


class ModuleDirError(RuntimeError):
    """`MICROCEPH_MODULE_DIR` is unset or does not hold the `microceph` package."""


def module_dir_from_env(variable: str = "MICROCEPH_MODULE_DIR") -> Path:
    """The directory containing the real `microceph/` package, named by `variable`."""
    value = os.environ.get(variable, "")
    if not value:
        raise ModuleDirError(
            f"{variable} is not set: point it at the directory that contains the `microceph/` "
            "mgr module package (what `cargo xtask module --out DIR` assembles)"
        )
    directory = Path(value).resolve()
    if not (directory / "microceph" / "__init__.py").is_file():
        raise ModuleDirError(f"{variable}={value}: there is no microceph/__init__.py in it")
    return directory
