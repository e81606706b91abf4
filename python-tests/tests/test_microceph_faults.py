"""The fault matrix: every MicroCeph fault, through Ceph's orchestrator CLI and the real module,
checked for the same six properties.

For each fault and each verb it hits (apply, rm, restart, a `--refresh` listing):

(a) the command fails with an `OrchestratorError` whose text names what failed, with
    MicroCeph's own text where it sent one;
(b) nothing is claimed that did not happen: every change the text names is in the fake's daemon
    log and state, and the stored specs change only as the module's rules say (an apply stores
    its spec once it got as far as executing; an rm forgets it only when it succeeded);
(c) the command returns within its timeouts plus a generous margin;
(d) the listings keep answering afterwards, showing either what the fake holds (observed again)
    or, while MicroCeph cannot answer, the state observed before the fault, which their
    `last_refresh` dates;
(e) the module's next `serve()` pass raises the health check the fault calls for;
(f) once the fault is gone, the next pass clears it, and a listing and an apply succeed.

The single cases with exact wording for an operator are in `test_microceph_failures.py`; this
file is about checking every property of every fault the same way.
"""

from __future__ import annotations

import datetime
import errno
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mgr_harness.cli import CliResult
from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, after, alive_cluster, placements, restarts
from mgr_harness.orch import OrchHarness

# Every timeout is short, so that a call that waits out its timeouts still ends quickly.
TIMEOUT = 2
# An apply waits at most for an observation, its enables, its disables and a read back.
BOUND = 4 * TIMEOUT + 5.0
SPEC = "apply rgw foo --placement=node1,node2"


@pytest.fixture
def faulty(microceph_on_fake: OrchHarness) -> OrchHarness:
    """`microceph_on_fake` with every MicroCeph timeout set to `TIMEOUT` seconds."""
    for option in ("read_timeout", "write_timeout", "restart_timeout", "probe_timeout"):
        result = microceph_on_fake.mgr.config_set("microceph", option, str(TIMEOUT))
        assert result.retval == 0, result
    return microceph_on_fake


def timed(harness: OrchHarness, line: str) -> CliResult:
    """Runs `line`, checking that it returns within `BOUND` seconds (c)."""
    started = time.monotonic()
    result = harness.orch(line)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"`{line}` took {elapsed:.1f} s, more than its timeouts allow"
    return result


def unreachable(member: str, method: str, path: str) -> str:
    """MicroCeph's text for a request forwarded to a member it cannot reach (Go's dial error)."""
    number = member.removeprefix("node")
    return (
        f'Failed to send request to target "{member}": {method} '
        f'"https://10.0.0.{number}:7443{path}?target={member}": Unable to connect to '
        f'"10.0.0.{number}:7443": dial tcp 10.0.0.{number}:7443: connect: connection refused'
    )


def show_placed_rgws(harness: OrchHarness, fake: FakeMicroCeph, election_epoch: int = 6) -> None:
    """Ceph's maps with an RGW registered wherever the fake places one, as they would be once
    the daemons started, so that the health checks see only what MicroCeph placed; a newer
    `election_epoch` shows restarted mons back."""
    placed = placements(fake.state()).get("rgw", [])
    registered = {"rgw": {host: 5000 + int(host.removeprefix("node")) for host in placed}}
    mgr = harness.mgr
    version = mgr.release.version_string
    mgr.set_cluster_maps(
        *alive_cluster(version, election_epoch=election_epoch, registered=registered)
    )


def serve_pass(harness: OrchHarness) -> dict[str, Any]:
    """One pass of the module's `serve()` loop; the health checks it raised."""
    harness.backend._serve_once()
    return harness.mgr.health_checks.get("microceph", {})


