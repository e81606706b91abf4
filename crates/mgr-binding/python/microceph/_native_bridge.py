"""The only module that touches the Rust extension ``microceph._native``.

Every call passes plain strings and builtins in and gets JSON text back, which is
decoded here.  Every exception of the extension is turned into Ceph's
``OrchestratorValidationError`` (the request was wrong) or ``OrchestratorError``
(anything else), carrying the extension's message and its negated errno; no
``_native`` class or object ever leaves this module.  Importing the extension is
attempted once, here, so that ceph-mgr's sub-interpreter rules (one importer per
PyO3 extension) hold, and ``can_run`` can report why it failed.
"""

import errno
import importlib
import json
from typing import Any, Dict, List, NamedTuple, NoReturn, Optional, Tuple

import orchestrator

try:
    _native: Any = importlib.import_module(f'{__package__}._native')
    IMPORT_ERROR: Optional[str] = None
except Exception as e:  # ImportError, or an OSError from the dynamic loader
    _native = None
    IMPORT_ERROR = f'{type(e).__name__}: {e}'


class ApplyOutcome(NamedTuple):
    """What one ``apply`` did: result lines, specs to store, and the failure to raise after."""
    results: List[str]
    store: List[Dict[str, Any]]
    failure: Optional[Dict[str, Any]]


def import_status() -> Tuple[bool, str]:
    """``(True, '')`` when the extension is loaded, else ``(False, <why>)``, for ``can_run``."""
    if _native is None:
        return False, ('the microceph extension (microceph/_native.abi3.so) cannot be loaded: '
                       f'{IMPORT_ERROR}')
    return True, ''


def probe(config: str, timeout: float) -> Tuple[bool, str]:
    """Whether MicroCeph answers and is ready; never raises."""
    loaded, reason = import_status()
    if not loaded:
        return False, reason
    try:
        available, why = _native.probe(config, timeout)
        return bool(available), str(why)
    except BaseException as e:
        _reraise_unless_failure(e)
        return False, str(e.args[0]) if e.args else repr(e)


def available(config: str, timeout: float) -> Tuple[bool, str]:
    """The last availability probe (a fresh one only when there was none); never raises."""
    loaded, reason = import_status()
    if not loaded:
        return False, reason
    try:
        answer, why = _native.available(config, timeout)
        return bool(answer), str(why)
    except BaseException as e:
        _reraise_unless_failure(e)
        return False, str(e.args[0]) if e.args else repr(e)


def serve_tick(config: str, stored: str, timeout: float) -> Dict[str, Any]:
    return json.loads(_call('serve_tick', config, stored, timeout))


def ceph_map_parts(notify_type: str) -> List[str]:
    return list(_call('ceph_map_parts', notify_type))


def update_ceph_maps(parts: Dict[str, Any]) -> None:
    _call('update_ceph_maps', _dumps(parts))


def listing_token(config: str, stored: str) -> Optional[str]:
    """What the listings would show now, as a token to compare; ``None`` before any observation."""
    token: Optional[str] = _call('listing_token', config, stored)
    return token


def list_hosts(config: str, refresh: bool) -> Dict[str, Any]:
    return json.loads(_call('list_hosts', config, refresh=refresh))


def describe_services(config: str, stored: str, service_type: Optional[str],
                      service_name: Optional[str], refresh: bool) -> Dict[str, Any]:
    return json.loads(_call('describe_services', config, stored, service_type=service_type,
                            service_name=service_name, refresh=refresh))


def list_daemons(config: str, stored: str, service_name: Optional[str], daemon_type: Optional[str],
                 daemon_id: Optional[str], host: Optional[str], refresh: bool) -> Dict[str, Any]:
    return json.loads(_call('list_daemons', config, stored, service_name=service_name,
                            daemon_type=daemon_type, daemon_id=daemon_id, host=host,
                            refresh=refresh))


def inventory(config: str, hosts: Optional[List[str]], labels: Optional[List[str]],
              refresh: bool) -> Dict[str, Any]:
    return json.loads(_call('inventory', config, hosts=hosts, labels=labels, refresh=refresh))


