"""The catalog file: a store's entity table and name index, written once beside the store.

Reading every entity through SPARQL and indexing its names in Python took about 36 s at 5 M
triples, at the first search after every start. So whoever writes a store (``cakg build``, and the
benchmark's bulk load of a bigger graph) calls :func:`write_catalog_file`, which reads the
entities once through the catalog (the same code that would read them at serve time), builds the
:class:`~graph.read.search.SearchIndex` and writes both to ``catalog.sqlite`` in the store's
folder. A server then opens it read-only (:func:`open_catalog_file`): :meth:`CatalogFile.entities`
is one table read, and :class:`SearchTable` answers searches from indexed tables (name prefixes,
word prefixes, trigram postings), with the same ranking and the same answers as the in-memory
index. A store without the file (remote engines, a folder written by other means) or with a file
recording another triple count than the store's ``build.json`` is read through SPARQL as before.

>>> import tempfile, pathlib
>>> from graph.testing import fixture_store
>>> from graph.read.search import search_entities
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = write_catalog_file(fixture_store(), folder)
>>> table = CatalogFile(path).search_table()
>>> table.search("hayat tahrir al sham")["items"][0]["id"]
'hts'
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import Iterable

from .catalog import Catalog, EntityRecord, LangText, search_entries
from .search import SearchIndex, _Name, _trigrams

FILE_NAME = "catalog.sqlite"
FORMAT = "1"
_TOP = "\U0010ffff"  # above every character: ``prefix <= x < prefix + _TOP`` for x starting with prefix
_CHUNK = 500  # ids per ``IN (...)`` (SQLite allows 999 parameters)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity (pos INTEGER PRIMARY KEY, id TEXT UNIQUE, kind TEXT, label TEXT, subtype TEXT, note TEXT,
                     labels TEXT, aliases TEXT);
CREATE TABLE hit (e INTEGER PRIMARY KEY, entity TEXT);
CREATE TABLE name (i INTEGER PRIMARY KEY, e INTEGER, text TEXT, is_label INTEGER, compact TEXT, words TEXT);
CREATE TABLE word (word TEXT, i INTEGER, PRIMARY KEY (word, i)) WITHOUT ROWID;
CREATE TABLE gram (gram TEXT, i INTEGER, PRIMARY KEY (gram, i)) WITHOUT ROWID;
"""
_INDEXES = "CREATE INDEX name_compact ON name (compact);"


def write_catalog_file(store, folder: Path, triples: int | None = None) -> Path:
    """Write ``folder/catalog.sqlite`` for ``store`` (read through a fresh :class:`Catalog`);
    ``triples`` (default: the store's size) is recorded to match the file with its store."""
    cat = Catalog(store)
    entities = cat.entities()
    index = SearchIndex(search_entries(entities))
    final = Path(folder) / FILE_NAME
    tmp = final.with_name(FILE_NAME + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", FORMAT), ("triples", str(len(store) if triples is None else triples))])
        pair = lambda items: json.dumps([[x.text, x.lang] for x in items], ensure_ascii=False)  # noqa: E731
        db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            (pos, e.id, e.kind, e.label, e.subtype, e.note, pair(e.labels), pair(e.aliases))
            for pos, e in enumerate(entities.values())))
        db.executemany("INSERT INTO hit VALUES (?, ?)", (
            (e, json.dumps(entity, ensure_ascii=False)) for e, entity in enumerate(index.entities)))
        db.executemany("INSERT INTO name VALUES (?, ?, ?, ?, ?, ?)", (
            (i, n.entity, n.text, int(n.is_label), n.compact, " ".join(n.words)) for i, n in enumerate(index.names)))
        db.executemany("INSERT INTO word VALUES (?, ?)", ((w, i) for w, ids in index.postings.items() for i in ids))
        db.executemany("INSERT INTO gram VALUES (?, ?)", ((g, i) for g, ids in index.grams.items() for i in ids))
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()
    os.replace(tmp, final)
    return final


