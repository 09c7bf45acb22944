"""Benchmark: build time of the seed graph and of a synthetic graph 100x larger.

Run: ``.venv/bin/python bench/bench_build.py [--factor 100] [--repeat 3]``.
Target: the seed build (read, check locators, compile, SHACL, load) under 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_synthetic_seeds  # noqa: E402

from graph.build import build  # noqa: E402
from graph.settings import Settings  # noqa: E402


def timed_build(seeds: Path, locators: bool) -> tuple[float, dict[str, float], int]:
    stages: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(message: str) -> None:
        now = time.perf_counter()
        if ": done in " in message:
            label = message.split(": done in ")[0].split(" (")[0].split(" from ")[0].split(" against ")[0]
            stages[label] = float(message.rsplit(" ", 1)[-1].rstrip("s"))
        last[0] = now

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = build(seeds, Path(tmp) / "data", locators=locators, force=True, progress=progress)
        return time.perf_counter() - t0, stages, result.triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    seeds = Settings().seeds_dir
    runs = [timed_build(seeds, locators=True) for _ in range(args.repeat)]
    seed_time = statistics.median(r[0] for r in runs)
    seed_triples = runs[0][2]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = make_synthetic_seeds(seeds, Path(tmp) / "seeds", args.factor)
        big_time, big_stages, big_triples = timed_build(synthetic, locators=False)

    print(f"{'graph':<28}{'triples':>10}{'build s':>10}   stages (s)")
    print(f"{'seed graph (median of ' + str(args.repeat) + ')':<28}{seed_triples:>10}{seed_time:>10.2f}   "
          + ", ".join(f"{k} {v:.2f}" for k, v in runs[0][1].items()))
    print(f"{'synthetic x' + str(args.factor):<28}{big_triples:>10}{big_time:>10.2f}   "
          + ", ".join(f"{k} {v:.2f}" for k, v in big_stages.items()))
    print(f"\nseed build {seed_time:.2f} s vs target 5 s: {'OK' if seed_time < 5 else 'MISSED'}; "
          f"x{args.factor} graph takes {big_time / seed_time:.0f}x the seed build time "
          f"for {big_triples / seed_triples:.0f}x the triples")


if __name__ == "__main__":
    main()
