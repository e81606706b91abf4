"""Proves the harness: `ceph orch ...` commands run through Ceph's real orchestrator CLI module
and reach a backend through `remote()`, with Ceph's real output text and error numbers.

The backend here, `ProbeBackend`, is test-only: a minimal `Orchestrator` + `MgrModule` subclass
registered under the module name `microceph`. It is not the real microceph module.
"""

from __future__ import annotations

import errno
from typing import Any, ClassVar

import pytest
from ceph.deployment.hostspec import HostSpec
from ceph.deployment.service_spec import ServiceSpec
from mgr_module import MgrModule
from orchestrator import (
    Orchestrator,
    OrchestratorError,
    ServiceDescription,
    handle_orch_error,
)

from mgr_harness import cli
from mgr_harness.fake_mgr import FakeMgr
from mgr_harness.orch import OrchHarness
from mgr_harness.release import Release

try:
    # Tentacle and later: every module declares its own command registry.
    from mgr_module import CLICommandBase
except ImportError:  # pacific and reef: one registry per interpreter
    CLICommandBase = None


class ProbeBackend(Orchestrator, MgrModule):
    """Test-only orchestrator backend: fixed hosts and services, records what it is applied."""

    NOTIFY_TYPES: ClassVar[list[str]] = []
    if CLICommandBase is not None:
        CLICommand = CLICommandBase.make_registry_subtype("ProbeCLICommand")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applied: list[Any] = []

    def available(self) -> tuple[bool, str, dict[str, Any]]:
        return True, "", {}

    @handle_orch_error
    def get_hosts(self) -> list[HostSpec]:
        return [HostSpec("probe-1", addr="10.0.0.1", labels=["mon", "rgw"], status="")]

    @handle_orch_error
    def describe_service(
        self,
        service_type: str | None = None,
        service_name: str | None = None,
        refresh: bool = False,
    ) -> list[ServiceDescription]:
        spec = ServiceSpec.from_json(
            {"service_type": "rgw", "service_id": "foo", "placement": {"count": 2}}
        )
        return [ServiceDescription(spec=spec, size=2, running=1)]

    @handle_orch_error
    def apply(
        self, specs: list[Any], no_overwrite: bool = False, continue_on_error: bool = False
    ) -> list[str]:
        results = []
        for spec in specs:
            if spec.service_id == "refused":
                raise OrchestratorError(f"probe refuses {spec.service_name()}")
            self.applied.append(spec)
            results.append(f"Scheduled {spec.service_name()} update...")
        return results


@pytest.fixture
def probe(make_orch: Any) -> OrchHarness:
    return make_orch(ProbeBackend)


def test_apply_rgw_command_line_becomes_the_cmd_dict_the_client_sends(probe: OrchHarness) -> None:
    table = cli.signatures([command for _, command in probe.mgr.command_table()])
    cmd, complaint = cli.parse(table, 'orch apply rgw foo --placement="2"')
    assert complaint == ""
    assert cmd == {"prefix": "orch apply rgw", "svc_id": "foo", "placement": "2"}


def test_orch_status_reports_the_backend(probe: OrchHarness) -> None:
    assert probe.orch("status") == (0, "Backend: microceph\nAvailable: Yes", "")
    assert probe.orch("status --format json") == (
        0,
        '{"available": true, "backend": "microceph"}',
        "",
    )


def test_orch_host_ls_renders_the_backend_hosts(probe: OrchHarness, ceph_release: Release) -> None:
    # Pacific joins labels with a space, later releases with a comma.
    labels = "mon rgw" if ceph_release.name == "pacific" else "mon,rgw"
    assert probe.orch("host ls") == (
        0,
        f"HOST     ADDR      LABELS   STATUS  \nprobe-1  10.0.0.1  {labels}          \n"
        "1 hosts in cluster",
        "",
    )


def test_orch_ls_renders_the_backend_services(probe: OrchHarness) -> None:
    assert probe.orch("ls") == (
        0,
        "NAME     PORTS  RUNNING  REFRESHED  AGE  PLACEMENT  \n"
        "rgw.foo             1/2  -          -    count:2    ",
        "",
    )


def test_orch_apply_rgw_reaches_the_backend_with_an_rgw_spec(probe: OrchHarness) -> None:
    assert probe.orch('apply rgw foo --placement="2"') == (0, "Scheduled rgw.foo update...", "")
    [spec] = probe.backend.applied
    assert type(spec).__name__ == "RGWSpec"
    assert (spec.service_name(), spec.placement.count) == ("rgw.foo", 2)


def test_orch_apply_from_yaml_input_reaches_the_backend(probe: OrchHarness) -> None:
    spec_yaml = "service_type: rgw\nservice_id: bar\nplacement:\n  hosts:\n    - probe-1\n"
    assert probe.orch("apply", inbuf=spec_yaml) == (0, "Scheduled rgw.bar update...", "")
    [spec] = probe.backend.applied
    assert spec.placement.hosts[0].hostname == "probe-1"