def apply_start(config: str, specs: List[Dict[str, Any]], stored: str, no_overwrite: bool,
                continue_on_error: bool) -> int:
    """Starts an apply in the background; ``apply_wait`` gives its progress and its result."""
    options = json.dumps({'no_overwrite': bool(no_overwrite),
                          'continue_on_error': bool(continue_on_error)})
    return int(_call('apply_start', config, _dumps(specs), stored, options))


def apply_wait(job: int, timeout: float) -> Dict[str, Any]:
    """``{"progress": [...], "result": null | <result>}`` of a background apply."""
    return json.loads(_call('apply_wait', job, timeout))


def apply_outcome(result: Dict[str, Any]) -> ApplyOutcome:
    return ApplyOutcome(result['results'], result['store'], result['failure'])


def raise_failure(outcome: ApplyOutcome) -> None:
    """Raises the failure of an ``apply``, if it had one; call it after storing the specs."""
    failure = outcome.failure
    if failure:
        raise _orchestrator_error(failure['message'], failure['errno'], failure['validation'])


def plan(config: str, specs: List[Dict[str, Any]], stored: str) -> List[Dict[str, Any]]:
    return json.loads(_call('plan', config, _dumps(specs), stored))


def remove(config: str, service_name: str, stored: str, force: bool) -> Dict[str, Any]:
    return json.loads(_call('remove', config, service_name, stored, bool(force)))


def service_action(config: str, action: str, service_name: str) -> Dict[str, Any]:
    """``{"lines": [...]}``, or a pending restart confirmation for ``confirm_restart``."""
    return json.loads(_call('service_action', config, action, service_name))


def daemon_action(config: str, action: str, daemon_name: str) -> Dict[str, Any]:
    """``{"lines": [...]}``, or a pending restart confirmation for ``confirm_restart``."""
    return json.loads(_call('daemon_action', config, action, daemon_name))


def confirm_restart(pending: Dict[str, Any]) -> Dict[str, Any]:
    """Checks ``pending['pending']`` against the maps last passed to ``update_ceph_maps``."""
    return json.loads(_call('confirm_restart', pending['pending']))


def refuse(operation: str, subject: str = '') -> NoReturn:
    """Raises the ``OrchestratorError`` for an operation MicroCeph does its own way."""
    _call('refuse', operation, subject)
    raise AssertionError('refuse always raises')  # pragma: no cover


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str)


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    loaded, reason = import_status()
    if not loaded:
        raise orchestrator.OrchestratorError(reason, errno=-errno.ENOENT)
    try:
        return getattr(_native, name)(*args, **kwargs)
    except _native.MicroCephError as e:
        message = str(e.args[0]) if e.args else str(e)
        code = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else errno.EIO
        validation = isinstance(e, (_native.MicroCephInvalidInput, _native.MicroCephUnsatisfiable))
        raise _orchestrator_error(message, code, validation) from None
    except BaseException as e:
        if not _is_panic(e):
            raise
        message = str(e.args[0]) if e.args else repr(e)
        raise _orchestrator_error(message, errno.EIO, False) from None


def _is_panic(e: BaseException) -> bool:
    """Whether ``e`` is PyO3's ``PanicException``: a Rust panic that escaped ``guarded``.

    It derives from ``BaseException``, so ``except Exception`` (Ceph's included) misses it.
    """
    return type(e).__name__ == 'PanicException' and type(e).__module__ == 'pyo3_runtime'


def _reraise_unless_failure(e: BaseException) -> None:
    """Lets ``KeyboardInterrupt``, ``SystemExit`` and the like through; keeps failures."""
    if not isinstance(e, Exception) and not _is_panic(e):
        raise e


def _orchestrator_error(message: str, code: int,
                        validation: bool) -> orchestrator.OrchestratorError:
    cls = orchestrator.OrchestratorValidationError if validation else orchestrator.OrchestratorError
    return cls(message, errno=-abs(code))
