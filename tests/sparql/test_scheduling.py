"""The fair queue that hands out SPARQL workers (issue 14 item 3), with plain objects for workers and a
fake clock for the policy; waits are bounded and nothing is timed except that they end."""

from __future__ import annotations

import threading
import time

import pytest

from api.sparql.scheduling import FairQueue


class Worker:
    def __init__(self, lane: str, name: str = ""):
        self.lane, self.name = lane, name

    def __repr__(self):
        return f"Worker({self.lane!r}, {self.name!r})"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def queue(clock):
    q = FairQueue(half_life=10.0, penalty=60.0, suspect_slots=1, clock=clock)
    yield q
    q.close()


def charge(queue: FairQueue, client, seconds: float, lane: str = "shared", timed_out: bool = False) -> None:
    """Let ``client`` run one query on a fresh worker of ``lane`` and charge it (the worker is not put back)."""
    queue.put(Worker(lane))
    ticket = queue.take(client, wait=0)
    assert ticket is not None and ticket.worker.lane == lane
    queue.finish(ticket, seconds, timed_out=timed_out)
    return ticket


def wait_until(predicate, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


def waiters(queue: FairQueue, *requests):
    """Start one waiting thread per ``(client, short_ok)`` in order, each once the one before is queued;
    return a dict client -> ticket (filled in when served) and the threads."""
    got: dict = {}
    threads = []
    for client, short_ok in requests:
        before = queue.waiting()
        t = threading.Thread(target=lambda c=client, s=short_ok: got.__setitem__(c, queue.take(c, 5.0, s)), daemon=True)
        t.start()
        threads.append(t)
        wait_until(lambda b=before: queue.waiting() == b + 1)
    return got, threads


def test_a_free_worker_goes_to_the_waiter_with_the_least_recent_worker_time(queue):
    charge(queue, "heavy", 4.0)
    charge(queue, "medium", 1.0)
    got, threads = waiters(queue, ("heavy", True), ("medium", True), ("light", True))  # heavy came first
    order = []
    for name in ("w1", "w2", "w3"):
        queue.put(Worker("shared", name))
        wait_until(lambda: len(got) == len(order) + 1)
        order.append(next(c for c, t in got.items() if c not in order))
    for t in threads:
        t.join(5)
    assert order == ["light", "medium", "heavy"]
    assert [got[c].worker.name for c in order] == ["w1", "w2", "w3"]


def test_equal_usage_is_served_in_order_of_arrival(queue):
    got, threads = waiters(queue, ("b", True), ("a", True))
    queue.put(Worker("shared", "first"))
    wait_until(lambda: len(got) == 1)
    assert list(got) == ["b"] and got["b"].worker.name == "first"
    queue.put(Worker("shared"))
    for t in threads:
        t.join(5)
    assert set(got) == {"a", "b"}


def test_usage_decays_with_the_half_life(queue, clock):
    charge(queue, "c", 4.0)
    assert queue.usage("c") == pytest.approx(4.0)
    clock.now += 10.0
    assert queue.usage("c") == pytest.approx(2.0)
    charge(queue, "c", 1.0)
    assert queue.usage("c") == pytest.approx(3.0)
    assert queue.usage("never seen") == 0.0


def strike(queue: FairQueue, client, times: int) -> None:
    """Let ``client`` run into the full time limit ``times`` times, each killed worker replaced at once."""
    for _ in range(times):
        queue.put(Worker("shared"))
        ticket = queue.take(client, wait=0)
        assert ticket is not None and ticket.worker.lane == "shared" and not ticket.probation
        queue.finish(ticket, 5.0, timed_out=True)
        replacement = Worker("shared", "replacement")
        queue.put(replacement, ticket)  # ends the hold, if the query ran as suspect
        queue.remove(replacement)
    assert queue.free_count() == 0


def test_a_killed_suspect_query_holds_its_slot_until_the_replacement_worker_is_ready(queue):
    strike(queue, "runaway-a", 1)
    strike(queue, "runaway-b", 2)
    assert queue.suspect("runaway-a") and queue.suspect("runaway-b") and not queue.suspect("light")
    queue.put(Worker("shared", "x"))
    queue.put(Worker("shared", "y"))
    a = queue.take("runaway-a", wait=0)
    assert a is not None and a.suspect and a.held and not a.probation
    queue.finish(a, 5.0, timed_out=True)  # killed; its replacement is starting
    assert queue.free_count() == 1
    assert queue.take("runaway-b", wait=0) is None  # a worker is idle, but a's slot is still held
    assert queue.take("runaway-a", wait=0) is None  # a ran into the limit twice now: no probation either
    light = queue.take("light", wait=0)
    assert light is not None and not light.suspect
    queue.put(Worker("shared", "replacement"), a)  # the replacement ends a's hold
    b = queue.take("runaway-b", wait=0)
    assert b is not None and b.suspect and not b.probation and b.worker.name == "replacement"


def test_suspect_clients_together_run_at_most_the_suspect_slots_with_the_full_limit(queue):
    strike(queue, "a", 2)
    strike(queue, "b", 2)
    queue.put(Worker("shared", "x"))
    queue.put(Worker("shared", "y"))
    first = queue.take("a", wait=0)
    assert first is not None and first.suspect
    assert queue.take("b", wait=0) is None  # a worker is idle, but the one suspect slot is taken
    queue.finish(first, 0.2)
    queue.put(first.worker, first)  # a's query ended normally: the slot is free again
    second = queue.take("b", wait=0)
    assert second is not None and second.suspect and not second.probation


def test_a_client_with_one_time_out_runs_on_probation_when_the_slots_are_taken(queue, clock):
    strike(queue, "runaway", 2)
    strike(queue, "mistaken", 1)
    queue.put(Worker("shared", "x"))
    queue.put(Worker("shared", "y"))
    held = queue.take("runaway", wait=0)
    assert held.suspect and not held.probation
    again = queue.take("mistaken", wait=0)
    assert again is not None and again.suspect and again.probation and not again.held
    queue.finish(again, 1.0, timed_out=True)  # its probation ran out too: now it waits for a slot
    queue.put(Worker("shared", "z"), again)
    assert queue.take("mistaken", wait=0) is None
    clock.now += 61.0  # both strikes have passed
    fresh = queue.take("mistaken", wait=0)
    assert fresh is not None and not fresh.suspect and not fresh.probation


def test_a_waiting_suspect_comes_after_everyone_else(queue):
    strike(queue, "runaway", 2)
    queue.put(Worker("shared", "only"))
    hold = queue.take("other", wait=0)  # the only worker is busy now
    got, threads = waiters(queue, ("runaway", True), ("light", True))
    queue.finish(hold, 0.1)
    queue.put(hold.worker, hold)
    wait_until(lambda: len(got) == 1)
    assert list(got) == ["light"]
    queue.finish(got["light"], 0.1)
    queue.put(got["light"].worker, got["light"])
    for t in threads:
        t.join(5)
    assert got["runaway"] is not None and got["runaway"].suspect


def test_the_short_lane_is_for_clients_allowed_in_it(queue, clock):
    ticket = charge(queue, "runaway", 5.0, timed_out=True)
    queue.put(Worker("short"), ticket)  # only a short-lane worker is idle
    assert queue.take("runaway", wait=0) is None        # a suspect never gets the short lane
    assert queue.take("busy-client", wait=0, short_ok=False) is None  # the caller keeps it out
    ticket = queue.take("fresh", wait=0)
    assert ticket is not None and ticket.worker.lane == "short"


def test_a_short_lane_timeout_bars_only_the_short_lane(queue, clock):
    ticket = charge(queue, "medium", 1.0, lane="short", timed_out=True)
    assert not queue.suspect("medium")
    queue.put(Worker("short"), ticket)
    assert queue.take("medium", wait=0) is None
    queue.put(Worker("shared"))
    again = queue.take("medium", wait=0)
    assert again is not None and again.worker.lane == "shared" and not again.suspect
    clock.now += 61.0
    queue.put(Worker("short"))
    assert queue.take("medium", wait=0).worker.lane == "short"  # the penalty has passed


def test_the_penalty_passes(queue, clock):
    ticket = charge(queue, "c", 5.0, timed_out=True)
    queue.put(Worker("short"), ticket)
    clock.now += 59.0
    assert queue.suspect("c")
    clock.now += 2.0
    assert not queue.suspect("c")
    assert queue.take("c", wait=0).worker.lane == "short"


def test_a_waiter_gives_up_after_its_wait_and_leaves_the_queue(queue):
    t0 = time.monotonic()
    assert queue.take("c", wait=0.05) is None
    assert time.monotonic() - t0 < 5.0
    assert queue.waiting() == 0
    queue.put(Worker("shared"))
    assert queue.free_count() == 1  # nobody took it on the gone waiter's behalf


def test_close_wakes_every_waiter(queue):
    got, threads = waiters(queue, ("a", True), ("b", True))
    queue.close()
    for t in threads:
        t.join(5)
    assert got == {"a": None, "b": None}


def test_what_is_remembered_of_clients_stays_bounded(queue, clock):
    for i in range(600):
        charge(queue, f"client-{i}", 0.05)
    assert queue.known_clients() == 600
    clock.now += 1000.0  # usage decayed to nothing, no penalty pending
    for _ in range(256):
        charge(queue, "steady", 0.05)
    assert queue.known_clients() <= 2
    assert queue.free_count() == 0 and queue.waiting() == 0


def test_a_recent_penalty_is_not_forgotten(queue, clock):
    ticket = charge(queue, "runaway", 5.0, timed_out=True)
    queue.put(Worker("shared"), ticket)
    clock.now += 30.0
    for _ in range(256):
        charge(queue, "steady", 0.0)
    assert queue.suspect("runaway")


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIGHT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def _job(query: str) -> dict:
    return {"query": query, "result_media": "application/sparql-results+json", "graph_media": "text/turtle",
            "row_cap": 10, "max_bytes": 100_000}


def _catch(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return exc


@pytest.mark.server
def test_the_pool_keeps_two_runaway_clients_to_one_worker_and_serves_a_light_one():
    """Real workers: after both runaway clients ran into the limit, one of them runs again with the full
    limit, the other on probation with the short limit; after that second time-out it is refused
    although a worker is idle, and a third client's light query gets that worker."""
    from api.sparql.pool import PoolBusy, QueryTimeout, SparqlPool, pool_source
    from graph.testing import fixture_store

    pool = SparqlPool(pool_source(fixture_store()), size=2, reserve=0, short_timeout=0.3)
    try:
        pool.start()
        first: dict = {}
        threads = [threading.Thread(target=lambda c=c: first.__setitem__(c, _catch(pool.run, _job(RUNAWAY), 0.5,
                                                                                     client=c))) for c in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert all(isinstance(first[c], QueryTimeout) for c in "ab"), first
        assert pool.queue.suspect("a") and pool.queue.suspect("b") and not pool.queue.suspect("c")
        wait_until(pool.at_full_strength, 60)
        again: dict = {}
        holder = threading.Thread(target=lambda: again.setdefault("a", _catch(pool.run, _job(RUNAWAY), 15.0,
                                                                               client="a")))
        holder.start()
        wait_until(lambda: pool.free_count() == 1, 10)
        with pytest.raises(QueryTimeout) as probation:  # b's second try: on the idle worker, short limit
            pool.run(_job(RUNAWAY), 8.0, client="b")
        assert probation.value.lane == "probation" and probation.value.limit == 0.3
        wait_until(lambda: pool.free_count() == 1, 60)  # b's killed worker is replaced; a's still runs
        assert holder.is_alive()  # (a's query still runs: a slow machine took long to restart b's worker)
        with pytest.raises(PoolBusy):  # twice over the limit: b waits for the slot a holds
            pool.run(_job(RUNAWAY), 8.0, wait=0.3, client="b")
        light = pool.run(_job(LIGHT), 8.0, client="c")
        assert light["status"] == 200 and light["lane"] == "shared"
        holder.join(30)
        assert isinstance(again["a"], QueryTimeout) and again["a"].lane == "shared"
    finally:
        pool.close()


@pytest.mark.server
def test_a_suspect_query_runs_at_a_lower_cpu_priority_until_it_ends():
    """A suspect client's query still running after the short limit continues niced; when it ends, the
    worker is back at the normal priority (or replaced)."""
    import os

    from api.sparql.pool import SUSPECT_NICE, QueryTimeout, SparqlPool, pool_source
    from api.sparql.scheduling import Ticket
    from graph.testing import fixture_store

    pool = SparqlPool(pool_source(fixture_store()), size=2, reserve=0)
    try:
        pool.start()
        base = {pid: os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.pids()}
        pool.queue.finish(Ticket("a", True, 0, worker=Worker("shared")), 5.0, timed_out=True)  # "a" ran over once
        assert pool.queue.suspect("a")
        outcome: dict = {}
        holder = threading.Thread(target=lambda: outcome.setdefault("a", _catch(pool.run, _job(RUNAWAY), 3.0,
                                                                                 client="a")))
        holder.start()
        wait_until(lambda: pool.free_count() == 1, 10)
        wait_until(lambda: sorted(os.getpriority(os.PRIO_PROCESS, p) - base[p] for p in pool.pids() if p in base)
                   == [0, min(19, SUSPECT_NICE)], 10)
        holder.join(30)
        assert isinstance(outcome["a"], QueryTimeout)
        wait_until(pool.at_full_strength, 60)  # the killed worker's replacement ends a's hold on the slot
        light = pool.run(_job(LIGHT), 3.0, client="a")  # on the slot again, and it ends normally
        assert light["status"] == 200
        wait_until(pool.at_full_strength, 60)
        assert all(os.getpriority(os.PRIO_PROCESS, p) == base.get(p, os.getpriority(os.PRIO_PROCESS, os.getpid()))
                   for p in pool.pids())  # every idle worker is back at the normal priority
    finally:
        pool.close()
