"""The one synthetic-graph generator of the benchmarks: a seed folder N times the size of a real one.

Every entity and claim of the seeds is copied ``factor`` times under new ids (copy *k* renames
``imu`` to ``imu-xk`` and suffixes labels and aliases with `` #k``, so names stay distinct; copy 0
keeps the originals). So the synthetic graph has the real graph's shape (claims, citations,
figures, memberships, disputes), just more of it. To keep the copies from being islands, for a
share ``mix`` of the claims (10 % by default, chosen by a seeded random generator) one more copy
is added that points at the same entity in another copy. Locators still point at the real texts, which do not name the renamed
entities, so synthetic builds skip the locator check. The build benchmark times ``cakg build`` of
the folder; the API benchmark serves the store that build makes.

>>> import tempfile, pathlib
>>> from graph.testing import FIXTURE_SEEDS
>>> out = make_synthetic_seeds(FIXTURE_SEEDS, pathlib.Path(tempfile.mkdtemp()) / "s", 3, mix=0)
>>> from graph.build import compile_seeds
>>> one, three = (len(compile_seeds(s, locators=False).dataset.claims) for s in (FIXTURE_SEEDS, out))
>>> three == 3 * one
True

From the shell: ``python bench/synthetic.py 100 -o /tmp/seeds-x100`` (then ``cakg build --seeds /tmp/seeds-x100 --no-locators``).
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REF_FIELDS = ("subject", "claimed_by", "reported_by")
LIST_REF_FIELDS = ("scope",)


def _entity_copy(item: dict, k: int) -> dict:
    if k == 0:
        return item
    item = dict(item)
    tag = f" #{k}"
    item["id"] = f"{item['id']}-x{k}"
    item["label"] = f"{item['label']}{tag}"
    item["aliases"] = [f"{a.split('@')[0]}{tag}" + (f"@{a.split('@')[1]}" if "@" in a else "")
                       for a in item.get("aliases") or []]
    item.pop("mentioned_as", None)
    return item


def _claim_copy(item: dict, k: int, other: int) -> dict:
    def rename(value: str, j: int) -> str:
        return value if j == 0 else f"{value}-x{j}"

    item = dict(item)
    for f in REF_FIELDS:
        if item.get(f):
            item[f] = rename(item[f], k)
    if item.get("object"):
        item["object"] = rename(item["object"], other)
    for f in LIST_REF_FIELDS:
        if item.get(f):
            value = item[f]
            item[f] = [rename(v, k) for v in (value if isinstance(value, list) else [value])]
    if item.get("id"):
        item["id"] = rename(item["id"], k)
    if item.get("disputes"):
        d = item["disputes"]
        item["disputes"] = [rename(v, k) for v in (d if isinstance(d, list) else [d])]
    return item


def make_synthetic_seeds(seeds: Path, target: Path, factor: int, *, mix: float = 0.1, seed: int = 0) -> Path:
    """Write ``factor`` copies of every entity and claim of ``seeds`` into ``target`` (see above)."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    rng = random.Random(seed)
    target.mkdir(parents=True)
    shutil.copy(seeds / "sources.yaml", target / "sources.yaml")
    for sub in ("entities", "claims"):
        (target / sub).mkdir()
    serial = 0
    for sub in ("entities", "claims"):
        for path in sorted(seeds.glob(f"{sub}/**/*.yaml")):
            data = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
            out: dict[str, list] = {}
            if data.get("entities"):
                out["entities"] = [_entity_copy(e, k) for k in range(factor) for e in data["entities"]]
            if data.get("claims"):
                claims = []
                for k in range(factor):
                    for c in data["claims"]:
                        claims.append(_claim_copy(c, k, k))
                        if factor > 1 and c.get("object") and rng.random() < mix:
                            link = _claim_copy(c, k, (k + 1 + rng.randrange(factor - 1)) % factor)
                            serial += 1
                            link["id"] = f"synthetic-link-{serial}"
                            link.pop("disputes", None)
                            claims.append(link)
                out["claims"] = claims
            (target / sub / path.name).write_text(
                yaml.dump(out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, allow_unicode=True))
    return target


def build_synthetic(factor: int, data: Path, seeds: Path | None = None, **kw):
    """Make a synthetic seed folder next to ``data`` and build it into ``data`` (no locator
    check); the :class:`graph.build.BuildResult`."""
    from graph.build import build
    from graph.settings import Settings

    folder = make_synthetic_seeds(Path(seeds or Settings().seeds_dir), data.parent / f"seeds-x{factor}", factor, **kw)
    return build(folder, data, locators=False, force=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("factor", type=int)
    parser.add_argument("--seeds", type=Path, default=None)
    parser.add_argument("-o", "--output", type=Path, required=True, help="seed folder to write")
    args = parser.parse_args()
    from graph.settings import Settings

    make_synthetic_seeds(args.seeds or Settings().seeds_dir, args.output, args.factor)
    print(f"wrote {args.output}", file=sys.stderr)
