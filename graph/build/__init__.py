"""Building the graph: checked seeds -> RDF -> SHACL -> a new store, swapped in atomically.

* :mod:`graph.build.compile`   a checked dataset as N-Triples text (claim nodes, citations, truthy triples, ORG memberships), streamed into the store
* :mod:`graph.build.shacl_sparql`  the SHACL shapes as SPARQL queries over the staging store (what the build runs)
* :mod:`graph.build.shacl`     pyshacl, the reference the SPARQL validator is tested against; violations mapped back to seed file and line
* :mod:`graph.build.pipeline`  :func:`compile_seeds` and :func:`build`: fingerprint, lock, load, atomic swap
"""

from .pipeline import BuildFailed, BuildResult, Compiled, build, compile_seeds, fingerprint

__all__ = ["BuildFailed", "BuildResult", "Compiled", "build", "compile_seeds", "fingerprint"]
