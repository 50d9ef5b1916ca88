"""Figures from the recorded requests, and the check of acknowledged answers against the database."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.loadkit.learners import Learner, Sample
from study.services.attempts import LETTERS  # the shown letters, in order


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Line:
    kind: str
    done: int  # answered as expected
    failed: int
    per_second: float  # done / the seconds the phase lasted
    p50: float
    p95: float
    p99: float

    def row(self, label: str | None = None) -> str:
        return (
            f"{label or self.kind:28}{self.done:8d}{self.failed:7d}{self.per_second:9.1f}"
            f"{self.p50:9.1f}{self.p95:9.1f}{self.p99:9.1f}"
        )


HEADER = f"{'':28}{'done':>8}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"


def line(samples: list[Sample], kind: str, seconds: float) -> Line:
    """Latencies of the requests that answered as expected (errors are counted apart)."""
    mine = [s for s in samples if s.kind == kind]
    ok = sorted(s.ms for s in mine if s.body == "ok")
    return Line(kind, len(ok), len(mine) - len(ok), len(ok) / seconds if seconds else math.nan, *(percentile(ok, p) for p in (50, 95, 99)))


def errors(samples: list[Sample]) -> Counter:
    """(kind, status, what it looked like) of every request that did not answer as expected."""
    return Counter((s.kind, s.status, s.body) for s in samples if s.body != "ok")


def print_errors(samples: list[Sample], indent: str = "  ") -> None:
    found = errors(samples)
    if not found:
        print(f"{indent}none")
    for (kind, status, body), count in sorted(found.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"{indent}{count:6d} x {kind}: {status} -> {body}")


def server_log(path: Path) -> str:
    """How many tracebacks the server logged, and their most common exceptions (the last line of
    each traceback, up to its colon)."""
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    last = Counter()
    for i, current in enumerate(lines):
        if current.startswith("Traceback"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j] and not lines[j].startswith(" ")), None)
            if end is not None:
                last[lines[end].split(":", 1)[0]] += 1
    found = ", ".join(f"{name} x{count}" for name, count in last.most_common(4)) or "none"
    return f"server log: {text.count('Traceback')} tracebacks logged (users never see the log); last exceptions: {found}"


@dataclass
class AnswerCheck:
    learners: int
    acknowledged_requests: int
    acknowledged: int  # distinct questions with an acknowledged answer
    stored: int  # stored answers on those attempts
    matching: int  # acknowledged and stored with the acknowledged value
    lost: int  # acknowledged, not stored
    wrong: int  # acknowledged, stored with another value
    doubled: int  # questions with more than one stored row
    unacknowledged: int  # stored but never acknowledged (a save whose answer the client did not see)
    attempts_off: int  # attempts whose stored count differs from the acknowledged count

    def lines(self) -> list[str]:
        return [
            f"answers acknowledged: {self.acknowledged:,} questions ({self.acknowledged_requests:,} acknowledging requests) "
            f"by {self.learners} learners",
            f"stored {self.stored:,}: {self.matching:,} with the acknowledged value; lost {self.lost}, "
            f"stored with another value {self.wrong}, doubled {self.doubled}  (target: 0 lost, 0 doubled)",
            f"stored without an acknowledgement the client saw: {self.unacknowledged}; attempts whose stored count "
            f"differs from the acknowledged count: {self.attempts_off}",
        ]

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.wrong == 0 and self.doubled == 0


def check_answers(database_url: str, learners: list[Learner]) -> AnswerCheck:
    """Compare what each learner was acknowledged with the `response` rows of its attempt: the
    stored answer is the bank's letters, mapped from the shown ones through the item's option order."""
    import sqlalchemy as sa

    taking = {lr.attempt_id: lr for lr in learners if lr.attempt_id is not None}
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT ai.attempt_id, ai.position, ai.option_order, r.answer_json FROM attempt_item ai "
                    "JOIN response r ON r.attempt_item_id = ai.id WHERE ai.attempt_id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": list(taking) or [-1]},
            ).all()
    finally:
        engine.dispose()
    stored: dict[tuple[int, int], list[tuple[str, list[str]]]] = defaultdict(list)
    for attempt_id, position, order, answer in rows:
        stored[(attempt_id, position)].append((order or LETTERS, json.loads(answer).get("selected", [])))
    counts = Counter()
    per_attempt = Counter(attempt_id for attempt_id, _ in stored)
    for attempt_id, learner in taking.items():
        for position, shown in learner.acked.items():
            found = stored.get((attempt_id, position))
            if not found:
                counts["lost"] += 1
                continue
            order, selected = found[-1]
            counts["matching" if [order[LETTERS.index(shown)]] == selected else "wrong"] += 1
        counts["unacknowledged"] += sum(1 for (a, p) in stored if a == attempt_id and p not in learner.acked)
        counts["attempts_off"] += per_attempt[attempt_id] != len(learner.acked)
    return AnswerCheck(
        learners=len(taking),
        acknowledged_requests=sum(lr.acks for lr in taking.values()),
        acknowledged=sum(len(lr.acked) for lr in taking.values()),
        stored=len(stored),
        matching=counts["matching"],
        lost=counts["lost"],
        wrong=counts["wrong"],
        doubled=sum(1 for found in stored.values() if len(found) > 1),
        unacknowledged=counts["unacknowledged"],
        attempts_off=counts["attempts_off"],
    )
