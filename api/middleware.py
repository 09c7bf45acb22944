"""What wraps every response of the app, whatever route, error or static file made it.

:class:`SecurityHeaders` (the outermost layer, outside even Starlette's server-error handler, so
a 500 gets them too) adds to every response:

* ``Content-Security-Policy``: pages may run scripts from this server only, plus the inline
  scripts a template marks with this response's nonce (``<script nonce="{{ csp_nonce }}">``); a
  response that is not HTML gets ``default-src 'none'``, so nothing it carries can run;
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: SAMEORIGIN`` (and ``frame-ancestors 'self'`` in the policy).

:class:`HeadAsGet` answers ``HEAD`` on every ``GET`` route as RFC 9110 §9.3.2 asks: the same
status and headers as ``GET``, no body.

>>> page_policy("abc").split("; ")[1]
"script-src 'self' 'nonce-abc'"
"""

from __future__ import annotations

import secrets

#: the policy of HTML pages (vis-network and Swagger UI set inline styles; images may be data: URLs)
PAGE_POLICY = ("default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
#: the policy of everything else (JSON, RDF, CSV, scripts, styles): nothing in it may run or load
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
_REPLACED = frozenset({b"content-security-policy", *(name for name, _ in COMMON_HEADERS)})  # a route's own
_DATA_POLICY_HEADER = (b"content-security-policy", DATA_POLICY.encode())


def page_policy(nonce: str | None) -> str:
    return PAGE_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")


def csp_nonce(request) -> str:
    """The nonce of this response's Content-Security-Policy (for a template's inline script)."""
    return request.scope.get("state", {}).get("csp_nonce", "")


class SecurityHeaders:
    """ASGI middleware: the security headers above on every HTTP response (a policy a route set
    itself is replaced: there is one policy for the whole site)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        nonce = secrets.token_urlsafe(16)
        scope = {**scope, "state": {**scope.get("state", {}), "csp_nonce": nonce}}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                headers.append((b"content-security-policy", page_policy(nonce).encode())
                               if ctype.startswith(b"text/html") else _DATA_POLICY_HEADER)
                headers += COMMON_HEADERS
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """ASGI middleware: a ``HEAD`` request is routed as ``GET`` and its body dropped (the headers,
    ``Content-Length`` included, stay those of the ``GET`` answer)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_without_body(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # swallow the body as it streams; the last message ends the answer
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