def claimed_changes(text: str) -> list[tuple[str, str, str]]:
    """The `(verb, service, member)` changes a result or failure text claims happened."""
    claims = []
    for part in text.replace("\n", "; ").split("; "):
        part = part.split(": ", 1)[-1] if part.startswith(("changed: ", "rgw.foo: ")) else part
        part = part.removeprefix("changed: ").removeprefix("removed; ")
        words = part.split(" ", 3)
        if (
            len(words) == 4
            and words[0] in ("enabled", "disabled", "restarted")
            and words[2] == "on"
        ):
            claims.extend((words[0], words[1], member) for member in words[3].split(", "))
    return claims


def assert_claims_happened(text: str, log: list[str], state: dict[str, Any]) -> None:
    """(b): every change `text` claims is in the daemon log, and a restart in the restart counts."""
    for verb, service, member in claimed_changes(text):
        assert any(line.startswith(f"{verb} {service} on {member}") for line in log), (
            f"`{text}` claims {verb} {service} on {member}, which the daemon log lacks: {log}"
        )
        if verb == "restarted":
            assert restarts(state).get(member, {}).get(service, 0) >= 1


def daemons_listed(harness: OrchHarness) -> tuple[dict[str, list[str]], list[datetime.datetime]]:
    """What `orch ps` shows of each daemon type, and the `last_refresh` of every row."""
    import orchestrator

    listed = orchestrator.raise_if_exception(harness.backend.list_daemons())
    hosts: dict[str, list[str]] = {}
    for daemon in listed:
        hosts.setdefault(daemon.daemon_type, []).append(daemon.hostname)
    refreshed = [daemon.last_refresh for daemon in listed]
    return {kind: sorted(found) for kind, found in sorted(hosts.items())}, refreshed


def assert_listing_truthful(
    harness: OrchHarness, fake: FakeMicroCeph, answering: bool, before: datetime.datetime
) -> None:
    """(d): a listing answers; it shows what the fake holds when MicroCeph answers reads, else
    only what was observed before the fault, dated so."""
    listed, refreshed = daemons_listed(harness)
    assert listed.pop("osd") == ["node1", "node2", "node3"], "the listing answers"
    if answering:
        expected = {
            kind: sorted(hosts)
            for kind, hosts in placements(fake.state()).items()
            if kind in ("mon", "mgr", "mds", "rgw")
        }
        assert listed == expected, "the listing shows what MicroCeph holds now"
    else:
        for when in refreshed:
            assert when is not None and when <= before, (
                f"a listing observed at {when} while MicroCeph could not be read since {before}"
            )


def fault_on(path: str, action: dict[str, Any], method: str = "GET") -> Callable:
    """`action` on every request to `path` (node2's only, for a write) until healed."""

    def inject(fake: FakeMicroCeph, verb: str) -> None:
        target = None if method == "GET" else "node2"
        fake.add_fault(method=method, path=path, target=target, count=1000, action=action)

    return inject


WRITES = {
    "apply": ("PUT", "/1.0/services/rgw"),
    "rm": ("DELETE", "/1.0/services/rgw"),
    "restart": ("POST", "/1.0/services/restart"),
}


def write_fault(action: dict[str, Any]) -> Callable[[FakeMicroCeph, str], None]:
    """`action` on node2's writes of the verb under test."""

    def inject(fake: FakeMicroCeph, verb: str) -> None:
        method, path = WRITES[verb]
        fault_on(path, action, method)(fake, verb)

    return inject


def read_fault(action: dict[str, Any]) -> Callable[[FakeMicroCeph, str], None]:
    return fault_on("/1.0/services", action)


def halt(fake: FakeMicroCeph, verb: str) -> None:
    fake.halt()


def resume(fake: FakeMicroCeph, binary: Path, state: dict[str, Any]) -> None:
    # MicroCeph keeps its database across a restart; the fake starts afresh, so the state it
    # held is put back.
    fake.resume(binary)
    fake.set_state(state)


def database(value: str) -> Callable[[FakeMicroCeph, str], None]:
    def inject(fake: FakeMicroCeph, verb: str) -> None:
        fake.set_daemon(database=value)

    return inject


