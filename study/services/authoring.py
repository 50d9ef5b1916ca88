"""Authoring items in the browser: drafts, validation with the bank's rules, publish, retire.

The form <-> bank item mapping and the validation of a draft are pure (study.bank.forms); this
module adds what needs the database: the topics and exams that exist, the code checker, the ids
already taken, and saving versions.

Ownership: an instructor edits the items shipped in the bank files (origin "file": the bank folder
belongs to the course team as a whole, as for problem reports) and the web items they authored;
admins edit everything. Another author's draft stays private (study.services.bank_search.visible).

Every edit saved here marks the item site-changed (bank.mark_site_changed): the next `flask bank
import` leaves it alone until its file says what the site says (docs/authoring.md).
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from study.bank import forms
from study.bank.forms import Draft, item_from_form
from study.bank.model import BillingItem, CaseItem, McqItem
from study.bank.parser import parse_item
from study.bank.writer import item_relative_path, write_item
from study.billing import exercise as billing_exercise
from study.billing.claim import form_values as claim_form_values
from study.extensions import db
from study.grading.mcq import McqResult
from study.grading.results import GradeReport
from study.models import ExamBlueprint, Item, ItemVersion, Topic, User
from study.models.base import utcnow
from study.services import Forbidden, NotFound, ServiceError, audit, billing
from study.services import codes as code_service
from study.services.answer_review import case_key_text
from study.services.bank import apply_metadata, mark_site_changed, parsed_item, save_item_version
from study.services.grading import grade_response
from study.services.transactions import transaction

ParsedItem = McqItem | CaseItem | BillingItem


class ItemInvalid(ServiceError):
    """The form does not make a valid item: errors by field, and those that belong to no field."""

    status = 400

    def __init__(self, errors: dict[str, list[str]], general: list[str] | None = None):
        self.errors = errors
        self.general = general or []
        super().__init__("The item has problems: nothing was saved.")


# ---------------------------------------------------------------- ownership
def can_edit(user: User, item: Item) -> bool:
    if user.is_admin or item.origin == "file":
        return True
    return item.author_id is not None and item.author_id == user.id


def get_editable(user: User, item_id: int) -> Item:
    """The item, when `user` may edit it: 404 when there is none, 403 when it is someone else's."""
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound("No such item.")
    if not can_edit(user, item):
        raise Forbidden("You can edit the shipped items and the items you wrote, not another instructor's.")
    return item


def list_items(user: User, status: str | None = None) -> list[Item]:
    """The web items `user` wrote (admins: every item), newest first (/teach/items: "my items";
    every item, shipped ones included, is in the bank list, /teach/bank)."""
    stmt = sa.select(Item).order_by(Item.updated_at.desc(), Item.key)
    if not user.is_admin:
        stmt = stmt.where(Item.origin == "web", Item.author_id == user.id)
    if status:
        stmt = stmt.where(Item.status == status)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- choices
def topic_choices() -> list[tuple[str, str]]:
    return [(t.key, f"{t.title} ({t.key})") for t in db.session.scalars(sa.select(Topic).order_by(Topic.title))]


def exam_choices() -> list[str]:
    return list(db.session.scalars(sa.select(ExamBlueprint.exam).order_by(ExamBlueprint.exam))) or ["CPC", "CPB", "CCS", "CCS-P"]


# ---------------------------------------------------------------- validating a form
def validate_draft(draft: Draft, *, exists: bool = False) -> Draft:
    """The bank's rules on a draft (study.bank.forms.validate_draft) with this site's topics, exams
    and code sets; a new item's id must not be taken."""
    if draft.item is None:
        return draft
    key = draft.item.id
    taken = () if exists or not key else set(db.session.scalars(sa.select(Item.key).where(Item.key == key)))
    topics = {topic for topic, _ in topic_choices()} or None
    return forms.validate_draft(draft, topics=topics, exams=exam_choices(), checker=code_service.checker(), taken_ids=taken)


def check_form(kind: str, data: dict, *, item: Item | None = None) -> Draft:
    """Validate a form without saving anything (what the save button would find)."""
    if kind not in forms.KINDS:
        raise ServiceError(f"Unknown item type {kind!r}.")
    status = item.status if item is not None else "draft"
    draft = item_from_form(
        kind, data, item_id=item.key if item is not None else None, status=status, reserve=item.reserved if item is not None else None
    )
    return validate_draft(draft, exists=item is not None)


# ---------------------------------------------------------------- saving
def _valid(draft: Draft) -> ParsedItem:
    """The draft's item, or ItemInvalid with every problem."""
    if draft.item is None or not draft.ok:
        raise ItemInvalid(draft.errors, draft.general)
    return draft.item


def _store(item: Item, parsed: ParsedItem, text: str) -> None:
    before = item.current_version.content_hash if item.current_version is not None else None
    changed = apply_metadata(item, parsed, item.path if item.origin == "file" and item.path else str(item_relative_path(parsed)))
    if save_item_version(item, parsed, text) != "unchanged" or changed:
        mark_site_changed(item, before)
    item.updated_at = utcnow()


