"""Typed response models: what every JSON route returns, so that ``/docs`` documents it.

The shapes mirror the dicts of :mod:`graph.read.queries` (the routes validate those dicts against
these models). Field examples come from the fixture graph.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: what went wrong, and where."""

    error: str = Field(description="Short machine-readable kind of error", examples=["not_found"])
    message: str = Field(description="What was wrong, in words", examples=["no entity with id 'nope'"])
    parameter: str | None = Field(None, description="The request parameter at fault, if any", examples=["at"])
    line: int | None = Field(None, description="For SPARQL syntax errors: line of the error (1-based)")
    column: int | None = Field(None, description="For SPARQL syntax errors: column of the error (1-based)")


class Page(BaseModel, Generic[T]):
    """A page of results, Datasette-style: the total, the window, and links to move it."""

    total: int = Field(description="Number of matching items over all pages", examples=[42])
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    next: str | None = Field(None, description="URL of the next page, if any")
    previous: str | None = Field(None, description="URL of the previous page, if any")
    items: list[T]


class LangText(BaseModel):
    text: str = Field(examples=["IMU"])
    lang: str = Field(examples=["en"], description="BCP 47 language tag ('' if none)")


class EntityRef(BaseModel):
    id: str = Field(examples=["taliban"])
    label: str | None = Field(None, examples=["Taliban"])
    kind: str | None = Field(None, examples=["group"])


class EntitySummary(BaseModel):
    id: str = Field(examples=["imu"])
    iri: str = Field(examples=["https://w3id.org/cakg/id/imu"])
    kind: str = Field(examples=["group"])
    subtype: str | None = Field(None, examples=["faction"])
    label: str = Field(examples=["Islamic Movement of Uzbekistan"])
    claims: int | None = Field(None, description="Number of claims the entity takes part in", examples=[7])


class SearchHit(EntitySummary):
    matched: str = Field(description="The label or alias that matched", examples=["IMU"])
    score: int = Field(description="Higher is better: 100 exact name, 80 prefix, 60 all words, 40 inside", examples=[100])


class Quantity(BaseModel):
    value: float = Field(examples=[100])
    min: float | None = Field(None, description="Lower bound (none for an upper bound or an approximation)", examples=[100])
    max: float | None = Field(None, description="Upper bound (none for a lower bound or an approximation)", examples=[None])
    approximation: str | None = Field(None, examples=["about"])
    unit: str | None = Field(None, examples=["fighters"])


class SourceCitation(BaseModel):
    document: str = Field(description="Source id (for the conference volume: the chapter's)", examples=["soliev-pantucci-2022"])
    title: str | None = Field(None, examples=["Central Asia (annual threat assessment for 2021)"])
    author: str | None = Field(None, examples=["Nodirbek Soliev; Raffaello Pantucci"])
    date: str | None = Field(None, examples=["2022-02-27"])
    locator: str | None = Field(None, examples=["line 18"])
    line_start: int | None = Field(None, examples=[18])
    line_end: int | None = Field(None, examples=[18])
    footnote: str | None = Field(None, examples=["660"])
    part_of: str | None = Field(None, description="The volume a chapter belongs to", examples=["osce-2019"])


Status = Literal["holds", "presumed", "ended"]


class Claim(BaseModel):
    """One sourced claim: subject, relation, object (or a figure), when (as written and as the time
    rule attests it), how sure, from where."""

    id: str = Field(examples=["imu--protectedBy--taliban--2021--soliev-pantucci-2022-l18"])
    iri: str
    relation: str = Field(examples=["protectedBy"])
    relation_label: str = Field(examples=["protected by"])
    category: str = Field("", description="The relation's family", examples=["group-group"])
    subject: EntityRef
    object: EntityRef | None = Field(None, description="The other entity; null for a figure (see quantity)")
    quantity: Quantity | None = None
    start: str | None = Field(None, description="Start as the text gives it (YYYY, YYYY-MM or YYYY-MM-DD)", examples=["2009"])
    start_precision: Literal["year", "month", "day"] | None = None
    end: str | None = Field(None, examples=["2015"])
    end_precision: Literal["year", "month", "day"] | None = None
    as_of: str | None = Field(None, description="The text says it held at this date", examples=["2021"])
    as_of_precision: Literal["year", "month", "day"] | None = None
    attested_from: str | None = Field(None, description="First day the claim attests its tie (time rule)", examples=["2021-01-01"])
    attested_until: str | None = Field(None, description="Last day the claim attests its tie", examples=["2021-12-31"])
    dating: str = Field(description="text (the text dates it), source-period (the period its source describes) or "
                                    "publication (the source's date)", examples=["text"])
    circa: bool
    qualifiers: list[str] = Field(examples=[["reportedly"]])
    role: str | None = None
    note: str | None = None
    claimed_by: str | None = None
    reported_by: str | None = None
    scope: list[str] = []
    joint_with: list[str] = Field([], description="For a figure: the others it is counted together with")
    disputed: bool
    disputed_by: list[str] = Field(description="Ids of the claims this one contradicts")
    sources: list[SourceCitation]
    tie: str | None = Field(None, description="Key of the tie (relation) this claim attests")
    seed_file: str | None = None
    seed_line: int | None = None
    status: Status | None = Field(None, description="Its tie's status at the date asked (null when none was)")


class Span(BaseModel):
    """One run of a tie's life: its status from one day to another (``null``: open)."""

    status: Status
    from_: str | None = Field(None, alias="from", examples=["2015-01-01"])
    to: str | None = Field(None, examples=["2016-12-31"])

    model_config = {"populate_by_name": True}


