"""The ``cakg`` command line: build | validate | query | export | stats | disputes | publish | serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _open_store(data):
    """The built store in ``data``, or exit 1 with a clear message when there is none."""
    from .store import StoreMissing, open_store

    try:
        return open_store(data)
    except StoreMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def _fail_with_problems(problems) -> None:
    for p in problems:
        click.echo(f"error: {p}", err=True)
    click.echo(f"{len(problems)} problem(s); nothing was changed in the store.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cakg")
def main() -> None:
    """cakg: a sourced, time-aware knowledge graph of Central Asian militant groups.

    Seeds (seeds/*.yaml) are compiled to RDF, checked against the ontology and its SHACL shapes
    and loaded into an embedded Oxigraph store (data/, or CAKG_DATA_DIR), which `serve`, `query`
    and the notebooks read.
    """


seeds_option = click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
                            help="Seed folder (default: seeds/ or CAKG_SEEDS_DIR).")
data_option = click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Data folder holding the store (default: data/ or CAKG_DATA_DIR).")
sources_option = click.option("--sources", type=click.Path(file_okay=False, path_type=Path), default=None,
                              help="Folder with the source texts for locator checks (default: ../shared/seeds or CAKG_SOURCES_DIR).")


@main.command()
@seeds_option
@data_option
@sources_option
@click.option("--force", is_flag=True, help="Rebuild even if seeds and ontology are unchanged.")
@click.option("--no-locators", is_flag=True, help="Skip checking locators against the source texts.")
def build(seeds, data, sources, force, no_locators):
    """Compile seeds, validate, and load them into a new store swapped in atomically.

    A failed or interrupted build leaves the previous store in place; an unchanged input is a no-op.
    """
    from .build import build as run_build
    from .seeds import SeedError

    try:
        result = run_build(seeds, data, sources=sources, force=force, locators=not no_locators, progress=_progress)
    except SeedError as exc:
        _fail_with_problems(exc.problems)
    except RuntimeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps({k: v for k, v in result.__dict__.items()}, indent=2))


@main.command()
@seeds_option
@sources_option
@click.option("--no-locators", is_flag=True, help="Skip checking locators against the source texts.")
@click.option("--relations", "list_relations", is_flag=True, help="List the relation types and the kinds they link, then exit.")
@click.option("--vocabulary", "list_vocabulary", is_flag=True,
              help="List the qualifiers, approximations and relation families, then exit.")
def validate(seeds, sources, no_locators, list_relations, list_vocabulary):
    """Check the seeds (schema, kinds, dates, duplicates, locators, SHACL) without touching the store."""
    from .build import compile_seeds
    from .ontology import load_schema
    from .seeds import SeedError

    if list_vocabulary:
        schema = load_schema()
        click.echo("qualifiers:")
        for q in schema.qualifiers.values():
            click.echo(f"  {q.name:14} {q.definition}")
        click.echo("approximations:")
        for a in schema.approximations.values():
            click.echo(f"  {a.name:14} {a.label} ({a.bound} bound)")
        click.echo("relation families:")
        for f in schema.families.values():
            click.echo(f"  {f.name:14} {f.label}")
        return
    if list_relations:
        schema = load_schema()
        for r in schema.relations.values():
            subj = ",".join(sorted(r.subject_kinds))
            obj = ",".join(sorted(r.object_kinds))
            flags = "".join(f for f, on in ((" symmetric", r.symmetric), (" one-off", r.instantaneous),
                                            (" single-valued", r.single_valued)) if on)
            click.echo(f"{r.name:26} {subj} -> {obj}{flags}  ({r.label})")
        return
    try:
        compiled = compile_seeds(seeds, sources=sources, locators=not no_locators, progress=_progress)
    except SeedError as exc:
        _fail_with_problems(exc.problems)
    for w in compiled.warnings:
        click.echo(f"warning: {w}", err=True)
    d = compiled.dataset
    click.echo(f"ok: {len(d.sources)} sources, {len(d.entities)} entities, {len(d.claims)} claims, "
               f"{compiled.triples} triples")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r"), help="Read the query from a file ('-' for stdin).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"]),
              default="table", show_default=True, help="Output format.")
@data_option
def query(sparql, query_file, fmt, data):
    """Run a SPARQL query (argument or --file) against the store and print the result.

    The standard prefixes (cakg:, id:, skos:, rdfs:, org:, prov:...) are predefined.

    \b
    Example:
      cakg query 'SELECT ?g WHERE { ?g cakg:protectedBy id:taliban }'
    """
    text = query_file.read() if query_file else sparql
    if not text:
        raise click.UsageError("give a query as an argument or with --file")
    store = _open_store(data)
    text = store.with_prefixes(text)
    try:
        if fmt == "table":
            kind, body = store.sparql(text, "json", rdf_format="turtle")
            if kind == "graph":
                click.echo(body.decode())
                return
            rows = json.loads(body)
            if "boolean" in rows:
                click.echo(str(rows["boolean"]).lower())
                return
            from tabulate import tabulate

            head = rows["head"]["vars"]
            body = [[b.get(v, {}).get("value", "") for v in head] for b in rows["results"]["bindings"]]
            click.echo(tabulate(body, headers=head, tablefmt="simple"))
            click.echo(f"({len(body)} row{'s' if len(body) != 1 else ''})", err=True)
        elif fmt in ("turtle", "ntriples"):
            click.echo(store.sparql(text, rdf_format=fmt)[1].decode(), nl=False)
        else:
            click.echo(store.sparql(text, fmt)[1].decode(), nl=False)
    except (SyntaxError, ValueError, OSError) as exc:
        click.echo(f"error: query failed: {exc}", err=True)
        sys.exit(2)


EXPORT_RDF = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}


@main.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples", "jsonld", "graphml", "gexf", "csv"]),
              default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (default: stdout).")
@data_option
def export(fmt, output, data):
    """Export the whole graph: RDF (Turtle, N-Triples, JSON-LD) or a network (GraphML, GEXF, CSV edges)."""
    store = _open_store(data)
    if fmt in EXPORT_RDF:
        body = store.export(fmt)
    else:
        from .network import export_network
        from .read.catalog import Catalog

        body = export_network(Catalog(store), fmt)
    if output:
        output.write_bytes(body)
        click.echo(f"wrote {len(body)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(body)


@main.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(data, as_json):
    """Counts of entities by kind, claims by relation, aliases, sources and disputes."""
    from .read.queries import graph_stats
    from .store import build_info

    store = _open_store(data)
    result = graph_stats(store)
    result["build"] = build_info(store.path)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"triples: {result['triples']}   entities: {result['entities']}   claims: {result['claims']}   "
               f"aliases: {result['aliases']}   disputed claims: {result['disputed_claims']}   sources: {result['sources']}")
    click.echo("\nentities by kind:")
    for k, n in result["entities_by_kind"].items():
        click.echo(f"  {k:14} {n}")
    click.echo("\nclaims by relation:")
    for k, n in result["claims_by_relation"].items():
        click.echo(f"  {k:26} {n}")


@main.command()
@data_option
def disputes(data):
    """List pairs of claims that contradict each other, with their sources."""
    from .read.catalog import Catalog
    from .read.queries import disputes as dispute_list

    pairs = dispute_list(Catalog(_open_store(data)))
    cite = lambda c: "; ".join(f"{s['document']} {s['locator']}" for s in c["sources"])
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        click.echo(f"- {a['id']}  [{cite(a)}]\n  vs {b['id']}  [{cite(b)}]\n  ({pair['reason']})")
    click.echo(f"{len(pairs)} dispute(s)", err=True)


@main.command()
@click.option("--to", "url", required=True, metavar="URL",
              help="The engine's SPARQL query endpoint (Oxigraph server: http://HOST:PORT/query; "
                   "Virtuoso: http://HOST:PORT/sparql).")
@click.option("--graph", "graph", default=None, metavar="IRI",
              help="Named graph to load into (default: a new https://w3id.org/cakg/graph/<stamp>).")
@data_option
def publish(url, graph, data):
    """Load the built graph into a running SPARQL engine and make it the live graph.

    The graph goes into a new named graph; the live-graph pointer (in https://w3id.org/cakg/meta)
    is switched only once the engine holds every triple, so a failed publish leaves the served
    graph as it was. Graphs older than the one replaced are dropped. Virtuoso's login is read
    from CAKG_STORE_USER / CAKG_STORE_PASSWORD (default dba/dba).
    """
    from .store import EngineRefused, StoreUnavailable
    from .store.publish import PublishError, publish_store

    store = _open_store(data)
    try:
        result = publish_store(store, url, graph, progress=_progress)
    except (PublishError, StoreUnavailable, EngineRefused) as exc:
        click.echo(f"error: publish failed: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result.__dict__, indent=2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@seeds_option
@data_option
@click.option("--store", "store_url", default=None, metavar="URL",
              help="Serve a remote SPARQL engine's live graph (see 'cakg publish') instead of the embedded "
                   "store (default: CAKG_STORE_URL).")
@click.option("--reload", is_flag=True, help="Reload on code changes (development).")
def serve(host, port, seeds, data, store_url, reload):
    """Serve the HTTP API and browser views (builds the graph from seeds first if no store exists).

    With --store (or CAKG_STORE_URL) it serves the engine's live graph and holds no data itself;
    a graph published later is picked up without a restart, as is a new build of the embedded store.
    """
    import os

    import uvicorn

    from api.connections import uvicorn_options

    from .build import build as run_build
    from .seeds import SeedError
    from .store import current_store_path, store_problem

    if data:
        os.environ["CAKG_DATA_DIR"] = str(data)
    if store_url:
        os.environ["CAKG_STORE_URL"] = store_url
    if os.environ.get("CAKG_STORE_URL"):
        click.echo(f"serving the SPARQL engine at {os.environ['CAKG_STORE_URL']} on http://{host}:{port}/", err=True)
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, reload=reload,
                    **uvicorn_options())
        return
    current = current_store_path(data)
    problem = "no store yet" if current is None else store_problem(current)
    if problem:
        click.echo(f"{problem}{'' if current is None else f' in {current}'}: building the store from the seeds first",
                   err=True)
        try:
            run_build(seeds, data, progress=_progress)
        except SeedError as exc:
            _fail_with_problems(exc.problems)
        except RuntimeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(f"serving on http://{host}:{port}/  (API docs at /docs, SPARQL at /sparql)", err=True)
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, reload=reload,
                    **uvicorn_options())


if __name__ == "__main__":
    main()
