"""The catalog file (graph/read/catalog_file.py): what a server reads from it equals what it
would compute from the store (entities, search answers), a build writes one per store, and a
rebuilt store gets its own, fresh one."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.build import build
from graph.read.catalog import Catalog, search_entries
from graph.read.catalog_file import FILE_NAME, FORMAT, CatalogFile, open_catalog_file, write_catalog_file
from graph.read.search import SearchIndex
from graph.settings import PROJECT_ROOT
from graph.store import open_store
from graph.store.embedded import memory_store
from graph.testing import FIXTURE_SEEDS, compile_to_ntriples, fixture_store
from graph.text import fold, transliterate


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


def answer(index, q, kind=None, limit=50, offset=0):
    try:
        return index.search(q, kind=kind, limit=limit, offset=offset)
    except ValueError as exc:  # no letters, too many words: the same refusal from both
        return str(exc)


def test_search_answers_from_the_file_equal_the_in_memory_index(real):
    store, memory, file = real
    table = file.search_table()
    queries = queries_from(Catalog(store).entities())
    assert len(queries) > 100
    for q in queries:
        for kind in (None, "group"):
            expected = answer(memory, q, kind)
            assert answer(table, q, kind) == expected, (q, kind)
    with pytest.raises(ValueError):
        table.search("?!")


# entities whose labels tie (the same text, or the same but for case): ranked by the order found
TWINS = [("twin-a", "MilitantGroup", "Twin Front", ["TF", "Front of Twins"]),
         ("twin-b", "Person", "Twin Front", ["Tvin"]),
         ("twin-c", "MilitantGroup", "twin front", ["Twin Front"]),
         ("twin-d", "State", "TWIN FRONT", ["Twin Front Alliance", "TF"]),
         ("twin-e", "MilitantGroup", "Twín Frönt", ["Твин Фронт"]),
         ("twin-f", "Person", "Twin Front", ["Твин"])]  # "Твин" finds it (Cyrillic) before twin-b ("tvin")


def twins_ntriples() -> bytes:
    out = []
    for id_, cls, label, aliases in TWINS:
        s = f"<https://w3id.org/cakg/id/{id_}>"
        out += [f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/cakg/ontology#{cls}> .",
                f'{s} <https://w3id.org/cakg/ontology#id> "{id_}" .',
                f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en .']
        out += [f'{s} <http://www.w3.org/2004/02/skos/core#altLabel> "{a}"@en .' for a in aliases]
    return ("\n".join(out) + "\n").encode()


@pytest.fixture(scope="module")
def seed_fixture(tmp_path_factory):
    """(entities, in-memory search index, search table from a file) of the fixture seeds, plus
    entities whose labels tie."""
    store = memory_store(compile_to_ntriples() + twins_ntriples())
    entities = Catalog(store).entities()
    path = write_catalog_file(store, tmp_path_factory.mktemp("fixture-catalog"))
    return entities, SearchIndex(search_entries(entities)), CatalogFile(path).search_table()


def broad_queries(entities) -> list[str]:
    """Every label and alias as written, upper-cased, transliterated; every prefix of its folded
    and compact forms; every word, every word's prefixes, word pairs; every inside part of 3 to 6
    characters; a letter left out, two swapped; texts with punctuation only or matching nothing."""
    out: list[str] = []
    for e in entities.values():
        for name in (*e.labels, *e.aliases):
            text = name.text
            folded, latin = fold(text), transliterate(text)
            out += [text, text.upper(), latin, text.replace(" ", "-"), f"  {text}  "]
            for form in dict.fromkeys((folded, latin)):
                words = form.split()
                compact = form.replace(" ", "")
                out += [form[:k] for k in range(1, len(form) + 1)]
                out += [compact[:k] for k in range(1, len(compact) + 1)]
                out += words + [w[:k] for w in words for k in range(1, len(w))]
                out += [" ".join(words[k:k + 2]) for k in range(len(words) - 1)]
                out += [" ".join(reversed(words))]
                out += [compact[k:k + n] for n in (3, 4, 6) for k in range(1, max(1, len(compact) - n))]
                if len(compact) > 4:
                    out += [compact[:2] + compact[3:], compact[:1] + compact[2] + compact[1] + compact[3:]]
    out += ["zzqxv", "q", "'-’", "?!", " ".join(["al"] * 13), "Islamic Stat", "tajikstan", "uzbekistna", "yuldsh"]
    return list(dict.fromkeys(out))


PAGES = [(20, 0), (1, 0), (3, 2), (5, 7), (1000, 0), (2, 1000)]


def test_search_table_answers_equal_the_in_memory_index_for_every_name_and_part(seed_fixture):
    entities, memory, table = seed_fixture
    queries = broad_queries(entities)
    assert len(queries) > 1000
    assert [h["id"] for h in memory.search("Твин")["items"]][:2] == ["twin-f", "twin-b"]  # a tie: order found
    kinds = [None, *sorted({e.kind for e in entities.values()}), "nothing-of-this-kind"]
    for q in queries:
        assert answer(table, q, limit=1000) == answer(memory, q, limit=1000), q
    for q in queries[::7]:
        for kind in kinds:
            for limit, offset in PAGES:
                assert answer(table, q, kind, limit, offset) == answer(memory, q, kind, limit, offset), \
                    (q, kind, limit, offset)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_search_table_equals_the_in_memory_index_on_any_text(seed_fixture, data):
    entities, memory, table = seed_fixture
    names = [n.text for e in entities.values() for n in (*e.labels, *e.aliases)]
    letters = sorted({ch for n in names for ch in n.lower()}) + [" ", "-", "'", "é", "x"]
    q = data.draw(st.one_of(
        st.text(alphabet=letters, min_size=1, max_size=12),
        st.sampled_from(names).flatmap(lambda n: st.tuples(st.integers(0, len(n)), st.integers(0, len(n))).map(
            lambda ab: n[min(ab):max(ab)] or n))))
    kind = data.draw(st.sampled_from([None, "group", "person", "state"]))
    limit, offset = data.draw(st.integers(1, 30)), data.draw(st.integers(0, 10))
    assert answer(table, q, kind, limit, offset) == answer(memory, q, kind, limit, offset)


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


def test_a_file_of_another_format_is_not_used(tmp_path):
    data = tmp_path / "data"
    build(FIXTURE_SEEDS, data, locators=False)
    store = open_store(data)
    assert open_catalog_file(store) is not None
    import sqlite3

    db = sqlite3.connect(store.path / FILE_NAME)
    db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (str(int(FORMAT) - 1),))
    db.commit()
    db.close()
    assert open_catalog_file(store) is None
