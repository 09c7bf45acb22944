"""Read queries shared by the CLI, the API, the views and the notebooks.

Each function takes any :class:`~graph.store.GraphStore` and returns plain Python data.
"""

from __future__ import annotations

import datetime as _dt
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..dates import PartialDate, parse_date
from ..store import GraphStore
from ..vocab import SOURCE, entity_iri, local_id


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


# ============================================================================ shared read queries
# Used by the REST API, the SPARQL page, the views and the notebooks. Every function takes any
# GraphStore and returns plain dicts/lists (JSON-ready). Ids are the short local ids
# (``imu``, a claim id, a source id); IRIs are given alongside.

_CACHES: "weakref.WeakKeyDictionary[GraphStore, dict]" = weakref.WeakKeyDictionary()


def _cache(store: GraphStore) -> dict:
    """A per-store memo (the store is read-only for the API, so derived tables never go stale)."""
    try:
        return _CACHES.setdefault(store, {"lock": threading.RLock()})
    except TypeError:  # pragma: no cover - unhashable/unweakrefable store: no caching
        return {"lock": threading.RLock()}


def _memo(store: GraphStore, key: Any, build) -> Any:
    """``build()`` once per store and key; concurrent first callers wait for the one build."""
    cache = _cache(store)
    try:
        return cache[key]
    except KeyError:
        pass
    with cache["lock"]:
        if key not in cache:
            cache[key] = build()
        return cache[key]


def _iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ \n'):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


# ---------------------------------------------------------------------------- schema, from the store

def relation_types(store: GraphStore) -> dict[str, dict]:
    """Every relation type of the ontology (as loaded in the store), by name.

    >>> from graph.testing import fixture_store
    >>> relation_types(fixture_store())["protectedBy"]["inverse_label"]
    'protects'
    """
    return _memo(store, "relations", lambda: _relation_types(store))


def _relation_types(store: GraphStore) -> dict[str, dict]:
    rows = store.select("""
        SELECT ?r ?label ?inv ?cat ?def
               (GROUP_CONCAT(DISTINCT ?sk; SEPARATOR=" ") AS ?sks) (GROUP_CONCAT(DISTINCT ?ok; SEPARATOR=" ") AS ?oks)
               (SAMPLE(?sym) AS ?symmetric) (SAMPLE(?inst) AS ?instantaneous) (SAMPLE(?single) AS ?single_valued)
        WHERE {
          ?r a cakg:Relation ; rdfs:label ?label .
          OPTIONAL { ?r cakg:inverseLabel ?inv } OPTIONAL { ?r cakg:category ?cat } OPTIONAL { ?r skos:definition ?def }
          OPTIONAL { ?r cakg:subjectKind ?sk } OPTIONAL { ?r cakg:objectKind ?ok }
          BIND(EXISTS { ?r a owl:SymmetricProperty } AS ?sym)
          OPTIONAL { ?r cakg:instantaneous ?inst } OPTIONAL { ?r cakg:singleValued ?single }
        } GROUP BY ?r ?label ?inv ?cat ?def ORDER BY ?r""")
    out: dict[str, dict] = {}
    for r in rows:
        name = local_id(r["r"])
        if name in out:
            continue
        out[name] = {
            "name": name,
            "iri": r["r"],
            "label": r["label"],
            "inverse_label": r.get("inv") or r["label"],
            "category": r.get("cat", ""),
            "definition": r.get("def", ""),
            "subject_kinds": sorted(r.get("sks", "").split()),
            "object_kinds": sorted(r.get("oks", "").split()),
            "symmetric": bool(r.get("symmetric", False)),
            "instantaneous": bool(r.get("instantaneous", False)),
            "single_valued": bool(r.get("single_valued", False)),
        }
    return out


def entity_kinds(store: GraphStore) -> dict[str, str]:
    """Entity kind name -> label (``group`` -> ``militant group``), read from the ontology in the store."""
    def build():
        rows = store.select("SELECT ?k ?label WHERE { ?c cakg:kindName ?k OPTIONAL { ?c rdfs:label ?label } } ORDER BY ?k")
        return {r["k"]: r.get("label", r["k"]) for r in rows if r["k"] != "source"}

    return _memo(store, "kinds", build)


