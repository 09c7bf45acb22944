"""The one time rule (graph/timeline.py), over every kind of claim date: a table of claims and the
status their tie has at each year."""

from __future__ import annotations

import pytest

from graph.dates import parse_date
from graph.timeline import Dated, RelationTime, Tie, build_ties, date_claim, period, spans, status_at

SOURCE_2021 = period("2021")           # the annual assessment: covers 2021
PUBLISHED = parse_date("2022-02-27")   # ... posted in 2022

RELATIONS = {
    "protectedBy": RelationTime(ended_by_death=True, ended_by_leaving=True),
    "leaderOf": RelationTime(single_subject=True, ended_by_death=True, ended_by_leaving=True),
    "memberOfCoalition": RelationTime(ended_by_leaving=True),
    "pledgedAllegianceTo": RelationTime(single_valued=True, ended_by_leaving=True),
    "killedBy": RelationTime(one_off=True, ends_offices=True),
    "splitFrom": RelationTime(one_off=True, ends_ties_to=True),
    "partOf": RelationTime(timeless=True),
    "rivalOf": RelationTime(symmetric=True),
    "activeIn": RelationTime(ended_by_death=True),
    "fighterCount": RelationTime(figure=True, single_valued=True),
}


def dated(cid, s, r, o, start=None, end=None, as_of=None, date=None, covers=SOURCE_2021, former=False,
          factual=True) -> Dated:
    p = lambda v: parse_date(v) if v is not None else None
    if date is not None:
        start = end = date
    return date_claim(cid, s, r, o, start=p(start), end=p(end), as_of=p(as_of), source_period=covers,
                      published=PUBLISHED, former=former, factual=factual)


def statuses(ties: list[Tie], key_part: str, years) -> dict[int, str | None]:
    tie = next(t for t in ties if key_part in t.key)
    return {y: status_at(tie, period(str(y))) for y in years}


def years(spec: dict[str, str | None]) -> dict[int, str | None]:
    """{"2010-2012": "holds", "2013": None} -> {2010: "holds", 2011: "holds", 2012: "holds", 2013: None}"""
    out = {}
    for span, status in spec.items():
        a, _, b = span.partition("-")
        for y in range(int(a), int(b or a) + 1):
            out[y] = status
    return out


