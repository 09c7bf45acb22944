"""The read-only, guarded SPARQL 1.1 endpoint.

* :mod:`api.sparql.protocol`     the ``/sparql`` route: SPARQL 1.1 Protocol requests, negotiation, answers
* :mod:`api.sparql.guard`        what a query must pass before any engine sees it
* :mod:`api.sparql.worker`       evaluation inside a sandboxed worker process
* :mod:`api.sparql.pool`         the pool of worker processes, killed and replaced at the timeout
* :mod:`api.sparql.scheduling`   the fair queue deciding which waiting query gets a free worker
* :mod:`api.sparql.description`  the service description and the example queries
"""

from .protocol import router

__all__ = ["router"]
