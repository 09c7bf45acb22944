"""What the endpoint says about itself: the SPARQL service description and the example queries
(shown on the query page, run by the tests and the benchmark)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from graph.formats import rdf_format
from graph.settings import Settings
from graph.vocab import PREFIXES

from ..links import base_of

DESCRIPTION_OFFERS = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


#: Relations as they stood in a year, read from the ties the build writes (``cakg:Tie``: the time
#: rule of :mod:`graph.timeline` applied once, its days materialised): a tie holds in the year when it
#: is attested then (``firstAttested``..``lastAttested``), is presumed when the year falls after its
#: last attestation and before it ended (``endedOn``, absent while nothing has ended it); a one-off act
#: is only at its own days; a timeless tie (a place inside another) holds in every year. The tests
#: check that this query answers, year by year, exactly what ``/relations?at=`` answers.
TIES_IN_YEAR = """\
SELECT ?tie ?subject ?relation ?object ?status ?first ?last ?endedOn ?endReason WHERE {%(relation)s
  ?t a cakg:Tie ; cakg:id ?tie ; cakg:factual true ; cakg:relation ?relation ;
     cakg:subject/cakg:id ?subject ; cakg:object/cakg:id ?object ; cakg:firstAttested ?first ;
     cakg:oneOff ?oneOff ; cakg:holdsAlways ?always .
  OPTIONAL { ?t cakg:lastAttested ?last } OPTIONAL { ?t cakg:endedOn ?endedOn } OPTIONAL { ?t cakg:endReason ?endReason }
  BIND("%(year)s-01-01"^^xsd:date AS ?yearStart) BIND("%(year)s-12-31"^^xsd:date AS ?yearEnd)
  FILTER(?always || (?first <= ?yearEnd && IF(?oneOff, ?last >= ?yearStart, !BOUND(?endedOn) || ?endedOn >= ?yearStart)))
  BIND(IF(?always || ?last >= ?yearStart, "holds", "presumed") AS ?status)
} ORDER BY ?relation ?tie"""


def ties_in_year(year: int | str, relation: str | None = None) -> str:
    """:data:`TIES_IN_YEAR` for a year (and optionally one relation, e.g. ``protectedBy``).

    >>> "2021-12-31" in ties_in_year(2021, "protectedBy") and "cakg:relation cakg:protectedBy" in ties_in_year(2021, "protectedBy")
    True
    """
    year = int(year)
    if relation is not None and not relation.isidentifier():
        raise ValueError(f"not a relation name: {relation!r}")
    # the relation's pattern first: Oxigraph joins in the written order, and starting from every
    # tie made one relation's question scan them all (8 ms against 1 ms on the seed graph)
    where = f"\n  ?t cakg:relation cakg:{relation} ." if relation else ""
    return TIES_IN_YEAR % {"year": f"{year:04d}", "relation": where}


# The questions analysts ask, as example queries (shown on the query page; used by the benchmark).
# Questions about time read the ties the build writes (see TIES_IN_YEAR), never a claim's own dates.
EXAMPLES: list[dict[str, str]] = [
    {"name": "Who protects whom in 2021", "query": ties_in_year(2021, "protectedBy")},
    {"name": "Every relation as it stood in 2015, with its status", "query": ties_in_year(2015)},
    {"name": "Who leads each group now (ties nothing has ended)", "query": """\
SELECT ?group ?groupLabel ?leader ?leaderLabel ?first ?last WHERE {
  ?t a cakg:Tie ; cakg:relation cakg:leaderOf ; cakg:factual true ; cakg:oneOff false ;
     cakg:subject ?leader ; cakg:object ?group ; cakg:firstAttested ?first ; cakg:lastAttested ?last .
  FILTER NOT EXISTS { ?t cakg:endedOn ?ended }
  ?group a cakg:MilitantGroup ; rdfs:label ?groupLabel . ?leader rdfs:label ?leaderLabel .
} ORDER BY ?groupLabel ?leaderLabel"""},
    {"name": "How each leadership ended (death, successor, former, an explicit end)", "query": """\
SELECT ?leaderLabel ?groupLabel ?endedOn ?endReason ?endedBy WHERE {
  ?t a cakg:Tie ; cakg:relation cakg:leaderOf ; cakg:subject ?leader ; cakg:object ?group ;
     cakg:endedOn ?endedOn ; cakg:endReason ?endReason ; cakg:endedBy/cakg:id ?endedBy .
  ?group rdfs:label ?groupLabel . ?leader rdfs:label ?leaderLabel .
} ORDER BY ?endedOn"""},
    {"name": "Which groups sit inside HTS", "query": """\
SELECT ?group ?groupLabel ?relation WHERE {
  VALUES ?relation { cakg:memberOfCoalition cakg:factionOf }
  ?group ?relation id:hts ; rdfs:label ?groupLabel .
} ORDER BY ?groupLabel"""},
    {"name": "Each group's relations counted by type (whole graph)", "query": """\
SELECT ?group ?groupLabel ?relation (COUNT(?c) AS ?claims) WHERE {
  ?c a cakg:Claim ; cakg:relation ?relation .
  { ?c cakg:subject ?group } UNION { ?c cakg:object ?group }
  ?group a cakg:MilitantGroup ; rdfs:label ?groupLabel .
} GROUP BY ?group ?groupLabel ?relation ORDER BY DESC(?claims) ?groupLabel"""},
    {"name": "Disputed claims with their sources", "query": """\
SELECT ?claim ?other ?document ?locator WHERE {
  ?c cakg:disputes ?o ; cakg:id ?claim ; cakg:citation ?cit . ?o cakg:id ?other .
  ?cit cakg:document/cakg:id ?document ; cakg:locator ?locator .
} ORDER BY ?claim"""},
    {"name": "Everything about one entity (DESCRIBE)", "query": "DESCRIBE id:imu"},
]


def service_description(request: Request, settings: Settings) -> str:
    endpoint = base_of(request) + request.url.path  # never from the Host header
    formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix cakg: <{PREFIXES['cakg']}> .
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  {' '.join(f'sd:resultFormat <http://www.w3.org/ns/formats/{f}> ;' for f in formats)}
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; dcterms:title "cakg: Central Asian militancy knowledge graph" ] ] ;
  rdfs:comment "Read-only SPARQL 1.1 query endpoint. Refused: updates, SERVICE, FROM/FROM NAMED. Limits: query of at most {settings.sparql_max_query_length} characters, {settings.sparql_timeout:g} s per query, {settings.sparql_row_cap} rows per result, {settings.sparql_concurrency} queries at once. Predefined prefixes: {', '.join(PREFIXES)}." .
"""


def _description_response(request: Request, settings: Settings, media: str) -> Response:
    ttl = service_description(request, settings)
    if media == "text/turtle":
        return Response(ttl, media_type="text/turtle", headers={"Vary": "Accept"})
    body = ox.serialize(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE), format=rdf_format(media))
    return Response(body, media_type=media, headers={"Vary": "Accept"})
