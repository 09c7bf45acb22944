"""Geometry of the SVG charts the pages draw server-side (no script, no CDN): the profile timeline
and the lineage view's lanes. Each function turns dated data into boxes in pixels; the templates
only place them.

>>> axis = Axis(2009, 2016, left=100, width=700)
>>> axis.x("2009-01-01"), axis.x("2016-12-31") > 799, [t["year"] for t in axis.ticks()][:3]
(100.0, True, [2009, 2010, 2011])
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

ROW = 20          # row height (px)
BAR = 12          # bar height (px)


@dataclass(frozen=True)
class Axis:
    """Years ``first``..``last`` (both whole) mapped onto ``left``..``left + width`` pixels."""

    first: int
    last: int
    left: float = 260.0
    width: float = 640.0

    def _t(self, day: _dt.date) -> float:
        start = _dt.date(self.first, 1, 1).toordinal()
        end = _dt.date(self.last, 12, 31).toordinal() + 1
        return (day.toordinal() - start) / (end - start)

    def x(self, iso: str | None, open_end: bool = False) -> float:
        """The pixel of a day (ISO), clamped to the axis; ``None`` is the axis' start (or end)."""
        if iso is None:
            return self.left + (self.width if open_end else 0.0)
        t = min(1.0, max(0.0, self._t(_dt.date.fromisoformat(iso))))
        return round(self.left + t * self.width, 1)

    def x_end(self, iso: str | None) -> float:
        """The pixel just after a last day (so a one-day span has a width)."""
        if iso is None:
            return self.left + self.width
        return self.x((_dt.date.fromisoformat(iso) + _dt.timedelta(days=1)).isoformat())

    def ticks(self) -> list[dict]:
        span = self.last - self.first + 1
        step = 1 if span <= 12 else 2 if span <= 24 else 5
        return [{"year": y, "x": self.x(f"{y}-01-01")} for y in range(self.first, self.last + 1) if (y - self.first) % step == 0]


def timeline_chart(timeline: dict, left: float = 260.0, width: float = 640.0) -> dict | None:
    """Boxes of a profile timeline (:func:`api.views.profile.profile_data`'s ``timeline``): per row
    its label, runs (holds: solid; presumed: faded; act: a diamond) and end mark, in pixels."""
    if not timeline["rows"] or timeline["first_year"] is None:
        return None
    axis = Axis(timeline["first_year"], timeline["last_year"], left, width)
    rows = []
    for i, row in enumerate(timeline["rows"]):
        y = 24 + i * ROW
        shapes = []
        for run in row["runs"]:
            if run["status"] == "act":
                cx = (axis.x(run["from"]) + axis.x_end(run["to"])) / 2
                shapes.append({"kind": "act", "cx": round(cx, 1), "cy": y + BAR / 2, "r": 6})
                continue
            x0 = axis.x(run["from"])
            x1 = axis.x_end(run["to"]) if run["to"] or run["status"] == "holds" else axis.x(None, open_end=True)
            shapes.append({"kind": run["status"], "x": x0, "y": y, "w": max(2.0, round(x1 - x0, 1)), "h": BAR})
        end = axis.x_end(row["ended_on"]) if row["ended_on"] else None
        rows.append({**row, "y": y, "shapes": shapes, "end_x": end})
    height = 24 + len(rows) * ROW + 8
    return {"width": left + width + 20, "height": height, "left": left, "ticks": axis.ticks(), "rows": rows}


LANE = 30          # lineage lane height (px)
#: connector colours of the lineage view, by kind of event (graph.read.lineage.LINEAGE)
LINEAGE_COLOURS = {"split": "#d62728", "merger": "#9467bd", "origin": "#8c564b", "pledge": "#ff7f0e",
                   "umbrella": "#2ca02c", "faction": "#1f77b4", "affiliate": "#17becf", "defection": "#e377c2"}


def lineage_chart(data: dict, left: float = 230.0, width: float = 720.0) -> dict | None:
    """Boxes of the lineage view (:func:`graph.read.lineage.lineage`): one lane per group (solid
    while its ties are attested, faded after while one is still presumed), leaders as marks on
    their group's lane, and each event as a vertical connector from the subject's lane to the
    object's at its first attested day (an arrow at the object's end, an end mark where it ended).

    >>> from graph.testing import fixture_catalog
    >>> from graph.read.lineage import lineage
    >>> chart = lineage_chart(lineage(fixture_catalog()))
    >>> y = {lane["group"]["id"]: lane["y"] for lane in chart["lanes"]}
    >>> split = next(c for c in chart["connectors"] if c["event"]["kind"] == "split")
    >>> (split["y1"], split["tip"]) == (y["imu-uzbek-faction"], y["imu"])
    True
    """
    if not data["lanes"] or data["first_year"] is None:
        return None
    first, last = data["first_year"], max(data["last_year"], data["first_year"] + 1)
    axis = Axis(first, last, left, width)
    lane_y = {lane["group"]["id"]: 34 + i * LANE + LANE / 2 for i, lane in enumerate(data["lanes"])}
    lanes = []
    for lane in data["lanes"]:
        y = lane_y[lane["group"]["id"]]
        x0 = axis.x(lane["first"]) if lane["first"] else left
        x1 = axis.x_end(lane["last"]) if lane["last"] else left + width
        marks = [{"x": axis.x(item["first_attested"]), "y": y, "label": item["person"]["label"],
                  "person": item["person"]["id"], "tie": item["key"],
                  "end_x": axis.x_end(item["ended_on"]) if item["ended_on"] else None} for item in lane["leaders"]]
        lanes.append({**lane, "y": y, "x0": x0, "x1": x1, "open_x1": left + width if lane["open"] else None,
                      "marks": marks})
    connectors, used = [], {}
    for event in data["events"]:
        a, b = lane_y.get(event["subject"]["id"]), lane_y.get(event["object"]["id"])
        if a is None or b is None:
            continue
        x = axis.x(event["first_attested"])
        if event["one_off"] and event["last_attested"]:
            x = round((axis.x(event["first_attested"]) + axis.x_end(event["last_attested"])) / 2, 1)
        shift = used.get(round(x), 0)
        used[round(x)] = shift + 1
        x = round(x + 5 * shift, 1)
        towards = 1 if b > a else -1
        connectors.append({"event": event, "x": x, "y1": a, "y2": round(b - 7 * towards, 1), "tip": b,
                           "towards": towards, "colour": LINEAGE_COLOURS.get(event["kind"], "#555555"),
                           "end_x": axis.x_end(event["ended_on"]) if event["ended_on"] else None,
                           "presumed": event["spans"] and event["spans"][-1]["status"] == "presumed"})
    return {"width": left + width + 20, "height": 34 + len(lanes) * LANE + 10, "left": left,
            "ticks": axis.ticks(), "lanes": lanes, "connectors": connectors,
            "legend": [{"kind": k, "colour": c} for k, c in LINEAGE_COLOURS.items()]}
