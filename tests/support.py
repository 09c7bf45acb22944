"""Test helpers shared by the test modules: a free loopback port, a test client over seeds of
its own, a live uvicorn server in this process, a ``cakg serve`` subprocess, and a process's
resident memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def rss_mb(pid: int | str = "self") -> float:
    """The resident memory of a process (this one by default), in MiB, from ``/proc``."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")  # pragma: no cover


class ServeProcess:
    """``cakg serve`` (this tree's code: ``python -m graph.cli`` with ``PYTHONPATH`` set) in a
    subprocess on 127.0.0.1, in its own process group so its SPARQL workers stop with it; its output
    goes to a log file (never a pipe that could fill up and block it). Used by the tests that need
    the real server: ``with ServeProcess(data, seeds, env={...}) as served: served.url``.

    ``env`` adds to the environment (``CAKG_SPARQL_CONCURRENCY`` defaults to 1); ``ready`` is the
    path polled until it answers 200. :meth:`kill` is SIGKILL (a crash), :meth:`stop` SIGTERM then,
    after 15 s, SIGKILL; :meth:`start` again serves the same data on the same port.
    """

    def __init__(self, data: Path, seeds: Path, port: int | None = None, env: dict[str, str] | None = None,
                 ready: str = "/stats", timeout: float = 90):
        self.data, self.seeds, self.ready, self.timeout = Path(data), Path(seeds), ready, timeout
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CAKG_SPARQL_CONCURRENCY": "1", **(env or {})}
        self.env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        self.proc: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="cakg-serve-", suffix=".log", delete=False)
        self.log = Path(self._log.name)

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def start(self, wait: bool = True) -> "ServeProcess":
        self.proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--data", str(self.data),
                                      "--seeds", str(self.seeds), "--port", str(self.port)],
                                     env=self.env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        if wait:
            self.wait_up()
        return self

    def output(self) -> str:
        """What the server has printed so far."""
        return self.log.read_text(errors="replace")

    def wait_up(self, path: str | None = None, seconds: float | None = None):
        """Poll ``path`` (default ``ready``) until it answers 200 (bounded); the response. Fails with the
        server's output if it exits or does not answer in time."""
        import httpx

        url = self.url + (path or self.ready)
        deadline = time.monotonic() + (seconds or self.timeout)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"cakg serve exited with {self.proc.returncode}:\n{self.output()[-4000:]}")
            try:
                r = httpx.get(url, timeout=5)
                if r.status_code == 200:
                    return r
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"cakg serve did not answer {url} within {seconds or self.timeout:.0f} s:\n"
                             f"{self.output()[-4000:]}")

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the server and its workers (a crash) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self._signal_group(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM (a clean shutdown), SIGKILL after 15 s; bounded."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._signal_group(signal.SIGKILL)  # workers left behind by a crash of the parent

    def __enter__(self) -> "ServeProcess":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
        self._log.close()
        self.log.unlink(missing_ok=True)
