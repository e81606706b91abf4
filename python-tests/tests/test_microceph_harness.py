"""Checks of the `fake_microceph` fixture and its handle, which the tests of the real module use."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgr_harness import fake_microceph
from mgr_harness.fake_microceph import FakeMicroCeph, FakeMicroCephError
from mgr_harness.microceph import GENERATED, placements


def test_the_binary_comes_from_fake_microceph_bin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAKE_MICROCEPH_BIN", raising=False)
    with pytest.raises(FakeMicroCephError, match="FAKE_MICROCEPH_BIN is not set"):
        fake_microceph.binary_from_env()
    not_executable = tmp_path / "fake-microceph"
    not_executable.write_text("")
    monkeypatch.setenv("FAKE_MICROCEPH_BIN", str(not_executable))
    with pytest.raises(FakeMicroCephError, match="no executable file there"):
        fake_microceph.binary_from_env()


def test_the_fake_serves_the_generated_cluster_and_its_control_api(
    fake_microceph: FakeMicroCeph,
) -> None:
    assert fake_microceph.process.poll() is None
    assert placements(fake_microceph.state()) == GENERATED
    assert fake_microceph.control("GET", "daemon") == {
        "database": "ready",
        "ready": True,
        "shutting_down": False,
    }
    # MicroCeph's own API answers on the same socket, and only it is recorded.
    status, envelope = fake_microceph.request("GET", "/core/1.0/cluster")
    assert (status, [member["name"] for member in envelope["metadata"]]) == (
        200,
        ["node1", "node2", "node3"],
    )
    assert [(entry["method"], entry["path"]) for entry in fake_microceph.requests()] == [
        ("GET", "/core/1.0/cluster")
    ]
    with pytest.raises(FakeMicroCephError, match=r"PUT /fake/1\.0/members/node9 answered 404"):
        fake_microceph.set_member("node9", status="UNREACHABLE")


def test_stopping_the_fake_ends_it_and_removes_its_socket(fake_microceph_bin: Path) -> None:
    fake = FakeMicroCeph.start(fake_microceph_bin, "--members", "1")
    assert [member["name"] for member in fake.state()["members"]] == ["node1"]
    fake.stop()
    assert fake.process.returncode == 0
    assert not fake.directory.exists()


def test_a_fake_that_cannot_start_says_why(fake_microceph_bin: Path) -> None:
    with pytest.raises(FakeMicroCephError, match=r"exited with status 2: .*--members"):
        FakeMicroCeph.start(fake_microceph_bin, "--members", "0")
