"""An in-memory ceph-mgr: loads mgr modules, keeps their options and key-value stores, routes
commands to them and carries `remote()` calls between them.

It plays the C++ side of ceph-mgr (`ActivePyModules` and the monitors behind it). Everything
Python-side is Ceph's real code. Where the real mgr's behaviour differs per release, the
difference is modelled after what the release's binaries do:

- `remote()` on tentacle pickles the arguments, keyword arguments and return value, as its
  mgr does between modules; pacific and reef pass the objects themselves.
- Setting a module option is validated the way the monitors validate `config set`: a value
  outside the option's `enum_allowed` is refused. Pacific's mgr only logs the refusal; reef's and
  tentacle's raise `ValueError` into the calling module.
- A command handler that raises yields `-EINVAL` with the traceback as the error text.

- Ceph's maps (`get('mon_status')` and the like), daemon metadata and standby mgrs are what a
  test sets with `set_cluster_maps`, which then notifies the modules as ceph-mgr would.

What it does not model: sub-interpreters (every module shares this interpreter and its
`sys.modules`, so class identity holds across modules where pacific and reef would break it),
the `serve()` thread, standby modules, and anything needing a running cluster (librados, perf
counters). Such calls raise `HarnessGap`.
"""

from __future__ import annotations

import copy
import errno
import importlib
import inspect
import json
import pickle
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ceph_module import HarnessGap

from mgr_harness import cli
from mgr_harness.release import Release

# Modules the monitors keep enabled whatever the user does. The real list is longer; the
# harness names only the always-on module it loads, the orchestrator CLI.
_ALWAYS_ON = ["orchestrator"]

# Classes whose `_register_commands`/`_register_options` already ran in this process. ceph-mgr
# runs them once per module when it loads it; running them twice would duplicate entries.
_REGISTERED: set[type] = set()

MonCommandHandler = Callable[[dict[str, Any], str], tuple[int, str, str]]


@dataclass
class ModuleHandle:
    """One loaded module: what the real mgr's `this_ptr` capsule points at."""

    name: str
    cls: type
    instance: Any = None


@dataclass(frozen=True)
class RemoteCall:
    """One `remote()` call, recorded so tests can check how it crossed between modules."""

    caller: str
    target: str
    method: str
    pickled_bytes: int | None
    """Bytes of pickled arguments and result (tentacle), or `None` when objects were passed."""


def _python_traceback(error: BaseException) -> str:
    """The traceback the real mgr formats: it starts in the module, where this harness's own
    calling frame stands for ceph-mgr's C++."""
    frames = error.__traceback__.tb_next if error.__traceback__ else None
    return "".join(traceback.format_exception(type(error), error, frames))


def _prefix(command: dict[str, Any]) -> str:
    """The literal words a `COMMANDS` entry starts with, e.g. `orch apply rgw`."""
    words = []
    for part in cli.descriptor_to_signature(command["cmd"]):
        if not isinstance(part, str):
            break
        words.append(part)
    return " ".join(words)


def mgr_module_subclass(module: Any) -> type:
    """The class ceph-mgr would instantiate from an imported module package.

    Like the mgr, it takes the first subclass of `mgr_module.MgrModule` in the package's
    namespace; the mgr logs and ignores any further one.
    """
    import mgr_module

    for value in vars(module).values():
        if (
            inspect.isclass(value)
            and issubclass(value, mgr_module.MgrModule)
            and value is not mgr_module.MgrModule
        ):
            return value
    raise ImportError(f"Class not found in module '{module.__name__}'")


def register_once(name: str, cls: type | None = None) -> type:
    """Imports module `name` (unless `cls` stands for it) and registers its commands and options.

    ceph-mgr does this once per module when it loads it: `_register_commands`, then
    `_register_options`. Doing it twice would duplicate entries, so it runs once per process.
    """
    if cls is None:
        cls = mgr_module_subclass(importlib.import_module(name))
    if cls not in _REGISTERED:
        cls._register_commands(name)
        cls._register_options(name)
        _REGISTERED.add(cls)
    return cls


