"""The cases measured through a mgr module: `apply`, the four listings from a warm cache, a
device inventory refresh, and `available()` with MicroCeph answering and hanging.

"Backend" cases call the module's `Orchestrator` method as Ceph's orchestrator CLI does through
`remote()` (in process, so tentacle's pickling is left out) and unwrap its `OrchResult`: that is
the module's own work. "cli" cases run the whole `ceph orch ...` command as the harness parses,
dispatches and formats it. Every run starts from the same fake state, set through the fake's
control API outside the timing, and the fake's request log counts the MicroCeph calls of a run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orchestrator

from bench import measure
from bench.cluster import Shape, alive_maps, describe
from mgr_harness import orch
from mgr_harness.fake_mgr import FakeMgr
from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.release import Release

MODULE = "microceph"
# Every timing knob of the fake, so each case starts from its own and nothing carries over.
NO_DELAYS = {
    "request_latency_ms": 0,
    "hop_latency_ms": 0,
    "enable_duration_ms": 0,
    "disable_duration_ms": 0,
    "restart_duration_ms": 0,
}
# The latency of one proxied hop in the refresh cases.
HOP_LATENCY_MS = 2
# The size the listing targets name.
TARGET_MEMBERS = 256
# How long a case of fast runs may go on before it stops with the runs it has (at least five).
FAST_BUDGET_S = 5.0

TARGETS = {
    "apply": "wall time within 1.3 x enable duration for up to 16 members "
    "(sequential would be members x duration)",
    "listing": "median under 2 ms inside the module at 256 members with 10 daemons each; "
    "0 socket calls from a fresh cache",
    "rebuilt": "no target: the first listing after Ceph's maps or the cluster changed, "
    "built anew from the cache",
    "refresh": "under 100 ms at 256 members with 2 ms per proxied hop; "
    "one call per cluster-wide list plus one per member",
    "available": "median under 1 ms",
    "available hung": "returns within the probe timeout when MicroCeph hangs",
}

# Listing cases: (case, backend method, `ceph orch` command).
LISTINGS = (
    ("ls", "describe_service", "ls"),
    ("ps", "list_daemons", "ps"),
    ("host ls", "get_hosts", "host ls"),
    ("device ls", "get_inventory", "device ls"),
)


@dataclass
class Settings:
    """What one module's run measures, as `cargo xtask bench` passes it."""

    label: str
    fake_bin: Path
    work_dir: Path
    members: list[int]
    apply_members: list[int]
    enable_ms: int
    services: int
    osds: int
    runs: int
    fast_runs: int


class Bench:
    """One module loaded into the in-memory ceph-mgr with Ceph's orchestrator, over one fake."""

    def __init__(self, settings: Settings, release: Release, fake: FakeMicroCeph) -> None:
        self.settings = settings
        self.release = release
        self.fake = fake
        self.mgr = FakeMgr(release, settings.work_dir)
        self.harness = orch.make_orch(self.mgr, MODULE)
        self.aliases = 0
        self.point_at(fake.socket)
        self.errors = 0

    @property
    def backend(self) -> Any:
        return self.harness.backend

    def point_at(self, socket: str) -> None:
        """Sets `socket_path`, as an operator would; a module without that option ignores it."""
        self.mgr.config_set(MODULE, "socket_path", socket)

    def reset(self, cluster: dict[str, Any], **timing: int) -> None:
        """The fake's cluster, timing, faults and logs as a case starts from."""
        self.fake.set_state(cluster)
        self.fake.control("PUT", "timing", {**NO_DELAYS, **timing})
        self.fake.control("DELETE", "faults")
        self.fake.control("DELETE", "log")
        self.fake.clear_requests()

    def socket_calls(self) -> int:
        """The MicroCeph requests since the last call, forgetting them."""
        count = len(self.fake.requests())
        self.fake.clear_requests()
        return count

    def emit(self, text: str) -> None:
        print(text, flush=True)

    def case(self, name: str, params: dict[str, Any], body: Callable[[], str]) -> None:
        """Runs one case; an exception becomes an error line, and the run goes on."""
        try:
            self.emit(body())
        except Exception as error:
            self.fail(name, params, error)

    def fail(self, name: str, params: dict[str, Any], error: BaseException) -> None:
        self.errors += 1
        self.emit(measure.error_line(name, self.settings.label, params, error))

    def line(self, case: str, via: str, params: dict[str, Any], result: Any, target: str) -> str:
        samples, calls = result
        return measure.line(case, self.settings.label, via, params, samples, calls, target)


