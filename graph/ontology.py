"""The schema, read from ``ontology/cakg.ttl``: entity kinds and relation types.

Nothing about kinds or relations is hard-coded in Python: add a relation to the Turtle file
(with its ``cakg:subjectKind``/``cakg:objectKind`` annotations) and seeds may use it at once.

>>> schema = load_schema()
>>> schema.relations["protectedBy"].inverse_label
'protects'
>>> "group" in schema.relations["protectedBy"].subject_kinds
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from .settings import Settings
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


@dataclass(frozen=True)
class Schema:
    graph: Graph
    kinds: dict[str, Kind]
    relations: dict[str, Relation]

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


def _flag(g: Graph, node, prop) -> bool:
    value = g.value(node, prop)
    return bool(isinstance(value, Literal) and value.toPython() is True)


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
        kinds[str(name)] = Kind(str(name), str(cls), _text(g, cls, RDFS.label), subtypes)
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
        )
    return Schema(g, kinds, dict(sorted(relations.items())))


def relation_by_iri(schema: Schema, iri: str | URIRef) -> Relation | None:
    name = str(iri)[len(str(CAKG)):] if str(iri).startswith(str(CAKG)) else None
    return schema.relations.get(name) if name else None
