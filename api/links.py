"""The links the API writes into its answers, never built from the request's ``Host`` header
(a client chooses that header, so copying it lets anyone plant their own host in our links).

* paging links in JSON are relative (``/entities?offset=20&limit=20``);
* where an absolute IRI is needed (triple pattern fragments' hypermedia controls, the SPARQL
  service description) the base is the configured public URL (``CAKG_PUBLIC_URL``), else the
  address the server's socket is bound to (``cakg serve`` sets ``CAKG_PUBLIC_URL`` from
  ``--host``/``--port`` when it is not given).

>>> from starlette.requests import Request
>>> scope = {"type": "http", "method": "GET", "path": "/fragments", "query_string": b"page=2",
...          "headers": [(b"host", b"evil.example")], "server": ("127.0.0.1", 8000), "scheme": "http"}
>>> request = Request(scope)
>>> public_base(request, None), public_url(request, None)
('http://127.0.0.1:8000', 'http://127.0.0.1:8000/fragments?page=2')
>>> public_base(request, "https://cakg.example.org/api/")
'https://cakg.example.org/api'
>>> relative_url(request, offset=20)
'/fragments?page=2&offset=20'
"""

from __future__ import annotations

from starlette.requests import Request


def public_base(request: Request, configured: str | None) -> str:
    """``scheme://host[:port]`` (no trailing slash) of this server as the settings or the socket give it."""
    if configured:
        return configured.rstrip("/")
    scheme = request.scope.get("scheme", "http")
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def public_url(request: Request, configured: str | None, **params) -> str:
    """The absolute URL of this request (with ``params`` replacing query parameters) on the public base."""
    return public_base(request, configured) + relative_url(request, **params)


def relative_url(request: Request, **params) -> str:
    """The path and query of this request, with ``params`` replacing query parameters."""
    url = request.url.include_query_params(**params) if params else request.url
    return url.path + (f"?{url.query}" if url.query else "")


def base_of(request: Request) -> str:
    """The public base for this request, from the app's settings (``settings.public_url``)."""
    return public_base(request, getattr(request.app.state.settings, "public_url", None))
