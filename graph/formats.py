"""Formats and content negotiation, in one place.

RDF serialisations and SPARQL result formats come from pyoxigraph's own registry
(:class:`pyoxigraph.RdfFormat`, :class:`pyoxigraph.QueryResultsFormat`: media types, aliases such
as ``application/x-turtle`` or ``text/xml``, file extensions). This module adds the short names the
command line uses, the media types each kind of answer offers, and :func:`negotiate`, which picks
one of them for an ``Accept`` header.

>>> rdf_format("turtle") == rdf_format("text/turtle") == rdf_format("application/x-turtle")
True
>>> results_format("text/xml").name
'SPARQL Results in XML'
>>> media_type(results_format("csv"))
'text/csv'
>>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", ["application/json", "text/html"])
'text/html'
"""

from __future__ import annotations

import pyoxigraph as ox

#: short names (``cakg export --format``, ``cakg query --format``) of RDF serialisations
RDF_NAMES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
#: short names of SPARQL result formats
RESULT_NAMES: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: what a SELECT/ASK answer is offered as (first = default), aliases included
RESULT_OFFERS = ["application/sparql-results+json", "application/json", "application/sparql-results+xml",
                 "application/xml", "text/xml", "text/csv", "text/tab-separated-values"]
#: what a graph (CONSTRUCT/DESCRIBE, an entity's description) is offered as (first = default)
GRAPH_OFFERS = ["text/turtle", "application/x-turtle", "application/n-triples", "text/plain",
                "application/ld+json", "application/rdf+xml"]
#: what a triple pattern fragment is offered as (TriG carries its metadata in a graph of its own)
FRAGMENT_OFFERS = ["text/turtle", "application/ld+json", "application/n-triples", "application/trig"]


def rdf_format(name_or_media: str) -> ox.RdfFormat:
    """The RDF format of a short name (``turtle``) or media type (``text/turtle``); ``ValueError``
    for an unknown one."""
    fmt = RDF_NAMES.get(name_or_media) or ox.RdfFormat.from_media_type(name_or_media)
    if fmt is None:
        raise ValueError(f"unknown RDF format {name_or_media!r} (choose {', '.join(RDF_NAMES)})")
    return fmt


def results_format(name_or_media: str) -> ox.QueryResultsFormat:
    """The SPARQL results format of a short name (``csv``) or media type; ``ValueError`` if unknown."""
    fmt = RESULT_NAMES.get(name_or_media) or ox.QueryResultsFormat.from_media_type(name_or_media)
    if fmt is None:
        raise ValueError(f"unknown SPARQL results format {name_or_media!r} (choose {', '.join(RESULT_NAMES)})")
    return fmt


def media_type(fmt: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """A format's canonical media type, without parameters."""
    return fmt.media_type.split(";")[0].strip()


def _parse_accept(accept: str) -> list[tuple[str, str, float, int]]:
    ranges = []
    for part in (accept or "").split(","):
        part = part.strip()
        if not part:
            continue
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        main, _, sub = media.lower().partition("/")
        specificity = 0 if main == "*" else 1 if sub in ("*", "") else 2
        ranges.append((main, sub or "*", q, specificity))
    return ranges


def negotiate(accept: str | None, offers: list[str], default: str | None = None) -> str | None:
    """The offer the ``Accept`` header prefers (q-values, most specific range wins; ties go to
    the earlier offer). No header or an empty one gives ``default`` (or the first offer); ``None``
    when nothing offered is acceptable (answer 406).

    >>> negotiate("*/*", ["application/json", "text/html"])
    'application/json'
    >>> negotiate("image/png", ["application/json"]) is None
    True
    """
    if not accept or not accept.strip():
        return default or (offers[0] if offers else None)
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        main, _, sub = offer.lower().partition("/")
        q, spec = 0.0, -1
        for r_main, r_sub, r_q, r_spec in ranges:
            if (r_main == "*" or r_main == main) and (r_sub == "*" or r_sub == sub) and r_spec > spec:
                q, spec = r_q, r_spec
        if q > best_q:
            best, best_q = offer, q
    return best
