"""The one settings object: every path, the store to serve and every limit of the public surface.

Each field defaults to its environment variable (read when a :class:`Settings` is made), else to
the value below, so tests, CI and deployments point the same code elsewhere by environment or by
passing fields (``Settings(sparql_timeout=1.5)``).

=========================  ==========================  =========================================
field                      environment variable        default
=========================  ==========================  =========================================
``seeds_dir``              ``CAKG_SEEDS_DIR``          ``seeds/`` of the project
``ontology_dir``           ``CAKG_ONTOLOGY_DIR``       ``ontology/`` of the project
``sources_dir``            ``CAKG_SOURCES_DIR``        ``../shared/seeds`` beside the project
``data_dir``               ``CAKG_DATA_DIR``           ``data/`` of the project
``store_url``              ``CAKG_STORE_URL``          none: serve the embedded store
``public_url``             ``CAKG_PUBLIC_URL``         none: links use the address the server is bound to
``sparql_timeout``         ``CAKG_SPARQL_TIMEOUT``     5 s
``sparql_max_query_length````CAKG_SPARQL_MAX_LENGTH``  20,000 characters
``sparql_row_cap``         ``CAKG_SPARQL_ROW_CAP``     10,000 rows
``sparql_concurrency``     ``CAKG_SPARQL_CONCURRENCY`` 2 queries at once
``sparql_max_result_bytes````CAKG_SPARQL_MAX_RESULT_BYTES`` 16 MB per response body
``sparql_short_lane``       ``CAKG_SPARQL_SHORT_LANE``  1 more worker, for short queries only
``sparql_worker_memory_mb`` ``CAKG_SPARQL_WORKER_MEMORY_MB`` 2,048 MB of data per SPARQL worker process
                                                        (0: no cap; over it a query answers 503)
``sparql_short_timeout``    ``CAKG_SPARQL_SHORT_TIMEOUT`` 1 s time limit in the short lane
``sparql_prestart``         ``CAKG_SPARQL_PRESTART``    on: the workers start with the server, not at the
                                                        first query that needs one (0/false/no/off: off)
``http_keep_alive``         ``CAKG_HTTP_KEEP_ALIVE``    5 s an idle keep-alive connection stays open
``http_header_timeout``     ``CAKG_HTTP_HEADER_TIMEOUT`` 10 s to send a complete request head
``http_body_timeout``       ``CAKG_HTTP_BODY_TIMEOUT``  10 s to send the body after the head (else 408)
``http_send_timeout``       ``CAKG_HTTP_SEND_TIMEOUT``  30 s a client may take no byte of a pending
                                                        response before it is dropped
``http_max_connections``    ``CAKG_HTTP_MAX_CONNECTIONS`` 1,000 connections and requests at once
                                                        (more are answered 503 at once)
=========================  ==========================  =========================================

>>> Settings(sparql_timeout=1.5).sparql_timeout, Settings().sparql_row_cap
(1.5, 10000)
>>> import os; os.environ["CAKG_SPARQL_ROW_CAP"] = "7"; Settings().sparql_row_cap
7
>>> del os.environ["CAKG_SPARQL_ROW_CAP"]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: Any, cast: Callable[[str], Any] = str) -> Callable[[], Any]:
    def read() -> Any:
        raw = os.environ.get(name)
        if raw is None or raw == "":
            return default
        try:
            return cast(raw)
        except ValueError:
            raise ValueError(f"environment variable {name}={raw!r} is not a valid {cast.__name__}") from None

    return read


def _flag(raw: str) -> bool:
    """An on/off environment variable: off is ``0``, ``false``, ``no`` or ``off`` (any case)."""
    return raw.strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path = field(default_factory=_env("CAKG_SEEDS_DIR", PROJECT_ROOT / "seeds", Path))
    ontology_dir: Path = field(default_factory=_env("CAKG_ONTOLOGY_DIR", PROJECT_ROOT / "ontology", Path))
    sources_dir: Path = field(default_factory=_env("CAKG_SOURCES_DIR", PROJECT_ROOT.parent / "shared" / "seeds", Path))
    data_dir: Path = field(default_factory=_env("CAKG_DATA_DIR", PROJECT_ROOT / "data", Path))
    store_url: str | None = field(default_factory=_env("CAKG_STORE_URL", None))
    public_url: str | None = field(default_factory=_env("CAKG_PUBLIC_URL", None))
    sparql_timeout: float = field(default_factory=_env("CAKG_SPARQL_TIMEOUT", 5.0, float))
    sparql_max_query_length: int = field(default_factory=_env("CAKG_SPARQL_MAX_LENGTH", 20_000, int))
    sparql_row_cap: int = field(default_factory=_env("CAKG_SPARQL_ROW_CAP", 10_000, int))
    sparql_concurrency: int = field(default_factory=_env("CAKG_SPARQL_CONCURRENCY", 2, int))
    sparql_max_result_bytes: int = field(default_factory=_env("CAKG_SPARQL_MAX_RESULT_BYTES", 16_000_000, int))
    sparql_memory_triples: int = field(default_factory=_env("CAKG_SPARQL_MEMORY_TRIPLES", 2_000_000, int))
    sparql_short_lane: int = field(default_factory=_env("CAKG_SPARQL_SHORT_LANE", 1, int))
    sparql_short_timeout: float = field(default_factory=_env("CAKG_SPARQL_SHORT_TIMEOUT", 1.0, float))
    sparql_worker_memory_mb: int = field(default_factory=_env("CAKG_SPARQL_WORKER_MEMORY_MB", 2048, int))
    sparql_prestart: bool = field(default_factory=_env("CAKG_SPARQL_PRESTART", True, _flag))
    http_keep_alive: int = field(default_factory=_env("CAKG_HTTP_KEEP_ALIVE", 5, int))
    http_header_timeout: float = field(default_factory=_env("CAKG_HTTP_HEADER_TIMEOUT", 10.0, float))
    http_body_timeout: float = field(default_factory=_env("CAKG_HTTP_BODY_TIMEOUT", 10.0, float))
    http_send_timeout: float = field(default_factory=_env("CAKG_HTTP_SEND_TIMEOUT", 30.0, float))
    http_max_connections: int = field(default_factory=_env("CAKG_HTTP_MAX_CONNECTIONS", 1000, int))

    @classmethod
    def from_env(cls) -> "Settings":
        """Settings as the environment gives them now (the same as ``Settings()``)."""
        return cls()
