"""Typed JSON forms of the browser pages (so that ``/docs`` documents them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..models import EntityProfile


class NetworkFilters(BaseModel):
    focus: str | None = Field(None, description="Entity at the centre of an ego network", examples=["imu"])
    depth: int | None = Field(None, description="Steps from the focus (with focus only)", examples=[1])
    at: str | None = Field(None, description="The date the graph is shown at (YYYY or YYYY-MM)", examples=["2015"])
    types: list[str] | None = Field(None, description="Relation types shown (null: all)", examples=[["leaderOf"]])
    kinds: list[str] | None = Field(None, description="Entity kinds shown (null: all)", examples=[["group", "person"]])
    scope: str | None = Field(None, description="Without a focus: groups (the named groups' view) or all", examples=["groups"])


class RelationTypeOption(BaseModel):
    name: str = Field(examples=["leaderOf"])
    label: str = Field(examples=["leader of"])
    category: str = Field(examples=["person-group"])
    color: str = Field(examples=["#1f77b4"], description="The colour of its family")
    dashes: Any = Field(False, description="vis-network dash pattern (false: solid): tells the types of a family apart")
    dash_array: str = Field("none", description="The same pattern as an SVG stroke-dasharray")
    width: float = Field(1.6, description="Line width (with the dashes, tells the types of a family apart)")
    symmetric: bool
    shown: bool = Field(description="Whether edges of this type are in the view")


class KindOption(BaseModel):
    name: str = Field(examples=["group"])
    label: str = Field(examples=["militant group"])
    color: str = Field(examples=["#d62728"])
    shape: str = Field(examples=["dot"])
    shown: bool


class CategoryColour(BaseModel):
    name: str = Field(examples=["group-group"])
    label: str = Field("", examples=["between groups"])
    color: str = Field(examples=["#d62728"])
    in_view: int = Field(0, description="Edges of this family in the view")


class ClusterOption(BaseModel):
    kind: str = Field(examples=["territory"])
    label: str = Field(examples=["places"])
    count: int = Field(description="Nodes of this kind in the view (grouped into one cluster on the page)")


class Years(BaseModel):
    first: int = Field(examples=[2009])
    last: int = Field(examples=[2022])


class NetworkMeta(BaseModel):
    node_count: int = Field(description="Nodes (entities) in the view", examples=[30])
    edge_count: int = Field(description="Edges drawn (claims with the same ends and relation are one edge)", examples=[35])
    claim_count: int = Field(description="Claims behind the edges", examples=[37])
    physics: bool = Field(description="Whether vis-network's physics runs (off above a node count)")
    filters: NetworkFilters
    query: str = Field(description="The filters as a URL query string", examples=["at=2015&kinds=group"])
    years: Years | None = Field(None, description="Years named by the data (the time slider's range)")
    relation_types: list[RelationTypeOption]
    kinds: list[KindOption]
    categories: list[CategoryColour]
    named_groups: list[str] = Field(default_factory=list, description="The named groups in the view")
    clusters: list[ClusterOption] = Field(default_factory=list)


class NetworkView(BaseModel):
    """What the network page draws: vis-network nodes, edges and options (built with pyvis)."""

    nodes: list[dict[str, Any]] = Field(description="vis-network nodes: id, label, aliases (English), kind, shape, color, size, x, y, title")
    edges: list[dict[str, Any]] = Field(description="vis-network edges: id, from, to, relation, category, color, "
                                                    "arrows, dashes (disputed), claims, title")
    options: dict[str, Any] = Field(description="vis-network options")
    meta: NetworkMeta


class NamedGroup(BaseModel):
    acronym: str = Field(examples=["IMU"])
    id: str | None = Field(None, examples=["imu"])
    label: str | None = Field(None, examples=["Islamic Movement of Uzbekistan"])
    summary: str = Field(description="One line generated from the group's claims")
    claims: int = 0


class IndexStats(BaseModel):
    entities: int
    claims: int
    sources: int
    disputed_claims: int
    entities_by_kind: dict[str, int]


class IndexPage(BaseModel):
    groups: list[NamedGroup]
    stats: IndexStats
    links: dict[str, str]


class SummarySentence(BaseModel):
    text: str
    claims: list[str] = Field(description="The claims the sentence rests on")


class TimelineRun(BaseModel):
    status: str = Field(description="holds, presumed or act", examples=["holds"])
    start: str | None = Field(None, alias="from", serialization_alias="from")
    end: str | None = Field(None, alias="to", serialization_alias="to")

    model_config = {"populate_by_name": True}


class TimelineRow(BaseModel):
    tie: str
    label: str
    family: str
    color: str
    runs: list[TimelineRun]
    ended_on: str | None = None
    end_reason: str | None = None
    disputed: bool
    claims: list[str]
    when: str
    tooltip: str


class Timeline(BaseModel):
    first_year: int | None = None
    last_year: int | None = None
    rows: list[TimelineRow]


class SourceEntry(BaseModel):
    id: str
    anchor: str
    short: str = Field(examples=["Soliev & Pantucci 2022"])
    reference: str
    covers: str | None = None
    url: str
    volume: dict[str, str] | None = Field(None, description="The volume a chapter is in (id, anchor, short name); "
                                          "the volume has its own entry with its full reference")


class ProfilePage(EntityProfile):
    kind_label: str
    summary: list[SummarySentence] = Field(description="The summary paragraph, sentence by sentence")
    toc: list[dict[str, Any]] = Field(description="Relation families of the page, with anchors and counts")
    families: list[dict[str, Any]] = Field(description="The ties by family, with claims as the page shows them")
    timeline: Timeline
    disputes: list[dict[str, Any]] = Field(description="Disputed claims side by side")
    mentioned: list[dict[str, Any]] = Field(description="Claims that name the entity otherwise")
    sources: list[SourceEntry] = Field(description="Every source the page cites, once, with its full reference")
    links: dict[str, str] = Field(description="This page as JSON, the API form, the ego network")


class LineageLane(BaseModel):
    group: dict[str, Any] = Field(description="id and label of the group")
    first: str | None = Field(None, description="First day any of its lineage or leadership ties is attested")
    last: str | None = Field(None, description="Last day one is attested or ends")
    open: bool = Field(description="Whether one of them still holds or is presumed to")
    leaders: list[dict[str, Any]] = Field(description="Its leaderOf ties (person, days by the time rule, why each ended)")


class LineageView(BaseModel):
    """The lineage view: one lane per group, and the ties between groups as events."""

    focus: str | None = None
    depth: int | None = None
    lanes: list[LineageLane]
    index: dict[str, int] = Field(description="Lane number of each group")
    events: list[dict[str, Any]] = Field(description="Ties between groups (split, merger, origin, pledge, umbrella, "
                                                     "faction, affiliate, defection), each with its claims and sources")
    first_year: int | None = None
    last_year: int | None = None
    kinds: list[dict[str, Any]] = Field(default_factory=list, description="The kinds of event, their labels and colours")


class LineRange(BaseModel):
    first: int = Field(examples=[18])
    last: int = Field(examples=[19])


class PassageSegment(BaseModel):
    text: str
    mark: bool = Field(description="A highlighted name")


class PassageRow(BaseModel):
    number: int = Field(description="Line number in the text file", examples=[18])
    cited: bool = Field(description="One of the cited lines (else context)")
    segments: list[PassageSegment]


class PassageClaim(BaseModel):
    id: str
    relation: str
    subject: str
    object: str | None = None
    url: str


class PassageLinks(BaseModel):
    source: str
    html: str
    json_: str = Field(alias="json")
    model_config = {"populate_by_name": True}


class PassagePage(BaseModel):
    """The cited lines of a source with context (read at run time from the local text)."""

    source: str = Field(examples=["soliev-pantucci-2022"])
    title: str | None = None
    author: str | None = None
    short: str = Field(description="The short form a page cites the source by", examples=["Soliev & Pantucci 2022"])
    file: str = Field(description="The text file read (a chapter is read from its volume's file)")
    part_of: str | None = Field(None, description="The volume a chapter belongs to")
    chapter_lines: LineRange | None = Field(None, description="A chapter's lines in the volume's file")
    lines: LineRange
    context: LineRange
    total_lines: int
    names: list[str] = Field(description="The names highlighted")
    claim: PassageClaim | None = None
    found: int = Field(description="How many highlighted names the cited lines hold")
    rows: list[PassageRow]
    links: PassageLinks

    def model_dump(self, **kw):  # the links say "json", as the other pages do
        return super().model_dump(by_alias=True, **kw)
