"""`python -m bench module ...` measures one module; `python -m bench cluster ...` writes a
cluster description. Run from `python-tests/` with the venv's Python; `cargo xtask bench` does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    commands = parser.add_subparsers(dest="command", required=True)
    module = commands.add_parser("module", help="measure the `microceph` package in a directory")
    module.add_argument("--module-dir", type=Path, required=True)
    module.add_argument("--label", required=True)
    module.add_argument("--socket", type=Path, required=True, help="a running fake's socket")
    module.add_argument("--fake-bin", type=Path, required=True)
    module.add_argument("--work-dir", type=Path, required=True)
    module.add_argument("--members", type=numbers, required=True)
    module.add_argument("--apply-members", type=numbers, required=True)
    module.add_argument("--enable-ms", type=int, required=True)
    module.add_argument("--services", type=int, default=7)
    module.add_argument("--osds", type=int, default=3)
    module.add_argument("--runs", type=int, required=True)
    module.add_argument("--fast-runs", type=int, required=True)
    cluster = commands.add_parser("cluster", help="write the cluster description of a case")
    cluster.add_argument("--fake-bin", type=Path, required=True)
    cluster.add_argument("--members", type=int, required=True)
    cluster.add_argument("--services", type=int, default=7)
    cluster.add_argument("--osds", type=int, default=3)
    cluster.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.command == "cluster":
        from bench.cluster import Shape, describe

        shape = Shape(args.members, args.services, args.osds)
        args.out.write_text(json.dumps(describe(args.fake_bin, shape)))
        return 0
    from bench import ceph_path

    release = ceph_path.use_release()
    from bench import cases
    from mgr_harness import orch
    from mgr_harness.fake_microceph import FakeMicroCeph

    orch.add_module_dir(args.module_dir.resolve(), "microceph")
    settings = cases.Settings(
        label=args.label,
        fake_bin=args.fake_bin,
        work_dir=args.work_dir,
        members=args.members,
        apply_members=args.apply_members,
        enable_ms=args.enable_ms,
        services=args.services,
        osds=args.osds,
        runs=args.runs,
        fast_runs=args.fast_runs,
    )
    errors = cases.run(settings, release, FakeMicroCeph.attach(args.socket))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
