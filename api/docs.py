"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from this
server only: the Swagger UI and ReDoc builds come from the ``fastapi-offline`` package
(``/static/docs/*``), the pages are this package's templates (``docs.html``, ``redoc.html``,
extending ``base.html``, so they carry the site's header and navigation), and the script that
starts Swagger UI is a static file (``/static/docs.js``) as the Content-Security-Policy asks.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .views.templating import render

router = APIRouter(include_in_schema=False)


def assets_directory() -> Path:
    """Swagger UI's and ReDoc's builds (swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js)."""
    import fastapi_offline

    path = Path(fastapi_offline.__file__).resolve().parent / "static"
    if not (path / "swagger-ui-bundle.js").is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"Swagger UI not found in the fastapi-offline package at {path}")
    return path


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request):
    return render(request, "docs.html", title=request.app.title, openapi_url=request.app.openapi_url)


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request):
    return render(request, "redoc.html", title=request.app.title, openapi_url=request.app.openapi_url)


def install_docs(app: FastAPI) -> None:
    """The two pages and their assets (call on an app made with ``docs_url=None, redoc_url=None``)."""
    app.include_router(router)
    app.mount("/static/docs", StaticFiles(directory=assets_directory()), name="docs-assets")
