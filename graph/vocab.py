"""Namespaces, prefixes and IRIs of the graph (one place for every module).

>>> entity_iri("imu")
'https://w3id.org/cakg/id/imu'
>>> local_id("https://w3id.org/cakg/claim/imu--leaderOf")
'imu--leaderOf'
"""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/cakg/"
CAKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
CLAIM = Namespace(BASE + "claim/")
SOURCE = Namespace(BASE + "source/")
DISPUTE = Namespace(BASE + "dispute/")
TIE = Namespace(BASE + "tie/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")

PREFIXES = {
    "cakg": str(CAKG),
    "id": str(ID),
    "claim": str(CLAIM),
    "source": str(SOURCE),
    "dispute": str(DISPUTE),
    "tie": str(TIE),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def sparql_prefixes() -> str:
    """The PREFIX block that every built-in query starts with."""
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def entity_iri(entity_id: str) -> str:
    return str(ID[entity_id])


def claim_iri(claim_id: str) -> str:
    return str(CLAIM[claim_id])


def source_iri(source_id: str) -> str:
    return str(SOURCE[source_id])


def local_id(iri: str) -> str:
    """The short id at the end of one of our IRIs (``.../id/imu`` -> ``imu``)."""
    for ns in (ID, CLAIM, SOURCE, TIE, DISPUTE, CAKG):
        if iri.startswith(str(ns)):
            return iri[len(str(ns)):]
    return iri
