"""One soak run: set-up, a warm-up and a steady phase of operations from several threads with
faults injected between them, convergence with every fault cleared, then the invariants and the
flatness of the process's threads, file descriptors and memory.

Each thread draws its operations and faults from its own generator, seeded from the run's seed
and its index, so a seed replays the same sequences; how the threads interleave, and so which
operation meets which fault, still varies from run to run.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orchestrator
from ceph.deployment.service_spec import ServiceSpec

from mgr_harness import orch
from mgr_harness.fake_mgr import FakeMgr
from mgr_harness.fake_microceph import FakeMicroCeph, FakeMicroCephError
from mgr_harness.microceph import alive_cluster
from mgr_harness.release import Release
from soak import catalogue, checks

MODULE = "microceph"
# Short timeouts, so that faults past them cost seconds, not minutes.
OPTIONS = {
    "read_timeout": "3",
    "write_timeout": "6",
    "restart_timeout": "6",
    "probe_timeout": "1",
    "refresh_interval": "0.5",
    "restart_confirm_timeout": "2",
}
# "Does not hang" guards per operation, generous multiples of the timeouts above: a write may
# wait for another write of the same service, and mon removals go one at a time.
READ_GUARD_S = 4 * 3 + 10
WRITE_GUARD_S = 20 * 6 + 30
# Chance that an operation is preceded by an injected fault.
FAULT_RATE = 0.2
NO_DELAYS = {
    "request_latency_ms": 0,
    "hop_latency_ms": 0,
    "enable_duration_ms": 0,
    "disable_duration_ms": 0,
    "restart_duration_ms": 0,
}
FAKE_DOWN = (FakeMicroCephError, OSError, http.client.HTTPException, ValueError)


@dataclass
class Settings:
    ops: int
    seed: int
    threads: int
    work_dir: Path


class Soak:
    def __init__(self, settings: Settings, release: Release, fake_bin: Path) -> None:
        self.settings = settings
        self.release = release
        self.fake_bin = fake_bin
        self.fake = FakeMicroCeph.start(fake_bin, "--members", str(len(catalogue.MEMBERS)))
        self.mgr = FakeMgr(release, settings.work_dir)
        self.harness = orch.make_orch(self.mgr, MODULE)
        self.mgr.config_set(MODULE, "socket_path", self.fake.socket)
        for key, value in OPTIONS.items():
            result = self.mgr.config_set(MODULE, key, value)
            assert result.retval == 0, result
        self.lock = threading.Lock()
        # Held while the fake's control API is used, so that a daemon restart is never half seen.
        self.fake_lock = threading.RLock()
        self.maps_lock = threading.Lock()
        self.epoch = 6
        self.outcomes: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        # The error lines operations ended with, by command and text.
        self.errors: Counter[str] = Counter()
        self.violations: list[str] = []
        self.slowest: dict[str, float] = {}
        self.in_flight: dict[str, tuple[str, float]] = {}
        self.undo: list[tuple[threading.Timer, Callable[[], None]]] = []
        self.min_mons = len(catalogue.INITIAL["mon"])
        self.stop = threading.Event()
        self.background: list[threading.Thread] = []

    # Reporting.

    def violation(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)
        print(f"soak: VIOLATION: {text}", flush=True)

    # The cluster around the module: Ceph's maps, serve(), a watch on the fake.

    def push_maps(self) -> None:
        """Ceph's maps of what the fake runs now, every daemon alive and newer than before, and
        the notifications ceph-mgr sends with them."""
        try:
            state = self.fake.state()
        except FAKE_DOWN:
            return
        running = checks.placed(state)
        with self.maps_lock:
            self.epoch += 1
            epoch = self.epoch
            mons = running.get("mon") or [catalogue.MEMBERS[0]]
            osds = [(d["osd"], m["name"]) for m in state["members"] for d in m["disks"]]
            rgw = {host: 10 * epoch + n for n, host in enumerate(running.get("rgw", []))}
            maps, metadata, standbys = alive_cluster(
                self.release.version_string,
                election_epoch=epoch,
                osd_up_from=epoch,
                registered={"rgw": rgw},
                members=mons,
                osds=osds,
            )
            for standby in maps["fs_map"]["standbys"]:
                standby["gid"] += 100 * epoch
            self.mgr.set_cluster_maps(maps, metadata, standbys)

    def watch(self) -> None:
        """Checks the fake's state every 50 ms: no duplicates, never too few mons. A problem is
        reported when it appears, not again at every sample while it lasts."""
        seen: set[str] = set()
        while not self.stop.wait(0.05):
            try:
                state = self.fake.state()
            except FAKE_DOWN:
                continue
            mons = len(set(checks.placed(state).get("mon", [])))
            with self.lock:
                self.min_mons = min(self.min_mons, mons)
            problems = set(checks.state_problems(state))
            if problems - seen:
                with self.lock:
                    doing = sorted(line for line, _ in self.in_flight.values())
                for problem in sorted(problems - seen):
                    self.violation(f"during the soak: {problem}; operations in flight: {doing}")
            seen = problems

    def tick_maps(self) -> None:
        while not self.stop.wait(0.25):
            self.push_maps()

    def start_background(self) -> None:
        module = self.harness.backend
        for name, target in (
            ("serve", module.serve),
            ("watch", self.watch),
            ("maps", self.tick_maps),
        ):
            thread = threading.Thread(target=target, name=f"soak-{name}", daemon=True)
            thread.start()
            self.background.append(thread)

    def stop_background(self) -> None:
        self.stop.set()
        self.harness.backend.shutdown()
        for thread in self.background:
            thread.join(timeout=30)
            if thread.is_alive():
                self.violation(f"{thread.name} did not stop within 30 s")

    # Operations.

    def run_op(self, op: catalogue.Op) -> None:
        name = threading.current_thread().name
        started = time.monotonic()
        with self.lock:
            self.in_flight[name] = (op.line or op.kind, started)
        result = None
        try:
            if op.kind == "notify":
                self.push_maps()
            elif op.kind == "serve":
                self.harness.backend.config_notify()
            else:
                result = self.harness.orch(op.line)
        except Exception as error:
            self.violation(f"`{op.line or op.kind}` raised {type(error).__name__}: {error}")
        elapsed = time.monotonic() - started
        guard = WRITE_GUARD_S if op.kind in catalogue.WRITES else READ_GUARD_S
        if elapsed > guard:
            self.violation(f"`{op.line}` took {elapsed:.1f} s, past its {guard} s guard")
        outcome = "ok"
        if result is not None and result.retval != 0:
            outcome = "error"
            with self.lock:
                self.errors[f"{op.line.split(' --')[0]}: {result.stderr[:160]}"] += 1
            if "Traceback" in result.stderr or "Traceback" in result.stdout:
                self.violation(f"`{op.line}` ended in a traceback: {result.stderr[-2000:]}")
            elif not result.stderr.strip():
                self.violation(f"`{op.line}` failed ({result.retval}) without saying why")
        with self.lock:
            self.outcomes[f"{op.kind} {outcome}"] += 1
            self.slowest[op.kind] = max(self.slowest.get(op.kind, 0.0), elapsed)
            del self.in_flight[name]
        # The in-memory mgr keeps every log line; the real one writes them out.
        for kept in (self.mgr.log_lines, self.mgr.cluster_log, self.mgr.remote_calls):
            if len(kept) > 1000:
                kept.clear()

    # Faults.

    def inject(self, rng: random.Random) -> None:
        chaos = catalogue.chaos(rng)
        with self.fake_lock:
            try:
                self._inject(chaos)
            except FAKE_DOWN as error:
                self.violation(f"the fake refused the fault {chaos}: {error}")
                return
        with self.lock:
            self.faults[chaos.kind] += 1

    def _inject(self, chaos: catalogue.Chaos) -> None:
        fake = self.fake
        if chaos.kind == "fault":
            fake.add_fault(**chaos.body)
        elif chaos.kind in ("member", "failing"):
            fake.set_member(chaos.target, **chaos.body)
            undo = {"status": "ONLINE"} if chaos.kind == "member" else {"failing_services": []}
            self.later(chaos.seconds, lambda: fake.set_member(chaos.target, **undo))
        elif chaos.kind in ("database", "not ready", "shutting down"):
            fake.set_daemon(**chaos.body)
            undo = {
                "database": {"database": "ready"},
                "not ready": {"ready": True},
                "shutting down": {"shutting_down": False},
            }[chaos.kind]
            self.later(chaos.seconds, lambda: fake.set_daemon(**undo))
        elif chaos.kind == "timing":
            fake.control("PUT", "timing", chaos.body)
        else:
            self.restart_fake(chaos.seconds)

    def restart_fake(self, pause: float) -> None:
        """MicroCeph's daemon restarting: shutting down (503 to every new request) until the
        requests it is serving are answered, stopped, and started again on the same socket with
        the cluster it had, after `pause` seconds. The cluster is read only once nothing is in
        flight, so that a change MicroCeph answered is never lost, as it is not by MicroCeph."""
        cluster = self.settings.work_dir / "restart-cluster.json"
        self.fake.set_daemon(shutting_down=True)
        deadline = time.monotonic() + WRITE_GUARD_S
        while self.fake.control("GET", "concurrency")["all"]["in_flight"] > 0:
            if time.monotonic() > deadline:
                raise FakeMicroCephError("requests still in flight after the write guard")
            time.sleep(0.01)
        state = self.fake.state()
        for member in state["members"]:
            member.pop("restarts", None)
        cluster.write_text(json.dumps(state))
        self.fake.halt()
        time.sleep(pause)
        self.fake.resume(self.fake_bin, "--cluster", str(cluster))

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        done = threading.Event()

        def undo() -> None:
            if done.is_set():
                return
            done.set()
            with self.fake_lock:
                try:
                    action()
                except FAKE_DOWN:
                    pass

        timer = threading.Timer(seconds, undo)
        timer.daemon = True
        with self.lock:
            self.undo.append((timer, undo))
        timer.start()

    def undo_all(self) -> None:
        """Undoes every transient fault now, so that no timer thread is left."""
        with self.lock:
            pending, self.undo = self.undo, []
        for timer, undo in pending:
            timer.cancel()
            timer.join()
            undo()

    # Phases.

    def phase(self, name: str, ops: int) -> None:
        """`ops` operations spread over the threads, each thread with its own generator."""
        threads = []
        share, rest = divmod(ops, self.settings.threads)
        for index in range(self.settings.threads):
            count = share + (1 if index < rest else 0)
            rng = random.Random(f"{self.settings.seed}-{name}-{index}")
            thread = threading.Thread(
                target=self.worker, args=(rng, count), name=f"soak-{name}-{index}", daemon=True
            )
            thread.start()
            threads.append(thread)
        deadline = time.monotonic() + WRITE_GUARD_S * (ops // self.settings.threads + 10)
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        hung = [thread.name for thread in threads if thread.is_alive()]
        if hung:
            with self.lock:
                doing = dict(self.in_flight)
            self.violation(f"threads hung in the {name} phase: {doing}")
            raise TimeoutError(f"hung threads: {hung}")

    def worker(self, rng: random.Random, count: int) -> None:
        for _ in range(count):
            if rng.random() < FAULT_RATE:
                self.inject(rng)
            self.run_op(catalogue.pick(rng))

    def stored_specs(self) -> dict[str, dict[str, Any]]:
        prefix = "spec."
        return {
            key[len(prefix) :]: json.loads(value)
            for key, value in self.mgr.get_store_prefix(MODULE, prefix).items()
        }

    def converge(self) -> None:
        """Every fault cleared, then each stored spec applied again, as an operator would."""
        self.undo_all()
        with self.fake_lock:
            self.fake.control("DELETE", "faults")
            self.fake.control("PUT", "timing", NO_DELAYS)
            self.fake.set_daemon(database="ready", ready=True, shutting_down=False)
            for member in catalogue.MEMBERS:
                self.fake.set_member(member, status="ONLINE", failing_services=[])
        self.push_maps()
        for name, spec in sorted(self.stored_specs().items()):
            try:
                orchestrator.raise_if_exception(
                    self.harness.backend.apply([ServiceSpec.from_json(spec)])
                )
            except orchestrator.OrchestratorError as error:
                self.violation(f"applying the stored spec {name} again failed: {error}")
        self.push_maps()

    def check(self) -> None:
        """The invariants of a converged cluster, and that the module still answers."""
        stored = self.stored_specs()
        for problem in checks.convergence_problems(self.fake.state(), stored):
            self.violation(f"after convergence: {problem}")
        status = self.harness.orch("status")
        if status != (0, "Backend: microceph\nAvailable: Yes", ""):
            self.violation(f"`orch status` after convergence answered {status}")
        ls = self.harness.orch("ls --format json --refresh")
        ps = self.harness.orch("ps --format json --refresh")
        if ls.retval != 0 or ps.retval != 0:
            self.violation(f"listings fail after convergence: {ls.stderr} {ps.stderr}")
            return
        names = [item["service_name"] for item in json.loads(ls.stdout)]
        daemons = [f"{d['daemon_type']}.{d['daemon_id']}" for d in json.loads(ps.stdout)]
        for what, listed in (("service", names), ("daemon", daemons)):
            twice = sorted({item for item in listed if listed.count(item) > 1})
            if twice:
                self.violation(f"`orch ls`/`orch ps` lists a {what} twice: {twice}")
        missing = sorted(set(stored) - set(names))
        if missing:
            self.violation(f"`orch ls` does not list the stored specs {missing}")

    def settle(self) -> dict[str, int]:
        """The process figures once every thread an operation started has ended."""
        self.undo_all()
        previous = None
        for _ in range(50):
            figures = checks.figures()
            if previous is not None and figures["os_threads"] == previous["os_threads"]:
                return figures
            previous = figures
            time.sleep(0.2)
        return checks.figures()

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        ops = self.settings.ops
        warmup = max(20, ops // 10)
        self.start_background()
        try:
            self.phase("warmup", warmup)
            before = self.settle()
            self.phase("steady", ops - warmup)
            self.converge()
            self.check()
            after = self.settle()
            for problem in checks.flatness_problems(before, after):
                self.violation(f"not flat: {problem}")
        except TimeoutError:
            before = after = checks.figures()
        finally:
            self.stop_background()
            self.mgr.shutdown()
        self.fake.stop()
        return {
            "seed": self.settings.seed,
            "ceph": self.release.name,
            "threads": self.settings.threads,
            "ops": sum(self.outcomes.values()),
            "outcomes": dict(sorted(self.outcomes.items())),
            "faults": sum(self.faults.values()),
            "fault_kinds": dict(sorted(self.faults.items())),
            "violations": len(self.violations),
            "frequent_errors": dict(self.errors.most_common(12)),
            "min_mons": self.min_mons,
            "slowest_s": {kind: round(s, 2) for kind, s in sorted(self.slowest.items())},
            "flatness": {"steady_start": before, "end": after},
            "stored_specs": sorted(self.stored_specs()),
            "elapsed_s": round(time.monotonic() - started, 1),
        }
