"""The graph as a temporal network: a networkx projection and the analyses built on it, one
family of algorithms per module.

* :mod:`graph.network.projection` — :func:`project` reads every claim whose object is an entity
  through a :class:`~graph.store.GraphStore` into a :class:`networkx.MultiDiGraph` (one node per
  entity, one edge per claim, keyed by the claim id); :func:`filter_network` keeps some kinds,
  relation types or categories;
* :mod:`graph.network.temporal` — :func:`snapshot` (the standing relations at a date) and
  :func:`changes` (relations formed, ended, first reported, acts, dyads whose type changed);
* :mod:`graph.network.dyads` — :func:`dyad_history`, :func:`dyad_histories`,
  :func:`dyad_transitions`: what happened between two entities over time;
* :mod:`graph.network.centrality` — degree and betweenness centrality per snapshot;
* :mod:`graph.network.export` — GraphML, GEXF (dynamic: edges carry start/end) or a CSV edge list;
* :mod:`graph.network.focus`, :mod:`graph.network.plots`, :mod:`graph.network.prose` — choosing
  what a notebook looks at, its charts, and the sentences it writes from the graph.

Time on an edge
---------------
Each edge keeps the claim's dates as written (``start``, ``end``, ``as_of`` with their
precisions) and an effective interval ``begin`` .. ``finish`` (ISO days, ``None`` = open):

* ``begin`` is the first day of ``start``; else of ``as_of`` (the claim is known to hold from
  then: ``begin_kind`` says which, ``"as_of_defaulted"`` when the build took the source's date);
  else ``None`` (unknown: only an end is known);
* ``finish`` is the last day of ``end``; for a one-off act (``instantaneous``) the last day of
  its date; else ``None`` (the claim still holds, as the store's ``cakg:current`` says).

>>> from graph.testing import fixture_store
>>> G = project(fixture_store())
>>> sorted(d["relation"] for *_, d in snapshot(G, 2010).edges("imu", data=True))
['basedIn']
"""

from .centrality import centrality
from .dyads import dyad_histories, dyad_history, dyad_sequence, dyad_transitions
from .export import CSV_COLUMNS, export_network, flat_copy, merge_intervals, to_csv, to_gexf, to_graphml
from .projection import edge_record, filter_network, project, relation_info
from .temporal import changes, dyad_types, holds_during, period, snapshot

__all__ = ["CSV_COLUMNS", "centrality", "changes", "dyad_histories", "dyad_history", "dyad_sequence",
           "dyad_transitions", "dyad_types", "edge_record", "export_network", "filter_network", "flat_copy",
           "holds_during", "merge_intervals", "period", "project", "relation_info", "snapshot", "to_csv",
           "to_gexf", "to_graphml"]
