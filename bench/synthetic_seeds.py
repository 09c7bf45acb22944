"""Make a synthetic seed folder N times the size of a real one, for benchmarks.

Every entity and claim is copied N times under new ids (``imu`` -> ``imu-x7``), with labels and
aliases suffixed so the copies stay distinct; copies only link to copies of the same round, so the
synthetic graph has the real graph's shape, N times over. Locators still point at the real texts,
which no longer name the renamed entities, so synthetic builds skip the locator check.

>>> import tempfile, pathlib
>>> from graph.testing import FIXTURE_SEEDS
>>> out = make_synthetic_seeds(FIXTURE_SEEDS, pathlib.Path(tempfile.mkdtemp()) / "s", 3)
>>> len(list((out / "claims").glob("*.yaml")))
3
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REF_FIELDS = ("subject", "object", "claimed_by", "reported_by")
LIST_REF_FIELDS = ("scope",)


def _rename(item: dict, suffix: str, label_suffix: str, kind: str) -> dict:
    item = dict(item)
    if kind == "entity":
        item["id"] = item["id"] + suffix
        item["label"] = f"{item['label']} {label_suffix}"
        item["aliases"] = [f"{a.split('@')[0]} {label_suffix}" + (f"@{a.split('@')[1]}" if "@" in a else "")
                           for a in item.get("aliases") or []]
        item.pop("mentioned_as", None)
    else:
        for f in REF_FIELDS:
            if item.get(f):
                item[f] = item[f] + suffix
        for f in LIST_REF_FIELDS:
            if item.get(f):
                value = item[f]
                item[f] = [v + suffix for v in (value if isinstance(value, list) else [value])]
        if item.get("id"):
            item["id"] = item["id"] + suffix
        if item.get("disputes"):
            d = item["disputes"]
            item["disputes"] = [v + suffix for v in (d if isinstance(d, list) else [d])]
    return item


def make_synthetic_seeds(seeds: Path, target: Path, factor: int) -> Path:
    """Write ``factor`` renamed copies of every entity and claim of ``seeds`` into ``target``."""
    target.mkdir(parents=True)
    shutil.copy(seeds / "sources.yaml", target / "sources.yaml")
    for sub in ("entities", "claims"):
        (target / sub).mkdir()
    for kind_dir, key in (("entities", "entity"), ("claims", "claim")):
        for path in sorted(seeds.glob(f"{kind_dir}/**/*.yaml")):
            data = yaml.safe_load(path.read_text()) or {}
            out = {}
            for section, section_kind in (("entities", "entity"), ("claims", "claim")):
                items = data.get(section) or []
                if items:
                    out[section] = [_rename(i, f"-x{n}", f"#{n}", section_kind)
                                    for n in range(factor) for i in items]
            (target / kind_dir / f"{path.stem}.yaml").write_text(yaml.safe_dump(out, sort_keys=False, allow_unicode=True))
    return target