def kind_styles(store: GraphStore) -> dict[str, dict]:
    """How each entity kind is drawn: ``{kind: {"label", "color", "shape"}}`` in legend order, from
    the ontology in the store (``ontology/vocabulary.ttl``).

    >>> from graph.testing import fixture_store
    >>> kind_styles(fixture_store())["group"]
    {'label': 'militant group', 'color': '#d62728', 'shape': 'dot'}
    """
    def build():
        rows = store.select("""
            SELECT ?k ?label ?colour ?shape ?order WHERE {
              ?c cakg:kindName ?k FILTER(?k != "source")
              OPTIONAL { ?c rdfs:label ?label } OPTIONAL { ?c cakg:colour ?colour }
              OPTIONAL { ?c cakg:shape ?shape } OPTIONAL { ?c cakg:order ?order }
            } ORDER BY ?order ?k""")
        return {r["k"]: {"label": r.get("label", r["k"]), "color": r.get("colour", "#bcbd22"), "shape": r.get("shape", "dot")}
                for r in rows}

    return _memo(store, "kind_styles", build)


def families(store: GraphStore) -> dict[str, dict]:
    """The relation families (``cakg:category`` of each relation), in legend order, with their
    label and colour: ``{name: {"name", "label", "color"}}``.

    >>> from graph.testing import fixture_store
    >>> families(fixture_store())["group-group"]["color"]
    '#d62728'
    """
    def build():
        rows = store.select("""
            SELECT ?name ?label ?colour ?order WHERE {
              ?f a cakg:RelationFamily ; cakg:name ?name ; skos:prefLabel ?label ; cakg:colour ?colour ; cakg:order ?order
            } ORDER BY ?order""")
        return {r["name"]: {"name": r["name"], "label": r["label"], "color": r["colour"]} for r in rows}

    return _memo(store, "families", build)


def resolve_relation_types(store: GraphStore, names: Iterable[str]) -> list[str]:
    """Relation names from a user's filter: each item is a relation name (``protectedBy``) or a
    category (``group-group``). Raises ``ValueError`` naming an unknown one."""
    relations = relation_types(store)
    categories = {r["category"] for r in relations.values()}
    chosen: list[str] = []
    for raw in names:
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            if name in relations:
                chosen.append(name)
            elif name in categories:
                chosen.extend(r for r, meta in relations.items() if meta["category"] == name)
            else:
                raise ValueError(f"unknown relation type or category {name!r} "
                                 f"(known categories: {', '.join(sorted(c for c in categories if c))})")
    return list(dict.fromkeys(chosen))


# ---------------------------------------------------------------------------- entities

def _entity_table(store: GraphStore) -> dict[str, dict]:
    """Every entity by id: id, iri, kind, subtype, label, note, labels and aliases (with language)."""
    return _memo(store, "entity_table", lambda: _build_entity_table(store))


def _build_entity_table(store: GraphStore) -> dict[str, dict]:
    rows = store.select("""
        SELECT ?id ?label ?kind ?subtype ?note WHERE {
          ?e cakg:id ?id ; rdfs:label ?label ; a ?cls . ?cls cakg:kindName ?kind . FILTER(?kind != "source")
          OPTIONAL { ?e cakg:subtype ?subtype } OPTIONAL { ?e skos:note ?note }
        } ORDER BY LCASE(?label)""")
    table: dict[str, dict] = {}
    for r in rows:
        if r["id"] not in table:
            table[r["id"]] = {"id": r["id"], "iri": entity_iri(r["id"]), "kind": r["kind"], "subtype": r.get("subtype"),
                              "label": r["label"], "note": r.get("note"), "labels": [], "aliases": []}
    names = store.select("""
        SELECT ?id ?p ?text (LANG(?text) AS ?lang) WHERE {
          VALUES ?p { rdfs:label skos:prefLabel skos:altLabel } ?e cakg:id ?id ; ?p ?text }""")
    seen = set()
    for r in names:
        entity = table.get(r["id"])
        alias = r["p"].endswith("altLabel")
        key = (r["id"], alias, r["text"], r.get("lang") or "")
        if entity is None or key in seen:
            continue
        seen.add(key)
        entity["aliases" if alias else "labels"].append({"text": r["text"], "lang": r.get("lang") or ""})
    for entity in table.values():
        entity["labels"].sort(key=lambda x: (x["text"], x["lang"]))
        entity["aliases"].sort(key=lambda x: (x["text"], x["lang"]))
    return table


