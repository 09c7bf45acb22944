"""The questions the API, the views, the CLI and the notebooks ask, answered from a
:class:`~graph.read.catalog.Catalog` as fresh JSON-ready data.

Relations at a date are **ties** (:mod:`graph.timeline`): one item per subject, relation and object,
with the status the time rule gives it at the date asked (``holds``, ``presumed`` or ``ended``),
the days it was first and last attested, when it ended and why, and its claims (the attestations
that support it).

>>> from graph.testing import fixture_catalog
>>> cat = fixture_catalog()
>>> [(t["subject"]["id"], t["status"]) for t in relations_at(cat, ["protectedBy"], period("2023"))][:2]
[('iju', 'presumed'), ('imu', 'presumed')]
"""

from __future__ import annotations

from typing import Iterable

from ..store import GraphStore
from ..timeline import STATUSES, Period, period
from ..vocab import entity_iri, local_id
from .catalog import Catalog, ClaimRecord, TieRecord, to_json

__all__ = ["DEFAULT_STATUSES", "STATUSES", "affiliations", "check_statuses", "claim_json", "disputes",
           "entity_brief", "entity_profile", "entity_rdf", "graph_stats", "list_entities", "list_sources",
           "period", "relations_at", "source_detail", "tie_json"]

#: what ``at=`` answers by default: ties that hold or are presumed to
DEFAULT_STATUSES = ("holds", "presumed")


def check_statuses(names: Iterable[str] | None) -> tuple[str, ...]:
    """The statuses a filter asks for (comma-separated or repeated); ``ValueError`` naming an
    unknown one.

    >>> check_statuses(["holds,ended"])
    ('holds', 'ended')
    """
    chosen: list[str] = []
    for raw in names or ():
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            if name not in STATUSES:
                raise ValueError(f"unknown status {name!r} (one of: {', '.join(STATUSES)})")
            chosen.append(name)
    return tuple(dict.fromkeys(chosen)) or DEFAULT_STATUSES


# ---------------------------------------------------------------------------- records as JSON

def claim_json(cat: Catalog, claim: ClaimRecord, status: str | None = None) -> dict:
    """A claim as JSON, with its tie's ``status`` at the date asked (``None`` when none was)."""
    out = to_json(claim)
    out["category"] = cat.relation_types().get(claim.relation, {}).get("category", "")
    out["status"] = status
    return out


def tie_json(cat: Catalog, tie: TieRecord, status: str | None = None, claims: bool = True,
             known: dict[str, ClaimRecord] | None = None) -> dict:
    """A tie as JSON: its ends, the days of the rule, the ``status`` at the date asked, its claims
    (taken from ``known`` where the caller has read them already)."""
    out = to_json(tie)
    out["first_attested"], out["last_attested"] = out.pop("first"), out.pop("last")
    out["category"] = cat.relation_types().get(tie.relation, {}).get("category", "")
    out["status"] = status
    out["spans"] = tie.spans()
    if claims:
        found = known if known is not None and all(cid in known for cid in tie.claims) else cat.claims_by_id(tie.claims)
        out["claims"] = [claim_json(cat, found[cid], status) for cid in tie.claims if cid in found]
    return out


def _claims_of(cat: Catalog, entity_id: str) -> dict[str, ClaimRecord]:
    return {c.id: c for c in cat.claims_of(entity_id)}


def _keep(tie: TieRecord, when: Period | None, statuses: tuple[str, ...], figures: bool) -> tuple[bool, str | None]:
    if tie.object is None and not figures:
        return False, None
    if when is None:
        return True, None
    status = tie.status_at(when)
    return status in statuses, status


# ---------------------------------------------------------------------------- entities

def entity_brief(cat: Catalog, entity_id: str) -> dict | None:
    """Id, IRI, kind, subtype, label and note of one entity, or ``None``."""
    e = cat.entity(entity_id)
    return None if e is None else {"id": e.id, "iri": e.iri, "kind": e.kind, "subtype": e.subtype, "label": e.label,
                                   "note": e.note}


def list_entities(cat: Catalog, kind: str | None = None) -> list[dict]:
    """Every entity (optionally of one kind) with its label and subtype, by label."""
    return [{"id": e.id, "iri": e.iri, "kind": e.kind, "subtype": e.subtype, "label": e.label}
            for e in cat.entities().values() if kind is None or e.kind == kind]


