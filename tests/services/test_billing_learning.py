"""Billing exercises in the learner's way through: practice by type and exam section, the review
queue, assignments of chosen items, progress by section."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.billing import exercise
from study.billing.claim import form_values
from study.extensions import db
from study.models import AnswerRollup, Item, ReviewCard
from study.services import assignments as assignment_service
from study.services import bank, practice, progress
from study.services.attempts import version_item
from study.services.cohorts import FieldError
from tests.factories import make_cohort, make_user
from tests.support import write_billing_bank

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def billing_bank(app, tmp_path):
    """The billing exercises, and a few CPB questions beside them."""
    real = Path(app.config["QUESTION_BANK"])
    questions = [p.relative_to(real) for p in sorted((real / "cpb" / "claims").glob("*.md"))[:3]]
    write_billing_bank(real, tmp_path / "bank", extra=questions)
    bank.import_bank(tmp_path / "bank")

def choice(kind: str, size: int = 5, mode: str = "all", topics=()) -> practice.PracticeChoice:
    return practice.PracticeChoice("CPB", list(topics), None, size, mode, kind=kind)


def test_practice_serves_the_kind_asked_for(billing_bank):
    user = make_user()
    for kind, types in (("mcq", {"mcq"}), ("claim", {"claim"}), ("remittance", {"remittance"}), ("scrubber", {"scrubber"})):
        attempt = practice.start_practice(user, choice(kind, 3), NOW)
        served = {db.session.get(Item, ai.item_id).type for ai in attempt.items}
        assert served == types, kind
        practice.end_early(user, attempt.id, NOW)
    mixed = practice.start_practice(user, choice("billing", 30), NOW)
    assert {db.session.get(Item, ai.item_id).type for ai in mixed.items} == {"claim", "remittance", "scrubber"}


def test_an_answered_claim_is_scheduled_for_review_and_counted_by_section(billing_bank):
    user = make_user()
    attempt = practice.start_practice(user, choice("claim", 1), NOW)
    ai = attempt.items[0]
    item = version_item(ai)
    form = form_values(exercise.exercise_of(item).key)
    form["insurance_type"] = "other" if form["insurance_type"] != "other" else "group"  # one box wrong
    practice.answer_billing(user, attempt.id, 1, form, 300.0, NOW)
    db.session.expire_all()
    response = ai.response
    assert 0.7 <= response.score < 1 and response.correct is False
    card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.user_id == user.id, ReviewCard.item_id == ai.item_id))
    assert card is not None
    rollup = db.session.scalar(sa.select(AnswerRollup).where(AnswerRollup.user_id == user.id, AnswerRollup.exam == "CPB"))
    assert (rollup.topic, rollup.answered, rollup.correct) == (item.topic, 1, 1)  # 70% or more counts as right
    # the progress dashboard and readiness count it in its CPB section
    board = progress.dashboard(user, "CPB", NOW)
    section = next(s for s in board.sections if item.topic in s.topics)
    assert section.evidence.answers == 1 and section.evidence.weighted_correct == 1.0  # (an estimate needs more answers)
    # a second answer to the same question is the first one
    again = practice.answer_billing(user, attempt.id, 1, form_values(exercise.exercise_of(item).key), 10.0, NOW)
    assert again.created is False
    # when it falls due, "Review due" serves it
    due = practice.start_practice(user, choice("mcq", 5, "due"), card.due_at + timedelta(minutes=1))
    assert [a.item_id for a in due.items] == [ai.item_id]


def test_an_assignment_may_pick_billing_exercises_untimed_only(billing_bank):
    instructor = make_user("instructor")
    cohort = make_cohort(instructor, [], name="CPB evenings", exam="CPB")
    claim_key = db.session.scalar(sa.select(Item.key).where(Item.type == "claim").order_by(Item.key))
    remit_key = db.session.scalar(sa.select(Item.key).where(Item.type == "remittance").order_by(Item.key))
    spec = assignment_service.AssignmentSpec(
        "practice", "Claims week", NOW, NOW + timedelta(days=7), items=[claim_key, remit_key], feedback="each"
    )
    assignment = assignment_service.create_assignment(instructor, cohort.id, spec)
    assert assignment.config["items"] == [claim_key, remit_key]
    timed = assignment_service.AssignmentSpec(
        "practice", "Timed claims", NOW, NOW + timedelta(days=7), items=[claim_key], minutes=30, feedback="attempt"
    )
    with pytest.raises(FieldError, match="No published question or case"):
        assignment_service.create_assignment(instructor, cohort.id, timed)


def test_item_analysis_of_an_assignment_counts_a_billing_exercise_field_by_field(client, billing_bank):
    from tests.support import sign_in

    instructor = make_user("instructor")
    learner = make_user()
    cohort = make_cohort(instructor, [learner], name="CPB evenings", exam="CPB")
    claim_key = db.session.scalar(sa.select(Item.key).where(Item.type == "claim").order_by(Item.key))
    spec = assignment_service.AssignmentSpec("practice", "Claims week", NOW, NOW + timedelta(days=7), items=[claim_key], feedback="each")
    assignment = assignment_service.create_assignment(instructor, cohort.id, spec)
    attempt = assignment_service.start_assignment(learner, assignment.id, NOW + timedelta(hours=1))
    item = version_item(attempt.items[0])
    form = form_values(exercise.exercise_of(item).key)
    form["lines-1-pointers"] = "L"
    practice.answer_billing(learner, attempt.id, 1, form, 200.0, NOW + timedelta(hours=1))
    sign_in(client, instructor)
    item_id = attempt.items[0].item_id
    page = client.get(f"/teach/analysis/assignment/{assignment.id}/item/{item_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Verdicts per field" in html and "lines.1.pointers" in html


def test_two_tabs_answering_the_same_exercise_record_one_answer(app, billing_bank):
    """A double click or two tabs: both requests load the open set, one answer is stored and graded,
    the other gets that same answer back."""
    import threading

    from study.models import Response

    user = make_user()
    attempt = practice.start_practice(user, choice("claim", 2), NOW)
    item = version_item(attempt.items[0])
    forms = [form_values(exercise.exercise_of(item).key), {"insurance_type": "other"}]
    user_id, attempt_id = user.id, attempt.id
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def answer(form):
        with app.app_context():
            from study.models import User

            learner = db.session.get(User, user_id)
            barrier.wait()
            try:
                outcomes.append(practice.answer_billing(learner, attempt_id, 1, form, 30.0, NOW).created)
            except Exception as exc:  # noqa: BLE001 - checked below
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(f,)) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [False, True], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == 1
