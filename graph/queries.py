"""Read queries shared by the CLI, the API, the views and the notebooks.

Each function takes any :class:`~graph.store.GraphStore` and returns plain Python data.
"""

from __future__ import annotations

from collections import Counter

from .config import local_id
from .store import GraphStore


def graph_stats(store: GraphStore) -> dict:
    """Counts of triples, entities by kind, claims by relation, aliases, disputes and sources.

    >>> from graph.testing import fixture_store
    >>> graph_stats(fixture_store())["entities_by_kind"]["group"] > 0
    True
    """
    kinds = store.select("""
        SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e cakg:id ?id ; a ?class . ?class cakg:kindName ?kind . FILTER(?kind != "source")
        } GROUP BY ?kind ORDER BY DESC(?n)""")
    relations = store.select("""
        SELECT ?rel (COUNT(?c) AS ?n) WHERE { ?c a cakg:Claim ; cakg:relation ?rel }
        GROUP BY ?rel ORDER BY DESC(?n)""")
    one = lambda q: next(iter(store.select(q)[0].values()), 0)
    return {
        "triples": len(store),
        "entities": sum(r["n"] for r in kinds),
        "entities_by_kind": {r["kind"]: r["n"] for r in kinds},
        "claims": sum(r["n"] for r in relations),
        "claims_by_relation": {local_id(r["rel"]): r["n"] for r in relations},
        "aliases": one("SELECT (COUNT(*) AS ?n) WHERE { ?e cakg:id ?id ; skos:altLabel ?a }"),
        "disputed_claims": one("SELECT (COUNT(?c) AS ?n) WHERE { ?c cakg:disputed true }"),
        "sources": one("SELECT (COUNT(?s) AS ?n) WHERE { ?s a cakg:SourceDocument }"),
    }


def dispute_pairs(store: GraphStore) -> list[tuple[dict, dict]]:
    """Each pair of disputing claims once, with a short description and source of each side."""
    rows = store.select("""
        SELECT ?a ?b ?la ?lb ?sa ?sb WHERE {
          ?a cakg:disputes ?b . FILTER(STR(?a) < STR(?b))
          ?a cakg:id ?la . ?b cakg:id ?lb .
          OPTIONAL { ?a cakg:citation/cakg:document/cakg:id ?da . ?a cakg:citation/cakg:locator ?xa }
          OPTIONAL { ?b cakg:citation/cakg:document/cakg:id ?db . ?b cakg:citation/cakg:locator ?xb }
          BIND(CONCAT(COALESCE(?da, ""), " ", COALESCE(?xa, "")) AS ?sa)
          BIND(CONCAT(COALESCE(?db, ""), " ", COALESCE(?xb, "")) AS ?sb)
        } ORDER BY ?la ?lb""")
    seen, pairs = set(), []
    for r in rows:
        key = (r["la"], r["lb"])
        if key in seen:
            continue
        seen.add(key)
        pairs.append(({"claim": r["la"], "source": r.get("sa", "")}, {"claim": r["lb"], "source": r.get("sb", "")}))
    return pairs


def relation_counts(store: GraphStore) -> Counter:
    return Counter(graph_stats(store)["claims_by_relation"])
