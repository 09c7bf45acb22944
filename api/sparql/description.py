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


# The questions analysts ask, as example queries (shown on the query page; used by the benchmark).
EXAMPLES: list[dict[str, str]] = [
    {"name": "Who protects whom in 2021", "query": """\
SELECT ?protector ?protectorLabel ?group ?groupLabel ?asOf ?from ?until WHERE {
  ?c a cakg:Claim ; cakg:relation cakg:protectedBy ; cakg:subject ?group ; cakg:object ?protector .
  ?group rdfs:label ?groupLabel . ?protector rdfs:label ?protectorLabel .
  OPTIONAL { ?c cakg:validFrom ?from } OPTIONAL { ?c cakg:validUntil ?until } OPTIONAL { ?c cakg:asOf ?asOf }
  FILTER(IF(BOUND(?from) || BOUND(?until),
            (!BOUND(?from) || ?from <= "2021-12-31"^^xsd:date) && (!BOUND(?until) || ?until >= "2021-01-01"^^xsd:date),
            STRSTARTS(STR(?asOf), "2021")))
} ORDER BY ?protectorLabel ?groupLabel"""},
    {"name": "Who leads each group (current claims)", "query": """\
SELECT ?group ?groupLabel ?leader ?leaderLabel ?from ?asOf WHERE {
  ?c a cakg:Claim ; cakg:relation cakg:leaderOf ; cakg:subject ?leader ; cakg:object ?group ; cakg:current true .
  ?group a cakg:MilitantGroup ; rdfs:label ?groupLabel . ?leader rdfs:label ?leaderLabel .
  FILTER NOT EXISTS { ?c cakg:qualifier cakg:q-former }
  OPTIONAL { ?c cakg:start ?from } OPTIONAL { ?c cakg:asOf ?asOf }
} ORDER BY ?groupLabel ?leaderLabel"""},
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
