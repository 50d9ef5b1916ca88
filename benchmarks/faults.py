"""Faults during an exam: what learners see, and whether their answers and clocks survive, when
gunicorn workers die, the server restarts, PostgreSQL restarts and Redis goes away.

Usage: .venv/bin/pip install -e '.[bench]'   (aiohttp; `make benchmarks` installs it)
       .venv/bin/python benchmarks/faults.py [--learners 20] [--workers N] [--think 2] [--observe 8] [--outage 5]

Starts a PostgreSQL cluster and a redis-server of its own (temporary, on free ports): the faults
stop and restart only those, never the machine's shared PostgreSQL or Redis. Runs `flask setup`,
serves the app with gunicorn (N workers, default 2 x cores + 1, gthread x 4, TRUSTED_PROXY_HOPS=1
and limits in Redis), and has --learners learners take the CPC exam with --think seconds between
actions while, each followed by --observe seconds:
  1. one gunicorn worker is killed (kill -9);
  2. every worker is killed (kill -9), then the server is stopped and started again;
  3. PostgreSQL is stopped (fast shutdown) for --outage seconds, then started again;
  4. Redis is stopped for --outage seconds (a learner signs in meanwhile), then started again.
Prints, per phase, the requests and what users saw instead of the expected answer (statuses; an
error page saying "try again", a JSON error, a stack trace, an empty body, no answer at all);
whether sign-in works while Redis is down; the exam clock's drift after recovery (seconds left as
the clock endpoint says, against the start time plus the blueprint's minutes); and every
acknowledged answer against the database (target: all stored, none doubled).
Everything started is stopped, and the temporary directory removed, on exit, error or Ctrl+C.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import sys
import time
from datetime import timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadkit import figures, services  # noqa: E402
from benchmarks.loadkit.learners import Learner, Recorder  # noqa: E402

EXAM = "CPC"


def arguments():
    parser = services.arguments(__doc__, learners=20, think=2.0)
    parser.add_argument("--observe", type=float, default=8.0, help="seconds watched after each fault")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL and Redis stay down")
    return parser.parse_args()


class Faults:
    """The fault timeline, each step labelled in the recorder; blocking steps run in a thread so
    that the learners go on meanwhile. `notes` collects what the steps observed."""

    def __init__(self, args, recorder: Recorder, server: services.WebServer, cluster, redis, learners: list[Learner]):
        self.args, self.recorder, self.server, self.cluster, self.redis = args, recorder, server, cluster, redis
        self.learners = learners
        self.notes: list[str] = []
        self.phases: list[str] = []

    def phase(self, name: str) -> None:
        self.recorder.phase = name
        self.phases.append(name)

    async def watch(self, seconds: float | None = None) -> None:
        await asyncio.sleep(self.args.observe if seconds is None else seconds)

    async def run(self) -> None:
        self.phase("0 before any fault")
        await self.watch()

        self.phase("1 one worker killed (kill -9)")
        before = self.server.workers()
        os.kill(before[0], signal.SIGKILL)
        await self.watch()
        after = self.server.workers()
        self.notes.append(
            f"1: killed worker {before[0]} of {len(before)}; {self.args.observe:g} s later {len(after)} workers "
            f"({len(set(after) - set(before))} new: the master replaced it)"
        )

        self.phase("2 all workers killed, then server restarted")
        workers = self.server.workers()
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(1)
        respawned = len(self.server.workers())
        started = time.monotonic()
        await asyncio.to_thread(self.server.stop)
        stopped = time.monotonic()
        self.server.spawn()  # from this (the main) thread: see services
        await asyncio.to_thread(self.server.wait)
        self.notes.append(
            f"2: killed all {len(workers)} workers ({respawned} respawned within 1 s); then the server was stopped "
            f"({stopped - started:.1f} s) and started: answering again {time.monotonic() - started:.1f} s after the stop began"
        )
        await self.watch()

        await self.outage("3", "PostgreSQL", self.cluster)
        await self.outage("4", "Redis", self.redis, during=self.sign_in_while_redis_down)
        self.phase("5 after every fault")
        await self.watch()

    async def outage(self, step: str, name: str, service, during=None) -> None:
        """Stop `service` (PostgreSQL's fast shutdown, Redis's SIGTERM) for --outage seconds, `during`
        (a coroutine function giving a note) a second into it, then start it again and watch."""
        self.phase(f"{step}a {name} down")
        started = time.monotonic()
        await asyncio.to_thread(service.stop)
        if during is not None:
            await asyncio.sleep(1)
            self.notes.append(await during())
        await self.watch(max(0.0, self.args.outage - (time.monotonic() - started)))
        self.phase(f"{step}b {name} back")
        service.spawn()  # from this (the main) thread: see services
        await asyncio.to_thread(service.wait)
        self.notes.append(f"{step}: {name} down and back after {time.monotonic() - started:.1f} s")
        await self.watch()

    async def sign_in_while_redis_down(self) -> str:
        """A learner signs in from a new browser while the limits' storage is gone."""
        someone = self.learners[0]
        visitor = Learner(10_000, someone.base, self.recorder, random.Random(0), email=someone.email)
        try:
            start = time.perf_counter()
            ok = await visitor.sign_in(new_browser=False)
            ms = (time.perf_counter() - start) * 1000
        finally:
            await visitor.close()
        sample = next(s for s in reversed(self.recorder.samples) if s.kind in ("sign-in", "form page"))
        verdict = "works: the limits fail open" if ok else f"fails ({sample.status}: {sample.body}): the limits fail closed"
        return f"4: sign-in while Redis is down {verdict} ({ms:.0f} ms for the form and the sign-in)"


