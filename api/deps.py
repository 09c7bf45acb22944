"""Shared dependencies injected into routes with ``Depends``: the graph generation a request
reads (its store and catalog, taken once per request, see :mod:`graph.read.live`) and the settings."""

from __future__ import annotations

from fastapi import Request

from graph.read.catalog import Catalog
from graph.read.live import Generation
from graph.settings import Settings
from graph.store import GraphStore


def get_generation(request: Request) -> Generation:
    """The generation this request reads, the same for every dependency of the request."""
    gen = getattr(request.state, "generation", None)
    if gen is None:
        gen = request.state.generation = request.app.state.live.current()
    return gen


def get_store(request: Request) -> GraphStore:
    return get_generation(request).store


def get_catalog(request: Request) -> Catalog:
    return get_generation(request).catalog


def get_settings(request: Request) -> Settings:
    return request.app.state.settings
