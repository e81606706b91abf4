"""MicroCeph's orchestrator backend for ceph-mgr: ``ceph orch`` over a MicroCeph cluster.

ceph-mgr loads the one ``MgrModule`` subclass this package exports.
"""

from .module import MicroCeph

__all__ = ['MicroCeph']
