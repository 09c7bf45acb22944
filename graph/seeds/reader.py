"""Read and check the curated seed files (``seeds/``; format in ``seeds/README.md``).

Every problem is reported with the file and line it comes from, and all problems of a run are
collected before failing, so a curator sees the whole list at once.

>>> from graph.seeds.reader import parse_locator
>>> parse_locator("soliev-pantucci-2022:24-26")
('soliev-pantucci-2022', 24, 26)
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from ..dates import PartialDate, parse_date
from ..ontology import Schema
from ..text import fold
from ..timeline import Dated, Period, date_claim
from .model import Citation, Claim, Dataset, Entity, EntitySet, Origin, Problem, Quantity, SeedError, Source

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CLAIM_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")  # derived ids carry camelCase relation names
LOCATOR = re.compile(r"^\s*([a-z0-9][a-z0-9-]*)\s*:\s*(\d+)(?:\s*-\s*(\d+))?\s*$")
ENTITY_KEYS = {"id", "kind", "label", "aliases", "subtype", "note", "mentioned_as"}
CLAIM_KEYS = {
    "id", "subject", "relation", "object", "value", "approx", "unit", "scope", "start", "end",
    "date", "as_of", "circa", "source", "footnote", "qualifiers", "claimed_by", "reported_by",
    "role", "note", "disputes", "with", "cue_exempt",
}
SET_KEYS = {"id", "label", "members", "mentioned_as", "note"}
SOURCE_KEYS = {"id", "file", "title", "title_at", "author", "publisher", "date", "circa", "note", "covers",
               "part_of", "lines", "cite_as"}


# ---------------------------------------------------------------------------- YAML with lines


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 3-4x faster


class _LineLoader(_BaseLoader):
    """A safe YAML loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = loader.construct_mapping_plain(node)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.construct_mapping_plain = lambda self, node: _BaseLoader.construct_mapping(self, node, deep=True)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    """A date as YAML reads it, or the text as written when it is no day of the calendar
    (2015-02-30), so that the date check reports it with its line instead of YAML failing."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


def _resolve(self: _LineLoader, kind, value, implicit):
    """The tag of a node, remembered per plain scalar text (a seed file repeats its ids, relation
    names and dates thousands of times)."""
    if kind is yaml.ScalarNode and implicit[0]:
        tags = self.__dict__.setdefault("_tags", {})
        tag = tags.get(value)
        if tag is None:
            tag = tags[value] = _BaseLoader.resolve(self, kind, value, implicit)
        return tag
    return _BaseLoader.resolve(self, kind, value, implicit)


_LineLoader.resolve = _resolve


class _Unusual(Exception):
    """A construct :func:`_from_events` leaves to PyYAML's own loader (explicit tags, merge keys,
    unknown aliases, several documents, unhashable keys)."""


def _from_events(loader: _LineLoader):
    """The document built straight from the parser's events: what ``yaml.load`` with
    :class:`_LineLoader` gives (mappings with their ``__line__``), without building a node tree
    first, which takes most of PyYAML's time."""
    get, anchors = loader.get_event, {}
    constructors = loader.yaml_constructors

    def value(event):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.tag not in (None, "!"):
                raise _Unusual
            tag = _resolve(loader, yaml.ScalarNode, event.value, event.implicit) if event.tag is None else _STR
            if tag == _STR:
                out = event.value
            elif tag in constructors and tag != _MERGE:
                out = constructors[tag](loader, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                                                event.style))
            else:
                raise _Unusual
        elif kind is yaml.MappingStartEvent:
            if event.tag not in (None, "!"):
                raise _Unusual
            out = {}
            if event.anchor is not None:
                anchors[event.anchor] = out
            while type(key_event := get()) is not yaml.MappingEndEvent:
                key = value(key_event)
                try:
                    out[key] = value(get())
                except TypeError:
                    raise _Unusual from None
            out["__line__"] = event.start_mark.line + 1
            return out
        elif kind is yaml.SequenceStartEvent:
            if event.tag not in (None, "!"):
                raise _Unusual
            out = []
            if event.anchor is not None:
                anchors[event.anchor] = out
            while type(item := get()) is not yaml.SequenceEndEvent:
                out.append(value(item))
            return out
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                raise _Unusual
            return anchors[event.anchor]
        else:
            raise _Unusual
        if event.anchor is not None:
            anchors[event.anchor] = out
        return out

    get()  # the stream starts
    if type(get()) is yaml.StreamEndEvent:
        return None
    document = value(get())
    get()  # the document ends
    if type(get()) is not yaml.StreamEndEvent:
        raise _Unusual
    return document


