"""Turn a checked :class:`~graph.seeds.Dataset` into RDF.

Each claim becomes a ``cakg:Claim`` node (subject, relation, object, dates as written and as
attested, qualifiers, citations with locators, provenance to the seed file and line). The time
rule (:mod:`graph.timeline`) groups the claims into ties, written as ``cakg:Tie`` nodes with the
days they hold, are presumed and end (``ontology/time.ttl``), so that every reader, SPARQL users
included, gets the rule's answers instead of recomputing them. Each tie that has not ended (and
each one-off act) is also materialised as a direct triple ``subject relation object``, as Wikidata
does with its truthy statements, so that simple SPARQL stays simple. Memberships are also written
as W3C ORG ``org:Membership`` nodes with an OWL-Time interval.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..dates import PartialDate
from ..ontology import Schema, relation_times
from ..seeds import Claim, Dataset, parse_locator
from ..seeds.disputes import find_disputes
from ..timeline import Tie, build_ties
from ..vocab import CAKG, CLAIM, DISPUTE, ID, ORG, PREFIXES, PROV, SOURCE, TIE, TIME


def _date_literal(d: PartialDate) -> Literal:
    return Literal(str(d), datatype=XSD[d.rdf_datatype_name])


def _num(v: float) -> Literal:
    return Literal(int(v)) if v == int(v) else Literal(v, datatype=XSD.decimal)


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def compile_dataset(data: Dataset, schema: Schema) -> Graph:
    """The data graph (without the ontology)."""
    g = new_graph()
    for source in data.sources.values():
        s = SOURCE[source.id]
        g.add((s, RDF.type, CAKG.SourceDocument))
        g.add((s, CAKG.id, Literal(source.id)))
        g.add((s, RDFS.label, Literal(source.title, lang="en")))
        g.add((s, DCTERMS.title, Literal(source.title, lang="en")))
        g.add((s, DCTERMS.date, _date_literal(source.date)))
        g.add((s, CAKG.fileName, Literal(source.file)))
        if source.title_at:
            doc, first, last = parse_locator(source.title_at)
            lines = f"line {first}" if first == last else f"lines {first}-{last}"
            g.add((s, CAKG.titleLocator, Literal(f"{doc} {lines}")))
        if source.author:
            g.add((s, DCTERMS.creator, Literal(source.author)))
        if source.publisher:
            g.add((s, DCTERMS.publisher, Literal(source.publisher)))
        if source.circa:
            g.add((s, CAKG.circa, Literal(True)))
        if source.covers:
            g.add((s, CAKG.covers, Literal(source.covers_text)))
            g.add((s, CAKG.coversFrom, Literal(source.covers[0].first_day())))
            g.add((s, CAKG.coversUntil, Literal(source.covers[1].last_day())))
        if source.cite_as:
            g.add((s, CAKG.citeAs, Literal(source.cite_as)))
        if source.part_of:
            g.add((s, DCTERMS.isPartOf, SOURCE[source.part_of]))
            g.add((s, CAKG.lineStart, Literal(source.lines[0])))
            g.add((s, CAKG.lineEnd, Literal(source.lines[1])))
        if source.note:
            g.add((s, SKOS.note, Literal(source.note, lang="en")))

    for entity_set in data.sets.values():
        s = ID[entity_set.id]
        g.add((s, RDF.type, SKOS.Collection))
        g.add((s, RDF.type, CAKG.EntitySet))
        g.add((s, CAKG.id, Literal(entity_set.id)))
        g.add((s, RDFS.label, Literal(entity_set.label, lang="en")))
        for member in entity_set.members:
            g.add((s, SKOS.member, ID[member]))

    for entity in data.entities.values():
        e = ID[entity.id]
        kind = schema.kinds[entity.kind]
        g.add((e, RDF.type, URIRef(kind.iri)))
        if entity.subtype and entity.subtype in kind.subtypes:
            g.add((e, RDF.type, URIRef(kind.subtypes[entity.subtype])))
        g.add((e, CAKG.id, Literal(entity.id)))
        g.add((e, RDFS.label, Literal(entity.label, lang="en")))
        g.add((e, SKOS.prefLabel, Literal(entity.label, lang="en")))
        for text, lang in entity.aliases:
            g.add((e, SKOS.altLabel, Literal(text, lang=lang)))
        if entity.subtype:
            g.add((e, CAKG.subtype, Literal(entity.subtype)))
        if entity.note:
            g.add((e, SKOS.note, Literal(entity.note, lang="en")))
        g.add((e, CAKG.seedFile, Literal(entity.origin.file)))
        g.add((e, CAKG.seedLine, Literal(entity.origin.line)))

    disputes = find_disputes(data, schema)
    disputed = {cid for pair in disputes for cid in pair}
    ties = build_ties((c.dated for c in data.claims.values()), relation_times(schema))
    tie_of = {cid: t for t in ties for cid in t.claims}
    for claim in data.claims.values():
        _claim(g, claim, schema, claim.id in disputed, tie_of[claim.id])
    for tie in ties:
        _tie(g, tie, schema, data)
    for pair, reason in disputes.items():
        a, b = sorted(pair)
        g.add((CLAIM[a], CAKG.disputes, CLAIM[b]))
        g.add((CLAIM[b], CAKG.disputes, CLAIM[a]))
        node = URIRef(f"{DISPUTE}{a}--{b}")
        g.add((node, RDF.type, CAKG.Dispute))
        g.add((node, CAKG.between, CLAIM[a]))
        g.add((node, CAKG.between, CLAIM[b]))
        g.add((node, CAKG.reason, Literal(reason, lang="en")))
    return g


def _tie(g: Graph, tie: Tie, schema: Schema, data: Dataset) -> None:
    relation = schema.relations[tie.relation]
    t = TIE[tie.key]
    g.add((t, RDF.type, CAKG.Tie))
    g.add((t, CAKG.id, Literal(tie.key)))
    g.add((t, CAKG.subject, ID[tie.subject]))
    g.add((t, CAKG.relation, URIRef(relation.iri)))
    if tie.object:
        g.add((t, CAKG.object, ID[tie.object]))
    for cid in tie.claims:
        g.add((t, CAKG.attestation, CLAIM[cid]))
        g.add((CLAIM[cid], CAKG.tie, t))
    for prop, day in ((CAKG.firstAttested, tie.first), (CAKG.lastAttested, tie.last),
                      (CAKG.presumedUntil, tie.presumed_until), (CAKG.endedOn, tie.ended_on)):
        if day is not None:
            g.add((t, prop, Literal(day)))
    if tie.end_reason:
        g.add((t, CAKG.endReason, Literal(tie.end_reason)))
        g.add((t, CAKG.endedBy, CLAIM[tie.ended_by]))
    g.add((t, CAKG.holdsAlways, Literal(tie.always)))
    g.add((t, CAKG.oneOff, Literal(tie.one_off)))
    g.add((t, CAKG.factual, Literal(tie.factual)))
    if tie.factual and tie.ended_on is None:  # truthy: the ties that have not ended
        for cid in tie.claims:
            claim = data.claims[cid]
            obj = URIRef(f"{CLAIM[cid]}/quantity") if claim.quantity else ID[claim.object]
            g.add((ID[claim.subject], URIRef(relation.iri), obj))
            if relation.symmetric and not claim.quantity:
                g.add((obj, URIRef(relation.iri), ID[claim.subject]))


def _claim(g: Graph, claim: Claim, schema: Schema, disputed: bool, tie: Tie) -> None:
    relation = schema.relations[claim.relation]
    c = CLAIM[claim.id]
    subject = ID[claim.subject]
    g.add((c, RDF.type, CAKG.Claim))
    g.add((c, CAKG.id, Literal(claim.id)))
    g.add((c, CAKG.subject, subject))
    g.add((c, CAKG.relation, URIRef(relation.iri)))
    if claim.quantity:
        q = claim.quantity
        obj = URIRef(f"{c}/quantity")
        g.add((obj, RDF.type, CAKG.Quantity))
        g.add((obj, CAKG.value, _num(q.value)))
        if q.minimum is not None:
            g.add((obj, CAKG.minValue, _num(q.minimum)))
        if q.maximum is not None:
            g.add((obj, CAKG.maxValue, _num(q.maximum)))
        g.add((obj, CAKG.approximation, URIRef(schema.approximations[q.approx].iri)))
        if q.unit:
            g.add((obj, CAKG.unit, Literal(q.unit, lang="en")))
    else:
        obj = ID[claim.object]
    g.add((c, CAKG.object, obj))

    for prop, value, precision in ((CAKG.start, claim.start, CAKG.startPrecision),
                                   (CAKG.end, claim.end, CAKG.endPrecision),
                                   (CAKG.asOf, claim.as_of, CAKG.asOfPrecision)):
        if value:
            g.add((c, prop, _date_literal(value)))
            g.add((c, precision, Literal(value.precision)))
    if claim.start:
        g.add((c, CAKG.validFrom, Literal(claim.start.first_day())))
    if claim.end:
        g.add((c, CAKG.validUntil, Literal(claim.end.last_day())))
    dated = claim.dated
    if dated.first is not None:
        g.add((c, CAKG.attestedFrom, Literal(dated.first)))
        g.add((c, CAKG.attestedUntil, Literal(dated.last)))
    g.add((c, CAKG.dating, Literal(dated.dating)))
    for other in claim.joint_with:
        g.add((c, CAKG.jointWith, ID[other]))
    for entity_set in claim.from_set.values():
        g.add((c, CAKG.statedFor, ID[entity_set]))
    if claim.cue_exempt:
        g.add((c, CAKG.cueExempt, Literal(claim.cue_exempt, lang="en")))
    if claim.circa:
        g.add((c, CAKG.circa, Literal(True)))
    for q in claim.qualifiers:
        g.add((c, CAKG.qualifier, URIRef(schema.qualifiers[q].iri)))
    if claim.claimed_by:
        g.add((c, CAKG.claimedBy, ID[claim.claimed_by]))
    if claim.reported_by:
        g.add((c, CAKG.reportedBy, ID[claim.reported_by]))
    for place in claim.scope:
        g.add((c, CAKG.scope, ID[place]))
    if claim.role:
        g.add((c, CAKG.role, Literal(claim.role, lang="en")))
    if claim.note:
        g.add((c, RDFS.comment, Literal(claim.note, lang="en")))
    g.add((c, CAKG.disputed, Literal(disputed)))

    for i, cit in enumerate(claim.citations):
        node = URIRef(f"{c}/citation/{i + 1}")
        g.add((c, CAKG.citation, node))
        g.add((node, RDF.type, CAKG.Citation))
        g.add((node, CAKG.document, SOURCE[cit.document]))
        g.add((node, CAKG.locator, Literal(cit.locator)))
        g.add((node, CAKG.lineStart, Literal(cit.first)))
        g.add((node, CAKG.lineEnd, Literal(cit.last)))
        if cit.footnote:
            g.add((node, CAKG.footnote, Literal(cit.footnote)))
        g.add((c, PROV.wasDerivedFrom, SOURCE[cit.document]))
    g.add((c, CAKG.seedFile, Literal(claim.origin.file)))
    g.add((c, CAKG.seedLine, Literal(claim.origin.line)))

    g.add((c, CAKG.current, Literal(tie.factual and tie.ended_on is None)))

    if relation.name == "memberOf":
        m = URIRef(f"{c}/membership")
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, subject))
        g.add((m, ORG.organization, obj))
        g.add((m, PROV.wasDerivedFrom, c))
        if claim.start or claim.end:
            interval = URIRef(f"{c}/interval")
            g.add((m, ORG.memberDuring, interval))
            g.add((interval, RDF.type, TIME.Interval))
            for prop, value, name in ((TIME.hasBeginning, claim.start, "begin"), (TIME.hasEnd, claim.end, "end")):
                if value:
                    instant = URIRef(f"{interval}/{name}")
                    g.add((interval, prop, instant))
                    g.add((instant, RDF.type, TIME.Instant))
                    g.add((instant, TIME.inXSDDate if value.precision == "day" else
                           (TIME.inXSDgYearMonth if value.precision == "month" else TIME.inXSDgYear),
                           _date_literal(value)))
