"""SHACL shapes compiled to SPARQL, run by pyoxigraph over the staging store.

Each constraint of each node shape in ``ontology/shapes.ttl`` becomes one ``SELECT DISTINCT ?focus``
query that returns the focus nodes violating it; the build runs them over the new store before it
is swapped in. So that a million triples validate in seconds, the queries start from the
constrained property's triples rather than from the target (a scan beats a lookup per focus
node), a cheap screening query (``LIMIT 1``) skips the exact one when nothing can violate, class
constraints are anti-joins (MINUS) with the subclass list, and ``sh:node`` is not re-evaluated
inside its parent: a parent node violates it when one of its values is among the other shape's
violators, which are found once. pyshacl (:mod:`graph.build.shacl`) stays the reference: ``tests/build`` checks that
both report the same (focus node, path, shape) set on a graph that breaks every shape. A node
shape that uses a construct this compiler does not know is listed in :attr:`Compiled.fallback` and
validated by pyshacl instead (no shape in the current shapes file needs it).

Supported: targets ``sh:targetClass`` (with subclasses), ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``; property shapes on an IRI path; ``sh:minCount``/``sh:maxCount`` (up to 3),
``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern``, ``sh:minLength``/``sh:maxLength``,
``sh:min/maxInclusive``/``Exclusive``, ``sh:in``, ``sh:hasValue``, ``sh:or`` of such value shapes,
``sh:node``, ``sh:lessThan``/``sh:lessThanOrEquals``; ``sh:message``, ``sh:severity``,
``sh:deactivated``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from ..seeds import Origin, Problem
from ..vocab import CAKG, local_id

SH = Namespace("http://www.w3.org/ns/shacl#")
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_IGNORED = {RDF.type, SH.message, SH.name, SH.description, SH.severity, SH.deactivated,
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_CASTS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in
          ("integer", "decimal", "double", "float", "boolean", "date", "dateTime")}
_VALUE_KEYS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
               SH["in"], SH.hasValue, SH["or"], SH.node, *_RANGES}
_PROPERTY_KEYS = _VALUE_KEYS | {SH.path, SH.minCount, SH.maxCount, SH.lessThan, SH.lessThanOrEquals}


class Unsupported(Exception):
    """A shape construct the compiler does not translate (the shape is left to pyshacl)."""


INNER = "#INNER#"  # where an sh:node check takes ``VALUES ?_n { nodes that fail the other shape }``
_CHUNK = 500       # terms per VALUES block


@dataclass(frozen=True)
class Check:
    """One constraint as queries. ``query`` gives the focus nodes that violate it. ``screen``, when
    set, is a cheaper query without the target (or over a superset of it) that finds a row
    whenever there may be a violator: when it finds none, which is the rule on clean data,
    ``query`` is not run. An ``sh:node`` check (``inner`` set) instead gives pairs ``?focus ?_n``
    (its ``#INNER#`` marker replaced by a VALUES block): the focus node violates when ``?_n``
    fails one of the checks ``inner`` (indexes into :attr:`Compiled.checks`: the other shape's)."""
    shape: str  # the node shape's IRI
    path: str | None  # the property path's IRI, None for a constraint on the focus node itself
    message: str
    query: str
    screen: str | None = None
    inner: tuple[int, ...] = ()


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    fallback: list[str] = field(default_factory=list)  # node shapes pyshacl must validate


@dataclass(frozen=True)
class _Test:
    """One value constraint on ``v``: the expression true when ``v`` conforms, and for class
    constraints a pattern matching the conforming ``v`` (an anti-join, cheaper than EXISTS)."""
    expr: str
    instances: str | None = None

    def violated(self) -> str:
        return f"MINUS {{ {self.instances} }}" if self.instances else f"FILTER(!({self.expr}))"


def _n3(term) -> str:
    if isinstance(term, BNode):
        raise Unsupported("a blank node as a constraint value")
    return term.n3()


class _Compiler:
    def __init__(self, shapes: Graph, store: ox.Store | None = None):
        self.g = shapes
        self.fresh = (f"?_v{i}" for i in itertools.count())
        self.store = store
        self.subclasses: dict = {}

    def instance_of(self, v: str, classes) -> str:
        """A pattern matching when ``v`` is an instance of one of ``classes`` or of a subclass.
        With a store, the subclasses are read from it once, which is cheaper than a property path
        per node."""
        if self.store is None:
            return " UNION ".join(f"{{ {v} {_TYPE} {_n3(c)} }}" for c in classes)
        t = next(self.fresh)
        names = sorted({n for c in classes for n in self.class_names(c)})
        return f"VALUES {t} {{ {' '.join(names)} }} {v} a {t} ."

    def class_names(self, cls) -> list[str]:
        """``cls`` and its subclasses in the store, as SPARQL IRIs."""
        if cls not in self.subclasses:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_n3(cls)} }}")
            self.subclasses[cls] = sorted({str(r["c"]) for r in rows if isinstance(r["c"], ox.NamedNode)} | {_n3(cls)})
        return self.subclasses[cls]

    def keys(self, node) -> set:
        return set(self.g.predicates(node, None))

    def value_tests(self, node, v: str) -> list[_Test]:
        """The value constraints of ``node`` on the value ``v``, one test each (``sh:node`` aside:
        it becomes checks of its own, see :func:`_add_checks`)."""
        g, tests = self.g, []
        for c in g.objects(node, SH["class"]):
            instances = self.instance_of(v, [c])
            tests.append(_Test(f"EXISTS {{ {instances} }}", instances))
        for d in g.objects(node, SH.datatype):
            # a literal of the datatype whose lexical form is valid for it (checked where SPARQL can cast)
            valid = f" && COALESCE({_n3(d)}(STR({v})) = {_n3(d)}(STR({v})), false)" if str(d) in _CASTS else ""
            tests.append(_Test(f"(isLiteral({v}) && datatype({v}) = {_n3(d)}{valid})"))
        for k in g.objects(node, SH.nodeKind):
            if k not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {k}")
            tests.append(_Test(_NODE_KINDS[k].format(v=v)))
        for p in g.objects(node, SH.pattern):
            flags = g.value(node, SH.flags)
            extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            tests.append(_Test(f"(!isBlank({v}) && REGEX(STR({v}), {Literal(str(p)).n3()}{extra}))"))
        for n in g.objects(node, SH.minLength):
            tests.append(_Test(f"(!isBlank({v}) && STRLEN(STR({v})) >= {int(n)})"))
        for n in g.objects(node, SH.maxLength):
            tests.append(_Test(f"(!isBlank({v}) && STRLEN(STR({v})) <= {int(n)})"))
        for key, op in _RANGES.items():
            for bound in g.objects(node, key):
                tests.append(_Test(f"COALESCE({v} {op} {_n3(bound)}, false)"))
        for members in g.objects(node, SH["in"]):
            tests.append(_Test(f"{v} IN ({', '.join(_n3(m) for m in Collection(g, members))})"))
        for alternatives in g.objects(node, SH["or"]):
            members = list(Collection(g, alternatives))
            options = []
            for member in members:
                if not self.keys(member) <= _VALUE_KEYS | _IGNORED or self.keys(member) & {SH["or"], SH.node}:
                    raise Unsupported("sh:or of shapes with more than value constraints")
                options.append(self.value_test(member, v))
            classes = [self.classes_only(m) for m in members]
            instances = (self.instance_of(v, [c[0] for c in classes])
                         if members and all(c is not None and len(c) == 1 for c in classes) else None)
            tests.append(_Test("(" + " || ".join(options or ["false"]) + ")", instances))
        return tests

    def value_test(self, node, v: str) -> str:
        """A SPARQL expression true when the value ``v`` conforms to the value constraints of ``node``."""
        return " && ".join(t.expr for t in self.value_tests(node, v)) or "true"

    def classes_only(self, node) -> list | None:
        """The class a value must belong to if that is all ``node`` asks of it, else None."""
        keys = self.keys(node) & _VALUE_KEYS
        if keys == {SH["class"]} and len(set(self.g.objects(node, SH["class"]))) == 1:
            return list(self.g.objects(node, SH["class"]))
        return None

    def property_bodies(self, prop) -> list[tuple[str, bool]]:
        """(pattern, binds) for every constraint of the property shape ``prop`` on ``?focus``: the
        pattern matches when a focus node violates it; ``binds``: the pattern finds the focus
        nodes by itself (it starts from the property's triples), so it can run before the target
        is joined, else it needs ``?focus`` bound by the target."""
        g, f = self.g, "?focus"
        unknown = self.keys(prop) - _PROPERTY_KEYS - _IGNORED
        if unknown:
            raise Unsupported(", ".join(sorted(local_id(str(k)) for k in unknown)))
        path = g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported("a property path other than one IRI")
        p, out = _n3(path), []
        for n in g.objects(prop, SH.minCount):
            n = int(n)
            if n > 3:
                raise Unsupported("sh:minCount above 3")
            if n == 1:
                out.append((f"MINUS {{ {f} {p} {next(self.fresh)} }}", False))
            elif n:
                vs = [next(self.fresh) for _ in range(n)]
                distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
                out.append((f"FILTER NOT EXISTS {{ {' '.join(f'{f} {p} {x} .' for x in vs)} FILTER({distinct}) }}",
                            False))
        for n in g.objects(prop, SH.maxCount):
            n = int(n)
            if n > 3:
                raise Unsupported("sh:maxCount above 3")
            x = next(self.fresh)
            out.append((f"{{ SELECT {f} WHERE {{ {f} {p} {x} }} GROUP BY {f} HAVING (COUNT(DISTINCT {x}) > {n}) }}", True))
        v = next(self.fresh)
        for test in self.value_tests(prop, v):
            out.append((f"{f} {p} {v} . {test.violated()}", True))
        for value in g.objects(prop, SH.hasValue):
            out.append((f"MINUS {{ {f} {p} {_n3(value)} }}", False))
        for key, op in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
            for other in g.objects(prop, key):
                v, w = next(self.fresh), next(self.fresh)
                out.append((f"{f} {p} {v} . {f} {_n3(other)} {w} . FILTER(!COALESCE({v} {op} {w}, false))", True))
        return out

    def violations(self, shape) -> list[tuple[object, str, bool]]:
        """(property shape or the node shape, pattern, binds) for every constraint of ``shape``
        on ``?focus`` but ``sh:node`` (see :meth:`property_bodies`)."""
        g, f = self.g, "?focus"
        unknown = self.keys(shape) - _VALUE_KEYS - _TARGETS - _IGNORED - {SH.property, SH.closed, SH.ignoredProperties}
        if unknown or (g.value(shape, SH.closed) or Literal(False)).toPython() is True:
            raise Unsupported(", ".join(sorted(local_id(str(k)) for k in unknown)) or "sh:closed")
        tests = self.value_tests(shape, f)
        tests += [_Test(f"sameTerm({f}, {_n3(value)})") for value in g.objects(shape, SH.hasValue)]
        out: list[tuple[object, str, bool]] = [(shape, test.violated(), False) for test in tests]
        for prop in g.objects(shape, SH.property):
            if _active(g, prop):
                out.extend((prop, body, binds) for body, binds in self.property_bodies(prop))
        return out

    def target(self, shape, f: str) -> str | None:
        g, parts = self.g, []
        parts += [f"{{ {self.instance_of(f, [c])} }}" for c in g.objects(shape, SH.targetClass)]
        parts += [f"{{ VALUES {f} {{ {_n3(n)} }} }}" for n in g.objects(shape, SH.targetNode)]
        parts += [f"{{ {f} {_n3(p)} [] }}" for p in g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {_n3(p)} {f} }}" for p in g.objects(shape, SH.targetObjectsOf)]
        return " UNION ".join(parts) if parts else None


