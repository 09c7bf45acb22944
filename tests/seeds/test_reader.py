"""Every check of the seed reader and the locator check, each with the file and line it names,
and ``cakg validate`` on good and bad seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.ontology import load_schema
from graph.seeds import SeedError, load_seeds
from graph.seeds.locators import check_locators
from graph.settings import Settings

CLAIMS = "claims/assessment-2021.yaml"
ENTITIES = "entities/core.yaml"
SOURCE = "soliev-pantucci-2022:18"


def append(seeds: Path, rel: str, text: str) -> int:
    """Append YAML lines to a seed file; the line number of the first one."""
    path = seeds / rel
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines + text.splitlines()) + "\n")
    return len(lines) + 1


def problems_of(seeds: Path) -> list[str]:
    with pytest.raises(SeedError) as err:
        load_seeds(seeds, load_schema())
    return [str(p) for p in err.value.problems]


CLAIM_CASES = [
    ("{subject: imu, relation: protectedby, object: taliban, source: '%s'}", "unknown relation 'protectedby' (did you mean protectedBy"),
    ("{subject: imu, relation: befriends, object: taliban, source: '%s'}", "see 'cakg validate --relations'"),
    ("{relation: protectedBy, object: taliban, source: '%s'}", "claim has no subject"),
    ("{subject: imu, relation: protectedBy, source: '%s'}", "claim has no object"),
    ("{subject: imu, relation: protectedBy, object: taliban, value: 3, source: '%s'}", "'value:' is only for figure relations"),
    ("{subject: imu, relation: fighterCount, object: taliban, source: '%s'}", "takes a figure: write 'value:', not 'object:'"),
    ("{subject: imu, relation: protectedBy, object: nobody, source: '%s'}", "object refers to unknown entity 'nobody'"),
    ("{subject: tajikistan, relation: leaderOf, object: imu, source: '%s'}", "does not take a state ('tajikistan') as subject"),
    ("{subject: imu, relation: protectedBy, object: taliban, date: 2015, start: 2014, source: '%s'}", "give either 'date' or 'start'/'end'"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2016, end: 2014, source: '%s'}", "end 2014 is before start 2016"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2015-13, source: '%s'}", "bad start: date '2015-13' has month 13"),
    ("{subject: imu, relation: protectedBy, object: taliban, as_of: 2015-02-30, source: '%s'}", "is not a day of the calendar"),
    ("{subject: imu, relation: protectedBy, object: taliban, circa: maybe, source: '%s'}", "circa must be true or false"),
    ("{subject: imu, relation: protectedBy, object: taliban, source: 'soliev-pantucci-2022:line 18'}", "is not 'document-id:LINE'"),
    ("{subject: imu, relation: protectedBy, object: taliban, source: 'soliev-pantucci-2022:20-18'}", "empty or reversed line range"),
    ("{subject: imu, relation: protectedBy, object: taliban, source: 'nowhere-2020:3'}", "cites unknown document 'nowhere-2020'"),
    ("{subject: imu, relation: protectedBy, object: taliban, source: '%s', qualifiers: [perhaps]}", "unknown qualifier 'perhaps'"),
    ("{id: 'bad id!', subject: imu, relation: protectedBy, object: taliban, start: 2001, source: '%s'}", "must be letters, digits and hyphens"),
    ("{subject: imu, relation: protectedBy, object: taliban, as_of: 2021, source: '%s'}", "duplicate claim: same subject, relation"),
    ("{subject: iju, relation: fighterCount, value: many, source: '%s'}", "must be a number or [min, max]"),
    ("{subject: iju, relation: fighterCount, value: [10, 20, 30], source: '%s'}", "must be a number or [min, max]"),
    ("{subject: iju, relation: fighterCount, value: [200, 100], source: '%s'}", "has max below min"),
    ("{subject: iju, relation: fighterCount, value: 100, approx: roughly, source: '%s'}", "approx 'roughly' must be one of"),
    ("{subject: iju, relation: fighterCount, value: 100, approx: range, source: '%s'}", "approx 'range' takes [min, max]"),
    ("{subject: iju, relation: fighterCount, value: [100, 200], approx: about, source: '%s'}", "approx 'about' takes one number"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2002, source: '%s', disputes: no-such-claim}", "disputes refers to unknown claim 'no-such-claim'"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2003, source: '%s', colour: red}", "unknown field 'colour' in claim"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2004, source: '%s', note: one, two}", "a comma inside an unquoted value"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2005}", "claim has no source"),
]


@pytest.mark.parametrize("claim, message", CLAIM_CASES)
def test_each_claim_check_names_file_and_line(seeds, claim, message):
    line = append(seeds, CLAIMS, "  - " + (claim % SOURCE if "%s" in claim else claim))
    found = problems_of(seeds)
    assert any(p.startswith(f"seeds/{CLAIMS}:{line}: ") and message in p for p in found), found


ENTITY_CASES = [
    ("{id: Bad_Id, kind: group, label: Bad}", "entity id 'Bad_Id' must be a lowercase slug"),
    ("{id: imu, kind: group, label: Again}", "duplicate entity id 'imu' (first defined at seeds/entities/core.yaml:4)"),
    ("{id: wizards, kind: guild, label: Wizards}", "unknown kind 'guild'"),
    ("{id: nameless, kind: group}", "entity 'nameless' has no label"),
    ("{id: aliased, kind: group, label: Aliased, aliases: ['Aliased2@not a tag']}", "bad alias 'Aliased2@not a tag'"),
    ("{id: lonely, kind: group, label: A group nobody mentions}", "'lonely' takes part in no claim"),
    ("{id: imu-copy, kind: group, label: IMU}", "shares the name 'imu' with 'imu'"),
    ("{id: odd, kind: group, label: Odd, colour: red}", "unknown field 'colour' in entity"),
]


@pytest.mark.parametrize("entity, message", ENTITY_CASES)
def test_each_entity_check_names_file_and_line(seeds, entity, message):
    line = append(seeds, ENTITIES, "  - " + entity)
    found = problems_of(seeds)
    assert any(p.startswith(f"seeds/{ENTITIES}:{line}: ") and message in p for p in found), found


SOURCE_CASES = [
    ("{id: Bad Id, file: x.txt, title: X, date: '2020'}", "source id 'Bad Id' must be a lowercase slug"),
    ("{id: afp-icg-2015, file: x.txt, title: X, date: '2020'}", "duplicate source id 'afp-icg-2015'"),
    ("{id: no-title, file: x.txt, date: '2020'}", "source 'no-title' needs 'title'"),
    ("{id: bad-title-at, file: x.txt, title: X, date: '2020', title_at: 'page one'}", "title_at: source 'page one' is not"),
    ("{id: bad-date, file: x.txt, title: X, date: 'last year'}", "bad date: date 'last year'"),
]


@pytest.mark.parametrize("source, message", SOURCE_CASES)
def test_each_source_check_names_file_and_line(seeds, source, message):
    line = append(seeds, "sources.yaml", "  - " + source)
    found = problems_of(seeds)
    assert any(p.startswith(f"seeds/sources.yaml:{line}: ") and message in p for p in found), found


def test_file_level_problems(seeds):
    (seeds / "claims" / "not-a-mapping.yaml").write_text("- just a list\n")
    (seeds / "claims" / "top-level.yaml").write_text("relations: []\n")
    (seeds / "claims" / "items.yaml").write_text("claims:\n  - just text\n")
    (seeds / "entities" / "items.yaml").write_text("entities:\n  - just text\n")
    (seeds / "claims" / "latin1.yaml").write_bytes("claims: [] # caf\xe9\n".encode("latin-1"))
    found = problems_of(seeds)
    expect = [
        "seeds/claims/not-a-mapping.yaml:1: top level must be a mapping",
        "seeds/claims/top-level.yaml:1: unknown top-level key 'relations'",
        "seeds/claims/items.yaml:1: claim 'just text' is not a mapping",
        "seeds/entities/items.yaml:1: entity 'just text' is not a mapping",
        "seeds/claims/latin1.yaml:1: file is not UTF-8",
    ]
    for text in expect:
        assert any(p.startswith(text) for p in found), (text, found)


def test_missing_source_catalogue(seeds):
    (seeds / "sources.yaml").unlink()
    assert any("missing source catalogue sources.yaml" in p for p in problems_of(seeds))


def test_all_problems_of_a_run_are_reported_together(seeds):
    a = append(seeds, CLAIMS, "  - {subject: imu, relation: protectedBy, object: nobody, source: '%s'}" % SOURCE)
    b = append(seeds, CLAIMS, "  - {subject: imu, relation: protectedBy, object: taliban, start: 2030, end: 2020, source: '%s'}" % SOURCE)
    found = problems_of(seeds)
    assert any(f":{a}: " in p for p in found) and any(f":{b}: " in p for p in found)


# ---------------------------------------------------------------- locators


def locator_problems(seeds: Path, claim: str, sources: Path | None = None) -> tuple[int, list[str]]:
    line = append(seeds, CLAIMS, "  - " + claim)
    data = load_seeds(seeds, load_schema())
    return line, [str(p) for p in check_locators(data, sources or Settings().sources_dir)]


needs_texts = pytest.mark.skipif(not Settings().sources_dir.is_dir(), reason="source texts not found")


@needs_texts
@pytest.mark.parametrize("claim, message", [
    ("{subject: imu, relation: protectedBy, object: hts, start: 2001, source: 'soliev-pantucci-2022:18'}",
     "does not mention the object 'hts'"),
    ("{subject: iju, relation: fighterCount, value: 12345, source: 'soliev-pantucci-2022:28'}", "does not contain the figure 12345"),
    ("{subject: imu, relation: protectedBy, object: taliban, start: 2001, source: 'soliev-pantucci-2022:9000'}", "is past the end of"),
])
def test_each_locator_check_names_file_and_line(seeds, claim, message):
    line, found = locator_problems(seeds, claim)
    assert any(p.startswith(f"seeds/{CLAIMS}:{line}: ") and message in p for p in found), found


def test_missing_source_text_is_a_locator_problem(seeds, tmp_path):
    line, found = locator_problems(seeds, "{subject: imu, relation: protectedBy, object: taliban, start: 2001, "
                                          "source: 'soliev-pantucci-2022:18'}", sources=tmp_path / "empty")
    assert any(p.startswith(f"seeds/{CLAIMS}:{line}: ") and "not found" in p for p in found), found


# ---------------------------------------------------------------- cakg validate


def test_cli_validate_ok_and_failing(seeds):
    ok = CliRunner().invoke(main, ["validate", "--seeds", str(seeds), "--no-locators"])
    assert ok.exit_code == 0 and "\nok: " in ok.output and " claims, " in ok.output
    line = append(seeds, CLAIMS, "  - {subject: imu, relation: protectedBy, object: nobody, source: '%s'}" % SOURCE)
    bad = CliRunner().invoke(main, ["validate", "--seeds", str(seeds), "--no-locators"])
    assert bad.exit_code == 1
    assert f"error: seeds/{CLAIMS}:{line}: object refers to unknown entity 'nobody'" in bad.output
    assert "nothing was changed in the store" in bad.output


def test_cli_validate_lists_relations_and_vocabulary():
    out = CliRunner().invoke(main, ["validate", "--relations"])
    assert out.exit_code == 0
    assert any(line.startswith("protectedBy ") and "group" in line for line in out.output.splitlines())
    assert "single-valued" in out.output and "one-off" in out.output


def test_cli_validate_lists_the_vocabulary():
    out = CliRunner().invoke(main, ["validate", "--vocabulary"])
    assert out.exit_code == 0 and "forecast" in out.output and "fewer_than" in out.output and "group-group" in out.output


def test_seed_format_doc_lists_exactly_the_ontology_vocabulary():
    """seeds/README.md's qualifier and approximation tables are the ontology's, no more, no less."""
    import re

    from graph.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "seeds" / "README.md").read_text()
    section = text[text.index("## Qualifiers and approximations"):text.index("## Disputes")]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    schema = load_schema()
    assert documented == set(schema.qualifiers) | set(schema.approximations)


# ---------------------------------------------------------------- sets, joint figures, cues

def test_a_claim_of_a_set_stands_for_one_claim_per_member(seeds):
    append(seeds, CLAIMS, "  - {subject: central-asian-states, relation: inConflictWith, object: taliban, as_of: 2021, "
                          "id: states-protected, source: '%s'}" % SOURCE)
    (seeds / "claims" / "sets.yaml").write_text(
        "sets:\n  - {id: central-asian-states, label: the two states, members: [tajikistan, kyrgyzstan], "
        "mentioned_as: [Central Asian states]}\n")
    data = load_seeds(seeds, load_schema())
    expanded = {c.id: c for c in data.claims.values() if c.from_set}
    assert set(expanded) == {"states-protected-tajikistan", "states-protected-kyrgyzstan"}
    assert {c.subject for c in expanded.values()} == {"tajikistan", "kyrgyzstan"}
    assert all(c.from_set == {"subject": "central-asian-states"} and c.citations[0].first == 18 for c in expanded.values())


def test_a_figure_of_a_set_is_refused_and_joint_figures_name_their_partners(seeds):
    (seeds / "claims" / "sets.yaml").write_text(
        "sets:\n  - {id: pair, label: the pair, members: [iju, imu]}\n"
        "claims:\n  - {subject: pair, relation: fighterCount, value: 400, source: 'soliev-pantucci-2022:28'}\n")
    assert any("one figure of them together" in p and "with:" in p for p in problems_of(seeds))
    (seeds / "claims" / "sets.yaml").write_text(
        "claims:\n  - {subject: iju, relation: fighterCount, value: 400, with: [imu], source: 'soliev-pantucci-2022:28'}\n")
    data = load_seeds(seeds, load_schema())
    joint = next(c for c in data.claims.values() if c.joint_with)
    assert joint.joint_with == ["imu"] and joint.quantity.value == 400


def schema_with_cues(**cues: tuple[str, ...]):
    """The ontology's schema with these cue words for these relations (the others as they are)."""
    import dataclasses

    schema = load_schema()
    relations = {name: dataclasses.replace(r, cues=cues.get(name, r.cues)) for name, r in schema.relations.items()}
    return dataclasses.replace(schema, relations=relations)


