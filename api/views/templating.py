"""The one template environment of the app, the security headers of its pages, and its static files.

Pages come from this package's Jinja2 templates with autoescaping on; the data a page's script
needs travels as JSON inside ``<script type="application/json">`` (Jinja's ``tojson`` escapes
``<``, ``>``, ``&`` and quotes), and the scripts put names into text nodes or the canvas, never
into ``innerHTML``; a Content-Security-Policy (:mod:`api.middleware`, on every response) allows
scripts from this server only, and inline scripts that carry the response's nonce. vis-network
9.1.2 is served from the copy inside the pyvis package (``/static/vis/``): no CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.formats import negotiate

from ..errors import ApiError
from ..middleware import csp_nonce
from ..models import ErrorBody

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))

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


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from the shared environment. Its security headers come from
    :class:`api.middleware.SecurityHeaders`; an inline script in a template must carry
    ``nonce="{{ csp_nonce }}"`` or the browser will not run it."""
    html = env.get_template(template).render(request=request, csp_nonce=csp_nonce(request), **context)
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept"})


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def page_error(request: Request, exc: ApiError) -> Response:
    """The answer of a page route to a bad request: the HTML error page (same status, naming the
    problem and the parameter) for a browser, the JSON error body for a client that asks for JSON."""
    if wants_json(request):
        return error_response(exc)
    page = render(request, "error.html", status_code=exc.status, error=exc.body(), json_url=None)
    page.headers.update(exc.headers)
    return page


def wants_json(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), ["text/html", "application/json"], default="text/html") == "application/json"


ERRORS = {404: {"model": ErrorBody, "description": "No such entity"},
          422: {"model": ErrorBody, "description": "A parameter is malformed (the body names it)"}}


def page_errors(errors: dict) -> dict:
    """``errors`` documented for a page: the error page in HTML, or the JSON error body when the
    client asks for JSON (FastAPI would file the model under the page's text/html otherwise)."""
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
               "text/html": {"schema": {"type": "string"}}}
    return {code: {"description": r["description"], "content": content} for code, r in errors.items()}


PAGE_ERRORS = page_errors(ERRORS)
