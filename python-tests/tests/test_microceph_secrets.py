"""RGW certificates and private keys never show: not in command output, listings, exported specs,
events, errors or the mgr log, through Ceph's own orchestrator CLI and the real `microceph` module.

The certificate and key are a real self-signed pair made with `openssl` for each test. Every text
an operator can read is searched for each line of their base64 bodies and for the base64 form
MicroCeph receives; the fake's request log proves the key did travel to MicroCeph, so a search
that finds nothing is not a search of texts that never held it.
"""

from __future__ import annotations

import base64
import errno
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, placements, writes
from mgr_harness.orch import OrchHarness


class Pem:
    """A throwaway self-signed certificate and its private key, as PEM texts."""

    def __init__(self, directory: Path) -> None:
        key, certificate = directory / "key.pem", directory / "certificate.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=rgw.test.invalid", "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )  # fmt: skip
        self.key = key.read_text()
        self.certificate = certificate.read_text()

    @property
    def combined(self) -> str:
        """Ceph's convention: one PEM holding the certificate, then its key."""
        return self.certificate + self.key

    def fragments(self) -> list[str]:
        """What must never show: each base64 line of both bodies, and the base64 MicroCeph gets."""
        lines = [
            line
            for pem in (self.key, self.certificate)
            for line in pem.splitlines()
            if line and not line.startswith("-----")
        ]
        sent = [base64.b64encode(pem.encode()).decode()[100:148] for pem in self.pems()]
        return lines + sent

    def pems(self) -> tuple[str, str]:
        return (self.key, self.certificate)


@pytest.fixture
def pem(tmp_path: Path) -> Pem:
    return Pem(tmp_path)


def rgw_spec(pem_text: Any, service_id: str = "secure", hosts: str = "[node2]") -> str:
    """An rgw spec file serving HTTPS with `pem_text` as its certificate field."""
    return (
        f"service_type: rgw\nservice_id: {service_id}\nplacement:\n  hosts: {hosts}\n"
        f"spec:\n  ssl: true\n  rgw_frontend_port: 8443\n"
        f"  rgw_frontend_ssl_certificate: {json.dumps(pem_text)}\n"
    )


def operator_texts(harness: OrchHarness) -> dict[str, str]:
    """Every listing an operator can print, and the mgr's logs, by name."""
    texts = {}
    for line in (
        "ls", "ls --export", "ls --format json", "ls --format yaml", "ls --format json-pretty",
        "ls rgw --export", "ps", "ps --format yaml", "status",
    ):  # fmt: skip
        result = harness.orch(line)
        texts[line] = f"{result.retval}\n{result.stdout}\n{result.stderr}"
    mgr = harness.mgr
    texts["mgr log"] = "\n".join(f"{module}: {line}" for module, line in mgr.log_lines)
    texts["cluster log"] = "\n".join(message for _, _, message in mgr.cluster_log)
    texts["health"] = json.dumps(mgr.health_checks)
    return texts


def leaks(pem: Pem, texts: dict[str, str]) -> list[str]:
    """The names of the texts that hold any fragment of the certificate or key."""
    return [
        name
        for name, text in texts.items()
        if any(fragment in text for fragment in pem.fragments())
    ]


def stored_certificate(harness: OrchHarness) -> str:
    """The certificate field of the rgw spec the module keeps in the mgr store."""
    stored = json.loads(harness.mgr.stores["microceph"]["spec.rgw.secure"])
    return str(stored["spec"]["rgw_frontend_ssl_certificate"])


def sent_private_keys(requests: list[dict[str, Any]]) -> list[str]:
    """The private keys the rgw enables carried to MicroCeph, decoded, in request order."""
    keys = []
    for request in requests:
        if (request["method"], request["path"]) == ("PUT", "/1.0/services/rgw"):
            payload = json.loads(json.loads(request["body"])["payload"])
            keys.append(base64.b64decode(payload["SSLPrivateKey"]).decode())
    return keys


def test_an_applied_certificate_and_key_never_show(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem
) -> None:
    result = microceph_on_fake.orch("apply", inbuf=rgw_spec(pem.combined))
    assert result == (0, "rgw.secure: enabled rgw on node2", "")
    # The key reached MicroCeph, and the module keeps it in its stored spec for later enables.
    assert sent_private_keys(fake_microceph.requests()) == [pem.key]
    assert stored_certificate(microceph_on_fake) == pem.combined

    texts = operator_texts(microceph_on_fake)
    assert leaks(pem, texts) == []
    # What shows instead says how much was left out and where it is.
    placeholder = f"<redacted: {len(pem.combined.encode())}-byte PEM, kept in the mgr store>"
    retval, exported, _ = microceph_on_fake.orch("ls rgw --export")
    assert retval == 0
    assert f"  rgw_frontend_ssl_certificate: '{placeholder}'\n" in exported
    assert "  ssl: true\n" in exported


