#!/usr/bin/env python3
"""Refresh tests/fixtures/w3c/ from the W3C SPARQL test suites (https://github.com/w3c/rdf-tests).

Copies, at the pinned commit, the manifest of every suite that holds syntax tests (SPARQL 1.0
``syntax-sparql1..5``; SPARQL 1.1 ``syntax-query``, ``syntax-fed``, ``syntax-update-1/2`` and the
syntax entries of ``aggregates``, ``construct``, ``grouping``, ``delete-insert``) and the query or
update file of each syntax test in it (evaluation tests' data and results are left out), plus the
suite's licence files. The copy is committed, so tests need nothing from here; run this only to
move the pin::

    python3 scripts/vendor_w3c_tests.py                       # clones github.com/w3c/rdf-tests
    python3 scripts/vendor_w3c_tests.py --git-dir /path/to/rdf-tests/.git --commit <sha>

Needs git and rdflib (the project's venv has it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

COMMIT = "ad541a5f0479f0798608c4801369d97b8e08b36f"  # w3c/rdf-tests main, 2026-08-07
REPO = "https://github.com/w3c/rdf-tests"
SUITES = [f"sparql/sparql10/syntax-sparql{i}" for i in range(1, 6)] + [
    f"sparql/sparql11/{d}" for d in ("syntax-query", "syntax-fed", "syntax-update-1", "syntax-update-2",
                                     "aggregates", "construct", "grouping", "delete-insert")]
LICENCES = ["LICENSE.md", "sparql/sparql10/LICENSE"]
DEST = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"


def show(git_dir: str, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True,
                          capture_output=True, timeout=120).stdout


def syntax_actions(manifest: bytes, base: str) -> list[str]:
    """The file names (relative to the manifest) of the syntax tests' actions."""
    from rdflib import RDF, Graph, URIRef

    g = Graph().parse(data=manifest, format="turtle", publicID=base)
    names = []
    for test, kind in g.subject_objects(RDF.type):
        if str(kind).startswith(MF) and "SyntaxTest" in str(kind):
            action = g.value(test, URIRef(MF + "action"))
            names.append(str(action).removeprefix(base))
    return sorted(set(names))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--git-dir", help="an existing clone's git directory (default: a fresh blobless clone)")
    ap.add_argument("--commit", default=COMMIT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        git_dir = args.git_dir
        if git_dir is None:
            subprocess.run(["git", "clone", "--quiet", "--bare", "--filter=blob:none", REPO, f"{tmp}/rdf-tests.git"],
                           check=True, timeout=600)
            git_dir = f"{tmp}/rdf-tests.git"
        files = 0
        for suite in SUITES:
            manifest = show(git_dir, args.commit, f"{suite}/manifest.ttl")
            target = DEST / suite.removeprefix("sparql/")
            target.mkdir(parents=True, exist_ok=True)
            for old in target.iterdir():
                old.unlink()
            (target / "manifest.ttl").write_bytes(manifest)
            for name in syntax_actions(manifest, f"http://w3c-tests.invalid/{suite}/"):
                (target / name).write_bytes(show(git_dir, args.commit, f"{suite}/{name}"))
                files += 1
        for path in LICENCES:
            (DEST / path.removeprefix("sparql/").replace("/", "-")).write_bytes(show(git_dir, args.commit, path))
        (DEST / "COMMIT").write_text(f"{REPO} {args.commit}\n")
    print(f"vendor_w3c_tests: {len(SUITES)} manifests and {files} query/update files from {REPO}@{args.commit[:12]} "
          f"into {DEST}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
