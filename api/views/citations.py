"""How a page cites: one short form per citation ("Soliev & Pantucci 2022, l. 24, fn. 656"; the
chapter's author for the conference volume), the full reference once per page in a source list,
and a link from every citation to the cited lines (the passage view).

>>> from graph.read.catalog import SourceRecord
>>> s = SourceRecord("soliev-pantucci-2022", "", "Central Asia", "Nodirbek Soliev; Raffaello Pantucci", "RSIS",
...                  "2022-02-27", "004.txt", False, None, "2021", None, None, None)
>>> short_name(s)
'Soliev & Pantucci 2022'
>>> locator_text(24, 24, "656"), locator_text(24, 26, None)
('l. 24, fn. 656', 'll. 24–26')
"""

from __future__ import annotations

from urllib.parse import quote

from graph.read.catalog import Citation, SourceRecord


def _surname(name: str) -> str:
    parts = name.replace(".", ". ").split()
    return parts[-1] if parts else name


def short_name(source: SourceRecord, volume: SourceRecord | None = None) -> str:
    """Author surnames and year: ``Soliev & Pantucci 2022``, ``Dunay 2019`` (a chapter: its
    author and the volume's year); the catalogue's ``cite_as`` where it gives one (an agency, an
    unsigned page); no author: the short title."""
    year = (source.date or (volume.date if volume else "") or "")[:4]
    author = source.author or ""
    if source.cite_as:
        name = source.cite_as
    elif author:
        people = [a.strip() for a in author.replace(" and ", ";").split(";") if a.strip()]
        if len(people) == 1 and len(people[0].split()) > 3:  # an organisation, not a person
            name = people[0]
        else:
            names = [_surname(p) for p in people]
            name = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
    else:
        name = (source.title or source.id).split(" (")[0]
        if len(name) > 40:
            name = name[:38].rsplit(" ", 1)[0] + " …"
    return f"{name} {year}".strip()


def locator_text(first: int | None, last: int | None, footnote: str | None) -> str:
    """``l. 24`` / ``ll. 24–26``, with ``fn. 656`` when a footnote is named."""
    if first is None:
        text = ""
    elif last in (None, first):
        text = f"l. {first}"
    else:
        text = f"ll. {first}–{last}"
    if footnote:
        text += (", " if text else "") + f"fn. {footnote}"
    return text


def full_reference(source: SourceRecord, volume: SourceRecord | None = None, brief: bool = False) -> str:
    """The bibliographic reference, once per page: author, title, (in the volume,) publisher, date.
    ``brief``: for a chapter whose volume has its own entry on the page, leave out what that entry
    gives (the volume's title, publisher, date); the page links the chapter to it."""
    parts = [source.author or "", f"“{source.title}”" if source.title else source.id]
    if volume is not None and not brief:
        parts.append(f"in {volume.title}")
    publisher = source.publisher or (volume.publisher if volume and not brief else None)
    if publisher:
        parts.append(publisher)
    date = source.date or (volume.date if volume and not brief else None)
    if date:
        parts.append(f"{date}{' (circa)' if source.circa else ''}")
    if source.line_start:
        parts.append(f"lines {source.line_start}–{source.line_end} of the volume's text")
    return ", ".join(p for p in parts if p)


def cite(citation: Citation, sources: dict[str, SourceRecord], claim: str | None = None) -> dict:
    """A citation as a page shows it: the short form, the anchor of its source list entry, and
    the link to the cited lines (the passage view, highlighting the names of ``claim``'s entities)."""
    source = sources.get(citation.document)
    volume = sources.get(source.part_of) if source and source.part_of else None
    name = short_name(source, volume) if source else citation.document
    loc = locator_text(citation.line_start, citation.line_end, citation.footnote)
    lines = (f"{citation.line_start}-{citation.line_end}" if citation.line_end not in (None, citation.line_start)
             else f"{citation.line_start}") if citation.line_start else None
    return {"short": f"{name}, {loc}" if loc else name, "document": citation.document,
            "anchor": f"source-{citation.document}",
            "passage": (f"/sources/{citation.document}/passage?lines={lines}"
                        + (f"&claim={quote(claim, safe='')}" if claim else "")) if lines else None}


def source_list(documents: list[str], sources: dict[str, SourceRecord]) -> list[dict]:
    """The full references of the documents a page cites, once each, in order of their short names.
    A volume whose chapters are cited gets one entry of its own with its full reference; each
    chapter names it by its short name and links to that entry (``volume``), so the volume's
    reference appears once per page however many of its chapters are cited."""
    out, volumes = [], {}
    for doc in dict.fromkeys(documents):
        source = sources.get(doc)
        if source is None:
            continue
        volume = sources.get(source.part_of) if source.part_of else None
        entry = {"id": doc, "anchor": f"source-{doc}", "short": short_name(source, volume),
                 "reference": full_reference(source, volume, brief=volume is not None), "covers": source.covers,
                 "url": f"/sources/{doc}", "volume": None}
        if volume is not None:
            entry["volume"] = {"id": volume.id, "anchor": f"source-{volume.id}", "short": short_name(volume)}
            volumes.setdefault(volume.id, volume)
        out.append(entry)
    listed = {e["id"] for e in out}
    for vid, volume in volumes.items():
        if vid not in listed:
            out.append({"id": vid, "anchor": f"source-{vid}", "short": short_name(volume),
                        "reference": full_reference(volume), "covers": volume.covers,
                        "url": f"/sources/{vid}", "volume": None})
    return sorted(out, key=lambda s: s["short"].lower())


def cite_tie(item: dict, sources: dict[str, SourceRecord]) -> dict:
    """A tie as :func:`graph.read.queries.tie_json` gives it, with ``cites`` on each claim and,
    on the tie, the short forms of all its citations once each (``cites``: what a tooltip lists)."""
    shorts: dict[str, dict] = {}
    for claim in item.get("claims", ()):
        claim["cites"] = [cite(Citation(**s), sources) for s in claim["sources"]]
        for c in claim["cites"]:
            shorts.setdefault(c["short"], c)
    item["cites"] = list(shorts.values())
    return item
