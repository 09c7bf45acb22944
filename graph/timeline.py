"""The one time rule: when a claim holds, and when the relation it attests holds, is presumed or
has ended. Every interface (REST, views, SPARQL examples, the networkx projection, the notebooks,
the exports and dispute detection) reads its answers from here, through the cakg:Tie nodes the
build writes (``ontology/time.ttl`` describes them) or through :func:`status_at`.

In the spirit of the first/last-attested dating of human-rights and sanctions databases:

1. **A claim is dated** by what its text gives (:func:`date_claim`): an interval (``start``/``end``),
   a one-off ``date``, an ``as_of``; a claim with only a start is attested from it up to the
   period its source describes. Where the text gives nothing, the claim is attested at the period
   its source describes (``covers`` in ``seeds/sources.yaml``), and only where that is unknown at
   the source's publication date. A ``former`` claim attests that the tie had ended before its
   source's period. A forecast, an aim, a plan or a failed attempt never holds.
2. **Claims of one subject, relation and object form one tie** (:func:`build_ties`; a symmetric
   relation's two directions are one tie; every one-off act and every figure is a tie of its
   own). Between the first and the last attestation the tie **holds**; after the last it is
   **presumed** until something ends it: an explicit end, a ``former`` claim, an ending act (a
   death or killing ends a person's offices; a split, defection or withdrawal ends the ties it
   leaves), or a successor (a later tie of a single-valued relation with another value). After
   that it has **ended**. Before its first attestation it does not hold. A timeless tie (a place
   inside another, a kinship) holds at every date.
3. **At a date** (a year, month or day, or a range of them), :func:`status_at` says ``holds``,
   ``presumed``, ``ended`` or ``None``.

>>> from datetime import date
>>> y = lambda n: (date(n, 1, 1), date(n, 12, 31))
>>> ties = build_ties([
...     Dated("c1", "imu", "protectedBy", "taliban", *y(2015), "text"),
...     Dated("c2", "imu", "protectedBy", "taliban", *y(2021), "source-period"),
... ], {"protectedBy": RelationTime()})
>>> t = ties[0]
>>> t.first.isoformat(), t.last.isoformat(), t.claims
('2015-01-01', '2021-12-31', ('c1', 'c2'))
>>> [status_at(t, period(str(n))) for n in (2014, 2018, 2023)]
[None, 'holds', 'presumed']
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from .dates import PartialDate, parse_date

ONE_DAY = _dt.timedelta(days=1)
STATUSES = ("holds", "presumed", "ended")


# ------------------------------------------------------------------------------------ periods

@dataclass(frozen=True)
class Period:
    """A closed range of days; ``None`` on a side is unbounded."""

    first: _dt.date | None
    last: _dt.date | None

    def overlaps(self, first: _dt.date | None, last: _dt.date | None) -> bool:
        """Whether the days ``first``..``last`` (``None`` = unbounded) meet this period."""
        if first is not None and last is not None and last < first:
            return False
        if self.last is not None and first is not None and first > self.last:
            return False
        if self.first is not None and last is not None and last < self.first:
            return False
        return True


def period(at: str | int | PartialDate | None = None, start: str | None = None, end: str | None = None) -> Period:
    """The days of a year, month or day (``"2021"`` is 2021-01-01..2021-12-31), or of the range
    ``start``..``end`` (either may be missing: unbounded). ``ValueError`` for a bad date.

    >>> period("2016-02")
    Period(first=datetime.date(2016, 2, 1), last=datetime.date(2016, 2, 29))
    >>> period(start="2014", end="2015").last.isoformat()
    '2015-12-31'
    """
    if at is not None:
        d = at if isinstance(at, PartialDate) else parse_date(at)
        return Period(d.first_day(), d.last_day())
    return Period(parse_date(start).first_day() if start else None, parse_date(end).last_day() if end else None)


# ------------------------------------------------------------------------------------ claims

@dataclass(frozen=True)
class Dated:
    """One claim as the rule sees it: what it links, the days it attests (``first``..``last``,
    ``None`` when unknown), where that dating comes from (``text``, ``source-period``,
    ``publication``), the last day the text itself names (``text_last``: for "since 2014" the end
    of 2014, though the claim attests the tie up to its source's period), and what else it says
    about time: an explicit end (last day), for a ``former`` claim the first day of its source's
    period, whether it is factual at all."""

    claim: str
    subject: str
    relation: str
    object: str | None          # None for a figure
    first: _dt.date | None
    last: _dt.date | None
    dating: str
    explicit_end: _dt.date | None = None
    former_before: _dt.date | None = None
    factual: bool = True
    text_last: _dt.date | None = None


def date_claim(claim: str, subject: str, relation: str, obj: str | None, *, start: PartialDate | None,
               end: PartialDate | None, as_of: PartialDate | None, source_period: Period | None,
               published: PartialDate | None, factual: bool = True, former: bool = False) -> Dated:
    """Date one claim by the rule (module docstring, point 1).

    >>> sp = period("2021")
    >>> d = date_claim("c", "ktj", "memberOfCoalition", "hts", start=parse_date(2014), end=None, as_of=None,
    ...                source_period=sp, published=parse_date("2022-02-27"))
    >>> d.first.isoformat(), d.last.isoformat(), d.dating
    ('2014-01-01', '2021-12-31', 'text')
    >>> d = date_claim("c", "x", "leaderOf", "ktj", start=None, end=None, as_of=None, source_period=sp,
    ...                published=parse_date("2022-02-27"), former=True)
    >>> d.first, d.former_before.isoformat(), d.dating
    (None, '2021-01-01', 'source-period')
    """
    text_last = None
    if start or end:
        first = start.first_day() if start else end.first_day()
        last = text_last = end.last_day() if end else start.last_day()
        if start and not end and not former and source_period and source_period.last and source_period.last > last:
            last = source_period.last  # "since 2014", said of the source's present
        dating = "text"
    elif as_of:
        first, last, dating = as_of.first_day(), as_of.last_day(), "text"
        text_last = last
    elif source_period is not None:
        first, last, dating = source_period.first, source_period.last, "source-period"
    elif published is not None:
        first, last, dating = published.first_day(), published.last_day(), "publication"
    else:  # pragma: no cover - every source has a date
        first = last = None
        dating = "unknown"
    former_before = None
    if former:
        former_before = source_period.first if source_period and source_period.first else (
            published.first_day() if published else None)
        if dating != "text":
            first = last = None  # held at some unknown time before the source's period
    return Dated(claim, subject, relation, obj, first, last, dating,
                 explicit_end=end.last_day() if end else None, former_before=former_before, factual=factual,
                 text_last=text_last)


# ------------------------------------------------------------------------------------ ties

@dataclass(frozen=True)
class RelationTime:
    """What the rule needs to know of a relation (read from ``ontology/time.ttl`` and ``cakg.ttl``)."""

    symmetric: bool = False
    one_off: bool = False
    figure: bool = False
    timeless: bool = False
    single_valued: bool = False
    single_subject: bool = False
    ends_offices: bool = False
    ended_by_death: bool = False
    ends_ties_to: bool = False
    ended_by_leaving: bool = False


@dataclass(frozen=True)
class Tie:
    """One relation as the rule dates it: it holds over ``first``..``last``, is presumed after
    that until ``ended_on`` (open when ``None``) and has ended after ``ended_on``. ``end_reason``
    is ``end``, ``former``, ``death``, ``leaving`` or ``successor``; ``ended_by`` the claim that
    ends it. ``claims`` are the attestations (claim ids), oldest first."""

    key: str
    subject: str
    relation: str
    object: str | None
    claims: tuple[str, ...]
    first: _dt.date | None
    last: _dt.date | None
    ended_on: _dt.date | None = None
    end_reason: str | None = None
    ended_by: str | None = None
    always: bool = False
    one_off: bool = False
    factual: bool = True

    @property
    def presumed_until(self) -> _dt.date | None:
        """Last day of the presumed span (``None``: open, or no presumed span when ended at once)."""
        return self.ended_on if self.ended_on and self.last and self.ended_on > self.last else None

    @property
    def presumes(self) -> bool:
        """Whether the tie is carried forward after its last attestation at all."""
        return self.factual and not self.one_off and not self.always and self.last is not None and (
            self.ended_on is None or self.ended_on > self.last)


def tie_key(subject: str, relation: str, obj: str | None, symmetric: bool = False, claim: str | None = None) -> str:
    """The key of a tie: ``subject--relation--object`` (ends sorted for a symmetric relation; a
    claim id appended for the ties of one claim: acts, figures, non-factual claims).

    >>> tie_key("taliban", "rivalOf", "iskp", symmetric=True)
    'iskp--rivalOf--taliban'
    """
    a, b = subject, obj or ""
    if symmetric and obj and b < a:
        a, b = b, a
    return "--".join(p for p in (a, relation, b, claim) if p)


#: when two things end a tie on the same day, the one that explains it is named
_REASON_ORDER = {"death": 0, "leaving": 1, "successor": 2, "end": 3, "former": 4}


def _ender(candidates: list[tuple[_dt.date, str, str]]) -> tuple[_dt.date, str, str] | None:
    return min(candidates, key=lambda c: (c[0], _REASON_ORDER.get(c[1], 9), c[2])) if candidates else None


def build_ties(claims: Iterable[Dated], relations: Mapping[str, RelationTime]) -> list[Tie]:
    """Group dated claims into ties and date each tie by the rule (module docstring, point 2).
    Ties come sorted by key."""
    claims = list(claims)
    groups: dict[str, list[Dated]] = {}
    for c in claims:
        rt = relations.get(c.relation, RelationTime())
        own = rt.one_off or rt.figure or not c.factual or c.object is None
        key = tie_key(c.subject, c.relation, c.object, rt.symmetric, c.claim if own else None)
        groups.setdefault(key, []).append(c)

    # ending acts: (subject -> [(day, claim, reason)]) for deaths; ((subject, object) -> ...) for leavings
    deaths: dict[str, list[tuple[_dt.date, str]]] = {}
    leavings: dict[tuple[str, str], list[tuple[_dt.date, str]]] = {}
    for c in claims:
        rt = relations.get(c.relation, RelationTime())
        if not c.factual or c.last is None:
            continue
        if rt.ends_offices:
            deaths.setdefault(c.subject, []).append((c.last, c.claim))
        if rt.ends_ties_to and c.object:
            leavings.setdefault((c.subject, c.object), []).append((c.last, c.claim))

    drafts: list[Tie] = []
    for key, members in groups.items():
        members.sort(key=lambda c: (c.first or _dt.date.max, c.claim))
        head = members[0]
        rt = relations.get(head.relation, RelationTime())
        dated = [c for c in members if c.first is not None]
        first = min((c.first for c in dated), default=None)
        last = max((c.last for c in dated if c.last), default=None)
        tie = Tie(key, head.subject, head.relation, head.object, tuple(c.claim for c in members), first, last,
                  always=rt.timeless and head.factual, one_off=rt.one_off or rt.figure, factual=head.factual)
        if tie.one_off or tie.always or not tie.factual:
            drafts.append(tie)
            continue
        text_last = max((c.text_last for c in dated if c.text_last), default=None)
        enders: list[tuple[_dt.date, str, str]] = []
        ends = [c for c in members if c.explicit_end is not None]
        if ends:
            e = max(ends, key=lambda c: c.explicit_end)
            if last is None or e.explicit_end >= last:
                enders.append((e.explicit_end, "end", e.claim))
        for c in members:
            if c.former_before is not None and (last is None or c.former_before > last):
                enders.append((c.former_before - ONE_DAY, "former", c.claim))
        ends_of: list[tuple[_dt.date, str, str]] = []
        if rt.ended_by_death:
            ends_of += [(d, "death", cid) for d, cid in deaths.get(head.subject, ())]
        if rt.ended_by_leaving and head.object:
            ends_of += [(d, "leaving", cid) for d, cid in leavings.get((head.subject, head.object), ())]
            if rt.symmetric:
                ends_of += [(d, "leaving", cid) for d, cid in leavings.get((head.object, head.subject), ())]
        for day, reason, cid in ends_of:
            if first is not None and day < first:
                continue  # an act before the tie began does not end it
            if text_last is not None and text_last > day:
                continue  # the text dates the tie after the act: it went on
            enders.append((day, reason, cid))
        chosen = _ender(enders)
        if chosen:
            day, reason, cid = chosen
            if last is not None and day < last:
                last = max(day, first) if first else day  # later default-dated attestations are overruled
            tie = replace(tie, last=last, ended_on=day, end_reason=reason, ended_by=cid)
        drafts.append(tie)

    # successors: a later tie of a single-valued relation with another value ends the earlier one
    by_subject: dict[tuple[str, str], list[Tie]] = {}
    by_object: dict[tuple[str, str], list[Tie]] = {}
    for t in drafts:
        rt = relations.get(t.relation, RelationTime())
        if t.one_off or t.always or not t.factual or t.first is None:
            continue
        if rt.single_valued:
            by_subject.setdefault((t.subject, t.relation), []).append(t)
        if rt.single_subject and t.object:
            by_object.setdefault((t.object, t.relation), []).append(t)
    successor: dict[str, tuple[_dt.date, str, str]] = {}
    for rivals in (*by_subject.values(), *by_object.values()):
        for t in rivals:
            later = [(o.first - ONE_DAY, "successor", o.claims[0]) for o in rivals
                     if o.key != t.key and t.last is not None and o.first > t.last]
            best = _ender(later)
            if best and (t.key not in successor or best[0] < successor[t.key][0]):
                successor[t.key] = best
    out = []
    for t in drafts:
        s = successor.get(t.key)
        if s and (t.ended_on is None or s[0] < t.ended_on):
            t = replace(t, ended_on=s[0], end_reason=s[1], ended_by=s[2])
        out.append(t)
    return sorted(out, key=lambda t: t.key)


# ------------------------------------------------------------------------------------ status

def status_at(tie: Tie, when: Period) -> str | None:
    """``holds``, ``presumed``, ``ended`` or ``None`` (not yet, or never) for a tie at a period.

    >>> t = Tie("k", "a", "leaderOf", "g", ("c",), _dt.date(2009, 1, 1), _dt.date(2012, 12, 31),
    ...         ended_on=_dt.date(2015, 12, 31), end_reason="death", ended_by="d")
    >>> [status_at(t, period(str(y))) for y in (2008, 2010, 2014, 2016)]
    [None, 'holds', 'presumed', 'ended']
    """
    if not tie.factual:
        return None
    if tie.always:
        return "holds" if tie.first is not None else None
    if tie.first is not None and when.overlaps(tie.first, tie.last):
        return "holds"
    if tie.presumes and when.overlaps(tie.last + ONE_DAY, tie.ended_on):
        return "presumed"
    end = tie.ended_on if tie.ended_on is not None else (tie.last if tie.one_off else None)
    if end is not None and when.first is not None and when.first > end:
        return None if tie.one_off else "ended"
    return None


def spans(tie: Tie) -> list[tuple[str, _dt.date | None, _dt.date | None]]:
    """The tie's life as ``(status, first day, last day)`` runs (``None`` = open): what the
    timelines draw and the GEXF export writes as spells.

    >>> t = Tie("k", "a", "r", "b", ("c",), _dt.date(2015, 1, 1), _dt.date(2016, 12, 31))
    >>> [(s, a.isoformat(), b) for s, a, b in spans(t)]
    [('holds', '2015-01-01', datetime.date(2016, 12, 31)), ('presumed', '2017-01-01', None)]
    """
    if not tie.factual or tie.first is None:
        return [("ended", tie.ended_on + ONE_DAY, None)] if tie.factual and tie.ended_on else []
    if tie.always:
        return [("holds", None, None)]
    runs = [("holds", tie.first, tie.last)]
    if tie.presumes:
        runs.append(("presumed", tie.last + ONE_DAY, tie.ended_on))
    if tie.ended_on is not None and not tie.one_off:
        runs.append(("ended", tie.ended_on + ONE_DAY, None))
    return runs


def span_dicts(tie: Tie) -> list[dict]:
    """:func:`spans` as JSON-ready dicts ``{"status", "from", "to"}`` (ISO days, ``None`` = open):
    what the API, the profile timelines, the notebooks' charts and the exports are given, so none
    of them works the runs out again.

    >>> t = Tie("k", "a", "r", "b", ("c",), _dt.date(2015, 1, 1), _dt.date(2016, 12, 31), ended_on=_dt.date(2018, 6, 30))
    >>> [(s["status"], s["from"], s["to"]) for s in span_dicts(t)]
    [('holds', '2015-01-01', '2016-12-31'), ('presumed', '2017-01-01', '2018-06-30'), ('ended', '2018-07-01', None)]
    """
    iso = lambda d: d.isoformat() if d else None
    return [{"status": s, "from": iso(a), "to": iso(b)} for s, a, b in spans(tie)]


def attested_overlap(a: Dated, b: Dated) -> bool:
    """Whether two claims' attested days meet (disputes compare attested time, never presumed)."""
    if a.first is None or b.first is None:
        return False
    return Period(a.first, a.last).overlaps(b.first, b.last)