def test_an_exported_spec_applies_again_with_the_stored_certificate(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem
) -> None:
    assert microceph_on_fake.orch("apply", inbuf=rgw_spec(pem.combined)).retval == 0
    exported = microceph_on_fake.orch("ls rgw --export").stdout
    assert "<redacted: " in exported
    fake_microceph.clear_requests()

    # The operator edits the exported placement and applies it: node3 gets the same key.
    edited = exported.replace("  - node2\n", "  - node2\n  - node3\n")
    assert edited != exported
    result = microceph_on_fake.orch("apply", inbuf=edited)
    assert result == (0, "rgw.secure: enabled rgw on node3", "")
    assert sent_private_keys(fake_microceph.requests()) == [pem.key]
    assert placements(fake_microceph.state()) == {**GENERATED, "rgw": ["node2", "node3"]}
    assert stored_certificate(microceph_on_fake) == pem.combined
    texts = {"apply": "\n".join(map(str, result)), **operator_texts(microceph_on_fake)}
    assert leaks(pem, texts) == []


def test_a_placeholder_without_a_stored_certificate_is_refused_before_any_call(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    fake_microceph.clear_requests()
    spec = rgw_spec("<redacted: 3000-byte PEM, kept in the mgr store>", service_id="copied")
    result = microceph_on_fake.orch("apply", inbuf=spec)
    assert result.error_line == (
        "Error EINVAL: rgw.copied: rgw_frontend_ssl_certificate holds the placeholder that ceph "
        "orch ls shows in place of the certificate and key, and no stored spec of rgw.copied "
        "holds them; put the certificate chain and its private key, both as PEM, in "
        "rgw_frontend_ssl_certificate"
    )
    assert fake_microceph.requests() == []
    assert microceph_on_fake.mgr.stores.get("microceph", {}) == {}


@pytest.mark.parametrize(
    ("what", "message"),
    [
        (
            "key only",
            "rgw_frontend_ssl_certificate holds no CERTIFICATE block: give the certificate chain "
            "and its private key, both as PEM, in that one field",
        ),
        (
            "certificate only",
            "rgw_frontend_ssl_certificate holds a certificate but no private key: append the "
            "private key's PEM block (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----) "
            "to the certificate in rgw_frontend_ssl_certificate, as Ceph expects one PEM holding "
            "both",
        ),
        (
            "key cut short",
            "rgw_frontend_ssl_certificate is not valid PEM: the 'BEGIN PRIVATE KEY' block has no "
            "END line",
        ),
        (
            "two keys",
            "rgw_frontend_ssl_certificate holds 2 private keys; give exactly one, for its "
            "certificate",
        ),
    ],
)
def test_a_refused_certificate_is_named_not_quoted(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem, what: str, message: str
) -> None:
    text = {
        "key only": pem.key,
        "certificate only": pem.certificate,
        "key cut short": pem.certificate + pem.key.rsplit("-----END", 1)[0],
        "two keys": pem.certificate + pem.key + pem.key,
    }[what]
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch("apply", inbuf=rgw_spec(text))
    assert result.error_line == f"Error EINVAL: rgw.secure: {message}"
    assert fake_microceph.requests() == []
    assert leaks(pem, {"error": result.stderr, **operator_texts(microceph_on_fake)}) == []


def test_a_certificate_field_of_the_wrong_type_is_not_echoed(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem
) -> None:
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch("apply", inbuf=rgw_spec({"key": pem.key}))
    assert result.error_line == (
        "Error EINVAL: rgw.secure: spec field 'rgw_frontend_ssl_certificate' must be a string or "
        "a list of strings, got an object"
    )
    assert fake_microceph.requests() == []
    assert leaks(pem, {"error": result.stderr, **operator_texts(microceph_on_fake)}) == []


@pytest.mark.parametrize("quoted", [False, True], ids=["MicroCeph's text", "text quoting the key"])
def test_a_failed_enable_and_its_event_do_not_quote_the_key(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem, quoted: bool
) -> None:
    # MicroCeph's errors name a certificate's problem; should one ever quote what it was sent,
    # the module takes the key and certificate out before any message shows it.
    sent_key = base64.b64encode(pem.key.encode()).decode()
    text = (
        f"failed to load SSL key {sent_key}" if quoted else "illegal base64 data at input byte 76"
    )
    fake_microceph.add_fault(
        method="PUT",
        path="/1.0/services/rgw",
        target="node3",
        action={
            "kind": "error",
            "status": 500,
            "error": f"failed to decode SSL certificate: {text}",
        },
    )
    result = microceph_on_fake.orch("apply", inbuf=rgw_spec(pem.combined, hosts="[node2, node3]"))
    assert result.retval == -errno.EIO
    shown = "failed to load SSL key <redacted>" if quoted else text
    assert result.error_line == (
        f"Error EIO: rgw.secure: failed on node3: failed to decode SSL certificate: {shown}; "
        "changed: enabled rgw on node2"
    )
    assert sorted(writes(fake_microceph.requests())) == [
        "PUT /1.0/services/rgw node2",
        "PUT /1.0/services/rgw node3",
    ]
    texts = operator_texts(microceph_on_fake)
    assert "failed to decode SSL certificate" in texts["ls --format yaml"]
    assert leaks(pem, {"error": result.stderr, **texts}) == []


def test_a_dry_run_shows_no_certificate(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph, pem: Pem
) -> None:
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch("apply --dry-run", inbuf=rgw_spec(pem.combined))
    assert result.retval == 0
    assert "rgw.secure" in result.stdout
    assert writes(fake_microceph.requests()) == []
    texts = {"dry run": "\n".join(map(str, result)), **operator_texts(microceph_on_fake)}
    assert leaks(pem, texts) == []
