"""The data folder (``data/``, or ``CAKG_DATA_DIR``)::

    data/
      stores/<stamp>/         one complete store per successful build, with build.json inside
      current -> stores/...   symlink swapped atomically after a build succeeds

A store can be damaged behind the project's back (a file of it deleted, ``build.json``
overwritten, the ``current`` link pointing nowhere). :func:`store_problem` says what is wrong
in words; ``cakg build`` then builds a new store instead of calling the damaged one up to date,
and ``cakg serve`` repairs before serving.

>>> import tempfile, pathlib
>>> empty = pathlib.Path(tempfile.mkdtemp())
>>> store_problem(empty)
'build.json is missing'
>>> (empty / "build.json").write_text("{not json")
9
>>> build_info(empty) is None, store_problem(empty).startswith("build.json is not valid JSON")
(True, True)
"""

from __future__ import annotations

import json
from pathlib import Path

from ..settings import Settings

#: the keys a store's build.json must carry
BUILD_KEYS = ("path", "triples", "entities", "claims", "fingerprint")


def current_store_path(data: Path | None = None) -> Path | None:
    """The store ``data/current`` points at, or None when there is no link or it points nowhere."""
    link = Path(data or Settings().data_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


def _read_info(path: Path) -> tuple[dict | None, str | None]:
    file = path / "build.json"
    if not file.is_file():
        return None, "build.json is missing"
    try:
        info = json.loads(file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"build.json is not valid JSON ({exc})"
    if not isinstance(info, dict) or any(k not in info for k in BUILD_KEYS):
        return None, f"build.json lacks one of {', '.join(BUILD_KEYS)}"
    return info, None


def build_info(path: Path | None) -> dict | None:
    """What ``build.json`` records of the build in ``path``; None if absent or unreadable."""
    return None if path is None else _read_info(path)[0]


def store_problem(path: Path) -> str | None:
    """What is wrong with the built store in ``path`` (None when it opens and matches its build.json)."""
    import pyoxigraph as ox

    if not path.is_dir():
        return f"{path} is not a directory"
    info, problem = _read_info(path)
    if problem:
        return problem
    try:
        store = ox.Store.read_only(str(path))
        empty = next(iter(store.quads_for_pattern(None, None, None)), None) is None
    except (OSError, RuntimeError, ValueError) as exc:
        return f"the store does not open ({exc})"
    if empty and info["triples"]:
        return f"the store is empty but build.json records {info['triples']} triples"
    return None
