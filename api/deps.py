"""Shared dependencies: the store and the settings, injected into routes with ``Depends``."""

from __future__ import annotations

from fastapi import Request

from graph.settings import Settings
from graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings
