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
import re
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
    if "aliases" in item:
        item["aliases"] = [f"{a.split('@')[0]}{tag}" + (f"@{a.split('@')[1]}" if "@" in a else "")
                           for a in item["aliases"] or []]
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
            if data.get("sets"):  # named sets of entities: each copy's set names that copy's members
                out["sets"] = [{**_entity_copy(e, k), "members": [m if k == 0 else f"{m}-x{k}" for m in e["members"]]}
                               for k in range(factor) for e in data["sets"]]
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


_RENAMED = re.compile(rb"(<https://w3id\.org/cakg/(?:id|claim|tie|dispute)/)([^/>#]+)")
_ID = b"<https://w3id.org/cakg/ontology#id>"
_NAMES = (b"<http://www.w3.org/2000/01/rdf-schema#label>", b"<http://www.w3.org/2004/02/skos/core#altLabel>")
_LITERAL = re.compile(rb'^"((?:[^"\\]|\\.)*)"')


def multiply_ntriples(source: Path, target: Path, copies: int) -> int:
    r"""A graph ``copies`` times the size of a built one, at the N-Triples level, for serving
    benchmarks past what a build can reach in reasonable time: copy *k* renames every entity,
    claim, tie and dispute (``imu`` -> ``imu-yk``, with its ``cakg:id``) and suffixes names with
    `` ~k``; the ontology and the sources are kept once. The copies were never validated as a
    build would (they are copies of a validated graph). Returns the number of triples written.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.nt").write_bytes(b'<https://w3id.org/cakg/id/imu> <https://w3id.org/cakg/ontology#id> "imu" .\n'
    ...                              b'<https://w3id.org/cakg/ontology#X> <urn:p> "o" .\n')
    >>> multiply_ntriples(d / "a.nt", d / "b.nt", 2), (d / "b.nt").read_bytes().splitlines()[-1]
    (3, b'<https://w3id.org/cakg/id/imu-y1> <https://w3id.org/cakg/ontology#id> "imu-y1" .')
    """
    written = 0
    with open(target, "wb") as out:
        for k in range(copies):
            tag = b"-y%d" % k
            with open(source, "rb") as fh:
                for line in fh:
                    if k == 0:
                        out.write(line)
                        written += 1
                        continue
                    subject, _, rest = line.partition(b" ")
                    if not _RENAMED.match(subject):
                        continue  # the ontology and the sources: once
                    predicate, _, obj = rest.partition(b" ")
                    if predicate == _ID:
                        obj = _LITERAL.sub(lambda m: b'"' + m.group(1) + tag + b'"', obj, count=1)
                    elif predicate in _NAMES:
                        obj = _LITERAL.sub(lambda m: b'"' + m.group(1) + b" ~%d" % k + b'"', obj, count=1)
                    line = b" ".join((subject, predicate, obj))
                    out.write(_RENAMED.sub(lambda m: m.group(1) + m.group(2) + tag, line))
                    written += 1
    return written


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
