"""Turn a checked :class:`~graph.seeds.Dataset` into RDF, written straight as N-Triples lines.

Each claim becomes a ``cakg:Claim`` node (subject, relation, object, dates as written and as
attested, qualifiers, citations with locators, provenance to the seed file and line). The time
rule (:mod:`graph.timeline`) groups the claims into ties, written as ``cakg:Tie`` nodes with the
days they hold, are presumed and end (``ontology/time.ttl``), so that every reader, SPARQL users
included, gets the rule's answers instead of recomputing them. Each tie that has not ended (and
each one-off act) is also materialised as a direct triple ``subject relation object``, as Wikidata
does with its truthy statements, so that simple SPARQL stays simple. Memberships are also written
as W3C ORG ``org:Membership`` nodes with an OWL-Time interval.

The compiler writes text, not an in-memory graph: :meth:`Compilation.chunks` yields N-Triples a
claim at a time, which the build streams into the store's bulk loader (so the claims are never
held twice, once as seeds and once as RDF objects). Whoever wants an rdflib graph (tests,
notebooks) parses that text (:attr:`graph.build.Compiled.graph`).

>>> _literal('say "hi"\\n'), _literal("imu", "en"), _date(PartialDate(2015, 3, None))
('"say \\\\"hi\\\\"\\\\n"', '"imu"@en', '"2015-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>')
>>> _number(3.0), _number(2.5)
('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"2.5"^^<http://www.w3.org/2001/XMLSchema#decimal>')
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable, Iterator

from ..dates import PartialDate
from ..ontology import Schema, relation_times
from ..seeds import Claim, Dataset, parse_locator
from ..seeds.disputes import find_disputes
from ..timeline import Tie, build_ties
from ..vocab import CAKG, CLAIM, DISPUTE, ID, ORG, PROV, SOURCE, TIE, TIME

ID_, CLAIM_, SOURCE_, TIE_, DISPUTE_ = (str(ns) for ns in (ID, CLAIM, SOURCE, TIE, DISPUTE))

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDFS_COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
TRUE = f'"true"^^<{XSD}boolean>'
FALSE = f'"false"^^<{XSD}boolean>'


class _Terms:
    """``_Terms(ns).name`` is the N-Triples IRI ``<ns + name>`` (made once, then a plain attribute)."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> str:
        term = f"<{self._base}{name}>"
        setattr(self, name, term)
        return term


K = _Terms(str(CAKG))
SKOS = _Terms("http://www.w3.org/2004/02/skos/core#")
DCT = _Terms("http://purl.org/dc/terms/")
O = _Terms(str(ORG))
P = _Terms(str(PROV))
T = _Terms(str(TIME))


def _iri(base: str, local: str) -> str:
    return f"<{base}{local}>"


def _literal(text: str, lang: str | None = None) -> str:
    quoted = '"' + str(text).translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def _en(text: str) -> str:
    return '"' + str(text).translate(_ESCAPES) + '"@en'


