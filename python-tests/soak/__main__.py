"""`python -m soak`: see `soak/__init__.py`. Run from `python-tests/` with the venv's Python;
`cargo xtask soak` does, with the module assembled and `fake-microceph` built."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m soak")
    parser.add_argument("--module-dir", type=Path, required=True)
    parser.add_argument("--fake-bin", type=Path, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--ops", type=int, default=1000, help="module operations in all")
    parser.add_argument("--seed", type=int, default=None, help="replay the given seed")
    parser.add_argument("--threads", type=int, default=4, help="threads sending operations")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"soak: seed {seed} (replay with --seed {seed})", flush=True)
    from bench import ceph_path

    release = ceph_path.use_release()
    from mgr_harness import orch
    from soak.run import Settings, Soak

    orch.add_module_dir(args.module_dir.resolve(), "microceph")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        ops=args.ops, seed=seed, threads=args.threads, work_dir=args.work_dir.resolve()
    )
    soak = Soak(settings, release, args.fake_bin.resolve())
    report = soak.run()
    print(json.dumps({"soak": report}), flush=True)
    failed = report["violations"] > 0
    # A worker that hung cannot be joined; leave without waiting for it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
