"""Errors answered as JSON bodies that name the problem: ``{"error", "message", "parameter"}``.

:class:`ApiError` is raised by routes; :func:`install_error_handlers` turns it, request
validation errors and Starlette's own HTTP errors into such bodies.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


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


def install_error_handlers(app: FastAPI) -> None:
    from graph.store import EngineRefused, StoreUnavailable

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_: Request, exc: StoreUnavailable):
        return JSONResponse({"error": "store_unavailable", "message": str(exc), "engine": exc.engine, "url": exc.url},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(EngineRefused)
    async def engine_refused(_: Request, exc: EngineRefused):
        return JSONResponse({"error": "engine_error", "message": str(exc), "engine": exc.engine, "url": exc.url},
                            status_code=502)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError):
        problems = []
        first = None
        for err in exc.errors():
            loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "header")]
            name = ".".join(loc) or "request"
            first = first or name
            problems.append(f"{name}: {err.get('msg', 'invalid')}"
                            + (f" (got {err['input']!r})" if "input" in err and err["input"] is not None else ""))
        return JSONResponse({"error": "invalid_parameter", "message": "; ".join(problems), "parameter": first},
                            status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        # Starlette logs the traceback; the client gets JSON, not a plain-text page
        return JSONResponse({"error": "internal_error",
                             "message": f"the server failed to answer {request.method} {request.url.path}"},
                            status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no route for {request.url.path} (see /docs)"
        return JSONResponse({"error": kind, "message": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))
