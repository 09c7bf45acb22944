"""Reading the built graph: the questions the API, the views and the notebooks ask of a store.

* :mod:`graph.read.queries`  entities, profiles, claims, relations at a date, disputes, sources, stats
* :mod:`graph.read.search`   entity search over labels and aliases
"""
