""" "Review due" serves exactly what it counts: the number on the home page is the number of items
the review queue serves, coding cases included, in the scheduler's order, whatever reserves,
retirements, running exams and held assignment keys there are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study import scheduling
from study.extensions import db
from study.models import Item, ReviewCard
from study.services import assignments, learner_home
from study.services import practice as practice_service
from study.services.attempts import schedule_review
from tests.factories import make_assignment, make_attempt, make_cohort, make_user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(days=90)  # every card is due
MCQS = [f"learn-icd-00{n}" for n in range(1, 10)]
CASES = ["case-pro-0003", "case-ip-0001"]
DUE = practice_service.PracticeChoice(None, [], None, practice_service.MAX_SIZE, "due")


def _item(key: str) -> Item:
    return db.session.scalar(sa.select(Item).where(Item.key == key))


def _reviewed(user, keys, score_of=lambda key: 0.0) -> None:
    """A review card per item, as answering it would leave (scores vary the retention)."""
    for n, key in enumerate(keys):
        schedule_review(user.id, _item(key).id, score_of(key), 30, T0 + timedelta(minutes=n), 144)
    db.session.commit()


def _served(user, now=LATER) -> list[str]:
    attempt = practice_service.start_practice(user, DUE, now)
    return [db.session.get(Item, ai.item_id).key for ai in attempt.items]


def _scheduler_order(user, now=LATER) -> list[str]:
    cards = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.user_id == user.id)).all()
    ranked = sorted(cards, key=lambda c: (scheduling.retrievability(c.card_json, now), c.due_at, c.item_id))
    return [db.session.get(Item, c.item_id).key for c in ranked]


def test_the_count_is_what_the_queue_serves_mcqs_and_cases_in_the_schedulers_order(learning_bank):
    learner = make_user()
    _reviewed(learner, MCQS + CASES, score_of=lambda key: 1.0 if key.endswith(("1", "3", "5")) else 0.0)
    count = learner_home.home_panel(learner, LATER).due
    served = _served(learner)
    assert count == practice_service.due_count(learner, LATER) == len(served) == len(MCQS) + len(CASES)
    assert set(CASES) <= set(served)
    assert served == _scheduler_order(learner)


def test_reserved_retired_and_unpublished_items_are_neither_counted_nor_served(learning_bank):
    learner = make_user()
    _reviewed(learner, MCQS + CASES)
    _item("learn-icd-002").reserved = "exam"  # an exam-reserved item reviewed after an exam
    _item("learn-icd-003").status = "retired"
    _item("case-ip-0001").reserved = "exam"
    db.session.commit()
    served = _served(learner)
    assert practice_service.due_count(learner, LATER) == len(served) == len(MCQS) + len(CASES) - 3
    assert not {"learn-icd-002", "learn-icd-003", "case-ip-0001"} & set(served)


def test_items_of_a_running_exam_are_neither_counted_nor_served(learning_bank):
    learner = make_user()
    _reviewed(learner, MCQS + CASES)
    make_attempt(
        learner, [_item("learn-icd-004"), _item("case-pro-0003")], kind="exam", started_at=LATER, deadline_at=LATER + timedelta(hours=1)
    )
    served = _served(learner)
    assert practice_service.due_count(learner, LATER) == len(served) == len(MCQS) + len(CASES) - 2
    assert not {"learn-icd-004", "case-pro-0003"} & set(served)


@pytest.mark.parametrize("feedback, held", [("attempt", True), ("each", False)])
def test_held_assignment_keys_are_neither_counted_nor_served(learning_bank, feedback, held):
    learner, owner = make_user(), make_user("instructor")
    _reviewed(learner, MCQS + CASES)
    cohort = make_cohort(owner, [learner])
    practice = make_assignment(cohort, config={"items": ["learn-icd-005", "learn-icd-006"]}, feedback=feedback, opens_at=LATER)
    assignments.start_assignment(learner, practice.id, LATER)  # open, keys wait until it ends
    case = make_assignment(cohort, kind="cases", config={"items": ["case-pro-0003"]}, feedback=feedback, opens_at=LATER)
    assignments.start_assignment(learner, case.id, LATER, case_key="case-pro-0003")
    served = _served(learner)
    expected = {"learn-icd-005", "learn-icd-006", "case-pro-0003"}
    assert practice_service.due_count(learner, LATER) == len(served)
    if held:
        assert len(served) == len(MCQS) + len(CASES) - 3 and not expected & set(served)
    else:  # practice with feedback after each answer holds nothing; the case attempt is open: held
        assert "case-pro-0003" not in served
    assert served == [k for k in _scheduler_order(learner) if k in served]


def test_a_due_case_is_answered_and_graded_in_the_review_flow(learning_bank):
    learner = make_user()
    _reviewed(learner, ["case-pro-0003"])
    attempt = practice_service.start_practice(learner, DUE, LATER)
    assert [db.session.get(Item, ai.item_id).key for ai in attempt.items] == ["case-pro-0003"]
    lists = {"diagnoses": ["", "S52.501A"], "procedures": ["25600"], "pcs": [""]}
    practice_service.answer_case(learner, attempt.id, 1, lists, 60, LATER)
    db.session.refresh(attempt)
    response = attempt.items[0].response
    assert response.answer == {"diagnoses": ["S52.501A"], "procedures": ["25600"], "pcs": []}
    assert response.report["score_pct"] == 85.7 and response.score == 0.857 and not response.correct
    assert not attempt.is_open and attempt.score_pct == 85.7
    card = db.session.get(ReviewCard, (learner.id, _item("case-pro-0003").id))
    assert card.last_review_at == LATER and card.due_at > LATER
