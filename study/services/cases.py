"""Coding cases outside exams: code the record, get the grade report line by line, retry.

Opening a case stores nothing. The learner's first saved draft (typing, or "Save draft") opens the
attempt; the draft lives on the open attempt (``attempt.draft_json``, never a ``Response``: a
response means "graded") until the learner grades it, which happens exactly once."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from study.bank.model import CaseItem
from study.codes.checking import wrong_system
from study.codes.normalize import parse_procedure
from study.extensions import db
from study.grading.answers import CASE_LISTS, MAX_CODE_CHARS, MAX_CODES, as_case, clean_case_answer
from study.grading.results import GradeReport
from study.kinds import AttemptKind, AttemptStatus, ItemStatus
from study.models import Attempt, AttemptItem, Item, Topic, User
from study.services import Conflict, NotFound, codes, rollups
from study.services.attempts import (
    add_items,
    close_attempt,
    get_attempt,
    hold_open,
    in_pool,
    insert_attempt,
    published_items,
    refuse_locked,
    schedule_review,
    store_response,
    version_item,
)
from study.services.grading import attempt_score, grade_response, parsed_version
from study.services.transactions import changed_rows, transaction

SETTINGS = ("professional", "outpatient-facility", "inpatient")


def own_open_key(key: str) -> str:
    """The open key a learner's own practice attempt at case `key` holds until it is graded."""
    return f"case:{key}"


def is_own_practice(attempt: Attempt) -> bool:
    """A practice attempt the learner opened from the case page (not an assignment's)."""
    return attempt.open_key == own_open_key(attempt.config.get("case", ""))


def list_cases(setting: str | None = None, exam: str | None = None) -> list[Item]:
    stmt = published_items("case", exam)
    if setting in SETTINGS:
        stmt = stmt.where(Item.setting == setting)
    return list(db.session.scalars(stmt))


CASE_STATUSES = {"new": "Not started", "draft": "Draft saved", "graded": "Graded"}


@dataclass(frozen=True)
class CaseRow:
    """A case in the learner's list: its status for them (not started, a draft to resume, graded
    with their best score) and the open attempt's id when there is a draft."""

    item: Item
    status: str
    best: float | None = None
    attempts: int = 0


def best_case_scores(user: User) -> dict[int, tuple[float | None, int]]:
    """Item id -> (best score, number of graded attempts) of the learner's graded case attempts
    (their own and assignments'; one query)."""
    rows = db.session.execute(
        sa.select(AttemptItem.item_id, sa.func.max(Attempt.score_pct), sa.func.count(Attempt.id))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.kind == AttemptKind.CASE, Attempt.status == AttemptStatus.SUBMITTED)
        .group_by(AttemptItem.item_id)
    )
    return {item_id: (best, count) for item_id, best, count in rows}


def case_rows(
    user: User, *, setting: str | None = None, exam: str | None = None, topic: str | None = None, status: str | None = None
) -> tuple[list[CaseRow], list[tuple[str, str]]]:
    """The published cases with the learner's status, filtered; and the topics that have cases, as
    (key, title), for the filter. A fixed number of queries whatever the numbers of cases and attempts."""
    items = list_cases()
    drafts = open_drafts(user)
    scores = best_case_scores(user)
    rows = []
    for item in items:
        best, count = scores.get(item.id, (None, 0))
        state = "draft" if item.key in drafts else ("graded" if count else "new")
        rows.append(CaseRow(item, state, best, count))
    titles = {key: title for key, title in db.session.execute(sa.select(Topic.key, Topic.title))}
    topics = sorted(((key, titles.get(key, key)) for key in {row.item.topic for row in rows}), key=lambda kv: kv[1])
    chosen = [
        row
        for row in rows
        if (setting not in SETTINGS or row.item.setting == setting)
        and (not exam or exam in row.item.exams)
        and (not topic or row.item.topic == topic)
        and (status not in CASE_STATUSES or row.status == status)
    ]
    if user.target_exam:  # the learner's own exam first, in key order within each group
        chosen.sort(key=lambda row: user.target_exam not in row.item.exams)
    return chosen, topics


@dataclass(frozen=True)
class SimilarCase:
    key: str
    title: str | None
    setting: str | None
    topic: str
    difficulty: str


