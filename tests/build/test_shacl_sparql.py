"""The SHACL shapes compiled to SPARQL (graph.build.shacl_sparql) agree with pyshacl, the reference,
on a graph that breaks every constraint of every shape."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Literal, Namespace
from rdflib.namespace import DCTERMS, SKOS

from graph.build import compile_seeds
from graph.build.shacl import SH, load_shapes, shacl_problems, violation_keys
from graph.build.shacl_sparql import compile_shapes, store_problems, store_violations
from graph.build.shacl_sparql import violation_keys as sparql_keys
from graph.testing import FIXTURE_SEEDS
from graph.vocab import CAKG, ID

NEW = Namespace("https://w3id.org/cakg/test/")


def _store(g) -> ox.Store:
    store = ox.Store()
    store.bulk_load(input=g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _swap(g, node, prop, value=None, add=()):
    """Remove every ``node prop *`` (or keep them, if ``value`` is ...) and add ``add``."""
    if value is not Ellipsis:
        g.remove((node, prop, None))
    for v in add:
        g.add((node, prop, v))


@pytest.fixture(scope="module")
def broken():
    """The compiled fixture graph with every constraint of shapes.ttl broken on some node."""
    g = compile_seeds(FIXTURE_SEEDS, locators=False).graph
    claims = iter(sorted(c for c in g.subjects(RDF.type, CAKG.Claim) if g.value(c, CAKG.validUntil) is None))
    entities = iter(sorted(e for e in g.subjects(CAKG.id, None) if e.startswith(ID[""])))
    quantities = iter(sorted(set(g.objects(None, CAKG.object)) & set(g.subjects(CAKG.value, None))))
    sources = iter(sorted(set(g.objects(None, CAKG.document))))
    c, e, q, s = (lambda: next(claims)), (lambda: next(entities)), (lambda: next(quantities)), (lambda: next(sources))
    text, year = Literal("text"), Literal("2015", datatype=XSD.gYear)

    # entities
    _swap(g, e(), RDFS.label)
    _swap(g, e(), RDFS.label, add=[Literal("no language")])
    _swap(g, e(), SKOS.prefLabel)
    _swap(g, e(), SKOS.prefLabel, ..., add=[Literal("a second name", lang="en")])
    _swap(g, e(), CAKG.id)
    _swap(g, e(), CAKG.id, add=[Literal("Not_A_Slug")])
    _swap(g, e(), CAKG.id, ..., add=[Literal("second-id")])
    # claims: subject, relation, object
    _swap(g, c(), CAKG.subject)
    _swap(g, c(), CAKG.subject, ..., add=[Literal("a literal subject")])
    _swap(g, c(), CAKG.subject, add=[NEW.untyped])  # not an entity, no label
    _swap(g, c(), CAKG.relation)
    _swap(g, c(), CAKG.relation, add=[NEW.notARelation])
    _swap(g, c(), CAKG.relation, ..., add=[CAKG.memberOf, CAKG.leaderOf])
    _swap(g, c(), CAKG.object)
    _swap(g, c(), CAKG.object, add=[NEW.untypedObject])
    _swap(g, c(), CAKG.object, ..., add=[Literal("a literal object")])
    # citations, reached from claims through sh:node
    _swap(g, c(), CAKG.citation)
    cits = [g.value(c(), CAKG.citation) for _ in range(6)]
    _swap(g, cits[0], CAKG.document)
    _swap(g, cits[1], CAKG.document, ..., add=[NEW.notASource])
    _swap(g, cits[2], CAKG.locator, add=[Literal("p. 3", lang="en")])
    _swap(g, cits[3], CAKG.lineStart, add=[Literal(0)])
    _swap(g, cits[4], CAKG.lineEnd)
    _swap(g, cits[5], CAKG.lineStart, add=[Literal("7")])
    # dates, flags, qualifiers
    for prop in (CAKG.start, CAKG.end, CAKG.asOf):
        _swap(g, c(), prop, add=[text])
        _swap(g, c(), prop, add=[year, Literal("2016", datatype=XSD.gYear)])
    _swap(g, c(), CAKG.validFrom, add=[Literal("2015-13-01", datatype=XSD.date)])  # ill-typed
    claim = c()
    _swap(g, claim, CAKG.validFrom, add=[Literal("2020-01-01", datatype=XSD.date)])
    _swap(g, claim, CAKG.validUntil, add=[Literal("2010-12-31", datatype=XSD.date)])
    _swap(g, c(), CAKG.validUntil, add=[Literal("2010-12-31", datatype=XSD.date), Literal("2011-12-31", datatype=XSD.date)])
    _swap(g, c(), CAKG.validUntil, add=[year])
    _swap(g, c(), CAKG.disputed)
    _swap(g, c(), CAKG.disputed, ..., add=[Literal(not g.value(claim, CAKG.disputed).toPython())])
    _swap(g, c(), CAKG.disputed, add=[Literal("no")])
    _swap(g, c(), CAKG.qualifier, add=[NEW.notAQualifier])
    # figures
    # figures (the fixture has few: each breaks two constraints)
    quantity = q()
    _swap(g, quantity, CAKG.value)
    _swap(g, quantity, CAKG.approximation, add=[NEW.notAnApproximation])
    quantity = q()
    _swap(g, quantity, CAKG.value, ..., add=[Literal(123456)])
    _swap(g, quantity, CAKG.minValue, add=[Literal(50)])
    _swap(g, quantity, CAKG.maxValue, add=[Literal(10)])
    quantity = q()
    _swap(g, quantity, CAKG.minValue, add=[Literal(1), Literal(2)])
    _swap(g, quantity, CAKG.approximation)
    # disputes (the fixture may have none: add two broken ones)
    for dispute, between in ((NEW.dispute1, [c()]), (NEW.dispute2, [c(), c(), NEW.notAClaim])):
        g.add((dispute, RDF.type, CAKG.Dispute))
        for x in between:
            g.add((dispute, CAKG.between, x))
    g.add((NEW.dispute2, CAKG.reason, Literal("why", lang="en")))
    # sources
    source = s()
    for prop in (DCTERMS.title, DCTERMS.date, CAKG.fileName):
        _swap(g, source, prop)
    return g


def _property_shapes(shapes):
    """(node shape, path) of every constraint that can be violated: of the targeted node shapes and
    of the shapes they reach through sh:node (path None: a constraint on the focus node itself)."""
    todo = [x for x in shapes.subjects(RDF.type, SH.NodeShape)
            if any(shapes.value(x, t) is not None for t in (SH.targetClass, SH.targetObjectsOf))]
    out, seen = set(), set()
    while todo:
        shape = todo.pop()
        if shape in seen:
            continue
        seen.add(shape)
        if any(shapes.value(shape, k) is not None for k in (SH["class"], SH.datatype)):
            out.add((str(shape), None))
        for prop in shapes.objects(shape, SH.property):
            out.add((str(shape), str(shapes.value(prop, SH.path))))
            todo.extend(shapes.objects(prop, SH.node))
        todo.extend(shapes.objects(shape, SH.node))
    return out


def test_every_shape_is_compiled():
    compiled = compile_shapes(load_shapes())
    assert compiled.fallback == []
    assert {(c.shape, c.path) for c in compiled.checks} == _property_shapes(load_shapes())


@pytest.mark.parametrize("hierarchy", ["read from the store", "as a property path"])
def test_sparql_and_pyshacl_report_the_same_violations(broken, hierarchy):
    shapes = load_shapes()
    reference = violation_keys(broken, shapes)
    store = _store(broken)
    if hierarchy == "read from the store":  # the build's way: MINUS, grouped counts, subclass lists
        ours = sparql_keys(store, shapes)
    else:
        ours = {(v.focus.value, v.path, v.shape) for v in store_violations(store, compile_shapes(shapes))}
    # the fixture breaks every property shape of every targeted node shape
    assert {(shape, path) for _, path, shape in reference} == _property_shapes(shapes)
    assert ours == reference, (f"only pyshacl: {sorted(reference - ours)}\nonly SPARQL: {sorted(ours - reference)}")


def test_clean_fixture_has_no_violations():
    g = compile_seeds(FIXTURE_SEEDS, locators=False, shacl=False).graph
    assert store_problems(_store(g), load_shapes()) == []


def test_problems_name_the_seed_file_and_line_as_pyshacl_does(broken):
    shapes = load_shapes()
    ours = store_problems(_store(broken), shapes)
    assert all(p.message.startswith("SHACL: ") for p in ours)
    assert any("start must not be after its end" in p.message for p in ours)
    located = [p for p in ours if p.origin is not None]
    assert located and all(p.origin.file.endswith(".yaml") and p.origin.line >= 1 for p in located)

    def where(problems):
        return {(p.origin, p.message.rsplit(" on ", 1)[1]) for p in problems}

    assert where(ours) == where(shacl_problems(broken, shapes))


def test_a_construct_the_compiler_lacks_falls_back_to_pyshacl_for_that_shape_only():
    shapes = load_shapes()
    extra = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cakg: <https://w3id.org/cakg/ontology#> .
    cakg:TestEqualsShape a sh:NodeShape ; sh:targetClass cakg:Claim ;
        sh:property [ sh:path cakg:subject ; sh:equals cakg:object ; sh:message "test: subject equals object" ] ."""
    shapes.parse(data=extra, format="turtle")
    compiled = compile_shapes(shapes)
    assert compiled.fallback == [str(CAKG.TestEqualsShape)]
    assert compiled.checks and all(c.shape != str(CAKG.TestEqualsShape) for c in compiled.checks)
    g = compile_seeds(FIXTURE_SEEDS, locators=False, shacl=False).graph
    problems = store_problems(_store(g), shapes)
    assert problems and all("test: subject equals object" in p.message for p in problems)  # only that shape
    assert all(p.origin and p.origin.file.endswith(".yaml") for p in problems)


def test_blank_node_citations_are_checked_as_pyshacl_does():
    """A citation that is a blank node (which no VALUES block can name) lacking its document: the
    sh:node check of its claim and the citation's own check both report it."""
    from rdflib import BNode

    g = compile_seeds(FIXTURE_SEEDS, locators=False, shacl=False).graph
    claim = sorted(g.subjects(RDF.type, CAKG.Claim))[0]
    citation = BNode()
    g.add((claim, CAKG.citation, citation))
    g.add((citation, CAKG.locator, Literal("line 3")))
    for prop in (CAKG.lineStart, CAKG.lineEnd):
        g.add((citation, prop, Literal(3)))
    shapes = load_shapes()

    def named(keys):  # blank node labels differ between rdflib and the store
        return {(focus if focus.startswith("http") else "blank", path, shape) for focus, path, shape in keys}

    reference, ours = violation_keys(g, shapes), sparql_keys(_store(g), shapes)
    assert (str(claim), str(CAKG.citation), str(CAKG.ClaimShape)) in ours
    assert ("blank", str(CAKG.document), str(CAKG.CitationShape)) in named(ours)
    assert named(ours) == named(reference) and len(ours) == len(reference)
