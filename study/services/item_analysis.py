"""Item analysis for instructors: statistics as Moodle's quiz statistics define them (study.analysis) on the attempts of an exam
blueprint or of an assignment, option-by-option choice counts for MCQs and verdict counts per key
line for coding cases.

Who sees what: an admin sees every learner's attempts; an instructor sees the exam attempts of
the learners in their own cohorts (CohortMember of a Cohort they own) started on or after the day
they joined that cohort (an exam taken before joining is not the cohort's), and the analysis of
their own assignments only. An instructor's "try an answer" on the item pages is graded in memory
and never stored (study.services.authoring.try_mcq/try_case), so it is never counted. Items:
published ones, those from bank files, and the web items the viewer may edit
(authoring.can_edit); another instructor's draft is 404 and left out of the tables.

The score matrix comes from one query (attempt id, item id, position, score) over the served
items of the submitted attempts in scope; an item that was served but not answered scores 0, an
item that was not served is NaN (study.analysis). Per-item statistics use the attempts x items
matrix; the test statistics (Cronbach's alpha ...) use the attempts x positions matrix, as Moodle
does for quizzes whose questions are drawn at random.

Flags and the "possible wrong key" signal (study.analysis) need a minimum number of responses,
ITEM_ANALYSIS_MIN_RESPONSES (20 by default), which the views read and pass in as `min_responses`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from study import analysis
from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.grading.answers import as_case, as_mcq
from study.grading.results import LINE_KINDS, VERDICTS
from study.kinds import AttemptKind, AttemptStatus, ItemStatus, ItemType
from study.models import Assignment, Attempt, AttemptItem, Cohort, CohortMember, ExamBlueprint, Item, ItemVersion, Response, User
from study.services import Forbidden, NotFound, ServiceError
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


def _in_cohorts_of(viewer: User | None):
    """None for admins and for the site as a whole (viewer None: everyone); else: the attempt's
    learner is in one of the viewer's cohorts and started the attempt on or after joining it."""
    if viewer is None or viewer.is_admin:
        return None
    return (
        sa.exists()
        .where(
            CohortMember.user_id == Attempt.user_id,
            CohortMember.joined_at <= Attempt.started_at,
            Cohort.id == CohortMember.cohort_id,
            Cohort.owner_id == viewer.id,
        )
        .correlate(Attempt)
    )


def _exam_conditions(viewer: User | None) -> list:
    """The submitted exam attempts (of every blueprint) the viewer may analyse."""
    conditions = [Attempt.kind == AttemptKind.EXAM, Attempt.status == AttemptStatus.SUBMITTED, Attempt.exam.is_not(None)]
    members = _in_cohorts_of(viewer)
    if members is not None:
        conditions.append(members)
    return conditions


def _conditions(viewer: User, scope: Scope) -> list:
    if scope.kind == "exam":  # the scope is an exam blueprint (else an assignment)
        return [*_exam_conditions(viewer), Attempt.exam == scope.exam]
    return [Attempt.status == AttemptStatus.SUBMITTED, Attempt.assignment_id == scope.assignment_id]


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
    return matrix_from_rows(plain_rows(stmt))


def plain_rows(stmt) -> list[tuple]:
    """Every row of a statement as the DBAPI cursor's plain tuples: at 200,000 cells SQLAlchemy's
    Row objects cost more than the query itself (the columns read here need no conversion)."""
    result = db.session.connection().execute(stmt)
    cursor = getattr(result, "cursor", None)
    rows = cursor.fetchall() if cursor is not None else [tuple(row) for row in result]
    result.close()
    return rows


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
    wrong_key: tuple[analysis.WrongKey, ...] = ()

    @property
    def flag_labels(self) -> list[str]:
        return [analysis.FLAG_LABELS[f] for f in self.stats.flags]

    @property
    def flagged(self) -> bool:
        return bool(self.stats.flags or self.wrong_key)