async def clock_drift(url: str, learners: list[Learner]) -> dict[str, list[float]]:
    """Seconds left per the clock endpoint minus what is left by the attempt's start time (as
    stored) plus the blueprint's minutes; and how far that start time is from the middle of the
    start request as the learner saw it."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            minutes = conn.execute(sa.text("SELECT minutes FROM blueprint WHERE exam = :e"), {"e": EXAM}).scalar_one()
            rows = conn.execute(
                sa.text("SELECT id, started_at FROM attempt WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": [lr.attempt_id for lr in learners]},
            ).all()
    finally:
        engine.dispose()
    started = {attempt_id: at.replace(tzinfo=at.tzinfo or timezone.utc).timestamp() for attempt_id, at in rows}
    drifts: dict[str, list[float]] = {"clock": [], "start": [], "minutes": [minutes]}
    for learner in learners:
        found = await learner.clock()
        if found is not None:
            seconds_left, asked_at = found
            drifts["clock"].append(seconds_left - (started[learner.attempt_id] + minutes * 60 - asked_at))
            if not learner.resumed:
                drifts["start"].append(started[learner.attempt_id] - learner.started_at)
    return drifts


async def scenario(args, url: str, recorder: Recorder, server, cluster, redis) -> dict:
    learners = [Learner(i, server.base, recorder, random.Random(i)) for i in range(args.learners)]
    result: dict = {"learners": learners}
    try:
        recorder.phase = "set-up"
        await asyncio.gather(*(lr.sign_up() for lr in learners))
        await asyncio.gather(*(lr.start_exam(EXAM) for lr in learners))
        taking = [lr for lr in learners if lr.attempt_id is not None]
        if not taking:
            raise RuntimeError("no learner could start an exam")
        faults = Faults(args, recorder, server, cluster, redis, taking)
        result["faults"] = faults
        going = True
        exam = asyncio.gather(*(lr.take_exam(lambda: going, args.think) for lr in taking))
        try:
            await faults.run()
        finally:
            going = False
            await exam
        recorder.phase = "check"
        result["drift"] = await clock_drift(url, taking)
    finally:
        await asyncio.gather(*(lr.close() for lr in learners))
    return result


def report(args, url: str, recorder: Recorder, result: dict, server_log: Path) -> None:
    faults: Faults = result["faults"]
    print(
        f"own PostgreSQL and Redis; gunicorn {args.workers} workers x {services.THREADS} threads; {len(faults.learners)} learners "
        f"taking the {EXAM} exam, mean think time {args.think:g} s; {args.observe:g} s watched after each fault"
    )
    print("\n".join(faults.notes))
    print(f"\n{'phase':46}{'requests':>9}{'as expected':>12}   what users saw instead")
    for name in faults.phases:
        samples = [s for s in recorder.samples if s.phase == name]
        ok = sum(1 for s in samples if s.body == "ok")
        print(f"{name:46}{len(samples):9d}{ok:12d}")
        if ok < len(samples):
            figures.print_errors(samples, indent=" " * 50)
    drift = result.get("drift") or {}
    if drift.get("clock"):
        clock, start = drift["clock"], drift["start"]
        print(
            f"\nexam clock after recovery ({len(clock)} learners): seconds left per the clock endpoint minus "
            f"(started_at + {drift['minutes'][0]} min - now): median {statistics.median(clock):+.1f} s, worst "
            f"{max(clock, key=abs):+.1f} s (whole seconds and the poll's own duration: within -1..0 s is exact); "
            f"started_at vs the middle of the learner's start request: median {statistics.median(start):+.1f} s, "
            f"worst {max(start, key=abs):+.1f} s"
        )
    print(figures.server_log(server_log))
    print()
    print("\n".join(figures.check_answers(url, faults.learners).lines()))


def main() -> None:
    args = arguments()
    with services.workspace("bench_faults_") as (tmp, stack):
        cluster, redis, env = services.start_own_services(tmp, stack, f"bench_faults_{os.getpid()}")
        url = env["DATABASE_URL"]
        services.run_setup(env, tmp / "setup.log")
        port = services.free_port()
        server = services.WebServer(services.production_server("app:app", port, args.workers), env, port, tmp / "app.log")
        stack.callback(server.stop)
        server.start()
        recorder = Recorder()
        result = asyncio.run(scenario(args, url, recorder, server, cluster, redis))
        report(args, url, recorder, result, tmp / "app.log")


if __name__ == "__main__":
    main()