def similar_cases(case: CaseItem, limit: int = 3) -> list[SimilarCase]:
    """Other published cases like this one: the same setting and topic first, then the same
    setting (one query, of the columns a link shows)."""
    stmt = (
        sa.select(Item.key, Item.title, Item.setting, Item.topic, Item.difficulty)
        .where(
            Item.type == "case",
            Item.status == ItemStatus.PUBLISHED,
            Item.current_version_id.is_not(None),
            in_pool("open"),
            Item.setting == case.setting,
            Item.key != case.id,
        )
        .order_by(sa.case((Item.topic == case.topic, 0), else_=1), Item.key)
        .limit(limit)
    )
    return [SimilarCase(*row) for row in db.session.execute(stmt)]


def get_case(key: str) -> Item:
    item = db.session.scalar(published_items("case").where(Item.key == key))
    if item is None:
        raise NotFound("No such case.")
    return item


@transaction()
def start_case(user: User, key: str, now: datetime, *, assignment_id: int | None = None, open_key: str | None = None) -> Attempt:
    """A new attempt at a case (every attempt is kept). The open one is reused: it holds
    `open_key` (default "case:<key>"; an assignment's own key for assignment cases) until it is
    graded, and the unique (user, open_key) makes concurrent starts (a double click) open one
    attempt. Refused (409) while another attempt holds the case's key (see locked_item_ids)."""
    item = get_case(key)
    refuse_locked(user, item.id, now, "case", assignment_id=assignment_id)
    open_key = open_key or own_open_key(key)
    existing = _open_attempt(user, open_key)
    if existing is not None:
        return existing
    attempt = Attempt(
        user_id=user.id, kind="case", started_at=now, config_json=json.dumps({"case": key}), assignment_id=assignment_id, open_key=open_key
    )
    started = insert_attempt(attempt)
    if started is not attempt:  # a simultaneous start won: that attempt
        return started
    add_items(attempt, [(item, None)], user)
    return attempt


def _open_attempt(user: User, open_key: str) -> Attempt | None:
    return db.session.scalar(sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.open_key == open_key))


def case_of(attempt: Attempt) -> tuple[AttemptItem, CaseItem]:
    ai = attempt.items[0]
    return ai, as_case(version_item(ai))


ALREADY_GRADED = "This attempt is already graded. Start a new attempt to try again."
DRAFT_REFUSED = "This attempt is already graded: the draft was not saved. Open the case again to start a new attempt."
ROW_SYSTEM = {"diagnoses": "icd10cm", "procedures": "procedure", "pcs": "pcs"}  # checking.ROW_SYSTEMS by list
LIST_NAMES = {"diagnoses": "Diagnosis", "procedures": "Procedure", "pcs": "PCS"}


def entry_lists(case: CaseItem) -> tuple[str, ...]:
    """The lists the case asks for: diagnoses, and ICD-10-PCS for an inpatient case or CPT/HCPCS
    Level II otherwise, plus any other list its key uses."""
    wanted = {"diagnoses", "pcs" if case.setting == "inpatient" else "procedures"}
    wanted |= {name for name in CASE_LISTS if getattr(case.key, name)}
    return tuple(name for name in CASE_LISTS if name in wanted)


# ------------------------------------------------------------------ drafts
@dataclass(frozen=True)
class Draft:
    """What the learner has typed so far: ``answer`` as ``clean_case_answer`` stores it (blank rows
    dropped) and, per list, the entry row (from 0) each code was typed in, so that the rows come
    back where they were (gaps included)."""

    answer: dict[str, list[str]]
    rows: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Mapping[str, list[str]]) -> Draft:
        """From the entry rows as typed, blank ones included."""
        answer, where = {}, {}
        for name in CASE_LISTS:
            typed = [(i, str(v).strip()[:MAX_CODE_CHARS]) for i, v in enumerate(rows.get(name) or []) if str(v).strip()][:MAX_CODES]
            answer[name] = [code for _, code in typed]
            where[name] = [i for i, _ in typed]
        return cls(clean_case_answer(answer), where)

    @classmethod
    def from_json(cls, text: str | None) -> Draft | None:
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        stored, rows = data.get("answer"), data.get("rows")
        answer = clean_case_answer(stored if isinstance(stored, dict) else {})
        where: dict[str, list[int]] = {}
        for name in CASE_LISTS:
            found = rows.get(name) if isinstance(rows, dict) else None
            ok = isinstance(found, list) and len(found) == len(answer[name]) and all(type(i) is int and 0 <= i < 1000 for i in found)
            where[name] = list(found) if isinstance(found, list) and ok else list(range(len(answer[name])))
        return cls(answer, where)

    def to_json(self) -> str:
        return json.dumps({"answer": self.answer, "rows": self.rows}, separators=(",", ":"))

    @property
    def empty(self) -> bool:
        return not any(self.answer.values())

    def entry_rows(self) -> dict[str, list[str]]:
        """The rows to show again: each code in its row, blank rows where none was typed."""
        out = {}
        for name in CASE_LISTS:
            codes_, where = self.answer.get(name, []), self.rows.get(name) or list(range(len(self.answer.get(name, []))))
            shown = [""] * (max(where) + 1 if where else 0)
            for i, code in zip(where, codes_, strict=True):
                shown[i] = code
            out[name] = shown
        return out


