"""Find claims that cannot both be right.

Two claims dispute each other when they share subject, relation and scope (and, for figures,
what is counted: the folded ``unit``, and whom the figure is shared with), the relation is
single-valued (``cakg:singleValued`` in the ontology), their objects differ (or their figures
admit no common value) and the days they attest overlap (:func:`graph.timeline.attested_overlap`:
attested time only, never presumed time). Curators add the rest by hand (``disputes:``).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ..ontology import Schema
from ..text import fold
from ..timeline import attested_overlap
from .model import Claim, Dataset


def _incompatible(a: Claim, b: Claim) -> str | None:
    if a.quantity and b.quantity:
        (a0, a1), (b0, b1) = a.quantity.bounds(), b.quantity.bounds()
        if a1 < b0 or b1 < a0:
            return f"the figures admit no common value ({_figure(a)} against {_figure(b)})"
        return None
    if a.object != b.object:
        return f"a single-valued relation with two values ({a.object} against {b.object})"
    return None


def _figure(c: Claim) -> str:
    q = c.quantity
    lo, hi = q.bounds()
    return f"{q.value:g}" if lo == hi else f"{lo:g}-{hi:g}" if hi != float("inf") else f"{lo:g} or more"


def find_disputes(data: Dataset, schema: Schema) -> dict[frozenset[str], str]:
    """Map each disputing pair of claim ids to the reason, in words."""
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in data.claims.values():
        if schema.relations[claim.relation].single_valued and claim.dated is not None and claim.dated.factual:
            unit = fold(claim.quantity.unit or "") if claim.quantity else ""
            groups[(claim.subject, claim.relation, tuple(sorted(claim.scope)), unit,
                    tuple(sorted(claim.joint_with)))].append(claim)
    found: dict[frozenset[str], str] = {}
    for claims in groups.values():
        for a, b in combinations(claims, 2):
            reason = _incompatible(a, b)
            if reason and attested_overlap(a.dated, b.dated):
                found[frozenset((a.id, b.id))] = f"{reason}, attested at the same time"
    for claim in data.claims.values():
        for other in claim.disputes:
            found.setdefault(frozenset((claim.id, other)), "marked by the curator")
    return found