def member_down(fake: FakeMicroCeph, verb: str) -> None:
    fake.set_member("node2", status="UNREACHABLE")


def member_up(fake: FakeMicroCeph, binary: Path, state: dict[str, Any]) -> None:
    fake.set_member("node2", status="ONLINE")


def rgw_failing(fake: FakeMicroCeph, verb: str) -> None:
    fake.set_member("node2", failing_services=["rgw"])


def rgw_healed(fake: FakeMicroCeph, binary: Path, state: dict[str, Any]) -> None:
    fake.set_member("node2", failing_services=[])


def database_ready(fake: FakeMicroCeph, binary: Path, state: dict[str, Any]) -> None:
    fake.set_daemon(database="ready")


def clear_faults(fake: FakeMicroCeph, binary: Path, state: dict[str, Any]) -> None:
    fake.control("DELETE", "faults")


@dataclass(frozen=True)
class Case:
    id: str
    verb: str
    inject: Callable[[FakeMicroCeph, str], None]
    heal: Callable[[FakeMicroCeph, Path, dict[str, Any]], None]
    reads_answered: bool
    errno: int
    error: str
    health: frozenset[str]


UNREACHABLE = "MICROCEPH_API_UNREACHABLE"
OFFLINE = "MICROCEPH_MEMBER_OFFLINE"
BELOW = "MICROCEPH_SERVICE_BELOW_SPEC"
VERBS = {"apply": SPEC, "rm": "rm rgw.foo", "restart": "restart mon", "refresh": "ls --refresh"}
SOCKET_MISSING = (
    "microceph socket {socket} does not exist: is the microceph snap installed and its daemon "
    "running? (check `snap services microceph.daemon`)"
)
OBSERVE = "cannot observe the MicroCeph cluster: "
SOCKET = "{socket}"


def observe_cases(
    fault: str,
    inject: Callable[[FakeMicroCeph, str], None],
    heal: Callable[[FakeMicroCeph, Path, dict[str, Any]], None],
    code: int,
    text: str,
    answered: bool = False,
) -> list[Case]:
    """A fault that stops the cluster being observed: every verb fails before changing anything."""
    cases = []
    for verb in VERBS:
        error = OBSERVE + text
        if verb == "refresh":
            error += "; without --refresh, listings show the state observed at {observed}"
        cases.append(
            Case(
                f"{fault}-{verb}",
                verb,
                inject,
                heal,
                answered,
                code,
                error,
                frozenset({UNREACHABLE}),
            )
        )
    return cases


def write_cases(
    fault: str,
    inject: Callable[[FakeMicroCeph, str], None],
    heal: Callable[[FakeMicroCeph, Path, dict[str, Any]], None],
    code: int,
    texts: dict[str, str],
    health: dict[str, frozenset[str]],
) -> list[Case]:
    """A fault on node2's writes: the other members proceed, and node2 is named."""
    changed = {
        "apply": "; changed: enabled rgw on node1",
        "rm": "; changed: disabled rgw on node1",
        # Monitors restart one at a time, so the one after node2 is not tried.
        "restart": "; changed: restarted mon on node1; not attempted: restart mon on node3",
    }
    subject = {"apply": "rgw.foo", "rm": "rgw.foo", "restart": "mon"}
    return [
        Case(
            f"{fault}-{verb}",
            verb,
            inject,
            heal,
            True,
            code,
            f"{subject[verb]}: failed on node2: {text}{changed[verb]}",
            health[verb],
        )
        for verb, text in texts.items()
    ]