def _store_draft(attempt: Attempt, draft: Draft) -> None:
    """Replace the open attempt's draft (a conditional UPDATE: refused, nothing changed, once it is graded)."""
    text = draft.to_json()
    stmt = sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN).values(draft_json=text)
    if changed_rows(stmt.execution_options(synchronize_session=False)) != 1:
        raise Conflict(DRAFT_REFUSED)  # the transaction rolls back: nothing was written
    set_committed_value(attempt, "draft_json", text)


@transaction()
def save_draft(
    user: User, now: datetime, rows: Mapping[str, list[str]], *, key: str | None = None, attempt_id: int | None = None
) -> Attempt:
    """Save what the learner typed: on their open attempt at case `key` (opened now if there is
    none: the first save is the start of an attempt; concurrent first saves open one), or on
    attempt `attempt_id` (an assignment's case). Refused (409, nothing saved) once it is graded."""
    if attempt_id is not None:
        attempt = get_attempt(user, attempt_id, "case")
        refuse_locked(user, attempt.items[0].item_id, now, "case", attempt=attempt)
    elif key is not None:
        attempt = start_case(user, key, now)
    else:
        raise NotFound("No such case.")
    if not attempt.is_open:
        raise Conflict(DRAFT_REFUSED)
    _store_draft(attempt, Draft.from_rows(rows))
    return attempt


def draft_of(attempt: Attempt) -> Draft | None:
    return Draft.from_json(attempt.draft_json) if attempt.is_open else None


@dataclass(frozen=True)
class FlaggedRow:
    list_name: str  # a CASE_LISTS name
    row: int  # from 1, as the page numbers the rows
    code: str
    status: str  # wrong_system | invalid | incomplete
    message: str

    @property
    def label(self) -> str:
        return f"{LIST_NAMES[self.list_name]} {self.row}"


@dataclass(frozen=True)
class GradeSummary:
    """What "Grade my answer" will grade, shown before it does."""

    lists: tuple[str, ...]
    counts: dict[str, int]
    gaps: list[tuple[str, int]]  # (list name, row from 1): empty rows between typed ones
    flagged: list[FlaggedRow]

    @property
    def gap_labels(self) -> list[str]:
        return [f"{LIST_NAMES[name]} {row}" for name, row in self.gaps]


def summarize(case: CaseItem, draft: Draft | None) -> GradeSummary:
    """Counts per list, the empty rows between typed ones, and the rows the live check flags (a
    code of another code set, not a code, or not complete)."""
    draft = draft or Draft(clean_case_answer({}))
    checker = codes.checker()
    counts: dict[str, int] = {}
    gaps: list[tuple[str, int]] = []
    flagged: list[FlaggedRow] = []
    for name in CASE_LISTS:
        where = draft.rows.get(name) or []
        counts[name] = len(draft.answer[name])
        gaps.extend((name, i + 1) for i in range(max(where) + 1 if where else 0) if i not in where)
        for i, code in zip(where, draft.answer[name], strict=True):
            plain = parse_procedure(code).code if name == "procedures" else code
            misplaced = wrong_system(ROW_SYSTEM[name], plain, case.setting)
            if misplaced:
                flagged.append(FlaggedRow(name, i + 1, code, "wrong_system", misplaced))
                continue
            check = checker.check(ROW_SYSTEM[name], plain)
            if check.status in ("invalid", "incomplete"):
                flagged.append(FlaggedRow(name, i + 1, code, check.status, check.message))
    return GradeSummary(entry_lists(case), counts, gaps, flagged)


