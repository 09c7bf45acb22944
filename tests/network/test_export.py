"""Network exports: GraphML, dynamic GEXF and CSV edge lists, from Python and from `cakg export`."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from graph import network as nw
from graph.cli import main
from graph.testing import FIXTURE_SEEDS

GEXF = "{http://www.gexf.net/1.2draft}"




def test_csv_has_one_row_per_tie(catalog, G):
    rows = list(csv.DictReader(io.StringIO(nw.export_network(catalog, "csv").decode())))
    assert len(rows) == G.number_of_edges()
    assert {r["tie"] for r in rows} == {k for *_, k in G.edges(keys=True)}
    row = next(r for r in rows if r["source"] == "farrukh-fayzimatov" and r["relation"] == "memberOf")
    assert (row["target"], row["target_label"], row["first"], row["last"], row["ended_on"], row["disputed"]) == (
        "hts", "Hay'at Tahrir al-Sham", "2016-01-01", "2021-12-31", "", "False")
    assert row["sources"] == "soliev-pantucci-2022:52-56" and row["claims"]


def test_graphml_reads_back_with_tie_keys_and_attributes(catalog, G):
    H = nx.read_graphml(io.BytesIO(nw.export_network(catalog, "graphml")), force_multigraph=True)
    assert H.is_directed() and H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert {k for *_, k in H.edges(keys=True)} == {k for *_, k in G.edges(keys=True)}
    assert H.nodes["kib"]["kind"] == "group"
    for u, v, k, d in G.edges(keys=True, data=True):
        back = H.edges[u, v, k]
        assert back["relation"] == d["relation"] and back["sources"] == "; ".join(d["sources"])
        assert back["disputed"] is d["disputed"] and back.get("ended_on") == d["ended_on"]
        assert back["claims"] == "; ".join(d["claims"])


def test_gexf_is_dynamic_with_spells_and_statuses(catalog, G):
    root = ET.fromstring(nw.export_network(catalog, "gexf"))
    graph = root.find(f"{GEXF}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    edges = {e.get("id"): e for e in graph.iter(f"{GEXF}edge")}
    assert set(edges) == {k for *_, k in G.edges(keys=True)}
    assert {n.get("id") for n in graph.iter(f"{GEXF}node")} == set(G.nodes)
    titles = {a.get("id"): a.get("title") for a in graph.iter(f"{GEXF}attribute")}
    for u, v, k, d in G.edges(keys=True, data=True):
        e = edges[k]
        assert (e.get("source"), e.get("target"), e.get("kind"), e.get("label")) == (u, v, d["relation"], d["relation_label"])
        assert e.get("type") == ("undirected" if d["symmetric"] else None)
        spells = [(s.get("start"), s.get("end")) for s in e.iter(f"{GEXF}spell")]
        assert spells == [(a, b) for _, a, b in nw.edge_spells(d) if (a, b) != (None, None)], k
        values = {titles[a.get("for")]: a.get("value") for a in e.iter(f"{GEXF}attvalue") if a.get("start") is None
                  and a.get("end") is None}
        assert values["sources"] == "; ".join(d["sources"]) and values["disputed"] == str(d["disputed"]).lower()
    # Usman Ghazi led the IMU 2009-2015 (attested), then his death ended it: no presumed spell
    ghazi = edges["usman-ghazi--leaderOf--imu"]
    statuses = [(a.get("value"), a.get("start"), a.get("end")) for a in ghazi.iter(f"{GEXF}attvalue")
                if titles[a.get("for")] == "status"]
    assert statuses == [("holds", "2009-01-01", "2015-12-31")]
    # the Taliban's protection of the IMU: attested 2021, presumed after
    imu = edges["imu--protectedBy--taliban"]
    assert [(a.get("value"), a.get("start"), a.get("end")) for a in imu.iter(f"{GEXF}attvalue")
            if titles[a.get("for")] == "status"] == [("holds", "2021-01-01", "2021-12-31"), ("presumed", "2022-01-01", None)]


def test_gexf_nodes_live_while_their_ties_hold(catalog, G):
    graph = ET.fromstring(nw.export_network(catalog, "gexf")).find(f"{GEXF}graph")
    nodes = {n.get("id"): n for n in graph.iter(f"{GEXF}node")}
    spells = lambda node: [(s.get("start"), s.get("end")) for s in nodes[node].iter(f"{GEXF}spell")]
    farrukh = [(a, b) for *_, d in itertools.chain(G.out_edges("farrukh-fayzimatov", data=True),
                                                  G.in_edges("farrukh-fayzimatov", data=True)) for _, a, b in nw.edge_spells(d)]
    assert spells("farrukh-fayzimatov") == nw.merge_intervals(farrukh) == [("2016-01-01", None)]
    # a node with a timeless tie (Faryab, part of Afghanistan) is there at every date
    assert spells("faryab") == []


def test_gexf_of_an_empty_network_is_still_dynamic():
    root = ET.fromstring(nw.to_gexf(nx.MultiDiGraph()))
    graph = root.find(f"{GEXF}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"


def test_unknown_format_is_a_clear_error(catalog):
    with pytest.raises(ValueError, match="unknown network format 'dot'"):
        nw.export_network(catalog, "dot")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(main, ["build", "--seeds", str(FIXTURE_SEEDS), "--data", str(data), "--no-locators"])
    assert result.exit_code == 0, result.output
    return data


@pytest.mark.parametrize("fmt, head", [("graphml", b"<?xml"), ("gexf", b"<?xml"), ("csv", b"tie,source,")])
def test_cli_export_network_formats(built, tmp_path, fmt, head):
    out = tmp_path / f"net.{fmt}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--data", str(built), "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_bytes()
    assert body.startswith(head)
    if fmt == "gexf":
        assert b'mode="dynamic"' in body and b'kind="protectedBy"' in body
    if fmt == "graphml":
        assert nx.read_graphml(io.BytesIO(body), force_multigraph=True).number_of_edges() > 30


def test_cli_export_without_store_fails_clearly(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "gexf", "--data", str(tmp_path / "none")])
    assert result.exit_code == 1 and "cakg build" in result.output