@needs_texts
def test_the_cue_check_fails_a_claim_whose_lines_do_not_say_it(seeds):
    """Line 18 names the IJU and the Taliban, but says nothing of a rivalry: an invented claim fails."""
    schema = lambda: schema_with_cues(rivalOf=("rival", "compet", "fight"), protectedBy=("protect", "shelter"))

    line, found = locator_problems_with_cues(seeds, "{subject: iju, relation: rivalOf, object: taliban, start: 2001, "
                                                    "source: 'soliev-pantucci-2022:18'}", schema())
    assert any(p.startswith(f"seeds/{CLAIMS}:{line}: ") and "carries no cue of 'rivalOf'" in p for p in found), found
    # the same lines do carry a cue of protection
    line, found = locator_problems_with_cues(seeds, "{subject: iju, relation: protectedBy, object: taliban, start: 2002, "
                                                    "source: 'soliev-pantucci-2022:18'}", schema())
    assert not any(f":{line}: " in p for p in found), found
    # a curator who checked the lines may exempt a claim, giving the reason
    line, found = locator_problems_with_cues(seeds, "{subject: iju, relation: rivalOf, object: taliban, start: 2003, "
                                                    "source: 'soliev-pantucci-2022:18', cue_exempt: 'the rivalry is "
                                                    "stated by the figure in the next sentence'}", schema())
    assert not any(f":{line}: " in p for p in found), found


