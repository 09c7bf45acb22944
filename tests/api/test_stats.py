"""``/stats``: counted once per generation of the graph, and counted again for a new one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph.read.live import LiveGraph
from graph.read.queries import graph_stats
from graph.settings import PROJECT_ROOT
from graph.store import memory_store
from graph.testing import _fixture_bytes, fixture_store


class CountingStore:
    """A store that counts how often the stats queries ran (and passes everything else through).
    Only the stats' own query is counted: the catalog reads the store for other tables too, some of
    them in a background thread, so a count of every SELECT would depend on timing."""

    def __init__(self, store):
        self._store, self.stats_runs = store, 0

    def select(self, query, *args, **kwargs):
        if "cakg:disputed true" in query:
            self.stats_runs += 1
        return self._store.select(query, *args, **kwargs)

    def __len__(self):
        return len(self._store)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_stats_are_counted_once_per_generation_and_follow_a_switch():
    from api.app import create_app

    first = CountingStore(fixture_store())
    more = _fixture_bytes(str(PROJECT_ROOT / "tests" / "fixtures" / "seeds")) + (
        b'<urn:cakg:test> <http://www.w3.org/2000/01/rdf-schema#label> "added" .\n')
    second = CountingStore(memory_store(more))
    stores = {"one": first, "two": second}
    current = ["one"]
    app = create_app(fixture_store())
    app.state.live = LiveGraph(opener=lambda: (stores[current[0]], current[0]), probe=lambda: current[0],
                               check_every=0)
    with TestClient(app) as client:
        answers = [client.get("/stats").json() for _ in range(6)]
        assert first.stats_runs == 1  # counted once; the later requests did not query the store again
        assert all(a == answers[0] for a in answers)
        assert answers[0] == graph_stats(first._store)

        current[0] = "two"  # a rebuilt (or republished) graph: a new generation
        after = client.get("/stats").json()
        assert after["triples"] == answers[0]["triples"] + 1
        assert after == graph_stats(second._store)
        assert client.get("/stats").json() == after
        assert second.stats_runs == 1
