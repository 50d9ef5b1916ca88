"""An instructor's view of a cohort's results: the dashboard (mastery by section, readiness,
each assignment's completion) and the results as CSV, one row per attempt."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from study.extensions import db
from study.models import Assignment, Attempt, Cohort, ExamBlueprint, User
from study.services import progress
from study.services.assignments import Result, attempt_groups, attempts_by, describe, describe_policy, result_of, submitted_late
from study.services.cohorts import get_cohort, members

VERDICTS = ("likely to pass", "borderline", "not yet", "not enough evidence")


@dataclass
class HeatCell:
    title: str
    accuracy: float | None  # percent
    answers: int


@dataclass
class HeatRow:
    learner: User
    cells: list[HeatCell]
    verdict: str
    predicted: float | None
    shared: bool = True  # False: the learner keeps their general progress to themselves (no cells)


@dataclass
class AssignmentSummary:
    assignment: Assignment
    done: int
    late: int
    learners: int
    mean_score: float | None

    @property
    def description(self) -> str:
        return describe(self.assignment)

    @property
    def policy(self) -> str:
        return describe_policy(self.assignment)


@dataclass
class CohortDashboard:
    cohort: Cohort
    learners: list[User]
    sections: list[str]
    heat: list[HeatRow]
    readiness: dict[str, int]
    summaries: list[AssignmentSummary]
    results: dict[tuple[int, int], Result]  # (assignment id, learner id) -> result
    extra_time: dict[int, float]  # learner id -> this cohort's multiplier

    def attempts(self, assignment: Assignment, learner: User) -> list[AttemptRow]:
        return attempt_rows(assignment, self.results[(assignment.id, learner.id)])


def results(cohort: Cohort, learners: list[User]) -> dict[tuple[int, int], Result]:
    grouped = attempts_by([a.id for a in cohort.assignments], [u.id for u in learners])
    return {(a.id, u.id): result_of(a, grouped.get((a.id, u.id), [])) for a in cohort.assignments for u in learners}


NOT_SHARED = "not shared"


def cohort_dashboard(actor: User, cohort_id: int, now: datetime) -> CohortDashboard:
    """The mastery heatmap and the readiness counts are general progress: only the learners who
    agreed to share it (CohortMember.share_progress) have cells and a verdict; the others' row
    says "not shared" and they are left out of the readiness counts."""
    cohort = get_cohort(actor, cohort_id)
    learners = members(cohort)
    sharing = {m.user_id for m in cohort.members if m.share_progress}
    sections: list[str] = []
    heat: list[HeatRow] = []
    readiness = {v: 0 for v in VERDICTS}
    blueprint = db.session.get(ExamBlueprint, cohort.exam) if cohort.exam else None
    if blueprint is not None:
        sections = [section["title"] for section in blueprint.sections]
        for learner in learners:
            if learner.id not in sharing:
                heat.append(HeatRow(learner, [], NOT_SHARED, None, shared=False))
                continue
            board = progress.dashboard(learner, blueprint.exam, now)
            cells = [
                HeatCell(s.title, None if s.accuracy is None else round(100 * s.accuracy, 1), s.evidence.answers)
                for s in board.sections
            ]
            verdict = board.readiness.verdict
            readiness[verdict] = readiness.get(verdict, 0) + 1
            predicted = None if verdict == "not enough evidence" else board.readiness.score
            heat.append(HeatRow(learner, cells, verdict, predicted))
    table = results(cohort, learners)
    summaries = []
    for assignment in cohort.assignments:
        done = [table[(assignment.id, u.id)] for u in learners if table[(assignment.id, u.id)].done]
        mean = round(sum(r.score or 0 for r in done) / len(done), 1) if done else None
        summaries.append(AssignmentSummary(assignment, len(done), sum(1 for r in done if r.late), len(learners), mean))
    multipliers = {m.user_id: m.extra_time_multiplier for m in cohort.members}
    return CohortDashboard(cohort, learners, sections, heat, readiness, summaries, table, multipliers)


CSV_HEADER = [
    "learner", "email", "assignment", "kind", "case", "attempt", "status", "score", "submitted_at", "late", "counts",
]


@dataclass
class AttemptRow:
    """One attempt of a learner at an assignment (at one case of a case set), numbered from 1."""

    case: str | None
    number: int
    attempt: Attempt
    counts: bool
    late: bool


def attempt_rows(assignment: Assignment, result: Result) -> list[AttemptRow]:
    rows = []
    for case, group in attempt_groups(assignment, result.attempts).items():
        for number, attempt in enumerate(group, start=1):
            late = attempt.submitted_at is not None and submitted_late(assignment, attempt)
            rows.append(AttemptRow(case, number, attempt, attempt.id in result.counted, late))
    return rows


def results_csv(actor: User, cohort_id: int, now: datetime) -> str:
    """One row per attempt (a learner who has not started has one row saying so), every cell
    escaped against spreadsheet formulas."""
    cohort = get_cohort(actor, cohort_id)
    learners = members(cohort)
    table = results(cohort, learners)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for assignment in cohort.assignments:
        for learner in learners:
            r = table[(assignment.id, learner.id)]
            who = [learner.name, learner.email, assignment.title, assignment.kind]
            rows = attempt_rows(assignment, r)
            if not rows:
                status = "not started" if now <= assignment.due_at else "not started (overdue)"
                writer.writerow([safe_cell(v) for v in who + ["", "", status, "", "", "no", "no"]])
            for row in rows:
                a = row.attempt
                writer.writerow([safe_cell(v) for v in who + [
                    row.case or "", row.number, a.status, "" if a.score_pct is None else f"{a.score_pct:.1f}",
                    a.submitted_at.isoformat() if a.submitted_at else "", "yes" if row.late else "no", "yes" if row.counts else "no",
                ]])
    return out.getvalue()


def safe_cell(value) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @, a tab or a carriage return is
    read as text (a leading apostrophe). Every cell of every export goes through here."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
