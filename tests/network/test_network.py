"""The temporal network layer (graph/network/) on the fixture graph and on small seed sets: one edge
per tie, statuses by the one time rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph import network as nw
from graph.build import compile_seeds
from graph.read.catalog import Catalog
from graph.read.changes import changes
from graph.store import memory_store
from graph.testing import FIXTURE_SEEDS


def tiny_catalog(tmp_path: Path, entities: list[dict], claims: list[dict]) -> Catalog:
    """A catalog of a seed set written here (sources from the fixture, locators unchecked)."""
    seeds = tmp_path / "seeds"
    (seeds / "entities").mkdir(parents=True)
    (seeds / "claims").mkdir()
    shutil.copy(FIXTURE_SEEDS / "sources.yaml", seeds / "sources.yaml")
    (seeds / "entities" / "e.yaml").write_text(yaml.safe_dump({"entities": entities}, sort_keys=False))
    (seeds / "claims" / "c.yaml").write_text(yaml.safe_dump({"claims": claims}, sort_keys=False))
    return Catalog(memory_store(compile_seeds(seeds, locators=False).ntriples()))


SRC = "soliev-pantucci-2022:18"
ENTITIES = [{"id": i, "kind": "group", "label": f"Group {i.upper()}"} for i in ("a", "b", "c")]


@pytest.fixture
def alliance(tmp_path):
    """a and b allied 2010-2013, rivals from mid-2014; c pledged to a (2012) and, disputed, to b;
    c split from a in March 2015."""
    return tiny_catalog(tmp_path, ENTITIES, [
        {"subject": "a", "relation": "alliedWith", "object": "b", "start": 2010, "end": 2013, "source": SRC},
        {"subject": "a", "relation": "rivalOf", "object": "b", "start": "2014-06", "source": SRC},
        {"subject": "c", "relation": "pledgedAllegianceTo", "object": "a", "start": 2012, "source": SRC},
        {"subject": "c", "relation": "pledgedAllegianceTo", "object": "b", "start": 2012, "source": "soliev-pantucci-2022:24"},
        {"subject": "c", "relation": "splitFrom", "object": "a", "date": "2015-03-02", "source": SRC},
    ])


def test_projection_has_every_entity_and_one_edge_per_tie(store, catalog, G):
    entities = store.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e cakg:id ?i ; a/cakg:kindName ?k FILTER(?k != 'source') }")[0]["n"]
    ties = {r["id"] for r in store.select("SELECT ?id WHERE { ?t a cakg:Tie ; cakg:id ?id ; cakg:object/cakg:id ?o }")}
    assert G.number_of_nodes() == entities
    assert {k for *_, k in G.edges(keys=True)} == ties
    claims = {c for *_, d in G.edges(data=True) for c in d["claims"]}
    entity_claims = {r["id"] for r in store.select("SELECT ?id WHERE { ?c a cakg:Claim ; cakg:id ?id ; cakg:object/cakg:id ?o }")}
    assert claims == entity_claims  # every claim about two entities is on exactly one edge
    for u, v, k, d in G.edges(keys=True, data=True):
        assert d["tie"] == k and d["sources"] and d["relation"] and d["relation_label"] and d["category"], k


def test_edge_attributes_follow_the_rule(G):
    d = G["farrukh-fayzimatov"]["hts"]["farrukh-fayzimatov--memberOf--hts"]
    assert (d["relation"], d["first"], d["last"]) == ("memberOf", "2016-01-01", "2021-12-31")  # since 2016, said in 2021
    assert d["sources"] == ["soliev-pantucci-2022:52-56"] and d["datings"] == ["text"]
    faryab = G["imu"]["faryab"]["imu--basedIn--faryab"]
    assert (faryab["first"], faryab["last"], faryab["ended_on"], faryab["end_reason"]) == (
        "2021-08-01", "2021-08-31", "2021-08-31", "end")
    killed = next(iter(G["usman-ghazi"]["taliban"].values()))
    assert killed["one_off"] and killed["circa"] and killed["last"] == "2015-12-31"
    rivals = next(iter(G["iskp"]["taliban"].values()))
    assert rivals["symmetric"] and rivals["datings"] == ["source-period"] and rivals["first"] == "2021-01-01"
    former = next(iter(G["abu-saloh"]["ktj"].values()))
    assert former["qualifiers"] == ["former"] and former["first"] is None and former["end_reason"] == "former"


def test_filter_by_kind_and_relation(catalog, G):
    groups = nw.project(catalog, kinds=["group"])
    assert groups.number_of_nodes() == sum(1 for _, d in G.nodes(data=True) if d["kind"] == "group")
    assert all(G.nodes[u]["kind"] == G.nodes[v]["kind"] == "group" for u, v in groups.edges())
    protect = nw.filter_network(G, relations=["protectedBy"])
    assert sorted(u for u, v in protect.edges()) == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    persons = nw.filter_network(G, kinds=["person", "group"], categories=["person-group"])
    assert {d["category"] for *_, d in persons.edges(data=True)} == {"person-group"}


def test_snapshot_keeps_what_holds_or_is_presumed(G):
    leaders = lambda at: {(u, d["status"]) for u, v, d in nw.snapshot(G, at).edges(data=True)
                          if d["relation"] == "leaderOf" and v == "imu"}
    assert leaders(2009) == {("tahir-yuldash", "holds"), ("usman-ghazi", "holds")}
    assert leaders(2010) == {("usman-ghazi", "holds")}
    assert leaders(2016) == set()  # killed in 2015
    assert not nw.snapshot(G, 2020).has_edge("imu", "taliban")  # attested from 2021 only
    assert nw.snapshot(G, 2021)["imu"]["taliban"]["imu--protectedBy--taliban"]["status"] == "holds"
    assert nw.snapshot(G, 2024)["imu"]["taliban"]["imu--protectedBy--taliban"]["status"] == "presumed"
    assert not nw.snapshot(G, 2024, statuses=("holds",)).has_edge("imu", "taliban")
    assert nw.snapshot(G, "2021-08-31").has_edge("imu", "faryab") and not nw.snapshot(G, "2021-09").has_edge("imu", "faryab")
    assert nw.snapshot(G, 2015).has_edge("usman-ghazi", "taliban")  # the killing, at its date
    assert not nw.snapshot(G, 2015, acts=False).has_edge("usman-ghazi", "taliban")
    assert not nw.snapshot(G, 2016).has_edge("usman-ghazi", "taliban")
    assert nw.snapshot(G, start=2008, end=2010).has_edge("tahir-yuldash", "imu")  # a range


def test_changes_in_the_fixture(catalog):
    c = changes(catalog, "2009", "2009")
    assert [(t["subject"]["id"], t["relation"], t["how"]) for t in c["formed"]] == [
        ("tahir-yuldash", "leaderOf", "first attested"), ("usman-ghazi", "leaderOf", "began")]
    assert [(t["subject"]["id"], t["relation"]) for t in c["ended"]] == [("tahir-yuldash", "leaderOf")]
    c = changes(catalog, "2021", "2021")
    assert ("imu", "basedIn", "faryab") in {(t["subject"]["id"], t["relation"], t["object"]["id"]) for t in c["ended"]}
    assert {"imu", "iju", "jamaat-ansarullah"} <= {t["subject"]["id"] for t in c["formed"] if t["relation"] == "protectedBy"}


def test_changes_formed_ended_acts_changed_type_and_disputes(alliance):
    c = changes(alliance, "2012", "2015")
    assert [(t["relation"], t["first_attested"], t["how"]) for t in c["formed"]] == [
        ("pledgedAllegianceTo", "2012-01-01", "began"), ("pledgedAllegianceTo", "2012-01-01", "began"),
        ("rivalOf", "2014-06-01", "began")]
    assert [(t["relation"], t["ended_on"], t["end_reason"]) for t in c["ended"]] == [
        ("alliedWith", "2013-12-31", "end"), ("pledgedAllegianceTo", "2015-03-02", "leaving")]
    assert [(t["relation"], t["first_attested"]) for t in c["acts"]] == [("splitFrom", "2015-03-02")]
    assert {"dyad": ["a", "b"], "labels": ["Group A", "Group B"], "before": ["alliedWith"], "after": ["rivalOf"]} in c["changed_type"]
    assert len(c["newly_disputed"]) == 1 and "attested at the same time" in c["newly_disputed"][0]["reason"]
    assert changes(alliance, "2017", "2020")["changed_type"] == []


def test_disputed_flag_and_links(alliance):
    G = nw.project(alliance)
    pledges = [d for u, v, d in G.edges(data=True) if d["relation"] == "pledgedAllegianceTo"]
    assert len(pledges) == 2 and all(d["disputed"] for d in pledges)
    assert set(pledges[0]["disputes"]) == set(pledges[1]["claims"])
    assert not any(d["disputed"] for u, v, d in G.edges(data=True) if d["relation"] != "pledgedAllegianceTo")


def test_dyad_history_sequence_and_transitions(alliance):
    G = nw.project(alliance)
    assert [r["relation"] for r in nw.dyad_history(G, "b", "a")] == ["alliedWith", "rivalOf"]
    seq = nw.dyad_sequence(G, "a", "b")
    assert [(day, sorted(types)) for day, types in seq] == [
        ("2010-01-01", ["alliedWith"]), ("2014-01-01", []), ("2014-06-01", ["rivalOf"])]
    histories = nw.dyad_histories(G, kinds=["group"])
    assert set(histories) == {("a", "b"), ("a", "c"), ("b", "c")}
    # real changes within each dyad: the alliance ended and a rivalry began (a-b); c's pledge to a
    # ended when it split (the split itself is an act, not a state)
    assert nw.dyad_transitions(G) == {("alliedWith", "∅"): 1, ("∅", "rivalOf"): 1, ("pledgedAllegianceTo", "∅"): 1}
    assert nw.dyad_history(G, "a", "nobody") == []


def test_centrality_per_snapshot(alliance):
    G = nw.project(alliance)
    rows = nw.centrality(G, [2011, 2013, 2016])
    by = {(r["at"], r["node"]): r for r in rows}
    assert {n for at, n in by if at == "2011"} == {"a", "b"}
    assert by[("2011", "a")]["degree"] == 1.0 and by[("2011", "a")]["betweenness"] == 0.0
    assert by[("2013", "a")]["neighbours"] == 2  # allied with b, c pledged to it
    # 2016: a-b rivals (presumed), c still pledged to b (presumed), c's pledge to a ended by the split
    assert by[("2016", "c")]["neighbours"] == 1
    star = nw.centrality(nw.filter_network(G, relations=["pledgedAllegianceTo"]), [2013])
    assert {r["node"]: r["betweenness"] for r in star} == {"a": 0.0, "b": 0.0, "c": 1.0}
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)


def test_fixture_centrality_and_an_early_snapshot(G):
    # before 2009 only timeless ties hold in the fixture (places inside states, origins, kinship)
    early = nw.snapshot(G, 1990)
    assert early.number_of_edges() > 0 and all(d["always"] for *_, d in early.edges(data=True))
    rows = nw.centrality(G, [2021])
    assert all(0.0 <= r["degree"] <= 1.0 and 0.0 <= r["betweenness"] <= 1.0 for r in rows)
    assert rows[0]["degree"] == max(r["degree"] for r in rows)


def test_as_period_rejects_bad_dates():
    with pytest.raises(ValueError, match="2015-13"):
        nw.as_period("2015-13")
    p = nw.as_period("2016-02")
    assert (p.first.isoformat(), p.last.isoformat()) == ("2016-02-01", "2016-02-29")
