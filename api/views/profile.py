"""The entity profile page's data, in the manner of the best entity pages (OpenSanctions, Wikidata):

* a summary paragraph generated from the ties, every sentence linking to the claims it rests on;
* a table of contents by relation family, then the ties of each family with their days by the time
  rule, their claims with every field a claim carries (who reported or claims it, where it
  applies, qualifiers, role, notes, how it is dated), one short citation form per citation linking
  to the cited lines, disputes shown side by side with both sources;
* a timeline: one row per tie, bars where it holds, faded where it is presumed, markers for one-off
  acts, disputed rows marked, citations in each bar's tooltip;
* the full reference of every source once, in a source list the citations link to.

Plain dicts, so the page has a JSON twin (``/views/entities/{id}.json``).

>>> from graph.testing import fixture_catalog
>>> p = profile_data(fixture_catalog(), "imu")
>>> p["summary"][0]["text"].startswith("Islamic Movement of Uzbekistan")
True
>>> all(s["claims"] for s in p["summary"][1:])
True
>>> [f["name"] for f in p["toc"]][:2]
['group-group', 'person-group']
"""

from __future__ import annotations

from graph.network.prose import join, span_text, when_text
from graph.read import queries
from graph.read.catalog import Catalog

from .citations import cite, source_list

#: which ties the summary names, in this order, by (relation, direction). The words are the
#: ontology's: the relation's ``rdfs:label`` (direction ``out``) or ``cakg:inverseLabel`` (``in``),
#: the titles of the profile's relation groups; a symmetric relation's two directions share one
#: label and so one sentence.
SUMMARY_PARTS = (
    ("leaderOf", "in"), ("founderOf", "in"), ("factionOf", "out"), ("memberOfCoalition", "out"),
    ("memberOfCoalition", "in"), ("affiliateOf", "out"), ("pledgedAllegianceTo", "out"), ("evolvedFrom", "out"),
    ("splitFrom", "out"), ("basedIn", "out"), ("activeIn", "out"), ("protectedBy", "out"), ("rivalOf", "out"),
    ("alliedWith", "out"), ("leaderOf", "out"), ("memberOf", "out"), ("memberOf", "in"), ("partOf", "out"),
    ("nationalOf", "out"), ("killedBy", "out"), ("arrestedBy", "out"), ("bannedIn", "out"), ("designatedBy", "out"),
)
#: at most this many sentences, the opening one included
MAX_SENTENCES = 6
MAX_NAMES = 3


def _claim_view(cat: Catalog, claim: dict, sources: dict) -> dict:
    claim["cites"] = [cite(_citation(s), sources, claim["id"]) for s in claim["sources"]]
    fields = []
    for label, key in (("reported by", "reported_by"), ("claimed by", "claimed_by")):
        if claim.get(key):
            e = cat.entity(claim[key])
            fields.append({"label": label, "entities": [{"id": claim[key], "label": e.label if e else claim[key]}]})
    for label, key in (("applies to", "scope"), ("jointly with", "joint_with")):
        if claim.get(key):
            fields.append({"label": label, "entities": [{"id": x, "label": (cat.entity(x).label if cat.entity(x) else x)}
                                                        for x in claim[key]]})
    if claim.get("qualifiers"):
        fields.append({"label": "qualifiers", "text": ", ".join(claim["qualifiers"])})
    if claim.get("role"):
        fields.append({"label": "role", "text": claim["role"]})
    fields.append({"label": "dated", "text": _dating_text(claim)})
    if claim.get("seed_file"):
        fields.append({"label": "seed", "text": f"{claim['seed_file']}:{claim['seed_line']}"})
    claim["fields"] = fields
    return claim


def _citation(s: dict):
    from graph.read.catalog import Citation

    return Citation(**s)


def _dating_text(c: dict) -> str:
    written = []
    if c.get("start") and c.get("end") and c["start"] == c["end"]:
        written.append(f"on {c['start']}")
    else:
        if c.get("start"):
            written.append(f"from {c['start']}")
        if c.get("end"):
            written.append(f"until {c['end']}")
    if c.get("as_of"):
        written.append(f"as of {c['as_of']}")
    circa = "c. " if c.get("circa") else ""
    attested = span_text(c.get("attested_from"), c.get("attested_until"))
    how = {"text": "by the text", "source-period": "by the period its source describes",
           "publication": "by its source's date"}.get(c.get("dating", ""), c.get("dating", ""))
    head = f"{circa}{' '.join(written)}; " if written else ""
    return f"{head}attested {attested} ({how})" if attested else f"{head}no attested date ({how})"


