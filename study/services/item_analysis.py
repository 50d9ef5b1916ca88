"""Item analysis for instructors: Moodle's statistics (study.analysis) on the attempts of an exam
blueprint or of an assignment, option-by-option choice counts for MCQs and verdict counts per key
line for coding cases.

Who sees what: an admin sees every learner's attempts; an instructor sees the attempts of the
learners in their own cohorts (CohortMember of a Cohort they own), and the analysis of their own
assignments only. Items: published ones, those from bank files, and the web items the viewer may
edit (authoring.can_edit); another instructor's draft is 404 and left out of the tables.

The score matrix comes from one query (attempt id, item id, position, score) over the served
items of the submitted attempts in scope; an item that was served but not answered scores 0, an
item that was not served is NaN (study.analysis). Per-item statistics use the attempts x items
matrix; the test statistics (Cronbach's alpha ...) use the attempts x positions matrix, as Moodle
does for quizzes whose questions are drawn at random.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import cast

import numpy as np
import sqlalchemy as sa

from study import analysis
from study.bank.model import CaseItem, McqItem
from study.extensions import db
from study.grading.answers import as_case, as_mcq
from study.grading.results import LINE_KINDS, VERDICTS
from study.kinds import AttemptKind, AttemptStatus, ItemStatus, ItemType
from study.models import Assignment, Attempt, AttemptItem, Cohort, CohortMember, ExamBlueprint, Item, Response, User
from study.services import Forbidden, NotFound
from study.services.authoring import can_edit
from study.services.grading import parsed_version


# ------------------------------------------------------------------ scope
@dataclass(frozen=True)
class Scope:
    """Which attempts are analysed: those of an exam blueprint, or of an assignment."""

    kind: str  # exam | assignment
    exam: str | None = None
    assignment_id: int | None = None
    title: str = ""


def _learners_of(viewer: User):
    """None for admins (everyone); else a subquery of the user ids in the viewer's cohorts."""
    if viewer.is_admin:
        return None
    return (
        sa.select(CohortMember.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.owner_id == viewer.id)
        .scalar_subquery()
    )


def _conditions(viewer: User, scope: Scope) -> list:
    conditions = [Attempt.status == AttemptStatus.SUBMITTED]
    if scope.kind == "exam":  # the scope is an exam blueprint (else an assignment)
        conditions += [Attempt.kind == AttemptKind.EXAM, Attempt.exam == scope.exam]
        learners = _learners_of(viewer)
        if learners is not None:
            conditions.append(Attempt.user_id.in_(learners))
    else:
        conditions.append(Attempt.assignment_id == scope.assignment_id)
    return conditions


def exam_scope(exam: str) -> Scope:
    blueprint = db.session.get(ExamBlueprint, exam)
    if blueprint is None:
        raise NotFound(f"No blueprint for {exam}.")
    return Scope("exam", exam=exam, title=blueprint.title)


def assignment_scope(viewer: User, assignment_id: int) -> Scope:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("No such assignment.")
    if not viewer.is_admin and assignment.cohort.owner_id != viewer.id:
        raise Forbidden("This assignment belongs to another instructor's cohort.")
    return Scope("assignment", assignment_id=assignment.id, title=f"{assignment.title} ({assignment.cohort.name})")


def can_view(viewer: User, item: Item) -> bool:
    """The viewer may see this item's content (its stem, options and key) in the analysis pages."""
    return item.status == ItemStatus.PUBLISHED or item.origin == "file" or can_edit(viewer, item)


# ------------------------------------------------------------------ the matrix
@dataclass(frozen=True)
class ScoreMatrix:
    attempt_ids: np.ndarray
    item_ids: np.ndarray
    by_item: np.ndarray  # attempts x items, NaN = not served
    by_slot: np.ndarray  # attempts x positions, NaN = no such position in that attempt


def score_matrix(viewer: User, scope: Scope) -> ScoreMatrix:
    """One query for (attempt, item, position, score) of every served item in scope; numpy does the rest."""
    stmt = (
        sa.select(AttemptItem.attempt_id, AttemptItem.item_id, AttemptItem.position, sa.func.coalesce(Response.score, 0.0))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(*_conditions(viewer, scope))
    )
    result = db.session.connection().execute(stmt)
    # 200,000 cells: read the DBAPI cursor's plain tuples (SQLAlchemy's Row objects cost more
    # than the query itself at this size); every column is a number, nothing to convert
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else [tuple(row) for row in result]
    result.close()
    return matrix_from_rows(rows)


