"""The read model: one catalog of immutable records per store, shared by every interface.

REST, the views, the analytics and the exports all read claims, ties (:mod:`graph.timeline`'s
relations with the days they hold), entities and sources from a :class:`Catalog`. Records are
frozen dataclasses; every answer is made from them afresh (:func:`to_json`), so nothing a caller
does can change what the next caller reads. The catalog reads lazily through the store's SPARQL
(the embedded store and remote engines alike): one entity's records when a profile asks for them,
the whole graph only when a whole-graph view, an export or a notebook does, each piece once.

>>> from graph.testing import fixture_store
>>> cat = Catalog(fixture_store())
>>> tie = next(t for t in cat.ties_of("imu") if t.relation == "protectedBy")
>>> tie.subject.id, tie.object.id, tie.status_at(period("2021")), tie.status_at(period("2023"))
('imu', 'taliban', 'holds', 'presumed')
>>> cat.claim(tie.claims[0]).sources[0].locator
'line 18'
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from ..store import GraphStore
from ..timeline import Period, Tie, period, span_dicts, status_at
from ..vocab import CAKG, SOURCE, claim_iri, entity_iri, local_id

__all__ = ["Catalog", "ClaimRecord", "EntityRecord", "EntityRef", "SourceRecord", "TieRecord", "period", "to_json"]


# ------------------------------------------------------------------------------------ records

@dataclass(frozen=True)
class EntityRef:
    id: str
    label: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class LangText:
    text: str
    lang: str = ""


@dataclass(frozen=True)
class EntityRecord:
    id: str
    iri: str
    kind: str
    label: str
    subtype: str | None = None
    note: str | None = None
    labels: tuple[LangText, ...] = ()
    aliases: tuple[LangText, ...] = ()

    @property
    def ref(self) -> EntityRef:
        return EntityRef(self.id, self.label, self.kind)


@dataclass(frozen=True)
class Citation:
    document: str                # the source id (a chapter, for the conference volume)
    title: str | None
    author: str | None
    date: str | None
    locator: str | None
    line_start: int | None
    line_end: int | None
    footnote: str | None = None
    part_of: str | None = None   # the volume a chapter belongs to


@dataclass(frozen=True)
class Quantity:
    value: float | int
    min: float | int | None
    max: float | int | None
    approximation: str | None
    unit: str | None


@dataclass(frozen=True)
class ClaimRecord:
    id: str
    iri: str
    relation: str
    relation_label: str
    subject: EntityRef
    object: EntityRef | None
    quantity: Quantity | None
    start: str | None
    start_precision: str | None
    end: str | None
    end_precision: str | None
    as_of: str | None
    as_of_precision: str | None
    attested_from: str | None
    attested_until: str | None
    dating: str
    circa: bool
    qualifiers: tuple[str, ...]
    role: str | None
    note: str | None
    claimed_by: str | None
    reported_by: str | None
    scope: tuple[str, ...]
    joint_with: tuple[str, ...]
    disputed: bool
    disputed_by: tuple[str, ...]
    sources: tuple[Citation, ...]
    tie: str | None
    seed_file: str | None = None
    seed_line: int | None = None


@dataclass(frozen=True)
class TieRecord:
    """A tie as the build dated it (see :class:`graph.timeline.Tie`), with its ends named."""

    key: str
    iri: str
    subject: EntityRef
    relation: str
    relation_label: str
    object: EntityRef | None
    claims: tuple[str, ...]
    first: str | None
    last: str | None
    presumed_until: str | None
    ended_on: str | None
    end_reason: str | None
    ended_by: str | None
    always: bool
    one_off: bool
    factual: bool
    disputed: bool

    def timeline_tie(self) -> Tie:
        day = lambda s: _dt.date.fromisoformat(s) if s else None
        return Tie(self.key, self.subject.id, self.relation, self.object.id if self.object else None, self.claims,
                   day(self.first), day(self.last), day(self.ended_on), self.end_reason, self.ended_by,
                   self.always, self.one_off, self.factual)

    def status_at(self, when: Period) -> str | None:
        """``holds``, ``presumed``, ``ended`` or ``None`` at ``when`` (:func:`graph.timeline.status_at`)."""
        return status_at(_tie(self), when)

    def spans(self) -> list[dict]:
        """The tie's runs ``{"status", "from", "to"}`` (:func:`graph.timeline.span_dicts`)."""
        return span_dicts(_tie(self))


