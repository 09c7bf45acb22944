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
