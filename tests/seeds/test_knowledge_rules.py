"""Rules of the curated knowledge itself (the real seeds and ontology, not the fixture):

* the cue check, with the cue words of ``ontology/cues.ttl``, refuses an invented claim whose cited
  line names both ends but says nothing of the relation, naming the seed file and line;
* every relation has cue words unless ``cues.ttl`` says why not;
* the ``partOf`` hierarchy, read transitively, has no cycle and puts no place inside two states
  (a region shared by several states is filed with ``spans``/``overlaps``);
* the conference volume is cited by chapter: every citation of its lines is filed under the one
  chapter holding them, the chapters tile the volume, and the passage view can show each line.
"""

from __future__ import annotations

import shutil

import pytest

from graph.ontology import load_schema
from graph.seeds import load_seeds
from graph.seeds.locators import Passage, check_claim, passage
from graph.settings import Settings

SETTINGS = Settings()
needs_texts = pytest.mark.skipif(not SETTINGS.sources_dir.is_dir(), reason=f"source texts not found in {SETTINGS.sources_dir}")
RELATIONS_WITHOUT_CUES_NEED_A_REASON = "Relations without cues, and why:"


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def data(schema):
    return load_seeds(SETTINGS.seeds_dir, schema)


# ------------------------------------------------------------------------------ the cue check

def test_every_relation_has_cues_or_a_stated_reason(schema):
    text = (SETTINGS.ontology_dir / "cues.ttl").read_text(encoding="utf-8")
    assert RELATIONS_WITHOUT_CUES_NEED_A_REASON in text
    reasons = text.split(RELATIONS_WITHOUT_CUES_NEED_A_REASON, 1)[1].split("\n# ----", 1)[0]
    without = [r.name for r in schema.relations.values() if not r.cues]
    assert [r for r in without if r not in reasons] == []
    assert len(without) < len(schema.relations) / 4  # cues are the rule, not the exception


@needs_texts
def test_an_invented_claim_naming_both_ends_is_refused_with_file_and_line(tmp_path, schema):
    """Line 18 of the 2022 assessment names the IJU and the Taliban (it says the Taliban protect
    the IJU); an invented rivalry citing it is refused by the cue check, with the file and line."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SETTINGS.seeds_dir, seeds)
    target = seeds / "claims" / "invented.yaml"
    target.write_text("claims:\n"
                      "  - {subject: iju, relation: protectedBy, object: taliban, as_of: 2021-05, source: 'soliev-pantucci-2022:18'}\n"
                      "  - {subject: iju, relation: rivalOf, object: taliban, as_of: 2021, source: 'soliev-pantucci-2022:18'}\n",
                      encoding="utf-8")
    data = load_seeds(seeds, schema)
    mine = {c.relation: c for c in data.claims.values() if str(c.origin).startswith("seeds/claims/invented.yaml")}
    rival = [str(p) for p in check_claim(data, mine["rivalOf"], SETTINGS.sources_dir, schema)]
    assert len(rival) == 1 and rival[0].startswith("seeds/claims/invented.yaml:3: "), rival
    assert "carries no cue of 'rivalOf'" in rival[0] and "cue_exempt" in rival[0]
    # the same line does say the protection, and names both ends: that claim passes
    assert check_claim(data, mine["protectedBy"], SETTINGS.sources_dir, schema) == []


@needs_texts
def test_a_state_s_own_name_is_no_cue(tmp_path, schema):
    """The cue "unite" (as in "united front") used to pass any claim naming the United States.
    An alliance of Russia and the US citing a line of the Akimbekov chapter that names both, but
    says no alliance, is refused; a cue found outside the states' names still counts."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SETTINGS.seeds_dir, seeds)
    (seeds / "claims" / "invented.yaml").write_text(
        "claims:\n"
        "  - {subject: russia, relation: alliedWith, object: united-states, as_of: 2018, source: 'osce-2019-akimbekov:1988'}\n",
        encoding="utf-8")
    data = load_seeds(seeds, schema)
    claim = next(c for c in data.claims.values() if str(c.origin).startswith("seeds/claims/invented.yaml"))
    text = passage(SETTINGS.sources_dir, data.sources[claim.citations[0].document].file, 1988, 1988)
    assert text.has_cue("unite")  # only inside "United States"
    problems = [str(p) for p in check_claim(data, claim, SETTINGS.sources_dir, schema)]
    assert len(problems) == 1 and problems[0].startswith("seeds/claims/invented.yaml:2: "), problems
    assert "carries no cue of 'alliedWith'" in problems[0]
    assert Passage(["Russia and the United States united against them"]).has_cue("unite", ["United States"])