def entity_brief(store: GraphStore, entity_id: str) -> dict | None:
    """Id, IRI, kind, subtype, label and note of one entity, or ``None`` if there is no such entity."""
    e = _entity_table(store).get(entity_id)
    if e is None:
        return None
    return {k: e[k] for k in ("id", "iri", "kind", "subtype", "label", "note")}


def entity_profile(store: GraphStore, entity_id: str) -> dict | None:
    """Everything the graph says about one entity, or ``None`` if there is no such entity.

    Returns id, iri, kind, subtype, label, labels and aliases (with language), note, and
    ``relations``: every claim in and out grouped by (relation, direction), each group titled with
    the relation's label (outgoing) or inverse label (incoming), each claim complete (dates with
    precision, as-of flag, qualifiers, sources with locators, disputes with the disputing claims;
    see :func:`claims_where`), and ``mentioned_in_claims`` (claims naming it as claimant,
    reporter or scope). Claim dicts are shared with a per-store table: do not modify them.

    >>> from graph.testing import fixture_store
    >>> p = entity_profile(fixture_store(), "imu")
    >>> p["kind"], p["label"]
    ('group', 'Islamic Movement of Uzbekistan')
    >>> any(g["relation"] == "leaderOf" and g["direction"] == "in" and g["title"] == "led by" for g in p["relations"])
    True
    """
    entity = _entity_table(store).get(entity_id)
    if entity is None:
        return None
    tables = claim_tables(store)
    claims = [tables.claims[cid] for cid in tables.by_entity.get(entity_id, ())]
    relations = relation_types(store)
    groups: dict[tuple[str, str], dict] = {}
    for c in claims:
        direction = "out" if c["subject"]["id"] == entity_id else "in"
        meta = relations.get(c["relation"], {})
        key = (c["relation"], direction)
        if key not in groups:
            title = meta.get("label", c["relation"]) if direction == "out" else meta.get("inverse_label", c["relation"])
            groups[key] = {"relation": c["relation"], "direction": direction, "title": title,
                           "category": meta.get("category", ""), "claims": []}
        groups[key]["claims"].append(c)
    ordered = sorted(groups.values(), key=lambda g: (g["direction"] != "out", g["category"], g["title"]))
    return {
        **entity,
        "claim_count": len(claims),
        "disputed_count": sum(1 for c in claims if c["disputed"]),
        "relations": ordered,
        "mentioned_in_claims": sorted(tables.mentions.get(entity_id, ())),
    }


def list_entities(store: GraphStore, kind: str | None = None) -> list[dict]:
    """Every entity (optionally of one kind) with its label, subtype and number of claims, by label."""
    def build():
        tables = claim_tables(store)
        return [{"id": e["id"], "iri": e["iri"], "kind": e["kind"], "subtype": e["subtype"], "label": e["label"],
                 "claims": len(tables.by_entity.get(e["id"], ()))}
                for e in _entity_table(store).values() if kind is None or e["kind"] == kind]

    return _memo(store, ("entities", kind), build)


_CLAIM_SELECT = """
SELECT ?c ?claim ?rel ?sid ?slabel ?skind ?oid ?olabel ?okind ?q ?qv ?qmin ?qmax ?qa ?qu
       ?start ?startp ?end ?endp ?asof ?asofp ?vf ?vu ?aod ?circa ?role ?note ?cby ?rby ?disputed ?current
WHERE {
  %(pattern)s
  ?c a cakg:Claim ; cakg:id ?claim ; cakg:subject ?s ; cakg:relation ?rel ; cakg:object ?o .
  ?s cakg:id ?sid ; rdfs:label ?slabel ; a ?sc . ?sc cakg:kindName ?skind .
  OPTIONAL { ?o cakg:id ?oid ; rdfs:label ?olabel ; a ?oc . ?oc cakg:kindName ?okind }
  OPTIONAL { ?o a cakg:Quantity ; cakg:value ?qv . BIND(?o AS ?q)
             OPTIONAL { ?o cakg:minValue ?qmin } OPTIONAL { ?o cakg:maxValue ?qmax }
             OPTIONAL { ?o cakg:approximation/cakg:name ?qa } OPTIONAL { ?o cakg:unit ?qu } }
  OPTIONAL { ?c cakg:start ?start OPTIONAL { ?c cakg:startPrecision ?startp } }
  OPTIONAL { ?c cakg:end ?end OPTIONAL { ?c cakg:endPrecision ?endp } }
  OPTIONAL { ?c cakg:asOf ?asof OPTIONAL { ?c cakg:asOfPrecision ?asofp } }
  OPTIONAL { ?c cakg:validFrom ?vf } OPTIONAL { ?c cakg:validUntil ?vu }
  OPTIONAL { ?c cakg:asOfDefaulted ?aod } OPTIONAL { ?c cakg:circa ?circa }
  OPTIONAL { ?c cakg:role ?role } OPTIONAL { ?c rdfs:comment ?note }
  OPTIONAL { ?c cakg:claimedBy/cakg:id ?cby } OPTIONAL { ?c cakg:reportedBy/cakg:id ?rby }
  OPTIONAL { ?c cakg:disputed ?disputed } OPTIONAL { ?c cakg:current ?current }
}"""