CASES = [
    *observe_cases("socket-missing", halt, resume, errno.ENOENT, SOCKET_MISSING),
    *observe_cases(
        "database-not-initialised",
        database("not-initialized"),
        database_ready,
        errno.EAGAIN,
        "Database is not yet initialized",
    ),
    *observe_cases(
        "malformed-read",
        read_fault({"kind": "malformed"}),
        clear_faults,
        errno.EIO,
        'GET /1.0/services: undecodable response (HTTP 200), body starts with "{\\"type\\"…'
        ": body is not valid json: EOF while parsing a string at line 1 column 111",
    ),
    *observe_cases(
        "dropped-read",
        read_fault({"kind": "drop"}),
        clear_faults,
        errno.EIO,
        "GET /1.0/services: request to microceph at {socket} failed: client error "
        "(SendRequest): connection closed before message completed",
    ),
    *observe_cases(
        "slow-read",
        read_fault({"kind": "delay", "ms": 1000 * (TIMEOUT + 3)}),
        clear_faults,
        errno.ETIMEDOUT,
        f"GET /1.0/services timed out after {TIMEOUT}s",
    ),
    *write_cases(
        "member-unreachable",
        member_down,
        member_up,
        errno.EHOSTUNREACH,
        {
            "apply": unreachable("node2", "Put", "/1.0/services/rgw"),
            "rm": unreachable("node2", "Delete", "/1.0/services/rgw"),
            "restart": unreachable("node2", "Post", "/1.0/services/restart"),
        },
        {
            "apply": frozenset({OFFLINE, BELOW}),
            "rm": frozenset({OFFLINE, BELOW}),
            "restart": frozenset({OFFLINE}),
        },
    ),
    *write_cases(
        "http-500",
        write_fault({"kind": "error", "status": 500, "error": "Failed to run: boom"}),
        clear_faults,
        errno.EIO,
        {verb: "Failed to run: boom" for verb in ("apply", "rm", "restart")},
        {"apply": frozenset({BELOW}), "rm": frozenset({BELOW}), "restart": frozenset()},
    ),
    *write_cases(
        "malformed-write",
        write_fault({"kind": "malformed"}),
        clear_faults,
        errno.EIO,
        {
            "apply": "PUT /1.0/services/rgw?target=node2: undecodable response (HTTP 200), body "
            'starts with "{\\"type\\"…: body is not valid json: EOF while parsing a string at '
            "line 1 column 111",
        },
        {"apply": frozenset({BELOW})},
    ),
    *write_cases(
        "dropped-write",
        write_fault({"kind": "drop"}),
        clear_faults,
        errno.EIO,
        {
            verb: f"{method} {path}?target=node2: request to microceph at {SOCKET} failed: "
            "client error (SendRequest): connection closed before message completed"
            for verb, method, path in (
                ("apply", "PUT", "/1.0/services/rgw"),
                ("rm", "DELETE", "/1.0/services/rgw"),
                ("restart", "POST", "/1.0/services/restart"),
            )
        },
        {"apply": frozenset({BELOW}), "rm": frozenset({BELOW}), "restart": frozenset()},
    ),
    *write_cases(
        "async-enable-fails",
        rgw_failing,
        rgw_healed,
        errno.EIO,
        {"apply": 'Failed to send request to target "node2": {failing}'},
        {"apply": frozenset({BELOW})},
    ),
]


