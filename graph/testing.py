"""Helpers for tests, doctests and benchmarks: a small built graph in memory, and its catalog.

>>> len(fixture_store()) > 100
True
>>> fixture_catalog().entity("imu").label
'Islamic Movement of Uzbekistan'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .settings import PROJECT_ROOT
from .store import OxigraphStore, memory_store

FIXTURE_SEEDS = PROJECT_ROOT / "tests" / "fixtures" / "seeds"


def compile_to_ntriples(seeds: Path = FIXTURE_SEEDS, locators: bool = False) -> bytes:
    from .build import compile_seeds

    return compile_seeds(seeds, locators=locators).ntriples()


@lru_cache(maxsize=2)
def _fixture_bytes(seeds: str) -> bytes:
    return compile_to_ntriples(Path(seeds))


def fixture_store(seeds: Path = FIXTURE_SEEDS) -> OxigraphStore:
    """A fresh in-memory store holding the compiled fixture seeds (compiled once per process)."""
    return memory_store(_fixture_bytes(str(seeds)))


@lru_cache(maxsize=2)
def fixture_catalog(seeds: Path = FIXTURE_SEEDS):
    """The read model (:class:`graph.read.catalog.Catalog`) of one shared fixture store (read-only:
    the catalog never changes it)."""
    from .read.catalog import Catalog

    return Catalog(fixture_store(seeds), generation="fixture")
