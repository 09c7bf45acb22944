"""What changed between two dates, by the one time rule: the ties that began or were first
attested, the ties that ended (and why), the one-off acts, the pairs whose relation types
changed, and the disputes that arose, each with its claims and their sources.

>>> from graph.testing import fixture_catalog
>>> c = changes(fixture_catalog(), "2015", "2015")
>>> sorted((t["subject"]["id"], t["relation"]) for t in c["acts"])[:2]
[('imu-uzbek-faction', 'splitFrom'), ('usman-ghazi', 'defectedTo')]
>>> [(t["subject"]["id"], t["end_reason"]) for t in c["ended"] if t["relation"] == "leaderOf"]
[('usman-ghazi', 'death')]
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict

from ..timeline import Period, period
from .catalog import Catalog
from .queries import DEFAULT_STATUSES, disputes, tie_json


def _inside(day: str | None, window: Period) -> bool:
    return day is not None and window.overlaps(_dt.date.fromisoformat(day), _dt.date.fromisoformat(day))


def changes(cat: Catalog, start: str, end: str, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> dict:
    """Changes between ``start`` and ``end`` (both inclusive: ``2014``..``2015`` is two years).

    * ``formed``: ties first attested in the window (``how``: ``began`` when a claim's text gives
      the start, else ``first attested``);
    * ``ended``: ties that ended in the window, with ``end_reason`` and the claim that ends them;
    * ``acts``: one-off acts (killings, splits, defections, arrests) dated in the window;
    * ``changed_type``: pairs of entities linked both at ``start`` and at ``end`` (ties with one
      of ``statuses``) by different sets of relation types: ``{dyad, labels, before, after}``;
    * ``newly_disputed``: pairs of disputing claims that came to be both attested in the window,
      with the reason.

    Figures are left out of ``formed``, ``ended`` and ``acts`` (they show in ``newly_disputed``).
    """
    window = period(start=start, end=end)
    before_at, after_at = period(start), period(end)
    out: dict[str, list] = {"formed": [], "ended": [], "acts": [], "changed_type": [], "newly_disputed": []}
    types: dict[str, dict[tuple[str, str], set[str]]] = {"before": defaultdict(set), "after": defaultdict(set)}
    labels: dict[str, str] = {}
    for tie in cat.ties().values():
        if tie.object is None or not tie.factual:
            continue
        if tie.one_off:
            if _inside(tie.first, window):
                out["acts"].append(tie_json(cat, tie, "holds"))
            continue
        dyad = tuple(sorted((tie.subject.id, tie.object.id)))
        labels[tie.subject.id], labels[tie.object.id] = tie.subject.label or tie.subject.id, tie.object.label or tie.object.id
        for side, when in (("before", before_at), ("after", after_at)):
            if tie.status_at(when) in statuses:
                types[side][dyad].add(tie.relation)
        if not tie.always and _inside(tie.first, window):
            item = tie_json(cat, tie, tie.status_at(window))
            began = any(c["start"] and c["attested_from"] == tie.first for c in item["claims"])
            item["how"] = "began" if began else "first attested"
            out["formed"].append(item)
        if _inside(tie.ended_on, window):
            out["ended"].append(tie_json(cat, tie, "ended"))
    for dyad in sorted(set(types["before"]) & set(types["after"])):
        if types["before"][dyad] != types["after"][dyad]:
            out["changed_type"].append({"dyad": list(dyad), "labels": [labels.get(n, n) for n in dyad],
                                        "before": sorted(types["before"][dyad]), "after": sorted(types["after"][dyad])})
    for pair in disputes(cat):
        a, b = pair["a"], pair["b"]
        if a["attested_from"] and b["attested_from"] and _inside(max(a["attested_from"], b["attested_from"]), window):
            out["newly_disputed"].append(pair)
    out["formed"].sort(key=lambda t: (t["first_attested"], t["key"]))
    out["acts"].sort(key=lambda t: (t["first_attested"] or "", t["key"]))
    out["ended"].sort(key=lambda t: (t["ended_on"], t["key"]))
    return {"from": start, "to": end, **out, "counts": {k: len(v) for k, v in out.items()}}

