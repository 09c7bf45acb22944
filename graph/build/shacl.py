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


def _report(data: Graph, shapes: Graph) -> Graph | None:
    conforms, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none",
                                         advanced=False, allow_warnings=True)
    return None if conforms else report


def _results(report: Graph, shapes: Graph):
    """(result, focus, path, node shape) of every violation in a pyshacl report."""
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        source = report.value(result, SH.sourceShape)
        shape = shapes.value(None, SH.property, source) or source
        yield result, report.value(result, SH.focusNode), report.value(result, SH.resultPath), shape


def violation_keys(data: Graph, shapes: Graph | None = None) -> set[tuple[str, str | None, str]]:
    """pyshacl's violations as (focus node, path, node shape) strings: the reference that
    :mod:`graph.build.shacl_sparql` is tested against."""
    shapes = shapes or load_shapes()
    report = _report(data, shapes)
    if report is None:
        return set()
    return {(str(focus), str(path) if path is not None else None, str(shape))
            for _, focus, path, shape in _results(report, shapes)}


def shacl_problems(data: Graph, shapes: Graph | None = None, *, only_shapes: set[str] | None = None) -> list[Problem]:
    """Validate ``data`` (which must include the ontology, for class hierarchies) with pyshacl and
    return one :class:`Problem` per violation (of the node shapes in ``only_shapes``, if given)."""
    shapes = shapes or load_shapes()
    report = _report(data, shapes)
    if report is None:
        return []
    problems = []
    for result, focus, path, shape in _results(report, shapes):
        if only_shapes is not None and str(shape) not in only_shapes:
            continue
        message = report.value(result, SH.resultMessage) or "violates a SHACL shape"
        where = f" [{local_id(str(path))}]" if path is not None else ""
        problems.append(Problem(_origin(data, focus), f"SHACL: {message}{where} on {local_id(str(focus))}"))
    return problems
