"""HTTP connection limits for ``cakg serve``: how uvicorn is configured against idle and slow clients.

uvicorn's keep-alive timer only starts after a response, so a socket that connects and sends
nothing, or sends its request head one byte at a time, is never closed (issue 14 item 6), nor
one that sends a head and then trickles its body, nor one that never reads the answer (whose
unsent bytes stay in the server's memory, issue 14 item 4). :class:`HeadDeadlineProtocol` is
uvicorn's httptools protocol (llhttp, the parser of Node.js) with three more timers:

* a request **head** must be complete within ``http_header_timeout`` seconds of the connection
  opening or of the previous response finishing, else the connection is closed;
* a request **body** must be complete within ``http_body_timeout`` seconds of its head, else the
  client gets ``408`` (JSON naming the limit) if no response has started, and the connection is closed;
* while a response is waiting in the server's send buffer (the client reads nothing), the client
  must take some of it every ``http_send_timeout`` seconds, else the connection is dropped
  (aborted: the unsent bytes are freed; a slow but reading client is not cut).

Beyond ``http_max_connections`` connections or requests at once uvicorn answers 503 at once;
:func:`service_unavailable` makes that answer a JSON body naming the limit. The access log is
written by a thread of its own (:class:`BackgroundAccessLog`), so a request does not wait for its
log line to be formatted and written. :func:`uvicorn_options` gathers every limit and the logging.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import logging
import logging.handlers
import queue
import time

from uvicorn.protocols.http import httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph.settings import Settings


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines for the request head and body and for a client
    that stops reading its answer."""

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

    def _cancel(self, timer: str) -> None:
        """Cancel the timer held in attribute ``timer`` (``_head_timer``, ``_body_timer``,
        ``_send_timer``), if one is armed."""
        handle = getattr(self, timer, None)
        if handle is not None:
            handle.cancel()
            setattr(self, timer, None)

    def _drop_cycle(self) -> None:
        """Tell the request being served that its client is gone: the app's receive() answers
        http.disconnect, its send() is dropped."""
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()

    # ---------------------------------------------------------------- request head
    def _arm_head_deadline(self) -> None:
        self._cancel("_head_timer")
        self._head_timer = self.loop.call_later(self.header_timeout or _settings()["header"],
                                                self._head_deadline_passed)

    def _head_deadline_passed(self) -> None:
        self._head_timer = None  # (the timer is cancelled when a head is complete)
        waiting_for_head = self.cycle is None or self.cycle.response_complete
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()  # no response: the client never finished asking

    def on_headers_complete(self) -> None:
        self._cancel("_head_timer")  # the head is in: the app and its own limits take over
        # one deadline for the whole body, from its head (cancelled at once when there is none)
        self._cancel("_body_timer")
        self._body_timer = self.loop.call_later(self.body_timeout or _settings()["body"], self._body_deadline_passed)
        super().on_headers_complete()

    # ---------------------------------------------------------------- request body
    def on_message_complete(self) -> None:
        self._cancel("_body_timer")
        super().on_message_complete()

    def _body_deadline_passed(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
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
        self._cancel("_send_timer")

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

    # ---------------------------------------------------------------- between requests
    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle.response_complete:
            # no later request's head has come in yet (pipelined): the next one gets a deadline too
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in ("_head_timer", "_body_timer", "_send_timer"):
            self._cancel(timer)
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


class _Gathering(logging.handlers.QueueListener):
    """A queue listener that, woken by a record, waits ``GATHER`` seconds before handling it, so
    the records of a busy moment are written in one go rather than each waking the thread (and
    taking the interpreter from the requests) on its own."""

    GATHER = 0.02

    def dequeue(self, block: bool):
        if block and self.queue.empty():
            record = self.queue.get()
            time.sleep(self.GATHER)
            return record
        return self.queue.get(block)


class BackgroundAccessLog(logging.handlers.QueueHandler):
    """The access log's handler: a request only puts its record on a queue; a listener thread
    formats and writes it (to ``stream``, with the formatter dictConfig gives this handler), at
    most ``_Gathering.GATHER`` seconds later. uvicorn's access record holds only strings and
    numbers, so it is formatted as well later. Records still queued at exit are written then
    (:meth:`close`)."""

    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self.target = logging.StreamHandler(stream)
        self.listener = _Gathering(self.queue, self.target)
        self.listener.start()
        self._listening = True

    def close(self) -> None:
        """Write what is still queued, stop the thread (logging closes its handlers at exit)."""
        if self._listening:
            self._listening = False
            self.listener.stop()
        self.target.close()
        super().close()

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 (logging's name)
        self.target.setFormatter(fmt)

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record  # not formatted here: the listener's handler does it, in its thread


def log_config() -> dict:
    """uvicorn's logging configuration with the access log written in the background
    (:class:`BackgroundAccessLog`), its records made without looking up their caller, thread or
    process."""
    from uvicorn.config import LOGGING_CONFIG

    # a record need not say where it was logged from nor which thread or process logged it (no
    # format here prints them): looking them up is most of a record's cost (the logging HOWTO's
    # "Optimization" section)
    logging._srcfile = None  # noqa: SLF001 (the documented switch)
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"] = {"()": f"{__name__}.BackgroundAccessLog", "formatter": "access",
                                    "stream": "ext://sys.stdout"}
    return config


def uvicorn_options(settings: Settings | None = None) -> dict:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config``: keep-alive, connection cap, the
    head, body and send deadlines, and the logging (:func:`log_config`)."""
    s = settings or Settings()
    # class attributes of a module-level class, so --reload can pickle it
    HeadDeadlineProtocol.header_timeout = float(s.http_header_timeout)
    HeadDeadlineProtocol.body_timeout = float(s.http_body_timeout)
    HeadDeadlineProtocol.send_timeout = float(s.http_send_timeout)
    HeadDeadlineProtocol.max_connections = s.http_max_connections
    return {"http": HeadDeadlineProtocol, "timeout_keep_alive": s.http_keep_alive,
            "limit_concurrency": s.http_max_connections, "log_config": log_config()}


# uvicorn's httptools protocol looks its 503 answer up in its module's globals when the connection cap
# is reached; set here, at import, so a --reload child (which imports this module for the protocol
# class) answers JSON too
httptools_impl.service_unavailable = service_unavailable