def _figure_text(q: dict | None) -> str:
    if not q:
        return ""
    approx = (q.get("approximation") or "").replace("_", " ")
    if q.get("min") is not None and q.get("max") is not None and q["min"] != q["max"]:
        number = f"{q['min']:g}–{q['max']:g}"
    else:
        number = f"{q['value']:g}"
    lead = "" if approx in ("exact", "range", "") else f"{approx} "
    return f"{lead}{number}" + (f" {q['unit']}" if q.get("unit") else "")


def _summary(profile: dict) -> list[dict]:
    """Sentences about the entity, each with the claims it rests on (ties that hold or are presumed
    at the latest date any tie of the entity is attested, else its latest ties)."""
    by_key: dict[tuple[str, str], list[dict]] = {}
    titles: dict[tuple[str, str], str] = {}
    for group in profile["relations"]:
        by_key.setdefault((group["relation"], group["direction"]), []).extend(group["ties"])
        titles[(group["relation"], group["direction"])] = group["title"]
    name = profile["label"]
    aliases = sorted((a["text"] for a in profile["aliases"]
                      if a["lang"] in ("", "en") and a["text"].isupper() and len(a["text"]) <= 6), key=len)
    lead = f"{name}{' (' + aliases[0] + ')' if aliases else ''} is a {profile['kind_label']}"
    if profile.get("subtype"):
        lead += f" ({profile['subtype']})"
    sentences = [{"text": lead + ".", "claims": []}]
    said: set[tuple[str, str]] = set()
    for relation, direction in SUMMARY_PARTS:
        if len(sentences) >= MAX_SENTENCES:
            break
        words = titles.get((relation, direction))
        if words is None or (relation, words) in said:
            continue
        said.add((relation, words))
        # the other direction under the same words (a symmetric relation): one sentence for both
        other_way = "in" if direction == "out" else "out"
        same = by_key.get((relation, other_way), []) if titles.get((relation, other_way)) == words else []
        ties = [(t, direction) for t in by_key.get((relation, direction), []) if t["factual"]]
        ties += [(t, other_way) for t in same if t["factual"]]
        if not ties:
            continue
        ties.sort(key=lambda td: (td[0]["ended_on"] is not None, td[0]["last_attested"] or ""))
        parts, claims = [], []
        for t, way in ties[:MAX_NAMES]:
            other = t["object"] if way == "out" else t["subject"]
            if other is None:
                continue
            parts.append(f"{other['label']} ({_tie_when(t)})")
            claims.extend(c["id"] for c in t["claims"])
        if not parts:
            continue
        more = f" and {len(ties) - MAX_NAMES} more" if len(ties) > MAX_NAMES else ""
        sentences.append({"text": f"{words[0].upper()}{words[1:]} {join(parts)}{more}.", "claims": claims})
    return sentences


def _tie_when(t: dict) -> str:
    rec = {"one_off": t["one_off"], "first": t["first_attested"], "last": t["last_attested"],
           "ended_on": t["ended_on"], "end_reason": t["end_reason"], "circa": any(c["circa"] for c in t["claims"]),
           "datings": sorted({c["dating"] for c in t["claims"]})}
    return when_text(rec)


def _timeline(profile: dict, families: dict) -> dict:
    """Rows of the profile's timeline: per tie, its runs (holds/presumed/ended), acts as markers."""
    rows, years = [], []
    for group in profile["relations"]:
        for t in group["ties"]:
            if not t["factual"] or (t["first_attested"] is None and t["ended_on"] is None):
                continue
            other = t["object"] if group["direction"] == "out" else t["subject"]
            label = f"{group['title']} {other['label'] if other else _figure_text(t['claims'][0].get('quantity'))}"
            # the runs the time rule gives (graph.timeline.spans): an act is a marker, an ended
            # run is shown by the end line only
            runs = [{"status": "act" if t["one_off"] else r["status"], "from": r["from"], "to": r["to"]}
                    for r in t["spans"] if r["status"] != "ended"]
            for r in runs:
                for d in (r["from"], r["to"]):
                    if d:
                        years.append(int(d[:4]))
            if t["ended_on"]:
                years.append(int(t["ended_on"][:4]))
            cites = sorted({c2["short"] for c in t["claims"] for c2 in c["cites"]})
            rows.append({"tie": t["key"], "label": label, "family": group["category"],
                         "color": families.get(group["category"], {}).get("color", "#555555"),
                         "runs": runs, "ended_on": t["ended_on"], "end_reason": t["end_reason"],
                         "disputed": t["disputed"], "claims": [c["id"] for c in t["claims"]],
                         "when": _tie_when(t), "tooltip": f"{label}: {_tie_when(t)}" + (" · disputed" if t["disputed"] else "")
                         + ("\n" + "; ".join(cites) if cites else "")})
    rows.sort(key=lambda r: (min((x["from"] or "0000") for x in r["runs"]) if r["runs"] else "9999", r["label"]))
    first = min(years) if years else None
    last = max(years) if years else None
    if last is not None:
        last = max(last, first + 1)
    return {"first_year": first, "last_year": last, "rows": rows}


