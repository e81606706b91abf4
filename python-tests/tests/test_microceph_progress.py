"""What a long apply shows while it runs, and what each service remembers afterwards.

A stand-in for Ceph's `progress` module records what the `microceph` module tells it through
`remote()`, as the real one would turn it into `ceph -s` progress events. `orch ls --format yaml`
shows each service's recent events.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml
from mgr_module import MgrModule

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.orch import OrchHarness

try:  # tentacle: each module has its own command registry.
    from mgr_module import CLICommandBase
except ImportError:  # pacific and reef
    CLICommandBase = None


class RecordingProgress(MgrModule):
    """Stands in for Ceph's `progress` module: records `update`, `complete` and `fail`."""

    calls: ClassVar[list[tuple[Any, ...]]] = []
    if CLICommandBase is not None:
        CLICommand = CLICommandBase.make_registry_subtype("RecordingProgressCLICommand")

    def update(
        self,
        ev_id: str,
        ev_msg: str,
        ev_progress: float,
        refs: Any = None,
        add_to_ceph_s: bool = False,
    ) -> None:
        type(self).calls.append(("update", ev_id, ev_msg, ev_progress, add_to_ceph_s))

    def complete(self, ev_id: str) -> None:
        type(self).calls.append(("complete", ev_id))

    def fail(self, ev_id: str, message: str) -> None:
        type(self).calls.append(("fail", ev_id, message))


def recording_progress(harness: OrchHarness) -> list[tuple[Any, ...]]:
    RecordingProgress.calls = []
    harness.mgr.load_module("progress", RecordingProgress)
    return RecordingProgress.calls


def test_a_long_apply_shows_progress_until_it_completes(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    calls = recording_progress(microceph_on_fake)
    fake_microceph.control("PUT", "timing", {"enable_duration_ms": 1500})
    assert microceph_on_fake.orch("apply rgw foo --placement=node1,node2") == (
        0,
        "rgw.foo: enabled rgw on node1, node2",
        "",
    )
    message = "Updating rgw.foo: enable rgw on node1, node2"
    [first, *_] = calls
    assert first[0] == "update"
    event_id = first[1]
    assert event_id.startswith("microceph-apply-") and event_id.endswith("-rgw.foo")
    assert first[2:] == (message, 0.0, True), "shown in `ceph -s` before MicroCeph answers"
    assert calls[-2:] == [("update", event_id, message, 1.0, True), ("complete", event_id)]


def test_a_failed_apply_fails_its_progress_event_with_microcephs_text(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    calls = recording_progress(microceph_on_fake)
    fake_microceph.add_fault(
        method="PUT",
        path="/1.0/services/rgw",
        target="node2",
        action={"kind": "error", "status": 500, "error": "rgw exploded"},
    )
    result = microceph_on_fake.orch("apply rgw foo --placement=node1,node2")
    failure = "rgw.foo: failed on node2: rgw exploded; changed: enabled rgw on node1"
    assert result.error_line == f"Error EIO: {failure}"
    assert calls[-1] == ("fail", calls[0][1], failure)


def test_services_keep_their_recent_events(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    assert microceph_on_fake.orch("apply rgw foo --placement=node1").retval == 0
    fake_microceph.add_fault(
        method="PUT",
        path="/1.0/services/rgw",
        target="node3",
        action={"kind": "error", "status": 500, "error": "rgw exploded"},
    )
    assert microceph_on_fake.orch("apply rgw foo --placement=node1,node3").retval != 0
    retval, stdout, stderr = microceph_on_fake.orch("ls rgw --format yaml")
    assert (retval, stderr) == (0, "")
    [service] = list(yaml.safe_load_all(stdout))
    events = [event.split(" ", 1)[1] for event in service["events"]]
    assert events == [
        'service:rgw.foo [INFO] "rgw.foo: enabled rgw on node1"',
        'service:rgw.foo [ERROR] "rgw.foo: failed on node3: rgw exploded; nothing changed"',
    ]
