"""After a practice set, a next step (issue 18): the result by topic, time per question, "retry the
questions I missed" (a new set of exactly those) and the next suggested set."""

from __future__ import annotations

from datetime import datetime, timezone

from study.extensions import db
from study.models import Attempt
from study.services import attempts as attempt_service
from study.services import practice

NOW = datetime.now(timezone.utc)


def _finish(learner, wrong_positions: set[int]):
    attempt = practice.start_practice(learner, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 4, "all"), NOW)
    missed = []
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        choice = list(item.answer)
        if ai.position in wrong_positions:
            choice = [next(o.letter for o in item.options if o.letter not in item.answer)]
            missed.append(ai.item_id)
        practice.answer(learner, attempt.id, ai.position, attempt_service.to_shown(ai, item, choice), 90, NOW)
    return attempt, missed


def test_the_summary_shows_topics_pace_and_the_next_steps(client, login_as, learning_bank):
    lee = login_as("learner")
    attempt, missed = _finish(lee, {2, 3})
    html = client.get(f"/practice/{attempt.id}/summary").get_data(as_text=True)
    assert "By topic" in html and "1.5 min per question on average" in html
    assert "Retry the 2 questions I missed" in html and "Next: practise ICD-10-CM diagnosis coding" in html


def test_retry_missed_starts_a_set_of_exactly_the_missed_questions(client, login_as, learning_bank):
    lee = login_as("learner")
    attempt, missed = _finish(lee, {1, 4})
    response = client.post(f"/practice/{attempt.id}/retry-missed")
    assert response.status_code == 302
    retry = db.session.scalars(db.select(Attempt).where(Attempt.id != attempt.id, Attempt.user_id == lee.id)).one()
    assert [ai.item_id for ai in retry.items] == missed
    assert response.headers["Location"] == f"/practice/{retry.id}"


def test_no_retry_without_a_miss_and_not_for_someone_elses_set(client, login_as, learning_bank):
    from tests.factories import make_user

    other = make_user()
    theirs, _ = _finish(other, {1})
    lee = login_as("learner")
    mine, _ = _finish(lee, set())
    assert "I missed" not in client.get(f"/practice/{mine.id}/summary").get_data(as_text=True)
    client.post(f"/practice/{mine.id}/retry-missed")
    assert client.post(f"/practice/{theirs.id}/retry-missed").status_code == 403  # as every attempt route
    assert db.session.scalar(db.select(db.func.count()).select_from(Attempt).where(Attempt.user_id == lee.id)) == 1