def entity_profile(cat: Catalog, entity_id: str) -> dict | None:
    """Everything the graph says about one entity, or ``None`` if there is no such entity.

    Returns the entity's fields (labels and aliases with their languages), ``claim_count``,
    ``disputed_count``, ``relations``: its ties grouped by (relation, direction), each group titled
    with the relation's label (outgoing) or inverse label (incoming), each tie with its dates and
    its claims; and ``mentioned_in_claims`` (claims naming it as claimant, reporter, scope or
    partner of a joint figure).

    >>> from graph.testing import fixture_catalog
    >>> p = entity_profile(fixture_catalog(), "imu")
    >>> p["kind"], p["label"]
    ('group', 'Islamic Movement of Uzbekistan')
    >>> any(g["relation"] == "leaderOf" and g["direction"] == "in" and g["title"] == "led by" for g in p["relations"])
    True
    """
    entity = cat.entity(entity_id)
    if entity is None:
        return None
    relations = cat.relation_types()
    groups: dict[tuple[str, str], dict] = {}
    ties = cat.ties_of(entity_id)
    known = _claims_of(cat, entity_id)
    claim_ids: set[str] = set()
    disputed: set[str] = set()
    for tie in ties:
        direction = "out" if tie.subject.id == entity_id else "in"
        meta = relations.get(tie.relation, {})
        key = (tie.relation, direction)
        if key not in groups:
            title = meta.get("label", tie.relation) if direction == "out" else meta.get("inverse_label", tie.relation)
            groups[key] = {"relation": tie.relation, "direction": direction, "title": title,
                           "category": meta.get("category", ""), "ties": []}
        item = tie_json(cat, tie, known=known)
        groups[key]["ties"].append(item)
        for c in item["claims"]:
            claim_ids.add(c["id"])
            if c["disputed"]:
                disputed.add(c["id"])
    for g in groups.values():
        g["ties"].sort(key=lambda t: (t["first_attested"] or "9999", t["key"]))
    mentioned = sorted(cid for cid in known if cid not in claim_ids)
    ordered = sorted(groups.values(), key=lambda g: (g["direction"] != "out", g["category"], g["title"]))
    return {**to_json(entity), "claim_count": len(claim_ids), "disputed_count": len(disputed), "relations": ordered,
            "mentioned_in_claims": mentioned}


# ---------------------------------------------------------------------------- relations at a date

def affiliations(cat: Catalog, entity_id: str, when: Period | None = None, relations: list[str] | None = None,
                 statuses: tuple[str, ...] = DEFAULT_STATUSES, figures: bool = False) -> list[dict] | None:
    """An entity's ties to others with the status they have at ``when`` (a :func:`period`),
    keeping those of ``statuses``; every tie when ``when`` is ``None``. Each item is a tie
    (:func:`tie_json`) plus ``direction`` (``out`` when the entity is the subject), ``title`` (the
    relation's label, or inverse label for incoming ties) and ``other``. ``None`` for an unknown entity.

    >>> from graph.testing import fixture_catalog
    >>> cat = fixture_catalog()
    >>> sorted(a["other"]["id"] for a in affiliations(cat, "taliban", period("2021"), ["protectedBy"]))
    ['iju', 'imu', 'jamaat-ansarullah', 'kib-afghan-wing']
    >>> sorted({a["other"]["id"] for a in affiliations(cat, "imu", period("2010"), ["leaderOf"])})
    ['usman-ghazi']
    """
    if cat.entity(entity_id) is None:
        return None
    wanted = set(relations) if relations else None
    meta = cat.relation_types()
    known = _claims_of(cat, entity_id)
    out = []
    for tie in cat.ties_of(entity_id):
        if wanted is not None and tie.relation not in wanted:
            continue
        keep, status = _keep(tie, when, statuses, figures)
        if not keep:
            continue
        direction = "out" if tie.subject.id == entity_id else "in"
        m = meta.get(tie.relation, {})
        item = tie_json(cat, tie, status, known=known)
        item.update(direction=direction,
                    title=m.get("label", tie.relation) if direction == "out" else m.get("inverse_label", tie.relation),
                    other=item["object"] if direction == "out" else item["subject"])
        out.append(item)
    return sorted(out, key=lambda t: (t["relation"], t["first_attested"] or "9999", t["key"]))


def relations_at(cat: Catalog, relations: list[str] | None = None, when: Period | None = None,
                 statuses: tuple[str, ...] = DEFAULT_STATUSES, figures: bool = False) -> list[dict]:
    """Every tie of the given relation types (all types when empty) with its status at ``when``,
    keeping those of ``statuses`` (every tie when ``when`` is ``None``); figures only when ``figures``.

    >>> from graph.testing import fixture_catalog
    >>> len(relations_at(fixture_catalog(), ["protectedBy"], period("2021")))
    4
    """
    by_relation = cat.ties_by_relation()
    cat.claims()  # every tie's claims are read at once
    names = relations or list(by_relation)
    out = []
    for name in names:
        for tie in by_relation.get(name, ()):
            keep, status = _keep(tie, when, statuses, figures)
            if keep:
                out.append(tie_json(cat, tie, status))
    return sorted(out, key=lambda t: (t["relation"], t["first_attested"] or "9999", t["key"]))