class Tie(BaseModel):
    """One relation (subject, relation, object) with the days of the time rule and its claims."""

    key: str = Field(examples=["imu--protectedBy--taliban"])
    iri: str
    relation: str = Field(examples=["protectedBy"])
    relation_label: str = Field(examples=["protected by"])
    category: str = Field(examples=["group-group"])
    subject: EntityRef
    object: EntityRef | None = None
    status: Status | None = Field(None, description="holds, presumed or ended at the date asked (null when none was)")
    first_attested: str | None = Field(None, description="First day a claim attests it", examples=["2021-01-01"])
    last_attested: str | None = Field(None, description="Last day a claim attests it", examples=["2021-12-31"])
    presumed_until: str | None = Field(None, description="Last day it is presumed to hold (null: open)")
    ended_on: str | None = Field(None, description="Last day it held or was presumed to; after it, it has ended")
    end_reason: str | None = Field(None, description="end, former, death, leaving or successor", examples=["death"])
    ended_by: str | None = Field(None, description="The claim that ends it")
    always: bool = Field(description="Timeless: holds at every date (geography, kinship)")
    one_off: bool = Field(description="A one-off act (or a figure): holds at its date only")
    factual: bool = Field(description="False for a forecast, an aim, a plan or a failed attempt: never holds")
    disputed: bool
    spans: list[Span] = Field(default_factory=list, description="Its life by the time rule: runs of holds, presumed, ended")
    claims: list[Claim] = Field(description="The claims that attest it")


class RelationGroup(BaseModel):
    relation: str = Field(examples=["leaderOf"])
    direction: Literal["out", "in"] = Field(description="out: the entity is the subject; in: the object")
    title: str = Field(description="The relation's label (out) or inverse label (in)", examples=["led by"])
    category: str = Field(examples=["person-group"])
    ties: list[Tie]


class EntityProfile(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "imu", "kind": "group"}]})

    id: str = Field(examples=["imu"])
    iri: str = Field(examples=["https://w3id.org/cakg/id/imu"])
    kind: str = Field(examples=["group"])
    subtype: str | None = None
    label: str = Field(examples=["Islamic Movement of Uzbekistan"])
    note: str | None = None
    labels: list[LangText]
    aliases: list[LangText]
    claim_count: int
    disputed_count: int
    relations: list[RelationGroup] = Field(description="Every tie in and out, grouped by relation and direction")
    mentioned_in_claims: list[str] = Field(description="Claims that name the entity as claimant, reporter, scope or partner")


class Affiliation(Tie):
    direction: Literal["out", "in"]
    title: str = Field(description="Relation label as read from this entity", examples=["protects"])
    other: EntityRef | None = Field(None, description="The entity at the other end")


class AffiliationsResponse(BaseModel):
    entity: EntitySummary
    at: str | None = Field(None, examples=["2021"])
    start: str | None = Field(None, alias="from", serialization_alias="from")
    end: str | None = Field(None, alias="to", serialization_alias="to")
    status: list[Status] = Field(description="The statuses kept (empty when no date was asked)")
    types: list[str] = Field(description="Relation types asked for (empty: all)")
    total: int
    items: list[Affiliation]

    model_config = ConfigDict(populate_by_name=True)


class DisputePair(BaseModel):
    a: Claim
    b: Claim
    reason: str = Field(description="Why the two cannot both be right", examples=["marked by the curator"])


class SourceSummary(BaseModel):
    id: str = Field(examples=["soliev-pantucci-2022"])
    iri: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    file: str | None = None
    circa: bool = False
    note: str | None = None
    covers: str | None = Field(None, description="The period the source describes", examples=["2021"])
    part_of: str | None = Field(None, description="For a chapter: the volume", examples=["osce-2019"])
    line_start: int | None = Field(None, description="For a chapter: its first line in the volume's text")
    line_end: int | None = None
    cite_as: str | None = Field(None, description="The short name citations use, where the catalogue gives one")
    claims: int = Field(description="Number of claims citing it")


class SourceDetail(SourceSummary):
    chapters: list[SourceSummary] = []
    cited_by: list[Claim]


class ChangedType(BaseModel):
    dyad: list[str]
    labels: list[str]
    before: list[str]
    after: list[str]


class FormedTie(Tie):
    how: Literal["began", "first attested"]


class Changes(BaseModel):
    start: str = Field(alias="from", serialization_alias="from")
    end: str = Field(alias="to", serialization_alias="to")
    formed: list[FormedTie]
    ended: list[Tie]
    acts: list[Tie]
    changed_type: list[ChangedType]
    newly_disputed: list[DisputePair]
    counts: dict[str, int]

    model_config = ConfigDict(populate_by_name=True)


class RelationType(BaseModel):
    name: str = Field(examples=["protectedBy"])
    iri: str
    label: str = Field(examples=["protected by"])
    inverse_label: str = Field(examples=["protects"])
    category: str = Field(examples=["group-group"])
    definition: str = ""
    subject_kinds: list[str]
    object_kinds: list[str]
    symmetric: bool
    instantaneous: bool
    single_valued: bool
    timeless: bool = False


class Stats(BaseModel):
    triples: int
    entities: int
    entities_by_kind: dict[str, int]
    claims: int
    claims_by_relation: dict[str, int]
    ties: int
    aliases: int
    disputed_claims: int
    sources: int
