"""Which waiting query gets the next free SPARQL worker: fair queuing by client (issue 14 item 3).

The pool (:mod:`api.sparql.pool`) hands its idle workers to a :class:`FairQueue` and asks it for one
per query. The queue knows nothing about processes: a worker is any object with a ``lane``
(``"shared"`` or ``"short"``), so the policy is tested with plain objects and a fake clock.

The policy:

* Queries wait in one queue instead of racing for a worker. A free worker goes to the waiting
  client that used the least worker time recently (seconds of work, decaying with ``half_life``),
  ties in order of arrival. A client sending a stream of long queries therefore waits behind
  clients sending short ones.
* A client whose query ran into the time limit in the shared lane is *suspect* for ``penalty``
  seconds: it is served after every other client, never in the short lane, and all suspect
  clients together run at most ``suspect_slots`` queries with the full time limit. A worker killed
  on such a query counts as held until its replacement is ready, so a runaway client cannot take
  the surviving worker while the killed one restarts.
* When those slots are taken, a suspect client that ran into the limit only once in ``penalty``
  seconds may still take an idle shared worker *on probation*: with the short lane's time limit
  (the pool applies it). A client that just wrote one bad query gets its next, fixed ones answered;
  one that ran into the limit twice (a runaway client) waits for a slot.
* A query stopped at the short lane's limit keeps its client out of the short lane for
  ``penalty`` seconds (it is not short), without the other restrictions.
* Nobody waits longer than it asked; then :meth:`FairQueue.take` answers ``None``.

What it remembers per client is dropped once the usage has decayed and the penalty has passed,
so the memory stays bounded by the clients of the last minutes.

>>> class W:
...     def __init__(self, lane): self.lane = lane
>>> clock = [0.0]
>>> q = FairQueue(clock=lambda: clock[0])
>>> q.put(W("shared"))
>>> t = q.take("a", wait=0)
>>> t.worker.lane, t.client, t.suspect
('shared', 'a', False)
>>> q.finish(t, seconds=5.0, timed_out=True)   # ran into the time limit: "a" is suspect now
>>> q.suspect("a"), q.suspect("b")
(True, False)
>>> q.put(W("short"), t)   # the replacement of the killed worker, in the short lane here
>>> q.take("a", wait=0) is None   # a suspect client is kept out of the short lane
True
>>> q.take("b", wait=0).worker.lane
'short'
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LANES = ("shared", "short")


@dataclass
class Ticket:
    """One query's claim on a worker: who asked, which worker it got, and whether it ran as suspect."""

    client: Any
    short_ok: bool
    seq: int
    worker: Any = None
    suspect: bool = False
    probation: bool = False  # a suspect query beyond the slots: the pool gives it the short time limit
    held: bool = field(default=False, repr=False)  # counts against suspect_slots until put back


@dataclass
class _Client:
    usage: float = 0.0       # worker seconds, decayed to ``at``
    at: float = 0.0
    strikes: list[float] = field(default_factory=list)  # when its last (at most 2) queries ran into the limit
    no_short_until: float = float("-inf")  # ran into the short lane's limit: not in the short lane


