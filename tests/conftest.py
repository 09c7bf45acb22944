"""Shared fixtures: the fixture graph in memory, an app over it, a live server on 127.0.0.1, and
the backends the API tests run on.

Backends: ``embedded`` (the fixture graph in an in-memory pyoxigraph store), ``oxigraph`` (the
Oxigraph server) and ``virtuoso`` (Virtuoso 7), the two engines started once per session on
127.0.0.1 (ports chosen free, temporary folders) and loaded with the fixture graph through
``cakg publish``'s code. ``CAKG_TEST_BACKENDS=embedded,oxigraph`` picks some locally; by default
all three run, and an engine that is not installed makes its tests fail (``scripts/setup.sh --test``
installs both), never skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.testing import FIXTURE_SEEDS, fixture_store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"

# the apps and servers of the tests start their SPARQL workers at the first query that needs one,
# not at start (most never query through the pool); tests/sparql/test_protocol.py tests the start
os.environ.setdefault("CAKG_SPARQL_PRESTART", "0")


@pytest.fixture
def store():
    """A fresh in-memory store holding the compiled fixture seeds."""
    return fixture_store()


@pytest.fixture
def seeds_dir() -> Path:
    return FIXTURE_SEEDS


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A private, writable copy of the fixture seeds."""
    import shutil

    target = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, target)
    return target


@pytest.fixture
def app(store):
    from api.app import create_app

    return create_app(store)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server():
    """A live server over the fixture graph, shared by the tests of a session."""
    from api.app import create_app

    from .support import LiveServer

    with LiveServer(create_app(fixture_store())) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


BACKENDS = ("embedded", "oxigraph", "virtuoso")


def selected_backends() -> list[str]:
    raw = os.environ.get("CAKG_TEST_BACKENDS", "")
    chosen = [b.strip() for b in raw.split(",") if b.strip()] or list(BACKENDS)
    unknown = set(chosen) - set(BACKENDS)
    if unknown:
        raise ValueError(f"CAKG_TEST_BACKENDS names unknown backends {sorted(unknown)} (known: {', '.join(BACKENDS)})")
    return chosen


class _Engines:
    """The engines of a session, started on first use and stopped at its end."""

    def __init__(self):
        self.running: dict = {}

    def get(self, kind: str):
        if kind not in self.running:
            from graph.store.engines import start_engine
            from graph.store.publish import publish_store

            engine = start_engine(kind)
            self.running[kind] = engine
            publish_store(fixture_store(), engine.url)
        return self.running[kind]

    def stop(self):
        for engine in self.running.values():
            engine.stop()


@pytest.fixture(scope="session")
def engines():
    running = _Engines()
    yield running
    running.stop()


def backend_app(backend: str, engines: _Engines, settings=None):
    """An app over the fixture graph on one backend."""
    from dataclasses import replace

    from api.app import create_app
    from graph.settings import Settings

    settings = settings or Settings()
    if backend == "embedded":
        return create_app(fixture_store(), settings)
    return create_app(settings=replace(settings, store_url=engines.get(backend).url))


@pytest.fixture(scope="module", params=selected_backends())
def backend_client(request, engines):
    """A test client over the fixture graph, once per backend (module-scoped)."""
    from fastapi.testclient import TestClient

    with TestClient(backend_app(request.param, engines)) as client:
        client.backend = request.param
        yield client