@lru_cache(maxsize=200_000)
def _tie(record: TieRecord) -> Tie:
    return record.timeline_tie()


@dataclass(frozen=True)
class SourceRecord:
    id: str
    iri: str
    title: str | None
    author: str | None
    publisher: str | None
    date: str | None
    file: str | None
    circa: bool
    note: str | None
    covers: str | None
    part_of: str | None
    line_start: int | None
    line_end: int | None
    claims: int = 0
    cite_as: str | None = None


def to_json(value: Any) -> Any:
    """A record (or a list or dict of them) as fresh JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------------------------ queries

_ENTITIES = """
SELECT ?id ?label ?kind ?subtype ?note WHERE {
  %(pattern)s
  ?cls cakg:kindName ?kind . FILTER(?kind != "source") ?e a ?cls ; cakg:id ?id ; rdfs:label ?label .
  OPTIONAL { ?e cakg:subtype ?subtype } OPTIONAL { ?e skos:note ?note }
}"""  # kinds first: at 5 M triples 8 s instead of 38 s in pyoxigraph (it joins in the order written)

_NAMES = """
SELECT ?id ?p ?text (LANG(?text) AS ?lang) WHERE {
  %(pattern)s
  VALUES ?p { rdfs:label skos:altLabel } ?e cakg:id ?id ; ?p ?text
}"""

_CLAIMS = """
SELECT ?c ?claim ?rel ?sid ?slabel ?skind ?oid ?olabel ?okind ?q ?qv ?qmin ?qmax ?qa ?qu
       ?start ?startp ?end ?endp ?asof ?asofp ?af ?au ?dating ?circa ?role ?note ?cby ?rby ?disputed ?tie ?file ?line
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
  OPTIONAL { ?c cakg:attestedFrom ?af } OPTIONAL { ?c cakg:attestedUntil ?au } OPTIONAL { ?c cakg:dating ?dating }
  OPTIONAL { ?c cakg:circa ?circa } OPTIONAL { ?c cakg:role ?role } OPTIONAL { ?c rdfs:comment ?note }
  OPTIONAL { ?c cakg:claimedBy/cakg:id ?cby } OPTIONAL { ?c cakg:reportedBy/cakg:id ?rby }
  OPTIONAL { ?c cakg:disputed ?disputed } OPTIONAL { ?c cakg:tie/cakg:id ?tie }
  OPTIONAL { ?c cakg:seedFile ?file } OPTIONAL { ?c cakg:seedLine ?line }
}"""

# A few claims (one entity's, a list of ids) are read by plain lookups instead of _CLAIMS: in
# pyoxigraph the OPTIONALs of _CLAIMS join over the whole graph (a hash join per OPTIONAL), so one
# entity's claims took 4 s at 1 M triples and 60 s at 5 M, against well under a second this way.
_CLAIM_TRIPLES = """
SELECT ?c ?p ?v WHERE {
  %(pattern)s
  ?c a cakg:Claim ; ?p ?v .
  FILTER(?p IN (cakg:id, cakg:subject, cakg:relation, cakg:object, cakg:start, cakg:startPrecision, cakg:end,
                cakg:endPrecision, cakg:asOf, cakg:asOfPrecision, cakg:attestedFrom, cakg:attestedUntil, cakg:dating,
                cakg:circa, cakg:role, rdfs:comment, cakg:claimedBy, cakg:reportedBy, cakg:disputed, cakg:tie,
                cakg:seedFile, cakg:seedLine))
}"""  # FILTER, not VALUES ?p: pyoxigraph joins two VALUES blocks over the whole graph

_NODE_TRIPLES = """
SELECT ?n ?p ?v WHERE {
  VALUES ?n { %(nodes)s }
  ?n ?p ?v FILTER(?p IN (cakg:id, rdfs:label, rdf:type, cakg:value, cakg:minValue, cakg:maxValue,
                         cakg:approximation, cakg:unit))
}"""

#: _CLAIM_TRIPLES predicates (local names; rdfs:comment as "comment") -> the _CLAIMS row keys
_CLAIM_KEYS = {"id": "claim", "subject": "s", "relation": "rel", "object": "o", "start": "start",
               "startPrecision": "startp", "end": "end", "endPrecision": "endp", "asOf": "asof",
               "asOfPrecision": "asofp", "attestedFrom": "af", "attestedUntil": "au", "dating": "dating",
               "circa": "circa", "role": "role", "comment": "note", "claimedBy": "cb", "reportedBy": "rb",
               "disputed": "disputed", "tie": "ti", "seedFile": "file", "seedLine": "line"}

_CLAIM_EXTRAS = """
SELECT ?c ?k ?v WHERE {
  %(pattern)s
  ?c a cakg:Claim .
  { ?c cakg:qualifier/cakg:name ?v BIND("qualifiers" AS ?k) }
  UNION { ?c cakg:scope/cakg:id ?v BIND("scope" AS ?k) }
  UNION { ?c cakg:jointWith/cakg:id ?v BIND("joint_with" AS ?k) }
  UNION { ?c cakg:disputes/cakg:id ?v BIND("disputed_by" AS ?k) }
}"""

_CLAIM_SOURCES = """
SELECT ?c ?cit ?doc ?title ?author ?date ?locator ?first ?last ?footnote ?parent WHERE {
  %(pattern)s
  ?c a cakg:Claim ; cakg:citation ?cit . ?cit cakg:document ?d . ?d cakg:id ?doc .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:creator ?author } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?d dcterms:isPartOf/cakg:id ?parent }
  OPTIONAL { ?cit cakg:locator ?locator } OPTIONAL { ?cit cakg:lineStart ?first } OPTIONAL { ?cit cakg:lineEnd ?last }
  OPTIONAL { ?cit cakg:footnote ?footnote }
}"""

_TIES = """
SELECT ?t ?key ?rel ?sid ?oid ?first ?last ?until ?ended ?reason ?by ?always ?oneoff ?factual WHERE {
  %(pattern)s
  ?t a cakg:Tie ; cakg:id ?key ; cakg:relation ?rel ; cakg:subject/cakg:id ?sid .
  OPTIONAL { ?t cakg:object/cakg:id ?oid }
  OPTIONAL { ?t cakg:firstAttested ?first } OPTIONAL { ?t cakg:lastAttested ?last }
  OPTIONAL { ?t cakg:presumedUntil ?until } OPTIONAL { ?t cakg:endedOn ?ended }
  OPTIONAL { ?t cakg:endReason ?reason } OPTIONAL { ?t cakg:endedBy/cakg:id ?by }
  OPTIONAL { ?t cakg:holdsAlways ?always } OPTIONAL { ?t cakg:oneOff ?oneoff } OPTIONAL { ?t cakg:factual ?factual }
}"""

_TIE_CLAIMS = """
SELECT ?t ?cid ?dis WHERE {
  %(pattern)s
  ?t a cakg:Tie ; cakg:attestation ?c . ?c cakg:id ?cid . OPTIONAL { ?c cakg:disputed ?dis }
}"""

_REFS = """
SELECT ?id ?label ?kind WHERE {
  %(pattern)s
  ?e cakg:id ?id ; rdfs:label ?label ; a ?c . ?c cakg:kindName ?kind . FILTER(?kind != "source")
}"""

_SOURCES = """
SELECT ?id ?title ?author ?publisher ?date ?file ?circa ?note ?covers ?parent ?first ?last ?citeas
       (COUNT(DISTINCT ?c) AS ?claims) WHERE {
  ?d a cakg:SourceDocument ; cakg:id ?id .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:creator ?author }
  OPTIONAL { ?d dcterms:publisher ?publisher } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?d cakg:fileName ?file } OPTIONAL { ?d cakg:circa ?circa } OPTIONAL { ?d skos:note ?note }
  OPTIONAL { ?d cakg:covers ?covers } OPTIONAL { ?d dcterms:isPartOf/cakg:id ?parent }
  OPTIONAL { ?d cakg:lineStart ?first } OPTIONAL { ?d cakg:lineEnd ?last } OPTIONAL { ?d cakg:citeAs ?citeas }
  OPTIONAL { ?c cakg:citation/cakg:document ?d }
} GROUP BY ?id ?title ?author ?publisher ?date ?file ?circa ?note ?covers ?parent ?first ?last ?citeas ORDER BY ?id"""

_RELATIONS = """
SELECT ?r ?label ?inv ?cat ?def
       (GROUP_CONCAT(DISTINCT ?sk; SEPARATOR=" ") AS ?sks) (GROUP_CONCAT(DISTINCT ?ok; SEPARATOR=" ") AS ?oks)
       (SAMPLE(?sym) AS ?symmetric) (SAMPLE(?inst) AS ?instantaneous) (SAMPLE(?single) AS ?single_valued)
       (SAMPLE(?tl) AS ?timeless)
