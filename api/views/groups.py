"""The seven named groups the pages present first (the index, the default network view), found
by the acronym each is known by (a label or alias of a group).

>>> from graph.testing import fixture_catalog
>>> named_group_ids(fixture_catalog())
['imu', 'ktj', 'kib', 'jamaat-ansarullah', 'iju', 'hts', 'iskp']
"""

from __future__ import annotations

from graph.read.catalog import Catalog
from graph.read.search import search_entities

#: the groups the pages present, by the acronym each is known by (found through aliases)
NAMED_GROUPS = ("IMU", "KTJ", "KIB", "JA", "IJU", "HTS", "ISKP")


def find_named_group(cat: Catalog, acronym: str) -> dict | None:
    """The group whose label or alias is exactly ``acronym`` (through the shared search)."""
    found = search_entities(cat, acronym, kind="group", limit=5)
    exact = [hit for hit in found["items"] if hit["score"] >= 100]
    return exact[0] if exact else None


def named_group_ids(cat: Catalog) -> list[str]:
    """The ids of the named groups that are in the graph, in the order of :data:`NAMED_GROUPS`."""
    def build():
        hits = (find_named_group(cat, acronym) for acronym in NAMED_GROUPS)
        return [hit["id"] for hit in hits if hit is not None]
    return list(cat.memo("named-group-ids", build))
