"""The catalog file (graph/read/catalog_file.py): what a server reads from it equals what it
would compute from the store (entities, search answers), a build writes one per store, and a
rebuilt store gets its own, fresh one."""

from __future__ import annotations

import shutil

import pytest

from graph.build import build
from graph.read.catalog import Catalog, search_entries
from graph.read.catalog_file import FILE_NAME, CatalogFile, open_catalog_file, write_catalog_file
from graph.read.search import SearchIndex
from graph.settings import PROJECT_ROOT
from graph.store import open_store
from graph.testing import FIXTURE_SEEDS, fixture_store
from graph.text import fold


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """(store, in-memory search index, search table from a file) of the real seeds."""
    store = fixture_store(PROJECT_ROOT / "seeds")
    folder = tmp_path_factory.mktemp("catalog")
    path = write_catalog_file(store, folder)
    return store, SearchIndex(search_entries(Catalog(store).entities())), CatalogFile(path)


def queries_from(entities) -> list[str]:
    """Search texts derived from the data: every name whole, its first word, a prefix, an
    inside part, a typo, another script's forms (whatever the names hold), plus texts matching nothing."""
    out = []
    for e in list(entities.values()):
        for name in (*e.labels, *e.aliases):
            text = name.text
            words = fold(text).split()
            out += [text, text.upper(), words[0] if words else text, text[:4]]
            compact = fold(text).replace(" ", "")
            if len(compact) > 6:
                out += [compact[2:7], compact[:3] + compact[4:]]  # inside the name; a letter left out
    return list(dict.fromkeys(q for q in out if any(fold(q).split()))) + ["zzqxv", "q"]


def test_entities_from_the_file_equal_the_store_read(real):
    store, _, file = real
    from_store = Catalog(store).entities()
    assert file.entities() == from_store
    assert list(file.entities()) == list(from_store)  # the same order (by label)


def test_search_answers_from_the_file_equal_the_in_memory_index(real):
    store, memory, file = real
    table = file.search_table()
    queries = queries_from(Catalog(store).entities())
    assert len(queries) > 100
    def answer(index, q, kind):
        try:
            return index.search(q, kind=kind, limit=50)
        except ValueError as exc:  # too many words: the same refusal from both
            return str(exc)

    copy = table.in_memory()  # what the catalog swaps to once it is read
    for q in queries:
        for kind in (None, "group"):
            expected = answer(memory, q, kind)
            assert answer(table, q, kind) == expected, (q, kind)
            assert answer(copy, q, kind) == expected, (q, kind)
    with pytest.raises(ValueError):
        table.search("?!")


def test_a_build_writes_the_file_and_the_catalog_reads_it(tmp_path):
    data = tmp_path / "data"
    build(FIXTURE_SEEDS, data, locators=False)
    store = open_store(data)
    assert (store.path / FILE_NAME).is_file()
    cat = Catalog(store)
    assert cat.file() is not None
    assert cat.entities() == Catalog(fixture_store()).entities()
    assert cat.search_index().search("ktj")["items"][0]["id"] == "ktj"


def test_a_rebuilt_store_gets_a_fresh_file(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    build(seeds, data, locators=False)
    first = open_store(data)
    entity_file = seeds / "entities" / "core.yaml"  # the fixture's, which the tests own
    text = entity_file.read_text()
    assert "label: Taliban}" in text
    entity_file.write_text(text.replace("label: Taliban}", "label: Zyxwvut renamed for the test}"))
    changed = {"id": "taliban"}
    build(seeds, data, locators=False)
    second = open_store(data)
    assert second.path != first.path
    cat = Catalog(second)
    assert cat.file() is not None and cat.file().path.parent == second.path
    assert cat.entities()[changed["id"]].label == "Zyxwvut renamed for the test"
    assert cat.search_index().search("zyxwvut")["items"][0]["id"] == changed["id"]


def test_a_file_that_does_not_match_its_store_is_not_used(tmp_path):
    data = tmp_path / "data"
    build(FIXTURE_SEEDS, data, locators=False)
    store = open_store(data)
    info = store.path / "build.json"
    import json

    recorded = json.loads(info.read_text())
    info.write_text(json.dumps({**recorded, "triples": recorded["triples"] + 1}))
    assert open_catalog_file(store) is None
    assert Catalog(store).entities() == Catalog(fixture_store()).entities()  # read from the store instead
    (store.path / FILE_NAME).write_bytes(b"not a database")
    info.write_text(json.dumps(recorded))
    assert open_catalog_file(store) is None
