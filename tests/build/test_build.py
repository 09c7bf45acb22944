"""The foundation: ontology, seed checks with file:line errors, SHACL, atomic idempotent builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal

from graph.build import build, compile_seeds
from graph.build import pipeline as build_mod
from graph.build.shacl import load_shapes, shacl_problems
from graph.cli import main
from graph.ontology import load_schema
from graph.seeds import SeedError
from graph.store import build_info, current_store_path, open_store
from graph.testing import FIXTURE_SEEDS
from graph.vocab import CAKG, CLAIM, ID

CLAIMS_FILE = "claims/assessment-2021.yaml"


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "data"


def append_claim(seeds: Path, text: str) -> int:
    """Append a claim (YAML list item) to the fixture claims file; return its line number."""
    path = seeds / CLAIMS_FILE
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines + [text]) + "\n")
    return len(lines) + 1


def count_claims(data: Path) -> int:
    return open_store(data).select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a cakg:Claim }")[0]["n"]


# ---------------------------------------------------------------- ontology and shapes


def test_ontology_and_shapes_parse():
    schema = load_schema()
    assert {"group", "person", "state", "territory", "body", "agency", "organisation", "event"} <= set(schema.kinds)
    for name in ("alliedWith", "rivalOf", "affiliateOf", "memberOfCoalition", "splitFrom", "mergedInto",
                 "evolvedFrom", "protectedBy", "pledgedAllegianceTo", "defectedTo", "leaderOf", "deputyLeaderOf",
                 "founderOf", "memberOf", "spokespersonOf", "recruiterFor", "relativeOf", "contactOf",
                 "observerOf", "partnerOf", "basedIn", "activeIn", "originatesFrom", "bannedIn", "designatedBy",
                 "fighterCount", "returneeCount", "casualtyCount", "partOf"):
        relation = schema.relations[name]
        assert relation.label and relation.category and relation.subject_kinds and relation.object_kinds
    assert schema.relations["alliedWith"].symmetric and not schema.relations["protectedBy"].symmetric
    assert schema.relations["fighterCount"].is_quantity
    assert len(load_shapes()) > 50
    # The ontology reuses the standard vocabularies it claims to.
    g = schema.graph
    assert (CAKG.leaderOf, None, None) in g
    assert any("http://www.w3.org/ns/org#" in str(o) for o in g.objects(CAKG.memberOf, None))


def test_fixture_graph_conforms():
    compiled = compile_seeds(FIXTURE_SEEDS)  # raises on any SHACL or seed problem
    g = compiled.graph
    # Claims, not bare edges: a claim node with its citation, and the truthy triple beside it.
    imu_claims = list(g.subjects(CAKG.subject, ID["imu"]))
    assert imu_claims
    assert (ID["imu"], CAKG.protectedBy, ID["taliban"]) in g
    # Symmetric relations are materialised both ways.
    assert (ID["taliban"], CAKG.rivalOf, ID["iskp"]) in g
    # A claim with no date is attested at the period its source describes (the 2021 assessment:
    # 2021), with no as-of date of its own; every claim is dated and belongs to a tie.
    undated = [c for c in g.subjects(CAKG.dating, Literal("source-period"))]
    assert undated and all(g.value(c, CAKG.asOf) is None for c in undated)
    assert {str(g.value(c, CAKG.attestedFrom)) for c in undated if g.value(c, CAKG.attestedFrom)} == {"2021-01-01"}
    assert all(g.value(c, CAKG.tie) is not None for c in g.subjects(RDF.type, CAKG.Claim))
    # Ties carry the rule's days; Usman Ghazi's leadership ended with his death in 2015.
    tie = next(t for t in g.subjects(RDF.type, CAKG.Tie) if str(t).endswith("/usman-ghazi--leaderOf--imu"))
    assert str(g.value(tie, CAKG.endedOn)) == "2015-12-31" and str(g.value(tie, CAKG.endReason)) == "death"
    # A tie that has ended is not materialised as a direct triple; one that has not, is.
    assert (ID["tahir-yuldash"], CAKG.leaderOf, ID["imu"]) not in g
    assert (ID["usman-ghazi"], CAKG.leaderOf, ID["imu"]) not in g


def test_shacl_catches_a_claim_without_source():
    compiled = compile_seeds(FIXTURE_SEEDS)
    g = compiled.graph
    claim = next(iter(g.subjects(CAKG.subject, ID["imu"])))
    for cit in list(g.objects(claim, CAKG.citation)):
        g.remove((claim, CAKG.citation, cit))
    problems = shacl_problems(g, load_shapes())
    assert problems, "a claim without a citation must violate the shapes"
    assert any("source" in p.message for p in problems)
    assert all(p.origin and p.origin.file.endswith(".yaml") for p in problems)


def test_shacl_catches_end_before_start():
    g = compile_seeds(FIXTURE_SEEDS).graph
    import datetime as dt

    from rdflib import Literal

    claim = next(iter(g.subjects(CAKG.validUntil, None)))
    g.add((claim, CAKG.validFrom, Literal(dt.date(2100, 1, 1))))
    problems = shacl_problems(g, load_shapes())
    assert any("start must not be after its end" in p.message for p in problems)


# ---------------------------------------------------------------- broken seeds


BROKEN = {
    "missing source": ("  - {subject: imu, relation: activeIn, object: faryab}", "has no source"),
    "bad date": ("  - {subject: imu, relation: activeIn, object: faryab, start: 2015-13, source: 'soliev-pantucci-2022:24'}",
                 "bad start"),
    "unknown entity": ("  - {subject: imu, relation: activeIn, object: atlantis, source: 'soliev-pantucci-2022:24'}",
                       "unknown entity 'atlantis'"),
    "end before start": ("  - {subject: imu, relation: activeIn, object: faryab, start: 2016, end: 2014, source: 'soliev-pantucci-2022:24'}",
                         "end 2014 is before start 2016"),
    "unknown relation": ("  - {subject: imu, relation: friendsWith, object: taliban, source: 'soliev-pantucci-2022:18'}",
                         "unknown relation 'friendsWith'"),
    "wrong kinds": ("  - {subject: faryab, relation: leaderOf, object: imu, source: 'soliev-pantucci-2022:24'}",
                    "does not take a territory"),
    "unknown document": ("  - {subject: imu, relation: activeIn, object: faryab, source: 'nowhere-2020:3'}",
                         "unknown document 'nowhere-2020'"),
    "locator that does not mention the object": (
        "  - {subject: imu, relation: activeIn, object: badghis, source: 'soliev-pantucci-2022:24'}",
        "does not mention the object 'badghis'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_claim_fails_with_file_line_and_keeps_store(case, seeds, data):
    first = build(seeds, data)
    before = count_claims(data)
    line, expected = BROKEN[case]
    lineno = append_claim(seeds, line)
    with pytest.raises(SeedError) as err:
        build(seeds, data)
    messages = [str(p) for p in err.value.problems]
    assert any(f"seeds/{CLAIMS_FILE}:{lineno}:" in m and expected in m for m in messages), messages
    # The previous store is untouched and still answers queries.
    assert str(current_store_path(data)) == first.path
    assert count_claims(data) == before


def test_cli_build_reports_file_and_line_and_exits_nonzero(seeds, data):
    lineno = append_claim(seeds, "  - {subject: imu, relation: activeIn, object: faryab}")
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--data", str(data)])
    assert result.exit_code == 1
    assert f"{CLAIMS_FILE}:{lineno}: claim has no source" in result.output
    assert current_store_path(data) is None


def test_yaml_syntax_error_names_the_line(seeds):
    path = seeds / CLAIMS_FILE
    path.write_text(path.read_text() + "  - {subject: imu, relation: [\n")
    with pytest.raises(SeedError) as err:
        compile_seeds(seeds)
    assert "YAML syntax error" in str(err.value) and CLAIMS_FILE in str(err.value)


def test_duplicate_entity_under_two_ids_is_rejected(seeds):
    with open(seeds / "entities" / "core.yaml", "a") as fh:
        fh.write("  - {id: imu-2, kind: group, label: Islamic Movement of Uzbekistan}\n")
    with pytest.raises(SeedError) as err:
        compile_seeds(seeds)
    assert "shares the name 'islamic movement of uzbekistan' with 'imu'" in str(err.value)


def test_entity_without_claims_is_rejected(seeds):
    with open(seeds / "entities" / "core.yaml", "a") as fh:
        fh.write("  - {id: lonely, kind: group, label: A group nobody mentions}\n")
    with pytest.raises(SeedError, match="'lonely' takes part in no claim"):
        compile_seeds(seeds)


# ---------------------------------------------------------------- disputes


def test_incompatible_figures_are_disputed(seeds):
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 1000, approx: about, "
                        "source: 'soliev-pantucci-2022:114', id: wrong-iju-figure}")
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 100, approx: about, "
                        "source: 'soliev-pantucci-2022:114', id: iju-figure}")
    g = compile_seeds(seeds, locators=False).graph
    assert (CLAIM["wrong-iju-figure"], CAKG.disputes, CLAIM["iju-figure"]) in g
    assert g.value(CLAIM["iju-figure"], CAKG.disputed).toPython() is True


def test_curated_disputes_and_compatible_figures(seeds):
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 100, approx: about, "
                        "source: 'soliev-pantucci-2022:114', id: iju-about-100}")
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 90, approx: more_than, "
                        "source: 'soliev-pantucci-2022:114', id: iju-over-90}")
    append_claim(seeds, "  - {subject: hts, relation: affiliateOf, object: al-qaeda, start: 2016, "
                        "source: 'soliev-pantucci-2022:32', id: hts-aq, disputes: [iju-over-90]}")
    g = compile_seeds(seeds, locators=False).graph
    assert (CLAIM["iju-about-100"], CAKG.disputes, CLAIM["iju-over-90"]) not in g
    assert (CLAIM["hts-aq"], CAKG.disputes, CLAIM["iju-over-90"]) in g


# ---------------------------------------------------------------- atomic, idempotent builds


def test_build_is_idempotent(seeds, data):
    first = build(seeds, data)
    dump1 = open_store(data).export("ntriples")
    second = build(seeds, data)
    assert second.skipped and second.path == first.path
    third = build(seeds, data, force=True)
    assert not third.skipped and third.path != first.path
    dump2 = open_store(data).export("ntriples")
    assert sorted(dump1.splitlines()) == sorted(dump2.splitlines())
    assert build_info(current_store_path(data))["triples"] == third.triples


def test_interrupted_build_leaves_previous_store(seeds, data, monkeypatch):
    first = build(seeds, data)
    append_claim(seeds, "  - {subject: imu, relation: activeIn, object: faryab, source: 'soliev-pantucci-2022:24'}")

    def explode(graph, target, *args):
        target.mkdir(parents=True)
        (target / "half-written").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "write_store", explode)
    with pytest.raises(KeyboardInterrupt):
        build(seeds, data)
    assert str(current_store_path(data)) == first.path
    assert not list((data / "stores").glob(".tmp-*"))
    monkeypatch.undo()
    assert build(seeds, data).claims == first.claims + 1


def test_old_stores_are_pruned(seeds, data):
    paths = [build(seeds, data, force=True).path for _ in range(3)]
    kept = sorted(p.name for p in (data / "stores").iterdir() if p.is_dir())
    assert kept == sorted(Path(p).name for p in paths[-2:])


# ---------------------------------------------------------------- CLI


def test_cli_query_export_stats(seeds, data, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--seeds", str(seeds), "--data", str(data)]).exit_code == 0
    q = "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g"
    table = runner.invoke(main, ["query", q, "--data", str(data)])
    assert table.exit_code == 0 and "https://w3id.org/cakg/id/imu" in table.output
    js = json.loads(runner.invoke(main, ["query", q, "--format", "json", "--data", str(data)]).output)
    assert len(js["results"]["bindings"]) == 4
    csv = runner.invoke(main, ["query", q, "--format", "csv", "--data", str(data)]).output
    assert csv.splitlines()[0].strip() == "g" and len(csv.splitlines()) == 5
    qfile = tmp_path / "q.rq"
    qfile.write_text("ASK { id:hts cakg:rivalOf id:hurras-ad-din }")
    assert runner.invoke(main, ["query", "--file", str(qfile), "--data", str(data)]).output.strip() == "true"
    bad = runner.invoke(main, ["query", "SELECT WHERE {", "--data", str(data)])
    assert bad.exit_code == 2 and "query failed" in bad.output
    for fmt, rdflib_fmt in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        out = tmp_path / f"export.{fmt}"
        assert runner.invoke(main, ["export", "--format", fmt, "-o", str(out), "--data", str(data)]).exit_code == 0
        g = Graph().parse(out, format=rdflib_fmt)
        assert (ID["imu"], CAKG.protectedBy, ID["taliban"]) in g
    stats = json.loads(runner.invoke(main, ["stats", "--json", "--data", str(data)]).output)
    assert stats["entities_by_kind"]["group"] == 13 and stats["claims"] == 40
    relations = runner.invoke(main, ["validate", "--relations"]).output
    assert "protectedBy" in relations and "group" in relations


def test_cli_help_for_every_command():
    runner = CliRunner()
    for command in ("build", "validate", "query", "export", "stats", "disputes", "serve"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_query_without_store_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["query", "ASK {}", "--data", str(tmp_path / "none")])
    assert result.exit_code == 1 and "run 'cakg build' first" in result.output


def test_figures_counting_different_things_do_not_dispute(seeds):
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 100, unit: fighters, "
                        "source: 'soliev-pantucci-2022:114', id: iju-fighters}")
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 18, unit: attackers killed, "
                        "source: 'soliev-pantucci-2022:114', id: iju-other-count}")
    g = compile_seeds(seeds, locators=False).graph
    assert (CLAIM["iju-fighters"], CAKG.disputes, CLAIM["iju-other-count"]) not in g


def test_cli_disputes_lists_each_pair_with_its_sources(seeds, data):
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 1000, approx: about, "
                        "source: 'soliev-pantucci-2022:114', id: wrong-iju-figure}")
    append_claim(seeds, "  - {subject: iju, relation: fighterCount, value: 100, approx: about, "
                        "source: 'soliev-pantucci-2022:114', id: iju-figure}")
    build(seeds, data, locators=False)
    result = CliRunner().invoke(main, ["disputes", "--data", str(data)])
    assert result.exit_code == 0
    assert "- iju-figure  [soliev-pantucci-2022 line 114]\n  vs wrong-iju-figure  [soliev-pantucci-2022 line 114]" in result.output
    assert "1 dispute(s)" in result.output


def test_shacl_violation_in_the_staging_store_keeps_the_previous_store(seeds, data, monkeypatch):
    """The build validates the new store before swapping it in: a node the shapes reject (here an
    entity whose name the compiler lost) fails the build with its seed file and line."""
    from rdflib.namespace import SKOS

    first = build(seeds, data)
    real = build_mod.compile_dataset
    lost = f"<{ID['imu']}> <{SKOS.prefLabel}> "

    def lossy(dataset, schema):
        compilation = real(dataset, schema)
        chunks = compilation.chunks
        compilation.chunks = lambda: ("".join(line for line in text.splitlines(keepends=True)
                                              if not line.startswith(lost)) for text in chunks())
        return compilation

    monkeypatch.setattr(build_mod, "compile_dataset", lossy)
    with pytest.raises(SeedError) as err:
        build(seeds, data, force=True)
    problems = [p for p in err.value.problems if "prefLabel" in p.message and p.message.endswith(" on imu")]
    assert problems and all(p.origin and p.origin.file.endswith(".yaml") for p in problems)
    assert str(current_store_path(data)) == first.path
    assert not list((data / "stores").glob(".tmp-*"))
