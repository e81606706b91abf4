"""The ``microceph`` ceph-mgr module: Ceph's orchestrator interface over MicroCeph.

This class only adapts: it turns Ceph's objects into plain data for the Rust
extension (through ``_native_bridge``), turns the answers back into Ceph's
objects (through ``convert``), keeps the applied specs in the mgr key/value
store, hands the extension Ceph's maps when ceph-mgr notifies a change, and
from ``serve()`` refreshes the extension's cached observation and raises the
health checks it works out.
What to change, where, and every message an operator reads are decided in
Rust.  It works unchanged on pacific, reef and tentacle: commands register
through the shim below, and the per-release signatures of ``apply``,
``remove_host`` and ``daemon_action`` are all accepted.
"""

import contextlib
import errno
import json
import threading
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import orchestrator
from mgr_module import HandleCommandResult, MgrModule, Option

try:  # pacific and later name notifications with an enum; older code passes strings.
    from mgr_module import NotifyType
    _NOTIFY_TYPES: List[Any] = [NotifyType.mon_map, NotifyType.osd_map, NotifyType.fs_map,
                                NotifyType.health]
except ImportError:  # pragma: no cover
    _NOTIFY_TYPES = ['mon_map', 'osd_map', 'fs_map', 'health']

from . import _native_bridge as bridge
from . import convert

try:  # tentacle: each module has its own command registry.
    from mgr_module import CLICommandBase
    MicroCephCLICommand: Any = CLICommandBase.make_registry_subtype('MicroCephCLICommand')
    _read_command = MicroCephCLICommand.Read
except ImportError:  # pacific and reef: one registry per interpreter.
    from mgr_module import CLIReadCommand as _read_command
    MicroCephCLICommand = None

handle_orch_error = orchestrator.handle_orch_error

DEFAULT_SOCKET = '/var/snap/microceph/common/state/control.socket'
SPEC_PREFIX = 'spec.'
# Listings kept for answering again while nothing they show changed; one per filter asked for.
KEPT_LISTINGS = 64


