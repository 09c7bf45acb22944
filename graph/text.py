"""Text folding shared by search and by the locator check.

Folding drops case, diacritics, apostrophes and punctuation and treats hyphens and line breaks
as spaces, and keeps the letters of every script, so that ``Hay'at Tahrir al-Sham``,
``Hay ’ at Tahrir al-Sham`` and ``hayat tahrir al sham`` compare equal in :func:`compact` form,
and a Cyrillic or Arabic name stays searchable. :func:`transliterate` gives the Latin form of a
name in another script (anyascii), so ``islamskoe dvizhenie`` finds the Russian name too.

>>> fold("Hay’at Tahrir al-Sham")
'hayat tahrir al sham'
>>> compact("Hay ’ at Tahrir al-Sham") == compact("hayat tahrir al sham")
True
>>> fold("KIB’s Afghan wing")
'kib afghan wing'
>>> fold("Исламское движение Узбекистана")
'исламское движение узбекистана'
>>> transliterate("Ҳаракати исломии Ўзбекистон")
'harakati islomii uzbekiston'
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['’‘`ʼʻ′]")
_POSSESSIVE = re.compile(r"(?<=\w)\s?['’]s\b")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation; words of any script separated by single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def compact(text: str) -> str:
    """:func:`fold` without spaces: robust to words split by hyphens, line breaks or stray spaces."""
    return fold(text).replace(" ", "")


def transliterate(text: str) -> str:
    """The folded Latin transliteration of ``text`` (equal to :func:`fold` for Latin text)."""
    return fold(anyascii(text))


def dehyphenate(lines: list[str]) -> str:
    """Join lines of extracted text, mending words broken across lines with a hyphen."""
    text = "\n".join(lines)
    return re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