# ---------------------------------------------------------------------------- disputes and sources

def disputes(cat: Catalog) -> list[dict]:
    """Each pair of contradicting claims once, with the reason: ``{"a", "b", "reason"}``."""
    rows = cat.store.select("""
        SELECT ?a ?b ?reason WHERE { ?d a cakg:Dispute ; cakg:reason ?reason ; cakg:between ?x, ?y .
          ?x cakg:id ?a . ?y cakg:id ?b . FILTER(STR(?a) < STR(?b)) } ORDER BY ?a ?b""")
    out = []
    for r in rows:
        a, b = cat.claim(r["a"]), cat.claim(r["b"])
        if a and b:
            out.append({"a": claim_json(cat, a), "b": claim_json(cat, b), "reason": r["reason"]})
    return out


def list_sources(cat: Catalog) -> list[dict]:
    """Every source document (and chapter) with its bibliographic identity and claim count."""
    return [to_json(s) for s in cat.sources().values()]


def source_detail(cat: Catalog, source_id: str) -> dict | None:
    """One source document and every claim citing it (or, for a volume, its chapters), or ``None``."""
    found = cat.sources().get(source_id)
    if found is None:
        return None
    chapters = [to_json(s) for s in cat.sources().values() if s.part_of == source_id]
    return {**to_json(found), "chapters": chapters,
            "cited_by": [claim_json(cat, c) for c in cat.claims_citing(source_id)]}


# ---------------------------------------------------------------------------- the store itself

def graph_stats(store: GraphStore) -> dict:
    """Counts of triples, entities by kind, claims by relation, ties, aliases, disputes and sources.

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
        "ties": one("SELECT (COUNT(?t) AS ?n) WHERE { ?t a cakg:Tie }"),
        "aliases": one("SELECT (COUNT(*) AS ?n) WHERE { ?e cakg:id ?id ; skos:altLabel ?a }"),
        "disputed_claims": one("SELECT (COUNT(?c) AS ?n) WHERE { ?c cakg:disputed true }"),
        "sources": one("SELECT (COUNT(?s) AS ?n) WHERE { ?s a cakg:SourceDocument }"),
    }


def catalog_stats(cat: Catalog) -> dict:
    """:func:`graph_stats` of the catalog's store, counted once per catalog (a fresh copy each call).
    A catalog reads one generation of the graph (:mod:`graph.read.live`): a rebuilt or republished
    graph gets a new catalog, so the counts follow it.

    >>> from graph.testing import fixture_catalog
    >>> catalog_stats(fixture_catalog()) == graph_stats(fixture_catalog().store)
    True
    """
    import copy

    return copy.deepcopy(cat.memo("graph-stats", lambda: graph_stats(cat.store)))


def entity_rdf(store: GraphStore, entity_id: str, rdf_format: str = "turtle") -> bytes | None:
    """The RDF description of one entity: its own triples, the claims and ties about it (in and
    out) with their citations and figures, in ``rdf_format`` (a name or media type of
    :mod:`graph.formats`). ``None`` if there is no such entity."""
    import pyoxigraph as ox

    from ..formats import rdf_format as _rdf
    from ..vocab import PREFIXES

    iri = entity_iri(entity_id)
    if any(ch in iri for ch in '<>"{}|^`\\ \n') or not store.ask(f"ASK {{ <{iri}> cakg:id ?id }}"):
        return None
    query = f"""
        CONSTRUCT {{ ?x ?p ?v }} WHERE {{
          {{ BIND(<{iri}> AS ?x) ?x ?p ?v }}
          UNION {{ {{ ?x cakg:subject <{iri}> }} UNION {{ ?x cakg:object <{iri}> }} ?x ?p ?v }}
          UNION {{ {{ ?c cakg:subject <{iri}> }} UNION {{ ?c cakg:object <{iri}> }} ?c a cakg:Claim .
                   {{ ?c cakg:citation ?x }} UNION {{ ?c cakg:object ?x . ?x a cakg:Quantity }} ?x ?p ?v }}
        }}"""
    fmt = _rdf(rdf_format)
    _, body = store.sparql(store.with_prefixes(query), rdf_format="ntriples")
    if fmt == ox.RdfFormat.N_TRIPLES:
        return body
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