def _int(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def _bool(b: bool) -> str:
    return TRUE if b else FALSE


def _day(d: _dt.date) -> str:
    return f'"{d.isoformat()}"^^<{XSD}date>'


def _date(d: PartialDate) -> str:
    return f'"{d}"^^<{XSD}{d.rdf_datatype_name}>'


def _number(v: float) -> str:
    return _int(int(v)) if v == int(v) else f'"{v}"^^<{XSD}decimal>'


Add = Callable[[str, str, str], None]


@dataclass
class Compilation:
    """A dataset ready to be written as RDF: the disputes and ties are worked out, the triples
    are made on demand by :meth:`chunks`."""

    data: Dataset
    schema: Schema
    disputes: dict[frozenset[str], str]
    ties: list[Tie]

    def chunks(self, claims_per_chunk: int = 200) -> Iterator[str]:
        """The data graph (without the ontology) as N-Triples text, in pieces of whole lines."""
        out: list[str] = []

        def add(s: str, p: str, o: str) -> None:
            out.append(f"{s} {p} {o} .\n")

        def flush() -> str:
            text = "".join(out)
            out.clear()
            return text

        data, schema = self.data, self.schema
        for source in data.sources.values():
            _source(add, source)
        for entity_set in data.sets.values():
            s = _iri(ID_, entity_set.id)
            add(s, RDF_TYPE, SKOS.Collection)
            add(s, RDF_TYPE, K.EntitySet)
            add(s, K.id, _literal(entity_set.id))
            add(s, RDFS_LABEL, _en(entity_set.label))
            for member in entity_set.members:
                add(s, SKOS.member, _iri(ID_, member))
        yield flush()
        for i, entity in enumerate(data.entities.values()):
            _entity(add, entity, schema)
            if i % claims_per_chunk == 0:
                yield flush()
        disputed = {cid for pair in self.disputes for cid in pair}
        tie_of = {cid: t for t in self.ties for cid in t.claims}
        for i, claim in enumerate(data.claims.values()):
            _claim(add, claim, schema, claim.id in disputed, tie_of[claim.id])
            if i % claims_per_chunk == 0:
                yield flush()
        for i, tie in enumerate(self.ties):
            _tie(add, tie, schema, data)
            if i % claims_per_chunk == 0:
                yield flush()
        for pair, reason in self.disputes.items():
            a, b = sorted(pair)
            ca, cb = _iri(CLAIM_, a), _iri(CLAIM_, b)
            add(ca, K.disputes, cb)
            add(cb, K.disputes, ca)
            node = f"<{DISPUTE_}{a}--{b}>"
            add(node, RDF_TYPE, K.Dispute)
            add(node, K.between, ca)
            add(node, K.between, cb)
            add(node, K.reason, _en(reason))
        yield flush()


def compile_dataset(data: Dataset, schema: Schema) -> Compilation:
    """Work out the disputes and the ties of ``data``; the triples come from the result's
    :meth:`~Compilation.chunks`."""
    disputes = find_disputes(data, schema)
    ties = build_ties((c.dated for c in data.claims.values()), relation_times(schema))
    return Compilation(data, schema, disputes, ties)


def _source(add: Add, source) -> None:
    s = _iri(SOURCE_, source.id)
    add(s, RDF_TYPE, K.SourceDocument)
    add(s, K.id, _literal(source.id))
    add(s, RDFS_LABEL, _en(source.title))
    add(s, DCT.title, _en(source.title))
    add(s, DCT.date, _date(source.date))
    add(s, K.fileName, _literal(source.file))
    if source.title_at:
        doc, first, last = parse_locator(source.title_at)
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        add(s, K.titleLocator, _literal(f"{doc} {lines}"))
    if source.author:
        add(s, DCT.creator, _literal(source.author))
    if source.publisher:
        add(s, DCT.publisher, _literal(source.publisher))
    if source.circa:
        add(s, K.circa, TRUE)
    if source.covers:
        add(s, K.covers, _literal(source.covers_text))
        add(s, K.coversFrom, _day(source.covers[0].first_day()))
        add(s, K.coversUntil, _day(source.covers[1].last_day()))
    if source.cite_as:
        add(s, K.citeAs, _literal(source.cite_as))
    if source.part_of:
        add(s, DCT.isPartOf, _iri(SOURCE_, source.part_of))
        add(s, K.lineStart, _int(source.lines[0]))
        add(s, K.lineEnd, _int(source.lines[1]))
    if source.note:
        add(s, SKOS.note, _en(source.note))


def _entity(add: Add, entity, schema: Schema) -> None:
    e = _iri(ID_, entity.id)
    kind = schema.kinds[entity.kind]
    add(e, RDF_TYPE, f"<{kind.iri}>")
    if entity.subtype and entity.subtype in kind.subtypes:
        add(e, RDF_TYPE, f"<{kind.subtypes[entity.subtype]}>")
    add(e, K.id, _literal(entity.id))
    label = _en(entity.label)
    add(e, RDFS_LABEL, label)
    add(e, SKOS.prefLabel, label)
    for text, lang in entity.aliases:
        add(e, SKOS.altLabel, _literal(text, lang))
    if entity.subtype:
        add(e, K.subtype, _literal(entity.subtype))
    if entity.note:
        add(e, SKOS.note, _en(entity.note))
    add(e, K.seedFile, _literal(entity.origin.file))
    add(e, K.seedLine, _int(entity.origin.line))


def _tie(add: Add, tie: Tie, schema: Schema, data: Dataset) -> None:
    relation = schema.relations[tie.relation]
    rel = f"<{relation.iri}>"
    t = _iri(TIE_, tie.key)
    add(t, RDF_TYPE, K.Tie)
    add(t, K.id, _literal(tie.key))
    add(t, K.subject, _iri(ID_, tie.subject))
    add(t, K.relation, rel)
    if tie.object:
        add(t, K.object, _iri(ID_, tie.object))
    for cid in tie.claims:
        c = _iri(CLAIM_, cid)
        add(t, K.attestation, c)
        add(c, K.tie, t)
    for prop, day in ((K.firstAttested, tie.first), (K.lastAttested, tie.last),
                      (K.presumedUntil, tie.presumed_until), (K.endedOn, tie.ended_on)):
        if day is not None:
            add(t, prop, _day(day))
    if tie.end_reason:
        add(t, K.endReason, _literal(tie.end_reason))
        add(t, K.endedBy, _iri(CLAIM_, tie.ended_by))
    add(t, K.holdsAlways, _bool(tie.always))
    add(t, K.oneOff, _bool(tie.one_off))
    add(t, K.factual, _bool(tie.factual))
    if tie.factual and tie.ended_on is None:  # truthy: the ties that have not ended
        for cid in tie.claims:
            claim = data.claims[cid]
            obj = f"<{CLAIM_}{cid}/quantity>" if claim.quantity else _iri(ID_, claim.object)
            subject = _iri(ID_, claim.subject)
            add(subject, rel, obj)
            if relation.symmetric and not claim.quantity:
                add(obj, rel, subject)


def _claim(add: Add, claim: Claim, schema: Schema, disputed: bool, tie: Tie) -> None:
    relation = schema.relations[claim.relation]
    base = f"{CLAIM_}{claim.id}"
    c = f"<{base}>"
    subject = _iri(ID_, claim.subject)
    add(c, RDF_TYPE, K.Claim)
    add(c, K.id, _literal(claim.id))
    add(c, K.subject, subject)
    add(c, K.relation, f"<{relation.iri}>")
    if claim.quantity:
        q = claim.quantity
        obj = f"<{base}/quantity>"
        add(obj, RDF_TYPE, K.Quantity)
        add(obj, K.value, _number(q.value))
        if q.minimum is not None:
            add(obj, K.minValue, _number(q.minimum))
        if q.maximum is not None:
            add(obj, K.maxValue, _number(q.maximum))
        add(obj, K.approximation, f"<{schema.approximations[q.approx].iri}>")
        if q.unit:
            add(obj, K.unit, _en(q.unit))
    else:
        obj = _iri(ID_, claim.object)
    add(c, K.object, obj)

    for prop, value, precision in ((K.start, claim.start, K.startPrecision),
                                   (K.end, claim.end, K.endPrecision),
                                   (K.asOf, claim.as_of, K.asOfPrecision)):
        if value:
            add(c, prop, _date(value))
            add(c, precision, _literal(value.precision))
    if claim.start:
        add(c, K.validFrom, _day(claim.start.first_day()))
    if claim.end:
        add(c, K.validUntil, _day(claim.end.last_day()))
    dated = claim.dated
    if dated.first is not None:
        add(c, K.attestedFrom, _day(dated.first))
        add(c, K.attestedUntil, _day(dated.last))
    add(c, K.dating, _literal(dated.dating))
    for other in claim.joint_with:
        add(c, K.jointWith, _iri(ID_, other))
    for entity_set in claim.from_set.values():
        add(c, K.statedFor, _iri(ID_, entity_set))
    if claim.cue_exempt:
        add(c, K.cueExempt, _en(claim.cue_exempt))
    if claim.circa:
        add(c, K.circa, TRUE)
    for q in claim.qualifiers:
        add(c, K.qualifier, f"<{schema.qualifiers[q].iri}>")
    if claim.claimed_by:
        add(c, K.claimedBy, _iri(ID_, claim.claimed_by))
    if claim.reported_by:
        add(c, K.reportedBy, _iri(ID_, claim.reported_by))
    for place in claim.scope:
        add(c, K.scope, _iri(ID_, place))
    if claim.role:
        add(c, K.role, _en(claim.role))
    if claim.note:
        add(c, RDFS_COMMENT, _en(claim.note))
    add(c, K.disputed, _bool(disputed))

    for i, cit in enumerate(claim.citations):
        node = f"<{base}/citation/{i + 1}>"
        document = _iri(SOURCE_, cit.document)
        add(c, K.citation, node)
        add(node, RDF_TYPE, K.Citation)
        add(node, K.document, document)
        add(node, K.locator, _literal(cit.locator))
        add(node, K.lineStart, _int(cit.first))
        add(node, K.lineEnd, _int(cit.last))
        if cit.footnote:
            add(node, K.footnote, _literal(cit.footnote))
        add(c, P.wasDerivedFrom, document)
    add(c, K.seedFile, _literal(claim.origin.file))
    add(c, K.seedLine, _int(claim.origin.line))

    add(c, K.current, _bool(tie.factual and tie.ended_on is None))

    if relation.name == "memberOf":
        m = f"<{base}/membership>"
        add(m, RDF_TYPE, O.Membership)
        add(m, O.member, subject)
        add(m, O.organization, obj)
        add(m, P.wasDerivedFrom, c)
        if claim.start or claim.end:
            interval = f"{base}/interval"
            add(m, O.memberDuring, f"<{interval}>")
            add(f"<{interval}>", RDF_TYPE, T.Interval)
            for prop, value, name in ((T.hasBeginning, claim.start, "begin"), (T.hasEnd, claim.end, "end")):
                if value:
                    instant = f"<{interval}/{name}>"
                    add(f"<{interval}>", prop, instant)
                    add(instant, RDF_TYPE, T.Instant)
                    add(instant, T.inXSDDate if value.precision == "day" else
                        (T.inXSDgYearMonth if value.precision == "month" else T.inXSDgYear), _date(value))
