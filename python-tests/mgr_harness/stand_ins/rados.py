"""Stand-in for the `rados` binding (python3-rados), which `mgr_module.py` imports at the top.

The real binding is compiled for one Python version (3.11 on bookworm, 3.13 on trixie, 3.14 on
sid) and needs librados and a running cluster, so it cannot serve the harness. Only the names
Ceph's Python touches while importing exist here; using any of them raises `HarnessGap`.
"""

from typing import Any

from ceph_module import HarnessGap


class Error(Exception):
    """Base of the binding's errors, so `except rados.Error` clauses stay valid."""


class ObjectNotFound(Error):
    """Raised by the real binding for a missing object; never raised here."""


class Rados:
    """A librados cluster handle; the harness has no cluster to connect to."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        raise HarnessGap("the pytest harness has no librados: rados.Rados cannot be used")
