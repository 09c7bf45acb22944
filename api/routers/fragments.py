"""Triple Pattern Fragments (https://linkeddatafragments.org/specification/triple-pattern-fragments/).

``GET /fragments?subject=&predicate=&object=&page=`` answers with the triples matching one
pattern, a page at a time, plus the fragment's metadata (``void:triples`` / ``hydra:totalItems``:
the number of matches) and hypermedia controls (``hydra:first``/``previous``/``next`` and the
``hydra:search`` form), as Turtle (default), JSON-LD, N-Triples or TriG (in TriG the metadata is
in its own graph, as the specification recommends).

Terms: an IRI (``https://w3id.org/cakg/id/imu``, ``<...>`` or a predefined prefix such as
``id:imu``); for ``object`` also a literal (``"Taliban"@en``, ``"100"^^xsd:integer``, or with a full
datatype IRI); empty or a variable (``?o``) is a wildcard.

>>> parse_term("id:imu", "subject").value
'https://w3id.org/cakg/id/imu'
>>> parse_term('"IMU"@en', "object").language
'en'
>>> parse_term("?x", "object") is None
True
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from graph.formats import FRAGMENT_OFFERS as OFFERS
from graph.formats import negotiate, rdf_format
from graph.store import GraphStore
from graph.vocab import PREFIXES

from ..deps import get_store
from ..errors import ApiError, bad_parameter
from ..links import base_of, relative_url
from ..params import PageNumber

router = APIRouter()
PAGE_SIZE = 100
HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([^/].*)?$")


def _expand(text: str) -> str:
    m = _PREFIXED.match(text)
    if m and m.group(1) in PREFIXES:
        return PREFIXES[m.group(1)] + (m.group(2) or "")
    return text


def _named(text: str, name: str) -> ox.NamedNode:
    iri = _expand(text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", iri) or any(c in iri for c in '<>"{}|^`\\'):
        raise bad_parameter(name, f"{text!r} is not an IRI (give a full IRI, <IRI>, or a prefixed name such as id:imu)")
    return ox.NamedNode(iri)


def parse_term(text: str | None, name: str):
    """A pattern term from a request parameter, or ``None`` for a wildcard (422 naming ``name`` if malformed)."""
    if text is None or text.strip() == "" or text.startswith("?"):
        return None
    text = text.strip()
    if text.startswith('"'):
        if name != "object":
            raise bad_parameter(name, "only the object of a triple can be a literal")
        m = re.match(r'^(".*")(\^\^(<[^>]*>|\S+))?$|^(".*"@[A-Za-z0-9-]+)$', text, re.S)
        if not m:
            raise bad_parameter(name, f"{text!r} is not a literal (\"text\", \"text\"@lang or \"text\"^^datatype)")
        if m.group(4):
            snippet = m.group(4)
        elif m.group(3):
            dt = m.group(3)
            dt = dt[1:-1] if dt.startswith("<") else _expand(dt)
            snippet = f"{m.group(1)}^^<{dt}>"
        else:
            snippet = m.group(1)
        try:
            return next(iter(ox.parse(f"<urn:s> <urn:p> {snippet} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object
        except (SyntaxError, ValueError, StopIteration) as exc:
            raise bad_parameter(name, f"{text!r} is not a valid literal: {exc}") from None
    return _named(text, name)


def _fmt_term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


@router.get("/fragments", tags=["fragments"], summary="Triple Pattern Fragments: triples matching one pattern, paged",
            responses={200: {"content": {m: {} for m in OFFERS},
                             "description": "Matching triples with count metadata and first/previous/next controls"},
                       406: {"description": "No RDF format fits Accept"},
                       422: {"description": "A malformed term or page (the JSON body names the parameter)"}})
def fragments(
    request: Request,
    store: Annotated[GraphStore, Depends(get_store)],
    subject: Annotated[str | None, Query(description="IRI, or empty for any", examples=["id:imu"])] = None,
    predicate: Annotated[str | None, Query(description="IRI, or empty for any", examples=["cakg:protectedBy"])] = None,
    object: Annotated[str | None, Query(description='IRI or literal ("IMU"@en), or empty for any')] = None,  # noqa: A002
    page: PageNumber = 1,
):
    """A Linked Data Fragments TPF page: up to 100 matching triples, ``void:triples`` (the
    number of matches), and ``hydra:first``/``previous``/``next`` links."""
    media = negotiate(request.headers.get("accept"), OFFERS)
    if media is None:
        raise ApiError(406, "not_acceptable", f"fragments are available as {', '.join(OFFERS)}")
    s, p, o = parse_term(subject, "subject"), parse_term(predicate, "predicate"), parse_term(object, "object")
    total = store.count(_fmt_term(s), _fmt_term(p), o)
    offset = (page - 1) * PAGE_SIZE
    data = [ox.Triple(*t) for t in islice(store.triples(_fmt_term(s), _fmt_term(p), o), offset, offset + PAGE_SIZE)]

    root = base_of(request)  # the configured public URL or the bound address, never the Host header
    base = root + request.url.path
    this = root + relative_url(request)
    N = ox.NamedNode

    def lit(value, dt="integer"):
        return ox.Literal(str(value), datatype=N(XSD + dt))

    def page_url(n: int) -> N:
        return N(root + relative_url(request, page=n))

    frag, dataset = N(this), N(base + "#dataset")
    meta = [
        ox.Triple(frag, N(RDF + "type"), N(HYDRA + "PartialCollectionView")),
        ox.Triple(frag, N(DCTERMS + "title"), ox.Literal("Linked Data Fragment of cakg", language="en")),
        ox.Triple(frag, N(VOID + "triples"), lit(total)),
        ox.Triple(frag, N(HYDRA + "totalItems"), lit(total)),
        ox.Triple(frag, N(HYDRA + "itemsPerPage"), lit(PAGE_SIZE)),
        ox.Triple(frag, N(HYDRA + "first"), page_url(1)),
        ox.Triple(dataset, N(RDF + "type"), N(VOID + "Dataset")),
        ox.Triple(dataset, N(RDF + "type"), N(HYDRA + "Collection")),
        ox.Triple(dataset, N(VOID + "subset"), frag),
    ]
    last_page = max(1, -(-total // PAGE_SIZE))
    if page < last_page:
        meta.append(ox.Triple(frag, N(HYDRA + "next"), page_url(page + 1)))
    if page > 1:
        meta.append(ox.Triple(frag, N(HYDRA + "previous"), page_url(min(page - 1, last_page))))
    search, mapping_nodes = N(base + "#search"), []
    meta += [
        ox.Triple(dataset, N(HYDRA + "search"), search),
        ox.Triple(search, N(HYDRA + "template"), ox.Literal(base + "{?subject,predicate,object}")),
        ox.Triple(search, N(HYDRA + "variableRepresentation"), N(HYDRA + "ExplicitRepresentation")),
    ]
    for var in ("subject", "predicate", "object"):
        m = N(f"{base}#{var}")
        mapping_nodes.append(m)
        meta += [ox.Triple(search, N(HYDRA + "mapping"), m),
                 ox.Triple(m, N(HYDRA + "variable"), ox.Literal(var)),
                 ox.Triple(m, N(HYDRA + "property"), N(RDF + var))]

    fmt = rdf_format(media)
    prefixes = {**PREFIXES, "hydra": HYDRA, "void": VOID}
    if fmt == ox.RdfFormat.TRIG:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data]
        quads += [ox.Quad(t.subject, t.predicate, t.object, N(this + "#metadata")) for t in meta]
        quads.append(ox.Quad(N(this + "#metadata"), N("http://xmlns.com/foaf/0.1/primaryTopic"), frag,
                             N(this + "#metadata")))
        body = ox.serialize(quads, format=fmt, prefixes=prefixes)
    else:
        body = ox.serialize(data + meta, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
    headers = {"Vary": "Accept", "X-Total-Count": str(total)}
    return Response(body, media_type=media, headers=headers)
