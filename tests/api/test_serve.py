"""``cakg serve``: builds the store from the seeds when there is none, then serves on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from tests.support import ServeProcess

pytestmark = pytest.mark.server


def test_serve_builds_then_serves(tmp_path, seeds_dir):
    with ServeProcess(tmp_path / "data", seeds_dir, timeout=60) as served:
        stats = httpx.get(f"{served.url}/stats", timeout=10).json()
        assert stats["claims"] == 40
        assert (tmp_path / "data" / "current").exists()  # it built the store first
        r = httpx.post(f"{served.url}/sparql", data={"query": "ASK { id:imu a cakg:MilitantGroup }"}, timeout=30)
        assert r.json()["boolean"] is True