def mirror_maps(harness: OrchHarness, fake: FakeMicroCeph) -> None:
    """`show_placed_rgws`, when the fake's process runs."""
    if fake.process is None or fake.process.poll() is None:
        show_placed_rgws(harness, fake)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_fault_fails_clearly_claims_nothing_and_heals(
    faulty: OrchHarness, fake_microceph: FakeMicroCeph, fake_microceph_bin: Path, case: Case
) -> None:
    harness, fake = faulty, fake_microceph
    if case.verb == "rm":
        assert harness.orch(SPEC).retval == 0
    show_placed_rgws(harness, fake)
    assert serve_pass(harness) == {}
    daemons_listed(harness)  # a listing kept from before the fault
    stored = dict(harness.mgr.stores.get("microceph", {}))
    state = fake.state()
    fake.clear_requests()
    fake.control("DELETE", "log")
    before = datetime.datetime.now(datetime.UTC)

    case.inject(fake, case.verb)
    result = timed(harness, VERBS[case.verb])

    # (a) A clear error naming what failed, with MicroCeph's text.
    failing = (
        next(
            (line.split(": ", 1)[1] for line in fake.log() if line.startswith("failed to enable")),
            "",
        )
        if case.id.startswith("async")
        else ""
    )
    expected = (
        case.error.replace("{socket}", fake.socket)
        .replace("{failing}", failing)
        .removesuffix("{observed}")
    )
    name = errno.errorcode[case.errno]
    assert result.retval == -case.errno, result
    assert result.stdout == ""
    # `…` stands for MicroCeph's text that is too long to spell out here (a cut-off body).
    pattern = ".*".join(re.escape(part) for part in f"Error {name}: {expected}".split("…"))
    assert re.match(pattern, result.error_line), result
    assert "Traceback" not in result.stderr

    # (b) Nothing claimed that did not happen; specs stored only as the rules say.
    stores = harness.mgr.stores.get("microceph", {})
    running = fake.process is None or fake.process.poll() is None
    if not case.reads_answered or case.verb == "refresh":
        assert claimed_changes(result.stderr) == []
        assert stores == stored
        if running:
            assert placements(fake.state()) == placements(state)
            assert [r for r in fake.requests() if r["method"] != "GET"] == []
    else:
        assert claimed_changes(result.stderr), "the other members' changes are named"
        assert_claims_happened(result.stderr, fake.log(), fake.state())
        assert not any(member == "node2" for _, _, member in claimed_changes(result.stderr))
        if case.verb == "apply":
            assert placements(fake.state()) == {**GENERATED, "rgw": ["node1"]}
            assert json.loads(stores["spec.rgw.foo"])["placement"] == {"hosts": ["node1", "node2"]}
            bodies = [json.loads(r["body"]) for r in fake.requests() if r["method"] == "PUT"]
            assert bodies and all(body["bool"] is True for body in bodies), (
                "every enable asks MicroCeph to wait for its outcome"
            )
        elif case.verb == "rm":
            assert placements(fake.state()) == {**GENERATED, "rgw": ["node2"]}
            assert stores == stored, "a failed rm keeps the spec, so it can be run again"
        else:
            assert restarts(fake.state()) == {"node1": {"mon": 1}}
            assert stores == stored

    # (d) Listings keep answering, truthfully or dated from before the fault.
    assert_listing_truthful(harness, fake, case.reads_answered and running, before)
    assert timed(harness, "ls").retval == 0

    # (e) The health check the fault calls for.
    mirror_maps(harness, fake)
    health = serve_pass(harness)
    assert set(health) == case.health, health
    if UNREACHABLE in health:
        assert health[UNREACHABLE]["summary"] == f"MicroCeph API at {fake.socket} is unreachable"
    if OFFLINE in health:
        assert health[OFFLINE]["detail"] == ["node2 is UNREACHABLE"]
    if BELOW in health:
        assert health[BELOW]["detail"][0].startswith("rgw.foo: ")

    # (f) Healed, the module answers and finishes the job.
    case.heal(fake, fake_microceph_bin, state)
    assert serve_pass(harness).keys() <= {BELOW}
    if case.verb == "restart":
        after(0.5, lambda: show_placed_rgws(harness, fake, election_epoch=7))
    assert timed(harness, VERBS[case.verb]).retval == 0
    show_placed_rgws(harness, fake)
    assert serve_pass(harness) == {}
    assert timed(harness, "ls").retval == 0
    assert_listing_truthful(harness, fake, True, before)
    assert timed(harness, "apply rbd-mirror --placement=node3").retval == 0
    assert placements(fake.state())["rbd-mirror"] == ["node3"]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)


