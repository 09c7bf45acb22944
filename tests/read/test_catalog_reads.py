"""The catalog's two ways of reading claims agree on the real seeds: one entity's (or a list's)
claims read by lookups (``Catalog._claim_rows``, fast at millions of triples) equal the same
claims taken from the whole-graph read (one query with OPTIONALs)."""

from __future__ import annotations

import pytest

from graph.read.catalog import Catalog, _mentioned
from graph.settings import PROJECT_ROOT
from graph.testing import fixture_store


@pytest.fixture(scope="module")
def real_store():
    return fixture_store(PROJECT_ROOT / "seeds")


@pytest.fixture(scope="module")
def whole(real_store) -> Catalog:
    cat = Catalog(real_store)
    cat.claims()
    return cat


def test_each_entitys_claims_equal_the_whole_graph_read(real_store, whole):
    lazy = Catalog(real_store)  # nothing read whole: every claims_of goes to the store
    entities = whole.entities()
    assert entities
    for entity_id in entities:
        expected = tuple(sorted((c for c in whole.claims().values() if entity_id in _mentioned(c)), key=lambda c: c.id))
        assert lazy.claims_of(entity_id) == expected, entity_id
        assert whole.claims_of(entity_id) == expected, entity_id  # the in-memory path, in the same order
    assert "claims" not in lazy._memo


def test_claims_by_id_and_citing_equal_the_whole_graph_read(real_store, whole):
    lazy = Catalog(real_store)
    claims = whole.claims()
    ids = sorted(claims)[::7]
    assert lazy.claims_by_id(ids) == {i: claims[i] for i in ids}
    with_figures = [c for c in claims.values() if c.quantity is not None]
    assert with_figures, "the seeds have claims with figures"
    assert lazy.claims_by_id([c.id for c in with_figures]) == {c.id: c for c in with_figures}
    for source in list(whole.sources())[:5]:
        expected = tuple(sorted((c for c in claims.values()
                                 if any(source in (s.document, s.part_of) for s in c.sources)), key=lambda c: c.id))
        assert lazy.claims_citing(source) == expected, source