def _active(g: Graph, node) -> bool:
    severity = g.value(node, SH.severity)
    deactivated = g.value(node, SH.deactivated)
    return (severity in (None, SH.Violation)) and not (deactivated is not None and deactivated.toPython() is True)


def _message(g: Graph, source, shape) -> str:
    text = g.value(source, SH.message) or (g.value(shape, SH.message) if source == shape else None)
    if text is None:
        keys = sorted(local_id(str(k)) for k in g.predicates(source, None)
                      if k in _PROPERTY_KEYS - {SH.path} and k not in _IGNORED)
        text = f"violates {', '.join(keys)}" if keys else "violates a SHACL shape"
    return str(text)


def _add_checks(compiler: _Compiler, shape, target: str, superset: str | None, out: list[Check],
                depth: int = 0) -> list[int]:
    """Append to ``out`` the checks of ``shape`` on the focus nodes ``target`` matches (``superset``:
    a cheaper pattern matching them and maybe more, or None when the target is cheap), and (as
    pyshacl reports them too, as details) those of every shape its value nodes must conform to
    through ``sh:node``; return the indexes of the checks that decide whether a focus node
    conforms (its own, and one per ``sh:node``)."""
    g = compiler.g
    mine = []
    for src, body, binds in compiler.violations(shape):
        if binds:  # the violating nodes first (cheap), then those of them the target holds
            query = f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT DISTINCT ?focus WHERE {{ {body} }} }} {target} }}"
            screen = f"SELECT ?focus WHERE {{ {body} }} LIMIT 1"
        else:
            query = f"SELECT DISTINCT ?focus WHERE {{ {target} {body} }}"
            screen = f"SELECT ?focus WHERE {{ {superset} {body} }} LIMIT 1" if superset else None
        mine.append(len(out))
        out.append(Check(str(shape), str(g.value(src, SH.path)) if src != shape else None, _message(g, src, shape),
                         query, screen))
    if depth > 8:
        raise Unsupported("sh:node nested too deep (a cycle?)")
    for src in (shape, *(p for p in g.objects(shape, SH.property) if _active(g, p))):
        for other in g.objects(src, SH.node):
            outer = "?_o" + str(depth)
            if src == shape:  # the focus node itself must conform to the other shape
                inner = target.replace("?focus", outer) + f" BIND({outer} AS ?focus)"
                pairs = f"SELECT DISTINCT ?focus ?_n WHERE {{ {INNER} {target} BIND(?focus AS ?_n) }}"
                inner_superset, path = superset, None
            else:  # each value of the property must
                step = _n3(g.value(src, SH.path))
                inner = target.replace("?focus", outer) + f" {outer} {step} ?focus ."
                pairs = f"SELECT DISTINCT ?focus ?_n WHERE {{ {INNER} {target} ?focus {step} ?_n . }}"
                inner_superset, path = f"[] {step} ?focus .", str(g.value(src, SH.path))
            nested = _add_checks(compiler, other, inner, inner_superset, out, depth + 1)
            mine.append(len(out))
            out.append(Check(str(shape), path, _message(g, src, shape), pairs, inner=tuple(nested)))
    return mine