def matrix_from_rows(rows) -> ScoreMatrix:
    """Rows of (attempt id, item id, position, score) -> the two NaN-padded matrices."""
    if not rows:
        empty = np.empty((0, 0))
        return ScoreMatrix(np.empty(0, dtype=int), np.empty(0, dtype=int), empty, empty)
    data = np.fromiter(chain.from_iterable(rows), dtype=float, count=4 * len(rows)).reshape(-1, 4)
    attempt_ids, attempt_index = np.unique(data[:, 0].astype(np.int64), return_inverse=True)
    item_ids, item_index = np.unique(data[:, 1].astype(np.int64), return_inverse=True)
    positions, slot_index = np.unique(data[:, 2].astype(np.int64), return_inverse=True)
    scores = np.clip(data[:, 3], 0.0, 1.0)
    by_item = np.full((len(attempt_ids), len(item_ids)), np.nan)
    by_item[attempt_index, item_index] = scores
    by_slot = np.full((len(attempt_ids), len(positions)), np.nan)
    by_slot[attempt_index, slot_index] = scores
    return ScoreMatrix(attempt_ids, item_ids, by_item, by_slot)


# ------------------------------------------------------------------ statistics
@dataclass(frozen=True)
class ItemRow:
    item: Item
    stats: analysis.ItemStats

    @property
    def flag_labels(self) -> list[str]:
        return [analysis.FLAG_LABELS[f] for f in self.stats.flags]


@dataclass(frozen=True)
class Analysis:
    scope: Scope
    attempts: int
    quiz: analysis.QuizStats
    rows: list[ItemRow]

    @property
    def flagged(self) -> list[ItemRow]:
        return [row for row in self.rows if row.stats.flags]


def analyse(viewer: User, scope: Scope) -> Analysis:
    matrix = score_matrix(viewer, scope)
    item_stats = analysis.item_statistics(matrix.by_item)
    quiz = analysis.quiz_statistics(matrix.by_slot)
    items = {i.id: i for i in db.session.scalars(sa.select(Item).where(Item.id.in_(matrix.item_ids.tolist())))}
    rows = [
        ItemRow(items[int(item_id)], stats)
        for item_id, stats in zip(matrix.item_ids.tolist(), item_stats, strict=True)
        if can_view(viewer, items[int(item_id)])
    ]
    rows.sort(key=lambda r: r.item.key)
    return Analysis(scope, len(matrix.attempt_ids), quiz, rows)


def analyse_exam(viewer: User, exam: str) -> Analysis:
    return analyse(viewer, exam_scope(exam))


def analyse_assignment(viewer: User, assignment_id: int) -> Analysis:
    return analyse(viewer, assignment_scope(viewer, assignment_id))


@dataclass(frozen=True)
class ExamSummary:
    exam: str
    title: str
    attempts: int
    quiz: analysis.QuizStats


def exam_overview(viewer: User) -> list[ExamSummary]:
    """Every exam blueprint with submitted attempts the viewer may see, with its test statistics."""
    conditions = [Attempt.kind == AttemptKind.EXAM, Attempt.status == AttemptStatus.SUBMITTED, Attempt.exam.is_not(None)]
    learners = _learners_of(viewer)
    if learners is not None:
        conditions.append(Attempt.user_id.in_(learners))
    # no None among them: the query asks for attempts with an exam
    exams = cast(Sequence[str], db.session.scalars(sa.select(Attempt.exam).where(*conditions).distinct().order_by(Attempt.exam)).all())
    summaries = []
    for exam in exams:
        blueprint = db.session.get(ExamBlueprint, exam)
        if blueprint is None:
            continue
        scope = Scope("exam", exam=exam, title=blueprint.title)
        matrix = score_matrix(viewer, scope)
        summaries.append(ExamSummary(exam, blueprint.title, len(matrix.attempt_ids), analysis.quiz_statistics(matrix.by_slot)))
    return summaries


