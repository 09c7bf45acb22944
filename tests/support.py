"""Test helpers shared by the test modules: a free loopback port, a test client over seeds of
its own, and a live uvicorn server."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def seeds_client(seeds: Path):
    """A FastAPI test client over an app serving ``seeds`` compiled into an in-memory store."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.testing import fixture_store

    with TestClient(create_app(fixture_store(seeds))) as client:
        yield client


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread (bounded start-up wait)."""

    def __init__(self, app, port: int | None = None):
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start within 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
