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
    sparql_memory_triples: int = 2_000_000  # workers copy a built store of at most this many triples into memory

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        return cls(
            sparql_timeout=float(env("CAKG_SPARQL_TIMEOUT", cls.sparql_timeout)),
            sparql_max_query_length=int(env("CAKG_SPARQL_MAX_LENGTH", cls.sparql_max_query_length)),
            sparql_row_cap=int(env("CAKG_SPARQL_ROW_CAP", cls.sparql_row_cap)),
            sparql_concurrency=int(env("CAKG_SPARQL_CONCURRENCY", cls.sparql_concurrency)),
            sparql_memory_triples=int(env("CAKG_SPARQL_MEMORY_TRIPLES", cls.sparql_memory_triples)),
        )


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# ---------------------------------------------------------------------------- errors

class ApiError(Exception):
    """An error answered as JSON: ``{"error": kind, "message": text, "parameter": name}``.

    >>> ApiError(404, "not_found", "no entity with id 'x'").body()["message"]
    "no entity with id 'x'"
    """

    def __init__(self, status: int, error: str, message: str, parameter: str | None = None,
                 headers: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.status, self.error, self.message, self.parameter = status, error, message, parameter
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        body = {"error": self.error, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        body.update({k: v for k, v in self.extra.items() if v is not None})
        return body


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(422, "invalid_parameter", f"{name}: {message}", parameter=name)


# ---------------------------------------------------------------------------- content negotiation

def _parse_accept(accept: str) -> list[tuple[str, str, float, int]]:
    ranges = []
    for part in (accept or "").split(","):
        part = part.strip()
        if not part:
            continue
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        main, _, sub = media.lower().partition("/")
        specificity = 0 if main == "*" else 1 if sub in ("*", "") else 2
        ranges.append((main, sub or "*", q, specificity))
    return ranges


def negotiate(accept: str | None, offers: list[str], default: str | None = None) -> str | None:
    """The offer the ``Accept`` header prefers (q-values, most specific range wins; ties go to
    the earlier offer). No header or an empty one gives ``default`` (or the first offer); ``None``
    when nothing offered is acceptable (answer 406).

    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", ["application/json", "text/html"])
    'text/html'
    >>> negotiate("*/*", ["application/json", "text/html"])
    'application/json'
    >>> negotiate("image/png", ["application/json"]) is None
    True
    """
    if not accept or not accept.strip():
        return default or (offers[0] if offers else None)
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        main, _, sub = offer.lower().partition("/")
        q, spec = 0.0, -1
        for r_main, r_sub, r_q, r_spec in ranges:
            if (r_main == "*" or r_main == main) and (r_sub == "*" or r_sub == sub) and r_spec > spec:
                q, spec = r_q, r_spec
        if q > best_q:
            best, best_q = offer, q
    return best