def my_assignments(viewer: User) -> list[Assignment]:
    """Assignments the viewer may analyse (their cohorts' or, for admins, all) that have submitted attempts."""
    stmt = (
        sa.select(Assignment)
        .join(Cohort, Cohort.id == Assignment.cohort_id)
        .where(sa.exists().where(Attempt.assignment_id == Assignment.id, Attempt.status == AttemptStatus.SUBMITTED))
        .order_by(Assignment.due_at.desc())
    )
    if not viewer.is_admin:
        stmt = stmt.where(Cohort.owner_id == viewer.id)
    return list(db.session.scalars(stmt))


# ------------------------------------------------------------------ one item in detail
@dataclass(frozen=True)
class OptionCount:
    letter: str  # the bank's letter
    text: str
    count: int
    correct: bool
    percent: float


@dataclass(frozen=True)
class KeyLineCount:
    kind: str
    expected: str | None  # None: codes that matched no key line (extra, invalid, not reportable)
    verdicts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.verdicts.values())


@dataclass(frozen=True)
class ItemBreakdown:
    scope: Scope
    item: Item
    parsed: McqItem | CaseItem | None
    stats: analysis.ItemStats | None
    served: int
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    key_lines: list[KeyLineCount] = field(default_factory=list)
    verdicts: tuple[str, ...] = VERDICTS

    @property
    def unanswered(self) -> int:
        return self.served - self.answered


def item_breakdown(viewer: User, scope: Scope, item_id: int) -> ItemBreakdown:
    item = db.session.get(Item, item_id)
    if item is None or not can_view(viewer, item):
        raise NotFound("No such item.")
    parsed = parsed_version(item.current_version) if item.current_version else None
    stmt = (
        sa.select(Response.answer_json, Response.report_json, Response.id.is_not(None))
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.item_id == item.id, *_conditions(viewer, scope))
    )
    rows = db.session.execute(stmt).all()
    answered = [(a, r) for a, r, has in rows if has]
    analysed = analyse(viewer, scope) if rows else None
    stats = next((row.stats for row in analysed.rows if row.item.id == item.id), None) if analysed else None
    options: list[OptionCount] = []
    key_lines: list[KeyLineCount] = []
    if item.type == ItemType.MCQ:
        options = _option_counts(None if parsed is None else as_mcq(parsed), [a for a, _ in answered])
    else:
        key_lines = _key_line_counts(None if parsed is None else as_case(parsed), [r for _, r in answered])
    return ItemBreakdown(scope, item, parsed, stats, len(rows), len(answered), options=options, key_lines=key_lines)


def _option_counts(parsed: McqItem | None, answers: list[str]) -> list[OptionCount]:
    counts: Counter[str] = Counter()
    for text in answers:
        try:
            selected = json.loads(text or "{}").get("selected", [])
        except (ValueError, AttributeError):
            continue
        counts.update(str(letter) for letter in set(selected))
    total = len(answers)
    options = []
    known = [] if parsed is None else [(o.letter, o.text) for o in parsed.options]
    answer = set() if parsed is None else set(parsed.answer)
    for letter in sorted({*counts, *(k for k, _ in known)}):
        text = dict(known).get(letter, "(not in the current version)")
        percent = round(100 * counts[letter] / total, 1) if total else 0.0
        options.append(OptionCount(letter, text, counts[letter], letter in answer, percent))
    return options


def _key_line_counts(parsed: CaseItem | None, reports: list[str]) -> list[KeyLineCount]:
    groups: dict[tuple[str, str | None], Counter[str]] = {}
    # the key's lines first, in key order, so lines nobody got right still show
    if isinstance(parsed, CaseItem):
        for kind, lines in (("diagnosis", parsed.key.diagnoses), ("procedure", parsed.key.procedures), ("pcs", parsed.key.pcs)):
            for line in lines:
                groups.setdefault((kind, line.code), Counter())
    for text in reports:
        try:
            lines = json.loads(text).get("lines", []) if text else []
        except (ValueError, AttributeError):
            continue
        for line in lines:
            key = (str(line.get("kind", "")), line.get("expected"))
            groups.setdefault(key, Counter())[str(line.get("verdict", ""))] += 1
    order = {kind: i for i, kind in enumerate(LINE_KINDS)}
    keyed = sorted(groups.items(), key=lambda kv: (kv[0][1] is None, order.get(kv[0][0], 99)))
    return [KeyLineCount(kind, expected, dict(counter)) for (kind, expected), counter in keyed]
