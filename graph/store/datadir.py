"""The data folder (``data/``, or ``CAKG_DATA_DIR``)::

    data/
      stores/<stamp>/         one complete store per successful build, with build.json inside
      current -> stores/...   symlink swapped atomically after a build succeeds
"""

from __future__ import annotations

import json
from pathlib import Path

from ..settings import Settings


def current_store_path(data: Path | None = None) -> Path | None:
    link = Path(data or Settings().data_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


def build_info(path: Path | None) -> dict | None:
    if path is None or not (path / "build.json").exists():
        return None
    return json.loads((path / "build.json").read_text())