def test_orchestrator_error_is_einval_without_a_traceback(probe: OrchHarness) -> None:
    result = probe.orch("apply rgw refused")
    assert result == (-errno.EINVAL, "", "probe refuses rgw.refused")
    assert result.error_line == "Error EINVAL: probe refuses rgw.refused"


def test_a_method_the_backend_lacks_is_enoent(probe: OrchHarness) -> None:
    result = probe.orch("ps")
    assert result == (-errno.ENOENT, "", "This Orchestrator does not support `orch ps`")
    assert result.error_line == "Error ENOENT: This Orchestrator does not support `orch ps`"


def test_without_a_backend_orch_status_is_enoent(mgr: FakeMgr) -> None:
    mgr.load_module("orchestrator")
    assert mgr.command("orch status") == (
        -errno.ENOENT,
        "",
        "No orchestrator configured (try `ceph orch set backend`)",
    )


def test_orch_set_backend_refuses_microceph_as_each_release_does(
    probe: OrchHarness, ceph_release: Release
) -> None:
    # `orchestrator`'s option only allows cephadm, rook and test_orchestrator.
    retval, stdout, stderr = probe.set_backend_result
    if ceph_release.name == "pacific":
        # Pacific's mgr only logs the monitors' refusal, so the command "succeeds".
        assert (retval, stdout, stderr) == (0, "", "")
    else:
        assert (retval, stdout) == (-errno.EINVAL, "")
        assert stderr.startswith("Traceback (most recent call last):\n")
        assert stderr.endswith(
            "ValueError: error parsing value: 'microceph' is not one of the permitted values: "
            "cephadm, rook, test_orchestrator\n"
        )
    # The harness then stored it as `ceph config set ... --force` would.
    assert probe.mgr.config["mgr/orchestrator/orchestrator"] == "microceph"


def test_remote_calls_are_pickled_on_tentacle_only(
    probe: OrchHarness, ceph_release: Release
) -> None:
    probe.orch("apply rgw foo")
    calls = [call for call in probe.mgr.remote_calls if call.method == "apply"]
    assert [(call.caller, call.target) for call in calls] == [("orchestrator", "microceph")]
    if ceph_release.name == "tentacle":
        assert calls[0].pickled_bytes and calls[0].pickled_bytes > 0
    else:
        assert calls[0].pickled_bytes is None


def test_an_unpicklable_result_fails_on_tentacle_only(
    probe: OrchHarness, ceph_release: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    class LocalHostSpec(HostSpec):
        """Defined inside the test, so pickle cannot find the class again by its name."""

    monkeypatch.setattr(
        probe.backend, "get_hosts", handle_orch_error(lambda: [LocalHostSpec("probe-2")])
    )
    result = probe.orch("host ls --format json")
    if ceph_release.name == "tentacle":
        # remote() raises RuntimeError; `get_hosts` is implemented, so `_oremote` re-raises it
        # and the mgr reports the traceback.
        assert result.retval == -errno.EINVAL
        assert "RuntimeError: Failed to serialize (pickle.dumps) ret" in result.stderr
    else:
        assert result.retval == 0
        assert '"hostname": "probe-2"' in result.stdout


def test_an_unpicklable_available_reads_as_unsupported_on_tentacle(
    probe: OrchHarness, ceph_release: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `available` is hidden from `get_feature_set`, so when remote() fails `_oremote` turns the
    # error into NotImplementedError, which the CLI reports as an unsupported command.
    monkeypatch.setattr(probe.backend, "available", lambda: (True, "", {"probe": lambda: None}))
    result = probe.orch("status")
    if ceph_release.name == "tentacle":
        assert result == (-errno.ENOENT, "", "This Orchestrator does not support `orch status`")
    else:
        assert result == (0, "Backend: microceph\nAvailable: Yes", "")


def test_the_ceph_client_takes_its_own_options(probe: OrchHarness) -> None:
    with pytest.raises(cli.CliUsageError, match="--name"):
        probe.orch("ls --name=x")
    assert probe.orch("no-such-command") == (-errno.EINVAL, "", "invalid command")


def test_a_spec_validation_error_has_a_positive_errno_on_tentacle(
    probe: OrchHarness, ceph_release: Release
) -> None:
    # An MDS service id must not start with a digit. Tentacle's CLI negates an errno that the
    # error already stores as negative, so the command returns +22.
    retval = errno.EINVAL if ceph_release.name == "tentacle" else -errno.EINVAL
    assert probe.orch("apply mds 1fs") == (
        retval,
        "",
        "MDS service id cannot start with a numeric digit",
    )
    assert probe.backend.applied == []


def test_tentacle_refuses_a_module_without_its_own_command_registry(
    mgr: FakeMgr, ceph_release: Release
) -> None:
    class NoRegistry(Orchestrator, MgrModule):
        """A backend written for pacific and reef only: no `CLICommand` class attribute."""

    if ceph_release.name == "tentacle":
        with pytest.raises(AttributeError, match="CLICommand"):
            mgr.load_module("no_registry", NoRegistry)
    else:
        mgr.load_module("no_registry", NoRegistry)
