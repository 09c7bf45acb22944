"""A synthetic graph N times the size of a seed set, for benchmarks (API and build).

The seeds are read and checked by :mod:`graph.seeds`, copied ``factor`` times (copy *k* renames
every entity ``id`` to ``id-xk`` and its labels and aliases to ``... k``, so names stay unique),
and compiled by :func:`graph.build.compile.compile_dataset` like the real graph, then merged with the
ontology. So the result has the real graph's shape (claims, citations, figures, memberships,
truthy triples, disputes), just more of it. To keep copies from being islands, a share of the
claims (``mix``, 10% by default, chosen by a seeded random generator) point at the same entity
in another copy.

Example (a 3x copy of the test fixture)::

    >>> from graph.testing import FIXTURE_SEEDS
    >>> g1, g3 = synthetic_graph(1, FIXTURE_SEEDS), synthetic_graph(3, FIXTURE_SEEDS)
    >>> 2.5 < (len(g3) - ONTOLOGY_TRIPLES()) / (len(g1) - ONTOLOGY_TRIPLES()) < 3.5
    True
    >>> import tempfile, pyoxigraph as ox
    >>> with tempfile.NamedTemporaryFile(suffix=".nt") as f:
    ...     _ = write_synthetic_ntriples(3, f.name, FIXTURE_SEEDS)
    ...     s = ox.Store(); s.bulk_load(path=f.name, format=ox.RdfFormat.N_TRIPLES)
    >>> len(s) == len(g3)
    True

From the shell: ``python bench/synthetic.py 100 --seeds tests/fixtures/seeds -o /tmp/x100.nt``.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.build.compile import compile_dataset  # noqa: E402
from graph.ontology import load_ontology_graph, load_schema  # noqa: E402
from graph.seeds import Dataset, load_seeds  # noqa: E402
from graph.settings import Settings  # noqa: E402


@lru_cache(maxsize=1)
def ONTOLOGY_TRIPLES() -> int:  # noqa: N802 - a constant, computed once
    return len(load_ontology_graph())


def _copy(data: Dataset, k: int, factor: int, rng: random.Random, mix: float) -> Dataset:
    """Copy ``k`` of ``data``: entities and claims renamed ``-xk`` (copy 0 keeps the original
    names and the sources); a share ``mix`` of the claims points at another copy's entity."""
    def rename(entity_id: str | None, j: int) -> str | None:
        return entity_id if entity_id is None or j == 0 else f"{entity_id}-x{j}"

    out = Dataset(sources=dict(data.sources) if k == 0 else {})
    tag = f" {k}" if k else ""
    for e in data.entities.values():
        out.entities[rename(e.id, k)] = replace(
            e, id=rename(e.id, k), label=e.label + tag, aliases=[(t + tag, lang) for t, lang in e.aliases])
    for c in data.claims.values():
        other = rng.randrange(factor) if factor > 1 and rng.random() < mix else k
        cid = c.id if k == 0 else f"{c.id}-x{k}"
        out.claims[cid] = replace(
            c, id=cid, subject=rename(c.subject, k), object=rename(c.object, other),
            claimed_by=rename(c.claimed_by, k), reported_by=rename(c.reported_by, k),
            scope=[rename(x, k) for x in c.scope],
            disputes=[d if k == 0 else f"{d}-x{k}" for d in c.disputes],
            citations=list(c.citations), qualifiers=list(c.qualifiers))
    return out


def synthetic_dataset(data: Dataset, factor: int, *, mix: float = 0.1, seed: int = 0) -> Dataset:
    """``data`` copied ``factor`` times with renamed entities and claims (copy 0 is the original)."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    rng = random.Random(seed)
    out = Dataset(sources=dict(data.sources))
    for k in range(factor):
        part = _copy(data, k, factor, rng, mix)
        out.entities.update(part.entities)
        out.claims.update(part.claims)
    return out


def synthetic_graph(factor: int, seeds: Path | str | None = None, *, mix: float = 0.1, seed: int = 0) -> Graph:
    """The RDF graph (data + ontology, as ``cakg build`` loads it) of the seeds copied ``factor`` times.

    ``seeds`` defaults to the project's ``seeds/`` (``CAKG_SEEDS_DIR``); locators are not
    re-checked (the copies cite the same lines as the originals). An rdflib graph takes about
    2 kB of memory per triple: for large factors prefer :func:`write_synthetic_ntriples`.
    """
    schema = load_schema()
    data = load_seeds(Path(seeds or Settings().seeds_dir), schema)
    return compile_dataset(synthetic_dataset(data, factor, mix=mix, seed=seed), schema) + load_ontology_graph()


def write_synthetic_ntriples(factor: int, output: Path | str, seeds: Path | str | None = None, *,
                             mix: float = 0.1, seed: int = 0) -> int:
    """Write the same graph as :func:`synthetic_graph` to an N-Triples file, compiling one copy at
    a time (memory stays that of one copy); returns the number of lines written (triples, with
    possible repeats of shared nodes, which a store loads once)."""
    schema = load_schema()
    data = load_seeds(Path(seeds or Settings().seeds_dir), schema)
    rng = random.Random(seed)
    lines = 0
    with open(output, "wb") as fh:
        onto = load_ontology_graph().serialize(format="nt", encoding="utf-8")
        fh.write(onto)
        lines += onto.count(b"\n")
        for k in range(factor):
            chunk = compile_dataset(_copy(data, k, factor, rng, mix), schema).serialize(format="nt", encoding="utf-8")
            fh.write(chunk)
            lines += chunk.count(b"\n")
    return lines


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("factor", type=int)
    parser.add_argument("--seeds", type=Path, default=None)
    parser.add_argument("-o", "--output", type=Path, required=True, help="N-Triples file to write")
    args = parser.parse_args()
    n = write_synthetic_ntriples(args.factor, args.output, args.seeds)
    print(f"wrote {n} triples to {args.output}", file=sys.stderr)