CASES = [
    ("explicit interval: holds inside, ended after",
     [dated("c", "a", "protectedBy", "b", start=2010, end=2012)], "a--protectedBy--b",
     {"2008-2009": None, "2010-2012": "holds", "2013-2015": "ended"}),
    ("open end (since 2014, said in a 2021 source): holds to 2021, presumed after",
     [dated("c", "ktj", "memberOfCoalition", "hts", start=2014)], "ktj--memberOfCoalition--hts",
     {"2013": None, "2014-2021": "holds", "2022-2024": "presumed"}),
    ("one-off act: at its date only",
     [dated("c", "x", "killedBy", "y", date=2015)], "x--killedBy--y",
     {"2014": None, "2015": "holds", "2016": None}),
    ("as-of: holds at that date, presumed after, not before",
     [dated("c", "imu", "protectedBy", "taliban", as_of=2019)], "imu--protectedBy--taliban",
     {"2018": None, "2019": "holds", "2020-2023": "presumed"}),
    ("undated: attested at the source's period (2021), not its publication date (2022)",
     [dated("c", "jafar", "activeIn", "afghanistan")], "jafar--activeIn--afghanistan",
     {"2020": None, "2021": "holds", "2022": "presumed"}),
    ("undated, source period unknown: the publication date",
     [dated("c", "p", "activeIn", "q", covers=None)], "p--activeIn--q",
     {"2021": None, "2022": "holds", "2023": "presumed"}),
    ("two attestations: holds between them",
     [dated("c1", "imu", "protectedBy", "taliban", as_of=2001), dated("c2", "imu", "protectedBy", "taliban", as_of=2021)],
     "imu--protectedBy--taliban", {"2000": None, "2001-2021": "holds", "2022": "presumed"}),
    ("circa: the dates as given (the flag is shown, the rule is the same)",
     [dated("c", "a", "protectedBy", "b", start="2015-10", end="2015-12")], "a--protectedBy--b",
     {"2014": None, "2015": "holds", "2016": "ended"}),
    ("former, attested before: presumed until the source's period, ended from it",
     [dated("c1", "abu", "leaderOf", "ktj", as_of=2016), dated("c2", "abu", "leaderOf", "ktj", former=True)],
     "abu--leaderOf--ktj", {"2015": None, "2016": "holds", "2017-2020": "presumed", "2021-2022": "ended"}),
    ("former and nothing else: never holds, ended from the source's period",
     [dated("c", "abu", "leaderOf", "ktj", former=True)], "abu--leaderOf--ktj",
     {"2019-2020": None, "2021-2022": "ended"}),
    ("ended by death: a killing ends the person's offices",
     [dated("c1", "ghazi", "leaderOf", "imu", start=2009), dated("k", "ghazi", "killedBy", "taliban", date=2015)],
     "ghazi--leaderOf--imu", {"2008": None, "2009-2015": "holds", "2016-2022": "ended"}),
    ("death overrules a default-dated attestation after it",
     [dated("c1", "tahir", "activeIn", "afghanistan"), dated("k", "tahir", "killedBy", "usa", date=2009),
      dated("c0", "tahir", "activeIn", "afghanistan", as_of=2005)],
     "tahir--activeIn--afghanistan", {"2004": None, "2005-2009": "holds", "2010-2022": "ended"}),
    ("death before a text-dated attestation does not end the tie",
     [dated("c1", "p", "activeIn", "q", as_of=2012), dated("k", "p", "killedBy", "q", date=2010),
      dated("c0", "p", "activeIn", "q", as_of=2008)],
     "p--activeIn--q", {"2008-2012": "holds", "2013": "presumed"}),
    ("ended by successor: a later leader of the same group",
     [dated("c1", "tahir", "leaderOf", "imu", as_of=2005), dated("c2", "ghazi", "leaderOf", "imu", start=2009, end=2015)],
     "tahir--leaderOf--imu", {"2004": None, "2005": "holds", "2006-2008": "presumed", "2009-2010": "ended"}),
    ("ended by successor: a later pledge to another",
     [dated("c1", "imu", "pledgedAllegianceTo", "taliban", as_of=2001),
      dated("c2", "imu", "pledgedAllegianceTo", "islamic-state", date=2015)],
     "imu--pledgedAllegianceTo--taliban", {"2001": "holds", "2002-2014": "presumed", "2015-2016": "ended"}),
    ("ended by leaving: a split ends the coalition membership it leaves",
     [dated("c1", "faction", "memberOfCoalition", "imu", as_of=2012), dated("s", "faction", "splitFrom", "imu", date=2015)],
     "faction--memberOfCoalition--imu", {"2012": "holds", "2013-2015": "presumed", "2016": "ended"}),
    ("an explicit end is superseded by a later attestation",
     [dated("c1", "a", "protectedBy", "b", start=2010, end=2012), dated("c2", "a", "protectedBy", "b", as_of=2016)],
     "a--protectedBy--b", {"2010-2016": "holds", "2017": "presumed"}),
    ("timeless: a place inside another holds at every date",
     [dated("c", "faryab", "partOf", "afghanistan")], "faryab--partOf--afghanistan",
     {"1995": "holds", "2021-2023": "holds"}),
    ("forecast: never holds",
     [dated("c", "isis", "activeIn", "kazakhstan", as_of=2019, factual=False)], "isis--activeIn--kazakhstan",
     {"2018-2021": None}),
    ("symmetric: the two directions are one tie",
     [dated("c1", "taliban", "rivalOf", "iskp", as_of=2019), dated("c2", "iskp", "rivalOf", "taliban", as_of=2021)],
     "iskp--rivalOf--taliban", {"2018": None, "2019-2021": "holds", "2022": "presumed"}),
    ("figure: at its date only, never carried forward",
     [dated("c", "iju", "fighterCount", None, as_of=2019)], "iju--fighterCount--c",
     {"2018": None, "2019": "holds", "2020": None}),
]


@pytest.mark.parametrize("name, claims, key, expected", CASES, ids=[c[0] for c in CASES])
def test_the_rule_over_every_kind_of_claim_date(name, claims, key, expected):
    ties = build_ties(claims, RELATIONS)
    want = years(expected)
    assert statuses(ties, key, want) == want


def test_disputed_claims_stay_two_ties_and_both_hold():
    """A dispute is about two claims; the rule dates each tie on its own attestations."""
    ties = build_ties([dated("a", "kib", "memberOfCoalition", "hts", as_of=2021),
                       dated("b", "kib", "pledgedAllegianceTo", "islamic-state", as_of=2016)], RELATIONS)
    assert {t.key: status_at(t, period("2021")) for t in ties} == {
        "kib--memberOfCoalition--hts": "holds", "kib--pledgedAllegianceTo--islamic-state": "presumed"}


def test_a_range_of_dates_takes_every_status_it_meets():
    tie = build_ties([dated("c", "a", "protectedBy", "b", as_of=2015)], RELATIONS)[0]
    assert status_at(tie, period(start="2013", end="2016")) == "holds"
    assert status_at(tie, period(start="2016", end="2018")) == "presumed"
    assert status_at(tie, period(start="2001", end="2003")) is None


def test_spans_are_the_runs_the_timelines_draw():
    ties = build_ties([dated("c1", "ghazi", "leaderOf", "imu", start=2009), dated("k", "ghazi", "killedBy", "t", date=2015)],
                      RELATIONS)
    tie = next(t for t in ties if t.relation == "leaderOf")
    assert [(s, str(a), str(b)) for s, a, b in spans(tie)] == [
        ("holds", "2009-01-01", "2015-12-31"), ("ended", "2016-01-01", "None")]
    assert tie.end_reason == "death" and tie.ended_by == "k"
