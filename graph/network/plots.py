"""Matplotlib plots of the temporal network (used by the notebooks).

* :func:`gantt` — one row per relation, a bar where its tie holds and a faded one where it is
  presumed (the time rule), a line where it ended, acts as diamonds, disputed hatched;
* :func:`draw_snapshots` — the network at several dates with the same node positions;
* :func:`plot_centrality` — a centrality measure over time for the most central nodes;
* :func:`heatmap` — a labelled grid of counts.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from graph.testing import fixture_catalog
>>> from graph.network import project, edge_record
>>> G = project(fixture_catalog())
>>> recs = [edge_record(G, u, v, d) for u, v, d in G.edges("imu", data=True)]
>>> ax = gantt(recs, row=lambda r: r["relation_label"] + " " + r["target_label"])
>>> len(ax.get_yticklabels()) == len({r["relation_label"] + " " + r["target_label"] for r in recs})
True
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Iterable

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import networkx as nx

from .temporal import snapshot


def _day(iso: str) -> float:
    return mdates.date2num(_dt.date.fromisoformat(iso))


def short_label(G: nx.MultiDiGraph, node: str, width: int = 14) -> str:
    """The node's label, or its shortest alias when the label is longer than ``width``."""
    data = G.nodes[node] if node in G else {}
    text = data.get("label", node)
    if len(text) > width:
        shorter = [a for a in data.get("aliases", []) if len(a) <= width and "@" not in a]
        if shorter:
            text = min(shorter, key=len)
    return text


