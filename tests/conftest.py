"""Shared fixtures: the fixture graph in memory, an app over it, and a live server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.testing import FIXTURE_SEEDS, fixture_store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


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
