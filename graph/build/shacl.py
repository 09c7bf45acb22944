"""SHACL validation of the compiled graph against ``ontology/shapes.ttl``.

Violations are mapped back to the seed file and line that produced the offending node.
"""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace

from ..seeds import Origin, Problem
from ..settings import Settings
from ..vocab import CAKG, local_id

SH = Namespace("http://www.w3.org/ns/shacl#")


def load_shapes(directory: Path | None = None) -> Graph:
    return Graph().parse((directory or Settings().ontology_dir) / "shapes.ttl", format="turtle")


def _origin(g: Graph, node) -> Origin | None:
    for candidate in (node, *g.subjects(CAKG.citation, node), *g.subjects(CAKG.object, node)):
        file, line = g.value(candidate, CAKG.seedFile), g.value(candidate, CAKG.seedLine)
        if file is not None:
            return Origin(str(file), int(line))
    return None


def shacl_problems(data: Graph, shapes: Graph | None = None) -> list[Problem]:
    """Validate ``data`` (which must include the ontology, for class hierarchies) and return one
    :class:`Problem` per violation."""
    merged = data
    conforms, report, _ = shacl_validate(merged, shacl_graph=shapes or load_shapes(), inference="none",
                                         advanced=False, allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage) or "violates a SHACL shape"
        path = report.value(result, SH.resultPath)
        where = f" [{local_id(str(path))}]" if path is not None else ""
        problems.append(Problem(_origin(merged, focus), f"SHACL: {message}{where} on {local_id(str(focus))}"))
    return problems
