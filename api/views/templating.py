"""The one template environment of the app, the security headers of its pages, and its static files.

Pages come from this package's Jinja2 templates with autoescaping on; the data a page's script
needs travels as JSON inside ``<script type="application/json">`` (Jinja's ``tojson`` escapes
``<``, ``>``, ``&`` and quotes), and the scripts put names into text nodes or the canvas, never
into ``innerHTML``; a Content-Security-Policy allows scripts from this server only. vis-network
9.1.2 is served from the copy inside the pyvis package (``/static/vis/``): no CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.formats import negotiate

from ..errors import ApiError
from ..models import ErrorBody

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))

# scripts, styles, data and connections from this server only (vis-network sets inline styles)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def vis_directory() -> Path:
    """The vis-network build shipped inside the pyvis package (vis-network.min.js and its CSS)."""
    import pyvis

    path = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    if not (path / "vis-network.min.js").is_file():  # pragma: no cover - a broken pyvis install
        raise RuntimeError(f"vis-network not found in the pyvis package at {path}")
    return path


def mount_static(app: FastAPI) -> None:
    """Serve ``/static/vis/*`` (vis-network from pyvis) and ``/static/*`` (this package's files)."""
    app.mount("/static/vis", StaticFiles(directory=vis_directory()), name="vis")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def render(request: Request, template: str, status_code: int = 200, csp: bool = True, **context: Any) -> HTMLResponse:
    """A page from the shared environment, with its security headers (``csp=False`` only for a
    page that still carries an inline script)."""
    html = env.get_template(template).render(request=request, **context)
    headers = {"Vary": "Accept"}
    if csp:
        headers["Content-Security-Policy"] = CSP
    return HTMLResponse(html, status_code=status_code, headers=headers)


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def wants_json(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), ["text/html", "application/json"], default="text/html") == "application/json"


ERRORS = {404: {"model": ErrorBody, "description": "No such entity"},
          422: {"model": ErrorBody, "description": "A parameter is malformed (the body names it)"}}
