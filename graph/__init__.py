"""cakg.graph: seeds -> ontology-checked RDF graph -> embedded store -> analytics.

The data flows one way: :mod:`graph.seeds` reads and checks the curated YAML, :mod:`graph.build`
compiles it to RDF, validates it against the SHACL shapes and loads it atomically into the store of
:mod:`graph.store`, which the API, the views and the notebooks read.
"""

__version__ = "0.1.0"
