"""Bad input through Ceph's own orchestrator CLI and the real `microceph` module: service ids and
host names with characters that mean something in a URL, dots, spaces, unicode, control characters
and overlong strings; every malformed placement; spec files with unknown, wrong-typed or missing
fields; RGW certificates that are not what they should be; NFS ids and ports outside MicroCeph's
ranges.

Each is refused with `Error EINVAL` and a message naming the problem, by Ceph where Ceph checks it
first and by the module otherwise, and nothing is written: the fake's request log shows no write,
and no request at all where nothing needs the cluster to tell. Names that are accepted reach
MicroCeph percent-encoded, whatever they hold.
"""

from __future__ import annotations

import errno
import re
from typing import Any, NamedTuple

import pytest

from mgr_harness.fake_microceph import FakeMicroCeph
from mgr_harness.microceph import GENERATED, placements, restarts, writes
from mgr_harness.orch import OrchHarness
from mgr_harness.release import Release

LONG = "a" * 300
MEMBERS_LISTED = "cluster members are: node1, node2, node3"


class Refusal(NamedTuple):
    """One refused input: the command line (and spec file), and what the operator reads.

    `message` is the whole error text, or a `{release: text}` map where Ceph's own wording
    differs. `by_ceph` says Ceph's orchestrator refuses it before calling the module: tentacle's
    then returns a positive EINVAL, which the `ceph` client prints without `Error EINVAL: `.
    `observes` says the module may read the cluster before refusing, because only the cluster can
    tell (an unknown host); every other refusal comes before any request to MicroCeph.
    """

    line: str
    message: str | dict[str, str]
    inbuf: str | None = None
    by_ceph: bool = False
    observes: bool = False


def spec_file(text: str, message: str | dict[str, str], **flags: bool) -> Refusal:
    return Refusal("apply", message, inbuf=text, **flags)


def ceph_host_rule(rule: str, host: str) -> dict[str, str]:
    """Ceph's host name check, which quotes the name from reef on."""
    quoted = f'{rule}. Got "{host}"'
    return {"pacific": rule, "reef": quoted, "tentacle": quoted}


CEPH_ID_RULE = "Service id contains invalid characters, only [a-zA-Z0-9_.-] allowed"
DOTS = "a service id cannot be made of dots only; include a letter, digit, '_' or '-'"
NFS_ID_RULE = (
    r"an NFS cluster id must match MicroCeph's '^[\w][\w.-]{1,61}[\w]$': 3 to 63 letters, "
    "digits, '_', '.' or '-', starting and ending with a letter, digit or '_'"
)
NOT_A_CERTIFICATE = (
    "rgw.foo: rgw_frontend_ssl_certificate holds no CERTIFICATE block: give the certificate "
    "chain and its private key, both as PEM, in that one field"
)


def rgw_ssl_spec(certificate: str) -> str:
    return (
        "service_type: rgw\nservice_id: foo\nplacement:\n  count: 1\n"
        f"spec:\n  ssl: true\n  rgw_frontend_ssl_certificate: {certificate}\n"
    )


