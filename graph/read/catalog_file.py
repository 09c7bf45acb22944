"""The catalog file: a store's entity table and name index, written once beside the store.

Reading every entity through SPARQL and indexing its names in Python took about 36 s at 5 M
triples, at the first search after every start. So whoever writes a store (``cakg build``, and the
benchmark's bulk load of a bigger graph) calls :func:`write_catalog_file`, which reads the
entities once through the catalog (the same code that would read them at serve time), builds the
:class:`~graph.read.search.SearchIndex` and writes both to ``catalog.sqlite`` in the store's
folder. A server then opens it read-only (:func:`open_catalog_file`): :meth:`CatalogFile.entities`
is one table read, and :class:`SearchTable` answers every search from the file, nothing of the
index read into memory: one SQL statement finds the matching names through indexed tables
(compact names, word postings, trigram postings), scores them with the in-memory index's tiers,
keeps each entity's best, ranks, counts and cuts the page, so only the page's entities reach
Python. The answers (total, items, their order) are the in-memory index's, which
``tests/read/test_catalog_file.py`` checks. On the benchmark's 5.6 M-triple graph, with 8 clients
right after start, that measured about 9 ms p50 and 25 ms p99 (medians of 3 runs), where scoring
every candidate in Python, with a background in-memory copy being built beside it and competing
for the GIL, gave 47 and 214 ms.

A store without the file (remote engines, a folder written by other means), with a file of
another :data:`FORMAT`, or with one recording another triple count than the store's
``build.json`` is read through SPARQL as before (and searched in memory).

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

import bisect
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from .catalog import Catalog, EntityRecord, LangText, search_entries
from .search import SearchIndex, _Name, _trigrams

FILE_NAME = "catalog.sqlite"
#: the tables' layout; a file of another format is not read (2: ranking and paging in SQL)
FORMAT = "2"
_TOP = "\U0010ffff"  # above every character: ``prefix <= x < prefix + _TOP`` for x starting with prefix
_CHUNK = 500  # ids per ``IN (...)`` (SQLite allows 999 parameters)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity (pos INTEGER PRIMARY KEY, id TEXT UNIQUE, kind TEXT, label TEXT, subtype TEXT, note TEXT,
                     labels TEXT, aliases TEXT);
CREATE TABLE hit (e INTEGER PRIMARY KEY, entity TEXT, kind TEXT, label_len INTEGER, label_key TEXT);
CREATE TABLE name (i INTEGER PRIMARY KEY, e INTEGER, text TEXT, is_label INTEGER, compact TEXT, words TEXT);
CREATE TABLE word (word TEXT, i INTEGER, words TEXT, PRIMARY KEY (word, i)) WITHOUT ROWID;
CREATE TABLE gram (gram TEXT, i INTEGER, PRIMARY KEY (gram, i)) WITHOUT ROWID;
CREATE TABLE vocab (word TEXT PRIMARY KEY, start INTEGER) WITHOUT ROWID;
CREATE TABLE gram_count (gram TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
"""
_INDEXES = "CREATE INDEX name_compact ON name (compact);"


def _spaced(words: tuple[str, ...]) -> str:
    """A name's words as stored: each after a space, so ``' ' + w`` is inside exactly when a word starts with ``w``."""
    return "".join(" " + w for w in words)


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
        db.executemany("INSERT INTO hit VALUES (?, ?, ?, ?, ?)", (
            (e, json.dumps(entity, ensure_ascii=False), entity["kind"], len(entity["label"]), entity["label"].lower())
            for e, entity in enumerate(index.entities)))
        db.executemany("INSERT INTO name VALUES (?, ?, ?, ?, ?, ?)", (
            (i, n.entity, n.text, int(n.is_label), n.compact, _spaced(n.words)) for i, n in enumerate(index.names)))
        db.executemany("INSERT INTO word VALUES (?, ?, ?)", (
            (w, i, _spaced(index.names[i].words)) for w, ids in sorted(index.postings.items()) for i in ids))
        db.executemany("INSERT INTO gram VALUES (?, ?)", ((g, i) for g, ids in index.grams.items() for i in ids))
        db.executemany("INSERT INTO gram_count VALUES (?, ?)", ((g, len(ids)) for g, ids in index.grams.items()))
        start = 0  # postings of the words before each word (in sorted order): a prefix's postings counted in two reads
        for w in sorted(index.postings):
            db.execute("INSERT INTO vocab VALUES (?, ?)", (w, start))
            start += len(index.postings[w])
        db.execute("INSERT INTO meta VALUES ('postings', ?)", (str(start),))
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
        file._db().execute("SELECT json_array(1)").fetchone()  # SearchTable's pages (SQLite 3.38+, or JSON1)
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