class FairQueue:
    """Idle workers and waiting queries; see the module text for the policy."""

    def __init__(self, half_life: float = 30.0, penalty: float = 60.0, suspect_slots: int = 1,
                 clock: Callable[[], float] = time.monotonic):
        self.half_life, self.penalty = half_life, penalty
        self.suspect_slots = max(1, suspect_slots)
        self.clock = clock
        self._free: dict[str, list] = {lane: [] for lane in LANES}
        self._waiting: list[Ticket] = []
        self._clients: dict[Any, _Client] = {}
        self._suspect_held = 0
        self._seq = itertools.count()
        self._finished = 0
        self._closed = False
        self._cond = threading.Condition()

    # ---------------------------------------------------------------- what is known of a client
    def _decayed(self, c: _Client, now: float) -> float:
        if c.usage == 0.0 or now <= c.at:
            return c.usage
        return c.usage * 0.5 ** ((now - c.at) / self.half_life)

    def usage(self, client: Any) -> float:
        """The client's recent worker seconds (decayed)."""
        with self._cond:
            c = self._clients.get(client)
            return 0.0 if c is None else self._decayed(c, self.clock())

    def suspect(self, client: Any) -> bool:
        """Did the client's query recently run into the full time limit?"""
        with self._cond:
            c = self._clients.get(client)
            return c is not None and self._strikes(c, self.clock()) > 0

    def _strikes(self, c: _Client, now: float) -> int:
        """How many of the client's last two time-outs were less than ``penalty`` seconds ago."""
        return sum(1 for t in c.strikes if now - t < self.penalty)

    def known_clients(self) -> int:
        """Clients the queue remembers (bounded: forgotten once their usage decays and penalties pass)."""
        with self._cond:
            return len(self._clients)

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)

    def free_count(self) -> int:
        with self._cond:
            return sum(len(v) for v in self._free.values())

    # ---------------------------------------------------------------- workers in and out
    def put(self, worker, ticket: Ticket | None = None) -> None:
        """A worker is idle (back from a query, or newly started). ``ticket``: the query it ran, or
        whose killed worker it replaces; ends that query's hold on the suspect slots."""
        with self._cond:
            if ticket is not None and ticket.held:
                ticket.held = False
                self._suspect_held -= 1
            self._free[worker.lane].append(worker)
            self._dispatch()

    def take(self, client: Any, wait: float, short_ok: bool = True) -> Ticket | None:
        """Wait up to ``wait`` seconds for a worker; the answer's ``worker`` is the one to use, or ``None``.
        (The wait is in real time; ``clock`` only drives the policy: usage decay and penalties.)"""
        deadline = time.monotonic() + wait
        with self._cond:
            ticket = Ticket(client, short_ok, next(self._seq))
            self._waiting.append(ticket)
            self._dispatch()
            while ticket.worker is None and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            if ticket.worker is None:
                self._waiting.remove(ticket)
                self._dispatch()  # its leaving may let a later one through (not normally, but cheap)
                return None
            return ticket

    def finish(self, ticket: Ticket, seconds: float, timed_out: bool = False) -> None:
        """Charge the query's worker time to its client; a time-out marks the client (see the policy).
        The worker itself comes back through :meth:`put` (or its replacement does)."""
        with self._cond:
            now = self.clock()
            c = self._clients.get(ticket.client)
            if c is None:
                c = self._clients[ticket.client] = _Client(at=now)
            c.usage = self._decayed(c, now) + max(0.0, seconds)
            c.at = now
            if timed_out and ticket.worker is not None:
                if ticket.worker.lane == "shared":
                    c.strikes = [*c.strikes[-1:], now]
                else:
                    c.no_short_until = now + self.penalty
            self._finished += 1
            if self._finished % 256 == 0:
                self._forget(now)

    def remove(self, worker) -> None:
        """Take an idle worker out (it died or the pool closes)."""
        with self._cond:
            for lane in LANES:
                if worker in self._free[lane]:
                    self._free[lane].remove(worker)

    def close(self) -> list:
        """Wake every waiter (they get ``None``) and hand back the idle workers."""
        with self._cond:
            self._closed = True
            idle = [w for lane in LANES for w in self._free[lane]]
            for lane in LANES:
                self._free[lane].clear()
            self._cond.notify_all()
            return idle

    # ---------------------------------------------------------------- the policy
    def _forget(self, now: float) -> None:
        for key, c in list(self._clients.items()):
            if self._decayed(c, now) < 1e-3 and self._strikes(c, now) == 0 and now >= c.no_short_until:
                del self._clients[key]

    def _dispatch(self) -> None:
        """Give idle workers to waiting queries, best first (called with the lock held)."""
        if not self._waiting or not (self._free["shared"] or self._free["short"]):
            return
        now = self.clock()
        empty = _Client()

        def rank(t: Ticket):
            c = self._clients.get(t.client, empty)
            return (self._strikes(c, now) > 0, self._decayed(c, now), t.seq)

        given = False
        for ticket in sorted(self._waiting, key=rank):
            shared, short = self._free["shared"], self._free["short"]
            if not shared and not short:
                break
            c = self._clients.get(ticket.client, empty)
            strikes = self._strikes(c, now)
            if strikes:
                if not shared:
                    continue
                if self._suspect_held < self.suspect_slots:
                    ticket.worker, ticket.suspect, ticket.held = shared.pop(), True, True
                    self._suspect_held += 1
                elif strikes == 1:
                    ticket.worker, ticket.suspect, ticket.probation = shared.pop(), True, True
                else:
                    continue
            elif shared:
                ticket.worker = shared.pop()
            elif short and ticket.short_ok and now >= c.no_short_until:
                ticket.worker = short.pop()
            else:
                continue
            self._waiting.remove(ticket)
            given = True
        if given:
            self._cond.notify_all()
