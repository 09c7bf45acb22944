"""The passage view: the lines a citation points at, read at run time from the local copy of the
source text (``CAKG_SOURCES_DIR``), with a few lines of context, the cited lines marked and the
names of the claim's entities highlighted. Nothing of the texts is stored in the project.

``GET /sources/{id}/passage?lines=24-26`` answers HTML, or JSON when asked for
``application/json`` or at ``/sources/{id}/passage.json``. A chapter of the conference volume is
read from the volume's file: its lines are the volume's lines, and a citation of a chapter must lie
inside the chapter. Add ``claim=<claim id>`` to highlight the names of that claim's subject, object
and partners, or ``names=`` (entity ids or plain names, comma-separated).

Errors: an unknown source or claim, or a text that is not in the sources folder, is a 404; a
malformed ``lines`` or lines past the end of the text (or outside the chapter) a 422.

>>> parse_lines("24-26"), parse_lines(" 7 ")
((24, 26), (7, 7))
>>> [(s["text"], s["mark"]) for s in segments("The IMU's base, says imu.", name_pattern(["IMU", "base"]))]
[('The ', False), ('IMU', True), ("'s ", False), ('base', True), (', says ', False), ('imu', True), ('.', False)]
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from graph.read.catalog import Catalog, SourceRecord
from graph.settings import Settings

from ..deps import get_catalog, get_settings
from ..errors import ApiError, bad_parameter
from ..models import ErrorBody
from . import models as view_models
from .citations import short_name
from .templating import page_error, page_errors, render, wants_json

router = APIRouter(tags=["pages"])

#: lines of context shown before and after the cited lines
CONTEXT = 3
#: the longest passage the view shows (a citation is a few lines; this stops whole-text dumps)
MAX_LINES = 200

_LINES = re.compile(r"^\s*(\d{1,7})\s*(?:[-\u2013]\s*(\d{1,7})\s*)?$")


def parse_lines(text: str | None) -> tuple[int, int]:
    """``"24"`` or ``"24-26"`` as ``(first, last)``; anything else is a 422 naming ``lines``."""
    m = _LINES.match(text or "")
    if not m:
        raise bad_parameter("lines", f"give a line or a range of lines such as 24 or 24-26 (got {text!r})")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first < 1:
        raise bad_parameter("lines", f"lines are numbered from 1 (got {text!r})")
    if last < first:
        raise bad_parameter("lines", f"the range ends before it starts (got {text!r})")
    if last - first + 1 > MAX_LINES:
        raise bad_parameter("lines", f"at most {MAX_LINES} lines at a time (got {last - first + 1})")
    return first, last


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    with open(path, encoding="utf-8", errors="replace") as f:
        return tuple(f.read().splitlines())


def read_text(path: Path) -> tuple[str, ...] | None:
    """The lines of a text file (re-read when the file changes), or ``None`` when it is absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _read(str(path), st.st_mtime_ns, st.st_size)


def text_source(source: SourceRecord, sources: dict[str, SourceRecord]) -> tuple[SourceRecord, SourceRecord | None]:
    """The source whose file holds the text (the volume, for a chapter) and the chapter, if any."""
    if source.part_of and source.part_of in sources:
        return sources[source.part_of], source
    return source, None