REFUSALS: dict[str, Refusal] = {
    # Service ids: Ceph's rule first, then the module's (dots only, length, MicroCeph's NFS rule).
    **{
        f"rgw id {name}": Refusal(f"apply rgw {quoted}", CEPH_ID_RULE, by_ceph=True)
        for name, quoted in [
            ("slash", "a/b"), ("question mark", '"a?b"'), ("hash", '"a#b"'),
            ("percent", "a%2Fb"), ("space", '"a b"'),
        ]
    },
    # The `ceph` client's parser refuses text beyond printable ASCII in a command word.
    "rgw id unicode": Refusal("apply rgw nœud", "invalid command"),
    "rgw id control character": Refusal('apply rgw "a\x07b"', "invalid command"),
    "rgw id dots": Refusal("apply rgw ..", f"rgw...: service id '..' is invalid: {DOTS}"),
    "mds id dots": Refusal("apply mds ..", f"mds...: service id '..' is invalid: {DOTS}"),
    "rgw id overlong": Refusal(
        f"apply rgw {LONG}",
        f"rgw.{LONG}: service id '{LONG}' is invalid: a service id is at most 63 characters "
        "long, this one has 300",
    ),
    "nfs id dots": Refusal("apply nfs ..", f"nfs...: service id '..' is invalid: {NFS_ID_RULE}"),
    "nfs id too short": Refusal(
        "apply nfs ab", f"nfs.ab: service id 'ab' is invalid: {NFS_ID_RULE}"
    ),
    "nfs id overlong": Refusal(
        f"apply nfs {'a' * 64}",
        f"nfs.{'a' * 64}: service id '{'a' * 64}' is invalid: {NFS_ID_RULE}",
    ),
    # Host names: Ceph checks named hosts; what it lets through must be a member.
    **{
        f"host {name}": Refusal(
            f'apply mon "--placement={host}"',
            ceph_host_rule("name component must include only a-z, 0-9, and -", host),
            by_ceph=True,
        )
        for name, host in [("slash", "node/1"), ("hash", "node#1"), ("percent", "node%1")]
    },
    "host dots": Refusal(
        "apply mon --placement=..",
        ceph_host_rule(".-delimited name component must not be empty", ".."),
        by_ceph=True,
    ),
    "host overlong": Refusal(
        f"apply mon --placement={LONG}",
        ceph_host_rule("name is too long (max 250 chars)", LONG),
        by_ceph=True,
    ),
    "host unicode": Refusal("apply mon --placement=nœud1", "invalid command"),
    "host control character": Refusal('apply mon "--placement=node\x1b[31m"', "invalid command"),
    # `?` makes it a host pattern, a space a list of two hosts.
    "host question mark": Refusal(
        'apply mon "--placement=node?1"',
        f"mon: host pattern 'node?1' matches no cluster member; {MEMBERS_LISTED}",
        observes=True,
    ),
    "host space": Refusal(
        'apply mon "--placement=node 1"',
        f"mon: unknown host(s) in placement: 1, node; {MEMBERS_LISTED}",
        observes=True,
    ),
    "host unknown": Refusal(
        "apply mon --placement=node9",
        f"mon: unknown host(s) in placement: node9; {MEMBERS_LISTED}",
        observes=True,
    ),
    # Placements.
    "count zero": Refusal("apply mon --placement=0", "num/count must be >= 1", by_ceph=True),
    "count:0": Refusal("apply mon --placement=count:0", "num/count must be >= 1", by_ceph=True),
    "count negative": Refusal("apply mon --placement=-1", "num/count must be >= 1", by_ceph=True),
    "count not a number": Refusal(
        "apply mon --placement=count:abc",
        "mon: placement 'count:abc' has a count that is not a whole number; give count:N with N "
        "at least 1, such as count:1",
    ),
    "hosts duplicated": Refusal(
        "apply mon --placement=node1,node2,node1",
        "mon: host(s) named more than once in placement: node1; MicroCeph runs one mon per "
        "member, so name each member once",
    ),
    "count with hosts duplicated": Refusal(
        'apply rgw foo "--placement=count:2 node1 node1"',
        "rgw.foo: host(s) named more than once in placement: node1; MicroCeph runs one rgw per "
        "member, so name each member once",
    ),
    "label": Refusal(
        "apply mon --placement=label:mon",
        "mon: placement by label (label:mon) is not supported: MicroCeph has no host labels; "
        "place mon by host names, a count or a host pattern instead",
    ),
    "count as placement text": spec_file(
        "service_type: mon\nplacement:\n  count: three\n",
        "num/count must be a numeric value",
        by_ceph=True,
    ),
    "empty host list": spec_file(
        "service_type: rgw\nservice_id: foo\nplacement:\n  hosts: []\n",
        "rgw.foo: the placement of rgw.foo is empty and it runs on no member; give hosts, a "
        "count or a host pattern",
        observes=True,
    ),
    "empty host name": spec_file(
        "service_type: mon\nplacement:\n  hosts: ['']\n",
        ceph_host_rule(".-delimited name component must not be empty", ""),
        by_ceph=True,
    ),
    # Ceph turns a string where a list belongs into a list of its characters.
    "hosts as a string": spec_file(
        "service_type: mon\nplacement:\n  hosts: node1\n",
        f"mon: unknown host(s) in placement: 1, d, e, n, o; {MEMBERS_LISTED}",
        observes=True,
    ),
    # Spec files.
    "no service_type": spec_file(
        "placement:\n  count: 1\n", 'Spec needs a "service_type" key.', by_ceph=True
    ),
    "not a mapping": spec_file(
        "- a\n- b\n",
        "Service Spec is not an (JSON or YAML) object. got \"['a', 'b']\"",
        by_ceph=True,
    ),
    "unknown field": spec_file(
        "service_type: mon\nplacement:\n  count: 1\nbogus: 1\n",
        {
            "pacific": "ServiceSpec: ServiceSpec.__init__() got an unexpected keyword argument "
            "'bogus'",
            "reef": "ServiceSpec: MONSpec.__init__() got an unexpected keyword argument 'bogus'",
            "tentacle": "ServiceSpec: MONSpec.__init__() got an unexpected keyword argument "
            "'bogus'",
        },
        by_ceph=True,
    ),
    "unknown rgw field": spec_file(
        "service_type: rgw\nservice_id: foo\nspec:\n  bogus: 1\n",
        "ServiceSpec: RGWSpec.__init__() got an unexpected keyword argument 'bogus'",
        by_ceph=True,
    ),
    "unmanaged not a boolean": spec_file(
        "service_type: mon\nunmanaged: 'yes'\n",
        "mon: spec field 'unmanaged' must be true or false, got \"yes\"",
    ),
    "rgw port not a number": spec_file(
        "service_type: rgw\nservice_id: foo\nspec:\n  rgw_frontend_port: eighty\n",
        "rgw.foo: spec field 'rgw_frontend_port' must be a port number from 0 to 65535, got "
        '"eighty"',
    ),
    "rgw port beyond 65535": Refusal(
        "apply rgw foo --placement=node1 --port 70000",
        "rgw.foo: spec field 'rgw_frontend_port' must be a port number from 0 to 65535, got "
        "70000",
    ),
    # RGW certificates (cut-short, keyless and certificate-less PEM: test_microceph_secrets.py).
    "certificate not PEM": spec_file(rgw_ssl_spec("not a certificate"), NOT_A_CERTIFICATE),
    "certificate a number": spec_file(
        rgw_ssl_spec("42"),
        "rgw.foo: spec field 'rgw_frontend_ssl_certificate' must be a string or a list of "
        "strings, got a number",
    ),
    # NFS ports: MicroCeph takes 1 to 49151.
    "nfs port above 49151": Refusal(
        "apply nfs east --placement=node1 --port 49152",
        "nfs.east: nfs port 49152 is out of range: MicroCeph accepts 1 to 49151",
    ),
    "nfs port beyond 65535": Refusal(
        "apply nfs east --placement=node1 --port 70000",
        "nfs.east: spec field 'port' must be a port number from 0 to 65535, got 70000",
    ),
    "nfs port negative": Refusal(
        "apply nfs east --placement=node1 --port -1",
        "nfs.east: spec field 'port' must be a port number from 0 to 65535, got -1",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_bad_input_is_einval_naming_the_problem_and_writes_nothing(
    microceph_on_fake: OrchHarness,
    fake_microceph: FakeMicroCeph,
    ceph_release: Release,
    case: str,
) -> None:
    refusal = REFUSALS[case]
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch(refusal.line, inbuf=refusal.inbuf)
    message = refusal.message
    if isinstance(message, dict):
        message = message[ceph_release.name]
    if refusal.by_ceph and ceph_release.name == "tentacle":
        assert result == (errno.EINVAL, "", message)
    else:
        assert result == (-errno.EINVAL, "", message)
        assert result.error_line == f"Error EINVAL: {message}"
    requests = fake_microceph.requests()
    assert writes(requests) == []
    if not refusal.observes:
        assert requests == []
    assert placements(fake_microceph.state()) == GENERATED
    assert microceph_on_fake.mgr.stores.get("microceph", {}) == {}


def test_a_zero_port_is_dropped_by_ceph_and_the_default_port_used(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    """Ceph's spec leaves a port of 0 out of the JSON it hands over, on the command line and in
    a spec file alike, so the module never sees it and MicroCeph's default port is used; the
    module's own refusal of port 0 serves the `microceph-orch` command."""
    spec = "service_type: nfs\nservice_id: east\nplacement:\n  hosts: [node1]\nspec:\n  port: 0\n"
    assert microceph_on_fake.orch("apply", inbuf=spec) == (0, "nfs.east: enabled nfs on node1", "")
    assert placements(fake_microceph.state())["nfs.east"] == ["node1 0.0.0.0:2049"]


def test_an_unknown_service_type_in_a_spec_file_fails_inside_ceph_before_the_module(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    """Ceph's `ServiceSpec` asserts the type is one it knows, and its orchestrator lets the
    `AssertionError` out as a traceback on every release; the module is never called."""
    fake_microceph.clear_requests()
    result = microceph_on_fake.orch("apply", inbuf="service_type: bogus\n")
    assert result.retval == -errno.EINVAL
    assert result.stderr.endswith("AssertionError: bogus\n")
    assert fake_microceph.requests() == []
    assert microceph_on_fake.mgr.stores.get("microceph", {}) == {}


# Member names that would break a URL if any reached one unencoded.
ODD_MEMBERS = {"node2": "nœud-2", "node3": "a?b#c%d e/f&target=node1"}
# What a percent-encoded path and query may hold.
ENCODED_PATH = re.compile(r"[A-Za-z0-9\-._~/%]*")
ENCODED_QUERY = re.compile(r"(target=[A-Za-z0-9\-._~%]*)?")


def rename_members(fake_microceph: FakeMicroCeph, names: dict[str, str]) -> None:
    cluster = fake_microceph.state()
    for member in cluster["members"]:
        member["name"] = names.get(member["name"], member["name"])
    fake_microceph.set_state(cluster)


def assert_encoded(requests: list[dict[str, Any]]) -> set[str]:
    """Checks every request's path and query are percent-encoded; returns the targets."""
    for request in requests:
        assert ENCODED_PATH.fullmatch(request["path"]), request
        assert ENCODED_QUERY.fullmatch(request["query"] or ""), request
    return {request["target"] for request in requests if request["target"]}


def test_odd_member_names_reach_microceph_percent_encoded(
    microceph_on_fake: OrchHarness, fake_microceph: FakeMicroCeph
) -> None:
    rename_members(fake_microceph, ODD_MEMBERS)
    odd = set(ODD_MEMBERS.values())
    fake_microceph.clear_requests()

    # Placements that select members without naming them: a pattern, then a count.
    assert microceph_on_fake.orch("apply rgw foo --placement=*") == (
        0,
        "rgw.foo: enabled rgw on a?b#c%d e/f&target=node1, node1, nœud-2",
        "",
    )
    assert placements(fake_microceph.state())["rgw"] == ["node1", *ODD_MEMBERS.values()]
    assert microceph_on_fake.orch("apply rbd-mirror --placement=3").retval == 0
    # Ceph's maps are not told of the restarts here, so each waits one second, then says so.
    assert microceph_on_fake.mgr.config_set("microceph", "restart_confirm_timeout", "1").retval == 0
    assert microceph_on_fake.orch("restart rgw.foo").retval == -errno.ETIMEDOUT
    odd_rgw = f"rgw.{ODD_MEMBERS['node3']}"
    assert microceph_on_fake.orch(f'daemon restart "{odd_rgw}"').retval == -errno.ETIMEDOUT
    assert restarts(fake_microceph.state()) == {
        "node1": {"rgw": 1},
        ODD_MEMBERS["node2"]: {"rgw": 1},
        ODD_MEMBERS["node3"]: {"rgw": 2},
    }
    assert microceph_on_fake.orch("rm rgw.foo").retval == 0
    assert "rgw" not in placements(fake_microceph.state())

    requests = fake_microceph.requests()
    assert odd <= assert_encoded(requests)
    # The query-looking member name stayed one target: node1 was never asked to disable rgw twice.
    assert writes(requests).count("DELETE /1.0/services/rgw -") == 0
    assert sorted(w for w in writes(requests) if w.startswith("DELETE")) == [
        "DELETE /1.0/services/rgw a?b#c%d e/f&target=node1",
        "DELETE /1.0/services/rgw node1",
        "DELETE /1.0/services/rgw nœud-2",
    ]