def create_item(user: User, kind: str, data: dict) -> Item:
    """A new draft authored by `user` (origin "web"), or ItemInvalid with every problem."""
    draft = check_form(kind, data)
    parsed = _valid(draft)
    with transaction():
        item = Item(key=parsed.id, origin="web", author_id=user.id, type=kind)
        db.session.add(item)
        _store(item, parsed, draft.text)
        audit.record(user, "item.created", item, details={"status": item.status, "key": _key_text(parsed)})
    return item


def update_item(user: User, item_id: int, data: dict) -> tuple[Item, str]:
    """Save an edit: a new version when what learners see or how it is graded changed."""
    item = get_editable(user, item_id)
    draft = check_form(item.type, data, item=item)
    parsed = _valid(draft)
    before, before_key = item.current_version, _key_text(parsed_item(item))
    with transaction():
        _store(item, parsed, draft.text)
        after = item.current_version
        details: dict = {"new_version": after is not before}
        if after is not before:
            details["version"] = {"before": before.number if before else None, "after": after.number if after else None}
        if _key_text(parsed) != before_key:
            details["key"] = {"before": before_key, "after": _key_text(parsed)}
        audit.record(user, "item.edited", item, details=details)
    return item, ("new_version" if details["new_version"] else "saved")


def _set_status(user: User, item_id: int, status: str) -> Item:
    item = get_editable(user, item_id)
    parsed = parsed_item(item)
    if status == "published":
        draft = validate_draft(Draft(_with_status(parsed, status)), exists=True)
    else:
        draft = Draft(_with_status(parsed, status), text=write_item(_with_status(parsed, status)))
        draft.item, _ = parse_item(draft.text, item.path or f"{item.key}.md")
    changed = _valid(draft)
    before = item.status
    with transaction():
        _store(item, changed, draft.text)
        if item.status != before:
            audit.record(user, _STATUS_ACTIONS[status], item, details={"before": before, "after": item.status})
    return item


_STATUS_ACTIONS = {"published": "item.published", "retired": "item.retired", "draft": "item.drafted"}


def _key_text(parsed: ParsedItem) -> str:
    """The answer key as the audit log keeps it: the letters, or the case's required codes."""
    if isinstance(parsed, BillingItem):  # the whole spec is the key: the audit log keeps its fingerprint
        return f"{parsed.kind} spec {hashlib.sha256(parsed.spec_json.encode()).hexdigest()[:12]}"
    return ", ".join(parsed.answer) if isinstance(parsed, McqItem) else case_key_text(parsed)


def _with_status(parsed: ParsedItem, status: str) -> ParsedItem:
    return replace(parsed, status=status)


def publish_item(user: User, item_id: int) -> Item:
    return _set_status(user, item_id, "published")


def retire_item(user: User, item_id: int) -> Item:
    return _set_status(user, item_id, "retired")


def to_draft(user: User, item_id: int) -> Item:
    return _set_status(user, item_id, "draft")


# ---------------------------------------------------------------- reading back into a form
def form_data(item: Item) -> dict:
    """The form's values for an item (the inverse of item_from_form)."""
    return forms.form_from_item(parsed_item(item))


def current(item: Item) -> ParsedItem:
    return parsed_item(item)


# ---------------------------------------------------------------- trying an answer
# (through the one grading path, as learners' answers are graded)
def try_mcq(parsed: McqItem, selected: list[str]) -> McqResult:
    return grade_response(parsed, {"selected": selected}).mcq_result


def try_case(parsed: CaseItem, dx: str = "", px: str = "", pcs: str = "") -> GradeReport:
    return grade_response(parsed, {"dx": dx, "px": px, "pcs": pcs}).case_report


def version_count(item: Item) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ItemVersion).where(ItemVersion.item_id == item.id)) or 0


# ---------------------------------------------------------------- billing exercises
def billing_view(parsed: ParsedItem | None) -> billing.BillingView | None:
    """What the learner partials need to show a billing exercise's work form (the remittance to
    work, the claim to scrub); None for another type or a spec that does not read yet."""
    if not isinstance(parsed, BillingItem):
        return None
    try:
        return billing.view(parsed, None)
    except (ValueError, KeyError, TypeError, AttributeError):  # an unfinished spec: the editor shows its problems
        return None


def billing_try_values(parsed: BillingItem) -> dict[str, str]:
    """The try-an-answer form's first values: a claim's key (change one box to see its verdict);
    an empty remittance or scrubber."""
    work = billing_exercise.exercise_of(parsed)
    return claim_form_values(work.key) if isinstance(work, billing_exercise.ClaimExercise) else {}


def try_billing(parsed: BillingItem, form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Grade a submitted work form (through the one grading path, with the code checker: a wrong
    pointer names its diagnoses): the report as learners see it after the attempt, and the form's
    format problems (shown, not blocking). Nothing is recorded."""
    answer = billing_exercise.response_from_form(parsed, form)
    graded = grade_response(parsed, answer)
    return graded.report or {}, billing.form_problems(parsed, form)
