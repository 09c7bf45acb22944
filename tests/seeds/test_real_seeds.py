"""The curated seeds themselves: every locator checks out against the source texts, the graph
conforms to the shapes, nothing is copied verbatim from the sources, and the core questions the
foundation promised can be answered."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from graph.build import compile_seeds
from graph.ontology import load_schema
from graph.seeds import load_seeds
from graph.seeds.locators import Passage, check_locators
from graph.settings import PROJECT_ROOT, Settings

needs_texts = pytest.mark.skipif(not Settings().sources_dir.is_dir(), reason=f"source texts not found in {Settings().sources_dir}")


@pytest.fixture(scope="module")
def compiled():
    return compile_seeds(Settings().seeds_dir, locators=False)


def test_passage_matching_rules():
    p = Passage(["Hay ’ at Tahrir al-Sham (HTS) and the Islamic Move-", "ment of Uzbekistan’s leader, 1,300 men"])
    assert p.mentions("Hay'at Tahrir al-Sham") and p.mentions("hayat tahrir al sham")
    assert p.mentions("Islamic Movement of Uzbekistan")  # hyphenated across the line break
    assert p.mentions("HTS") and not p.mentions("TS")  # short names match whole words only
    assert p.mentions_number(1300) and not p.mentions_number(130) and not p.mentions_number(300)
    assert Passage(["three men were detained"]).mentions_number(3)
    assert Passage(["“Dozens” of them died"]).mentions_number(12) and not Passage(["a dozenth"]).mentions_number(12)
    row = Passage(["Reports  258 365 612"])  # table cells separated by spaces stay separate numbers
    assert row.mentions_number(365) and not row.mentions_number(258365)


def test_round_plurals_are_lower_bounds_and_fractions_are_shares():
    hundreds = Passage(["both remain prominent, commanding hundreds of fighters.661"])
    assert hundreds.mentions_number(100) and hundreds.mentions_number(100, lower_bound=True)
    assert not hundreds.mentions_number(100, lower_bound=False)  # "hundreds" is no point figure
    assert not hundreds.mentions_number(200) and not hundreds.mentions_number(1000)
    assert Passage(["thousands fled"]).mentions_number(1000, lower_bound=True)
    assert not Passage(["the hundredth day"]).mentions_number(100)
    assert Passage(["“Dozens” of them died"]).mentions_number(12, lower_bound=True)
    # a share given as a fraction matches its per cent, written with or without a hyphen
    third = Passage(["supplied around one third of all fighters"])
    assert third.mentions_number(33) and third.mentions_number(33.3) and not third.mentions_number(30)
    assert Passage(["cut oil production by one-", "third, and revenue"]).mentions_number(33)
    assert Passage(["nearly one-third of foreign fighters"]).mentions_number(33)
    assert Passage(["a third of them"]).mentions_number(33) and not Passage(["the third basket"]).mentions_number(33)
    assert Passage(["two thirds of the budget"]).mentions_number(67) and not third.mentions_number(67)
    assert Passage(["half of the recruits"]).mentions_number(50) and not Passage(["a half-hearted"]).mentions_number(33)


@needs_texts
def test_every_locator_names_its_subject_and_object():
    data = load_seeds(Settings().seeds_dir, load_schema())
    problems = check_locators(data, Settings().sources_dir)
    assert not problems, "\n".join(str(p) for p in problems[:30])


def test_real_graph_conforms_to_shapes(compiled):
    assert len(compiled.dataset.claims) > 0  # compile_seeds raised if SHACL found a violation


def test_every_entity_takes_part_and_every_claim_is_sourced(compiled):
    data = compiled.dataset
    used = Counter()
    for claim in data.claims.values():
        assert claim.citations, claim.id
        for eid in (claim.subject, claim.object, claim.claimed_by, claim.reported_by, *claim.scope):
            if eid:
                used[eid] += 1
    assert not [e for e in data.entities if not used[e]]


def test_the_seven_named_groups_have_leaders_protectors_umbrellas_and_bases(compiled):
    data = compiled.dataset
    by = lambda subject=None, relation=None, obj=None: [
        c for c in data.claims.values()
        if (subject is None or c.subject == subject) and (relation is None or c.relation == relation)
        and (obj is None or c.object == obj)]
    for group in ("imu", "ktj", "kib", "jamaat-ansarullah", "iju", "hts", "iskp"):
        assert group in data.entities
    # The texts name the leaders of these five (none names HTS's or ISKP's leader).
    for group in ("imu", "ktj", "kib", "jamaat-ansarullah", "iju"):
        assert by(relation="leaderOf", obj=group) or by(relation="commanderOf", obj=group), f"no leader of {group}"
    assert by("iskp", "rivalOf", "taliban") or by("taliban", "rivalOf", "iskp")
    for group in ("imu", "jamaat-ansarullah", "iju"):
        assert by(group, "protectedBy", "taliban"), f"{group} not protected by the Taliban"
    for group in ("ktj", "kib"):
        assert by(group, "memberOfCoalition", "hts"), f"{group} not inside HTS"
    for group in ("imu", "iju"):
        assert by(group, "basedIn") or by(group, "activeIn"), f"no base for {group}"


@needs_texts
def test_nothing_is_copied_from_the_sources():
    tool = Settings().sources_dir.parent / "tools" / "copied_passages.py"
    if not tool.exists():
        pytest.skip("copied_passages.py not available")
    result = subprocess.run([sys.executable, str(tool), str(PROJECT_ROOT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
