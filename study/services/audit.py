"""The audit log of admin and instructor actions: who did what, when, to what (docs/audit.md).

    with transaction():
        user.role = "instructor"
        audit.record(actor, "user.role_changed", user, details={"before": "learner", "after": "instructor"})

`record` adds its row inside the caller's transaction (it refuses to run outside one), so an
action and its entry are committed or rolled back together: a refused or failed action leaves no
entry. Learners' own actions (answers, attempts, joining a cohort) are not recorded.

Reading: `search` pages through the log, newest first, with filters (action, part of the actor's
e-mail, a range of UTC days). Admins may read everything; everyone else (and admins on the
instructor page) reads `visible_to(viewer)`: their own actions, entries about their cohorts, and
entries about the items they wrote.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, AuditEvent, Cohort, Item, User
from study.models.base import utcnow
from study.services import Forbidden
from study.services.transactions import in_transaction

# every action recorded, with what the log's filter calls it
ACTIONS: dict[str, str] = {
    "user.role_changed": "Role changed",
    "user.created": "Instructor or admin account created",
    "user.deleted": "Instructor or admin account deleted",
    "cohort.created": "Cohort created",
    "cohort.accommodation_set": "Extra time set",
    "assignment.created": "Assignment created",
    "item.created": "Item created",
    "item.edited": "Item edited",
    "item.published": "Item published",
    "item.retired": "Item retired",
    "item.drafted": "Item back to draft",
    "item.regraded": "Past answers regraded",
    "report.resolved": "Problem report resolved",
    "bank.imported": "Question bank imported",
}
# the actor of a change made with `flask ...` on the server (no account)
COMMAND_LINE = "command line"
PER_PAGE = 50
CSV_HEADER = ["at_utc", "actor", "action", "target_type", "target_id", "target", "cohort", "details"]
CSV_LIMIT = 10_000

# what a target is called in the log: its type and a label that outlives it
_TARGETS: dict[type, tuple[str, Callable[[Any], str]]] = {
    User: ("user", lambda u: u.email),
    Item: ("item", lambda i: i.key),
    Cohort: ("cohort", lambda c: c.name),
    Assignment: ("assignment", lambda a: a.title),
}


def _target(target: User | Item | Cohort | Assignment | None) -> tuple[str, int | None, str]:
    if target is None:
        return "", None, ""
    kind, label = _TARGETS[type(target)]
    return kind, target.id, label(target)[:254]


def record(
    actor: User | None,
    action: str,
    target: User | Item | Cohort | Assignment | None = None,
    *,
    cohort: Cohort | None = None,
    details: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one entry to the caller's transaction. `actor` None: a command run on the server.
    `cohort`: the cohort the action concerns (its instructor sees the entry); `details`: what
    changed ({"before": ..., "after": ...}, a reason, counts), JSON-serialisable."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.ACTIONS and docs/audit.md")
    if not in_transaction():
        raise RuntimeError("audit.record joins the action's transaction: call it inside transaction()")
    db.session.flush()  # the ids of rows the action has just added
    target_type, target_id, target_label = _target(target)
    details = dict(details or {})
    if cohort is not None:
        details["cohort"] = cohort.name  # kept for the log when the cohort is deleted
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else COMMAND_LINE,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        cohort_id=cohort.id if cohort is not None else None,
        details_json=json.dumps(details, default=str, sort_keys=True),
    )
    db.session.add(event)
    db.session.flush()
    return event


DELETED_ACCOUNT = "deleted account"


def forget_learner(user: User) -> None:
    """A learner who closes their account leaves no e-mail in the log: entries about them (extra
    time, a role change) keep what was done and when, with the target's label cleared. Staff
    accounts keep their label: the log is the record of what staff did. Joins the caller's
    transaction (the account's deletion)."""
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.target_type == "user", AuditEvent.target_id == user.id)
        .values(target_label=DELETED_ACCOUNT)
    )


# ------------------------------------------------------------------ reading the log
@dataclass(frozen=True)
class Filters:
    action: str | None = None  # one of ACTIONS (anything else: no filter)
    actor: str = ""  # part of the actor's e-mail (or "command line")
    since: date | None = None  # UTC days, both ends included
    until: date | None = None

    def conditions(self) -> list:
        found = []
        if self.action in ACTIONS:
            found.append(AuditEvent.action == self.action)
        if self.actor.strip():
            found.append(AuditEvent.actor_label.contains(self.actor.strip().lower(), autoescape=True))
        if self.since is not None:
            found.append(AuditEvent.at >= datetime.combine(self.since, time(), timezone.utc))
        if self.until is not None and self.until < date.max:  # date.max: no day after it, no bound
            found.append(AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time(), timezone.utc))
        return found


def visible_to(viewer: User):
    """The entries an instructor reads (a WHERE clause): their own actions, entries about their
    cohorts, and entries about the items they wrote, whoever acted."""
    return sa.or_(
        AuditEvent.actor_id == viewer.id,
        AuditEvent.cohort_id.in_(sa.select(Cohort.id).where(Cohort.owner_id == viewer.id)),
        sa.and_(AuditEvent.target_type == "item", AuditEvent.target_id.in_(sa.select(Item.id).where(Item.author_id == viewer.id))),
    )


def _entries(viewer: User, filters: Filters | None, everything: bool) -> sa.Select:
    """Every entry (`everything`, admins only) or those `visible_to(viewer)`, filtered, newest first."""
    if everything and not viewer.is_admin:
        raise Forbidden("Only admins read the whole audit log.")
    stmt = sa.select(AuditEvent).where(*(filters or Filters()).conditions()).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return stmt if everything else stmt.where(visible_to(viewer))


def search(viewer: User, filters: Filters | None = None, *, everything: bool = False, page: int = 1, per_page: int = PER_PAGE):
    """A page of entries (see `_entries`)."""
    return db.paginate(_entries(viewer, filters, everything), page=page, per_page=per_page, error_out=False)


def export_csv(viewer: User, filters: Filters | None = None, *, everything: bool = False) -> str:
    """The same entries as CSV (the newest CSV_LIMIT), every cell escaped against spreadsheet formulas."""
    from study.services.cohort_results import safe_cell  # cohort_results imports assignments, which records here

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in db.session.scalars(_entries(viewer, filters, everything).limit(CSV_LIMIT)):
        cohort = e.details.get("cohort", "")
        cells = [e.at.isoformat(), e.actor_label, e.action, e.target_type, e.target_id, e.target_label, cohort, e.details_json]
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()
