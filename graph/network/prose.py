"""Sentences and tables generated from the network, for the notebooks' prose.

Every function turns data computed by :mod:`graph.network` into text, so that what a notebook
says is what the graph holds (and says so when it holds nothing).

>>> from graph.testing import fixture_store
>>> from graph.network import project, dyad_history
>>> G = project(fixture_store())
>>> edge_sentence(dyad_history(G, "imu", "usman-ghazi")[0])
'Usman Ghazi leader of Islamic Movement of Uzbekistan (from 2009) [soliev-pantucci-2022:24]'
"""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx


def join(items: Iterable[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join([]), join(["a"]), join(["a", "b", "c"])
    ('', 'a', 'a, b and c')
    """
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 claim``, ``2 claims``.

    >>> plural(1, "claim"), plural(3, "body", "bodies")
    ('1 claim', '3 bodies')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def when_text(rec: dict) -> str:
    """The time of a claim as the seeds gave it: ``2014``, ``2009 to 2015``, ``until 2021-08``,
    ``as of 2021``, ``as of 2022-02-27, the source's date`` (no date in the claim), with ``c.``
    for approximate dates.

    >>> when_text({"start": "2014", "end": "2014", "as_of": "", "circa": False, "instantaneous": False})
    '2014'
    >>> when_text({"start": "", "end": "2021-08", "as_of": "", "circa": True, "instantaneous": False})
    'until c. 2021-08'
    """
    c = "c. " if rec.get("circa") else ""
    start, end, as_of = rec.get("start", ""), rec.get("end", ""), rec.get("as_of", "")
    if start and end:
        return f"{c}{start}" if start == end else f"{c}{start} to {end}"
    if start:
        return f"{c}{start}" if rec.get("instantaneous") else f"from {c}{start}"
    if end:
        return f"until {c}{end}"
    if as_of:
        return f"as of {as_of}, the source's date" if rec.get("begin_kind") == "as_of_defaulted" else f"as of {c}{as_of}"
    return "undated"


def edge_sentence(rec: dict, sources: bool = True) -> str:
    """One claim (an :func:`graph.network.edge_record`) as a short sentence with its time,
    qualifiers, dispute flag and sources.

    >>> edge_sentence({"source_label": "A", "relation_label": "rival of", "target_label": "B", "start": "2015",
    ...                "end": "", "as_of": "", "qualifiers": ["reportedly"], "disputed": True,
    ...                "sources": ["doc:3"], "instantaneous": False})
    'A rival of B (from 2015; reportedly; disputed by another claim) [doc:3]'
    """
    notes = [when_text(rec)] + list(rec.get("qualifiers") or [])
    if rec.get("disputed"):
        notes.append("disputed by another claim")
    text = f"{rec['source_label']} {rec['relation_label']} {rec['target_label']} ({'; '.join(notes)})"
    if sources and rec.get("sources"):
        text += f" [{', '.join(rec['sources'])}]"
    return text


def bullet_list(records: Iterable[dict], empty: str) -> str:
    """Markdown bullets of :func:`edge_sentence`, or the ``empty`` sentence when there are none."""
    lines = [f"- {edge_sentence(r)}" for r in records]
    return "\n".join(lines) if lines else empty


def markdown_table(rows: list[dict], columns: list[str] | None = None, empty: str = "(no rows)") -> str:
    """A Markdown table of dict rows (``|`` in cells escaped).

    >>> print(markdown_table([{"a": 1, "b": "x|y"}]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    if not rows:
        return empty
    columns = columns or list(rows[0])
    esc = lambda v: str("" if v is None else v).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(esc(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def label(G: nx.MultiDiGraph, node: str) -> str:
    """A node's label (its id when it has none or is not in the graph)."""
    return G.nodes[node].get("label", node) if node in G else node


def labels(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    return [label(G, n) for n in nodes]


def missing_sentence(G: nx.MultiDiGraph, what: str, ids: Iterable[str]) -> str:
    """Which of the entities a question is about are not in the graph ("" when all are).

    >>> from graph.testing import fixture_store
    >>> from graph.network import project
    >>> missing_sentence(project(fixture_store()), "this section", ["imu", "no-such-group"])
    'The graph has no entity no-such-group, so this section cannot say anything about it.'
    """
    absent = [i for i in ids if i not in G]
    if not absent:
        return ""
    return (f"The graph has no entit{'y' if len(absent) == 1 else 'ies'} {join(absent)}, so {what} cannot say "
            f"anything about {'it' if len(absent) == 1 else 'them'}.")


def first_year(rec: dict) -> Any:
    """The year a claim is first known to hold (begin, else finish), or ``None``."""
    day = rec.get("begin") or rec.get("finish")
    return int(day[:4]) if day else None
