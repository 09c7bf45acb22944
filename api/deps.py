"""Shared dependencies: the store and the settings, injected into routes with ``Depends``."""

from __future__ import annotations

import os
from dataclasses import dataclass

from fastapi import Request

from graph.store import GraphStore


@dataclass(frozen=True)
class Settings:
    sparql_timeout: float = 5.0        # seconds before a query is stopped (503)
    sparql_max_query_length: int = 20_000  # characters
    sparql_row_cap: int = 10_000       # rows returned before truncating (and saying so)
    sparql_concurrency: int = 2        # queries evaluated at once; others wait their turn

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        return cls(
            sparql_timeout=float(env("CAKG_SPARQL_TIMEOUT", cls.sparql_timeout)),
            sparql_max_query_length=int(env("CAKG_SPARQL_MAX_LENGTH", cls.sparql_max_query_length)),
            sparql_row_cap=int(env("CAKG_SPARQL_ROW_CAP", cls.sparql_row_cap)),
            sparql_concurrency=int(env("CAKG_SPARQL_CONCURRENCY", cls.sparql_concurrency)),
        )


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings
