"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from this
server only: the Swagger UI and ReDoc builds come from the ``fastapi-offline`` package
(``/static/docs/*``), the pages are this package's templates (``docs.html``, ``redoc.html``,
extending ``base.html``, so they carry the site's header and navigation), and the script that
starts Swagger UI is a static file (``/static/docs.js``) as the Content-Security-Policy asks.

ReDoc's build hard-codes one remote asset, the Redocly logo of its sidebar footer
(:data:`REDOC_REMOTE_LOGO`); ``/static/docs/redoc.standalone.js`` is served with that address
replaced by an inline blank image, so the page asks nothing of another host (the footer text
and its link stay).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from .views.templating import render

router = APIRouter(include_in_schema=False)

#: the one remote address in ReDoc's build (an <img> in the sidebar footer), and what replaces it
REDOC_REMOTE_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"


def assets_directory() -> Path:
    """Swagger UI's and ReDoc's builds (swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js)."""
    import fastapi_offline

    path = Path(fastapi_offline.__file__).resolve().parent / "static"
    if not (path / "swagger-ui-bundle.js").is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"Swagger UI not found in the fastapi-offline package at {path}")
    return path


@cache
def redoc_bundle() -> bytes:
    """ReDoc's standalone build with its remote logo replaced by :data:`BLANK_IMAGE`."""
    return (assets_directory() / "redoc.standalone.js").read_bytes().replace(REDOC_REMOTE_LOGO, BLANK_IMAGE)


@router.get("/static/docs/redoc.standalone.js")
def redoc_script():
    return Response(redoc_bundle(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


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