def compile_shapes(shapes: Graph, store: ox.Store | None = None) -> Compiled:
    """Every targeted node shape of ``shapes`` as queries (or, if it cannot be compiled, a fallback);
    with ``store``, class hierarchies are read from it and written into the queries."""
    compiled = Compiled()
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        compiler = _Compiler(shapes, store)
        target = compiler.target(shape, "?focus")
        if target is None or not _active(shapes, shape):
            continue  # reached only through sh:node, or switched off
        checks: list[Check] = []
        try:
            _add_checks(compiler, shape, target, None, checks)
        except Unsupported:
            compiled.fallback.append(str(shape))
            continue
        offset = len(compiled.checks)
        compiled.checks.extend(Check(c.shape, c.path, c.message, c.query, c.screen,
                                     tuple(i + offset for i in c.inner)) for c in checks)
    return compiled


@dataclass(frozen=True)
class Violation:
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: str | None
    shape: str
    message: str


def _values(var: str, nodes) -> list[str]:
    """VALUES blocks binding ``var`` to ``nodes`` (IRIs and literals), a chunk at a time."""
    terms = sorted(str(n) for n in nodes)
    return [f"VALUES {var} {{ {' '.join(terms[i:i + _CHUNK])} }}" for i in range(0, len(terms), _CHUNK)]


