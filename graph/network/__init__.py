"""The graph as a temporal network: a networkx projection and the analyses built on it, one
family of algorithms per module.

* :mod:`graph.network.projection` — :func:`project` reads the ties of a catalog
  (:class:`graph.read.catalog.Catalog`) into a :class:`networkx.MultiDiGraph` (one node per
  entity, one edge per tie, keyed by the tie key); :func:`filter_network` keeps some kinds,
  relation types or families; :func:`edge_status` is the time rule's status of an edge at a date;
* :mod:`graph.network.temporal` — :func:`snapshot`: the ties that hold or are presumed at a date
  or over a range, each with its status;
* :mod:`graph.network.dyads` — :func:`dyad_history`, :func:`dyad_sequence`,
  :func:`dyad_transitions`: how the relation types between two entities change over time;
* :mod:`graph.network.centrality` — degree and betweenness centrality per snapshot;
* :mod:`graph.network.export` — GraphML, GEXF (dynamic: spells and statuses) or a CSV edge list;
* :mod:`graph.network.focus`, :mod:`graph.network.plots`, :mod:`graph.network.prose` — choosing
  what a notebook looks at, its charts, and the sentences it writes from the graph.

What changed between two dates is :func:`graph.read.changes.changes` (on the catalog: figures and
disputes included).

>>> from graph.testing import fixture_catalog
>>> G = project(fixture_catalog())
>>> sorted((d["relation"], d["status"]) for *_, d in snapshot(G, 2021).edges("imu", data=True))
[('basedIn', 'holds'), ('protectedBy', 'holds')]
"""

from .centrality import centrality
from .dyads import dyad_histories, dyad_history, dyad_sequence, dyad_transitions
from .export import (
    CSV_COLUMNS,
    edge_spells,
    export_network,
    flat_copy,
    merge_intervals,
    spans_text,
    to_csv,
    to_gexf,
    to_graphml,
)
from .projection import edge_record, edge_status, filter_network, project
from .temporal import as_period, dyad_types, snapshot

__all__ = ["CSV_COLUMNS", "as_period", "centrality", "dyad_histories", "dyad_history", "dyad_sequence",
           "dyad_transitions", "dyad_types", "edge_record", "edge_spells", "edge_status", "export_network",
           "filter_network", "flat_copy", "merge_intervals", "project", "snapshot", "spans_text", "to_csv", "to_gexf", "to_graphml"]