def name_pattern(names: list[str]) -> re.Pattern | None:
    """One pattern for all the names (longest first; case ignored; spaces or hyphens between the
    words of a name as the text has them; whole words only)."""
    words = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    parts = [r"[\s\-\u2010\u2011]+".join(re.escape(w) for w in name.split()) for name in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def segments(line: str, pattern: re.Pattern | None) -> list[dict]:
    """The line cut into ``{"text", "mark"}`` pieces, ``mark`` for the names (the template escapes
    every piece; nothing of the text is ever treated as markup)."""
    if pattern is None or not line:
        return [{"text": line, "mark": False}]
    out, pos = [], 0
    for m in pattern.finditer(line):
        if m.start() > pos:
            out.append({"text": line[pos:m.start()], "mark": False})
        out.append({"text": m.group(0), "mark": True})
        pos = m.end()
    if pos < len(line):
        out.append({"text": line[pos:], "mark": False})
    return out or [{"text": line, "mark": False}]


def entity_names(cat: Catalog, entity_id: str) -> list[str]:
    """An entity's label and aliases (a person's surname too), or ``[]`` for an unknown id."""
    e = cat.entity(entity_id)
    if e is None:
        return []
    names = [e.label, *(n.text for n in e.labels), *(n.text for n in e.aliases)]
    if e.kind == "person" and len(e.label.split()) > 1 and len(e.label.split()[-1]) > 3:
        names.append(e.label.split()[-1])
    return list(dict.fromkeys(names))


def _highlight(cat: Catalog, claim_id: str | None, names: str | None) -> tuple[list[str], dict | None]:
    wanted: list[str] = []
    claim_info = None
    if claim_id:
        claim = cat.claim(claim_id)
        if claim is None:
            raise ApiError(404, "not_found", f"no claim with id {claim_id!r}", parameter="claim")
        ids = [claim.subject.id, *([claim.object.id] if claim.object else []), *claim.joint_with]
        for i in ids:
            wanted += entity_names(cat, i)
        claim_info = {"id": claim.id, "relation": claim.relation, "subject": claim.subject.id,
                      "object": claim.object.id if claim.object else None, "url": f"/claims/{claim.id}"}
    for item in (names or "").split(","):
        item = item.strip()
        if item:
            wanted += entity_names(cat, item) or [item]
    return list(dict.fromkeys(wanted)), claim_info


def passage_data(cat: Catalog, settings: Settings, source_id: str, lines: str | None,
                 claim: str | None = None, names: str | None = None) -> dict:
    """The passage page's data; raises :class:`ApiError` (404 unknown source, claim or absent text;
    422 bad lines)."""
    sources = cat.sources()
    source = sources.get(source_id)
    if source is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r} (see /sources)")
    first, last = parse_lines(lines)
    holder, chapter = text_source(source, sources)
    if not holder.file:
        raise ApiError(404, "text_not_found", f"source {source_id!r} has no text file in the catalogue")
    path = Path(settings.sources_dir) / holder.file
    text = read_text(path)
    if text is None:
        raise ApiError(404, "text_not_found", f"the text of {source_id!r} ({holder.file}) is not in "
                                              f"{settings.sources_dir} (set CAKG_SOURCES_DIR to the folder of the texts)")
    lo, hi = 1, len(text)
    if chapter is not None and chapter.line_start:
        lo, hi = chapter.line_start, min(chapter.line_end or hi, hi)
    if first < lo or last > hi:
        where = (f"chapter {source_id!r} (lines {lo}-{hi} of {holder.file})" if chapter is not None
                 else f"{holder.file} (lines 1-{hi})")
        raise bad_parameter("lines", f"lines {first}-{last} lie outside {where}")
    wanted, claim_info = _highlight(cat, claim, names)
    pattern = name_pattern(wanted)
    start, end = max(lo, first - CONTEXT), min(hi, last + CONTEXT)
    rows = [{"number": n, "cited": first <= n <= last, "segments": segments(text[n - 1], pattern)}
            for n in range(start, end + 1)]
    volume = sources.get(source.part_of) if source.part_of else None
    params = {"lines": f"{first}" + (f"-{last}" if last != first else "")}
    params.update({k: v for k, v in (("claim", claim), ("names", names)) if v})
    query = urlencode(params, safe=",")
    return {
        "source": source_id, "title": source.title, "author": source.author,
        "short": short_name(source, volume), "file": holder.file,
        "part_of": source.part_of, "chapter_lines": {"first": lo, "last": hi} if chapter is not None else None,
        "lines": {"first": first, "last": last}, "context": {"first": start, "last": end},
        "total_lines": len(text), "names": wanted, "claim": claim_info, "rows": rows,
        "found": sum(1 for r in rows if r["cited"] for s in r["segments"] if s["mark"]),
        "links": {"source": f"/sources/{source_id}", "html": f"/sources/{source_id}/passage?{query}",
                  "json": f"/sources/{source_id}/passage.json?{query}"},
    }


Lines = Annotated[str | None, Query(description="The cited line or range of lines, e.g. 24 or 24-26", examples=["18-19"])]
ClaimParam = Annotated[str | None, Query(description="A claim id: highlight the names of its entities")]
Names = Annotated[str | None, Query(description="Entity ids or names to highlight, comma-separated", examples=["imu,taliban"])]
PASSAGE_ERRORS = {404: {"model": ErrorBody, "description": "No such source or claim, or its text is absent"},
                  422: {"model": ErrorBody, "description": "lines malformed or outside the text"}}


@router.get("/sources/{source_id}/passage.json", response_model=view_models.PassagePage, responses=PASSAGE_ERRORS,
            summary="The cited lines of a source, with context and highlighted names (JSON)")
def passage_json(source_id: str, cat: Annotated[Catalog, Depends(get_catalog)],
                 settings: Annotated[Settings, Depends(get_settings)], lines: Lines = None,
                 claim: ClaimParam = None, names: Names = None):
    return JSONResponse(view_models.PassagePage(**passage_data(cat, settings, source_id, lines, claim, names)).model_dump())


@router.get("/sources/{source_id}/passage", response_class=HTMLResponse, responses=page_errors(PASSAGE_ERRORS),
            summary="The cited lines of a source, with a few lines of context and the names highlighted "
                    "(JSON: .json or Accept)")
def passage_view(request: Request, source_id: str, cat: Annotated[Catalog, Depends(get_catalog)],
                 settings: Annotated[Settings, Depends(get_settings)], lines: Lines = None,
                 claim: ClaimParam = None, names: Names = None):
    if wants_json(request):
        return passage_json(source_id, cat, settings, lines, claim, names)
    try:
        data = passage_data(cat, settings, source_id, lines, claim, names)
    except ApiError as exc:
        return page_error(request, exc)
    return render(request, "passage.html", p=data, json_url=data["links"]["json"])
