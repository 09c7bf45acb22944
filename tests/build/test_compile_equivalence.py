"""The N-Triples compiler writes the same graph as the rdflib compiler it replaced.

The reference is the previous method itself, not a stored copy of its output (the seeds change
while curators work): ``graph/build/compile.py`` as it was at :data:`REFERENCE` (the last commit
that built an rdflib ``Graph``) is read from git and run, against today's reader and time rule, on
the real seeds and on the fixture seeds; both graphs, the ontology included, must be equal term
for term (blank nodes, which only the ontology has, compared after canonicalisation).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest

from graph.build import compile_seeds
from graph.settings import PROJECT_ROOT, Settings
from graph.testing import FIXTURE_SEEDS

REFERENCE = "45dc24e"  # the rdflib compiler, before it wrote N-Triples
MODULE = "graph.build._reference_compile"


@pytest.fixture(scope="module")
def reference():
    """The old compiler as a module of ``graph.build`` (so its relative imports resolve)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: cannot read the reference compiler")
    shown = subprocess.run(["git", "-C", str(PROJECT_ROOT), "show", f"{REFERENCE}:graph/build/compile.py"],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        pytest.skip(f"commit {REFERENCE} is not in this checkout ({shown.stderr.strip()}): a shallow clone?")
    spec = importlib.util.spec_from_loader(MODULE, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "graph.build"
    sys.modules[MODULE] = module
    try:
        exec(compile(shown.stdout, f"{REFERENCE}:graph/build/compile.py", "exec"), module.__dict__)
        yield module
    finally:
        sys.modules.pop(MODULE, None)


def _canonical(nt: bytes) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(nt, ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


@pytest.mark.parametrize("seeds", [Settings().seeds_dir, FIXTURE_SEEDS], ids=["real seeds", "fixture seeds"])
def test_the_ntriples_compiler_writes_what_the_rdflib_one_did(reference, seeds):
    from graph.ontology import load_schema

    compiled = compile_seeds(seeds, locators=False, shacl=False)
    old = reference.compile_dataset(compiled.dataset, load_schema())
    old += load_schema().graph
    ours, theirs = _canonical(compiled.ntriples()), _canonical(old.serialize(format="nt", encoding="utf-8"))
    assert len(ours) > len(compiled.dataset.claims)
    assert ours == theirs, (f"only new: {sorted(map(str, ours - theirs))[:10]}\n"
                            f"only old: {sorted(map(str, theirs - ours))[:10]}")
    assert compiled.disputes == len({frozenset(p) for p in old.subject_objects(reference.CAKG.disputes)})