def _violators(store: ox.Store, checks: list[Check], i: int, memo: dict[int, set]) -> set:
    """The focus nodes that violate check ``i`` (memoised: sh:node checks reuse the others)."""
    if i in memo:
        return memo[i]
    check, found = checks[i], set()
    if check.inner:
        failing = set().union(*(_violators(store, checks, j, memo) for j in check.inner))
        if any(isinstance(n, ox.BlankNode) for n in failing):  # cannot be written in VALUES: filter here
            found = {row["focus"] for row in store.query(check.query.replace(INNER, "")) if row["_n"] in failing}
        elif failing:
            for values in _values("?_n", failing):
                found |= {row["focus"] for row in store.query(check.query.replace(INNER, values))}
    elif check.screen is None or any(True for _ in store.query(check.screen)):
        found = {row["focus"] for row in store.query(check.query)}
    memo[i] = found
    return found


def store_violations(store: ox.Store, compiled: Compiled) -> list[Violation]:
    """Run every check over ``store``; one :class:`Violation` per (focus node, check)."""
    memo: dict[int, set] = {}
    found = []
    for i, check in enumerate(compiled.checks):
        for focus in sorted(_violators(store, compiled.checks, i, memo), key=str):
            found.append(Violation(focus, check.path, check.shape, check.message))
    return found


