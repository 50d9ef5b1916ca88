"""Exam day: a class takes the 100-question CPC exam at once on the production set-up, against a
minimal Flask page served the same way in the same run.

Usage: .venv/bin/pip install -e '.[bench]'   (aiohttp; `make benchmarks` installs it)
       .venv/bin/python benchmarks/exam_day.py [--learners 100] [--workers N] [--think 3] [--minutes 1]
                                               [--connections 32] [--burst 8] [--rounds 2] [--sqlite]

Starts a PostgreSQL cluster and a redis-server of its own (temporary, on free ports: nothing
shared is touched), runs `flask setup` (migrations, code sets, the question bank), then serves
the app and benchmarks/minimal_app.py with gunicorn (N workers, default 2 x cores + 1, gthread
x 4). The app runs as behind one proxy (TRUSTED_PROXY_HOPS=1, limits on, counted in Redis): each
learner sends its own X-Forwarded-For, as a school's proxy would. `--sqlite`: `make run`'s set-up
instead (`flask serve`: waitress, SQLite in a temporary instance, in-memory limits).

Each learner signs up, signs in from a fresh browser (all at once: exam morning), starts a CPC
exam, then for --minutes reads questions, answers (autosave), sometimes changes its mind or
flags, polls the clock and presses "Save and next", with --think seconds between actions. Then
bursts at zero think time on --connections connections, --rounds times in turn: the minimal page,
the exam page, the autosave. Every answer the server acknowledged is checked against the database.
Prints throughput and latency per kind of request, the ratio to the minimal page, errors by
status, and answers acknowledged vs stored, lost and doubled, with the targets beside them.
Everything started is stopped, and the temporary directory removed, on exit, error or Ctrl+C.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadkit import figures, services  # noqa: E402
from benchmarks.loadkit.learners import Learner, Recorder, hammer_minimal, in_waves  # noqa: E402

EXAM = "CPC"
TARGET_RATIO = 0.5
TARGET_P99_MS = 150


def arguments():
    parser = services.arguments(__doc__, learners=100, think=3.0)
    parser.add_argument("--minutes", type=float, default=1.0, help="how long the learners take the exam at --think")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections of the bursts")
    parser.add_argument("--burst", type=float, default=8.0, help="seconds of each burst")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of bursts (minimal page, exam page, autosave)")
    parser.add_argument("--sqlite", action="store_true", help="`make run`'s server (waitress) and SQLite instead")
    return parser.parse_args()


def start_services(args, tmp: Path, stack: contextlib.ExitStack) -> tuple[str, dict[str, str], str]:
    """The database (and Redis): (database URL, the app's environment, what it is)."""
    if args.sqlite:
        url = f"sqlite:///{tmp / 'instance' / 'codeprep.sqlite'}"
        env = services.app_environment(url, "memory://", tmp / "instance")
        env.pop("REDIS_URL")
        return url, env, "SQLite (a temporary instance), limits in memory"
    cluster, redis, env = services.start_own_services(tmp, stack, f"bench_exam_day_{os.getpid()}")
    return env["DATABASE_URL"], env, f"PostgreSQL {cluster.version} and redis-server of its own (port {cluster.port}, {redis.port})"


def start_servers(args, env: dict[str, str], tmp: Path, stack: contextlib.ExitStack):
    servers = []
    for spec, ready in (("app:app", "/account/signin"), ("benchmarks.minimal_app:app", "/")):
        port = services.free_port()
        argv = services.waitress_server(spec, port) if args.sqlite else services.production_server(spec, port, args.workers)
        server = services.WebServer(argv, env, port, tmp / f"{spec.split(':')[0]}.log", ready_path=ready)
        stack.callback(server.stop)
        server.start()
        servers.append(server)
    return servers


async def scenario(args, app_base: str, minimal_base: str, recorder: Recorder) -> dict:
    learners = [Learner(i, app_base, recorder, random.Random(i)) for i in range(args.learners)]
    timing: dict = {"bursts": {}}
    try:
        recorder.phase = "sign-up"
        await in_waves([lr.sign_up() for lr in learners], args.connections)
        recorder.phase = "sign-in"
        started = time.monotonic()
        await asyncio.gather(*(lr.sign_in() for lr in learners))
        timing["sign-in"] = time.monotonic() - started
        recorder.phase = "start"
        started = time.monotonic()
        await asyncio.gather(*(lr.start_exam(EXAM) for lr in learners))
        timing["start"] = time.monotonic() - started
        taking = [lr for lr in learners if lr.attempt_id is not None]
        recorder.phase = "exam"
        started = time.monotonic()
        exam_ends = started + args.minutes * 60
        await asyncio.gather(*(lr.take_exam(lambda: time.monotonic() < exam_ends, args.think) for lr in taking))
        timing["exam"] = time.monotonic() - started
        burst = taking[: args.connections]
        for _ in range(args.rounds):
            for name in ("minimal page", "exam page", "autosave"):
                recorder.phase = f"burst {name}"
                started = time.monotonic()
                until = started + args.burst
                if name == "minimal page":
                    await hammer_minimal(minimal_base, recorder, args.connections, until)
                elif name == "exam page":
                    await asyncio.gather(*(lr.hammer_pages(until) for lr in burst))
                else:
                    await asyncio.gather(*(lr.hammer_autosave(until) for lr in burst))
                timing["bursts"][name] = timing["bursts"].get(name, 0.0) + time.monotonic() - started
        recorder.phase = "done"
    finally:
        await asyncio.gather(*(lr.close() for lr in learners))
    timing["learners"] = learners
    return timing


def report(args, what: str, server: str, setup_seconds: float, url: str, recorder: Recorder, timing: dict, log: Path) -> None:
    samples = recorder.samples
    learners = timing["learners"]
    taking = [lr for lr in learners if lr.attempt_id is not None]
    print(f"database: {what}; flask setup {setup_seconds:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    questions = taking[0].total if taking else "?"
    print(f"server: {server}; learners: {args.learners} ({len(taking)} took the {EXAM} exam of {questions} questions)")
    phase = [s for s in samples if s.phase == "sign-in"]
    resumed = sum(lr.resumed for lr in taking)
    print(f"\nexam morning: {args.learners} sign-ins at once from fresh browsers, all done in {timing['sign-in']:.1f} s; "
          f"{len(taking)} exams started in {timing['start']:.1f} s ({resumed} resumed from the start page after the start "
          f"request failed, as a person reloading would)")
    print(figures.HEADER)
    print(figures.line(phase, "sign-in", timing["sign-in"]).row())
    print(figures.line([s for s in samples if s.phase == "start"], "start exam", timing["start"]).row())

    phase = [s for s in samples if s.phase == "exam"]
    answered = sum(1 for s in phase if s.kind == "save and next" and s.body == "ok")
    speedup = answered * 144 / (len(taking) * timing["exam"]) if taking else float("nan")
    print(f"\ntaking the exam: {len(taking)} learners, mean think time {args.think:g} s between actions, {timing['exam']:.0f} s: "
          f"{answered} questions done, ~{speedup:.0f}x the pace of a real exam (2.4 min a question)")
    print(figures.HEADER)
    for kind in ("exam page", "autosave", "clock", "save and next"):
        print(figures.line(phase, kind, timing["exam"]).row())

    print(f"\nbursts: zero think time, {args.connections} connections, {args.rounds} x {args.burst:g} s each, in turn")
    print(figures.HEADER)
    lines = {}
    for name, seconds in timing["bursts"].items():
        lines[name] = figures.line([s for s in samples if s.phase == f"burst {name}"], name, seconds)
        print(lines[name].row())
    base = lines.get("minimal page")
    verdicts = []
    for name in ("exam page", "autosave"):
        if base is None or name not in lines:
            continue
        got = lines[name]
        ratio = got.per_second / base.per_second if base.per_second else float("nan")
        verdicts.append(
            f"{name}: {ratio:.0%} of the minimal page's throughput (target >= {TARGET_RATIO:.0%}: "
            f"{'met' if ratio >= TARGET_RATIO else 'MISSED'}); p99 {got.p99:.0f} ms vs minimal {base.p99:.0f} ms "
            f"(x{got.p99 / base.p99:.1f}; target < {TARGET_P99_MS} ms: {'met' if got.p99 < TARGET_P99_MS else 'MISSED'})"
        )
    print("\n".join(verdicts))

    failed = sum(figures.errors(samples).values())
    print(f"\nerrors by status, over all {len(samples):,} requests (target 0): {failed}")
    figures.print_errors(samples)
    print(figures.server_log(log))
    check = figures.check_answers(url, learners)
    print()
    print("\n".join(check.lines()))


def main() -> None:
    args = arguments()
    with services.workspace("bench_exam_day_") as (tmp, stack):
        url, env, what = start_services(args, tmp, stack)
        setup_seconds = services.run_setup(env, tmp / "setup.log")
        app_server, minimal_server = start_servers(args, env, tmp, stack)
        server = (
            "flask serve (waitress, 8 threads, 1 process); the minimal page on waitress-serve, 8 threads"
            if args.sqlite
            else f"gunicorn, {args.workers} workers x {services.THREADS} threads (gthread), the minimal page the same"
        )
        recorder = Recorder()
        timing = asyncio.run(scenario(args, app_server.base, minimal_server.base, recorder))
        report(args, what, server, setup_seconds, url, recorder, timing, app_server.log)


if __name__ == "__main__":
    main()
