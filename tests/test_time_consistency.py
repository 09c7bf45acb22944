"""Every interface answers the same thing at the same date: for each year 1995-2023 and each
relation type, the ties (subject, relation, object, status and the claims that attest them) of
``/relations?at=Y``, ``/views/network.json?at=Y``, :func:`graph.network.snapshot`, the GEXF and CSV
exports and the SPARQL example query over the build's ties are one and the same set.

Each source is read once per year for every type at once (the exports once in all), then compared
type by type, so a disagreement names the year, the type and the ties that differ. Run on the
fixture graph and on the curated seeds.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from graph import network as gn
from graph.read.catalog import Catalog
from graph.timeline import period

YEARS = range(1995, 2024)
STATUS_ORDER = ("holds", "presumed")  # at a year, a tie that is attested in it holds (even if presumed later)

Row = tuple[str, str, str, str, tuple[str, ...]]  # subject, relation, object, status, claims


@pytest.fixture(scope="module", params=["fixture", "seeds"])
def graph(request):
    """(catalog, test client) over the fixture graph or the curated seeds."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.build import compile_seeds
    from graph.settings import Settings
    from graph.store import memory_store
    from graph.testing import fixture_store

    if request.param == "fixture":
        store = fixture_store()
    else:
        store = memory_store(compile_seeds(Settings().seeds_dir, locators=False).ntriples())
    app = create_app(store)
    with TestClient(app) as client:
        yield client.app.state.live.catalog, client


# ------------------------------------------------------------------------------ the readers

def rest(client, year: int, status: str | None = None) -> set[Row]:
    out: set[Row] = set()
    offset = 0
    while True:
        params = {"at": str(year), "limit": 1000, "offset": offset}
        if status:
            params["status"] = status
        r = client.get("/relations", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        for t in body["items"]:
            out.add((t["subject"]["id"], t["relation"], t["object"]["id"], t["status"],
                     tuple(sorted(c["id"] for c in t["claims"]))))
        offset += 1000
        if offset >= body["total"]:
            return out


def network_view(client, year: int, status: str | None = None) -> set[Row]:
    params = {"at": str(year), "scope": "all"} | ({"status": status} if status else {})
    r = client.get("/views/network.json", params=params)
    assert r.status_code == 200, r.text
    return {(e["from"], e["relation"], e["to"], e["status"], tuple(sorted(e["claims"]))) for e in r.json()["edges"]}


def snapshot(G, year: int, statuses=("holds", "presumed")) -> set[Row]:
    return {(u, d["relation"], v, d["status"], tuple(sorted(d["claims"])))
            for u, v, d in gn.snapshot(G, year, statuses=statuses).edges(data=True)}


def _status_in(runs: list[tuple[str, str | None, str | None]], year: int) -> str | None:
    """The status a file's runs give a year (an attested run wins over a presumed one)."""
    when = period(str(year))
    met = {s for s, a, b in runs if when.overlaps(_day(a), _day(b))}
    return next((s for s in STATUS_ORDER if s in met), None)


def _day(iso: str | None):
    import datetime as dt

    return dt.date.fromisoformat(iso) if iso else None


def gexf_edges(xml: bytes) -> list[tuple[str, str, str, tuple[str, ...], list]]:
    """(source, relation, target, claims, runs) of each edge of a GEXF file."""
    root = ET.fromstring(xml)
    ns = {"g": root.tag[1:].split("}")[0]}
    attr_ids = {a.get("title"): a.get("id") for a in root.iterfind(".//g:attributes[@class='edge']/g:attribute", ns)}
    out = []
    for e in root.iterfind(".//g:edge", ns):
        runs, claims = [], ()
        for v in e.iterfind("g:attvalues/g:attvalue", ns):
            if v.get("for") == attr_ids["status"]:
                runs.append((v.get("value"), v.get("start"), v.get("end")))
            elif v.get("for") == attr_ids["claims"]:
                claims = tuple(sorted(x.strip() for x in v.get("value").split(";")))
        if not any(r[1] or r[2] for r in runs):  # a static status: at every date
            runs = [(s, None, None) for s, *_ in runs]
        out.append((e.get("source"), e.get("kind"), e.get("target"), claims, runs))
    return out


def csv_edges(text: str) -> list[tuple[str, str, str, tuple[str, ...], list]]:
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        runs = []
        for cell in filter(None, (c.strip() for c in row["spans"].split(";"))):
            status, _, days = cell.partition(" ")
            a, _, b = days.partition("/")
            runs.append((status, a or None, b or None))
        claims = tuple(sorted(c.strip() for c in row["claims"].split(";") if c.strip()))
        out.append((row["source"], row["relation"], row["target"], claims, runs))
    return out


def from_file(edges, year: int) -> set[Row]:
    out = set()
    for s, r, o, claims, runs in edges:
        status = _status_in(runs, year)
        if status:
            out.add((s, r, o, status, claims))
    return out


def sparql(cat: Catalog, year: int) -> set[tuple[str, str, str, str]]:
    from api.sparql.description import ties_in_year
    from graph.vocab import local_id

    return {(r["subject"], local_id(r["relation"]), r["object"], r["status"]) for r in cat.store.select(ties_in_year(year))}


def by_type(rows) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for row in rows:
        out[row[1]].add(row)
    return out


def disagreements(year: int, answers: dict[str, set]) -> list[str]:
    """Per relation type, each interface whose set differs from the REST answer, with what differs."""
    reference = by_type(answers["rest"])
    problems = []
    for name, rows in answers.items():
        if name == "rest":
            continue
        mine = by_type(rows)
        for rel in sorted(set(reference) | set(mine)):
            want = reference.get(rel, set())
            if name == "sparql":
                want = {row[:4] for row in want}
            got = mine.get(rel, set())
            if got != want:
                problems.append(f"{year} {rel}: {name} has {sorted(got - want)[:3]} extra, "
                                f"misses {sorted(want - got)[:3]}")
    return problems


# ------------------------------------------------------------------------------ the test

def test_every_interface_gives_the_same_ties_with_the_same_statuses_at_every_year(graph):
    cat, client = graph
    G = gn.project(cat)
    gexf = gexf_edges(gn.to_gexf(G))
    table = csv_edges(gn.to_csv(G))
    problems: list[str] = []
    seen_status: set[str] = set()
    for year in YEARS:
        answers = {"rest": rest(client, year), "network view": network_view(client, year),
                   "snapshot": snapshot(G, year), "gexf": from_file(gexf, year), "csv": from_file(table, year),
                   "sparql": sparql(cat, year)}
        seen_status |= {row[3] for row in answers["rest"]}
        problems += disagreements(year, answers)
    assert not problems, "\n".join(problems[:20])
    assert seen_status == {"holds", "presumed"}, "the years asked should meet both statuses"


def test_ended_ties_agree_too(graph):
    """``status=ended`` (asked for explicitly) is the same set through REST, the view and the snapshot."""
    cat, client = graph
    G = gn.project(cat)
    problems: list[str] = []
    any_ended = False
    for year in YEARS[::4]:
        answers = {"rest": rest(client, year, "ended"), "network view": network_view(client, year, "ended"),
                   "snapshot": snapshot(G, year, ("ended",))}
        any_ended |= bool(answers["rest"])
        problems += disagreements(year, answers)
    assert not problems, "\n".join(problems[:20])
    assert any_ended