class FakeMgr:
    """The in-memory ceph-mgr of one test."""

    def __init__(self, release: Release, work_dir: Path) -> None:
        self.release = release
        self.mgr_id = "x"
        self.ceph_conf_path = str(work_dir / "ceph.conf")
        # Daemon options visible through `get_ceph_option` and `get_foreign_ceph_option`.
        self.ceph_options: dict[str, Any] = {
            "debug_mgr": "1/5",
            "log_file": str(work_dir / "mgr.x.log"),
            "mgr_data": str(work_dir / "mgr" / "ceph-x"),
            "fsid": "00000000-0000-0000-0000-000000000000",
        }
        # The monitors' configuration database: `mgr/<module>/<key>` -> string value.
        self.config: dict[str, str] = {}
        self.stores: dict[str, dict[str, str]] = {}
        self.modules: dict[str, ModuleHandle] = {}
        # Modules whose `can_run()` said no, with the reason they gave.
        self.unrunnable: dict[str, tuple[type, str]] = {}
        self.enabled: set[str] = set()
        # Extra results for `MgrModule.get(name)`, beyond the generated `mgr_map`.
        self.state: dict[str, Any] = {}
        self.mon_command_handlers: dict[str, MonCommandHandler] = {}
        # Standby mgrs, as the mgr map lists them.
        self.mgr_standbys: list[str] = []
        # Daemon metadata by (type, id), as `get_metadata` and `list_servers` report it.
        self.metadata: dict[tuple[str, str], dict[str, str]] = {}
        self.health_checks: dict[str, dict[str, Any]] = {}
        self.cluster_log: list[tuple[str, int, str]] = []
        self.uris: dict[str, str] = {}
        self.log_lines: list[tuple[str, str]] = []
        self.remote_calls: list[RemoteCall] = []

    @property
    def pickles_remote_calls(self) -> bool:
        """Whether `remote()` pickles what it carries, as tentacle's mgr does."""
        return self.release.major >= 20

    # Loading modules.

    def load_module(self, name: str, cls: type | None = None) -> Any:
        """Loads module `name` and returns its instance, as the active mgr does at start-up.

        Without `cls`, the package `name` is imported from `sys.path` and its `MgrModule`
        subclass is used; with `cls`, that class stands for the package (for test-only modules).
        """
        if name in self.modules:
            raise ValueError(f"module {name!r} is already loaded")
        cls = register_once(name, cls)
        can_run, reason = cls.can_run()
        if not can_run:
            # The real mgr keeps such a module in the MgrMap with `can_run` false and the reason
            # as `error_string`, and never instantiates it.
            self.unrunnable[name] = (cls, reason)
            raise ImportError(f"module {name!r} cannot run: {reason}")
        handle = ModuleHandle(name=name, cls=cls)
        self.modules[name] = handle
        handle.instance = cls(name, self, handle)
        return handle.instance

    def enable_module(self, name: str) -> None:
        """`ceph mgr module enable <name>`; the real mgr would respawn, the harness does not."""
        self.enabled.add(name)

    def instance(self, name: str) -> Any:
        return self.modules[name].instance

    def shutdown(self) -> None:
        """Calls every module's `shutdown()`, newest first, as the mgr does when it stops."""
        for handle in reversed(list(self.modules.values())):
            handle.instance.shutdown()

    # Cluster state.

    def mgr_map(self) -> dict[str, Any]:
        """The parts of the MgrMap that modules read."""
        return {
            "active_name": self.mgr_id,
            "active_gid": 4100,
            "standbys": [
                {"gid": 4101 + n, "name": name} for n, name in enumerate(self.mgr_standbys)
            ],
            "available": True,
            "modules": sorted(self.enabled),
            "always_on_modules": {self.release.name: list(_ALWAYS_ON)},
            "available_modules": [
                self._module_info(name, handle.cls, True, "")
                for name, handle in self.modules.items()
            ]
            + [
                self._module_info(name, cls, False, reason)
                for name, (cls, reason) in self.unrunnable.items()
            ],
        }

    @staticmethod
    def _module_info(name: str, cls: type, can_run: bool, error_string: str) -> dict[str, Any]:
        """One `MgrMap::ModuleInfo`, as the mgr map dumps it."""
        return {
            "name": name,
            "can_run": can_run,
            "error_string": error_string,
            "module_options": {
                option["name"]: dict(option) for option in getattr(cls, "MODULE_OPTIONS", [])
            },
        }

    def module_ls(self) -> dict[str, Any]:
        """`ceph mgr module ls --format json`, as the monitors build it from the mgr map: the
        always-on and enabled modules by name, and every other available module in full, so that
        a module that cannot run shows `can_run` false and its reason as `error_string`."""
        mgr_map = self.mgr_map()
        always_on = mgr_map["always_on_modules"][self.release.name]
        return {
            "always_on_modules": list(always_on),
            "enabled_modules": [name for name in mgr_map["modules"] if name not in always_on],
            "disabled_modules": [
                info
                for info in mgr_map["available_modules"]
                if info["name"] not in mgr_map["modules"] and info["name"] not in always_on
            ],
        }

    def get_state(self, handle: ModuleHandle, name: str) -> Any:
        if name == "mgr_map":
            return self.mgr_map()
        if name in self.state:
            return copy.deepcopy(self.state[name])
        # The real mgr logs an unknown name and returns None.
        self.log(handle.name, f"harness: module requested unknown data '{name}'")
        return None

    def set_cluster_maps(
        self,
        maps: dict[str, Any],
        metadata: dict[tuple[str, str], dict[str, str]],
        mgr_standbys: list[str],
    ) -> None:
        """Replaces what `get()` returns for Ceph's maps, the daemon metadata and the standby
        mgrs, then notifies every module that listens, as ceph-mgr does when maps change and with
        every health digest."""
        self.state.update(copy.deepcopy(maps))
        self.metadata = dict(metadata)
        self.mgr_standbys = list(mgr_standbys)
        for notify_type in ("mon_map", "osd_map", "fs_map", "health"):
            self.notify_all(notify_type)

    def notify_all(self, notify_type: str) -> None:
        """Calls `notify(notify_type, '')` on every loaded module whose NOTIFY_TYPES lists it."""
        for handle in self.modules.values():
            listened = [
                str(getattr(t, "value", t)) for t in getattr(handle.cls, "NOTIFY_TYPES", [])
            ]
            if notify_type in listened:
                handle.instance.notify(notify_type, "")

    def get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        found = self.metadata.get((svc_type, svc_id))
        return dict(found) if found is not None else None

    def get_server(self, hostname: str | None) -> Any:
        """`list_servers()` for `None`: each host named in daemon metadata, with its daemons."""
        servers: dict[str, list[dict[str, str]]] = {}
        for (svc_type, svc_id), metadata in sorted(self.metadata.items()):
            servers.setdefault(metadata.get("hostname", ""), []).append(
                {"type": svc_type, "id": svc_id}
            )
        listed = [
            {"hostname": host, "services": services, "ceph_version": ""}
            for host, services in servers.items()
        ]
        if hostname is None:
            return listed
        return next((server for server in listed if server["hostname"] == hostname), {})

    def get_ceph_option(self, key: str) -> Any:
        return self.ceph_options.get(key)

    def get_foreign_ceph_option(self, entity: str, key: str) -> Any:
        # The real mgr raises KeyError for an option it does not know.
        return self.ceph_options[key]

    # Module options: the monitors' configuration database under `mgr/<module>/`.

    def _options(self, module: str) -> list[dict[str, Any]]:
        handle = self.modules.get(module)
        return list(getattr(handle.cls, "MODULE_OPTIONS", [])) if handle else []

    def _option(self, module: str, key: str) -> dict[str, Any] | None:
        return next((option for option in self._options(module) if option["name"] == key), None)

    def get_module_option(self, module: str, key: str, prefix: str = "") -> Any:
        """The stored value converted to the option's declared type, or `None` when unset."""
        value = None
        if prefix:
            value = self.config.get(f"mgr/{module}/{prefix}/{key}")
        if value is None:
            value = self.config.get(f"mgr/{module}/{key}")
        if value is None:
            return None
        option = self._option(module, key)
        kind = option.get("type", "str") if option else "str"
        if kind in ("int", "uint", "size"):
            return int(value, 0)
        if kind in ("float", "secs", "millisecs"):
            return float(value)
        if kind == "bool":
            return value in ("1", "true", "True", "on", "yes")
        return value

    def _refusal(self, module: str, key: str, value: str) -> str | None:
        """Why the monitors would refuse `value` for the option, or `None` if they accept it."""
        option = self._option(module, key)
        allowed = option.get("enum_allowed") if option else None
        if allowed and value not in allowed:
            return (
                f"error parsing value: '{value}' is not one of the permitted values: "
                f"{', '.join(allowed)}"
            )
        return None

    def config_set(
        self, module: str, key: str, value: str | None, force: bool = False
    ) -> cli.CliResult:
        """`ceph config set mgr mgr/<module>/<key> <value> [--force]` (`None` is `config rm`)."""
        full_key = f"mgr/{module}/{key}"
        if value is None:
            self.config.pop(full_key, None)
            return cli.CliResult(0, "", "")
        refusal = None if force else self._refusal(module, key, value)
        if refusal:
            return cli.CliResult(-errno.EINVAL, "", refusal)
        self.config[full_key] = value
        return cli.CliResult(0, "", "")

    def set_module_option_from_module(self, module: str, key: str, value: str | None) -> None:
        """A module's `set_module_option`: sent to the monitors without `--force`."""
        result = self.config_set(module, key, value)
        if result.retval == 0:
            return
        if self.release.major < 17:
            # Pacific's mgr logs the monitors' answer and carries on.
            self.log(module, f"mon returned {result.retval}: {result.stderr}")
            return
        raise ValueError(result.stderr)

    # Key-value stores.

    def get_store(self, module: str, key: str) -> str | None:
        return self.stores.get(module, {}).get(key)

    def set_store(self, module: str, key: str, value: str | None) -> None:
        store = self.stores.setdefault(module, {})
        if value is None:
            store.pop(key, None)
        else:
            store[key] = value

    def get_store_prefix(self, module: str, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.stores.get(module, {}).items() if k.startswith(prefix)}

    # Logs.

    def log(self, module: str, message: str) -> None:
        self.log_lines.append((module, message))
        # Pytest captures this and shows it next to a failing test.
        print(f"mgr[{module}] {message}", file=sys.stderr)

    # Calls between modules.

    def dispatch_remote(
        self, caller: str, target: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """`MgrModule.remote()`: calls `method` of module `target` on behalf of `caller`."""
        handle = self.modules.get(target)
        if handle is None or handle.instance is None:
            raise ImportError("Module not found")
        if not hasattr(handle.instance, method):
            raise NameError("Method not found")
        pickled_bytes = None
        if self.pickles_remote_calls:
            sent_args, sent_kwargs = pickle.dumps(args), pickle.dumps(kwargs)
            pickled_bytes = len(sent_args) + len(sent_kwargs)
            try:
                args = pickle.loads(sent_args)
            except Exception as error:
                raise RuntimeError(f"Failed to deserialize (pickle.loads) args: {error}") from error
            try:
                kwargs = pickle.loads(sent_kwargs)
            except Exception as error:
                raise RuntimeError(
                    f"Failed to deserialize (pickle.loads) kwargs: {error}"
                ) from error
        try:
            result = getattr(handle.instance, method)(*args, **kwargs)
        except Exception as error:
            raise RuntimeError(
                f"Remote method threw exception: {_python_traceback(error)}"
            ) from error
        if self.pickles_remote_calls:
            try:
                returned = pickle.dumps(result)
            except Exception as error:
                raise RuntimeError(f"Failed to serialize (pickle.dumps) ret: {error}") from error
            pickled_bytes = (pickled_bytes or 0) + len(returned)
            result = pickle.loads(returned)
        self.remote_calls.append(RemoteCall(caller, target, method, pickled_bytes))
        return result

    def send_command(
        self, result: Any, svc_type: str, svc_id: str, command: str, tag: str, inbuf: str
    ) -> None:
        """A module's `send_command` to a mon, OSD or MDS; answered by `mon_command_handlers`."""
        cmd = json.loads(command)
        handler = self.mon_command_handlers.get(cmd.get("prefix", ""))
        if handler is None:
            outcome = (-errno.EINVAL, "", f"the pytest harness has no handler for {cmd!r}")
        else:
            outcome = handler(cmd, inbuf)
        result.complete(*outcome)

    # Commands.

    def command_table(self) -> list[tuple[str, dict[str, Any]]]:
        """Every `(module, COMMANDS entry)`, in load order: what the mgr publishes to clients."""
        return [
            (name, command)
            for name, handle in self.modules.items()
            for command in getattr(handle.cls, "COMMANDS", [])
        ]

    def handle_command(self, module: str, cmd: dict[str, Any], inbuf: str = "") -> cli.CliResult:
        """Runs a parsed command in `module` as ceph-mgr does: `_handle_command(inbuf, cmd)`."""
        try:
            result = self.instance(module)._handle_command(inbuf, cmd)
        except Exception as error:
            # ceph-mgr logs "command handler threw exception" and returns the traceback.
            text = _python_traceback(error)
            self.log(module, f"command handler threw exception: {text}")
            return cli.CliResult(-errno.EINVAL, "", text)
        if not isinstance(result, tuple) or len(result) != 3:
            self.log(module, f"module '{module}' command handler returned wrong type!")
            return cli.CliResult(-errno.EINVAL, "", "")
        retval, stdout, stderr = result
        return cli.CliResult(int(retval), str(stdout), str(stderr))

    def command(self, line: str, inbuf: str | None = None, **extra: Any) -> cli.CliResult:
        """Runs `ceph <line>`: parsed by the release's real client parser, sent to its module.

        `inbuf` is what `-i FILE` would send; `extra` adds or replaces keys of the command dict.
        """
        table = self.command_table()
        cmd, complaint = cli.parse(cli.signatures([command for _, command in table]), line)
        if cmd is None:
            self.log("client", complaint.strip())
            return cli.CliResult(-errno.EINVAL, "", "invalid command")
        cmd.update(extra)
        owner = next(
            (module for module, command in table if _prefix(command) == cmd["prefix"]),
            None,
        )
        if owner is None:
            raise HarnessGap(f"no loaded module registered {cmd['prefix']!r}")
        return self.handle_command(owner, cmd, inbuf or "")
