"""Entity search over labels and aliases, through an index.

Every name (label or alias) is indexed folded (:func:`graph.text.fold`: case, diacritics,
apostrophes and hyphens folded, every script kept) and, where it differs, transliterated to Latin
(:func:`graph.text.transliterate`), so ``hayat tahrir al sham`` finds *Hay'at Tahrir al-Sham*,
``Исламское движение`` finds the Russian alias and ``islamskoe dvizhenie`` finds it too.
A query is answered from the index, never by scanning every name:

* exact name and name-prefix matches from the sorted compact forms (bisection);
* "every query word starts a word of the name" from the sorted word list (bisection) and postings;
* "the query stands inside the name" from trigram postings, checked on the candidates only;
* nothing found: close spellings (typos, other transliterations) with rapidfuzz's ``ratio``.

Ranking: exact name > name starting with the query > every word a prefix > inside the name >
close spelling; a label beats an alias; ties by shorter label, then lower-cased label, then the
order found.

:class:`SearchIndex` holds the index in memory (built from the catalog's entities). A store with
a catalog file is searched by its subclass :class:`graph.read.catalog_file.SearchTable` instead,
which computes the same candidates, scores and order in SQLite, one statement per search, and
gives the same answers.

>>> from graph.testing import fixture_catalog
>>> search_entities(fixture_catalog(), "ktj")["items"][0]["id"]
'ktj'
>>> search_entities(fixture_catalog(), "hayat tahrir al sham")["items"][0]["id"]
'hts'
>>> search_entities(fixture_catalog(), "Mahdi Arsalan")["items"][0]["id"]
'muhammad-sharifov'
>>> search_entities(fixture_catalog(), "Tajikstan")["items"][0]["id"]  # a typo
'tajikistan'
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from rapidfuzz import fuzz, process

from ..text import fold, transliterate

if TYPE_CHECKING:
    from .catalog import Catalog

#: longest search text accepted (characters) and most words: names are far shorter
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
#: closest spellings must score at least this (rapidfuzz ratio, 0-100)
FUZZY_CUTOFF = 75


@dataclass(frozen=True)
class _Name:
    entity: int          # index into SearchIndex.entities
    text: str            # the name as written
    is_label: bool
    compact: str         # folded, without spaces
    words: tuple[str, ...]


def _trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


class SearchIndex:
    """The names of a set of entities, indexed for :meth:`search`.

    ``entries`` yields ``(entity, name, is_label)`` where ``entity`` is a dict with at least ``id``,
    ``kind`` and ``label`` (returned as they are in the hits)."""

    def __init__(self, entries: Iterable[tuple[dict, str, bool]]):
        self.entities: list[dict] = []
        self.names: list[_Name] = []
        position: dict[str, int] = {}
        seen: set[tuple[int, str, bool]] = set()
        for entity, text, is_label in entries:
            if entity["id"] not in position:
                position[entity["id"]] = len(self.entities)
                self.entities.append(entity)
            e = position[entity["id"]]
            for form in dict.fromkeys((fold(text), transliterate(text))):
                key = (e, form, is_label)
                if form and key not in seen:
                    seen.add(key)
                    self.names.append(_Name(e, text, is_label, form.replace(" ", ""), tuple(form.split())))
        self.compacts = sorted((n.compact, i) for i, n in enumerate(self.names))
        postings: dict[str, list[int]] = defaultdict(list)
        grams: dict[str, set[int]] = defaultdict(set)
        for i, n in enumerate(self.names):
            for w in set(n.words):
                postings[w].append(i)
            for g in _trigrams(n.compact):
                grams[g].add(i)
        self.words = sorted(postings)
        self.postings = dict(postings)
        self.grams = dict(grams)
        self.unique_compacts = sorted({n.compact for n in self.names})
        self.by_compact: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(self.names):
            self.by_compact[n.compact].append(i)

    # ------------------------------------------------------------------ reading (SearchTable reads a file)
    def _fetch_names(self, ids: Iterable[int]) -> dict[int, _Name]:
        return {i: self.names[i] for i in ids}

    def _fetch_entities(self, ids: Iterable[int]) -> dict[int, dict]:
        return {e: self.entities[e] for e in ids}

    # ------------------------------------------------------------------ candidates
    def _compact_prefixed(self, prefix: str) -> set[int]:
        lo = bisect.bisect_left(self.compacts, (prefix, -1))
        out = set()
        for compact_form, i in self.compacts[lo:]:
            if not compact_form.startswith(prefix):
                break
            out.add(i)
        return out

    def _word_prefixed(self, prefix: str) -> set[int]:
        lo = bisect.bisect_left(self.words, prefix)
        out: set[int] = set()
        for w in self.words[lo:]:
            if not w.startswith(prefix):
                break
            out.update(self.postings[w])
        return out

    def _containing(self, qc: str) -> set[int]:
        if len(qc) < 3:
            return set()
        sets = sorted((self.grams.get(g, set()) for g in _trigrams(qc)), key=len)
        found = set(sets[0]) if sets else set()
        for s in sets[1:]:
            found &= s
            if not found:
                break
        return {i for i in found if qc in self.names[i].compact}

    def _candidates(self, words: list[str], qc: str) -> set[int]:
        found = self._compact_prefixed(qc) | self._containing(qc)
        if words:
            found |= self._words_prefixed(words)
        return found

    def _words_prefixed(self, words: list[str]) -> set[int]:
        """Names with, for every query word, a word starting with it."""
        common = self._word_prefixed(words[0])
        for w in words[1:]:
            if not common:
                break
            common &= self._word_prefixed(w)
        return common

    @staticmethod
    def _score(words: list[str], qc: str, name: _Name) -> int:
        bonus = 5 if name.is_label else 0
        if name.compact == qc:
            return 100 + bonus
        if name.compact.startswith(qc):
            return 80 + bonus
        if words and all(any(w.startswith(q) for w in name.words) for q in words):
            return 60 + bonus
        if qc in name.compact:
            return 40 + bonus
        return 0

    def _close_spellings(self, qc: str, choices: list[str], names_of: dict[str, list[int]],
                         best: dict[int, tuple[int, str]]) -> None:
        """Add to ``best`` the entities with a name (or word, by ``names_of``) spelt close to ``qc``."""
        for form, ratio, _ in process.extract(qc, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=50):
            names = self._fetch_names(names_of[form])
            for i in names_of[form]:
                name = names[i]
                score = int(ratio * 0.3)
                if score > best.get(name.entity, (0, ""))[0]:
                    best[name.entity] = (score, name.text)

    # ------------------------------------------------------------------ search
    @staticmethod
    def _forms(q: str) -> list[tuple[list[str], str]]:
        """``(words, compact)`` of each form of ``q`` searched (folded, then transliterated if it
        differs; empty forms left out), after the checks :meth:`search` documents."""
        if len(q) > MAX_QUERY_LENGTH:
            raise ValueError(f"the search text has {len(q)} characters; the limit is {MAX_QUERY_LENGTH}")
        forms = []
        for form in dict.fromkeys((fold(q), transliterate(q))):
            words = form.split()
            if len(words) > MAX_QUERY_WORDS:
                raise ValueError(f"the search text has {len(words)} words; the limit is {MAX_QUERY_WORDS}")
            qc = form.replace(" ", "")
            if qc:
                forms.append((words, qc))
        if not any(fold(q).split()):
            raise ValueError("the search text has no letters or digits")
        return forms

    def _fallback(self, q: str) -> dict[int, tuple[int, str]]:
        """``{entity: (score, matched name)}`` of the close spellings of ``q`` (nothing else matched)."""
        best: dict[int, tuple[int, str]] = {}
        qc = fold(q).replace(" ", "")
        self._close_spellings(qc, self.unique_compacts, self.by_compact, best)
        if not best and " " not in fold(q):  # a single word: compare it with single words of names
            self._close_spellings(qc, self.words, self.postings, best)
        return best

    def _page(self, best: dict[int, tuple[int, str]], kind: str | None, limit: int, offset: int) -> dict:
        """Rank ``best`` (ties: shorter label, then label, then first found) and cut the page."""
        entities = self._fetch_entities(best)
        hits = [(s, text, entities[e]) for e, (s, text) in best.items() if kind is None or entities[e]["kind"] == kind]
        hits.sort(key=lambda h: (-h[0], len(h[2]["label"]), h[2]["label"].lower()))
        items = [{**e, "matched": m, "score": s} for s, m, e in hits[offset:offset + limit]]
        return {"total": len(hits), "items": items}

    def search(self, q: str, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict:
        """``{"total", "items"}``: entities matching ``q``, best first; each item is the entity
        dict plus ``matched`` (the name that matched) and ``score``. ``ValueError`` for a text
        with no letters or digits, or one longer than :data:`MAX_QUERY_LENGTH` characters or
        :data:`MAX_QUERY_WORDS` words."""
        best: dict[int, tuple[int, str]] = {}
        for words, qc in self._forms(q):
            found = sorted(self._candidates(words, qc))
            names = self._fetch_names(found)
            for i in found:
                name = names[i]
                s = self._score(words, qc, name)
                if s and s > best.get(name.entity, (0, ""))[0]:
                    best[name.entity] = (s, name.text)
        return self._page(best or self._fallback(q), kind, limit, offset)

def search_entities(cat: "Catalog", q: str, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict:
    """Entities of a catalog whose label or an alias matches ``q``, best first (see the module
    docstring and :meth:`SearchIndex.search`)."""
    return cat.search_index().search(q, kind=kind, limit=limit, offset=offset)