def _load(text: str):
    loader = _LineLoader(text)
    try:
        return _from_events(loader)
    except _Unusual:
        pass
    finally:
        loader.dispose()
    return yaml.load(text, Loader=_LineLoader)  # the rare file with tags, merges or several documents


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> dict | None:
    try:
        data = _load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(Problem(Origin(rel, line), f"YAML syntax error: {getattr(exc, 'problem', exc)}"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(Origin(rel, 1), f"file is not UTF-8: {exc}"))
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(Origin(rel, 1), "top level must be a mapping with 'entities:' and/or 'claims:'"))
        return None
    return data


def parse_locator(text: str) -> tuple[str, int, int]:
    """``doc:12`` or ``doc:12-15`` -> (doc, first, last); raises ValueError."""
    m = LOCATOR.match(str(text))
    if not m:
        raise ValueError(f"source {text!r} is not 'document-id:LINE' or 'document-id:FIRST-LAST'")
    doc, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
    if first < 1 or last < first:
        raise ValueError(f"source {text!r} has an empty or reversed line range")
    return doc, first, last


# ---------------------------------------------------------------------------- loading


class _Reader:
    def __init__(self, seeds: Path, schema: Schema):
        self.seeds = seeds
        self.schema = schema
        self.problems: list[Problem] = []
        self.data = Dataset()
        self._raw_claims: list[tuple[dict, Origin]] = []
        self._raw_sets: list[tuple[Any, str]] = []

    # -- helpers
    def problem(self, origin: Origin, message: str, claim_id: str | None = None) -> None:
        self.problems.append(Problem(origin, message, claim_id))

    def _unknown_keys(self, item: dict, allowed: set[str], origin: Origin, what: str) -> None:
        for key in sorted(set(item) - allowed - {"__line__"}, key=str):
            if item[key] is None:
                self.problem(origin, f"stray text '{key}' in {what}: a comma inside an unquoted value of a "
                                     "{...} mapping ends the value; put the text in quotes")
            else:
                self.problem(origin, f"unknown field '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")

    def _date(self, item: dict, key: str, origin: Origin, cid: str | None = None) -> PartialDate | None:
        if item.get(key) is None:
            return None
        try:
            return parse_date(item[key])
        except ValueError as exc:
            self.problem(origin, f"bad {key}: {exc}", cid)
            return None

    # -- files
    def read(self) -> Dataset:
        rel = lambda p: str(p.relative_to(self.seeds.parent)) if self.seeds.parent in p.parents else str(p)
        catalogue = self.seeds / "sources.yaml"
        if not catalogue.exists():
            self.problem(Origin(rel(catalogue), 1), "missing source catalogue sources.yaml")
        else:
            data = _read_yaml(catalogue, rel(catalogue), self.problems) or {}
            for item in data.get("sources", []) or []:
                self._source(item, rel(catalogue))
        files = sorted(self.seeds.glob("entities/**/*.yaml")) + sorted(self.seeds.glob("claims/**/*.yaml"))
        for path in files:
            data = _read_yaml(path, rel(path), self.problems)
            if data is None:
                continue
            for key in sorted(set(data) - {"entities", "claims", "sets", "__line__"}):
                self.problem(Origin(rel(path), data.get("__line__", 1)),
                             f"unknown top-level key '{key}' (expected 'entities', 'sets' or 'claims')")
            for item in data.get("entities") or []:
                self._entity(item, rel(path))
            for item in data.get("sets") or []:
                self._raw_sets.append((item, rel(path)))
            for item in data.get("claims") or []:
                if not isinstance(item, dict):
                    self.problem(Origin(rel(path), 1), f"claim {item!r} is not a mapping")
                    continue
                self._raw_claims.append((item, Origin(rel(path), item["__line__"])))
        self._check_names()
        for item, file in self._raw_sets:
            self._set(item, file)
        for item, origin in self._raw_claims:
            for expanded, sides in self._expand(item, origin):
                self._claim(expanded, origin, sides)
        self._check_claims()
        return self.data

    def _source(self, item: dict, file: str) -> None:
        origin = Origin(file, item.get("__line__", 1))
        self._unknown_keys(item, SOURCE_KEYS, origin, "source")
        sid = item.get("id")
        if not isinstance(sid, str) or not ID_PATTERN.match(sid):
            self.problem(origin, f"source id {sid!r} must be a lowercase slug")
            return
        if sid in self.data.sources:
            self.problem(origin, f"duplicate source id '{sid}' (first at {self.data.sources[sid].origin})")
            return
        parent = self.data.sources.get(item.get("part_of")) if item.get("part_of") else None
        if item.get("part_of") and parent is None:
            self.problem(origin, f"source '{sid}' is part of unknown source {item.get('part_of')!r} "
                                 "(list the volume before its chapters)")
            return
        for required in ("file", "title", "date"):
            if not item.get(required) and not (parent and required != "title"):
                self.problem(origin, f"source '{sid}' needs '{required}'")
        date = self._date(item, "date", origin) if item.get("date") else (parent.date if parent else None)
        if not (item.get("file") or parent) or not item.get("title") or date is None:
            return
        title_at = item.get("title_at")
        if title_at is not None:
            try:
                parse_locator(title_at)
            except ValueError as exc:
                self.problem(origin, f"title_at: {exc}")
                return
        covers = self._covers(item, origin, sid)
        lines = None
        if parent is not None:
            raw = item.get("lines")
            if (not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in raw)
                    or not 1 <= raw[0] <= raw[1]):
                self.problem(origin, f"chapter '{sid}' needs lines: [first, last] of {parent.id}'s file")
                return
            lines = (raw[0], raw[1])
        elif item.get("lines") is not None:
            self.problem(origin, f"source '{sid}' gives lines but is part of nothing (add part_of)")
            return
        self.data.sources[sid] = Source(
            sid, str(item.get("file") or parent.file), str(item["title"]), item.get("author"),
            item.get("publisher") or (parent.publisher if parent else None), date,
            bool(item.get("circa", parent.circa if parent else False)), item.get("note"), origin,
            str(title_at) if title_at else None, covers or (parent.covers if parent else None),
            parent.id if parent else None, lines, str(item["cite_as"]) if item.get("cite_as") else None)

    def _covers(self, item: dict, origin: Origin, sid: str) -> tuple[PartialDate, PartialDate] | None:
        raw = item.get("covers")
        if raw is None:
            return None
        parts = raw if isinstance(raw, list) else str(raw).split("-", 1) if re.match(r"^\d{4}-\d{4}$", str(raw)) else [raw]
        try:
            dates = [parse_date(p) for p in parts]
        except ValueError as exc:
            self.problem(origin, f"source '{sid}': bad covers: {exc} (write a date or 'YYYY-YYYY')")
            return None
        if len(dates) not in (1, 2) or dates[-1].last_day() < dates[0].first_day():
            self.problem(origin, f"source '{sid}': covers {raw!r} must be a date or a range first-last")
            return None
        return (dates[0], dates[-1])

    def _chapter_of(self, doc: str, first: int, last: int) -> tuple[str | None, str | None]:
        """The source a citation of ``doc``'s lines points at: ``doc`` itself when it has no
        chapters, else the one chapter holding the lines (or a problem)."""
        source = self.data.sources[doc]
        if source.lines is not None:  # a chapter cited by its own id: the lines must be in it
            a, b = source.lines
            if not (a <= first and last <= b):
                return None, f"lines {first}-{last} are outside chapter '{doc}' (lines {a}-{b})"
            return doc, None
        parts = [s for s in self.data.sources.values() if s.part_of == doc]
        if not parts:
            return doc, None
        holding = [s for s in parts if s.lines[0] <= first and last <= s.lines[1]]
        if len(holding) == 1:
            return holding[0].id, None
        touched = sorted(s.id for s in parts if s.lines[0] <= last and first <= s.lines[1])
        if touched:
            return None, f"lines {first}-{last} of '{doc}' cross chapters {', '.join(touched)}: cite each chapter's lines"
        return None, f"lines {first}-{last} of '{doc}' fall in none of its chapters"

    def _entity(self, item: Any, file: str) -> None:
        if not isinstance(item, dict):
            self.problem(Origin(file, 1), f"entity {item!r} is not a mapping")
            return
        origin = Origin(file, item["__line__"])
        self._unknown_keys(item, ENTITY_KEYS, origin, "entity")
        eid, kind, label = item.get("id"), item.get("kind"), item.get("label")
        if not isinstance(eid, str) or not ID_PATTERN.match(eid):
            self.problem(origin, f"entity id {eid!r} must be a lowercase slug (letters, digits, hyphens)")
            return
        if eid in self.data.entities:
            self.problem(origin, f"duplicate entity id '{eid}' (first defined at {self.data.entities[eid].origin})")
            return
        if kind not in self.schema.kinds or kind == "source":
            allowed = ", ".join(k for k in self.schema.kinds if k != "source")
            self.problem(origin, f"entity '{eid}' has unknown kind {kind!r} (one of: {allowed})")
            return
        if not isinstance(label, str) or not label.strip():
            self.problem(origin, f"entity '{eid}' has no label")
            return
        aliases: list[tuple[str, str]] = []
        for alias in item.get("aliases") or []:
            text, lang = str(alias), "en"
            if "@" in text:
                text, lang = text.rsplit("@", 1)
            if not text.strip() or not re.match(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$", lang):
                self.problem(origin, f"entity '{eid}' has a bad alias {alias!r} (write 'text' or 'text@lang')")
                continue
            aliases.append((text.strip(), lang))
        subtype = item.get("subtype")
        mentioned = item.get("mentioned_as") or []
        mentioned = [mentioned] if isinstance(mentioned, str) else [str(m) for m in mentioned]
        self.data.entities[eid] = Entity(eid, kind, label.strip(), aliases, str(subtype) if subtype else None,
                                         item.get("note"), origin, mentioned)

    def _check_names(self) -> None:
        """The same thing under two ids shows up as two entities sharing a label or alias."""
        seen: dict[str, Entity] = {}
        for entity in self.data.entities.values():
            for name in dict.fromkeys(fold(n) for n in entity.names):
                other = seen.get(name)
                if other is not None and other.id != entity.id:
                    self.problem(entity.origin, f"entity '{entity.id}' shares the name '{name}' with '{other.id}' "
                                                f"({other.origin}): the same thing under two ids? Merge them or drop the alias")
                else:
                    seen[name] = entity

    def _set(self, item: Any, file: str) -> None:
        if not isinstance(item, dict):
            self.problem(Origin(file, 1), f"set {item!r} is not a mapping")
            return
        origin = Origin(file, item["__line__"])
        self._unknown_keys(item, SET_KEYS, origin, "set")
        sid, label, members = item.get("id"), item.get("label"), item.get("members")
        if not isinstance(sid, str) or not ID_PATTERN.match(sid):
            self.problem(origin, f"set id {sid!r} must be a lowercase slug")
            return
        if sid in self.data.entities or sid in self.data.sets:
            first = self.data.entities.get(sid) or self.data.sets.get(sid)
            self.problem(origin, f"set id '{sid}' is already used (at {first.origin})")
            return
        if not isinstance(label, str) or not label.strip():
            self.problem(origin, f"set '{sid}' has no label")
            return
        if not isinstance(members, list) or len(members) < 2:
            self.problem(origin, f"set '{sid}' needs members: a list of two or more entity ids")
            return
        unknown = [m for m in members if m not in self.data.entities]
        if unknown:
            self.problem(origin, f"set '{sid}' has unknown members: {', '.join(map(str, unknown))}")
            return
        mentioned = item.get("mentioned_as") or []
        mentioned = [mentioned] if isinstance(mentioned, str) else [str(m) for m in mentioned]
        self.data.sets[sid] = EntitySet(sid, label.strip(), list(dict.fromkeys(members)), mentioned, origin)

    def _expand(self, item: dict, origin: Origin) -> list[tuple[dict, dict[str, str]]]:
        """A claim whose subject or object is a set stands for one claim per member (a figure
        never: a figure of several is one joint figure, written with ``with:``)."""
        sides = {side: item[side] for side in ("subject", "object") if isinstance(item.get(side), str)
                 and item[side] in self.data.sets}
        if not sides:
            return [(item, {})]
        if "value" in item:
            self.problem(origin, f"a figure of the set '{next(iter(sides.values()))}' is one figure of them together: "
                                 "write its subject as one member and the others with 'with:'", item.get("id"))
            return []
        out = []
        for side, set_id in sides.items():
            for member in self.data.sets[set_id].members:
                copy = {**item, side: member}
                if item.get("id"):
                    copy["id"] = f"{item['id']}-{member}"
                out.append((copy, {side: set_id}))
        return out

    def _ref(self, value: Any, field_name: str, origin: Origin, cid: str | None) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in self.data.entities:
            self.problem(origin, f"{field_name} refers to unknown entity {value!r}", cid)
            return None
        return value

    def _claim(self, item: dict, origin: Origin, from_set: dict[str, str] | None = None) -> None:
        given_id = item.get("id")
        label = given_id if isinstance(given_id, str) else None
        problems_before = len(self.problems)
        self._unknown_keys(item, CLAIM_KEYS, origin, "claim")
        rel_name = item.get("relation")
        relation = self.schema.relations.get(rel_name) if isinstance(rel_name, str) else None
        if relation is None:
            near = [r for r in self.schema.relations if str(rel_name).lower() in r.lower()] if rel_name else []
            hint = f" (did you mean {', '.join(near[:3])}?)" if near else " (see 'cakg validate --relations')"
            self.problem(origin, f"unknown relation {rel_name!r}{hint}", label)
        subject = self._ref(item.get("subject"), "subject", origin, label) if item.get("subject") is not None else None
        if item.get("subject") is None:
            self.problem(origin, "claim has no subject", label)
        obj, quantity = None, None
        if relation is not None and relation.is_quantity:
            if "object" in item:
                self.problem(origin, f"relation '{relation.name}' takes a figure: write 'value:', not 'object:'", label)
            quantity = self._quantity(item, origin, label)
        else:
            if "value" in item:
                self.problem(origin, "'value:' is only for figure relations (fighterCount, returneeCount, ...)", label)
            if item.get("object") is None:
                self.problem(origin, "claim has no object", label)
            else:
                obj = self._ref(item.get("object"), "object", origin, label)
        if relation is not None:
            for side, eid in (("subject", subject), ("object", obj)):
                if eid is not None:
                    kind = self.data.entities[eid].kind
                    if not relation.allows(side, kind):
                        allowed = relation.subject_kinds if side == "subject" else relation.object_kinds
                        self.problem(origin, f"relation '{relation.name}' does not take a {kind} ('{eid}') as {side} "
                                             f"(allowed: {', '.join(sorted(allowed))})", label)
        # time
        start, end = self._date(item, "start", origin, label), self._date(item, "end", origin, label)
        as_of = self._date(item, "as_of", origin, label)
        if item.get("date") is not None:
            if item.get("start") is not None or item.get("end") is not None:
                self.problem(origin, "give either 'date' or 'start'/'end', not both", label)
            start = self._date(item, "date", origin, label)
            # a one-off act happens on its date; a lasting tie (a ban, a membership) begins on it
            end = start if relation is None or relation.instantaneous or relation.is_quantity else None
        if start and end and end.last_day() < start.first_day():
            self.problem(origin, f"end {end} is before start {start}", label)
        circa = item.get("circa", False)
        if not isinstance(circa, bool):
            self.problem(origin, "circa must be true or false", label)
        # sources
        citations: list[Citation] = []
        raw_sources = item.get("source")
        if raw_sources is None or raw_sources == []:
            self.problem(origin, "claim has no source (write source: document-id:LINE)", label)
            raw_sources = []
        footnote = item.get("footnote")
        for raw in raw_sources if isinstance(raw_sources, list) else [raw_sources]:
            try:
                doc, first, last = parse_locator(raw)
            except ValueError as exc:
                self.problem(origin, str(exc), label)
                continue
            if doc not in self.data.sources:
                self.problem(origin, f"source cites unknown document '{doc}' (add it to seeds/sources.yaml)", label)
                continue
            doc, wrong = self._chapter_of(doc, first, last)
            if wrong:
                self.problem(origin, wrong, label)
                continue
            citations.append(Citation(doc, first, last, str(footnote) if footnote is not None else None))
        qualifiers = item.get("qualifiers") or []
        if isinstance(qualifiers, str):
            qualifiers = [qualifiers]
        for q in qualifiers:
            if q not in self.schema.qualifiers:
                self.problem(origin, f"unknown qualifier {q!r} (one of: {', '.join(self.schema.qualifiers)})", label)
        scope = item.get("scope") or []
        scope = [scope] if isinstance(scope, str) else list(scope)
        scope = [s for s in (self._ref(s, "scope", origin, label) for s in scope) if s]
        claimed_by = self._ref(item.get("claimed_by"), "claimed_by", origin, label)
        reported_by = self._ref(item.get("reported_by"), "reported_by", origin, label)
        disputes = item.get("disputes") or []
        disputes = [disputes] if isinstance(disputes, str) else list(disputes)
        joint = item.get("with") or []
        joint = [joint] if isinstance(joint, str) else list(joint)
        if joint and not (relation is not None and relation.is_quantity):
            self.problem(origin, "'with:' names the others a figure is shared with: only for figure relations", label)
        joint_with = [e for e in (self._ref(j, "with", origin, label) for j in joint) if e]
        cue_exempt = item.get("cue_exempt")
        if cue_exempt is not None and (not isinstance(cue_exempt, str) or len(cue_exempt.strip()) < 10):
            self.problem(origin, "cue_exempt: give the reason in words (why the cited lines carry no cue word of the "
                                 "relation)", label)
        if len(self.problems) > problems_before or subject is None or relation is None:
            return
        if given_id is not None and (not isinstance(given_id, str) or not CLAIM_ID_PATTERN.match(given_id)):
            self.problem(origin, f"claim id {given_id!r} must be letters, digits and hyphens")
            return
        published = self.data.sources[citations[0].document].date
        undated = start is None and end is None and as_of is None
        cid = given_id or _derive_claim_id(subject, relation.name, obj, quantity, start, end,
                                           published if undated else as_of, citations)
        if cid in self.data.claims:
            first = self.data.claims[cid]
            self.problem(origin, f"duplicate claim: same subject, relation, object, time and document as {first.origin}; "
                                 "merge them (list both sources) or give one an explicit 'id'", cid)
            return
        self.data.claims[cid] = Claim(
            id=cid, subject=subject, relation=relation.name, object=obj, quantity=quantity,
            start=start, end=end, as_of=as_of, circa=bool(circa),
            citations=citations, qualifiers=list(qualifiers), claimed_by=claimed_by, reported_by=reported_by,
            role=str(item["role"]) if item.get("role") else None, scope=scope,
            note=item.get("note"), disputes=disputes, origin=origin, explicit_id=given_id is not None,
            joint_with=joint_with, cue_exempt=cue_exempt.strip() if isinstance(cue_exempt, str) else None,
            from_set=dict(from_set or {}),
        )
        self.data.claims[cid].dated = self._dating(self.data.claims[cid])

    def _dating(self, claim: Claim) -> Dated:
        """The claim as the time rule dates it: by its text, else by the period its sources
        describe (all of them), else by the first source's publication date."""
        cited = [self.data.sources[c.document] for c in claim.citations]
        periods = [s.covers for s in cited if s.covers]
        source_period = Period(min(a.first_day() for a, _ in periods), max(b.last_day() for _, b in periods)) if periods else None
        names = [self.schema.qualifiers[q] for q in claim.qualifiers]
        return date_claim(claim.id, claim.subject, claim.relation, claim.object, start=claim.start, end=claim.end,
                          as_of=claim.as_of, source_period=source_period, published=cited[0].date,
                          factual=all(q.factual for q in names), former=any(q.ends_before_source_period for q in names))

    def _quantity(self, item: dict, origin: Origin, cid: str | None) -> Quantity | None:
        raw = item.get("value")
        numbers: list[float] = []
        for v in raw if isinstance(raw, list) else [raw]:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.problem(origin, f"figure value {raw!r} must be a number or [min, max]", cid)
                return None
            numbers.append(float(v))
        if len(numbers) not in (1, 2):
            self.problem(origin, f"figure value {raw!r} must be a number or [min, max]", cid)
            return None
        if len(numbers) == 2 and numbers[1] < numbers[0]:
            self.problem(origin, f"figure range {raw!r} has max below min", cid)
            return None
        name = item.get("approx", "range" if len(numbers) == 2 else "exact")
        approx = self.schema.approximations.get(name) if isinstance(name, str) else None
        if approx is None:
            self.problem(origin, f"approx {name!r} must be one of {', '.join(self.schema.approximations)}", cid)
            return None
        if (approx.bound == "range") != (len(numbers) == 2):
            self.problem(origin, f"approx {name!r} takes {'[min, max]' if approx.bound == 'range' else 'one number'}, "
                                 f"not {raw!r}", cid)
            return None
        value = numbers[0]
        minimum, maximum = {"point": (value, value), "approximate": (None, None), "lower": (value, None),
                            "upper": (None, value), "range": (numbers[0], numbers[-1])}[approx.bound]
        unit = item.get("unit")
        return Quantity(value, minimum, maximum, approx.name, str(unit) if unit else None, approx.tolerance)

    def _check_claims(self) -> None:
        for claim in self.data.claims.values():
            for other in claim.disputes:
                if other not in self.data.claims:
                    self.problem(claim.origin, f"disputes refers to unknown claim '{other}'", claim.id)
        used = Counter()
        for claim in self.data.claims.values():
            for eid in (claim.subject, claim.object, claim.claimed_by, claim.reported_by, *claim.scope, *claim.joint_with):
                if eid:
                    used[eid] += 1
        for entity in self.data.entities.values():
            if not used[entity.id]:
                self.problem(entity.origin, f"entity '{entity.id}' takes part in no claim")
        used_sets = {s for claim in self.data.claims.values() for s in claim.from_set.values()}
        for entity_set in self.data.sets.values():
            if entity_set.id not in used_sets:
                self.problem(entity_set.origin, f"set '{entity_set.id}' is used by no claim")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _derive_claim_id(subject, relation, obj, quantity, start, end, as_of, citations) -> str:
    if obj:
        what = obj
    elif quantity:
        second = f"-{quantity.maximum:g}" if quantity.minimum is not None and quantity.maximum not in (None, quantity.minimum) else ""
        what = _slug(f"{quantity.value:g}{second}")
    else:
        what = "x"
    when = str(start or as_of or "") + (f"--{end}" if end and end != start else "")
    doc = f"{citations[0].document}-l{citations[0].first}" if citations else "nosource"
    return "--".join(p for p in (subject, relation, what, _slug(when), doc) if p)


def load_seeds(seeds: Path, schema: Schema) -> Dataset:
    """Read every seed file under ``seeds``; raise :class:`SeedError` listing all problems."""
    reader = _Reader(Path(seeds).resolve(), schema)
    data = reader.read()
    if reader.problems:
        raise SeedError(reader.problems)
    return data


def group_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        out[p.origin.file if p.origin else "seeds"].append(p)
    return out
