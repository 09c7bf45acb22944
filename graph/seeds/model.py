"""The seed data model: sources, entities, claims (with citations and figures), and the
problems a check reports with the file and line they come from.

>>> Citation("soliev-pantucci-2022", 24, 26, "656").locator
'lines 24-26, footnote 656'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import PartialDate
from ..timeline import Dated

# ---------------------------------------------------------------------------- problems


@dataclass(frozen=True, order=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    origin: Origin | None
    message: str
    claim_id: str | None = None

    def __str__(self) -> str:
        where = str(self.origin) if self.origin else "seeds"
        what = f" (claim {self.claim_id})" if self.claim_id else ""
        return f"{where}: {self.message}{what}"


class SeedError(Exception):
    """Raised with every problem found in the seeds."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.origin or Origin("", 0), p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------------------- model


@dataclass
class Source:
    id: str
    file: str
    title: str
    author: str | None
    publisher: str | None
    date: PartialDate
    circa: bool
    note: str | None
    origin: Origin
    title_at: str | None = None  # locator of the full title where the catalogue gives a short one
    covers: tuple[PartialDate, PartialDate] | None = None  # the period the source describes
    part_of: str | None = None   # the document a chapter belongs to
    lines: tuple[int, int] | None = None  # a chapter's lines in its document's file
    cite_as: str | None = None   # the short name citations use, where author and year do not make one

    @property
    def covers_text(self) -> str | None:
        if self.covers is None:
            return None
        a, b = self.covers
        return str(a) if a == b else f"{a}-{b}"


@dataclass
class Entity:
    id: str
    kind: str
    label: str
    aliases: list[tuple[str, str]]  # (text, language tag)
    subtype: str | None
    note: str | None
    origin: Origin
    mentioned_as: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.label] + [text for text, _ in self.aliases]

    @property
    def textual_names(self) -> list[str]:
        """Names a source text may use: label, aliases, a person's surname, and the
        descriptive phrases of ``mentioned_as`` (for things the texts describe but do not name)."""
        names = self.names + self.mentioned_as
        if self.kind == "person" and " " in self.label and len(self.label.split()[-1]) >= 5:
            names.append(self.label.split()[-1])
        return names


@dataclass(frozen=True)
class Citation:
    document: str
    first: int
    last: int
    footnote: str | None = None

    @property
    def locator(self) -> str:
        lines = f"line {self.first}" if self.first == self.last else f"lines {self.first}-{self.last}"
        return lines + (f", footnote {self.footnote}" if self.footnote else "")


@dataclass
class Quantity:
    """A figure as the text gives it: ``value`` as printed (the first number of a range), how it is
    given (``approx``, a name of ``vocabulary.ttl``), and the bounds that follow from that: a lower
    bound ``minimum`` and an upper bound ``maximum`` (``None`` where the text sets none). An
    approximate figure (about 400) has neither, only its ``tolerance``.

    >>> Quantity(4000, None, 4000, "up_to", "citizens").bounds()
    (0.0, 4000)
    >>> Quantity(400, None, None, "about", None, tolerance=0.2).bounds()
    (320.0, 480.0)
    """

    value: float
    minimum: float | None
    maximum: float | None
    approx: str
    unit: str | None
    tolerance: float = 0.0

    def bounds(self) -> tuple[float, float]:
        """The interval of values the figure admits, used to find incompatible figures."""
        if self.minimum is None and self.maximum is None:
            return (self.value * (1 - self.tolerance), self.value * (1 + self.tolerance))
        return (self.minimum if self.minimum is not None else 0.0,
                self.maximum if self.maximum is not None else float("inf"))


@dataclass
class Claim:
    id: str
    subject: str
    relation: str
    object: str | None
    quantity: Quantity | None
    start: PartialDate | None
    end: PartialDate | None
    as_of: PartialDate | None       # as the text gives it (None when the text gives no date)
    circa: bool
    citations: list[Citation]
    qualifiers: list[str]
    claimed_by: str | None
    reported_by: str | None
    role: str | None
    scope: list[str]
    note: str | None
    disputes: list[str]
    origin: Origin
    explicit_id: bool = False
    dated: Dated | None = None      # the claim as the time rule dates it (set by the reader)
    cue_exempt: str | None = None   # why the cited lines need not carry a cue word of the relation
    from_set: dict[str, str] = field(default_factory=dict)  # side (subject/object) -> the set it stands for
    joint_with: list[str] = field(default_factory=list)  # for a figure: the others it is shared with

    @property
    def documents(self) -> list[str]:
        return sorted({c.document for c in self.citations})


@dataclass
class EntitySet:
    """A named set of entities a text speaks of as one ("the Central Asian states"): a claim with
    the set as subject or object stands for one claim per member, cited once."""

    id: str
    label: str
    members: list[str]
    mentioned_as: list[str]
    origin: Origin

    @property
    def textual_names(self) -> list[str]:
        return [self.label, *self.mentioned_as]


@dataclass
class Dataset:
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    sets: dict[str, EntitySet] = field(default_factory=dict)

    def claims_of(self, entity_id: str) -> list[Claim]:
        return [c for c in self.claims.values() if entity_id in (c.subject, c.object)]