class MicroCeph(orchestrator.Orchestrator, MgrModule):
    """The orchestrator backend for MicroCeph clusters."""

    NOTIFY_TYPES = _NOTIFY_TYPES
    if MicroCephCLICommand is not None:
        CLICommand = MicroCephCLICommand

    MODULE_OPTIONS = [
        Option(name='socket_path', type='str', default=DEFAULT_SOCKET, runtime=True,
               desc="path of the MicroCeph daemon's control socket"),
        Option(name='read_timeout', type='secs', default=15, runtime=True,
               desc='seconds a MicroCeph read (listing) may take'),
        Option(name='write_timeout', type='secs', default=130, runtime=True,
               desc='seconds enabling or disabling a service on one host may take'),
        Option(name='restart_timeout', type='secs', default=480, runtime=True,
               desc='seconds restarting services on one host may take'),
        Option(name='probe_timeout', type='secs', default=2, runtime=True,
               desc='seconds the availability check waits for MicroCeph'),
        Option(name='refresh_interval', type='secs', default=60, runtime=True,
               desc='seconds between refreshes of the cached cluster state'),
        Option(name='restart_confirm_timeout', type='secs', default=60, runtime=True,
               desc="seconds Ceph's maps may take to show restarted daemons back"),
        Option(name='max_parallel_hosts', type='int', default=16, min=1, max=1024, runtime=True,
               desc='hosts a refresh, apply, rm or restart acts on at once'),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._listings: Dict[Tuple[Any, ...], Tuple[str, List[Any]]] = {}
        self._service_locks: Dict[str, threading.Lock] = {}
        self._service_locks_guard = threading.Lock()
        # What an earlier instance in this process read of Ceph's maps is not this one's.
        self._read_ceph_maps('all')

    @staticmethod
    def can_run() -> Tuple[bool, str]:
        return bridge.import_status()

    # ---- wiring ------------------------------------------------------------

    def serve(self) -> None:
        while not self._stop.is_set():
            self._serve_once()
            self._wake.wait(float(self._option('refresh_interval')))
            self._wake.clear()

    def _serve_once(self) -> None:
        """One pass of ``serve()``: Ceph's maps read again, the cluster observed, health set."""
        self._read_ceph_maps('all')
        try:
            tick = bridge.serve_tick(self._config(), self._stored_specs(),
                                     float(self._option('probe_timeout')))
            self._log_problems(tick)
            self.set_health_checks(tick['health'])
        except orchestrator.OrchestratorError as e:
            self.log.warning('cannot refresh the MicroCeph cluster state: %s', e)

    def shutdown(self) -> None:
        self._stop.set()
        self._wake.set()

    def config_notify(self) -> None:
        """A changed option, such as ``refresh_interval``, takes effect at once."""
        self._wake.set()

    def notify(self, notify_type: Any, notify_id: str) -> None:
        self._read_ceph_maps(str(getattr(notify_type, 'value', notify_type)))

    @_read_command('microceph status')
    def _status_command(self) -> HandleCommandResult:
        """Show whether MicroCeph answers on the configured socket"""
        available, reason = bridge.probe(self._config(), float(self._option('probe_timeout')))
        if available:
            return HandleCommandResult(stdout=f"MicroCeph answers on {self._option('socket_path')}")
        return HandleCommandResult(retval=-errno.EAGAIN, stderr=reason)

    # ---- queries -----------------------------------------------------------

    def available(self) -> Tuple[bool, str, Dict[str, Any]]:
        available, reason = bridge.available(self._config(), float(self._option('probe_timeout')))
        return available, reason, {}

    @handle_orch_error
    def get_hosts(self) -> List[orchestrator.HostSpec]:
        def build() -> List[orchestrator.HostSpec]:
            listing = bridge.list_hosts(self._config(), False)
            return [convert.host_spec(item) for item in listing['items']]
        return self._kept(('hosts',), '', False, build)

    @handle_orch_error
    def describe_service(self, service_type: Optional[str] = None,
                         service_name: Optional[str] = None,
                         refresh: bool = False) -> List[orchestrator.ServiceDescription]:
        if refresh:
            self._read_ceph_maps('all')
        stored = self._stored_specs()

        def build() -> List[orchestrator.ServiceDescription]:
            listing = bridge.describe_services(self._config(), stored, service_type,
                                               service_name, refresh)
            return [convert.service_description(item, listing['observed_at'])
                    for item in listing['items']]
        return self._kept(('services', service_type, service_name), stored, refresh, build)

    @handle_orch_error
    def list_daemons(self, service_name: Optional[str] = None,
                     daemon_type: Optional[str] = None, daemon_id: Optional[str] = None,
                     host: Optional[str] = None,
                     refresh: bool = False) -> List[orchestrator.DaemonDescription]:
        if refresh:
            self._read_ceph_maps('all')
        stored = self._stored_specs()

        def build() -> List[orchestrator.DaemonDescription]:
            listing = bridge.list_daemons(self._config(), stored, service_name,
                                          daemon_type, daemon_id, host, refresh)
            return [convert.daemon_description(item, listing['observed_at'])
                    for item in listing['items']]
        return self._kept(('daemons', service_name, daemon_type, daemon_id, host), stored,
                          refresh, build)

    @handle_orch_error
    def get_inventory(self, host_filter: Optional[orchestrator.InventoryFilter] = None,
                      refresh: bool = False) -> List[orchestrator.InventoryHost]:
        hosts = list(getattr(host_filter, 'hosts', None) or []) or None
        labels = list(getattr(host_filter, 'labels', None) or []) or None

        def build() -> List[orchestrator.InventoryHost]:
            listing = bridge.inventory(self._config(), hosts, labels, refresh)
            self._log_problems(listing)
            return [convert.inventory_host(item, listing['observed_at'])
                    for item in listing['items']]
        return self._kept(('inventory', tuple(hosts or ()), tuple(labels or ())), '', refresh,
                          build)

    # ---- apply -------------------------------------------------------------

    @handle_orch_error
    def apply(self, specs: Sequence[Any], no_overwrite: bool = False,
              continue_on_error: bool = False) -> List[str]:
        return self._apply(specs, no_overwrite, continue_on_error)

    @handle_orch_error
    def plan(self, specs: Sequence[Any]) -> List[Dict[str, Any]]:
        return bridge.plan(self._config(), [convert.spec_to_json(s) for s in specs],
                           self._stored_specs())

    @handle_orch_error
    def apply_mon(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_mgr(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_mds(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_rgw(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_nfs(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_rbd_mirror(self, spec: Any) -> str:
        return self._apply_one(spec)

    @handle_orch_error
    def apply_cephfs_mirror(self, spec: Any) -> str:
        return self._apply_one(spec)

    # ---- removal and actions -----------------------------------------------

    @handle_orch_error
    def remove_service(self, service_name: str, force: bool = False) -> str:
        with self._serialised([service_name]):
            outcome = bridge.remove(self._config(), service_name, self._stored_specs(), force)
            if outcome['forget']:
                self.set_store(SPEC_PREFIX + outcome['forget'], None)
        return str(outcome['result'])

    @handle_orch_error
    def service_action(self, action: str, service_name: str) -> List[str]:
        return self._confirmed(bridge.service_action(self._config(), action, service_name))

    @handle_orch_error
    def daemon_action(self, action: str, daemon_name: str, image: Optional[str] = None,
                      force: bool = False) -> str:
        return '\n'.join(self._confirmed(bridge.daemon_action(self._config(), action,
                                                               daemon_name)))

    # ---- what MicroCeph does itself ----------------------------------------

    @handle_orch_error
    def add_host(self, host_spec: Any) -> str:
        bridge.refuse('add_host', host_spec.hostname)

    @handle_orch_error
    def remove_host(self, host: str, force: bool = False, offline: bool = False,
                    rm_crush_entry: bool = False) -> str:
        bridge.refuse('remove_host', host)

    @handle_orch_error
    def add_host_label(self, host: str, label: str) -> str:
        bridge.refuse('add_host_label', f"'{label}' on {host}")

    @handle_orch_error
    def remove_host_label(self, host: str, label: str, force: bool = False) -> str:
        bridge.refuse('remove_host_label', f"'{label}' on {host}")

    @handle_orch_error
    def create_osds(self, drive_group: Any, *args: Any, **kwargs: Any) -> str:
        bridge.refuse('create_osds')

    @handle_orch_error
    def apply_drivegroups(self, specs: Sequence[Any], *args: Any, **kwargs: Any) -> List[str]:
        bridge.refuse('apply_drivegroups')

    @handle_orch_error
    def remove_osds(self, osd_ids: List[str], *args: Any, **kwargs: Any) -> str:
        bridge.refuse('remove_osds', ', '.join(f'osd.{osd_id}' for osd_id in osd_ids))

    # ---- helpers -----------------------------------------------------------

    def _apply(self, specs: Sequence[Any], no_overwrite: bool = False,
               continue_on_error: bool = False) -> List[str]:
        data = [convert.spec_to_json(s) for s in specs]
        with self._serialised(str(d.get('service_name') or d['service_type']) for d in data):
            job = bridge.apply_start(self._config(), data, self._stored_specs(), no_overwrite,
                                     continue_on_error)
            while True:
                news = bridge.apply_wait(job, 1.0)
                for event in news['progress']:
                    self._show_progress(event)
                if news['result'] is not None:
                    break
            outcome = bridge.apply_outcome(news['result'])
            for entry in outcome.store:
                self.set_store(SPEC_PREFIX + entry['service_name'], json.dumps(entry['spec']))
        bridge.raise_failure(outcome)
        return list(outcome.results)

    @contextlib.contextmanager
    def _serialised(self, service_names: Iterable[str]) -> Iterator[None]:
        """Holds one lock per service name while a change is planned, made and its spec stored.

        ceph-mgr runs commands on several threads.  Two changes of one service at once would
        both plan from the same observation, so MicroCeph would be asked twice to enable the
        same daemon (its enables are not idempotent), and the spec stored last could be the one
        whose change ran first.  Rust could serialise observe, plan and execute, but the spec is
        stored here after Rust returns, so that lock would leave a window in which a later
        change runs and stores before an earlier one stores: only a lock that spans the store
        keeps what is stored the spec whose placement the cluster shows.  Locks are taken in
        sorted order, so calls over several services never wait on each other crosswise;
        listings and changes of other services never wait on them.  This decides nothing
        about what to change; it only orders calls.
        """
        with self._service_locks_guard:
            locks = [self._service_locks.setdefault(name, threading.Lock())
                     for name in sorted(set(service_names))]
        with contextlib.ExitStack() as held:
            for lock in locks:
                held.enter_context(lock)
            yield

    def _apply_one(self, spec: Any) -> str:
        results = self._apply([spec])
        return results[0] if results else ''

    def _kept(self, key: Tuple[Any, ...], stored: str, refresh: bool,
              build: Callable[[], List[Any]]) -> List[Any]:
        """The listing ``build`` gives, or the one it gave for ``key`` while the backend's token
        says nothing it shows has changed since; the token is taken before building, so a kept
        listing is never older than its token."""
        token = None if refresh else bridge.listing_token(self._config(), stored)
        kept = self._listings.get(key)
        if token is not None and kept is not None and kept[0] == token:
            return list(kept[1])
        built = build()
        if token is not None:
            if key not in self._listings and len(self._listings) >= KEPT_LISTINGS:
                self._listings.clear()
            self._listings[key] = (token, built)
        return list(built)

    def _stored_specs(self) -> str:
        specs = []
        for key, text in (self.get_store_prefix(SPEC_PREFIX) or {}).items():
            try:
                specs.append(json.loads(text))
            except (TypeError, ValueError):  # its text is not logged: it may hold a private key
                self.log.warning('ignoring the unreadable stored spec %s', key)
        return json.dumps(specs)

    def _option(self, name: str) -> Any:
        return self.get_module_option(name)

    def _config(self) -> str:
        return json.dumps({
            'socket': self._option('socket_path'),
            'read_timeout': self._option('read_timeout'),
            'write_timeout': self._option('write_timeout'),
            'restart_timeout': self._option('restart_timeout'),
            'refresh_interval': self._option('refresh_interval'),
            'restart_confirm_timeout': self._option('restart_confirm_timeout'),
            'max_parallel_hosts': self._option('max_parallel_hosts'),
        })

    def _show_progress(self, event: Dict[str, Any]) -> None:
        """Passes one piece of an apply's progress on to Ceph's progress module (``ceph -s``)."""
        try:
            self.remote('progress', 'update', event['id'], event['message'],
                        float(event['fraction']), add_to_ceph_s=True)
            if event['finished'] == 'done':
                self.remote('progress', 'complete', event['id'])
            elif event['finished'] == 'failed':
                self.remote('progress', 'fail', event['id'], event['message'])
        except Exception as e:  # progress is a courtesy; the apply goes on without it
            self.log.debug('cannot show progress %s: %s', event['id'], e)

    def _confirmed(self, answer: Dict[str, Any]) -> List[str]:
        """Reads Ceph's maps again as the extension asks until it settles a restart."""
        while 'pending' in answer:
            time.sleep(float(answer['wait']))
            self._read_parts(list(answer['read']), 'a restart')
            answer = bridge.confirm_restart(answer)
        return list(answer['lines'])

    def _read_ceph_maps(self, trigger: str) -> None:
        """Hands the extension the parts of Ceph's maps it asks for on ``trigger``."""
        try:
            parts = bridge.ceph_map_parts(trigger)
        except orchestrator.OrchestratorError as e:
            self.log.warning('cannot read Ceph\'s maps on %s: %s', trigger, e)
            return
        self._read_parts(parts, trigger)

    def _read_parts(self, parts: List[str], trigger: str) -> None:
        if not parts:
            return
        try:
            maps = {part: (self._daemon_metadata() if part == 'daemon_metadata' else self.get(part))
                    for part in parts}
            bridge.update_ceph_maps(maps)
        except Exception as e:  # notify() and serve() must go on whatever a map holds
            self.log.warning('cannot read Ceph\'s maps on %s: %s', trigger, e)

    def _daemon_metadata(self) -> Dict[str, Dict[str, Any]]:
        metadata: Dict[str, Dict[str, Any]] = {}
        for server in self.list_servers() or []:
            for service in server.get('services', []):
                found = self.get_metadata(service['type'], str(service['id']))
                if found:
                    metadata.setdefault(service['type'], {})[str(service['id'])] = found
        return metadata

    def _log_problems(self, listing: Dict[str, Any]) -> None:
        for problem in listing.get('problems', []):
            self.log.warning('MicroCeph: %s', problem)
