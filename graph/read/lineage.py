"""The lineage of the militant groups, in the manner of the Mapping Militants Project's maps:
groups as lanes over time, and the ties by which one group comes from, splits from, merges into,
pledges to, joins or defects to another as connectors at their dates, generated from the ties of
the catalog (dated by the one time rule, :mod:`graph.timeline`), with the leaders of each group
and how one followed another as marks on its lane.

>>> from graph.testing import fixture_catalog
>>> data = lineage(fixture_catalog())
>>> [(e["subject"]["id"], e["kind"], e["object"]["id"]) for e in data["events"] if e["kind"] == "split"]
[('imu-uzbek-faction', 'split', 'imu')]
>>> [(l["person"]["id"], l["end_reason"]) for l in data["lanes"][data["index"]["imu"]]["leaders"]][:2]
[('tahir-yuldash', 'end'), ('usman-ghazi', 'death')]
"""

from __future__ import annotations

from collections import defaultdict, deque

from .catalog import Catalog, TieRecord
from .queries import tie_json

#: the relations a lineage draws, and the kind of connector each is
LINEAGE = {
    "splitFrom": "split", "mergedInto": "merger", "evolvedFrom": "origin", "pledgedAllegianceTo": "pledge",
    "memberOfCoalition": "umbrella", "factionOf": "faction", "affiliateOf": "affiliate",
    "defectedTo": "defection", "defectedFrom": "defection",
}
#: person ties drawn as marks on a group's lane (the succession of its leaders)
LEADERSHIP = ("leaderOf",)
KIND_LABELS = {"split": "split from", "merger": "merged into", "origin": "grew out of", "pledge": "pledged to",
               "umbrella": "joined the umbrella", "faction": "faction of", "affiliate": "affiliate of",
               "defection": "defection"}


def _lineage_ties(cat: Catalog) -> list[TieRecord]:
    return [t for t in cat.ties().values()
            if t.relation in LINEAGE and t.factual and t.object is not None and t.first is not None
            and t.subject.kind == "group" and t.object.kind == "group" and t.subject.id != t.object.id]


def _component(ties: list[TieRecord], focus: str, depth: int) -> set[str]:
    links: dict[str, set[str]] = defaultdict(set)
    for t in ties:
        links[t.subject.id].add(t.object.id)
        links[t.object.id].add(t.subject.id)
    seen, queue = {focus: 0}, deque([focus])
    while queue:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        for other in links[node]:
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    return set(seen)


def _order(groups: set[str], ties: list[TieRecord], first: dict[str, str]) -> list[str]:
    """Lanes in an order that keeps linked groups near each other: each group is followed by the
    groups tied to it (oldest first), starting from the oldest group not yet placed."""
    links: dict[str, set[str]] = defaultdict(set)
    for t in ties:
        links[t.subject.id].add(t.object.id)
        links[t.object.id].add(t.subject.id)
    key = lambda g: (first.get(g, "9999"), g)
    out: list[str] = []
    placed: set[str] = set()
    for root in sorted(groups, key=key):
        if root in placed:
            continue
        stack = [root]
        while stack:
            g = stack.pop()
            if g in placed:
                continue
            placed.add(g)
            out.append(g)
            stack.extend(sorted((n for n in links[g] if n in groups and n not in placed), key=key, reverse=True))
    return out


def lineage(cat: Catalog, focus: str | None = None, depth: int = 2) -> dict:
    """Lanes and connectors of the group lineage (of the groups within ``depth`` lineage steps of
    ``focus``, or of every group with a lineage tie).

    Returns ``{"lanes": [...], "index": {group id: lane number}, "events": [...], "first_year",
    "last_year", "focus"}``. A lane is ``{"group", "first", "last", "open", "leaders"}``: the first
    and last days any of its lineage or leadership ties is attested or ends, ``open`` when one is
    still held or presumed; ``leaders`` are its leaderOf ties (person, days, why each ended). An
    event is a tie (:func:`graph.read.queries.tie_json`, with its claims and their sources) plus
    ``kind`` (split, merger, origin, pledge, umbrella, faction, affiliate, defection) and
    ``kind_label``.
    """
    ties = _lineage_ties(cat)
    if focus is not None:
        keep = _component(ties, focus, depth)
        ties = [t for t in ties if t.subject.id in keep and t.object.id in keep]
    groups = {g for t in ties for g in (t.subject.id, t.object.id)}
    if focus is not None:
        groups.add(focus)
    cat.claims()  # every tie's claims are read at once
    leaders: dict[str, list[dict]] = defaultdict(list)
    for t in cat.ties().values():
        if t.relation in LEADERSHIP and t.factual and t.object is not None and t.object.id in groups and t.first:
            item = tie_json(cat, t)
            item["person"] = item["subject"]
            leaders[t.object.id].append(item)
    days: dict[str, list[str]] = defaultdict(list)
    still: dict[str, bool] = defaultdict(bool)
    for t in ties:
        for g in (t.subject.id, t.object.id):
            days[g] += [d for d in (t.first, t.last, t.ended_on) if d]
            still[g] |= not t.one_off and t.ended_on is None
    for g, items in leaders.items():
        for item in items:
            days[g] += [d for d in (item["first_attested"], item["last_attested"], item["ended_on"]) if d]
            still[g] |= item["ended_on"] is None
    first = {g: min(d) for g, d in days.items() if d}
    order = _order(groups, ties, first)
    refs = cat.refs(groups)
    lanes = []
    for g in order:
        lanes.append({"group": {"id": g, "label": refs[g].label if g in refs else g},
                      "first": first.get(g), "last": max(days[g]) if days.get(g) else None, "open": still[g],
                      "leaders": sorted(leaders.get(g, []), key=lambda x: (x["first_attested"], x["key"]))})
    events = []
    for t in sorted(ties, key=lambda t: (t.first, t.key)):
        item = tie_json(cat, t)
        item["kind"] = LINEAGE[t.relation]
        item["kind_label"] = t.relation_label
        events.append(item)
    years = [int(d[:4]) for g in groups for d in days.get(g, ())]
    return {"focus": focus, "depth": depth if focus else None, "lanes": lanes,
            "index": {lane["group"]["id"]: i for i, lane in enumerate(lanes)}, "events": events,
            "first_year": min(years) if years else None, "last_year": max(years) if years else None}
