"""HTTP connection limits for ``cakg serve``: how uvicorn is configured against idle and slow clients.

uvicorn's keep-alive timer only starts after a response, so a socket that connects and sends
nothing, or sends its request head one byte at a time, is never closed (issue 14 item 6).
:class:`HeadDeadlineProtocol` is uvicorn's h11 protocol with one more timer: a request head must be
complete within ``http_header_timeout`` seconds of the connection opening or of the previous
response finishing, else the connection is closed. :func:`uvicorn_options` gathers every limit.
"""

from __future__ import annotations

import asyncio
import functools

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.settings import Settings


class HeadDeadlineProtocol(H11Protocol):
    """h11 protocol that closes a connection whose request head does not arrive within the deadline."""

    header_timeout: float | None = None  # None: ``http_header_timeout`` of the settings (read once)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_timer = self.loop.call_later(self.header_timeout or _settings_header_timeout(),
                                                self._head_deadline_passed)

    def _cancel_head_deadline(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _head_deadline_passed(self) -> None:
        self._head_timer = None
        waiting_for_head = self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()  # no response: the client never finished asking

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_deadline()  # the head is in: the app and its own limits take over

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_deadline()  # the next request on this keep-alive connection gets a deadline too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)


@functools.lru_cache(maxsize=1)
def _settings_header_timeout() -> float:
    return float(Settings().http_header_timeout)


def uvicorn_options(settings: Settings | None = None) -> dict:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config``: keep-alive, connection cap, head deadline."""
    s = settings or Settings()
    HeadDeadlineProtocol.header_timeout = float(s.http_header_timeout)  # a module-level class: --reload can pickle it
    return {"http": HeadDeadlineProtocol, "timeout_keep_alive": s.http_keep_alive,
            "limit_concurrency": s.http_max_connections}
