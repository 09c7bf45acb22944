"""Faults around the data folder: a damaged store is rebuilt, never called up to date; a build that
cannot write (read-only or full folder), is killed at any stage, or races another build leaves the
served store intact and says why; a killed server restarts on the same data.

Every case first builds the fixture seeds, damages or interrupts something, and then checks that
the store ``data/current`` points at still opens and answers as before.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.build import BuildFailed, build
from graph.build import pipeline as build_mod
from graph.cli import main
from graph.read.live import LiveGraph
from graph.store import StoreDamaged, current_store_path, open_store, store_problem
from tests.support import ServeProcess

ROOT = Path(__file__).resolve().parents[2]
CLAIM_COUNT = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cakg:Claim }"


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def built(seeds: Path, data: Path) -> Path:
    build(seeds, data, locators=False)
    return current_store_path(data)


def claims(data: Path) -> int:
    return open_store(data).select(CLAIM_COUNT)[0]["n"]


def cakg(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAKG_SPARQL_CONCURRENCY": "1"}
    return subprocess.Popen([sys.executable, "-m", "graph.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


# ---------------------------------------------------------------- a damaged store is repaired


@pytest.mark.parametrize("damage", ["CURRENT deleted", "build.json garbled", "build.json emptied of keys",
                                    "store files deleted"])
def test_a_damaged_store_is_rebuilt_not_called_up_to_date(seeds, tmp_path, damage):
    data = tmp_path / "data"
    path = built(seeds, data)
    expected = claims(data)
    if damage == "CURRENT deleted":
        (path / "CURRENT").unlink()
    elif damage == "build.json garbled":
        (path / "build.json").write_text("{not json")
    elif damage == "build.json emptied of keys":
        (path / "build.json").write_text("{}")
    else:
        for f in path.iterdir():
            if f.name != "build.json":
                f.unlink()
    assert store_problem(path)
    result = cli("build", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert result.exit_code == 0, result.output
    assert "is damaged" in result.stderr and "up to date" not in result.stderr
    assert json.loads(result.stdout)["skipped"] is False
    new = current_store_path(data)
    assert new != path and store_problem(new) is None and claims(data) == expected
    again = cli("build", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert "up to date" in again.stderr  # the repaired store is a normal one


def test_force_rebuilds_over_a_garbled_build_json(seeds, tmp_path):
    data = tmp_path / "data"
    path = built(seeds, data)
    (path / "build.json").write_text("[1")
    result = cli("build", "--force", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert result.exit_code == 0, result.output
    assert store_problem(current_store_path(data)) is None


def test_commands_name_a_damaged_store_instead_of_a_traceback(seeds, tmp_path):
    data = tmp_path / "data"
    path = built(seeds, data)
    (path / "CURRENT").unlink()
    with pytest.raises(StoreDamaged, match="is damaged.*cakg build"):
        open_store(data)
    result = CliRunner().invoke(main, ["stats", "--data", str(data)])
    assert result.exit_code == 1 and "is damaged" in result.stderr and "run 'cakg build'" in result.stderr
    assert "Traceback" not in result.output


def test_a_dangling_current_link_is_replaced(seeds, tmp_path):
    data = tmp_path / "data"
    shutil.rmtree(built(seeds, data))
    assert (data / "current").is_symlink() and current_store_path(data) is None
    result = cli("build", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert result.exit_code == 0, result.output
    assert store_problem(current_store_path(data)) is None


def test_a_folder_put_where_the_link_belongs_is_set_aside_not_deleted(seeds, tmp_path):
    data = tmp_path / "data"
    built(seeds, data)
    (data / "current").unlink()
    (data / "current").mkdir()
    (data / "current" / "notes.txt").write_text("mine")
    result = cli("build", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert result.exit_code == 0, result.output
    assert "moved it to" in result.stderr
    aside = [p for p in data.iterdir() if p.name.startswith("current.set-aside-")]
    assert len(aside) == 1 and (aside[0] / "notes.txt").read_text() == "mine"
    assert (data / "current").is_symlink() and store_problem(current_store_path(data)) is None


# ---------------------------------------------------------------- builds that cannot write


@contextmanager
def read_only(*folders: Path):
    """Make ``folders`` unwritable: by mode for a normal user; as root (which ignores modes) with the
    immutable attribute, which binds root too."""
    if os.geteuid() != 0:
        for f in folders:
            os.chmod(f, 0o555)
        try:
            yield
        finally:
            for f in folders:
                os.chmod(f, 0o755)
        return
    if not shutil.which("chattr"):
        pytest.fail("running as root, a read-only folder needs chattr (e2fsprogs)")
    subprocess.run(["chattr", "+i", *map(str, folders)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, folders)], check=True)


def test_a_read_only_data_folder_fails_with_a_message_and_keeps_the_store(seeds, tmp_path):
    data = tmp_path / "data"
    path = built(seeds, data)
    expected = claims(data)
    with read_only(data, data / "stores"):
        result = CliRunner().invoke(main, ["build", "--force", "--seeds", str(seeds), "--data", str(data),
                                           "--no-locators"])
    assert result.exit_code == 1, result.output
    assert "error: cannot write" in result.stderr and str(data) in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert current_store_path(data) == path and claims(data) == expected


def test_a_full_data_folder_fails_with_a_message_and_leaves_no_half_store(seeds, tmp_path, monkeypatch):
    data = tmp_path / "data"
    path = built(seeds, data)
    expected = claims(data)
    real = build_mod.write_store

    def fill_up(graph, target, *args):
        real(graph, target, *args)  # the store is written when the disk fills up
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_mod, "write_store", fill_up)
    with pytest.raises(BuildFailed, match="No space left on device.*left as it was"):
        build(seeds, data, locators=False, force=True)
    assert not list((data / "stores").glob(".tmp-*"))
    assert current_store_path(data) == path and claims(data) == expected
    result = CliRunner().invoke(main, ["build", "--force", "--seeds", str(seeds), "--data", str(data),
                                       "--no-locators"])
    assert result.exit_code == 1 and "No space left on device" in result.stderr


def test_two_builds_at_once_the_second_is_refused(seeds, tmp_path):
    data = tmp_path / "data"
    path = built(seeds, data)
    with build_mod._lock(data):
        result = CliRunner().invoke(main, ["build", "--force", "--seeds", str(seeds), "--data", str(data),
                                           "--no-locators"])
    assert result.exit_code == 1 and "another build is running" in result.stderr
    assert current_store_path(data) == path


# ---------------------------------------------------------------- a build killed at each stage

STAGES = ["reading ontology...", "reading seeds from", "compiling RDF...", "validating with SHACL...",
          "loading the store"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_a_stage_leaves_the_served_store_intact(seeds, tmp_path, stage):
    data = tmp_path / "data"
    path = built(seeds, data)
    expected = claims(data)
    proc = cakg("build", "--force", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    deadline = time.monotonic() + 60
    for line in proc.stderr:  # progress lines; kill as soon as the stage starts
        if stage in line or time.monotonic() > deadline:
            proc.send_signal(signal.SIGKILL)
            break
    proc.communicate(timeout=30)
    assert current_store_path(data) == path or stage == "loading the store"
    assert store_problem(current_store_path(data)) is None and claims(data) == expected
    result = cli("build", "--force", "--seeds", str(seeds), "--data", str(data), "--no-locators")
    assert result.exit_code == 0, result.output
    assert not list((data / "stores").glob(".tmp-*")) and claims(data) == expected


# ---------------------------------------------------------------- the server


def test_a_running_server_keeps_its_store_when_the_new_one_is_damaged(seeds, tmp_path):
    data = tmp_path / "data"
    built(seeds, data)

    def opener():
        store = open_store(data)
        return store, str(store.path)

    live = LiveGraph(opener=opener, probe=lambda: str(current_store_path(data)), check_every=0)
    before = live.current()
    build(seeds, data, locators=False, force=True)
    (current_store_path(data) / "CURRENT").unlink()
    served = live.current()
    assert served is before and served.catalog.entity("imu").label == "Islamic Movement of Uzbekistan"


def test_serve_repairs_a_damaged_store_and_a_killed_server_restarts_on_the_same_data(seeds, tmp_path):
    data = tmp_path / "data"
    path = built(seeds, data)
    (path / "CURRENT").unlink()
    served = ServeProcess(data, seeds, ready="/entities/imu")
    try:
        first = served.start().wait_up()
        assert store_problem(current_store_path(data)) is None
        served.kill()
        again = served.start().wait_up()  # the same data, the same port
        assert again.json() == first.json()
    finally:
        served.stop()