WHERE {
  ?r a cakg:Relation ; rdfs:label ?label .
  OPTIONAL { ?r cakg:inverseLabel ?inv } OPTIONAL { ?r cakg:category ?cat } OPTIONAL { ?r skos:definition ?def }
  OPTIONAL { ?r cakg:subjectKind ?sk } OPTIONAL { ?r cakg:objectKind ?ok }
  BIND(EXISTS { ?r a owl:SymmetricProperty } AS ?sym)
  OPTIONAL { ?r cakg:instantaneous ?inst } OPTIONAL { ?r cakg:singleValued ?single } OPTIONAL { ?r cakg:timeless ?tl }
} GROUP BY ?r ?label ?inv ?cat ?def ORDER BY ?r"""


def _iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ \n'):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def _number(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


# ------------------------------------------------------------------------------------ the catalog

class Catalog:
    """Immutable records of one store, read once each (see the module docstring).

    ``generation`` names what the catalog was read from (a build's store folder, a remote
    engine's live graph); a new generation gets a new catalog."""

    ENTITY_CACHE = 4096

    def __init__(self, store: GraphStore, generation: str | None = None):
        self.store = store
        self.generation = generation or str(id(store))
        self._lock = threading.RLock()
        self._memo: dict[Any, Any] = {}
        self.entity = lru_cache(maxsize=self.ENTITY_CACHE)(self._entity)          # type: ignore[method-assign]
        self.ties_of = lru_cache(maxsize=self.ENTITY_CACHE)(self._ties_of)        # type: ignore[method-assign]
        self.claims_of = lru_cache(maxsize=self.ENTITY_CACHE)(self._claims_of)    # type: ignore[method-assign]
        self.claim = lru_cache(maxsize=4 * self.ENTITY_CACHE)(self._claim)        # type: ignore[method-assign]

    def memo(self, key: Any, build):
        """``build()`` once per catalog and ``key`` (derived values: the index page, a layout)."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

    # -------------------------------------------------------------- the schema, from the store
    def relation_types(self) -> dict[str, dict]:
        """Every relation type of the ontology in the store, by name (plain dicts: copy before changing)."""
        def build():
            out: dict[str, dict] = {}
            for r in self.store.select(_RELATIONS):
                name = local_id(r["r"])
                out.setdefault(name, {
                    "name": name, "iri": r["r"], "label": r["label"], "inverse_label": r.get("inv") or r["label"],
                    "category": r.get("cat", ""), "definition": r.get("def", ""),
                    "subject_kinds": sorted(r.get("sks", "").split()), "object_kinds": sorted(r.get("oks", "").split()),
                    "symmetric": bool(r.get("symmetric", False)), "instantaneous": bool(r.get("instantaneous", False)),
                    "single_valued": bool(r.get("single_valued", False)), "timeless": bool(r.get("timeless", False)),
                })
            return out
        return self.memo("relations", build)

    def kinds(self) -> dict[str, dict]:
        """Entity kinds in legend order: ``{kind: {"label", "color", "shape"}}``."""
        def build():
            rows = self.store.select("""
                SELECT ?k ?label ?colour ?shape ?order WHERE {
                  ?c cakg:kindName ?k FILTER(?k != "source")
                  OPTIONAL { ?c rdfs:label ?label } OPTIONAL { ?c cakg:colour ?colour }
                  OPTIONAL { ?c cakg:shape ?shape } OPTIONAL { ?c cakg:order ?order }
                } ORDER BY ?order ?k""")
            return {r["k"]: {"label": r.get("label", r["k"]), "color": r.get("colour", "#bcbd22"),
                             "shape": r.get("shape", "dot")} for r in rows}
        return self.memo("kinds", build)

    def families(self) -> dict[str, dict]:
        """Relation families in legend order: ``{name: {"name", "label", "color"}}``."""
        def build():
            rows = self.store.select("""
                SELECT ?name ?label ?colour ?order WHERE {
                  ?f a cakg:RelationFamily ; cakg:name ?name ; skos:prefLabel ?label ; cakg:colour ?colour ; cakg:order ?order
                } ORDER BY ?order""")
            return {r["name"]: {"name": r["name"], "label": r["label"], "color": r["colour"]} for r in rows}
        return self.memo("families", build)

    def resolve_relations(self, names: Iterable[str]) -> list[str]:
        """Relation names from a user's filter: each item a relation name (``protectedBy``) or a
        family (``group-group``), comma-separated or not. ``ValueError`` naming an unknown one."""
        relations = self.relation_types()
        families = {r["category"] for r in relations.values()}
        chosen: list[str] = []
        for raw in names:
            for name in (n.strip() for n in raw.split(",")):
                if not name:
                    continue
                if name in relations:
                    chosen.append(name)
                elif name in families:
                    chosen.extend(r for r, meta in relations.items() if meta["category"] == name)
                else:
                    raise ValueError(f"unknown relation type or family {name!r} "
                                     f"(known families: {', '.join(sorted(f for f in families if f))})")
        return list(dict.fromkeys(chosen))

    # -------------------------------------------------------------- entities
    def _read_entities(self, pattern: str) -> dict[str, EntityRecord]:
        rows = self.store.select(_ENTITIES % {"pattern": pattern})
        names: dict[str, tuple[list, list]] = {}
        for r in self.store.select(_NAMES % {"pattern": pattern}):
            labels, aliases = names.setdefault(r["id"], ([], []))
            item = LangText(r["text"], r.get("lang") or "")
            target = aliases if r["p"].endswith("altLabel") else labels
            if item not in target:
                target.append(item)
        out: dict[str, EntityRecord] = {}
        for r in rows:
            if r["id"] in out:
                continue
            labels, aliases = names.get(r["id"], ([], []))
            out[r["id"]] = EntityRecord(r["id"], entity_iri(r["id"]), r["kind"], r["label"], r.get("subtype"), r.get("note"),
                                        tuple(sorted(labels, key=lambda x: (x.text, x.lang))),
                                        tuple(sorted(aliases, key=lambda x: (x.text, x.lang))))
        return out

    def _entity(self, entity_id: str) -> EntityRecord | None:
        if "entities" in self._memo:
            return self._memo["entities"].get(entity_id)
        try:
            iri = _iri(entity_iri(entity_id))
        except ValueError:
            return None
        return self._read_entities(f"VALUES ?e {{ {iri} }}").get(entity_id)

    def refs(self, ids: Iterable[str]) -> dict[str, EntityRef]:
        """``{id: EntityRef}`` (label and kind) for these entity ids, in one query."""
        ids = set(ids)
        if "entities" in self._memo:
            return {i: e.ref for i, e in self._memo["entities"].items() if i in ids}
        iris = " ".join(_iri(entity_iri(i)) for i in sorted(ids))
        if not iris:
            return {}
        return {r["id"]: EntityRef(r["id"], r["label"], r["kind"])
                for r in self.store.select(_REFS % {"pattern": f"VALUES ?e {{ {iris} }}"})}

    def entities(self) -> dict[str, EntityRecord]:
        """Every entity, by id, sorted by label."""
        def build():
            file = self.file()
            if file is not None:
                return file.entities()
            found = self._read_entities("")
            return dict(sorted(found.items(), key=lambda kv: (kv[1].label.lower(), kv[0])))
        return self.memo("entities", build)

    # -------------------------------------------------------------- claims
    def _schema_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """``({class IRI: kind name}, {IRI: cakg:name})`` of the ontology in the store."""
        def build():
            kinds = {r["c"]: r["k"] for r in self.store.select("SELECT ?c ?k WHERE { ?c cakg:kindName ?k }")}
            names = {r["x"]: r["n"] for r in self.store.select("SELECT ?x ?n WHERE { ?x cakg:name ?n }")}
            return kinds, names
        return self.memo("schema_names", build)

    def _claim_rows(self, pattern: str) -> list[dict]:
        """The rows _CLAIMS would give for ``pattern`` (one per claim), read by lookups: the claims'
        own triples, then those of the nodes they point at (subject, object, claimant, reporter, tie)."""
        claims: dict[str, dict] = {}
        for r in self.store.select(_CLAIM_TRIPLES % {"pattern": pattern}):
            key = _CLAIM_KEYS[_last(r["p"])]
            claims.setdefault(r["c"], {"c": r["c"]}).setdefault(key, r["v"])
        nodes = {c[k] for c in claims.values() for k in ("s", "o", "cb", "rb", "ti") if isinstance(c.get(k), str)}
        about: dict[str, dict[str, list]] = {}
        if nodes:
            listed = " ".join(_iri(n) for n in sorted(nodes))
            for r in self.store.select(_NODE_TRIPLES % {"nodes": listed}):
                about.setdefault(r["n"], {}).setdefault(_last(r["p"]), []).append(r["v"])
        kinds, names = self._schema_names()

        def ref(node) -> tuple | None:  # (id, label, kind) of an entity node, as _CLAIMS joins them
            a = about.get(node, {})
            kind = next((kinds[t] for t in a.get("type", ()) if t in kinds), None)
            if a.get("id") and a.get("label") and kind is not None:
                return a["id"][0], a["label"][0], kind
            return None

        def node_id(node) -> str | None:
            return about.get(node, {}).get("id", [None])[0] if node else None

        rows = []
        for c in claims.values():
            if not all(k in c for k in ("claim", "s", "rel", "o")):
                continue
            subject = ref(c["s"])
            if subject is None:
                continue
            row = {k: v for k, v in c.items() if k not in ("s", "o", "cb", "rb", "ti", "startp", "endp", "asofp")}
            row["sid"], row["slabel"], row["skind"] = subject
            obj = ref(c["o"])
            if obj is not None:
                row["oid"], row["olabel"], row["okind"] = obj
            a = about.get(c["o"], {})
            if _QUANTITY in a.get("type", ()) and a.get("value"):
                row["q"], row["qv"] = c["o"], a["value"][0]
                for key, name in (("qmin", "minValue"), ("qmax", "maxValue"), ("qu", "unit")):
                    if a.get(name):
                        row[key] = a[name][0]
                approx = next((names[x] for x in a.get("approximation", ()) if x in names), None)
                if approx is not None:
                    row["qa"] = approx
            for value, precision in (("start", "startp"), ("end", "endp"), ("asof", "asofp")):
                if value in c and precision in c:  # a precision only beside its date, as in _CLAIMS
                    row[precision] = c[precision]
            for key, node in (("cby", c.get("cb")), ("rby", c.get("rb")), ("tie", c.get("ti"))):
                if node_id(node) is not None:
                    row[key] = node_id(node)
            rows.append(row)
        return rows

    def _read_claims(self, pattern: str) -> dict[str, ClaimRecord]:
        relations = self.relation_types()
        # the whole graph in one query (hash joins suit it); a few claims by lookups (_claim_rows)
        rows = self.store.select(_CLAIMS % {"pattern": pattern}) if not pattern else self._claim_rows(pattern)
        if not rows:
            return {}
        extras: dict[str, dict[str, list]] = {}
        for r in self.store.select(_CLAIM_EXTRAS % {"pattern": pattern}):
            bucket = extras.setdefault(r["c"], {}).setdefault(r["k"], [])
            if r["v"] not in bucket:
                bucket.append(r["v"])
        cites: dict[str, dict[str, Citation]] = {}
        for r in self.store.select(_CLAIM_SOURCES % {"pattern": pattern}):
            cites.setdefault(r["c"], {}).setdefault(r["cit"], Citation(
                r["doc"], r.get("title"), r.get("author"), _text(r.get("date")), r.get("locator"), r.get("first"),
                r.get("last"), _text(r.get("footnote")), r.get("parent")))
        out: dict[str, ClaimRecord] = {}
        for r in rows:
            if r["claim"] in out:
                continue
            rel = local_id(r["rel"])
            x = extras.get(r["c"], {})
            quantity = None
            if r.get("q"):
                quantity = Quantity(_number(r["qv"]), _number(r.get("qmin")), _number(r.get("qmax")), r.get("qa"), r.get("qu"))
            disputed_by = tuple(sorted(x.get("disputed_by", ())))
            out[r["claim"]] = ClaimRecord(
                id=r["claim"], iri=r["c"], relation=rel, relation_label=relations.get(rel, {}).get("label", rel),
                subject=EntityRef(r["sid"], r["slabel"], r["skind"]),
                object=EntityRef(r["oid"], r.get("olabel"), r.get("okind")) if r.get("oid") else None,
                quantity=quantity,
                start=_text(r.get("start")), start_precision=r.get("startp"),
                end=_text(r.get("end")), end_precision=r.get("endp"),
                as_of=_text(r.get("asof")), as_of_precision=r.get("asofp"),
                attested_from=_text(r.get("af")), attested_until=_text(r.get("au")), dating=r.get("dating", ""),
                circa=bool(r.get("circa", False)), qualifiers=tuple(sorted(x.get("qualifiers", ()))),
                role=r.get("role"), note=r.get("note"), claimed_by=r.get("cby"), reported_by=r.get("rby"),
                scope=tuple(sorted(x.get("scope", ()))), joint_with=tuple(sorted(x.get("joint_with", ()))),
                disputed=bool(r.get("disputed", False)) or bool(disputed_by), disputed_by=disputed_by,
                sources=tuple(sorted(cites.get(r["c"], {}).values(), key=lambda c: (c.document, c.line_start or 0))),
                tie=r.get("tie"), seed_file=r.get("file"), seed_line=r.get("line"))
        return out

    def _claim(self, claim_id: str) -> ClaimRecord | None:
        if "claims" in self._memo:
            return self._memo["claims"].get(claim_id)
        return self.claims_by_id([claim_id]).get(claim_id)

    def claims_by_id(self, ids: Iterable[str]) -> dict[str, ClaimRecord]:
        """The claims of these ids (one query for all of them, unless the whole graph is read)."""
        ids = list(dict.fromkeys(ids))
        if "claims" in self._memo:
            return {i: self._memo["claims"][i] for i in ids if i in self._memo["claims"]}
        try:
            iris = " ".join(_iri(claim_iri(i)) for i in ids)
        except ValueError:
            return {}
        return self._read_claims(f"VALUES ?c {{ {iris} }}") if iris else {}

    def claims(self) -> dict[str, ClaimRecord]:
        """Every claim, by id."""
        return self.memo("claims", lambda: self._read_claims(""))

    def _claims_of(self, entity_id: str) -> tuple[ClaimRecord, ...]:
        """Claims with the entity as subject or object, or naming it as claimant, reporter, scope or partner."""
        if "claims" in self._memo:
            return tuple(sorted((c for c in self._memo["claims"].values() if entity_id in _mentioned(c)),
                                key=lambda c: c.id))
        iri = _iri(entity_iri(entity_id))
        pattern = (f"VALUES ?x {{ {iri} }} {{ ?c cakg:subject ?x }} UNION {{ ?c cakg:object ?x }} UNION "
                   f"{{ ?c cakg:claimedBy ?x }} UNION {{ ?c cakg:reportedBy ?x }} UNION {{ ?c cakg:scope ?x }} "
                   f"UNION {{ ?c cakg:jointWith ?x }}")
        return tuple(sorted(self._read_claims(pattern).values(), key=lambda c: c.id))

    # -------------------------------------------------------------- ties
    def _read_ties(self, pattern: str) -> dict[str, TieRecord]:
        relations = self.relation_types()
        attestations: dict[str, list[str]] = {}
        disputed: set[str] = set()
        for r in self.store.select(_TIE_CLAIMS % {"pattern": pattern}):
            attestations.setdefault(r["t"], []).append(r["cid"])
            if r.get("dis"):
                disputed.add(r["t"])
        rows = self.store.select(_TIES % {"pattern": pattern})
        refs = self.refs({x for r in rows for x in (r["sid"], r.get("oid")) if x})
        out: dict[str, TieRecord] = {}
        for r in rows:
            if r["key"] in out:
                continue
            rel = local_id(r["rel"])
            out[r["key"]] = TieRecord(
                key=r["key"], iri=r["t"], subject=refs.get(r["sid"], EntityRef(r["sid"])), relation=rel,
                relation_label=relations.get(rel, {}).get("label", rel),
                object=refs.get(r["oid"], EntityRef(r["oid"])) if r.get("oid") else None,
                claims=tuple(sorted(set(attestations.get(r["t"], ())))),
                first=_text(r.get("first")), last=_text(r.get("last")), presumed_until=_text(r.get("until")),
                ended_on=_text(r.get("ended")), end_reason=r.get("reason"), ended_by=r.get("by"),
                always=bool(r.get("always", False)), one_off=bool(r.get("oneoff", False)),
                factual=r.get("factual") is not False, disputed=r["t"] in disputed)
        return out

    def ties(self) -> dict[str, TieRecord]:
        """Every tie, by key (sorted)."""
        return self.memo("ties", lambda: dict(sorted(self._read_ties("").items())))

    def ties_by_relation(self) -> dict[str, tuple[TieRecord, ...]]:
        def build():
            out: dict[str, list[TieRecord]] = {}
            for t in self.ties().values():
                out.setdefault(t.relation, []).append(t)
            return {k: tuple(v) for k, v in out.items()}
        return self.memo("ties_by_relation", build)

    def _ties_of(self, entity_id: str) -> tuple[TieRecord, ...]:
        """Ties with the entity as subject or object, by key."""
        if "ties" in self._memo:
            return tuple(t for t in self._memo["ties"].values()
                         if t.subject.id == entity_id or (t.object and t.object.id == entity_id))
        iri = _iri(entity_iri(entity_id))
        pattern = f"VALUES ?x {{ {iri} }} {{ ?t cakg:subject ?x }} UNION {{ ?t cakg:object ?x }}"
        return tuple(sorted(self._read_ties(pattern).values(), key=lambda t: t.key))

    # -------------------------------------------------------------- sources
    def sources(self) -> dict[str, SourceRecord]:
        """Every source document (chapters of a volume included), by id."""
        def build():
            out = {}
            for r in self.store.select(_SOURCES):
                if r["id"] in out:
                    continue
                out[r["id"]] = SourceRecord(
                    r["id"], str(SOURCE[r["id"]]), r.get("title"), r.get("author"), r.get("publisher"),
                    _text(r.get("date")), r.get("file"), bool(r.get("circa", False)), r.get("note"), r.get("covers"),
                    r.get("parent"), r.get("first"), r.get("last"), r.get("claims", 0), r.get("citeas"))
            return out
        return self.memo("sources", build)

    def claims_citing(self, source_id: str) -> tuple[ClaimRecord, ...]:
        """The claims citing a source (or one of its chapters)."""
        sid = _literal(source_id)
        pattern = (f'?c cakg:citation/cakg:document ?d . {{ ?d cakg:id "{sid}" }} UNION '
                   f'{{ ?d dcterms:isPartOf/cakg:id "{sid}" }}')
        return tuple(sorted(self._read_claims(pattern).values(), key=lambda c: c.id))

    # -------------------------------------------------------------- search
    def search_index(self):
        """The name index of every entity (:class:`graph.read.search.SearchIndex`), built once; for
        a store with a catalog file, its :class:`~graph.read.catalog_file.SearchTable` (nothing
        read into memory: SQLite answers each search)."""
        from .search import SearchIndex

        def build():
            file = self.file()
            if file is None:
                return SearchIndex(search_entries(self.entities()))
            return file.search_table()
        return self.memo("search", build)

    def file(self):
        """The store's catalog file (:mod:`graph.read.catalog_file`), or ``None`` (none written for
        this store, as for remote engines, or it does not match the store)."""
        from .catalog_file import open_catalog_file

        return self.memo("file", lambda: open_catalog_file(self.store))

    def warm(self) -> None:
        """Read the whole graph now (the app does this in the background for small graphs)."""
        self.relation_types()
        self.entities()
        self.claims()
        self.ties()
        self.search_index()


_QUANTITY = str(CAKG.Quantity)


def _last(iri: str) -> str:
    """The name after the last ``#`` or ``/`` of a predicate IRI (``rdfs:comment`` -> ``comment``)."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def search_entries(entities: dict[str, EntityRecord]):
    """``(entity dict, name, is_label)`` of every label and alias: what :class:`SearchIndex` indexes."""
    for e in entities.values():
        ref = {"id": e.id, "iri": e.iri, "kind": e.kind, "subtype": e.subtype, "label": e.label}
        for is_label, names in ((True, e.labels), (False, e.aliases)):
            for n in names:
                yield ref, n.text, is_label


def _literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _mentioned(c: ClaimRecord) -> set[str]:
    out = {c.subject.id, *(x for x in (c.claimed_by, c.reported_by) if x), *c.scope, *c.joint_with}
    if c.object:
        out.add(c.object.id)
    return out