def gantt(records: list[dict], row: Callable[[dict], str], ax=None, horizon: str | None = None,
          origin: str | None = None, title: str = "", colours: dict[str, str] | None = None) -> Any:
    """A Gantt-style chart of ties (:func:`graph.network.edge_record` dicts), one row per
    ``row(record)``, coloured by relation family (``colours``: family -> colour, as
    :func:`graph.network.project` puts them in ``G.graph["families"]``): a solid bar where the tie
    holds (its attested days), a faded bar where it is presumed, a bar to the line where it ended,
    a diamond for a one-off act; hatched when disputed. ``origin``/``horizon`` (ISO days) bound
    open ends; by default a year before the earliest and after the latest day in ``records``.
    Returns the axes."""
    days = [d for r in records for d in (r["first"], r["last"], r["ended_on"]) if d]
    lo = origin or (f"{int(min(days)[:4]) - 1}-01-01" if days else "2000-01-01")
    hi = horizon or (f"{int(max(days)[:4]) + 1}-12-31" if days else "2025-12-31")
    rows = sorted({row(r) for r in records}, key=lambda k: min(_sort_key(r) for r in records if row(r) == k))
    index = {k: i for i, k in enumerate(rows)}
    if ax is None:
        _, ax = plt.subplots(figsize=(11, max(1.5, 0.38 * len(rows) + 1)))
    for r in records:
        y = index[row(r)]
        colour = (colours or {}).get(r["category"], "#333333")
        hatch = "///" if r["disputed"] else None
        if r["one_off"]:
            if r["first"]:
                mid = (_day(r["first"]) + _day(r["last"] or r["first"])) / 2
                undated = "text" not in r["datings"]  # dated by its source's period only
                ax.plot([mid], [y], marker="D", markersize=8, markeredgecolor=colour if undated else "black",
                        color="white" if undated else colour, markeredgewidth=2 if undated else 1)
            continue
        for run in r["spans"]:  # the runs of the time rule (graph.timeline.spans)
            if run["status"] == "ended":
                continue
            a = _day(run["from"]) if run["from"] else _day(lo)
            b = _day(run["to"]) if run["to"] else _day(hi)
            held = run["status"] == "holds"
            ax.barh(y, max(b - a, 20), left=a, height=0.5, color=colour, alpha=0.85 if held else 0.3, hatch=hatch,
                    edgecolor="black" if r["disputed"] and held else colour)
        if r["ended_on"]:
            ax.plot([_day(r["ended_on"])], [y], marker="|", color="black", markersize=12)
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.set_xlim(_day(lo), _day(hi))
    ax.xaxis.set_major_locator(mdates.YearLocator(base=_year_step(lo, hi)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def _sort_key(r: dict) -> str:
    return r["first"] or r["ended_on"] or "9999"


def _year_step(lo: str, hi: str) -> int:
    span = int(hi[:4]) - int(lo[:4])
    return 1 if span <= 12 else 2 if span <= 25 else 5


def gantt_legend(ax) -> None:
    """A legend explaining the marks of :func:`gantt`."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="#555555", alpha=0.85, label="holds (attested)"),
        Patch(facecolor="#555555", alpha=0.3, label="presumed (after the last attestation)"),
        Line2D([], [], marker="|", color="black", markersize=12, linestyle="", label="ended"),
        Line2D([], [], marker="D", color="#555555", markeredgecolor="black", linestyle="", label="one-off act"),
        Line2D([], [], marker="D", color="white", markeredgecolor="#555555", markeredgewidth=2, linestyle="",
               label="undated act (its source's period)"),
        Patch(facecolor="white", edgecolor="black", hatch="///", label="disputed"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")


def draw_snapshots(G: nx.MultiDiGraph, times: Iterable[Any], cols: int = 3, acts: bool = False,
                   seed: int = 7, size: float = 5.0):
    """One panel per date: the :func:`graph.network.snapshot` drawn with positions shared across
    panels (a spring layout of all edges of all panels), edges coloured by category, nodes by kind.
    Returns the figure."""
    times = list(times)
    snaps = [snapshot(G, t, acts=acts) for t in times]
    union = nx.Graph()
    for S in snaps:
        union.add_edges_from((u, v) for u, v in S.edges() if u != v)
        union.add_nodes_from(S.nodes)
    pos = nx.spring_layout(union, seed=seed, k=1.6 / max(1, len(union)) ** 0.5) if len(union) else {}
    rows = max(1, -(-len(snaps) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, S in zip(axes.flat, snaps):
        simple = nx.DiGraph()
        simple.add_nodes_from(S.nodes)
        for u, v, d in S.edges(data=True):
            simple.add_edge(u, v, colour=G.graph.get("families", {}).get(d["category"], "#333333"))
        nx.draw_networkx_edges(simple, pos, ax=ax, edge_color=[d["colour"] for *_, d in simple.edges(data=True)],
                               arrows=True, arrowsize=8, alpha=0.7, node_size=300)
        nx.draw_networkx_nodes(simple, pos, ax=ax, node_size=300,
                               node_color=[G.graph.get("kinds", {}).get(G.nodes[n].get("kind"), "#cccccc") for n in simple])
        nx.draw_networkx_labels(simple, pos, ax=ax, labels={n: short_label(G, n) for n in simple}, font_size=7)
        ax.margins(0.12)
        ax.set_title(f"{S.graph['at']}: {S.number_of_nodes()} nodes, {S.number_of_edges()} ties")
    fig.tight_layout()
    return fig


def plot_centrality(rows: list[dict], measure: str = "degree", top: int = 6, ax=None, title: str = ""):
    """Lines of ``measure`` over the snapshots in ``rows`` (from :func:`graph.network.centrality`)
    for the ``top`` nodes with the highest peak value. Returns the axes."""
    peak: dict[str, float] = {}
    for r in rows:
        peak[r["node"]] = max(peak.get(r["node"], 0.0), r[measure])
    chosen = [n for n, v in sorted(peak.items(), key=lambda kv: (-kv[1], kv[0]))[:top] if v > 0]
    times = sorted({r["at"] for r in rows})
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    for node in chosen:
        values = {r["at"]: r[measure] for r in rows if r["node"] == node}
        name = next(r["label"] for r in rows if r["node"] == node)
        ax.plot(times, [values.get(t, 0.0) for t in times], marker="o", label=name)
    ax.set_ylabel(f"{measure} centrality")
    if chosen:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.set_title(title or f"{measure} centrality per snapshot")
    ax.tick_params(axis="x", rotation=45)
    return ax


def heatmap(matrix: list[list[float]], row_labels: list[str], col_labels: list[str], ax=None, title: str = "",
            cmap: str = "Blues"):
    """A grid of numbers with each cell annotated. Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, 0.6 * len(col_labels) + 2), max(2, 0.45 * len(row_labels) + 1)))
    if not matrix or not matrix[0]:
        ax.text(0.5, 0.5, "nothing to show", ha="center", va="center")
        ax.axis("off")
        return ax
    ax.imshow(matrix, cmap=cmap, aspect="auto", vmin=0)
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), row_labels)
    top = max(max(r) for r in matrix) or 1
    for i, r in enumerate(matrix):
        for j, v in enumerate(r):
            ax.text(j, i, f"{v:g}", ha="center", va="center", color="white" if v > top / 2 else "black", fontsize=8)
    if title:
        ax.set_title(title)
    return ax
