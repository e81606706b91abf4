"""A running `fake-microceph` binary, for tests of the real `microceph` module.

`FakeMicroCeph.start()` runs `fake-microceph serve --socket PATH` (the binary named by
`FAKE_MICROCEPH_BIN`, which `cargo xtask ci` builds), waits until its socket answers and returns
a handle. The handle speaks the fake's control API (`/fake/1.0/...`, see
`crates/fake-microceph/README.md`) over the same unix socket with nothing but the standard
library, and stops the process with SIGTERM.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any


class FakeMicroCephError(RuntimeError):
    """The fake could not be started, or its control API refused a request."""


def binary_from_env(variable: str = "FAKE_MICROCEPH_BIN") -> Path:
    """The `fake-microceph` executable named by `variable`."""
    value = os.environ.get(variable, "")
    if not value:
        raise FakeMicroCephError(
            f"{variable} is not set: point it at the fake-microceph binary "
            "(`cargo build --release -p fake-microceph --bin fake-microceph` builds "
            "target/release/fake-microceph; `cargo xtask ci` sets it)"
        )
    path = Path(value).resolve()
    if not path.is_file() or not os.access(path, os.X_OK):
        raise FakeMicroCephError(f"{variable}={value}: no executable file there")
    return path


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a unix socket; the host name only fills the `Host` header."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("fake-microceph", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class FakeMicroCeph:
    """One `fake-microceph serve` process and its control API."""

    def __init__(self, process: subprocess.Popen[bytes] | None, directory: Path, log: Path) -> None:
        self.process = process
        self.directory = directory
        self.log_path = log
        self.socket = str(directory / "control.socket")

    @classmethod
    def attach(cls, socket_path: Path) -> FakeMicroCeph:
        """A handle on a fake that something else started, serving `<dir>/control.socket`.

        `stop` and `halt` leave such a fake and its directory alone.
        """
        if socket_path.name != "control.socket":
            raise FakeMicroCephError(f"{socket_path}: the socket must be named control.socket")
        directory = socket_path.parent
        return cls(None, directory, directory / "stderr.log")

    @classmethod
    def start(cls, binary: Path, *args: str, timeout: float = 10.0) -> FakeMicroCeph:
        """Starts `binary serve --socket <new socket> *args` and waits until it answers.

        The socket lives in a fresh short directory: a unix socket path must stay under 108
        bytes, which pytest's per-test directories can exceed.
        """
        directory = Path(tempfile.mkdtemp(prefix="fake-mc-"))
        log = directory / "stderr.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [str(binary), "serve", "--socket", str(directory / "control.socket"), *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        fake = cls(process, directory, log)
        try:
            fake._wait_until_answering(timeout)
        except BaseException:
            fake.stop()
            raise
        return fake

    def _wait_until_answering(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise FakeMicroCephError(
                    f"fake-microceph exited with status {self.process.returncode}: "
                    f"{self.log_path.read_text(errors='replace').strip()}"
                )
            try:
                self.control("GET", "daemon")
                return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise FakeMicroCephError(f"fake-microceph did not answer within {timeout} s")
            time.sleep(0.005)

    def request(
        self, method: str, path: str, body: Any = None, timeout: float = 10.0
    ) -> tuple[int, Any]:
        """Sends one request to the socket; returns the HTTP status and the decoded envelope.

        `body` is sent as JSON unless it is already `str` or `bytes`.
        """
        if body is not None and not isinstance(body, str | bytes):
            body = json.dumps(body)
        connection = _UnixHTTPConnection(self.socket, timeout)
        try:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return response.status, json.loads(data)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls the control API and returns the envelope's `metadata`.

        `path` is relative to `/fake/1.0/` unless it starts with `/`. A non-2xx answer raises
        `FakeMicroCephError` with the fake's error text.
        """
        full = path if path.startswith("/") else f"/fake/1.0/{path}"
        status, envelope = self.request(method, full, body)
        if not 200 <= status < 300:
            raise FakeMicroCephError(f"{method} {full} answered {status}: {envelope['error']}")
        return envelope["metadata"]

    # The control API's common requests.

    def state(self) -> dict[str, Any]:
        """The emulated cluster, in the cluster description format."""
        return self.control("GET", "state")

    def set_state(self, cluster: dict[str, Any]) -> None:
        """Replaces the whole emulated cluster."""
        self.control("PUT", "state", cluster)

    def requests(self) -> list[dict[str, Any]]:
        """Every MicroCeph request received so far, oldest first."""
        return self.control("GET", "requests")

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def set_member(self, name: str, **update: Any) -> None:
        """`PUT /fake/1.0/members/<name>`: `status=...`, `failing_services=[...]`."""
        self.control("PUT", f"members/{name}", update)

    def set_daemon(self, **switches: Any) -> dict[str, Any]:
        """`PUT /fake/1.0/daemon`: `database=...`, `ready=...`, `shutting_down=...`."""
        return self.control("PUT", "daemon", switches)

    def add_fault(self, **fault: Any) -> int:
        """`POST /fake/1.0/faults`; returns the fault's id."""
        return self.control("POST", "faults", fault)["id"]

    def log(self) -> list[str]:
        """The daemon log lines, oldest first."""
        return self.control("GET", "log")

    def stop(self) -> None:
        """SIGTERM, then waits; a fake that hangs is killed. The socket directory is removed."""
        if self.process is None:
            return
        self.halt()
        shutil.rmtree(self.directory, ignore_errors=True)

    def halt(self) -> None:
        """Stops the process as MicroCeph's daemon stopping would, keeping its directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def resume(self, binary: Path, *args: str, timeout: float = 10.0) -> None:
        """Starts the fake again on the same socket after `halt`, with its default cluster unless
        `args` (such as `--cluster FILE`) say otherwise."""
        with self.log_path.open("ab") as stderr:
            self.process = subprocess.Popen(
                [str(binary), "serve", "--socket", self.socket, *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self._wait_until_answering(timeout)