_ORIGIN = """SELECT ?n ?rank ?file ?line WHERE {{ VALUES ?n {{ {nodes} }}
  {{ ?n <{f}> ?file ; <{l}> ?line BIND(0 AS ?rank) }}
  UNION {{ ?c <{cit}> ?n . ?c <{f}> ?file ; <{l}> ?line BIND(1 AS ?rank) }}
  UNION {{ ?c <{obj}> ?n . ?c <{f}> ?file ; <{l}> ?line BIND(2 AS ?rank) }} }}"""


def origins(store: ox.Store, nodes: Iterable) -> dict:
    """The seed file and line that made each IRI in ``nodes``: its own, else the claim citing it or
    pointing at it (as :func:`graph.build.shacl.shacl_problems` does)."""
    iris = sorted({n for n in nodes if isinstance(n, ox.NamedNode)}, key=str)
    best: dict = {}
    for i in range(0, len(iris), 500):
        query = _ORIGIN.format(nodes=" ".join(str(n) for n in iris[i:i + 500]), f=CAKG.seedFile, l=CAKG.seedLine,
                               cit=CAKG.citation, obj=CAKG.object)
        for row in store.query(query):
            rank = int(row["rank"].value)
            if row["n"] not in best or rank < best[row["n"]][0]:
                best[row["n"]] = (rank, Origin(row["file"].value, int(row["line"].value)))
    return {n: origin for n, (_, origin) in best.items()}


def _fallback_problems(store: ox.Store, shapes: Graph, names: list[str]) -> list[Problem]:
    """pyshacl for the node shapes the compiler left alone (the store read back into rdflib)."""
    from .shacl import shacl_problems

    data = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                         format="nt")
    return shacl_problems(data, shapes, only_shapes=set(names))


def store_problems(store: ox.Store, shapes: Graph) -> list[Problem]:
    """Validate ``store`` (data and ontology) against ``shapes``: one :class:`Problem` per violation,
    with the seed file and line of the offending node."""
    compiled = compile_shapes(shapes, store)
    found = store_violations(store, compiled)
    where = origins(store, (v.focus for v in found))
    problems = [Problem(where.get(v.focus), f"SHACL: {v.message}"
                        + (f" [{local_id(v.path)}]" if v.path else "") + f" on {local_id(_value(v.focus))}")
                for v in found]
    if compiled.fallback:
        problems += _fallback_problems(store, shapes, compiled.fallback)
    return problems


def violation_keys(store: ox.Store, shapes: Graph) -> set[tuple[str, str | None, str]]:
    """The violations as (focus node, path, node shape) strings, as
    :func:`graph.build.shacl.violation_keys` gives pyshacl's."""
    return {(_value(v.focus), v.path, v.shape) for v in store_violations(store, compile_shapes(shapes, store))}


def _value(term) -> str:
    return term.value if hasattr(term, "value") else str(term)
