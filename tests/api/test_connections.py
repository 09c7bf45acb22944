"""Idle and slow connections against the real ``cakg serve`` (issue 14 item 6): hundreds of sockets that
send nothing, or trickle their request head, neither block a normal request nor stay open past the
header deadline; an idle keep-alive connection is closed after the keep-alive timeout."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from graph.settings import Settings
from graph.testing import FIXTURE_SEEDS
from tests.support import free_port

pytestmark = pytest.mark.server

HEADER_TIMEOUT = 2.0
KEEP_ALIVE = 2
IDLE_SOCKETS = 300
SLOW_SOCKETS = 20


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("connections") / "data"
    port = free_port()
    cakg = Path(sys.executable).parent / "cakg"
    env = {**os.environ, "CAKG_SPARQL_CONCURRENCY": "1", "CAKG_HTTP_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
           "CAKG_HTTP_KEEP_ALIVE": str(KEEP_ALIVE), "CAKG_HTTP_MAX_CONNECTIONS": "2000"}
    proc = subprocess.Popen([str(cakg), "serve", "--data", str(data), "--seeds", str(FIXTURE_SEEDS),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline, up = time.monotonic() + 90, False
        while time.monotonic() < deadline and proc.poll() is None and not up:
            try:
                up = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=2).status_code == 200
            except httpx.TransportError:
                time.sleep(0.2)
        assert up, proc.stdout.read().decode() if proc.poll() is not None else "server did not start in 90 s"
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


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


def test_idle_and_slow_header_sockets_are_dropped_and_do_not_block(served):
    port = served
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(IDLE_SOCKETS)]
    slow = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SLOW_SOCKETS)]
    opened = time.monotonic()
    stop = threading.Event()
    slow_closed_after: dict[int, float] = {}

    def trickle():
        """Send a request head one byte at a time (never finishing it) until the server hangs up."""
        for s in slow:
            s.sendall(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        step = 0
        while not stop.is_set() and len(slow_closed_after) < len(slow) and time.monotonic() - opened < 30:
            for i, s in enumerate(slow):
                if i in slow_closed_after:
                    continue
                try:
                    s.sendall(b"X-Slow: " if step == 0 else b"a")
                except OSError:
                    slow_closed_after[i] = time.monotonic() - opened
                    continue
                if closed_by_server(s):
                    slow_closed_after[i] = time.monotonic() - opened
                s.setblocking(True)
            step += 1
            time.sleep(0.25)

    trickler = threading.Thread(target=trickle, daemon=True)
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
        assert max(slow_closed_after.values()) < HEADER_TIMEOUT + 5, slow_closed_after
        assert httpx.get(f"http://127.0.0.1:{port}/stats", timeout=10).status_code == 200
    finally:
        stop.set()
        for s in idle + slow:
            s.close()


def test_prompt_request_head_is_answered_and_keep_alive_ends(served):
    """A head sent in pieces but within the deadline is answered; the idle keep-alive connection
    that follows is closed by the server after the keep-alive timeout."""
    with socket.create_connection(("127.0.0.1", served), timeout=10) as s:
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


def test_uvicorn_options_follow_the_settings():
    from api.connections import HeadDeadlineProtocol, uvicorn_options

    opts = uvicorn_options(Settings(http_keep_alive=3, http_header_timeout=4.5, http_max_connections=77))
    assert opts["timeout_keep_alive"] == 3 and opts["limit_concurrency"] == 77
    assert issubclass(opts["http"], HeadDeadlineProtocol) and opts["http"].header_timeout == 4.5