def test_microceph_restarting_mid_apply(
    faulty: OrchHarness, fake_microceph: FakeMicroCeph, fake_microceph_bin: Path
) -> None:
    """MicroCeph stops while an apply waits for an enable: the enable in flight completes (the
    daemon finishes requests it accepted), the disables after it find the daemon gone."""
    harness, fake = faulty, fake_microceph
    assert harness.orch("apply rgw foo --placement=node1,node2").retval == 0
    fake.control("PUT", "timing", {"enable_duration_ms": 1000})
    show_placed_rgws(harness, fake)
    state = fake.state()
    outcome: list[CliResult] = []
    apply = threading.Thread(
        target=lambda: outcome.append(timed(harness, "apply rgw foo --placement=node3"))
    )
    apply.start()
    wait_for(lambda: fake.control("GET", "concurrency")["writes"]["in_flight"] == 1, "enable")
    # What MicroCeph's database holds once the enable in flight is done.
    state["members"][2]["services"].append("rgw")
    before = datetime.datetime.now(datetime.UTC)
    fake.halt()
    apply.join(timeout=BOUND)
    assert not apply.is_alive()
    (result,) = outcome
    missing = SOCKET_MISSING.replace("{socket}", fake.socket)
    # (a), (b): the enable is reported done, the disables failed with the socket named.
    assert result.retval == -errno.ENOENT, result
    assert result.error_line == (
        f"Error ENOENT: rgw.foo: failed on node1: {missing}; "
        f"failed on node2: {missing}; changed: enabled rgw on node3"
    )
    stores = harness.mgr.stores["microceph"]
    assert json.loads(stores["spec.rgw.foo"])["placement"] == {"hosts": ["node3"]}
    # (d) The listing answers from before the apply, dated so; (e) MicroCeph is unreachable.
    assert_listing_truthful(harness, fake, False, before)
    assert set(serve_pass(harness)) == {UNREACHABLE}
    # (f) MicroCeph is back with what it held: the listing shows the enable, and the apply is
    # finished by running it again.
    resume(fake, fake_microceph_bin, state)
    assert serve_pass(harness).keys() <= {BELOW}
    assert_listing_truthful(harness, fake, True, before)
    assert harness.orch("apply rgw foo --placement=node3") == (
        0,
        "rgw.foo: disabled rgw on node1, node2",
        "",
    )
    show_placed_rgws(harness, fake)
    assert serve_pass(harness) == {}


def test_a_write_slower_than_its_timeout_claims_nothing_and_is_read_again(
    faulty: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    """An enable that outlives the write timeout: its outcome is unknown when the apply gives up,
    so the apply does not claim it, and the next listing observes again instead of answering
    from the read made right after it. (The fake drops a request whose client went away; MicroCeph
    may carry it out, which the listing would then show.)"""
    harness, fake = faulty, fake_microceph
    daemons_listed(harness)
    fake.add_fault(
        method="PUT",
        path="/1.0/services/rgw",
        target="node2",
        action={"kind": "delay", "ms": 1000 * (TIMEOUT + 1)},
    )
    result = timed(harness, SPEC)
    assert result.error_line == (
        f"Error ETIMEDOUT: rgw.foo: failed on node2: PUT /1.0/services/rgw?target=node2 timed out "
        f"after {TIMEOUT}s; changed: enabled rgw on node1"
    )
    # Whatever MicroCeph made of the request it stopped waiting for, once it is done with it the
    # next listing shows it: the apply's read back is not trusted to be the last word.
    wait_for(
        lambda: fake.control("GET", "concurrency")["writes"]["in_flight"] == 0,
        "the write's end",
        timeout=2 * TIMEOUT,
    )
    assert_listing_truthful(harness, fake, True, datetime.datetime.now(datetime.UTC))
    show_placed_rgws(harness, fake)
    late = "node2" in placements(fake.state())["rgw"]
    assert set(serve_pass(harness)) == (set() if late else {BELOW})
    assert timed(harness, SPEC).retval == 0
    show_placed_rgws(harness, fake)
    assert serve_pass(harness) == {}