def run(settings: Settings, release: Release, fake: FakeMicroCeph) -> int:
    """Every case, one JSON line each on stdout; returns how many cases failed to run."""
    bench = Bench(settings, release, fake)
    try:
        for members in settings.apply_members:
            apply_case(bench, members)
        cli_members = max((m for m in settings.members if m <= TARGET_MEMBERS), default=None)
        for members in settings.members:
            listing_cases(bench, members, with_cli=members == cli_members)
        available_cases(bench)
    finally:
        bench.mgr.shutdown()
    return bench.errors


def checked(result: Any) -> Any:
    """The value of an `OrchResult`; its error is raised as the CLI would report it."""
    return orchestrator.raise_if_exception(result)


def cli(bench: Bench, command: str) -> Callable[[], None]:
    def action() -> None:
        result = bench.harness.orch(command)
        if result.retval != 0:
            raise RuntimeError(f"`ceph orch {command}` returned {result.retval}: {result.stderr}")

    return action


def apply_case(bench: Bench, members: int) -> None:
    """`ceph orch apply rgw bench --placement=N` on N members that run no RGW yet, each enable
    taking the enable duration; timed until the command returns its final result."""
    enable_ms = bench.settings.enable_ms
    params = {"members": members, "service": "rgw", "enable_duration_ms": enable_ms}
    cluster = describe(bench.settings.fake_bin, Shape(members, 3, 1))

    def placed_everywhere() -> int:
        calls = bench.socket_calls()
        state = bench.fake.state()
        placed = [m["name"] for m in state["members"] if "rgw" in m["services"]]
        if len(placed) != members:
            raise RuntimeError(f"apply returned with rgw on {len(placed)} of {members} members")
        return calls

    def body() -> str:
        result = measure.repeat(
            cli(bench, f"apply rgw bench --placement={members}"),
            bench.settings.runs,
            before=lambda: bench.reset(cluster, enable_duration_ms=enable_ms),
            after=placed_everywhere,
        )
        record = json.loads(bench.line("apply", "cli", params, result, TARGETS["apply"]))
        record["ratio_to_enable_duration"] = round(record["median"] / enable_ms, 3)
        return json.dumps(record)

    bench.case("apply", params, body)