@dataclass(frozen=True)
class Analysis:
    scope: Scope
    attempts: int
    quiz: analysis.QuizStats
    rows: list[ItemRow]
    min_responses: int = analysis.MIN_RESPONSES

    @property
    def flagged(self) -> list[ItemRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def wrong_keys(self) -> list[ItemRow]:
        return [row for row in self.rows if row.wrong_key]


def _answers(conditions: list, item_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(attempt id, item id, answer) of the responses to `item_ids` short of full marks in the
    attempts the conditions select: an MCQ's answer, a case's stored grade report. Full marks
    mean the key exactly (an MCQ's key letters, every required line of a case correct): those
    answers are known from the score matrix and not read."""
    if not item_ids:
        return []
    stmt = (
        sa.select(
            AttemptItem.attempt_id,
            AttemptItem.item_id,
            sa.case((Response.report_json != "", Response.report_json), else_=Response.answer_json),
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .where(*conditions, sa.func.coalesce(Response.score, 0.0) < 1.0, AttemptItem.item_id.in_(list(item_ids)))
    )
    return plain_rows(stmt)


def _selected(text: str, cache: dict[str, frozenset[str]]) -> frozenset[str]:
    """The letters of an MCQ answer (few distinct texts: parsed once each)."""
    if text not in cache:
        try:
            cache[text] = frozenset(str(letter) for letter in json.loads(text or "{}").get("selected", []))
        except (ValueError, AttributeError):
            cache[text] = frozenset()
    return cache[text]


def _agreed(text: str) -> frozenset[tuple[str, str]]:
    """The key lines (kind, code) a stored case report marks correct."""
    try:
        lines = json.loads(text).get("lines", []) if text else []
    except (ValueError, AttributeError):
        return frozenset()
    return frozenset((str(ln.get("kind")), str(ln.get("expected"))) for ln in lines if ln.get("verdict") == "correct")


def _required_lines(parsed: CaseItem) -> list[tuple[str, str]]:
    key = parsed.key
    return [
        (kind, line.code)
        for kind, lines in (("diagnosis", key.diagnoses), ("procedure", key.procedures), ("pcs", key.pcs))
        for line in lines
        if not line.optional
    ]


def wrong_keys(
    matrix: ScoreMatrix,
    answers: Sequence[tuple[int, int, str]],
    parsed: Mapping[int, McqItem | CaseItem | BillingItem | None],
    min_responses: int,
) -> dict[int, tuple[analysis.WrongKey, ...]]:
    """The possible wrong keys (study.analysis) of the items in `parsed`, each ranked by the rest of
    the test in `matrix`: item id -> its suspects (items without any are left out). `answers`: the
    responses short of full marks (_answers); a full mark in the matrix is an answer with the key."""
    if not len(matrix.attempt_ids):
        return {}
    totals = np.nansum(matrix.by_item, axis=1)
    column = {int(item_id): j for j, item_id in enumerate(matrix.item_ids.tolist())}
    # the answers grouped by item with numpy: their rows in the matrix, their texts
    answer_items = np.fromiter((row[1] for row in answers), dtype=np.int64, count=len(answers))
    answer_rows = np.searchsorted(matrix.attempt_ids, np.fromiter((row[0] for row in answers), dtype=np.int64, count=len(answers)))
    order = np.argsort(answer_items, kind="stable")
    starts = dict(zip(*np.unique(answer_items[order], return_index=True), strict=True)) if len(answers) else {}
    counts = Counter(answer_items.tolist())
    cache: dict[str, frozenset[str]] = {}
    out: dict[int, tuple[analysis.WrongKey, ...]] = {}
    for item_id, item in parsed.items():
        if item is None or item_id not in column:
            continue
        x = matrix.by_item[:, column[item_id]]
        start = int(starts.get(item_id, 0))
        mine = order[start : start + counts.get(item_id, 0)]  # indices into `answers`
        full = np.flatnonzero(x >= 1.0)  # full marks: the key (NaN, not served, compares False)
        if not analysis.enough_responses(len(mine) + len(full), min_responses):
            continue
        index = np.concatenate([answer_rows[mine], full])
        upper = np.asarray(analysis.upper_group(totals[index] - x[index]), dtype=bool)
        upper_partial = mine[upper[: len(mine)]]
        upper_full = int(upper[len(mine) :].sum())
        found: list[analysis.WrongKey]
        if isinstance(item, McqItem):
            choices = [_selected(answers[i][2], cache) for i in upper_partial.tolist()]
            found = analysis.mcq_suspects(choices + [frozenset(item.answer)] * upper_full, item.answer)
        elif isinstance(item, BillingItem):  # no wrong-key signal for a whole form (yet): its field counts show
            continue
        else:
            lines = _required_lines(item)
            agreed = [_agreed(answers[i][2]) for i in upper_partial.tolist()]
            found = analysis.case_suspects(agreed + [frozenset(lines)] * upper_full, lines)
        if found:
            out[item_id] = tuple(found)
    return out


def _parse(version: ItemVersion | None) -> McqItem | CaseItem | BillingItem | None:
    """The version parsed; None (no wrong-key signal) if there is none or it no longer parses: the
    statistics pages never fail on one item."""
    if version is None:
        return None
    try:
        return parsed_version(version)
    except ServiceError:
        return None


def _parsed(items: Sequence[Item]) -> dict[int, McqItem | CaseItem | BillingItem | None]:
    """Each item's current version parsed (their versions already loaded)."""
    return {item.id: _parse(item.current_version) for item in items}


def analyse(viewer: User, scope: Scope, min_responses: int = analysis.MIN_RESPONSES) -> Analysis:
    """Four statements whatever the size: the matrix, the items and their current versions, the answers."""
    matrix = score_matrix(viewer, scope)
    item_stats = analysis.item_statistics(matrix.by_item, min_responses=min_responses)
    quiz = analysis.quiz_statistics(matrix.by_slot)
    loaded = db.session.scalars(sa.select(Item).where(Item.id.in_(matrix.item_ids.tolist())).options(selectinload(Item.current_version)))
    items = {i.id: i for i in loaded}
    visible = [items[int(item_id)] for item_id in matrix.item_ids.tolist() if can_view(viewer, items[int(item_id)])]
    parsed = {i: p for i, p in _parsed(visible).items() if p is not None}
    candidates = [
        item_id for item_id, stats in zip(matrix.item_ids.tolist(), item_stats, strict=True) if item_id in parsed and stats.enough
    ]
    answers = _answers(_conditions(viewer, scope), candidates)
    suspects = wrong_keys(matrix, answers, {i: parsed[i] for i in candidates}, min_responses)
    rows = [
        ItemRow(items[int(item_id)], stats, suspects.get(int(item_id), ()))
        for item_id, stats in zip(matrix.item_ids.tolist(), item_stats, strict=True)
        if can_view(viewer, items[int(item_id)])
    ]
    rows.sort(key=lambda r: r.item.key)
    return Analysis(scope, len(matrix.attempt_ids), quiz, rows, min_responses)


def analyse_exam(viewer: User, exam: str, min_responses: int = analysis.MIN_RESPONSES) -> Analysis:
    return analyse(viewer, exam_scope(exam), min_responses)


def analyse_assignment(viewer: User, assignment_id: int, min_responses: int = analysis.MIN_RESPONSES) -> Analysis:
    return analyse(viewer, assignment_scope(viewer, assignment_id), min_responses)


@dataclass(frozen=True)
class Suspect:
    """A possible wrong key found in one exam blueprint's analysis (for the item list)."""

    exam: str
    signal: analysis.WrongKey


def suspects_in_exams(
    viewer: User | None, items: Sequence[Item], min_responses: int = analysis.MIN_RESPONSES
) -> dict[int, list[Suspect]]:
    """The possible wrong keys of `items` in every exam blueprint's analysis the viewer sees (the
    item list's badges; viewer None: every learner, for the bank list's stored figures): three
    statements whatever the size (the scores of the exam attempts, the answers to these items, the
    current versions of the items that have any)."""
    if not items:
        return {}
    conditions = _exam_conditions(viewer)
    stmt = (
        sa.select(Attempt.exam, AttemptItem.attempt_id, AttemptItem.item_id, AttemptItem.position, sa.func.coalesce(Response.score, 0.0))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(*conditions)
    )
    by_exam: dict[str, list[tuple]] = {}
    for exam, *cells in db.session.execute(stmt):
        by_exam.setdefault(str(exam), []).append(tuple(cells))  # never None: the conditions ask for an exam
    if not by_exam:
        return {}
    wanted = {item.id: item for item in items}
    served = Counter(int(item_id) for rows in by_exam.values() for _, item_id, _, _ in rows)
    enough = [i for i in wanted if analysis.enough_responses(served[i], min_responses)]
    if not enough:
        return {}
    version_ids = [wanted[i].current_version_id for i in enough]
    versions = {v.item_id: v for v in db.session.scalars(sa.select(ItemVersion).where(ItemVersion.id.in_(version_ids)))}
    parsed = {i: p for i in enough if (p := _parse(versions.get(i))) is not None}
    answers = _answers(conditions, list(parsed))
    exam_of = {attempt_id: exam for exam, rows in by_exam.items() for attempt_id, *_ in rows}
    out: dict[int, list[Suspect]] = {}
    for exam in sorted(by_exam):
        mine = [a for a in answers if exam_of.get(a[0]) == exam]
        for item_id, found in wrong_keys(matrix_from_rows(by_exam[exam]), mine, parsed, min_responses).items():
            out.setdefault(item_id, []).extend(Suspect(exam, signal) for signal in found)
    return out


@dataclass(frozen=True)
class ExamSummary:
    exam: str
    title: str
    attempts: int
    quiz: analysis.QuizStats


def exam_overview(viewer: User) -> list[ExamSummary]:
    """Every exam blueprint with submitted attempts the viewer may see, with its test statistics."""
    conditions = _exam_conditions(viewer)
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
    parsed: McqItem | CaseItem | BillingItem | None
    stats: analysis.ItemStats | None
    served: int
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    key_lines: list[KeyLineCount] = field(default_factory=list)
    verdicts: tuple[str, ...] = VERDICTS
    wrong_key: tuple[analysis.WrongKey, ...] = ()
    min_responses: int = analysis.MIN_RESPONSES

    @property
    def enough(self) -> bool:
        return self.stats is not None and self.stats.enough

    @property
    def unanswered(self) -> int:
        return self.served - self.answered


def item_breakdown(viewer: User, scope: Scope, item_id: int, min_responses: int = analysis.MIN_RESPONSES) -> ItemBreakdown:
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
    analysed = analyse(viewer, scope, min_responses) if rows else None
    mine = next((r for r in analysed.rows if r.item.id == item.id), None) if analysed else None
    options: list[OptionCount] = []
    key_lines: list[KeyLineCount] = []
    if item.type == ItemType.MCQ:
        options = _option_counts(None if parsed is None else as_mcq(parsed), [a for a, _ in answered])
    elif item.type == ItemType.CASE:
        key_lines = _key_line_counts(None if parsed is None else as_case(parsed), [r for _, r in answered])
    else:  # a billing exercise: how often each of its fields was right
        key_lines = _field_counts([r for _, r in answered])
    return ItemBreakdown(
        scope,
        item,
        parsed,
        mine.stats if mine else None,
        len(rows),
        len(answered),
        options=options,
        key_lines=key_lines,
        wrong_key=mine.wrong_key if mine else (),
        min_responses=min_responses,
    )


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


def _field_counts(reports: list[str]) -> list[KeyLineCount]:
    """A billing exercise's fields (claim boxes, remittance line figures, planted errors), each
    with how many of the graded answers got it right, in the report's order."""
    counts: dict[str, Counter[str]] = {}
    for text in reports:
        try:
            report = json.loads(text) if text else {}
        except ValueError:
            continue
        for entry in report.get("fields") or report.get("errors") or []:
            name = entry.get("path") or f"lines.{entry.get('line')}.{entry.get('field', '')}"
            counts.setdefault(str(name), Counter())[str(entry.get("verdict", ""))] += 1
    return [KeyLineCount("field", name, dict(verdicts)) for name, verdicts in counts.items()]


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
