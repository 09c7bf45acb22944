"""The README's rule table (section "Time rule") against the code: one tiny seed example per row,
built from seeds like the real ones and read back through the catalog, its status asserted
before, within and after; and every case the code implements (each end reason, each way of
dating a claim, each qualifier that is not factual, each relation whose act ends others, each
status) named in the table.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from graph.settings import PROJECT_ROOT
from graph.testing import FIXTURE_SEEDS
from graph.timeline import _REASON_ORDER, STATUSES, period

README = PROJECT_ROOT / "README.md"
SRC = "soliev-pantucci-2022"     # covers 2021, posted 2022-02-27
NO_COVERS = "tiny-undated-2019"  # a source of 2019 whose period is not known

ENTITIES = """\
entities:
  - {id: p1, kind: person, label: Person One}
  - {id: p2, kind: person, label: Person Two}
  - {id: g1, kind: group, label: Group One}
  - {id: g2, kind: group, label: Group Two}
  - {id: g3, kind: group, label: Group Three}
  - {id: s1, kind: state, label: State One}
  - {id: t1, kind: territory, label: Place One}
"""

#: case (as the table names it) -> (claims in seed YAML, the tie's key, {year: status}, end reason)
EXAMPLES: dict[str, tuple[str, str, dict[int, str | None], str | None]] = {
    "attested": ("- {subject: g1, relation: protectedBy, object: g2, start: 2010, end: 2012, source: S}",
                 "g1--protectedBy--g2", {2009: None, 2011: "holds", 2013: "ended"}, "end"),
    "since": ("- {subject: g1, relation: memberOfCoalition, object: g2, start: 2014, source: S}",
              "g1--memberOfCoalition--g2", {2013: None, 2014: "holds", 2021: "holds", 2022: "presumed"}, None),
    "undated": ("- {subject: g1, relation: activeIn, object: s1, source: S}",
                "g1--activeIn--s1", {2020: None, 2021: "holds", 2022: "presumed"}, None),
    "publication": ("- {subject: g1, relation: activeIn, object: t1, source: U}",
                    "g1--activeIn--t1", {2018: None, 2019: "holds", 2020: "presumed"}, None),
    "between": ("- {subject: g1, relation: protectedBy, object: g2, as_of: 2005, source: S}\n"
                "- {subject: g1, relation: protectedBy, object: g2, as_of: 2015, source: S}",
                "g1--protectedBy--g2", {2004: None, 2005: "holds", 2010: "holds", 2015: "holds", 2016: "presumed"}, None),
    "presumed": ("- {subject: g1, relation: protectedBy, object: g2, as_of: 2012, source: S}",
                 "g1--protectedBy--g2", {2011: None, 2012: "holds", 2020: "presumed"}, None),
    "end": ("- {subject: g1, relation: protectedBy, object: g2, as_of: 2010, source: S}\n"
            "- {subject: g1, relation: protectedBy, object: g2, end: 2013, source: S}",
            "g1--protectedBy--g2", {2009: None, 2010: "holds", 2013: "holds", 2014: "ended"}, "end"),
    "former": ("- {subject: p1, relation: leaderOf, object: g1, as_of: 2016, source: S}\n"
               "- {subject: p1, relation: leaderOf, object: g1, qualifiers: [former], source: S}",
               "p1--leaderOf--g1", {2015: None, 2016: "holds", 2018: "presumed", 2021: "ended"}, "former"),
    "death": ("- {subject: p1, relation: leaderOf, object: g1, start: 2009, source: S}\n"
              "- {subject: p1, relation: killedBy, object: g2, date: 2015, source: S}",
              "p1--leaderOf--g1", {2008: None, 2012: "holds", 2015: "holds", 2016: "ended"}, "death"),
    "leaving": ("- {subject: g3, relation: memberOfCoalition, object: g1, as_of: 2012, source: S}\n"
                "- {subject: g3, relation: splitFrom, object: g1, date: 2016, source: S}",
                "g3--memberOfCoalition--g1", {2011: None, 2012: "holds", 2014: "presumed", 2017: "ended"}, "leaving"),
    "successor": ("- {subject: p1, relation: leaderOf, object: g1, as_of: 2005, source: S}\n"
                  "- {subject: p2, relation: leaderOf, object: g1, start: 2009, end: 2015, source: S}",
                  "p1--leaderOf--g1", {2004: None, 2005: "holds", 2007: "presumed", 2010: "ended"}, "successor"),
    "act": ("- {subject: p1, relation: founderOf, object: g1, date: 2014, source: S}",
            "p1--founderOf--g1", {2013: None, 2014: "holds", 2015: None}, None),
    "timeless": ("- {subject: t1, relation: partOf, object: s1, source: S}",
                 "t1--partOf--s1", {1995: "holds", 2021: "holds", 2023: "holds"}, None),
    "not factual": ("- {subject: g1, relation: activeIn, object: s1, as_of: 2019, qualifiers: [forecast], source: S}\n"
                    "- {subject: g2, relation: activeIn, object: s1, as_of: 2019, qualifiers: [aim], source: S}",
                    "g1--activeIn--s1", {2018: None, 2019: None, 2020: None}, None),
    "figure": ("- {subject: g1, relation: fighterCount, value: 200, unit: fighters, as_of: 2019, source: S}",
               "g1--fighterCount", {2018: None, 2019: "holds", 2020: None}, None),
}


def table() -> dict[str, dict[str, str]]:
    """The rule table of the README's "Time rule" section: {case: {column: cell}}."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Time rule\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert section, "README.md has no '## Time rule' section"
    rows = [line for line in section.group(1).splitlines() if line.startswith("|")]
    head = [c.strip() for c in rows[0].strip("|").split("|")]
    out = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        row = dict(zip(head, cells))
        out[row["case"].strip("`")] = row
    return out