def listing_cases(bench: Bench, members: int, with_cli: bool) -> None:
    """The four listings from a warm cache, then `device ls --refresh` with a hop latency."""
    settings = bench.settings
    shape = Shape(members, settings.services, settings.osds)
    params: dict[str, Any] = shape.params()
    try:
        cluster = describe(settings.fake_bin, shape)
        bench.reset(cluster)
        bench.mgr.set_cluster_maps(*alive_maps(cluster, bench.release.version_string))
        # Warm the cache the way `serve()` would: one refreshed observation, every listing once.
        checked(bench.backend.describe_service(refresh=True))
        for _, method, _ in LISTINGS:
            checked(getattr(bench.backend, method)())
        bench.socket_calls()
    except Exception as error:
        bench.fail("ls", params, error)
        return
    for case, method, command in LISTINGS:
        bench.case(
            case,
            params,
            lambda method=method, case=case: bench.line(
                case,
                "backend",
                params,
                measure.repeat(
                    lambda: checked(getattr(bench.backend, method)()),
                    settings.fast_runs,
                    after=bench.socket_calls,
                    budget_s=FAST_BUDGET_S,
                ),
                TARGETS["listing"],
            ),
        )
        if with_cli:
            bench.case(
                case,
                params,
                lambda command=command, case=case: bench.line(
                    case,
                    "cli",
                    params,
                    measure.repeat(
                        cli(bench, command),
                        settings.fast_runs,
                        after=bench.socket_calls,
                        budget_s=FAST_BUDGET_S,
                    ),
                    TARGETS["listing"],
                ),
            )
    # Maps that differ only in the election epoch: pushing one then the other makes every
    # listing be built anew, as after any change, without asking MicroCeph.
    epochs = [
        alive_maps(cluster, bench.release.version_string, election_epoch=epoch) for epoch in (6, 8)
    ]
    pushes = iter(range(1 << 30))

    def change_maps() -> None:
        bench.mgr.set_cluster_maps(*epochs[next(pushes) % 2])

    for case, method, _ in LISTINGS:
        bench.case(
            f"{case} rebuilt",
            params,
            lambda method=method, case=case: bench.line(
                f"{case} rebuilt",
                "backend",
                params,
                measure.repeat(
                    lambda: checked(getattr(bench.backend, method)()),
                    settings.runs,
                    before=change_maps,
                    after=bench.socket_calls,
                    budget_s=FAST_BUDGET_S,
                ),
                TARGETS["rebuilt"],
            ),
        )
    refresh_params = {**params, "hop_latency_ms": HOP_LATENCY_MS}

    def refresh() -> str:
        bench.fake.control("PUT", "timing", {**NO_DELAYS, "hop_latency_ms": HOP_LATENCY_MS})
        bench.socket_calls()
        result = measure.repeat(
            lambda: checked(bench.backend.get_inventory(refresh=True)),
            settings.runs,
            after=bench.socket_calls,
        )
        return bench.line(
            "device ls --refresh", "backend", refresh_params, result, TARGETS["refresh"]
        )

    bench.case("device ls --refresh", refresh_params, refresh)


def available_cases(bench: Bench) -> None:
    """`available()` with MicroCeph answering, then with every probe hanging past the timeout."""
    settings = bench.settings
    params = {"members": 3}
    cluster = describe(settings.fake_bin, Shape(3, 3, 1))

    def answering() -> str:
        bench.reset(cluster)
        bench.point_at(bench.fake.socket)
        _check_available(bench.backend.available(), True)
        bench.socket_calls()
        result = measure.repeat(
            lambda: _check_available(bench.backend.available(), True),
            settings.fast_runs * 10,
            after=bench.socket_calls,
            budget_s=FAST_BUDGET_S,
        )
        return bench.line("available", "backend", params, result, TARGETS["available"])

    bench.case("available", params, answering)
    timeout = float(bench.mgr.get_module_option(MODULE, "probe_timeout") or 2.0)
    delay_ms = int(timeout * 1000) + 3000
    hung_params = {"members": 3, "probe_timeout_s": timeout, "delay_ms": delay_ms}

    def hung() -> str:
        bench.reset(cluster)

        def before() -> None:
            # A socket path the module has never probed, so it must probe now.
            bench.aliases += 1
            alias = settings.work_dir / f"alias-{bench.aliases}.socket"
            os.symlink(bench.fake.socket, alias)
            bench.point_at(str(alias))
            bench.fake.add_fault(path="/core/1.0", action={"kind": "delay", "ms": delay_ms})

        def after() -> int:
            bench.fake.control("DELETE", "faults")
            return bench.socket_calls()

        try:
            result = measure.repeat(
                lambda: _check_available(bench.backend.available(), False),
                min(settings.runs, 3),
                before=before,
                after=after,
            )
        finally:
            bench.point_at(bench.fake.socket)
        return bench.line(
            "available hung", "backend", hung_params, result, TARGETS["available hung"]
        )

    bench.case("available hung", hung_params, hung)


def _check_available(answer: Any, expected: bool) -> None:
    if bool(answer[0]) != expected:
        raise RuntimeError(f"available() answered {answer!r}, expected {expected}")
