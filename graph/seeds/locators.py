"""Check that each claim's cited lines really say what the claim says.

A citation passes when the cited lines of the source text

* mention the claim's subject and its object (and the partners of a joint figure) by label,
  alias, surname or ``mentioned_as`` phrase (after :func:`graph.text.fold`), or, for a figure, the
  subject and the number as printed. Short names (four letters or fewer, e.g. ``JA``, ``IS``) must
  match a whole word; longer ones are compared with spaces and hyphens ignored, so line-broken
  words still match;
* and carry a cue of the relation: one of the relation's cue words (``cakg:cue`` in
  ``ontology/cues.ttl``; a cue matches at the start of a word, so ``protect`` matches
  "protection", but not inside the name of a state the claim links, so "United States" is no cue
  "unite"), unless the claim says why not (``cue_exempt:``). A line that names both ends but
  says nothing of the relation (an invented "IJU rival of the Taliban" citing a line naming both)
  fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..ontology import Schema
from ..text import compact, dehyphenate, fold
from .model import Claim, Dataset, Problem

_NUMBER_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
    10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen",
    17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty",
    100: "hundred", 1000: "thousand",
}
# Round words whose plural gives a lower bound: "dozens" (more than 12), "hundreds", "thousands".
_ROUND_WORDS = ("dozen", "hundred", "thousand", "million")
# Shares written as fractions, with the per cent a seed stores them as ("one-third" folds to "one third").
_FRACTIONS = (
    (100 / 3, ("one third", "a third")), (200 / 3, ("two thirds",)), (50, ("one half", "a half", "half of")),
    (25, ("one quarter", "a quarter", "one fourth")), (75, ("three quarters",)), (20, ("one fifth", "a fifth")),
)


@lru_cache(maxsize=16)
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())


class Passage:
    """The folded text of some lines of a source document."""

    def __init__(self, lines: list[str]):
        raw = dehyphenate(lines)
        self.spaced = f" {fold(raw)} "
        self.compact = compact(raw)
        # Numbers with their thousands separators removed ("1,300" -> "1300"). Plain spaces are
        # not separators: table rows such as "258 365 612" are three numbers.
        self.numbers = " " + re.sub(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))", "", raw.lower()) + " "

    def mentions(self, name: str) -> bool:
        folded = fold(name)
        if not folded:
            return False
        if len(folded.replace(" ", "")) <= 4:
            return f" {folded} " in self.spaced
        return compact(name) in self.compact

    def has_cue(self, cue: str, names: Iterable[str] = ()) -> bool:
        """Whether a cue word or phrase starts a word of the passage, outside the ``names`` (the
        claim's ends): "unite" in "United States" or "CSTO" as the object's own name is no cue.

        >>> p = Passage(["the United States and Kyrgyzstan"])
        >>> p.has_cue("unite"), p.has_cue("unite", ["United States"])
        (True, False)
        """
        folded = fold(cue)
        if not folded:
            return False
        text = self.spaced
        for name in sorted((fold(n) for n in names), key=len, reverse=True):
            if name:
                text = text.replace(f" {name}", " \x00")
        return f" {folded}" in text

    def _has_fraction(self, words: str) -> bool:
        # "one-" at a line's end and "third" on the next are joined to "onethird" by dehyphenate
        return f" {words} " in self.spaced or (words.split()[0] in ("one", "two", "three") and f" {compact(words)} " in self.spaced)

    def mentions_number(self, value: float, lower_bound: bool | None = None) -> bool:
        """Whether the passage gives the figure: as digits ("1,300"), as a number word ("three",
        "4 thousand"), as the plural of a round word for a lower bound ("dozens" for more than 12,
        "hundreds" for more than 100, "thousands"), or, for a share in per cent, as a fraction
        ("one third" or "a third" for 33 or 33.3, "half of" for 50, "two thirds" for 67).

        ``lower_bound`` says whether the figure is stored as a lower bound only (``more_than``,
        ``at_least``); when it is ``False`` a plural does not count, since "hundreds" is no point
        figure of 100 (``None``: not known, the plural counts)."""
        if any(abs(value - share) < 0.5 and any(self._has_fraction(w) for w in words) for share, words in _FRACTIONS):
            return True
        if value != int(value):
            text = f"{value:g}"
            return fold(text) in self.spaced or text.replace(".", ",") in self.spaced
        n = int(value)
        if re.search(rf"(?<![0-9]){n}(?![0-9])", self.numbers):
            return True
        words = []
        if n in _NUMBER_WORDS:
            words.append(_NUMBER_WORDS[n])
        if n == 12:
            words.append("dozen")  # "dozens of fighters" is at least a dozen
        if n % 1000 == 0 and n >= 1000:
            words.append(f"{n // 1000} thousand")
        if n % 1_000_000 == 0 and n >= 1_000_000:
            words.append(f"{n // 1_000_000} million")
        plurals = [f"{w}s" for w in words if w in _ROUND_WORDS and lower_bound is not False]
        return any(f" {w} " in self.spaced for w in words + plurals)


def passage(sources_dir: Path, file: str, first: int, last: int) -> Passage | None:
    lines = _lines(Path(sources_dir) / file)
    if last > len(lines):
        return None
    return Passage(list(lines[first - 1:last]))


def check_claim(data: Dataset, claim: Claim, sources_dir: Path, schema: Schema | None = None) -> list[Problem]:
    problems = []
    cues = schema.relations[claim.relation].cues if schema is not None else ()
    for cit in claim.citations:
        source = data.sources[cit.document]
        path = Path(sources_dir) / source.file
        if not path.exists():
            problems.append(Problem(claim.origin, f"source text {path} not found", claim.id))
            continue
        text = passage(sources_dir, source.file, cit.first, cit.last)
        if text is None:
            problems.append(Problem(claim.origin, f"{cit.document}:{cit.first}-{cit.last} is past the end of {source.file}", claim.id))
            continue
        wanted = [("subject", data.sets[claim.from_set["subject"]] if "subject" in claim.from_set else data.entities[claim.subject])]
        if claim.object:
            wanted.append(("object", data.sets[claim.from_set["object"]] if "object" in claim.from_set else data.entities[claim.object]))
        wanted += [("partner", data.entities[e]) for e in claim.joint_with]
        for side, entity in wanted:
            if not any(text.mentions(n) for n in entity.textual_names):
                problems.append(Problem(claim.origin, f"{cit.document} {cit.locator} does not mention the {side} "
                                                      f"'{entity.id}' by any of: {', '.join(entity.textual_names)}", claim.id))
        if claim.quantity:
            q = claim.quantity
            lower_only = q.minimum is not None and q.maximum is None
            for number in dict.fromkeys(n for n in (q.value, q.minimum, q.maximum) if n is not None):
                if not text.mentions_number(number, lower_bound=lower_only):
                    problems.append(Problem(claim.origin, f"{cit.document} {cit.locator} does not contain the figure {number:g}", claim.id))
        # a state's name is no cue ("unite" in "United States"); other names may be ("the SCO
        # summit", "a counter-terrorism exercise" name the act the claim is about)
        names = [n for _, entity in wanted if getattr(entity, "kind", None) == "state" for n in entity.textual_names]
        if cues and not claim.cue_exempt and not any(text.has_cue(c, names) for c in cues):
            problems.append(Problem(claim.origin, f"{cit.document} {cit.locator} carries no cue of '{claim.relation}' "
                                                  f"(one of: {', '.join(cues)}); cite the lines that say it, or give "
                                                  "cue_exempt: with the reason", claim.id))
    return problems


def check_locators(data: Dataset, sources_dir: Path, schema: Schema | None = None) -> list[Problem]:
    """Every locator problem of every claim (empty when all cited passages check out); with the
    ``schema``, the cue check too."""
    problems: list[Problem] = []
    for claim in data.claims.values():
        problems.extend(check_claim(data, claim, sources_dir, schema))
    return problems