# ------------------------------------------------------------------ pages
@dataclass
class CasePage:
    item: Item
    case: CaseItem
    attempt: Attempt | None  # the learner's open attempt at the case, if they have saved a draft
    draft: Draft | None


def case_page(user: User, key: str, now: datetime) -> CasePage:
    """The case to code, with the learner's open attempt and its draft when there is one. Reads
    only: opening a case is not an attempt. Refused (409) while another attempt holds its key."""
    item = get_case(key)
    refuse_locked(user, item.id, now, "case")
    attempt = _open_attempt(user, own_open_key(key))
    if attempt is not None and attempt.is_open:
        return CasePage(item, case_of(attempt)[1], attempt, draft_of(attempt))
    return CasePage(item, as_case(parsed_version(item.current_version)), None, None)  # type: ignore[arg-type]


def open_drafts(user: User) -> dict[str, int]:
    """The learner's open practice-case attempts by case key (one query): the cases to resume."""
    rows = db.session.execute(
        sa.select(Attempt.open_key, Attempt.id).where(
            Attempt.user_id == user.id, Attempt.status == AttemptStatus.OPEN, Attempt.open_key.like(own_open_key("%"))
        )
    )
    return {str(open_key).removeprefix(own_open_key("")): attempt_id for open_key, attempt_id in rows}


@transaction()
def submit_case(user: User, attempt_id: int, lists: dict | None, now: datetime, seconds: float | None = None) -> GradeReport:
    """Grade the attempt once: closing it is conditional, so a second submission is refused. The
    answer is stored as ``clean_case_answer`` normalizes it (blank rows dropped), as exams store it.
    ``lists`` None grades the saved draft (read while the attempt is held open, so a draft save
    racing the grading is either in it or refused)."""
    attempt = get_attempt(user, attempt_id, "case")
    ai, case = case_of(attempt)
    refuse_locked(user, ai.item_id, now, "case", attempt=attempt)
    if not attempt.is_open:
        raise Conflict(ALREADY_GRADED)
    if lists is None:
        hold_open(attempt, ALREADY_GRADED)
        stored = db.session.scalar(sa.select(Attempt.draft_json).where(Attempt.id == attempt.id))
        lists = (Draft.from_json(stored) or Draft(clean_case_answer({}))).answer
    seconds = None if seconds is None or not 0 <= seconds < float("inf") else min(seconds, 4 * 3600.0)
    clean = clean_case_answer(lists)
    graded = grade_response(case, clean)
    if not close_attempt(attempt, now, served_count=1, answered_count=1, draft_json=None):
        raise Conflict(ALREADY_GRADED)
    response, _ = store_response(
        ai,
        user,
        clean,
        report_json=json.dumps(graded.report),
        score=graded.score,
        correct=graded.correct,
        answered_at=now,
        seconds=seconds,
    )
    attempt.score_pct = attempt_score(attempt)
    schedule_review(user.id, ai.item_id, graded.score, seconds, now, (case.minutes or 15) * 60)
    rollups.add_case_report(user.id, case.setting, graded.score, response.report)
    return graded.case_report


@transaction()
def grade_draft(
    user: User,
    now: datetime,
    *,
    key: str | None = None,
    attempt_id: int | None = None,
    rows: Mapping[str, list[str]] | None = None,
    seconds: float | None = None,
) -> Attempt:
    """Save `rows` as the draft (when given) and grade the draft, in one transaction: the
    confirmed "Grade now". Exactly once (see submit_case)."""
    if rows is not None:
        attempt = save_draft(user, now, rows, key=key, attempt_id=attempt_id)
    elif attempt_id is not None:
        attempt = get_attempt(user, attempt_id, "case")
    else:
        raise NotFound("No such attempt.")
    submit_case(user, attempt.id, None, now, seconds)
    return attempt


def history(user: User, key: str) -> list[Attempt]:
    """The learner's attempts at case `key`, newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .join(AttemptItem)
            .join(Item, Item.id == AttemptItem.item_id)
            .where(Attempt.user_id == user.id, Attempt.kind == AttemptKind.CASE, Item.key == key)
            .order_by(Attempt.started_at.desc())
        )
    )
