"""The `ceph` command-line client's part: turning `ceph orch apply rgw foo --placement=2` into the
command dict a mgr module receives, and rendering a result the way the client prints it.

Parsing uses the release's real `ceph_argparse.validate_command` against the descriptors the
loaded modules published in `COMMANDS`, converted to the JSON signatures ceph-mgr hands to the
client. So a command that the real client would reject, or map to other keys, does the same here.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import shlex
from typing import Any, NamedTuple

import ceph_argparse


class CliUsageError(ValueError):
    """The command line uses something the harness's `ceph` client does not model."""


class CliResult(NamedTuple):
    """What a command returned: `(retval, stdout, stderr)`, as ceph-mgr passes it back."""

    retval: int
    stdout: str
    stderr: str

    @property
    def error_line(self) -> str:
        """The line the `ceph` client prints for a negative retval, e.g. `Error EINVAL: msg`."""
        if self.retval >= 0:
            raise ValueError(f"retval {self.retval} is not an error")
        name = errno.errorcode.get(-self.retval, "Unknown")
        return f"Error {name}: {self.stderr}"


# Options the `ceph` client (the `ceph` script) parses itself with argparse before it looks at
# the command's own words. `--format` is honoured: the client adds it to the command dict. The
# others would be taken by the client and never reach the module, so the harness refuses them.
# argparse also accepts any unambiguous abbreviation of a long option, e.g. `--form`.
_CLIENT_LONG_OPTIONS = (
    "--completion", "--help", "--conf", "--in-file", "--out-file", "--setuser", "--setgroup",
    "--id", "--user", "--name", "--cluster", "--admin-daemon", "--status", "--watch",
    "--watch-debug", "--watch-info", "--watch-sec", "--watch-warn", "--watch-error",
    "--watch-channel", "--version", "--verbose", "--concise", "--format", "--connect-timeout",
    "--block", "--period",
)  # fmt: skip
_CLIENT_SHORT_OPTIONS = {
    "-h": "--help", "-c": "--conf", "-i": "--in-file", "-o": "--out-file", "-n": "--name",
    "-s": "--status", "-w": "--watch", "-W": "--watch-channel", "-v": "--version",
    "-f": "--format", "-p": "--period",
}  # fmt: skip


def _client_option(word: str) -> str | None:
    """The `ceph` client option a command-line word selects, if any."""
    option = word.split("=", 1)[0]
    if option in _CLIENT_SHORT_OPTIONS:
        return _CLIENT_SHORT_OPTIONS[option]
    if not option.startswith("--") or len(option) < 3:
        return None
    if option in _CLIENT_LONG_OPTIONS:
        return option
    matches = [long for long in _CLIENT_LONG_OPTIONS if long.startswith(option)]
    return matches[0] if len(matches) == 1 else (option if matches else None)


def descriptor_to_signature(descriptor: str) -> list[Any]:
    """Converts a `COMMANDS` entry's `cmd` string into the JSON signature ceph-mgr publishes.

    Words without `=` are literal prefix words. Other words are comma-separated `key=value`
    pairs describing one argument; `req` and `positional` become booleans.
    """
    signature: list[Any] = []
    for word in descriptor.split():
        if "=" not in word and "," not in word:
            signature.append(word)
            continue
        argument: dict[str, Any] = {}
        for pair in word.split(","):
            key, _, value = pair.partition("=")
            if key in ("req", "positional"):
                argument[key] = value.lower() != "false"
            else:
                argument[key] = value
        signature.append(argument)
    return signature


def signatures(commands: list[dict[str, Any]]) -> dict[str, Any]:
    """The client's parsed command table for the given `COMMANDS` entries."""
    table = {
        f"cmd{index:03}": {
            "sig": descriptor_to_signature(command["cmd"]),
            "help": command.get("desc", ""),
            "module": "mgr",
            "perm": command.get("perm", "r"),
        }
        for index, command in enumerate(commands, start=1)
    }
    return ceph_argparse.parse_json_funcsigs(json.dumps(table), "cli")


def parse(table: dict[str, Any], line: str) -> tuple[dict[str, Any] | None, str]:
    """Parses a command line as the `ceph` client does.

    Returns the command dict (after a JSON round trip, as it travels to the mgr), or `None` and
    the client's complaint when no command matches.
    """
    words = shlex.split(line)
    output_format = None
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        option = _client_option(word)
        if option == "--format":
            if "=" in word:
                output_format = word.split("=", 1)[1]
            elif index + 1 < len(words):
                index += 1
                output_format = words[index]
            else:
                raise CliUsageError(f"{word} needs a value")
        elif option is not None:
            hint = " (pass `-i` input as inbuf=...)" if option == "--in-file" else ""
            raise CliUsageError(
                f"`{word}` is taken by the ceph client as its {option} option "
                f"and never reaches the mgr{hint}"
            )
        else:
            rest.append(word)
        index += 1
    complaint = io.StringIO()
    with contextlib.redirect_stderr(complaint):
        parsed = ceph_argparse.validate_command(table, rest)
    if not parsed:
        return None, complaint.getvalue()
    if output_format is not None:
        parsed["format"] = output_format
    return json.loads(json.dumps(parsed)), ""
