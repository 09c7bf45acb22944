"""``cakg serve``: builds the store from the seeds when there is none, then serves on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

pytestmark = pytest.mark.server


def test_serve_builds_then_serves(tmp_path, seeds_dir):
    port = free_port()
    cakg = Path(sys.executable).parent / "cakg"
    env = {**os.environ, "CAKG_SPARQL_CONCURRENCY": "1"}
    proc = subprocess.Popen([str(cakg), "serve", "--data", str(tmp_path / "data"), "--seeds", str(seeds_dir),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline, stats = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                stats = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert stats is not None, proc.stdout.read().decode() if proc.poll() is not None else "server did not start"
        assert stats["claims"] == 40
        assert (tmp_path / "data" / "current").exists()  # it built the store first
        r = httpx.post(f"http://127.0.0.1:{port}/sparql", data={"query": "ASK { id:imu a cakg:MilitantGroup }"}, timeout=30)
        assert r.json()["boolean"] is True
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