def locator_problems_with_cues(seeds: Path, claim: str, schema) -> tuple[int, list[str]]:
    line = append(seeds, CLAIMS, "  - " + claim)
    data = load_seeds(seeds, schema)
    return line, [str(p) for p in check_locators(data, Settings().sources_dir, schema)]


YAML_CASES = {
    "plain": "claims:\n  - {subject: imu, relation: activeIn, object: faryab, start: 2015-02, circa: true}\n"
             "  - subject: imu\n    value: 1_000\n    note: ~\n    date: 2015-02-30\n    source: [a:1, 'b:2']\n",
    "anchors": "base: &b {kind: group, n: 2}\nentities:\n  - *b\n  - &l [1, 2.5, null, yes]\n  - *l\n",
    "merge key": "base: &b {kind: group}\nentities:\n  - <<: *b\n    id: x\n",
    "explicit tags": "claims:\n  - !!str 2015\n  - !!int '7'\n",
    "unknown tag": "claims:\n  - !custom {a: 1}\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "unhashable key": "? [a, b]\n: 1\n",
    "undefined alias": "a: *nowhere\n",
    "syntax error": "claims:\n  - {subject: imu\n  - x\n",
    "empty": "",
    "only a comment": "# nothing\n",
    "a scalar": "just text\n",
}


@pytest.mark.parametrize("text", YAML_CASES.values(), ids=YAML_CASES.keys())
def test_the_event_reader_gives_what_the_yaml_loader_gives(text):
    """The seed reader builds values straight from the YAML events; it must give what PyYAML's own
    loader (the same line-recording loader, node by node) gives, errors and their lines included."""
    import yaml

    from graph.seeds import reader

    def outcome(load):
        try:
            return ("value", repr(load(text)))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return ("error", type(exc).__name__, getattr(exc, "problem", None), mark and mark.line)

    assert outcome(reader._load) == outcome(lambda t: yaml.load(t, Loader=reader._LineLoader))
