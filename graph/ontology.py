"""The schema, read from ``ontology/*.ttl``: entity kinds, relation types and the vocabularies.

Nothing about kinds, relations, qualifiers, approximations or colours is written in Python: add a
relation to ``cakg.ttl`` (with its ``cakg:subjectKind``/``cakg:objectKind`` annotations) or a
qualifier to ``vocabulary.ttl`` and the seeds may use it at once.

>>> schema = load_schema()
>>> schema.relations["protectedBy"].inverse_label
'protects'
>>> "group" in schema.relations["protectedBy"].subject_kinds
True
>>> schema.qualifiers["forecast"].factual, schema.qualifiers["former"].ends_before_source_period
(False, True)
>>> schema.approximations["fewer_than"].bound, schema.families["group-group"].colour
('upper', '#d62728')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from .settings import Settings
from .timeline import RelationTime
from .vocab import CAKG

ANY = "*"
QUANTITY = "quantity"


@dataclass(frozen=True)
class Relation:
    name: str
    iri: str
    label: str
    inverse_label: str
    category: str
    subject_kinds: frozenset[str]
    object_kinds: frozenset[str]
    symmetric: bool = False
    instantaneous: bool = False
    single_valued: bool = False
    definition: str = ""
    timeless: bool = False          # holds at every date once attested
    single_subject: bool = False    # an object has one subject at a time (a group, one leader)
    ends_offices: bool = False      # an act ending a person: ends their ties of ended_by_death relations
    ended_by_death: bool = False
    ends_ties_to: bool = False      # an act of leaving: ends the subject's ended_by_leaving ties to the object
    ended_by_leaving: bool = False
    cues: tuple[str, ...] = ()      # words one of which the cited lines must carry (ontology/cues.ttl)

    @property
    def is_quantity(self) -> bool:
        return QUANTITY in self.object_kinds

    def allows(self, side: str, kind: str) -> bool:
        kinds = self.subject_kinds if side == "subject" else self.object_kinds
        return ANY in kinds or kind in kinds


@dataclass(frozen=True)
class Kind:
    name: str
    iri: str
    label: str
    subtypes: dict[str, str] = field(default_factory=dict)  # subtype name -> subclass IRI
    colour: str = "#bcbd22"
    shape: str = "dot"
    order: int = 99


@dataclass(frozen=True)
class Qualifier:
    """A qualifier of claims (``vocabulary.ttl``): a hedge, a kind of statement, or ``former``."""

    name: str
    iri: str
    label: str
    definition: str
    hedge: bool = False
    factual: bool = True
    ends_before_source_period: bool = False


@dataclass(frozen=True)
class Approximation:
    """How a figure is given; ``bound`` is point, approximate, lower, upper or range."""

    name: str
    iri: str
    label: str
    bound: str
    tolerance: float = 0.0
    strict: bool = False


@dataclass(frozen=True)
class Family:
    """A family of relation types (``cakg:category`` of a relation names it), with its colour."""

    name: str
    iri: str
    label: str
    colour: str
    order: int


@dataclass(frozen=True)
class Schema:
    graph: Graph
    kinds: dict[str, Kind]
    relations: dict[str, Relation]
    qualifiers: dict[str, Qualifier] = field(default_factory=dict)
    approximations: dict[str, Approximation] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)

    def kind_of_class(self, iri: str) -> str | None:
        for kind in self.kinds.values():
            if kind.iri == iri or iri in kind.subtypes.values():
                return kind.name
        return None


def ontology_files(directory: Path | None = None) -> list[Path]:
    directory = directory or Settings().ontology_dir
    return sorted(p for p in directory.glob("*.ttl") if p.name != "shapes.ttl")


def load_ontology_graph(directory: Path | None = None) -> Graph:
    g = Graph()
    for path in ontology_files(directory):
        g.parse(path, format="turtle")
    return g


def _text(g: Graph, node, prop) -> str:
    value = g.value(node, prop)
    return str(value) if value is not None else ""


def _flag(g: Graph, node, prop, default: bool = False) -> bool:
    value = g.value(node, prop)
    return value.toPython() is True if isinstance(value, Literal) else default


def _number(g: Graph, node, prop, default: float) -> float:
    value = g.value(node, prop)
    return float(value.toPython()) if isinstance(value, Literal) else default


def _concepts(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(g.subjects(RDF.type, cls), key=lambda c: (_number(g, c, CAKG.order, 99), str(c)))


@lru_cache(maxsize=4)
def load_schema(directory: Path | None = None) -> Schema:
    g = load_ontology_graph(directory)
    kinds: dict[str, Kind] = {}
    for cls, name in g.subject_objects(CAKG.kindName):
        subtypes = {
            str(sub).rsplit("#", 1)[-1].lower(): str(sub)
            for sub in g.subjects(RDFS.subClassOf, cls)
            if (sub, CAKG.kindName, None) not in g
        }
        kinds[str(name)] = Kind(str(name), str(cls), _text(g, cls, RDFS.label), subtypes,
                                _text(g, cls, CAKG.colour) or Kind.colour, _text(g, cls, CAKG.shape) or Kind.shape,
                                int(_number(g, cls, CAKG.order, 99)))
    relations: dict[str, Relation] = {}
    for prop in g.subjects(RDF.type, CAKG.Relation):
        name = str(prop)[len(str(CAKG)):]
        label = _text(g, prop, RDFS.label)
        relations[name] = Relation(
            name=name,
            iri=str(prop),
            label=label,
            inverse_label=_text(g, prop, CAKG.inverseLabel) or label,
            category=_text(g, prop, CAKG.category),
            subject_kinds=frozenset(str(k) for k in g.objects(prop, CAKG.subjectKind)),
            object_kinds=frozenset(str(k) for k in g.objects(prop, CAKG.objectKind)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
            instantaneous=_flag(g, prop, CAKG.instantaneous),
            single_valued=_flag(g, prop, CAKG.singleValued),
            definition=_text(g, prop, SKOS.definition),
            timeless=_flag(g, prop, CAKG.timeless),
            single_subject=_flag(g, prop, CAKG.singleSubject),
            ends_offices=_flag(g, prop, CAKG.endsOffices),
            ended_by_death=_flag(g, prop, CAKG.endedByDeath),
            ends_ties_to=_flag(g, prop, CAKG.endsTiesTo),
            ended_by_leaving=_flag(g, prop, CAKG.endedByLeaving),
            cues=tuple(sorted(str(c) for c in g.objects(prop, CAKG.cue))),
        )
    qualifiers = {
        _text(g, q, CAKG.name): Qualifier(
            _text(g, q, CAKG.name), str(q), _text(g, q, SKOS.prefLabel), _text(g, q, SKOS.definition),
            hedge=_flag(g, q, CAKG.hedge), factual=_flag(g, q, CAKG.factual, default=True),
            ends_before_source_period=_flag(g, q, CAKG.endsBeforeSourcePeriod))
        for q in _concepts(g, CAKG.Qualifier)}
    approximations = {
        _text(g, a, CAKG.name): Approximation(
            _text(g, a, CAKG.name), str(a), _text(g, a, SKOS.prefLabel), _text(g, a, CAKG.bound),
            tolerance=_number(g, a, CAKG.tolerance, 0.0), strict=_flag(g, a, CAKG.strict))
        for a in _concepts(g, CAKG.Approximation)}
    families = {
        _text(g, f, CAKG.name): Family(_text(g, f, CAKG.name), str(f), _text(g, f, SKOS.prefLabel),
                                       _text(g, f, CAKG.colour), int(_number(g, f, CAKG.order, 99)))
        for f in _concepts(g, CAKG.RelationFamily)}
    return Schema(g, kinds, dict(sorted(relations.items())), qualifiers, approximations, families)


def relation_times(schema: Schema) -> dict[str, RelationTime]:
    """What the time rule (:mod:`graph.timeline`) needs to know of each relation."""
    return {r.name: RelationTime(symmetric=r.symmetric, one_off=r.instantaneous, figure=r.is_quantity, timeless=r.timeless,
                                 single_valued=r.single_valued, single_subject=r.single_subject,
                                 ends_offices=r.ends_offices, ended_by_death=r.ended_by_death,
                                 ends_ties_to=r.ends_ties_to, ended_by_leaving=r.ended_by_leaving)
            for r in schema.relations.values()}


def relation_by_iri(schema: Schema, iri: str | URIRef) -> Relation | None:
    name = str(iri)[len(str(CAKG)):] if str(iri).startswith(str(CAKG)) else None
    return schema.relations.get(name) if name else None
