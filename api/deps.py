"""Shared dependencies: the store and the settings, injected into routes with ``Depends``."""

from __future__ import annotations

from fastapi import Request

from graph.settings import Settings
from graph.store import GraphStore


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
