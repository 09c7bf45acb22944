"""HTTP connection limits for ``cakg serve``: how uvicorn is configured against idle and slow clients.

uvicorn's keep-alive timer only starts after a response, so a socket that connects and sends
nothing, or sends its request head one byte at a time, is never closed (issue 14 item 6), nor
one that sends a head and then trickles its body, nor one that never reads the answer (whose
unsent bytes stay in the server's memory, issue 14 item 4). :class:`HeadDeadlineProtocol` is
uvicorn's h11 protocol with three more timers:

* a request **head** must be complete within ``http_header_timeout`` seconds of the connection
  opening or of the previous response finishing, else the connection is closed;
* a request **body** must be complete within ``http_body_timeout`` seconds of its head, else the
  client gets ``408`` (JSON naming the limit) if no response has started, and the connection is closed;
* while a response is waiting in the server's send buffer (the client reads nothing), the client
  must take some of it every ``http_send_timeout`` seconds, else the connection is dropped
  (aborted: the unsent bytes are freed; a slow but reading client is not cut).

Beyond ``http_max_connections`` connections or requests at once uvicorn answers 503 at once;
:func:`service_unavailable` makes that answer a JSON body naming the limit. :func:`uvicorn_options`
gathers every limit.
"""

from __future__ import annotations

import asyncio
import functools
import json

import h11
from uvicorn.protocols.http import h11_impl
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.settings import Settings


class HeadDeadlineProtocol(H11Protocol):
    """h11 protocol that closes a connection whose request head does not arrive within the deadline."""

    header_timeout: float | None = None  # None: ``http_header_timeout`` of the settings (read once)
    body_timeout: float | None = None  # None: ``http_body_timeout``
    send_timeout: float | None = None  # None: ``http_send_timeout``
    max_connections: int | None = None  # for the 503 answer's message

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._send_timer: asyncio.TimerHandle | None = None
        self._unsent = -1  # bytes waiting to be sent at the last send check
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_timer = self.loop.call_later(self.header_timeout or _settings()["header"],
                                                self._head_deadline_passed)

    def _cancel(self, timer: str) -> None:
        """Cancel the timer held in attribute ``timer`` (``_head_timer``, ``_body_timer``,
        ``_send_timer``), if one is armed."""
        handle = getattr(self, timer, None)
        if handle is not None:
            handle.cancel()
            setattr(self, timer, None)

    def _cancel_head_deadline(self) -> None:
        self._cancel("_head_timer")

    def _drop_cycle(self) -> None:
        """Tell the request being served that its client is gone: the app's receive() answers
        http.disconnect, its send() is dropped."""
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()

    def _head_deadline_passed(self) -> None:
        self._head_timer = None
        waiting_for_head = self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()  # no response: the client never finished asking

    # ---------------------------------------------------------------- request body
    def _body_deadline_passed(self) -> None:
        self._body_timer = None
        if self.conn.their_state is not h11.SEND_BODY or self.transport.is_closing():
            return
        limit = self.body_timeout or _settings()["body"]
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            body = json.dumps({"error": "request_timeout", "message": f"the request body did not arrive within "
                               f"{limit:g} s of its head (http_body_timeout / CAKG_HTTP_BODY_TIMEOUT)",
                               "limit_seconds": limit}).encode()
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                                 b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
        self._drop_cycle()
        self.transport.close()

    def _cancel_body_deadline(self) -> None:
        self._cancel("_body_timer")

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_deadline()  # the head is in: the app and its own limits take over
        if self.conn.their_state is h11.SEND_BODY:
            if self._body_timer is None:  # one deadline for the whole body, from its head
                self._body_timer = self.loop.call_later(self.body_timeout or _settings()["body"],
                                                        self._body_deadline_passed)
        else:
            self._cancel_body_deadline()

    # ---------------------------------------------------------------- response not read
    def pause_writing(self) -> None:
        """The send buffer is over its high-water mark: from now on the client must take some of it
        every ``send_timeout`` seconds."""
        super().pause_writing()
        if self._send_timer is None:
            self._unsent = self.transport.get_write_buffer_size()
            self._send_timer = self.loop.call_later(self.send_timeout or _settings()["send"], self._check_sending)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel_send_check()

    def _check_sending(self) -> None:
        self._send_timer = None
        unsent = self.transport.get_write_buffer_size()
        if unsent == 0:
            return
        if unsent >= self._unsent:  # not one byte taken since the last check: drop it, freeing the buffer
            self._drop_cycle()
            self.transport.abort()
            return
        self._unsent = unsent
        self._send_timer = self.loop.call_later(self.send_timeout or _settings()["send"], self._check_sending)

    def _cancel_send_check(self) -> None:
        self._cancel("_send_timer")

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_deadline()  # the next request on this keep-alive connection gets a deadline too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        self._cancel_body_deadline()
        self._cancel_send_check()
        super().connection_lost(exc)


@functools.lru_cache(maxsize=1)
def _settings() -> dict:
    s = Settings()
    return {"header": float(s.http_header_timeout), "body": float(s.http_body_timeout),
            "send": float(s.http_send_timeout), "connections": s.http_max_connections}


async def service_unavailable(scope, receive, send) -> None:
    """uvicorn's answer beyond ``limit_concurrency``, as a JSON body naming the limit (uvicorn's own
    is the text "Service Unavailable")."""
    limit = HeadDeadlineProtocol.max_connections or _settings()["connections"]
    body = json.dumps({"error": "too_many_connections", "message": f"the server already handles {limit:,} "
                       "connections or requests at once (http_max_connections / CAKG_HTTP_MAX_CONNECTIONS); "
                       "try again shortly", "limit": limit}).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", b"1"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def uvicorn_options(settings: Settings | None = None) -> dict:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config``: keep-alive, connection cap, and the
    head, body and send deadlines."""
    s = settings or Settings()
    # class attributes of a module-level class, so --reload can pickle it
    HeadDeadlineProtocol.header_timeout = float(s.http_header_timeout)
    HeadDeadlineProtocol.body_timeout = float(s.http_body_timeout)
    HeadDeadlineProtocol.send_timeout = float(s.http_send_timeout)
    HeadDeadlineProtocol.max_connections = s.http_max_connections
    return {"http": HeadDeadlineProtocol, "timeout_keep_alive": s.http_keep_alive,
            "limit_concurrency": s.http_max_connections}


# uvicorn's h11 protocol looks its 503 answer up in its module's globals when the connection cap is
# reached; set here, at import, so a --reload child (which imports this module for the protocol
# class) answers JSON too
h11_impl.service_unavailable = service_unavailable
