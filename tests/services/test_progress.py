"""Progress figures on hand-built histories: empty, one answer, recency, cases, export, deletion."""

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, AttemptItem, Item, Response, ReviewCard, User
from study.services import exams, practice, progress, rollups
from tests.factories import make_user

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def history(user, answers):
    """answers: (item key, correct, days ago, seconds) -> one practice attempt holding them."""
    attempt = Attempt(user_id=user.id, kind="practice", exam="CPC", started_at=NOW - timedelta(days=60), status="submitted")
    db.session.add(attempt)
    db.session.flush()
    for position, (key, correct, days_ago, seconds) in enumerate(answers, start=1):
        item = db.session.scalar(sa.select(Item).where(Item.key == key))
        ai = AttemptItem(attempt_id=attempt.id, position=position, item_id=item.id, item_version_id=item.current_version_id)
        db.session.add(ai)
        db.session.flush()
        db.session.add(
            Response(
                attempt_item_id=ai.id,
                user_id=user.id,
                item_id=item.id,
                answer_json='{"selected": ["A"]}',
                correct=correct,
                score=1.0 if correct else 0.0,
                answered_at=NOW - timedelta(days=days_ago),
                seconds=seconds,
            )
        )
        rollups.add_mcq_answer(user.id, item.id, correct, seconds, NOW - timedelta(days=days_ago))
    db.session.commit()
    return attempt


def section(board, key):
    return next(s for s in board.sections if s.key == key)


def test_empty_history(learning_bank):
    board = progress.dashboard(make_user(), "CPC", NOW)
    assert board.total_answers == 0 and board.weeks == [] and board.history == []
    assert board.readiness.verdict == "not enough evidence"
    assert all(s.accuracy is None for s in board.sections)
    assert board.pace_seconds is None and board.case_by_setting == {}


def test_one_answer_counts_but_shows_no_section_figure(learning_bank):
    user = make_user()
    history(user, [("learn-icd-001", True, 0, 40)])
    board = progress.dashboard(user, "CPC", NOW)
    icd = section(board, "icd-10-cm")
    assert icd.evidence.answers == 1 and icd.accuracy is None
    assert board.total_answers == 1 and board.pace_seconds == 40.0
    assert [(w.weeks_ago, w.answered, w.correct) for w in board.weeks] == [(0, 1, 1)]


def test_recent_answers_weigh_more(learning_bank):
    user = make_user()
    keys = [f"learn-icd-00{i}" for i in range(1, 9)]
    # wrong two months ago, right this week
    history(user, [(k, False, 56, 30) for k in keys[:4]] + [(k, True, 1, 30) for k in keys[4:]])
    board = progress.dashboard(user, "CPC", NOW)
    icd = section(board, "icd-10-cm")
    assert icd.evidence.answers == 8
    # plain accuracy is 4/8 = 0.5; answers 8 weeks old count a quarter: 4 / (4 + 4 x 0.25) = 0.8
    assert abs(icd.accuracy - 0.8) < 1e-9
    assert [(w.weeks_ago, w.answered, w.correct) for w in board.weeks] == [(8, 4, 0), (0, 4, 4)]
    assert board.weakest[0].key == "icd-10-cm"


def test_case_accuracy_and_error_kinds_from_grade_reports(learning_bank):
    from study.services import cases

    user = make_user()
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    attempt = cases.start_case(user, case_item.key, NOW)
    cases.submit_case(user, attempt.id, {"diagnoses": ["R52"], "procedures": [], "pcs": []}, NOW)
    board = progress.dashboard(user, "CPC", NOW)
    n, pct = board.case_by_setting["professional"]
    assert n == 1 and pct < 100
    assert board.case_errors["missing"] >= 1 and board.case_errors["extra"] + board.case_errors["missing"] >= 2


def test_exam_simulations_join_the_trend_and_readiness(learning_bank):
    user = make_user()
    attempt = exams.start_exam(user, "CPC", NOW - timedelta(days=1))
    for ai in attempt.items:
        if ai.section_key == "icd-10-cm":
            exams.save_answer(user, attempt.id, ai.position, NOW - timedelta(days=1), letters=["A"])
    exams.submit(user, attempt.id, NOW - timedelta(days=1) + timedelta(minutes=20))
    board = progress.dashboard(user, "CPC", NOW)
    assert [a.id for a in board.exams] == [attempt.id]
    assert board.history[0].id == attempt.id


def test_export_and_delete_everything(learning_bank):
    user = make_user()
    other = make_user()
    history(user, [("learn-icd-001", True, 0, 40), ("learn-icd-002", False, 0, 50)])
    history(other, [("learn-icd-001", True, 0, 40)])
    p = practice.start_practice(user, practice.PracticeChoice("CPC", [], None, 1, "all"), NOW)
    practice.answer(user, p.id, 1, ["A"], 10, NOW)
    data = progress.export_data(user)
    assert data["account"]["email"] == user.email and len(data["answers"]) == 3
    json.dumps(data)  # serialisable
    progress.delete_account(user)
    assert db.session.get(User, user.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.user_id == user.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1  # the other learner's stays


def test_the_export_files_and_deleting_with_the_password(learning_bank):
    import csv
    import io

    from study.services import ServiceError, users
    from tests.factories import PASSWORD

    user = make_user()
    p = practice.start_practice(user, practice.PracticeChoice("CPC", [], None, 1, "all"), NOW)
    practice.answer(user, p.id, 1, ["A"], 10, NOW)
    data = progress.export_data(user, NOW)
    assert json.loads(progress.export_json(user, NOW)) == data
    rows = list(csv.reader(io.StringIO(progress.export_answers_csv(user, NOW))))
    answer = data["answers"][0]
    assert rows[0] == progress.EXPORT_ANSWER_COLUMNS and len(rows) == 2
    assert rows[1] == [
        str(p.id),
        "practice",
        "CPC",
        "1",
        answer["item"],
        json.dumps(answer["answer"]),
        str(answer["correct"]),
        str(answer["score"]),
        "10.0",
        answer["answered_at"],
    ]

    with pytest.raises(ServiceError, match="The password is not right: nothing was deleted."):
        users.delete_account(user, "not the password")
    assert db.session.get(User, user.id) is not None
    users.delete_account(user, PASSWORD)
    assert db.session.get(User, user.id) is None