def _recorded_triples(folder: Path) -> int | None:
    try:
        value = json.loads((folder / "build.json").read_text()).get("triples")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def open_catalog_file(store) -> "CatalogFile | None":
    """The catalog file of an embedded store read from a folder, if there is one and it matches the
    store (its format, and the triple count of the folder's ``build.json``); else ``None``."""
    folder = getattr(store, "path", None)
    if folder is None or not (Path(folder) / FILE_NAME).is_file():
        return None
    try:
        file = CatalogFile(Path(folder) / FILE_NAME)
        meta = dict(file._db().execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return None
    if meta.get("format") != FORMAT or str(_recorded_triples(Path(folder))) != meta.get("triples"):
        return None
    return file


class CatalogFile:
    """A catalog file opened read-only (one SQLite connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._db()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def entities(self) -> dict[str, EntityRecord]:
        """Every entity, by id, in the catalog's order (by label)."""
        from ..vocab import entity_iri

        texts = lambda raw: tuple(LangText(t, lang) for t, lang in json.loads(raw))  # noqa: E731
        return {r[0]: EntityRecord(r[0], entity_iri(r[0]), r[1], r[2], r[3], r[4], texts(r[5]), texts(r[6]))
                for r in self._db().execute("SELECT id, kind, label, subtype, note, labels, aliases FROM entity "
                                            "ORDER BY pos")}

    def search_table(self) -> "SearchTable":
        return SearchTable(self)


class SearchTable(SearchIndex):
    """:class:`SearchIndex` answered from a catalog file's tables: candidates by indexed range
    and equality queries, names and entities fetched for the candidates only; the lists the close
    spelling fallback compares against are read once, when it first runs."""

    def __init__(self, file: CatalogFile):  # not super().__init__: that builds the index in memory
        self.file = file

    def _rows(self, sql: str, ids: list[int]) -> list[tuple]:
        out: list[tuple] = []
        for k in range(0, len(ids), _CHUNK):
            part = ids[k:k + _CHUNK]
            out.extend(self.file._db().execute(sql % ",".join("?" * len(part)), part).fetchall())
        return out

    def _fetch_names(self, ids: Iterable[int]) -> dict[int, _Name]:
        rows = self._rows("SELECT i, e, text, is_label, compact, words FROM name WHERE i IN (%s)", sorted(set(ids)))
        return {i: _Name(e, text, bool(label), compact, tuple(words.split())) for i, e, text, label, compact, words in rows}

    def _fetch_entities(self, ids: Iterable[int]) -> dict[int, dict]:
        return {e: json.loads(raw) for e, raw in self._rows("SELECT e, entity FROM hit WHERE e IN (%s)", sorted(set(ids)))}

    def _compact_prefixed(self, prefix: str) -> set[int]:
        rows = self.file._db().execute("SELECT i FROM name WHERE compact >= ? AND compact < ?", (prefix, prefix + _TOP))
        return {i for (i,) in rows}

    def _word_prefixed(self, prefix: str) -> set[int]:
        return self._words_prefixed([prefix])

    def _words_prefixed(self, words: list[str]) -> set[int]:
        # one range per word (a text starts with p exactly when p <= text < p + _TOP), intersected by SQLite
        sql = " INTERSECT ".join(["SELECT i FROM word WHERE word >= ? AND word < ?"] * len(words))
        return {i for (i,) in self.file._db().execute(sql, [x for w in words for x in (w, w + _TOP)])}

    def _containing(self, qc: str) -> set[int]:
        if len(qc) < 3:
            return set()
        grams = sorted(_trigrams(qc))
        db = self.file._db()
        counts = dict(db.execute(f"SELECT gram, COUNT(*) FROM gram WHERE gram IN ({','.join('?' * len(grams))}) "
                                 "GROUP BY gram", grams).fetchall())
        if len(counts) < len(grams):
            return set()  # a trigram no name has
        rarest = min(grams, key=lambda g: (counts[g], g))
        rows = db.execute("SELECT n.i, n.compact FROM gram g JOIN name n ON n.i = g.i WHERE g.gram = ?", (rarest,))
        return {i for i, compact in rows if qc in compact}

    def in_memory(self) -> SearchIndex:
        """The same index held in memory (:class:`SearchIndex`), from the stored forms (nothing
        folded again): faster under many clients; the catalog swaps to it once it is read."""
        index = SearchIndex(())
        db = self.file._db()
        index.entities = [json.loads(raw) for (raw,) in db.execute("SELECT entity FROM hit ORDER BY e")]
        index.names = [_Name(e, text, bool(label), compact, tuple(words.split()))
                       for e, text, label, compact, words in
                       db.execute("SELECT e, text, is_label, compact, words FROM name ORDER BY i")]
        index.compacts = sorted((n.compact, i) for i, n in enumerate(index.names))
        index.postings = dict(self.postings)
        index.words = sorted(index.postings)
        grams: dict[str, set[int]] = {}
        for i, n in enumerate(index.names):
            for g in _trigrams(n.compact):
                grams.setdefault(g, set()).add(i)
        index.grams = grams
        index.unique_compacts = sorted({n.compact for n in index.names})
        index.by_compact = defaultdict(list)
        for i, n in enumerate(index.names):
            index.by_compact[n.compact].append(i)
        return index

    # the close-spelling fallback compares the query with every name and word: read those once
    @cached_property
    def unique_compacts(self) -> list[str]:  # type: ignore[override]
        return [r[0] for r in self.file._db().execute("SELECT DISTINCT compact FROM name ORDER BY compact")]

    @cached_property
    def by_compact(self) -> dict[str, list[int]]:  # type: ignore[override]
        out: dict[str, list[int]] = {}
        for compact, i in self.file._db().execute("SELECT compact, i FROM name ORDER BY i"):
            out.setdefault(compact, []).append(i)
        return out

    @cached_property
    def postings(self) -> dict[str, list[int]]:  # type: ignore[override]
        out: dict[str, list[int]] = {}
        for word, i in self.file._db().execute("SELECT word, i FROM word ORDER BY word, i"):
            out.setdefault(word, []).append(i)
        return out

    @cached_property
    def words(self) -> list[str]:  # type: ignore[override]
        return list(self.postings)
