"""Benchmark: build time of the seed graph and of a synthetic graph 100x larger.

Run: ``.venv/bin/python bench/bench_build.py [--factor 100] [--repeat 3]`` (``--factor 20`` gives
about 1 M triples). Targets: the seed build (read, check locators, compile, load, SHACL) under 5 s;
the synthetic build under 30 s and within 3x the floor, a raw N-Triples bulk load of the same
triples into pyoxigraph (issue 13). Peak memory is the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_synthetic_seeds  # noqa: E402

from graph.build import build  # noqa: E402
from graph.settings import Settings  # noqa: E402


def floor_load(store_path: Path, work: Path) -> tuple[float, float]:
    """The floor: the built store's triples as N-Triples, bulk-loaded into a fresh pyoxigraph store
    (wall and CPU seconds of the load alone)."""
    import pyoxigraph as ox

    nt = work / "graph.nt"
    src = ox.Store.read_only(str(store_path))
    src.dump(output=str(nt), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    del src
    t0, c0 = time.perf_counter(), time.process_time()
    store = ox.Store(str(work / "floor-store"))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    return time.perf_counter() - t0, time.process_time() - c0


def timed_build(seeds: Path, locators: bool, floor: bool = False):
    """(wall s, stages (wall and CPU s, as text), triples, floor (wall, CPU) or None, CPU s) of one build."""
    stages: dict[str, float] = {}
    started: dict[str, float] = {}

    def short(label: str) -> str:
        return label.split(" (")[0].split(" from ")[0].split(" against ")[0]

    def progress(message: str) -> None:
        if message.endswith("..."):
            started[short(message[:-3])] = time.process_time()
        elif ": done in " in message:
            label = short(message.split(": done in ")[0])
            wall = float(message.rsplit(" ", 1)[-1].rstrip("s"))
            stages[label] = f"{wall:.2f} (CPU {time.process_time() - started.get(label, time.process_time()):.2f})"

    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        result = build(seeds, Path(tmp) / "data", locators=locators, force=True, progress=progress)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        floor_s = floor_load(Path(result.path), Path(tmp)) if floor else None
        return seconds, stages, result.triples, floor_s, cpu


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
        big_time, big_stages, big_triples, (floor_s, floor_cpu), big_cpu = timed_build(synthetic, locators=False, floor=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{'graph':<28}{'triples':>10}{'build s':>10}   stages (s)")
    print(f"{'seed graph (median of ' + str(args.repeat) + ')':<28}{seed_triples:>10}{seed_time:>10.2f}   "
          + ", ".join(f"{k} {v}" for k, v in runs[0][1].items()))
    print(f"{'synthetic x' + str(args.factor):<28}{big_triples:>10}{big_time:>10.2f}   "
          + ", ".join(f"{k} {v}" for k, v in big_stages.items()))
    print(f"\nseed build {seed_time:.2f} s vs target 5 s: {'OK' if seed_time < 5 else 'MISSED'}; "
          f"x{args.factor} graph takes {big_time / seed_time:.0f}x the seed build time "
          f"for {big_triples / seed_triples:.0f}x the triples")
    ratio = big_time / floor_s
    print(f"x{args.factor} build {big_time:.1f} s vs target < 30 s and <= 3x the N-Triples bulk-load floor "
          f"{floor_s:.1f} s (x{ratio:.1f}): {'OK' if big_time < 30 and ratio <= 3 else 'MISSED'}; "
          f"peak RSS {peak_mb:,.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"CPU time (fairer on a shared machine): build {big_cpu:.1f} s, floor {floor_cpu:.1f} s "
          f"(x{big_cpu / floor_cpu:.1f})")


if __name__ == "__main__":
    main()