_CLAIM_EXTRAS = """
SELECT ?c ?k ?v WHERE {
  %(pattern)s
  ?c a cakg:Claim .
  { ?c cakg:qualifier/cakg:name ?v BIND("qualifier" AS ?k) }
  UNION { ?c cakg:scope/cakg:id ?v BIND("scope" AS ?k) }
  UNION { ?c cakg:disputes/cakg:id ?v BIND("disputes" AS ?k) }
}"""

_CLAIM_SOURCES = """
SELECT ?c ?cit ?doc ?title ?author ?date ?locator ?first ?last ?footnote WHERE {
  %(pattern)s
  ?c a cakg:Claim ; cakg:citation ?cit . ?cit cakg:document ?d . ?d cakg:id ?doc .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:creator ?author } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?cit cakg:locator ?locator } OPTIONAL { ?cit cakg:lineStart ?first } OPTIONAL { ?cit cakg:lineEnd ?last }
  OPTIONAL { ?cit cakg:footnote ?footnote }
} ORDER BY ?c ?cit"""


def _number(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def claims_where(store: GraphStore, pattern: str) -> list[dict]:
    """Complete claims selected by a SPARQL group pattern that binds ``?c`` (the claim node).

    Each claim is a dict:
    id, iri, relation, relation_label, subject/object (``{id, label, kind}``; object is ``None``
    for a figure, which is in ``quantity``), start/end/as_of with their precisions, valid_from /
    valid_until (normalised days), ``as_of_only`` (known to hold only as of a date),
    as_of_defaulted, circa, current, qualifiers, role, note, claimed_by, reported_by, scope,
    disputed, ``disputed_by`` (ids of the claims it contradicts) and ``sources`` (document id,
    title, author, date, locator, lines, footnote). Sorted by relation, then time.

    >>> from graph.testing import fixture_store
    >>> cs = claims_where(fixture_store(), "?c cakg:subject id:imu ; cakg:relation cakg:protectedBy .")
    >>> cs[0]["object"]["id"], cs[0]["as_of"], cs[0]["as_of_only"], cs[0]["sources"][0]["locator"]
    ('taliban', '2021', True, 'line 18')
    """
    relations = relation_types(store)
    rows = store.select(_CLAIM_SELECT % {"pattern": pattern})
    claims: dict[str, dict] = {}
    for r in rows:
        if r["c"] in claims:
            continue
        rel = local_id(r["rel"])
        quantity = None
        if r.get("q"):
            quantity = {"value": _number(r["qv"]), "min": _number(r.get("qmin")), "max": _number(r.get("qmax")),
                        "approximation": r.get("qa"), "unit": r.get("qu")}
        has_interval = bool(r.get("start") or r.get("end"))
        claims[r["c"]] = {
            "id": r["claim"],
            "iri": r["c"],
            "relation": rel,
            "relation_label": relations.get(rel, {}).get("label", rel),
            "subject": {"id": r["sid"], "label": r["slabel"], "kind": r["skind"]},
            "object": {"id": r["oid"], "label": r.get("olabel"), "kind": r.get("okind")} if r.get("oid") else None,
            "quantity": quantity,
            "start": r.get("start"), "start_precision": r.get("startp"),
            "end": r.get("end"), "end_precision": r.get("endp"),
            "as_of": r.get("asof"), "as_of_precision": r.get("asofp"),
            "valid_from": r.get("vf"), "valid_until": r.get("vu"),
            "as_of_only": bool(r.get("asof")) and not has_interval,
            "as_of_defaulted": bool(r.get("aod", False)),
            "circa": bool(r.get("circa", False)),
            "current": bool(r.get("current", False)),
            "qualifiers": [], "role": r.get("role"), "note": r.get("note"),
            "claimed_by": r.get("cby"), "reported_by": r.get("rby"), "scope": [],
            "disputed": bool(r.get("disputed", False)), "disputed_by": [],
            "sources": [],
        }
    if not claims:
        return []
    for r in store.select(_CLAIM_EXTRAS % {"pattern": pattern}):
        claim = claims.get(r["c"])
        if claim is None:
            continue
        target = {"qualifier": claim["qualifiers"], "scope": claim["scope"], "disputes": claim["disputed_by"]}[r["k"]]
        if r["v"] not in target:
            target.append(r["v"])
    seen = set()
    for r in store.select(_CLAIM_SOURCES % {"pattern": pattern}):
        claim = claims.get(r["c"])
        if claim is None or (r["c"], r["cit"]) in seen:
            continue
        seen.add((r["c"], r["cit"]))
        claim["sources"].append({
            "document": r["doc"], "title": r.get("title"), "author": r.get("author"),
            "date": None if r.get("date") is None else str(r["date"]), "locator": r.get("locator"),
            "line_start": r.get("first"), "line_end": r.get("last"),
            "footnote": None if r.get("footnote") is None else str(r["footnote"]),
        })
    for claim in claims.values():
        claim["qualifiers"].sort()
        claim["scope"].sort()
        claim["disputed_by"].sort()
        if claim["disputed_by"]:
            claim["disputed"] = True
    return sorted(claims.values(), key=lambda c: (c["relation"], _time_key(c), c["id"]))


def _time_key(c: dict) -> str:
    return str(c.get("start") or c.get("as_of") or c.get("end") or "")


@dataclass
class ClaimTables:
    """Every claim of a store (as :func:`claims_where` gives them) and indexes over them."""

    claims: dict[str, dict] = field(default_factory=dict)            # claim id -> claim
    by_entity: dict[str, list[str]] = field(default_factory=dict)    # entity id -> claim ids (subject or object)
    by_relation: dict[str, list[str]] = field(default_factory=dict)  # relation name -> claim ids
    by_source: dict[str, list[str]] = field(default_factory=dict)    # source id -> claim ids citing it
    mentions: dict[str, set[str]] = field(default_factory=dict)      # entity id -> claims naming it otherwise


def claim_tables(store: GraphStore) -> ClaimTables:
    """All claims, read once per store and kept (the API's store is read-only), with indexes.

    Building reads the whole graph's claims (a fraction of a second for the curated graph); the
    app does it at start-up in the background (:func:`warm`). Claims are shared: do not modify.
    """
    return _memo(store, "claim_tables", lambda: _build_claim_tables(store))


def _build_claim_tables(store: GraphStore) -> ClaimTables:
    tables = ClaimTables()
    for c in claims_where(store, "?c a cakg:Claim ."):
        tables.claims[c["id"]] = c
        tables.by_relation.setdefault(c["relation"], []).append(c["id"])
        ends = {c["subject"]["id"]} | ({c["object"]["id"]} if c["object"] else set())
        for e in ends:
            tables.by_entity.setdefault(e, []).append(c["id"])
        for src in dict.fromkeys(x["document"] for x in c["sources"]):
            tables.by_source.setdefault(src, []).append(c["id"])
        for e in {c["claimed_by"], c["reported_by"], *c["scope"]} - {None}:
            tables.mentions.setdefault(e, set()).add(c["id"])
    return tables


def warm(store: GraphStore) -> None:
    """Build the per-store tables (entities, claims, search index) now rather than on first use."""
    from .search import search_index

    relation_types(store)
    claim_tables(store)
    search_index(store)


def claim(store: GraphStore, claim_id: str) -> dict | None:
    """One claim by id (see :func:`claims_where` for its fields), or ``None``."""
    return claim_tables(store).claims.get(claim_id)


# ---------------------------------------------------------------------------- time

@dataclass(frozen=True)
class Period:
    """A closed interval of days; ``None`` on a side means unbounded."""

    first: _dt.date | None
    last: _dt.date | None

    @classmethod
    def at(cls, when: str | PartialDate) -> "Period":
        """The whole of a year, month or day (``"2021"`` is 2021-01-01..2021-12-31)."""
        d = when if isinstance(when, PartialDate) else parse_date(when)
        return cls(d.first_day(), d.last_day())

    @classmethod
    def between(cls, start: str | None, end: str | None) -> "Period":
        return cls(parse_date(start).first_day() if start else None, parse_date(end).last_day() if end else None)

    def overlaps(self, first: _dt.date | None, last: _dt.date | None) -> bool:
        if self.last and first and first > self.last:
            return False
        if self.first and last and last < self.first:
            return False
        return True


def claim_holds(claim: dict, period: Period) -> bool:
    """Whether a claim (from :func:`claims_where`) holds at some time in ``period``.

    Validity-interval semantics: a claim with a start and/or end holds over that interval (open on
    a missing side); a claim known only "as of" a date holds at that date (year, month or day)
    and is flagged ``as_of_only``; a claim with no time at all is taken to hold always.
    """
    if claim.get("valid_from") or claim.get("valid_until"):
        first = _dt.date.fromisoformat(claim["valid_from"]) if claim.get("valid_from") else None
        last = _dt.date.fromisoformat(claim["valid_until"]) if claim.get("valid_until") else None
        return period.overlaps(first, last)
    if claim.get("as_of"):
        d = parse_date(claim["as_of"])
        return period.overlaps(d.first_day(), d.last_day())
    return True


def affiliations(store: GraphStore, entity_id: str, *, at: str | None = None, start: str | None = None,
                 end: str | None = None, relations: list[str] | None = None, figures: bool = False) -> list[dict] | None:
    """A group's (or any entity's) relations to other entities as they stood at ``at`` (a year,
    month or day) or at any time within ``start``..``end``; all of them when no time is given.

    Each item is a claim (:func:`claims_where`) plus ``direction`` (``out`` when the entity is the
    subject), ``title`` (the relation's label, or inverse label for incoming claims) and ``other``
    (the entity at the other end). ``relations`` restricts the relation types (names); figures
    (fighter counts ...) are left out unless ``figures``. Returns ``None`` for an unknown entity.

    >>> from graph.testing import fixture_store
    >>> s = fixture_store()
    >>> sorted(a["other"]["id"] for a in affiliations(s, "taliban", at="2021", relations=["protectedBy"]))
    ['iju', 'imu', 'jamaat-ansarullah', 'kib-afghan-wing']
    >>> sorted({a["other"]["id"] for a in affiliations(s, "imu", at="2005", relations=["leaderOf"])})
    ['tahir-yuldash', 'usman-ghazi']
    """
    if entity_brief(store, entity_id) is None:
        return None
    period = Period.at(at) if at else Period.between(start, end)
    tables = claim_tables(store)
    wanted = set(relations) if relations else None
    meta = relation_types(store)
    out = []
    for c in (tables.claims[cid] for cid in tables.by_entity.get(entity_id, ())):
        if (wanted is not None and c["relation"] not in wanted) or (c["quantity"] and not figures):
            continue
        if not claim_holds(c, period):
            continue
        direction = "out" if c["subject"]["id"] == entity_id else "in"
        m = meta.get(c["relation"], {})
        out.append({**c, "direction": direction,
                    "title": m.get("label", c["relation"]) if direction == "out" else m.get("inverse_label", c["relation"]),
                    "other": c["object"] if direction == "out" else c["subject"]})
    return out


def relations_at(store: GraphStore, relations: list[str] | None = None, *, at: str | None = None,
                 start: str | None = None, end: str | None = None, figures: bool = False) -> list[dict]:
    """All claims of the given relation types (names; all types when empty) that hold at ``at`` or
    within ``start``..``end`` (see :func:`claim_holds`); figures only when ``figures``.

    >>> from graph.testing import fixture_store
    >>> len(relations_at(fixture_store(), ["protectedBy"], at="2021"))
    4
    """
    period = Period.at(at) if at else Period.between(start, end)
    tables = claim_tables(store)
    if relations:
        ids = [cid for r in relations for cid in tables.by_relation.get(r, ())]
    else:
        ids = list(tables.claims)
    chosen = [tables.claims[cid] for cid in ids]
    chosen = [c for c in chosen if (figures or not c["quantity"]) and claim_holds(c, period)]
    return sorted(chosen, key=lambda c: (c["relation"], _time_key(c), c["id"]))


# ---------------------------------------------------------------------------- disputes and sources

def disputes(store: GraphStore) -> list[dict]:
    """Each pair of contradicting claims once: ``{"a": claim, "b": claim}`` with complete claims."""
    claims = {cid: c for cid, c in claim_tables(store).claims.items() if c["disputed_by"]}
    pairs, seen = [], set()
    for cid in sorted(claims):
        for other in claims[cid]["disputed_by"]:
            key = tuple(sorted((cid, other)))
            if key in seen or other not in claims:
                continue
            seen.add(key)
            pairs.append({"a": claims[key[0]], "b": claims[key[1]]})
    return pairs


def list_sources(store: GraphStore) -> list[dict]:
    """Every source document with its bibliographic identity and the number of claims citing it."""
    return _memo(store, "sources", lambda: _list_sources(store))


def _list_sources(store: GraphStore) -> list[dict]:
    rows = store.select("""
        SELECT ?id ?title ?author ?publisher ?date ?file ?circa ?note (COUNT(DISTINCT ?c) AS ?claims) WHERE {
          ?d a cakg:SourceDocument ; cakg:id ?id .
          OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:creator ?author }
          OPTIONAL { ?d dcterms:publisher ?publisher } OPTIONAL { ?d dcterms:date ?date }
          OPTIONAL { ?d cakg:fileName ?file } OPTIONAL { ?d cakg:circa ?circa } OPTIONAL { ?d skos:note ?note }
          OPTIONAL { ?c cakg:citation/cakg:document ?d }
        } GROUP BY ?id ?title ?author ?publisher ?date ?file ?circa ?note ORDER BY ?id""")
    out, seen = [], set()
    for r in rows:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        out.append({"id": r["id"], "iri": str(SOURCE[r["id"]]), "title": r.get("title"), "author": r.get("author"),
                    "publisher": r.get("publisher"), "date": None if r.get("date") is None else str(r["date"]),
                    "file": r.get("file"), "circa": bool(r.get("circa", False)), "note": r.get("note"),
                    "claims": r.get("claims", 0)})
    return out


def source_detail(store: GraphStore, source_id: str) -> dict | None:
    """One source document and every claim citing it, or ``None``."""
    found = [s for s in list_sources(store) if s["id"] == source_id]
    if not found:
        return None
    tables = claim_tables(store)
    claims = sorted((tables.claims[cid] for cid in tables.by_source.get(source_id, ())),
                    key=lambda c: (c["relation"], _time_key(c), c["id"]))
    return {**found[0], "cited_by": claims}


def entity_rdf(store: GraphStore, entity_id: str, rdf_format: str = "turtle") -> bytes | None:
    """The RDF description of one entity: its own triples, the claims about it (in and out) with
    their citations and figures, in ``rdf_format`` (a name or media type of :mod:`graph.formats`).
    ``None`` if there is no such entity."""
    if entity_brief(store, entity_id) is None:
        return None
    iri = _iri(entity_iri(entity_id))
    query = f"""
        CONSTRUCT {{ ?x ?p ?v }} WHERE {{
          {{ BIND({iri} AS ?x) ?x ?p ?v }}
          UNION {{ {{ ?x cakg:subject {iri} }} UNION {{ ?x cakg:object {iri} }} ?x ?p ?v }}
          UNION {{ {{ ?c cakg:subject {iri} }} UNION {{ ?c cakg:object {iri} }}
                   {{ ?c cakg:citation ?x }} UNION {{ ?c cakg:object ?x . ?x a cakg:Quantity }} ?x ?p ?v }}
        }}"""
    import pyoxigraph as ox

    from ..formats import rdf_format as _rdf
    from ..vocab import PREFIXES

    fmt = _rdf(rdf_format)
    _, body = store.sparql(store.with_prefixes(query), rdf_format="ntriples")
    if fmt == ox.RdfFormat.N_TRIPLES:
        return body
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
