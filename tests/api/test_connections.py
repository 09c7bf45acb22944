"""Connections against the real ``cakg serve`` (issue 14 items 4 and 6): hundreds of sockets that send
nothing, or trickle their request head or body, neither block a normal request nor stay open past
their deadline; an idle keep-alive connection is closed after the keep-alive timeout; beyond the
connection cap the server answers 503 (JSON naming the cap) and recovers; a client that never reads
its (large) answer is dropped and the server's memory comes back."""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time

import httpx
import pytest

from graph.settings import Settings
from graph.testing import FIXTURE_SEEDS
from tests.support import ServeProcess, rss_mb

pytestmark = pytest.mark.server

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
SEND_TIMEOUT = 2.0
KEEP_ALIVE = 2
MAX_CONNECTIONS = 400
IDLE_SOCKETS = 300
SLOW_SOCKETS = 20


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("connections") / "data"
    env = {"CAKG_HTTP_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "CAKG_HTTP_BODY_TIMEOUT": str(BODY_TIMEOUT),
           "CAKG_HTTP_SEND_TIMEOUT": str(SEND_TIMEOUT), "CAKG_HTTP_KEEP_ALIVE": str(KEEP_ALIVE),
           "CAKG_HTTP_MAX_CONNECTIONS": str(MAX_CONNECTIONS)}
    with ServeProcess(data, FIXTURE_SEEDS, env=env) as server:
        yield server


