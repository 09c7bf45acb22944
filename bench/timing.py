"""The timing loop shared by the benchmarks: warm up, then time a call repeatedly within a budget.

>>> pct([3.0, 1.0, 2.0], 0.5)
2.0
>>> r = timed_runs(lambda: None, n=5, budget=1.0, warmup=1)
>>> r["n"], r["p50"] >= 0, r["p99"] >= r["p50"]
(5, True, True)
"""

from __future__ import annotations

import time


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; NaN when empty."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def latencies(fn, n: int, budget: float, warmup: int = 2, slow_share: float = 5) -> list[float]:
    """Seconds of each of up to ``n`` calls of ``fn()`` within ``budget`` seconds (at least one),
    after up to ``warmup`` untimed calls (cut short when one takes over ``budget / slow_share``)."""
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        if time.perf_counter() - t0 > budget / slow_share:
            break
    lat: list[float] = []
    start = time.perf_counter()
    while len(lat) < n and (time.perf_counter() - start < budget or not lat):
        t0 = time.perf_counter()
        fn()
        lat.append(time.perf_counter() - t0)
    return lat


def summary(lat: list[float]) -> dict:
    """p50/p99 in milliseconds and the count of ``lat`` (seconds)."""
    return {"p50": pct(lat, 0.5) * 1000, "p99": pct(lat, 0.99) * 1000, "n": len(lat)}


def timed_runs(fn, n: int, budget: float, warmup: int = 2) -> dict:
    """p50/p99 (ms) of ``fn()`` over up to ``n`` runs or ``budget`` seconds."""
    return summary(latencies(fn, n, budget, warmup))
