"""Puts the selected release's Ceph Python and the stand-ins on `sys.path`, as `conftest.py` does
for the tests, so the benchmark runs exactly the code the tests run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mgr_harness import release as releases

HERE = Path(__file__).resolve().parent.parent
STAND_INS = HERE / "mgr_harness" / "stand_ins"


def use_release() -> releases.Release:
    """The release named by `CEPH_RELEASE`, its directories put first on `sys.path`."""
    selected = releases.current()
    for path in selected.sys_paths:
        if not path.is_dir():
            raise releases.ReleaseError(f"{path} is missing: re-run `cargo xtask ceph-python`")
    # Ceph's `handle_orch_error` re-raises instead of returning an OrchResult when it is set.
    os.environ.pop("UNITTEST", None)
    sys.path[0:0] = [str(path) for path in selected.sys_paths] + [str(STAND_INS)]
    from mgr_harness import fake_mgr

    fake_mgr.register_once("orchestrator")
    return selected
