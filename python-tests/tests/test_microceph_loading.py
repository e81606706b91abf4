"""A broken extension and a panicking one: what ceph-mgr and the operator see.

A missing or corrupt `microceph/_native.abi3.so` must not stop ceph-mgr from loading its other
modules: `can_run()` says why the module cannot run, naming the file and the import error, and
`ceph mgr module ls` shows that reason. A panic in Rust must reach Ceph as an
`OrchestratorError`, never as an exception Ceph does not expect; the Rust side (`guarded` and
the binding's one error conversion) is tested in Rust, the bridge's mapping here with a
stand-in extension.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mgr_harness.orch import OrchHarness

HERE = Path(__file__).resolve().parent.parent
PANIC_TEXT = (
    "internal error in the microceph orchestrator module: a bug made the extension panic: boom"
)

# Loads the package `microceph` from argv[1] into a fresh in-memory ceph-mgr, in a process of its
# own so that this session's `microceph` package and command registry stay untouched.
LOADER = """
import json, sys
from pathlib import Path
from bench import ceph_path

release = ceph_path.use_release()
from mgr_harness import orch
from mgr_harness.fake_mgr import FakeMgr

orch.add_module_dir(Path(sys.argv[1]), "microceph")
mgr = FakeMgr(release, Path(sys.argv[2]))
mgr.load_module("orchestrator")
try:
    mgr.load_module("microceph")
    refused = None
except ImportError as error:
    refused = str(error)
import microceph

print(json.dumps({
    "can_run": list(microceph.MicroCeph.can_run()),
    "refused": refused,
    "module_ls": mgr.module_ls(),
}, default=str))
"""


def load_copy(module_dir: Path, tmp_path: Path, extension: bytes | None) -> dict[str, Any]:
    """Loads a copy of the real package whose extension is `extension` (absent when `None`)."""
    copy = tmp_path / "modules"
    shutil.copytree(module_dir / "microceph", copy / "microceph")
    native = copy / "microceph" / "_native.abi3.so"
    native.unlink()
    if extension is not None:
        native.write_bytes(extension)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(copy), str(tmp_path)],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def disabled(module_ls: dict[str, Any]) -> dict[str, Any]:
    """The `microceph` entry of `disabled_modules`, without its option table."""
    [entry] = [m for m in module_ls["disabled_modules"] if m["name"] == "microceph"]
    assert "socket_path" in entry["module_options"]
    return {key: value for key, value in entry.items() if key != "module_options"}


def test_a_missing_extension_makes_can_run_false_with_the_reason(
    microceph_module_dir: Path, tmp_path: Path
) -> None:
    loaded = load_copy(microceph_module_dir, tmp_path, None)
    reason = (
        "the microceph extension (microceph/_native.abi3.so) cannot be loaded: "
        "ModuleNotFoundError: No module named 'microceph._native'"
    )
    assert loaded["can_run"] == [False, reason]
    assert loaded["refused"] == f"module 'microceph' cannot run: {reason}"
    assert disabled(loaded["module_ls"]) == {
        "name": "microceph",
        "can_run": False,
        "error_string": reason,
    }


def test_a_corrupt_extension_makes_can_run_false_with_the_loader_error(
    microceph_module_dir: Path, tmp_path: Path
) -> None:
    loaded = load_copy(microceph_module_dir, tmp_path, b"not an ELF file\n" * 256)
    path = tmp_path / "modules" / "microceph" / "_native.abi3.so"
    reason = (
        "the microceph extension (microceph/_native.abi3.so) cannot be loaded: "
        f"ImportError: {path}: invalid ELF header"
    )
    assert loaded["can_run"] == [False, reason]
    assert disabled(loaded["module_ls"]) == {
        "name": "microceph",
        "can_run": False,
        "error_string": reason,
    }


class PanicException(BaseException):
    """Stands for PyO3's `pyo3_runtime.PanicException`, which derives from BaseException."""


PanicException.__module__ = "pyo3_runtime"


def stand_in(error: Callable[[Any], BaseException]) -> Any:
    """A `_native` with the extension's exception classes whose every function raises
    `error(<the stand-in>)`."""

    class MicroCephError(Exception):
        pass

    class MicroCephInvalidInput(MicroCephError):
        pass

    class MicroCephUnsatisfiable(MicroCephError):
        pass

    class MicroCephInternalError(MicroCephError):
        pass

    class Native:
        def __getattr__(self, name: str) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                raise error(native)

            return call

    native: Any = Native()
    native.MicroCephError = MicroCephError
    native.MicroCephInvalidInput = MicroCephInvalidInput
    native.MicroCephUnsatisfiable = MicroCephUnsatisfiable
    native.MicroCephInternalError = MicroCephInternalError
    return native


# What reaches the bridge when Rust panics: `guarded`'s error (errno EIO), or PyO3's own exception
# should a panic ever escape `guarded`.
RAISED = {
    "internal error": lambda native: native.MicroCephInternalError(PANIC_TEXT, 5),
    "panic exception": lambda native: PanicException(PANIC_TEXT),
}


@pytest.mark.parametrize("kind", list(RAISED))
def test_a_panic_in_the_extension_reaches_ceph_as_an_orchestrator_error(
    microceph_on_fake: OrchHarness, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """`guarded` turns a panic into `MicroCephInternalError(text, EIO)`; should one escape it,
    PyO3 raises `PanicException`. Either way Ceph gets an `OrchestratorError` with the text."""
    bridge = sys.modules["microceph._native_bridge"]
    monkeypatch.setattr(bridge, "_native", stand_in(RAISED[kind]))
    for command in ("ls", "ps", "host ls", "device ls", "apply rgw foo --placement=1"):
        result = microceph_on_fake.orch(command)
        assert result.error_line == f"Error EIO: {PANIC_TEXT}", command
    # The availability check never raises: it says the module is not available, and why.
    assert microceph_on_fake.orch("status") == (
        0,
        f"Backend: microceph\nAvailable: No ({PANIC_TEXT})",
        "",
    )
    monkeypatch.undo()
    assert microceph_on_fake.orch("ls").retval == 0, "the module answers once the bug is gone"
