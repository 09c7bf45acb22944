"""Sentences and tables generated from the network, for the notebooks' prose.

Every function turns data computed by :mod:`graph.network` into text, so that what a notebook
says is what the graph holds (and says so when it holds nothing).

>>> from graph.testing import fixture_catalog
>>> from graph.network import project, dyad_history
>>> G = project(fixture_catalog())
>>> edge_sentence(dyad_history(G, "imu", "usman-ghazi")[0])
'Usman Ghazi leader of Islamic Movement of Uzbekistan (attested 2009–2015, ended 2015 at death; former) [soliev-pantucci-2022:24]'
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


def day_text(day: str | None, last: bool = False) -> str:
    """A day as the shortest date that says it: a year for a whole year, a month for a whole
    month (``last``: the day ends a span).

    >>> day_text("2015-01-01"), day_text("2015-12-31", last=True), day_text("2021-08-31", last=True), day_text("2015-08-03")
    ('2015', '2015', '2021-08', '2015-08-03')
    """
    if not day:
        return ""
    y, m, d = day[:4], day[5:7], day[8:10]
    if (not last and m == "01" and d == "01") or (last and m == "12" and d == "31"):
        return y
    import calendar

    if (not last and d == "01") or (last and int(d) == calendar.monthrange(int(y), int(m))[1]):
        return f"{y}-{m}"
    return day


def span_text(first: str | None, last: str | None) -> str:
    """``2015``, ``2009–2015``, ``2021-08``, ``2015-02-13–2018`` (an en dash between the ends).

    >>> span_text("2009-01-01", "2015-12-31"), span_text("2021-01-01", "2021-12-31")
    ('2009–2015', '2021')
    """
    a, b = day_text(first), day_text(last, last=True)
    if a == b:
        return a
    return f"{a}–{b}" if a and b else a or b


def when_text(rec: dict) -> str:
    """The time of a tie by the rule (an :func:`graph.network.edge_record`): ``2015`` for an act,
    ``attested 2009–2015, ended 2015 at death``, ``attested 2021, presumed since``, with ``c.``
    for approximate dates. When only the source's date dates it, the text says so instead of
    passing the source's year off as the event's: ``undated, source of 2021`` for an act,
    ``attested 2021 by its source's date`` for a tie. No brackets, so callers can bracket it.

    >>> when_text({"one_off": True, "first": "2015-01-01", "last": "2015-12-31", "circa": True, "datings": ["text"]})
    'c. 2015'
    >>> when_text({"one_off": True, "first": "2021-01-01", "last": "2021-12-31", "datings": ["publication"]})
    'undated, source of 2021'
    >>> when_text({"one_off": False, "first": "2009-01-01", "last": "2015-12-31", "ended_on": "2015-12-31",
    ...            "end_reason": "death", "circa": False, "datings": ["text"]})
    'attested 2009–2015, ended 2015 at death'
    >>> when_text({"one_off": False, "first": "2021-01-01", "last": "2021-12-31", "ended_on": None,
    ...            "end_reason": None, "circa": False, "datings": ["source-period"]})
    "attested 2021 by its source's date, presumed since"
    """
    c = "c. " if rec.get("circa") else ""
    undated = bool(rec.get("datings")) and "text" not in rec["datings"]
    span = span_text(rec.get("first"), rec.get("last"))
    if rec.get("one_off"):
        if not span:
            return "undated"
        return f"undated, source of {span}" if undated else f"{c}{span}"
    if not span:
        ended = rec.get("ended_on")
        return f"ended by {day_text(ended, last=True)}{_why(rec.get('end_reason'))}" if ended else "undated"
    text = f"attested {c}{span}" + (" by its source's date" if undated else "")
    if rec.get("ended_on"):
        text += f", ended {day_text(rec['ended_on'], last=True)}{_why(rec.get('end_reason'))}"
    else:
        text += ", presumed since"
    return text


#: an end reason of the time rule as the prose gives it
END_REASONS = {"death": " at death", "leaving": " on leaving", "successor": " on succession",
               "former": ", called former by then"}


def _why(reason: str | None) -> str:
    return END_REASONS.get(reason or "", "")


def edge_sentence(rec: dict, sources: bool = True) -> str:
    """One tie (an :func:`graph.network.edge_record`) as a short sentence with its time by the
    rule, qualifiers, dispute flag and sources.

    >>> edge_sentence({"source_label": "A", "relation_label": "rival of", "target_label": "B", "one_off": False,
    ...                "first": "2015-01-01", "last": "2015-12-31", "ended_on": None, "qualifiers": ["reportedly"],
    ...                "disputed": True, "sources": ["doc:3"], "datings": ["text"]})
    'A rival of B (attested 2015, presumed since; reportedly; disputed by another claim) [doc:3]'
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

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> missing_sentence(project(fixture_catalog()), "this section", ["imu", "no-such-group"])
    'The graph has no entity no-such-group, so this section cannot say anything about it.'
    """
    absent = [i for i in ids if i not in G]
    if not absent:
        return ""
    return (f"The graph has no entit{'y' if len(absent) == 1 else 'ies'} {join(absent)}, so {what} cannot say "
            f"anything about {'it' if len(absent) == 1 else 'them'}.")


def first_year(rec: dict) -> Any:
    """The year a tie is first attested, or ``None``."""
    day = rec.get("first")
    return int(day[:4]) if day else None
