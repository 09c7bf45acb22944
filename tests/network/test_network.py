"""The temporal network layer (graph/network.py) on the fixture graph and on small seed sets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph import network as nw
from graph.build import compile_seeds
from graph.store import memory_store
from graph.testing import FIXTURE_SEEDS


@pytest.fixture
def G(store):
    return nw.project(store)


def tiny_store(tmp_path: Path, entities: list[dict], claims: list[dict]):
    """A store compiled from a seed set written here (sources from the fixture, locators unchecked)."""
    seeds = tmp_path / "seeds"
    (seeds / "entities").mkdir(parents=True)
    (seeds / "claims").mkdir()
    shutil.copy(FIXTURE_SEEDS / "sources.yaml", seeds / "sources.yaml")
    (seeds / "entities" / "e.yaml").write_text(yaml.safe_dump({"entities": entities}, sort_keys=False))
    (seeds / "claims" / "c.yaml").write_text(yaml.safe_dump({"claims": claims}, sort_keys=False))
    graph = compile_seeds(seeds, locators=False).graph
    return memory_store(graph.serialize(format="nt", encoding="utf-8"))


SRC = "soliev-pantucci-2022:18"
ENTITIES = [{"id": i, "kind": "group", "label": f"Group {i.upper()}"} for i in ("a", "b", "c")]


@pytest.fixture
def alliance_store(tmp_path):
    """a and b allied 2010-2013, rivals from 2014; c pledged to a (2012), and, disputed, to b."""
    return tiny_store(tmp_path, ENTITIES, [
        {"subject": "a", "relation": "alliedWith", "object": "b", "start": 2010, "end": 2013, "source": SRC},
        {"subject": "a", "relation": "rivalOf", "object": "b", "start": "2014-06", "source": SRC},
        {"subject": "c", "relation": "pledgedAllegianceTo", "object": "a", "start": 2012, "source": SRC},
        {"subject": "c", "relation": "pledgedAllegianceTo", "object": "b", "start": 2012, "source": "soliev-pantucci-2022:24"},
        {"subject": "c", "relation": "splitFrom", "object": "a", "date": "2015-03-02", "source": SRC},
    ])


def test_projection_has_every_entity_and_one_edge_per_entity_claim(store, G):
    entities = store.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e cakg:id ?i ; a/cakg:kindName ?k FILTER(?k != 'source') }")[0]["n"]
    claims = {r["id"] for r in store.select("SELECT ?id WHERE { ?c a cakg:Claim ; cakg:id ?id ; cakg:object/cakg:id ?o }")}
    figures = store.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a cakg:Claim ; cakg:object/a cakg:Quantity }")[0]["n"]
    assert G.number_of_nodes() == entities
    assert {k for *_, k in G.edges(keys=True)} == claims
    assert G.number_of_edges() == len(claims) > 0 and figures > 0
    for u, v, k, d in G.edges(keys=True, data=True):
        assert d["claim"] == k and d["sources"], k
        assert d["relation"] and d["relation_label"] and d["category"], k


def test_edge_attributes_follow_the_claim(G):
    (k, d), = [(k, d) for k, d in G["farrukh-fayzimatov"]["hts"].items()]
    assert (d["relation"], d["start"], d["start_precision"], d["begin"], d["finish"]) == ("memberOf", "2016", "year", "2016-01-01", None)
    assert d["sources"] == ["soliev-pantucci-2022:52-56"]
    imu_faryab = next(iter(G["imu"]["faryab"].values()))
    assert (imu_faryab["end"], imu_faryab["finish"], imu_faryab["begin"], imu_faryab["current"]) == ("2021-08", "2021-08-31", None, False)
    killed = next(iter(G["usman-ghazi"]["taliban"].values()))
    assert killed["instantaneous"] and killed["circa"] and killed["finish"] == "2015-12-31"
    protected = next(iter(G["imu"]["taliban"].values()))
    assert (protected["as_of"], protected["begin_kind"], protected["begin"]) == ("2021", "as_of", "2021-01-01")
    rivals = next(iter(G["iskp"]["taliban"].values()))
    assert rivals["symmetric"] and rivals["begin_kind"] == "as_of_defaulted"
    former = next(d for d in G["abu-saloh"]["ktj"].values())
    assert former["qualifiers"] == ["former"]


def test_filter_by_kind_and_relation(store, G):
    groups = nw.project(store, kinds=["group"])
    assert groups.number_of_nodes() == sum(1 for _, d in G.nodes(data=True) if d["kind"] == "group")
    assert all(groups.nodes[n]["kind"] == "group" for n in groups)
    assert all(G.nodes[u]["kind"] == G.nodes[v]["kind"] == "group" for u, v in groups.edges())
    protect = nw.filter_network(G, relations=["protectedBy"])
    assert sorted(u for u, v in protect.edges()) == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    persons = nw.filter_network(G, kinds=["person", "group"], categories=["person-group"])
    assert {d["category"] for *_, d in persons.edges(data=True)} == {"person-group"}


def test_snapshot_keeps_what_held_at_the_date(G):
    leaders_2009 = {(u, d["end"]) for u, v, d in nw.snapshot(G, 2009).edges(data=True) if d["relation"] == "leaderOf" and v == "imu"}
    leaders_2010 = {(u, d["end"]) for u, v, d in nw.snapshot(G, 2010).edges(data=True) if d["relation"] == "leaderOf" and v == "imu"}
    assert ("tahir-yuldash", "2009") in leaders_2009 and ("tahir-yuldash", "2009") not in leaders_2010
    assert not nw.snapshot(G, 2020).has_edge("imu", "taliban")
    # An "as of 2021" claim holds in 2021 only (the API's rule), unless carried forward on request.
    assert nw.snapshot(G, 2021).has_edge("imu", "taliban") and not nw.snapshot(G, 2024).has_edge("imu", "taliban")
    assert nw.snapshot(G, 2024, as_of="onward").has_edge("imu", "taliban")
    assert nw.snapshot(G, "2021-08-31").has_edge("imu", "faryab") and not nw.snapshot(G, "2021-09").has_edge("imu", "faryab")
    assert not nw.snapshot(G, 2015).has_edge("usman-ghazi", "taliban")  # acts are out by default
    assert nw.snapshot(G, 2015, acts=True).has_edge("usman-ghazi", "taliban")
    assert not nw.snapshot(G, 2016, acts=True).has_edge("usman-ghazi", "taliban")


def test_changes_in_the_fixture(G):
    c = nw.changes(G, 2009, 2009)
    assert [(r["source"], r["relation"]) for r in c["formed"]] == [("usman-ghazi", "leaderOf")]
    assert [(r["source"], r["relation"]) for r in c["ended"]] == [("tahir-yuldash", "leaderOf")]
    c = nw.changes(G, 2021, 2021)
    assert ("imu", "basedIn", "faryab") in {(r["source"], r["relation"], r["target"]) for r in c["ended"]}
    assert {"imu", "iju", "jamaat-ansarullah"} <= {r["source"] for r in c["reported"] if r["relation"] == "protectedBy"}


def test_changes_formed_ended_and_changed_type(alliance_store):
    G = nw.project(alliance_store)
    c = nw.changes(G, 2012, 2015)
    assert [(r["relation"], r["begin"]) for r in c["formed"]] == [
        ("pledgedAllegianceTo", "2012-01-01"), ("pledgedAllegianceTo", "2012-01-01"), ("rivalOf", "2014-06-01")]
    assert [(r["relation"], r["finish"]) for r in c["ended"]] == [("alliedWith", "2013-12-31")]
    assert [(r["relation"], r["begin"]) for r in c["acts"]] == [("splitFrom", "2015-03-02")]
    assert c["changed_type"] == [{"dyad": ["a", "b"], "labels": ["Group A", "Group B"],
                                  "before": ["alliedWith"], "after": ["rivalOf"]}]
    assert nw.changes(G, 2016, 2020)["changed_type"] == []


def test_disputed_flag_and_links(alliance_store):
    G = nw.project(alliance_store)
    pledges = [d for u, v, d in G.edges(data=True) if d["relation"] == "pledgedAllegianceTo"]
    assert len(pledges) == 2 and all(d["disputed"] for d in pledges)
    assert {pledges[0]["disputes"][0], pledges[1]["disputes"][0]} == {pledges[1]["claim"], pledges[0]["claim"]}
    assert not any(d["disputed"] for u, v, d in G.edges(data=True) if d["relation"] != "pledgedAllegianceTo")


def test_dyad_history_sequence_and_transitions(alliance_store):
    G = nw.project(alliance_store)
    history = nw.dyad_history(G, "b", "a")
    assert [r["relation"] for r in history] == ["alliedWith", "rivalOf"]
    assert nw.dyad_sequence(history) == [("2010-01-01", "alliedWith"), ("2014-06-01", "rivalOf")]
    histories = nw.dyad_histories(G, kinds=["group"])
    assert set(histories) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert [r["relation"] for r in histories[("a", "c")]] == ["pledgedAllegianceTo", "splitFrom"]
    assert nw.dyad_transitions(histories) == {("alliedWith", "rivalOf"): 1, ("pledgedAllegianceTo", "splitFrom"): 1}
    assert nw.dyad_history(G, "a", "nobody") == []


def test_centrality_per_snapshot(alliance_store):
    G = nw.project(alliance_store)
    rows = nw.centrality(G, [2011, 2013, 2016])
    by = {(r["at"], r["node"]): r for r in rows}
    assert {n for at, n in by if at == "2011"} == {"a", "b"}
    assert by[("2011", "a")]["degree"] == 1.0 and by[("2011", "a")]["betweenness"] == 0.0
    # 2013: c pledged to both a and b, a-b allied: a triangle; 2016: a-b rivals, c-a and c-b
    assert by[("2013", "a")]["neighbours"] == 2
    star = nw.centrality(nw.filter_network(G, relations=["pledgedAllegianceTo"]), [2013])
    assert {r["node"]: r["betweenness"] for r in star} == {"a": 0.0, "b": 0.0, "c": 1.0}
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)


def test_fixture_centrality_and_empty_snapshot(G):
    # before any known start only the claims with an end and no start are in the snapshot
    open_begin = {n for u, v, d in G.edges(data=True) if d["begin"] is None and not d["instantaneous"] for n in (u, v)}
    assert {r["node"] for r in nw.centrality(G, [1990])} == open_begin == {"imu", "faryab", "usman-ghazi", "tahir-yuldash"}
    assert nw.centrality(nw.filter_network(G, relations=["protectedBy"]), [1990]) == []
    rows = nw.centrality(G, [2021])
    assert all(0.0 <= r["degree"] <= 1.0 and 0.0 <= r["betweenness"] <= 1.0 for r in rows)
    assert rows[0]["degree"] == max(r["degree"] for r in rows)


def test_period_rejects_bad_dates():
    with pytest.raises(ValueError, match="2015-13"):
        nw.period("2015-13")
    assert nw.period("2016-02") == ("2016-02-01", "2016-02-29")
