"""The REST/JSON routes, one module per family.

* :mod:`api.routers.entities`   search, profiles, claims, dereferenceable entity IRIs
* :mod:`api.routers.relations`  groups and their affiliations at a date, relations at a date, disputes
* :mod:`api.routers.sources`    source documents and the counts of the graph
* :mod:`api.routers.fragments`  triple pattern fragments
"""
