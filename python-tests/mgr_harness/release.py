"""Which Ceph release the test session runs against, and where its extracted Python lives.

`cargo xtask ceph-python` extracts each release's Debian packages into
`${XDG_CACHE_HOME:-$HOME/.cache}/microceph-orch/ceph-python/<release>/` and writes a `stamp`
file there listing the suite and each package's version. `CEPH_RELEASE` picks the release;
`CEPH_PYTHON_ROOT` may point at another extraction (the directory holding `stamp` and `root/`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Ceph's release names by major version, as `MgrModule.lookup_release_name` reports them.
RELEASE_NAMES = {
    15: "octopus",
    16: "pacific",
    17: "quincy",
    18: "reef",
    19: "squid",
    20: "tentacle",
}
SUPPORTED = ("pacific", "reef", "tentacle")


class ReleaseError(RuntimeError):
    """The session's release is not selected, unknown, or not extracted yet."""


@dataclass(frozen=True)
class Release:
    """One extracted Ceph release."""

    name: str
    directory: Path
    suite: str
    packages: dict[str, str]

    @property
    def root(self) -> Path:
        """The directory the Debian packages were extracted into."""
        return self.directory / "root"

    @property
    def mgr_dir(self) -> Path:
        """ceph-mgr's module directory (`mgr_module_path`): `mgr_module.py` and the modules."""
        return self.root / "usr" / "share" / "ceph" / "mgr"

    @property
    def sys_paths(self) -> list[Path]:
        """The directories to put first on `sys.path`, in the order ceph-mgr uses."""
        return [self.mgr_dir, self.root / "usr" / "lib" / "python3" / "dist-packages"]

    @property
    def debian_version(self) -> str:
        """The Debian version of `ceph-mgr`, e.g. `16.2.15+ds-0+deb12u2`."""
        return self.packages["ceph-mgr"]

    @property
    def upstream_version(self) -> str:
        """The upstream Ceph version, e.g. `16.2.15`."""
        version = self.debian_version.split(":", 1)[-1]
        return version.split("+", 1)[0].split("-", 1)[0]

    @property
    def major(self) -> int:
        return int(self.upstream_version.split(".", 1)[0])

    @property
    def version_string(self) -> str:
        """What `ceph version` prints; the harness knows no git commit, so it shows zeros."""
        return f"ceph version {self.upstream_version} ({'0' * 40}) {self.name} (stable)"

    def lookup_name(self, major: int) -> str:
        return RELEASE_NAMES.get(major, "unknown")


def default_cache_dir() -> Path:
    """The cache `cargo xtask ceph-python` fills, following the XDG base directory rules."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "microceph-orch" / "ceph-python"


def read_stamp(path: Path) -> tuple[str, dict[str, str]]:
    """Parses a stamp file: `suite <name>` and `<package> <version>` lines, `#` comments."""
    suite = ""
    packages: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        if key == "suite":
            suite = value.strip()
        else:
            packages[key] = value.strip()
    return suite, packages


def current() -> Release:
    """The release selected by `CEPH_RELEASE`, checked to be extracted."""
    name = os.environ.get("CEPH_RELEASE", "")
    if name not in SUPPORTED:
        raise ReleaseError(
            f"set CEPH_RELEASE to one of {', '.join(SUPPORTED)} (got {name!r}); "
            "`cargo xtask ceph-python --pytest` runs the suite once per release"
        )
    explicit = os.environ.get("CEPH_PYTHON_ROOT", "")
    directory = Path(explicit) if explicit else default_cache_dir() / name
    stamp = directory / "stamp"
    if not stamp.is_file():
        raise ReleaseError(
            f"{stamp} does not exist: run `cargo xtask ceph-python` to fetch Ceph's Python"
        )
    suite, packages = read_stamp(stamp)
    if "ceph-mgr" not in packages:
        raise ReleaseError(f"{stamp} lists no ceph-mgr version")
    return Release(name=name, directory=directory, suite=suite, packages=packages)