def section_text() -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(r"^## Time rule\n(.*?)(?=^## )", text, flags=re.S | re.M).group(1)


def test_the_table_has_a_seed_example_for_each_row_and_no_more():
    assert set(table()) == set(EXAMPLES)


def test_the_table_names_every_case_the_code_implements():
    from graph.ontology import load_schema

    rows, text = table(), section_text()
    reasons = {r["end reason"].strip("`") for r in rows.values() if r["end reason"]}
    assert reasons == set(_REASON_ORDER), "each end reason the code gives has a row, and no other"
    for status in STATUSES:
        assert f"**{status}**" in text, status
    for dating in ("text", "covers", "publication date"):  # graph.timeline.date_claim's three datings
        assert dating in text, dating
    schema = load_schema()
    for q in schema.qualifiers.values():
        if not q.factual or q.ends_before_source_period:
            assert f"`{q.name}`" in text, f"qualifier {q.name} changes the rule but the table does not name it"
    from graph.ontology import relation_times

    for name, rt in relation_times(schema).items():
        if rt.ends_offices or rt.ends_ties_to:
            assert f"`{name}`" in text, f"{name} ends other ties but the table does not name it"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    """A seed folder with the fixture's sources (plus one without a period) and nothing else."""
    root = tmp_path_factory.mktemp("rule-seeds")
    (root / "entities").mkdir()
    (root / "claims").mkdir()
    shutil.copy(FIXTURE_SEEDS / "sources.yaml", root / "sources.yaml")
    extra = (f"  - id: {NO_COVERS}\n    file: 004_717f2598c1ee2e68.txt\n"
             '    title: "A source whose period is not known"\n    author: null\n    publisher: null\n    date: "2019"\n')
    with (root / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write("\n" + extra)
    return root


def catalog_of(seeds: Path, claims: str):
    from graph.build import compile_seeds
    from graph.read.catalog import Catalog
    from graph.store import memory_store

    used = set(re.findall(r"(?:subject|object): (\w+)", claims))
    entities = [line for line in ENTITIES.splitlines()[1:] if re.search(r"id: (\w+)", line).group(1) in used]
    (seeds / "entities" / "tiny.yaml").write_text("entities:\n" + "\n".join(entities) + "\n", encoding="utf-8")
    body = claims.replace("source: S}", f'source: "{SRC}:24"}}').replace("source: U}", f'source: "{NO_COVERS}:24"}}')
    (seeds / "claims" / "case.yaml").write_text("claims:\n" + textwrap.indent(body, "  ") + "\n", encoding="utf-8")
    compiled = compile_seeds(seeds, locators=False)
    return Catalog(memory_store(compiled.ntriples()))


@pytest.mark.parametrize("case", list(EXAMPLES))
def test_each_row_of_the_table_on_a_tiny_seed_example(seeds, case):
    claims, key, expected, reason = EXAMPLES[case]
    cat = catalog_of(seeds, claims)
    ties = [t for t in cat.ties().values() if t.key == key or t.key.startswith(key + "--")]
    assert len(ties) == 1, f"{case}: expected one tie {key}, found {[t.key for t in cat.ties()]}"
    tie = ties[0]
    got = {year: tie.status_at(period(str(year))) for year in expected}
    assert got == expected, case
    assert tie.end_reason == reason, case
    if reason:
        assert tie.ended_by in tie.claims or cat.claim(tie.ended_by) is not None
    if case == "not factual":
        assert all(t.status_at(period("2019")) is None for t in cat.ties().values())