def closed_by_server(sock: socket.socket) -> bool:
    """True when the peer has closed (EOF or reset); False when the socket is still open and quiet."""
    sock.setblocking(False)
    try:
        return sock.recv(4096) == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def wait_until_closed(socks: list[socket.socket], within: float) -> list[socket.socket]:
    """Wait (bounded) for the server to close every socket; the ones still open after ``within`` s."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    open_ = set(socks)
    deadline = time.monotonic() + within
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            if closed_by_server(key.fileobj):
                sel.unregister(key.fileobj)
                open_.discard(key.fileobj)
    sel.close()
    return list(open_)


def trickle(socks: list[socket.socket], piece, opened: float, stop: threading.Event) -> dict[int, tuple[float, bytes]]:
    """Send each socket ``piece(step)`` every 0.25 s until the server answers or hangs up on it
    (bounded: 30 s from ``opened``); for each socket, the seconds since ``opened`` and the first
    bytes it got back (``b""`` when the server closed it without a word). Run it in a thread."""
    ended: dict[int, tuple[float, bytes]] = {}
    step = 0
    while not stop.is_set() and len(ended) < len(socks) and time.monotonic() - opened < 30:
        for i, s in enumerate(socks):
            if i in ended:
                continue
            try:
                s.sendall(piece(step))
                s.setblocking(False)
                got = s.recv(65536)
            except BlockingIOError:
                continue  # still open and quiet
            except OSError:
                got = b""
            finally:
                s.setblocking(True)
            ended[i] = (time.monotonic() - opened, got)
        step += 1
        time.sleep(0.25)
    return ended


def test_idle_and_slow_header_sockets_are_dropped_and_do_not_block(served):
    port = served.port
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(IDLE_SOCKETS)]
    slow = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SLOW_SOCKETS)]
    opened = time.monotonic()
    stop = threading.Event()
    for s in slow:
        s.sendall(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    slow_closed_after: dict[int, tuple[float, bytes]] = {}

    def run():  # a request head one byte at a time, never finished, until the server hangs up
        slow_closed_after.update(trickle(slow, lambda step: b"X-Slow: " if step == 0 else b"a", opened, stop))

    trickler = threading.Thread(target=run, daemon=True)
    trickler.start()
    try:
        time.sleep(0.3)
        t0 = time.monotonic()
        r = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=10)
        answered = time.monotonic() - t0
        assert r.status_code == 200 and answered < HEADER_TIMEOUT, answered  # answered while all of them are open
        still_open = wait_until_closed(idle, within=HEADER_TIMEOUT + 5)
        assert not still_open, f"{len(still_open)} of {IDLE_SOCKETS} idle sockets were not closed by the server"
        assert time.monotonic() - opened >= HEADER_TIMEOUT - 0.5  # not closed before the deadline
        trickler.join(timeout=HEADER_TIMEOUT + 10)
        assert len(slow_closed_after) == SLOW_SOCKETS, slow_closed_after  # each one hung up on, though it kept sending
        assert max(t for t, _ in slow_closed_after.values()) < HEADER_TIMEOUT + 5, slow_closed_after
        assert all(got == b"" for _, got in slow_closed_after.values())  # closed without an answer
        assert httpx.get(f"http://127.0.0.1:{port}/stats", timeout=10).status_code == 200
    finally:
        stop.set()
        for s in idle + slow:
            s.close()


def test_prompt_request_head_is_answered_and_keep_alive_ends(served):
    """A head sent in pieces but within the deadline is answered; the idle keep-alive connection
    that follows is closed by the server after the keep-alive timeout."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"GET /stats HTTP/1.1\r\n")
        time.sleep(HEADER_TIMEOUT / 3)
        s.sendall(b"Host: 127.0.0.1\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(65536)
            assert chunk, head
            head += chunk
        assert head.startswith(b"HTTP/1.1 200"), head[:100]
        answered = time.monotonic()
        assert not wait_until_closed([s], within=KEEP_ALIVE + max(HEADER_TIMEOUT, KEEP_ALIVE) + 3)
        assert time.monotonic() - answered >= min(KEEP_ALIVE, HEADER_TIMEOUT) - 0.5


def read_response(sock: socket.socket, within: float) -> tuple[bytes, bytes]:
    """Read one whole response with a Content-Length (bounded): its head and body."""
    sock.settimeout(within)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, (head, body)
        body += chunk
    return head, body


def read_responses(sock: socket.socket, count: int, within: float) -> list[tuple[bytes, bytes]]:
    """Read ``count`` whole responses with a Content-Length, one after the other on one
    connection (bounded): their heads and bodies (one read may hold the end of one and the start
    of the next)."""
    sock.settimeout(within)
    data, out = b"", []
    while len(out) < count:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            if len(rest) >= length:
                out.append((head, rest[:length]))
                data = rest[length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, (out, data)
        data += chunk
    return out


def test_pipelined_requests_are_answered_in_order_and_a_half_head_after_them_is_cut(served):
    """Two requests written at once (HTTP/1.1 pipelining) are both answered, in order; the half
    head that follows them gets its own deadline from the second answer, and the connection is
    closed when it passes without a word more."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  b"GET /entities/imu HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
                  b"GET /stats HTTP/1.1\r\n")
        (first_head, first), (second_head, second) = read_responses(s, 2, within=10)
        answered = time.monotonic()
        assert first_head.startswith(b"HTTP/1.1 200") and "entities" in json.loads(first), first[:200]
        assert second_head.startswith(b"HTTP/1.1 200") and json.loads(second)["id"] == "imu", second[:200]
        assert not wait_until_closed([s], within=HEADER_TIMEOUT + 3)
        assert time.monotonic() - answered >= HEADER_TIMEOUT - 0.5


def test_beyond_the_connection_cap_the_server_answers_503_and_recovers(served):
    """With ``CAKG_HTTP_MAX_CONNECTIONS`` sockets open (sending nothing), a request gets 503 at once
    with a JSON body naming the cap; once the head deadline has closed those sockets (the client
    never closes them), requests are answered again."""
    hogs = [socket.create_connection(("127.0.0.1", served.port), timeout=5) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.3)  # let the server accept them all
        t0 = time.monotonic()
        r = httpx.get(f"{served.url}/stats", timeout=10)
        assert r.status_code == 503 and time.monotonic() - t0 < HEADER_TIMEOUT, r.text
        body = r.json()
        assert body["error"] == "too_many_connections" and body["limit"] == MAX_CONNECTIONS, body
        assert "CAKG_HTTP_MAX_CONNECTIONS" in body["message"] and r.headers["retry-after"]
        assert not wait_until_closed(hogs, within=HEADER_TIMEOUT + 5)  # the server freed its slots itself
        deadline, status = time.monotonic() + 10, None
        while status != 200 and time.monotonic() < deadline:
            status = httpx.get(f"{served.url}/stats", timeout=10).status_code
            time.sleep(0.1)
        assert status == 200
    finally:
        for s in hogs:
            s.close()


POST_HEAD = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
             b"Accept: application/sparql-results+json\r\nContent-Length: %d\r\n\r\n")


def test_a_trickled_request_body_is_cut_at_its_deadline_and_blocks_nobody(served):
    """Clients that send a POST head and then one body byte every quarter second get 408 (JSON naming
    the limit) after ``CAKG_HTTP_BODY_TIMEOUT`` and are hung up on, though they keep sending; a
    normal query is answered meanwhile."""
    body = b"ASK { ?s ?p ?o }" + b" " * 400
    assert httpx.post(f"{served.url}/sparql", data={"query": "ASK {}"}, timeout=60).status_code == 200  # pool up
    slow = [socket.create_connection(("127.0.0.1", served.port), timeout=5) for _ in range(SLOW_SOCKETS)]
    opened = time.monotonic()
    for s in slow:
        s.sendall(POST_HEAD % len(body))
    answers: dict[int, tuple[float, bytes]] = {}
    stop = threading.Event()

    def run():  # the body one byte at a time, until the server answers or hangs up
        answers.update(trickle(slow, lambda step: body[step:step + 1], opened, stop))

    trickler = threading.Thread(target=run, daemon=True)
    trickler.start()
    try:
        time.sleep(0.3)
        t0 = time.monotonic()
        r = httpx.post(f"{served.url}/sparql", content=b"ASK { ?s ?p ?o }", timeout=20,
                       headers={"content-type": "application/sparql-query"})
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert time.monotonic() - t0 < BODY_TIMEOUT, time.monotonic() - t0  # answered while they trickle
        trickler.join(timeout=BODY_TIMEOUT + 15)
        assert len(answers) == SLOW_SOCKETS, answers
        assert max(t for t, _ in answers.values()) < BODY_TIMEOUT + 5, answers
        assert min(t for t, _ in answers.values()) >= BODY_TIMEOUT - 0.5, answers  # not before the deadline
        for _, got in answers.values():
            assert got.startswith(b"HTTP/1.1 408"), got[:200]
            error = json.loads(got.partition(b"\r\n\r\n")[2])
            assert error["error"] == "request_timeout" and "CAKG_HTTP_BODY_TIMEOUT" in error["message"]
        assert not wait_until_closed(slow, within=5)  # and hung up on
    finally:
        stop.set()
        for s in slow:
            s.close()


def test_a_body_sent_in_pieces_within_the_deadline_is_answered(served):
    body = b"ASK { id:imu a cakg:MilitantGroup }"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(POST_HEAD % len(body))
        for piece in (body[:10], body[10:20], body[20:]):
            time.sleep(BODY_TIMEOUT / 5)
            s.sendall(piece)
        head, answer = read_response(s, within=20)
        assert head.startswith(b"HTTP/1.1 200"), head
        assert json.loads(answer)["boolean"] is True


# ~1 KB per row, 8,000 rows: a SPARQL JSON answer of about 9 MB, more than the loopback socket
# buffers of both ends hold, so the rest waits in the server's own memory
BIG_ROWS = ('SELECT ?i ?big WHERE { VALUES ?i { 1 2 3 4 5 6 7 8 9 10 } ?s ?p ?o '
            'BIND(CONCAT(STR(?o), REPLACE("aaaaaaaaaa", "a", "' + "a" * 100 + '")) AS ?big) } LIMIT 8000')
NON_READERS = 4


def test_clients_that_never_read_their_answer_are_dropped_and_their_memory_freed(served):
    """Issue 14 item 4: four clients ask for a large answer and read none of it. A normal request is
    answered meanwhile; after ``CAKG_HTTP_SEND_TIMEOUT`` without progress each is dropped (it gets
    only part of the answer, then the connection ends) and the server's memory comes back."""
    params = httpx.QueryParams({"query": BIG_ROWS})
    with httpx.Client(base_url=served.url, timeout=60, headers={"accept": "application/sparql-results+json"}) as c:
        full = c.get("/sparql", params=params)  # warm up, and the answer's size
        assert full.status_code == 200, full.text[:300]
        size = len(full.content)
        assert size > 6_000_000, size
        for _ in range(2):
            c.get("/sparql", params=params)
    time.sleep(0.5)
    before = rss_mb(served.pid)
    request = (f"GET /sparql?{params} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Accept: application/sparql-results+json\r\n\r\n").encode()
    readers = []
    for i in range(NON_READERS):  # one client address each: the SPARQL per-client cap is per address
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # and a small window: it reads nothing
        s.bind((f"127.0.0.{i + 2}", 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", served.port))
        s.sendall(request)
        readers.append(s)
    try:
        sel = selectors.DefaultSelector()
        for s in readers:
            sel.register(s, selectors.EVENT_READ)
        answered, deadline = set(), time.monotonic() + 60
        while len(answered) < NON_READERS and time.monotonic() < deadline:
            answered |= {key.fileobj for key, _ in sel.select(timeout=0.5)}
        sel.close()
        assert len(answered) == NON_READERS  # each answer has started (and is stuck)
        held = rss_mb(served.pid)
        t0 = time.monotonic()
        assert httpx.get(f"{served.url}/stats", timeout=10).status_code == 200
        assert time.monotonic() - t0 < 2
        time.sleep(SEND_TIMEOUT * 2 + 1)  # two checks without progress
        after = rss_mb(served.pid)
        for s in readers:  # what each one can still read: part of the answer, then the end
            got, s_ok = 0, True
            s.settimeout(5)
            while s_ok:
                try:
                    chunk = s.recv(1 << 20)
                except (ConnectionResetError, BrokenPipeError):
                    break
                s_ok = bool(chunk)
                got += len(chunk)
            assert got < size, (got, size)  # cut short: the server dropped it
        print(f"server RSS: {before:.0f} MB before, {held:.0f} MB with {NON_READERS} unread answers of "
              f"{size / 1e6:.1f} MB, {after:.0f} MB after they were dropped")
        assert held - before < NON_READERS * size / 1e6 * 2 + 50  # bounded by the result cap
        assert after - before < NON_READERS * size / 1e6 / 2 + 20  # and given back
    finally:
        for s in readers:
            s.close()


def test_uvicorn_options_follow_the_settings():
    from api.connections import HeadDeadlineProtocol, uvicorn_options

    opts = uvicorn_options(Settings(http_keep_alive=3, http_header_timeout=4.5, http_max_connections=77,
                                    http_body_timeout=6.5, http_send_timeout=8.0))
    assert opts["timeout_keep_alive"] == 3 and opts["limit_concurrency"] == 77
    assert issubclass(opts["http"], HeadDeadlineProtocol) and opts["http"].header_timeout == 4.5
    assert opts["http"].body_timeout == 6.5 and opts["http"].send_timeout == 8.0


def test_the_access_log_is_written_in_the_background_and_nothing_queued_is_lost():
    import io
    import logging

    from uvicorn.logging import AccessFormatter

    from api.connections import BackgroundAccessLog, log_config

    assert log_config()["handlers"]["access"]["()"] == "api.connections.BackgroundAccessLog"
    stream = io.StringIO()
    handler = BackgroundAccessLog(stream)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    logger = logging.getLogger("cakg.test.access")
    logger.addHandler(handler)
    logger.propagate, logger.level = False, logging.INFO
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/stats", "1.1", 200)
        deadline = time.monotonic() + 5
        while not stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stream.getvalue() == '127.0.0.1:5000 - "GET /stats HTTP/1.1" 200 OK\n'  # as uvicorn writes it
        for k in range(200):
            logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/entities/e{k}", "1.1", 404)
    finally:
        handler.close()  # as at exit: what is still queued is written first
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 201 and lines[-1] == '127.0.0.1:5000 - "GET /entities/e199 HTTP/1.1" 404 Not Found'