class _Postings(Mapping):
    """``{key: [name, ...]}`` read from the file one key at a time (``sql`` selects the names of
    one key, in order); ``keys`` are every key, in order."""

    def __init__(self, file: CatalogFile, sql: str, keys: list[str]):
        self.file, self.sql, self.keys_ = file, sql, keys

    def __getitem__(self, key: str) -> list[int]:
        found = [i for (i,) in self.file._db().execute(self.sql, (key,))]
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self):
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


class SearchTable(SearchIndex):
    """:class:`SearchIndex` answered from a catalog file's tables by one SQL statement per search:
    SQLite finds the matching names through its indexes (compact-name range, the postings of the
    rarest query word, the postings of the rarest trigram), scores them, keeps each entity's best,
    ranks, counts and cuts the page, and returns the page as one JSON row, so only the page's
    entities come into Python (and the thread gives the GIL back once, not once per row). The word
    and trigram counts that pick the rarest are read once; the lists the close-spelling fallback
    compares against are read when it first runs."""

    def __init__(self, file: CatalogFile):  # not super().__init__: that builds the index in memory
        self.file = file

    def _fetch_names(self, ids: Iterable[int]) -> dict[int, _Name]:
        ids = sorted(set(ids))
        out: dict[int, _Name] = {}
        for k in range(0, len(ids), _CHUNK):
            part = ids[k:k + _CHUNK]
            for i, e, text, label, compact, words in self.file._db().execute(
                    f"SELECT i, e, text, is_label, compact, words FROM name WHERE i IN ({','.join('?' * len(part))})",
                    part):
                out[i] = _Name(e, text, bool(label), compact, tuple(words.split()))
        return out

    def _fetch_entities(self, ids: Iterable[int]) -> dict[int, dict]:
        ids = sorted(set(ids))
        out: dict[int, dict] = {}
        for k in range(0, len(ids), _CHUNK):
            part = ids[k:k + _CHUNK]
            out.update((e, json.loads(raw)) for e, raw in self.file._db().execute(
                f"SELECT e, entity FROM hit WHERE e IN ({','.join('?' * len(part))})", part))
        return out

    # ------------------------------------------------------------------ how rare a word or trigram is
    @cached_property
    def _vocab(self) -> tuple[list[str], list[int]]:
        """Every word of a name (sorted) and, for each, the postings of the words before it; the
        total last."""
        db = self.file._db()
        words, starts = [], []
        for w, start in db.execute("SELECT word, start FROM vocab ORDER BY word"):
            words.append(w)
            starts.append(start)
        starts.append(int(db.execute("SELECT value FROM meta WHERE key = 'postings'").fetchone()[0]))
        return words, starts

    @cached_property
    def _gram_counts(self) -> dict[str, int]:
        return dict(self.file._db().execute("SELECT gram, n FROM gram_count"))

    def _prefix_postings(self, prefix: str) -> int:
        """How many (word, name) postings have a word starting with ``prefix``."""
        words, starts = self._vocab
        return starts[bisect.bisect_left(words, prefix + _TOP)] - starts[bisect.bisect_left(words, prefix)]

    def _rarest_gram(self, qc: str) -> str | None:
        """The trigram of ``qc`` with the fewest names (``None``: a trigram no name has)."""
        counts = self._gram_counts
        grams = sorted(_trigrams(qc))
        if any(g not in counts for g in grams):
            return None
        return min(grams, key=lambda g: (counts[g], g))

    # ------------------------------------------------------------------ ranked and paged in SQL
    def _scored(self, f: int, words: list[str], qc: str) -> tuple[list[str], list]:
        """SELECTs of ``(f, i, e, s)``: every name matching form ``f`` of the query with its score
        (as :meth:`SearchIndex._score`), from the candidate sets of :meth:`SearchIndex._candidates`
        (those another one holds left out); a name may come more than once (with the same score)."""
        # a word of the name starts with w exactly when ' ' + w is inside its (spaced) words
        every_word = " AND ".join(["instr(n.words, ?) > 0"] * len(words))
        spaced = [" " + w for w in words]
        score = (f"CASE WHEN n.compact = ? THEN 100 WHEN substr(n.compact, 1, ?) = ? THEN 80 "
                 f"WHEN {every_word} THEN 60 ELSE 40 END + 5 * n.is_label")
        score_args = [qc, len(qc), qc, *spaced]
        head = f"SELECT {f}, n.i, n.e, {score} FROM "
        sql: list[str] = []
        args: list = []
        gram = self._rarest_gram(qc) if len(qc) >= 3 else None
        if gram is not None:  # the query inside the name: the names with its rarest trigram, each checked
            sql.append(head + "gram g CROSS JOIN name n ON n.i = g.i WHERE g.gram = ? AND instr(n.compact, ?) > 0")
            args += [*score_args, gram, qc]
        if len(qc) < 3:  # (else a name starting with the query has it inside: found above, if any)
            # the name starts with the query (a text starts with p exactly when p <= text < p + _TOP)
            sql.append(head + "name n WHERE n.compact >= ? AND n.compact < ?")
            args += [*score_args, qc, qc + _TOP]
        if len(words) > 1 or len(qc) < 3:  # (else a word starting with the query has it inside)
            # every query word starts a word of the name: the postings of the rarest, each name checked
            rare = min(words, key=lambda w: (self._prefix_postings(w), w))
            sql.append(head + "word w CROSS JOIN name n ON n.i = w.i "  # (the postings hold the words too)
                       f"WHERE w.word >= ? AND w.word < ? AND {every_word.replace('n.words', 'w.words')}")
            args += [*score_args, rare, rare + _TOP, *spaced]
        return sql, args

    def search(self, q: str, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict:
        """As :meth:`SearchIndex.search` (the same answers), in one SQL statement."""
        parts: list[str] = []
        args: list = []
        for f, (words, qc) in enumerate(self._forms(q)):
            sql, more = self._scored(f, words, qc)
            parts += sql
            args += more
        if not parts:
            return self._page(self._fallback(q), kind, limit, offset)
        sliced = limit < 0 or offset < 0  # not from the API: Python's slice semantics, on every hit
        # per entity: the best score; the first name (by form, then name) with it, the one matched
        # (key: score high, then (form, name) low); the first name found at all (the in-memory
        # index keeps entities in the order found, and its sort is stable)
        sql = (f"WITH scored(f, i, e, s) AS ({' UNION ALL '.join(parts)}), "
               f"best AS (SELECT e, max(s) AS s, max(s * {1 << 40} - (f * {1 << 32} + i)) AS key, "
               f"min(f * {1 << 32} + i) AS first FROM scored GROUP BY e), "
               f"ranked AS (SELECT b.e, b.s, b.key, b.first, h.label_len, h.label_key FROM best b "
               f"JOIN hit h ON h.e = b.e{' WHERE h.kind = ?' if kind is not None else ''}), "
               f"page AS (SELECT e, s, key, label_len, label_key, first FROM ranked "
               f"ORDER BY s DESC, label_len, label_key, first{'' if sliced else ' LIMIT ? OFFSET ?'}) "
               f"SELECT (SELECT count(*) FROM ranked), (SELECT count(*) FROM best), "
               f"(SELECT json_group_array(json_array(s, label_len, label_key, first, "
               f"(SELECT text FROM name WHERE name.i = (s * {1 << 40} - key) % {1 << 32}), "
               f"(SELECT json(entity) FROM hit WHERE hit.e = page.e))) FROM page)")
        args += [kind] if kind is not None else []
        args += [] if sliced else [limit, offset]
        total, matched, page = self.file._db().execute(sql, args).fetchone()
        if not matched:
            return self._page(self._fallback(q), kind, limit, offset)
        # the page's order again (an aggregate keeps no order): by the keys it was cut by
        rows = sorted(json.loads(page), key=lambda r: (-r[0], r[1], r[2], r[3]))
        if sliced:
            rows = rows[offset:offset + limit]
        return {"total": total, "items": [{**entity, "matched": text, "score": s} for s, _, _, _, text, entity in rows]}

    # the close-spelling fallback compares the query with every name and word
    @cached_property
    def unique_compacts(self) -> list[str]:  # type: ignore[override]
        return [r[0] for r in self.file._db().execute("SELECT DISTINCT compact FROM name ORDER BY compact")]

    @cached_property
    def by_compact(self) -> Mapping[str, list[int]]:  # type: ignore[override]
        return _Postings(self.file, "SELECT i FROM name WHERE compact = ? ORDER BY i", self.unique_compacts)

    @property
    def words(self) -> list[str]:  # type: ignore[override]
        return self._vocab[0]

    @cached_property
    def postings(self) -> Mapping[str, list[int]]:  # type: ignore[override]
        return _Postings(self.file, "SELECT i FROM word WHERE word = ? ORDER BY i", self.words)
