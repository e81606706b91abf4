"""Stand-in for the `cephfs` binding (python3-cephfs), which `mgr_module.py` imports.

`mgr_util.py` imports it too. Like `rados`, the real binding is compiled for the release's own
Python and needs a cluster. Only the names used while importing exist here; using them raises
`HarnessGap`.
"""

from typing import Any

from ceph_module import HarnessGap


class Error(Exception):
    """Base of the binding's errors, so `except cephfs.Error` clauses stay valid."""


class LibCephFS:
    """A libcephfs mount handle; the harness has no file system to mount."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        raise HarnessGap("the pytest harness has no libcephfs: cephfs.LibCephFS cannot be used")
