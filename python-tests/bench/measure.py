"""Timing with `time.perf_counter_ns` and the JSON line each case prints.

A case line is `{"case", "module", "via", "params", "unit", "median", "p90", "max", "runs",
"socket_calls", "target"}`; `socket_calls` is the most MicroCeph requests one run made, read
from the fake's request log, or absent where it means nothing.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any


def stats(samples_ns: list[int]) -> dict[str, float]:
    """Median, 90th percentile (nearest rank) and maximum, in milliseconds."""
    ordered = sorted(samples_ns)
    count = len(ordered)
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[max(0, math.ceil(0.9 * count) - 1)]
    return {
        "median": round(median / 1e6, 4),
        "p90": round(p90 / 1e6, 4),
        "max": round(ordered[-1] / 1e6, 4),
    }


def repeat(
    action: Callable[[], Any],
    runs: int,
    before: Callable[[], None] | None = None,
    after: Callable[[], int] | None = None,
    budget_s: float | None = None,
) -> tuple[list[int], int | None]:
    """Times `action` `runs` times; `before` and `after` run outside the timing.

    `after` returns the socket calls of that run; the most of any run is returned. With
    `budget_s`, runs stop once that much time went by, after at least five.
    """
    samples: list[int] = []
    calls: int | None = None
    started = time.monotonic()
    for _ in range(runs):
        if before is not None:
            before()
        begin = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - begin)
        if after is not None:
            calls = max(calls or 0, after())
        if budget_s is not None and len(samples) >= 5 and time.monotonic() - started > budget_s:
            break
    return samples, calls


def line(
    case: str,
    module: str,
    via: str,
    params: dict[str, Any],
    samples_ns: list[int],
    socket_calls: int | None,
    target: str,
) -> str:
    record: dict[str, Any] = {
        "case": case,
        "module": module,
        "via": via,
        "params": params,
        "unit": "ms",
        **stats(samples_ns),
        "runs": len(samples_ns),
    }
    if socket_calls is not None:
        record["socket_calls"] = socket_calls
    record["target"] = target
    return json.dumps(record)


def error_line(case: str, module: str, params: dict[str, Any], error: BaseException) -> str:
    """The line of a case that could not be measured: the harness broke, not a target."""
    return json.dumps(
        {
            "case": case,
            "module": module,
            "params": params,
            "error": f"{type(error).__name__}: {error}",
        }
    )