@needs_texts
def test_hundreds_locates_only_a_lower_bound_with_file_and_line(tmp_path, schema):
    """Line 32 of the 2022 assessment says KTJ and KIB command "hundreds of fighters": stored as
    more than 100 it is located; stored as a point figure of 100 it is refused."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SETTINGS.seeds_dir, seeds)
    (seeds / "claims" / "invented.yaml").write_text(
        "claims:\n"
        "  - {subject: ktj, relation: fighterCount, value: 100, approx: more_than, unit: fighters, as_of: 2020-12,\n"
        "     with: [kib-central-core], source: 'soliev-pantucci-2022:32'}\n"
        "  - {subject: ktj, relation: fighterCount, value: 100, approx: exact, unit: men, as_of: 2020,\n"
        "     source: 'soliev-pantucci-2022:32'}\n", encoding="utf-8")
    data = load_seeds(seeds, schema)
    mine = {c.quantity.approx: c for c in data.claims.values() if str(c.origin).startswith("seeds/claims/invented.yaml")}
    assert check_claim(data, mine["more_than"], SETTINGS.sources_dir, schema) == []
    point = [str(p) for p in check_claim(data, mine["exact"], SETTINGS.sources_dir, schema)]
    assert len(point) == 1 and point[0].startswith("seeds/claims/invented.yaml:4: ") and "figure 100" in point[0]


# ------------------------------------------------------------------------------ places

def _current_part_of(data, schema) -> dict[str, set[str]]:
    """partOf edges that hold now: not former, not ended, factual (forecasts, aims... do not count)."""
    not_now = {q.name for q in schema.qualifiers.values() if not q.factual or q.ends_before_source_period}
    up: dict[str, set[str]] = {}
    for c in data.claims.values():
        if c.relation == "partOf" and c.end is None and not set(c.qualifiers) & not_now:
            up.setdefault(c.subject, set()).add(c.object)
    return up


def _ancestors(up: dict[str, set[str]], start: str) -> tuple[set[str], bool]:
    """Everything ``start`` lies in (transitively), and whether the walk comes back to ``start``."""
    seen: set[str] = set()
    todo = list(up.get(start, ()))
    cycle = False
    while todo:
        x = todo.pop()
        if x == start:
            cycle = True
        if x in seen:
            continue
        seen.add(x)
        todo.extend(up.get(x, ()))
    return seen, cycle


def test_part_of_has_no_cycle_and_no_place_lies_in_two_states(data, schema):
    up = _current_part_of(data, schema)
    kind = {e.id: e.kind for e in data.entities.values()}
    cycles, doubles = [], []
    for place in up:
        above, cycle = _ancestors(up, place)
        if cycle:
            cycles.append(place)
        states = sorted(a for a in above if kind.get(a) == "state")
        if kind.get(place) in ("territory", "state") and len(states) > 1:
            doubles.append(f"{place} lies in {', '.join(states)}")
    assert cycles == []
    assert doubles == [], "a place shared by several states is filed with spans/overlaps, not partOf:\n" + "\n".join(doubles)


# ------------------------------------------------------------------------------ the conference volume by chapter

def _volumes(data):
    return {s.part_of for s in data.sources.values() if s.part_of}


def test_the_chapters_tile_their_volume(data):
    for volume in _volumes(data):
        chapters = sorted((s.lines, s.id) for s in data.sources.values() if s.part_of == volume)
        assert chapters[0][0][0] == 1, chapters[0]
        for (a, _), (b, second) in zip(chapters, chapters[1:]):
            assert b[0] == a[1] + 1, f"chapter {second} does not follow on from the one before"


@needs_texts
def test_every_citation_of_the_volume_is_filed_under_the_one_chapter_holding_it(data):
    volumes = _volumes(data)
    assert volumes, "the catalogue has no volume cited by chapter"
    checked = 0
    for claim in data.claims.values():
        for cit in claim.citations:
            source = data.sources[cit.document]
            assert cit.document not in volumes, f"{claim.origin}: cites the volume {cit.document}, not a chapter"
            if source.part_of is None:
                continue
            holding = [s.id for s in data.sources.values() if s.part_of == source.part_of
                       and s.lines[0] <= cit.first and cit.last <= s.lines[1]]
            assert holding == [cit.document], f"{claim.origin}: lines {cit.first}-{cit.last} held by {holding}"
            # the passage view reads the chapter from the volume's file: the lines are there
            volume = data.sources[source.part_of]
            n = len((SETTINGS.sources_dir / volume.file).read_text(encoding="utf-8", errors="replace").splitlines())
            assert cit.last <= n
            checked += 1
    assert checked > 0


def test_every_province_and_district_lies_in_a_state(data, schema):
    up = _current_part_of(data, schema)
    kind = {e.id: e.kind for e in data.entities.values()}
    unplaced = [e.id for e in data.entities.values() if e.kind == "territory" and e.subtype in ("province", "district")
                and not any(kind.get(a) == "state" for a in _ancestors(up, e.id)[0])]
    assert unplaced == [], "file a partOf claim placing each in its state: " + ", ".join(unplaced)


# ------------------------------------------------------------------------------ names

def _texts():
    from graph.seeds.locators import Passage

    return [Passage(p.read_text(encoding="utf-8", errors="replace").splitlines())
            for p in sorted(SETTINGS.sources_dir.glob("*.txt"))]


@needs_texts
def test_every_alias_appears_in_a_source_text(data):
    """An alias is a name the texts use (spellings from elsewhere are not evidence)."""
    texts = _texts()
    missing = [f"{e.origin}: {e.id} '{text}'" for e in data.entities.values() for text, _ in e.aliases
               if not any(t.mentions(text) for t in texts)]
    assert missing == [], "\n".join(missing)


def _looks_like_a_demonym(alias: str, label: str) -> bool:
    """One word, not an acronym, and the start of the state's name or with a demonym's ending
    (Kazakh for Kazakhstan, Afghan, Uzbeks, Russian, Chinese, Turkish, Saudi)."""
    if " " in alias or alias.replace(".", "").isupper():
        return False
    word = alias.lower()
    return (label.lower().startswith(word.rstrip("s")) and word != label.lower()) or word.endswith(
        ("ian", "ians", "ish", "ese", "i", "an", "ans"))


def test_no_demonym_is_an_alias_of_a_state(data):
    """Demonyms ("Uzbeks", "Afghan") name people, not the state: they go to mentioned_as, which
    only the locator check reads."""
    found = [f"{e.id}: {text}" for e in data.entities.values() if e.kind == "state"
             for text, _ in e.aliases if _looks_like_a_demonym(text, e.label)]
    assert found == []
    assert _looks_like_a_demonym("Uzbeks", "Uzbekistan") and _looks_like_a_demonym("Chinese", "China")
    assert not _looks_like_a_demonym("USSR", "Soviet Union") and not _looks_like_a_demonym("Kyrgyz Republic", "Kyrgyzstan")


# ------------------------------------------------------------------------------ precise relations

# Wording in a linkedTo claim's role (the tie it stands for) that a precise relation covers:
# authorship (publishedBy, wroteAbout), a military base or troops (militaryPresenceIn),
# opposition (opposes), norms of an agreement (upholds).
_PRECISE_WORDING = {"publishedBy": ("publish", "author"), "wroteAbout": ("wrote", "article"),
                    "militaryPresenceIn": ("military base", "troops", "military presence"),
                    "opposes": ("oppos",), "upholds": ("principles", "norms")}


def test_linked_to_is_not_used_where_a_precise_relation_says_it(data, schema):
    assert set(_PRECISE_WORDING) <= set(schema.relations)
    vague = [f"{c.origin}: {c.id} ({relation})" for c in data.claims.values() if c.relation == "linkedTo"
             for relation, words in _PRECISE_WORDING.items()
             if any(w in (c.role or "").lower() for w in words)]
    assert vague == [], "\n".join(vague)


def test_the_precise_relations_take_the_kinds_the_texts_need(schema):
    """A state keeps forces abroad, a person's work is published by an organisation, a body upholds
    an agreement (the kinds ``basedIn``, ``linkedTo`` and ``signatoryOf`` stood in for)."""
    rel = schema.relations
    assert "state" in rel["militaryPresenceIn"].subject_kinds and "territory" in rel["militaryPresenceIn"].object_kinds
    assert "person" in rel["publishedBy"].subject_kinds and "organisation" in rel["publishedBy"].object_kinds
    assert "body" in rel["upholds"].subject_kinds and "event" in rel["upholds"].object_kinds
    assert rel["publishedBy"].instantaneous and rel["wroteAbout"].instantaneous
    assert not rel["opposes"].symmetric and rel["opposes"].cues