def _dispute_link(other_id: str, on_page: dict, disputes: list[dict]) -> dict:
    """The other side of a dispute, by label, linking to its claim on this page or else to its
    side in the Disputes section (raw claim ids only as the element's ``data-claim``)."""
    sides = {s["id"]: s for d in disputes for s in (d["a"], d["b"])}
    other = on_page.get(other_id) or sides.get(other_id)
    if other is None:
        return {"id": other_id, "label": "another claim", "anchor": "disputes"}
    what = other["object"]["label"] if other.get("object") else other.get("figure") or ""
    label = f"{other['subject']['label']} {other.get('relation_label', '')} {what}".strip()
    anchor = f"claim-{other_id}" if other_id in on_page else f"side-{other_id}"
    return {"id": other_id, "label": label, "anchor": anchor}


def timeline_chart_of(profile: dict) -> dict | None:
    """The hook the profile page calls for its timeline (``_timeline.html``): the SVG boxes of
    ``profile["timeline"]`` (:func:`api.views.charts.timeline_chart`), ``None`` when nothing is dated."""
    from .charts import timeline_chart

    return timeline_chart(profile["timeline"])


def profile_data(cat: Catalog, entity_id: str) -> dict | None:
    """Everything the profile page shows (see the module docstring), or ``None``."""
    profile = queries.entity_profile(cat, entity_id)
    if profile is None:
        return None
    sources = cat.sources()
    families = cat.families()
    profile["kind_label"] = cat.kinds().get(profile["kind"], {}).get("label", profile["kind"])
    documents: list[str] = []
    claims_by_id: dict[str, dict] = {}
    for group in profile["relations"]:
        for t in group["ties"]:
            t["other"] = t["object"] if group["direction"] == "out" else t["subject"]
            t["when"] = _tie_when(t)
            t["figure"] = _figure_text(t["claims"][0].get("quantity")) if t["claims"] and t["object"] is None else ""
            for c in t["claims"]:
                _claim_view(cat, c, sources)
                c["figure"] = _figure_text(c.get("quantity"))
                claims_by_id[c["id"]] = c
                documents.extend(s["document"] for s in c["sources"])
    mentioned = []
    for cid in profile["mentioned_in_claims"]:
        c = cat.claim(cid)
        if c is not None:
            view = _claim_view(cat, queries.claim_json(cat, c), sources)
            view["figure"] = _figure_text(view.get("quantity"))
            mentioned.append(view)
            documents.extend(s["document"] for s in view["sources"])
    disputes = []
    seen = set()
    for c in claims_by_id.values():
        for other_id in c["disputed_by"]:
            key = tuple(sorted((c["id"], other_id)))
            if key in seen:
                continue
            seen.add(key)
            other = claims_by_id.get(other_id)
            if other is None:
                record = cat.claim(other_id)
                if record is None:
                    continue
                other = _claim_view(cat, queries.claim_json(cat, record), sources)
                other["figure"] = _figure_text(other.get("quantity"))
                documents.extend(s["document"] for s in other["sources"])
            a, b = (c, other) if c["id"] == key[0] else (other, c)
            disputes.append({"a": a, "b": b})
    for c in claims_by_id.values():
        c["disputed_with"] = [_dispute_link(d, claims_by_id, disputes) for d in c["disputed_by"]]
    toc, fams = [], {}
    for group in profile["relations"]:
        fam = fams.setdefault(group["category"], {
            "name": group["category"], "label": families.get(group["category"], {}).get("label", group["category"]),
            "color": families.get(group["category"], {}).get("color", "#555555"),
            "anchor": f"family-{group['category']}", "groups": [], "count": 0})
        fam["groups"].append(group)
        fam["count"] += len(group["ties"])
    order = list(families)
    ordered = sorted(fams.values(), key=lambda f: order.index(f["name"]) if f["name"] in order else 99)
    toc = [{"name": f["name"], "label": f["label"], "anchor": f["anchor"], "count": f["count"]} for f in ordered]
    profile.update(
        summary=_summary(profile), toc=toc, families=ordered, timeline=_timeline(profile, families),
        disputes=disputes, mentioned=mentioned, sources=source_list(documents, sources),
        links={"json": f"/views/entities/{entity_id}.json", "api": f"/entities/{entity_id}",
               "network": f"/views/network?focus={entity_id}&depth=1"})
    return profile

