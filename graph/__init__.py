"""cakg.graph: seeds -> ontology-checked RDF graph -> embedded store -> analytics.

The data flows one way: :mod:`graph.seeds` reads the curated YAML, :mod:`graph.compile` turns it
into RDF, :mod:`graph.validate` checks it against the SHACL shapes, :mod:`graph.build` loads it
atomically into the store of :mod:`graph.store`, which the API, the views and the notebooks read.
"""

__version__ = "0.1.0"
