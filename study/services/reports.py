"""Learners' problem reports on items and the instructors' queue that resolves them.

Who sees what (the rule, enforced here and nowhere else):

* an admin sees and handles every report and may regrade every item;
* an instructor sees reports on the items they authored in the browser (``Item.author_id`` is
  theirs) and on every item that comes from the bank files (``Item.origin == "file"``: the bank
  folder belongs to the course team as a whole); the same rule decides which items they may
  regrade;
* reports on another instructor's browser-authored items are refused (403), unknown ids are 404;
  browser items without an author (``flask bank import-gift`` from the command line) are admins' only;
* a learner sees only their own reports and the replies to them (``learner_reports``); a resolved
  report is a notice on their home page until they read it (``unread_answers``, ``read_answer``).

A report moves once from ``open`` to ``fixed``, ``replied`` or ``dismissed``; the instructor's text
(shown to the learner), who resolved it and when are kept.

Regrading past answers after a key is corrected lives in ``study.services.regrades``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa

from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.kinds import ReportStatus
from study.models import Attempt, AttemptItem, Item, ItemReport, ItemVersion, User
from study.services import Conflict, Forbidden, NotFound, ServiceError, audit, bank_search
from study.services.attempts import REPORT_KINDS, locked_item_ids, shown_options
from study.services.authoring import can_edit
from study.services.grading import parsed_version
from study.services.transactions import changed_rows, transaction

_Row = TypeVar("_Row")

RESOLUTIONS = {
    "fixed": "Fixed: the item was corrected",
    "replied": "Replied: answered the learner",
    "dismissed": "Dismissed: the item is right as it is",
}
FILTERS = ("open", "resolved", "all")


# ------------------------------------------------------------------ who sees what
def can_manage(user: User, item: Item) -> bool:
    """The rule of the module docstring for one item."""
    return user.is_admin or item.origin == "file" or (item.author_id is not None and item.author_id == user.id)


def _visible(user: User):
    """The same rule as a WHERE clause on Item (None: no restriction)."""
    if user.is_admin:
        return None
    return sa.or_(Item.origin == "file", Item.author_id == user.id)


def _get_item(user: User, key: str) -> Item:
    item = db.session.scalar(sa.select(Item).where(Item.key == key))
    if item is None:
        raise NotFound("No such item.")
    if not can_manage(user, item):
        raise Forbidden("This item belongs to another instructor.")
    return item


# ------------------------------------------------------------------ the queue
@dataclass
class ReportView:
    """One report with what the instructor needs to judge it."""

    report: ItemReport
    item: Item
    learner: User
    version_number: int
    current_number: int | None
    summary: str  # the MCQ stem, or the case id and setting
    answer: list[str] = field(default_factory=list)  # the learner's answer as they saw it
    answer_score: float | None = None
    resolver: User | None = None
    # MCQs: the reported version's options (bank letter, text, in its key) and the current key
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    current_key: list[str] = field(default_factory=list)
    # the viewer may fix it in the browser editor (authoring.can_edit: admins, any shipped item, the
    # author of a browser-written item)
    editable: bool = False

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS.get(self.report.kind, self.report.kind)

    @property
    def newer_version(self) -> bool:
        return self.current_number is not None and self.current_number > self.version_number


def _answer_lines(report: ItemReport, parsed: McqItem | CaseItem | BillingItem) -> tuple[list[str], float | None]:
    """The learner's answer: MCQ letters mapped to the order they saw (with the bank letter and the
    option text); case code lists as entered."""
    if report.attempt_item_id is None:
        return [], None
    ai = db.session.get(AttemptItem, report.attempt_item_id)
    if ai is None or ai.response is None:
        return [], None
    response = ai.response
    answer = response.answer
    if isinstance(parsed, McqItem):
        original = list(answer.get("selected", []))
        by_original = {o.original: o for o in shown_options(ai, parsed)}
        lines = sorted(f"{by_original[o].letter} (bank letter {o}): {by_original[o].text}" for o in original if o in by_original)
        return lines, response.score
    if isinstance(parsed, BillingItem):  # the fields as typed (a scrubber: the boxes marked and the corrections)
        if "marked" in answer:
            return [f"marked {path}: {fix or '(blank)'}" for path, fix in sorted(answer["marked"].items())], response.score
        return [f"{name}: {value}" for name, value in sorted(answer.get("fields", {}).items()) if value], response.score
    lines = []
    for name in ("diagnoses", "procedures", "pcs"):
        codes = answer.get(name) or []
        if codes:
            lines.append(f"{name.capitalize()}: {', '.join(codes)}")
    return lines, response.score


def _row(model: type[_Row], key: int) -> _Row:
    """A row a foreign key points at (404 if it has gone meanwhile)."""
    row = db.session.get(model, key)
    if row is None:
        raise NotFound(f"No such {model.__name__}.")
    return row


def _view(report: ItemReport, versions: dict[int, ItemVersion], viewer: User) -> ReportView:
    item = _row(Item, report.item_id)
    version = versions.get(report.item_version_id) or _row(ItemVersion, report.item_version_id)
    current = item.current_version
    parsed = parsed_version(version)
    if isinstance(parsed, McqItem):
        summary = parsed.stem
    elif isinstance(parsed, BillingItem):
        summary = f"Billing exercise {item.key} ({parsed.kind}): {parsed.title or parsed.scenario[:120]}"
    else:
        summary = f"Coding case {item.key} ({parsed.setting})"
    answer, score = _answer_lines(report, parsed)
    options: list[tuple[str, str, bool]] = []
    current_key: list[str] = []
    if isinstance(parsed, McqItem):
        options = [(o.letter, o.text, o.letter in parsed.answer) for o in parsed.options]
        if current is not None and current.id != version.id:
            now_parsed = parsed_version(current)
            current_key = list(now_parsed.answer) if isinstance(now_parsed, McqItem) else []
    return ReportView(
        report=report,
        item=item,
        learner=_row(User, report.user_id),
        version_number=version.number,
        current_number=current.number if current else None,
        summary=summary,
        answer=answer,
        answer_score=score,
        resolver=db.session.get(User, report.resolved_by) if report.resolved_by else None,
        options=options,
        current_key=current_key,
        editable=can_edit(viewer, item),
    )


def list_reports(user: User, status: str = "open") -> list[ReportView]:
    """Reports this user may handle: open ones (oldest first), resolved ones (newest first), or all."""
    if status not in FILTERS:
        raise ServiceError("Unknown filter.")
    stmt = sa.select(ItemReport).join(Item, Item.id == ItemReport.item_id)
    clause = _visible(user)
    if clause is not None:
        stmt = stmt.where(clause)
    if status == "open":
        stmt = stmt.where(ItemReport.status == ReportStatus.OPEN).order_by(ItemReport.created_at, ItemReport.id)
    elif status == "resolved":
        stmt = stmt.where(ItemReport.status != ReportStatus.OPEN).order_by(ItemReport.resolved_at.desc(), ItemReport.id.desc())
    else:
        stmt = stmt.order_by(ItemReport.created_at.desc(), ItemReport.id.desc())
    reports = list(db.session.scalars(stmt))
    version_ids = {r.item_version_id for r in reports}
    versions = {v.id: v for v in db.session.scalars(sa.select(ItemVersion).where(ItemVersion.id.in_(version_ids)))} if version_ids else {}
    return [_view(r, versions, user) for r in reports]


def get_report(user: User, report_id: int) -> ReportView:
    report = db.session.get(ItemReport, report_id)
    if report is None:
        raise NotFound("No such report.")
    if not can_manage(user, _row(Item, report.item_id)):
        raise Forbidden("This report is about another instructor's item.")
    return _view(report, {}, user)


def resolve_report(user: User, report_id: int, status: str, text: str, now: datetime) -> ItemReport:
    """Close an open report as fixed, replied or dismissed; `text` is shown to the learner."""
    view = get_report(user, report_id)
    report = view.report
    if status not in RESOLUTIONS:
        raise ServiceError("Choose how the report was resolved.")
    text = (text or "").strip()
    if not text:
        raise ServiceError("Write a few words for the learner.")
    if report.status != ReportStatus.OPEN:
        raise Conflict("This report is already resolved.")
    # only an open report moves (two instructors answering at once: the first wins, the second is told)
    with transaction():
        moved = changed_rows(
            sa.update(ItemReport)
            .where(ItemReport.id == report.id, ItemReport.status == ReportStatus.OPEN)
            .values(status=status, resolution=text[:2000], resolved_by=user.id, resolved_at=now)
            .execution_options(synchronize_session=False)
        )
        if moved != 1:
            raise Conflict("This report is already resolved.")
        # the entry's target is the item, so that the item's author sees it in their log
        audit.record(user, "report.resolved", _row(Item, report.item_id), at=now, details={"report_id": report.id, "status": status})
    db.session.refresh(report)
    return report


@dataclass(frozen=True)
class Notices:
    """What /teach tells an instructor: open reports they may handle (the queue's count), the bank
    items those are on, and the items the stored item analysis flags (the bank list's counts)."""

    open_reports: int
    items_with_reports: int
    flagged_items: int


def notices(user: User) -> Notices:
    """Three counts, each what the page it links to serves (the queue, the filtered bank list)."""
    stmt = sa.select(sa.func.count()).select_from(ItemReport).join(Item, Item.id == ItemReport.item_id)
    stmt = stmt.where(ItemReport.status == ReportStatus.OPEN)
    clause = _visible(user)
    if clause is not None:
        stmt = stmt.where(clause)
    return Notices(
        open_reports=db.session.scalar(stmt) or 0,
        items_with_reports=bank_search.count_items(user, bank_search.BankFilters(open_reports=True)),
        flagged_items=bank_search.count_items(user, bank_search.BankFilters(flagged=True)),
    )


@dataclass(frozen=True)
class LearnerReport:
    report: ItemReport
    item_key: str
    held: bool = False  # the reply waits: the item's key is still held from the learner (see below)

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS.get(self.report.kind, self.report.kind)


def _reply_held(user: User, now: datetime):
    """SQL: is a report's reply held back? An instructor's reply may name the key, so it waits, like
    the key itself, while the item's key is held from the learner: in a running exam or an
    assignment attempt whose policy has not released its answers (attempts.locked_item_ids)."""
    return ItemReport.item_id.in_(locked_item_ids(user, now))


def learner_reports(user: User, now: datetime) -> list[LearnerReport]:
    """A learner's own reports, newest first, with the instructors' replies (a reply is held back
    while the item's key is: `held`)."""
    rows = db.session.execute(
        sa.select(ItemReport, Item.key, _reply_held(user, now))
        .join(Item, Item.id == ItemReport.item_id)
        .where(ItemReport.user_id == user.id)
        .order_by(ItemReport.created_at.desc(), ItemReport.id.desc())
    ).all()
    return [LearnerReport(r, key, bool(held)) for r, key, held in rows]


# ------------------------------------------------------------------ the learner's notices
@dataclass(frozen=True)
class AnsweredReport:
    """A resolved report of the learner's, with where its item was answered (the attempt's kind and
    id and the question's position; None when the answer is gone or the report came from no attempt)."""

    report: ItemReport
    item_key: str
    attempt_kind: str | None
    attempt_id: int | None
    position: int | None

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS.get(self.report.kind, self.report.kind)

    @property
    def status_label(self) -> str:
        return RESOLUTIONS.get(self.report.status, self.report.status).split(":")[0]


def _answered_select():
    return (
        sa.select(ItemReport, Item.key, Attempt.kind, Attempt.id, AttemptItem.position)
        .join(Item, Item.id == ItemReport.item_id)
        .outerjoin(AttemptItem, AttemptItem.id == ItemReport.attempt_item_id)
        .outerjoin(Attempt, Attempt.id == AttemptItem.attempt_id)
    )


def unread_answers(user: User, now: datetime) -> list[AnsweredReport]:
    """The learner's reports an instructor resolved that the learner has not read yet (dismissed
    or opened), newest answer first: the home page's "your report was answered" (one query). A
    reply whose item's key is still held from the learner waits until it is released."""
    rows = db.session.execute(
        _answered_select()
        .where(
            ItemReport.user_id == user.id,
            ItemReport.status != ReportStatus.OPEN,
            ItemReport.learner_read_at.is_(None),
            sa.not_(_reply_held(user, now)),
        )
        .order_by(ItemReport.resolved_at.desc(), ItemReport.id.desc())
    ).all()
    return [AnsweredReport(*row) for row in rows]


def read_answer(user: User, report_id: int, now: datetime) -> AnsweredReport:
    """The learner read the answer to their report (dismissed the notice, or opened the item):
    stamped once (a second read, or two at once, keep the first time). Only one's own report
    (another's is NotFound, its existence not told); an open report has no answer to read and is
    left as it is."""
    row = db.session.execute(
        _answered_select().where(ItemReport.id == report_id, ItemReport.user_id == user.id, sa.not_(_reply_held(user, now)))
    ).first()
    if row is None:
        raise NotFound("No such report.")  # or its reply is held: nothing to read yet
    answered = AnsweredReport(*row)
    if answered.report.status != ReportStatus.OPEN and answered.report.learner_read_at is None:
        with transaction():
            db.session.execute(
                sa.update(ItemReport)
                .where(ItemReport.id == report_id, ItemReport.status != ReportStatus.OPEN, ItemReport.learner_read_at.is_(None))
                .values(learner_read_at=now)
                .execution_options(synchronize_session=False)
            )
    return answered
