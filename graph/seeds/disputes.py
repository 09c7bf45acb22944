"""Find claims that cannot both be right.

Two claims dispute each other when they share subject, relation and scope (and, for figures,
what is counted: the folded ``unit``), the relation is
single-valued (``cakg:singleValued`` in the ontology), their objects differ (or their figures
admit no common value) and their times overlap. Curators add the rest by hand (``disputes:``).

>>> from graph.dates import parse_date
>>> overlaps((parse_date(2015), parse_date(2016)), (parse_date("2016-05"), None))
True
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ..dates import PartialDate
from ..ontology import Schema
from ..text import fold
from .model import Claim, Dataset


def span(claim: Claim) -> tuple[PartialDate | None, PartialDate | None]:
    """The claim's time as (from, until); an as-of claim covers its as-of period only."""
    if claim.start or claim.end:
        return claim.start, claim.end
    return claim.as_of, claim.as_of


def overlaps(a: tuple, b: tuple) -> bool:
    (a0, a1), (b0, b1) = a, b
    lo_a = a0.first_day() if a0 else None
    hi_a = a1.last_day() if a1 else None
    lo_b = b0.first_day() if b0 else None
    hi_b = b1.last_day() if b1 else None
    if hi_a and lo_b and hi_a < lo_b:
        return False
    if hi_b and lo_a and hi_b < lo_a:
        return False
    return True


def _incompatible(a: Claim, b: Claim) -> str | None:
    if a.quantity and b.quantity:
        (a0, a1), (b0, b1) = a.quantity.bounds(), b.quantity.bounds()
        if a1 < b0 or b1 < a0:
            return "figures admit no common value"
        return None
    if a.object != b.object:
        return "different objects"
    return None


def find_disputes(data: Dataset, schema: Schema) -> dict[frozenset[str], str]:
    """Map each disputing pair of claim ids to the reason."""
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in data.claims.values():
        if schema.relations[claim.relation].single_valued:
            unit = fold(claim.quantity.unit or "") if claim.quantity else ""
            groups[(claim.subject, claim.relation, tuple(sorted(claim.scope)), unit)].append(claim)
    found: dict[frozenset[str], str] = {}
    for claims in groups.values():
        for a, b in combinations(claims, 2):
            reason = _incompatible(a, b)
            if reason and overlaps(span(a), span(b)):
                found[frozenset((a.id, b.id))] = f"{reason}, overlapping time"
    for claim in data.claims.values():
        for other in claim.disputes:
            found.setdefault(frozenset((claim.id, other)), "marked by the curator")
    return found
