"""Exam sessions the learner can trust: one open exam per blueprint (a second start resumes it, also
under concurrency), abandoning exactly once and counting nowhere, and case answers saved and cleared."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.kinds import AttemptStatus
from study.models import AnswerRollup, Attempt, CaseRollup, Response, ReviewCard, ReviewLog, User
from study.services import Conflict, answer_review, assignments, cohort_results, cohorts, progress
from study.services import attempts as attempt_service
from study.services import exams as exam_service
from tests.factories import make_user
from tests.services.test_cohorts import race
from tests.services.test_learning import _answer_everything, _case_key_lists, _concurrently, _learner

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _attempts(user_id: int) -> list[Attempt]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id)))


def _case_position(attempt: Attempt) -> int:
    return next(ai.position for ai in attempt.items if ai.section_key == "cases")


def _assigned_exam(learner: User) -> Attempt:
    """The learner's exam of a CPC exam assignment of their cohort, started at T0."""
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    cohorts.join_cohort(learner, cohort.join_code)
    spec = assignments.AssignmentSpec(kind="exam", title="Mock", opens_at=T0, due_at=T0 + timedelta(days=1), exam="CPC")
    return assignments.start_assignment(learner, assignments.create_assignment(teacher, cohort.id, spec).id, T0)


# ------------------------------------------------------------------ one open exam per blueprint
def test_starting_a_blueprint_again_resumes_its_open_exam(learning_bank):
    user = make_user()
    first = exam_service.start_exam(user, "CPC", T0)
    assert first.open_key == "exam:CPC"
    again = exam_service.start_exam(user, "CPC", T0 + timedelta(minutes=5))
    assert again.id == first.id and len(_attempts(user.id)) == 1  # no second clock
    running = exam_service.open_own_exam(user, "CPC", T0 + timedelta(minutes=5))
    assert running is not None and running.attempt.id == first.id
    assert running.seconds_left == 55 * 60 and running.time_left == "0:55"
    exam_service.submit(user, first.id, T0 + timedelta(minutes=10))
    assert exam_service.open_own_exam(user, "CPC", T0 + timedelta(minutes=11)) is None
    second = exam_service.start_exam(user, "CPC", T0 + timedelta(minutes=11))  # the key was released
    assert second.id != first.id and second.is_open


def test_an_open_exam_past_its_deadline_is_submitted_not_offered(learning_bank):
    user = make_user()
    first = exam_service.start_exam(user, "CPC", T0)
    late = first.deadline_at + timedelta(minutes=1)
    assert exam_service.open_own_exams(user, late) == {}
    db.session.refresh(first)
    assert first.status == AttemptStatus.SUBMITTED and first.auto_submitted
    assert exam_service.start_exam(user, "CPC", late).id != first.id


def test_an_assigned_exam_does_not_block_or_count_as_the_learners_own(learning_bank):
    learner = make_user()
    assigned = _assigned_exam(learner)
    assert exam_service.open_own_exam(learner, "CPC", T0) is None
    own = exam_service.start_exam(learner, "CPC", T0)
    assert own.id != assigned.id and own.open_key == "exam:CPC"


def test_simultaneous_starts_of_one_blueprint_open_one_attempt(app, learning_bank):
    learner_id = make_user().id

    def start():
        return exam_service.start_exam(db.session.get(User, learner_id), "CPC", T0).id

    results, errors = race(app, 6, start)
    assert errors == []
    opened = _attempts(learner_id)
    assert len(opened) == 1 and set(results) == {opened[0].id}


# ------------------------------------------------------------------ abandoning
def test_abandoned_exam_is_not_graded_and_feeds_nothing(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    _answer_everything(user, attempt, T0 + timedelta(minutes=5))
    abandoned = exam_service.abandon(user, attempt.id, T0 + timedelta(minutes=6))
    assert abandoned.status == AttemptStatus.ABANDONED and not abandoned.is_open
    assert abandoned.open_key is None and abandoned.score_pct is None and abandoned.submitted_at == T0 + timedelta(minutes=6)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnswerRollup)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseRollup)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.correct.is_not(None))) == 0
    with pytest.raises(Conflict, match="abandoned"):
        exam_service.save_answer(user, attempt.id, 1, T0 + timedelta(minutes=7), letters=["A"])
    with pytest.raises(Conflict, match="abandoned already"):
        exam_service.abandon(user, attempt.id, T0 + timedelta(minutes=7))
    exam_service.submit(user, attempt.id, T0 + timedelta(minutes=7))  # submitting it later changes nothing
    assert _attempts(user.id)[0].status == AttemptStatus.ABANDONED
    assert exam_service.close_expired(attempt.deadline_at + timedelta(hours=1)) == 0
    # its blueprint can be started again at once
    assert exam_service.start_exam(user, "CPC", T0 + timedelta(minutes=8)).id != attempt.id


def test_simultaneous_abandons_and_a_submit_close_the_exam_once(app, learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    _answer_everything(user, attempt, T0 + timedelta(minutes=5))
    user_id, attempt_id, when = user.id, attempt.id, T0 + timedelta(minutes=9)
    jobs = [lambda: exam_service.abandon(_learner(user_id), attempt_id, when)] * 5 + [
        lambda: exam_service.submit(_learner(user_id), attempt_id, when)
    ]
    outcomes = _concurrently(app, jobs)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(e, Conflict) for e in errors), errors
    final = _attempts(user_id)[0]
    graded = db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog))
    if final.status == AttemptStatus.ABANDONED:  # one abandon won: the submit found it closed, nothing graded
        assert len(errors) == 4 and graded == 0 and final.score_pct is None
    else:  # the submit won: every abandon was refused, graded once
        assert final.status == AttemptStatus.SUBMITTED and len(errors) == 5 and graded == len(final.items)


def test_an_assigned_exam_cannot_be_abandoned(learning_bank):
    learner = make_user()
    attempt = _assigned_exam(learner)
    with pytest.raises(Conflict, match="cannot be abandoned"):
        exam_service.abandon(learner, attempt.id, T0 + timedelta(minutes=1))
    assert _attempts(learner.id)[0].is_open


def test_an_exam_whose_time_is_up_is_submitted_not_abandoned(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    with pytest.raises(Conflict, match="submitted"):
        exam_service.abandon(user, attempt.id, attempt.deadline_at + timedelta(minutes=1))
    assert _attempts(user.id)[0].status == AttemptStatus.SUBMITTED


def test_abandoned_exams_leave_averages_trend_readiness_and_the_cohort_dashboard(learning_bank):
    """A learner who sat one exam well and abandoned one answered wrongly: every figure is the
    one of the exam they submitted alone."""
    teacher, user = make_user("instructor"), make_user()
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    cohorts.join_cohort(user, cohort.join_code, share_progress=True)  # the heatmap shows their general progress
    day = T0 - timedelta(days=2)
    kept = exam_service.start_exam(user, "CPC", day)
    _answer_everything(user, kept, day + timedelta(minutes=5))
    exam_service.submit(user, kept.id, day + timedelta(minutes=10))
    before = progress.dashboard(user, "CPC", T0)
    dash_before = cohort_results.cohort_dashboard(teacher, cohort.id, T0)

    dropped = exam_service.start_exam(user, "CPC", T0 - timedelta(days=1))
    for ai in dropped.items:
        item = attempt_service.version_item(ai)
        if item.type == "mcq":
            wrong = [o.letter for o in attempt_service.shown_options(ai, item) if o.original not in item.answer][:1]
            exam_service.save_answer(user, dropped.id, ai.position, T0 - timedelta(days=1), letters=wrong)
    exam_service.abandon(user, dropped.id, T0 - timedelta(days=1) + timedelta(minutes=30))

    board = progress.dashboard(user, "CPC", T0)
    assert [a.id for a in board.exams] == [kept.id]  # the trend's exam rows and the averages
    assert board.readiness == before.readiness
    assert [(w.answered, w.correct) for w in board.weeks] == [(w.answered, w.correct) for w in before.weeks]
    assert board.total_answers == before.total_answers
    assert [h.id for h in board.history][:2] == [dropped.id, kept.id]  # listed in the history, as abandoned
    dash = cohort_results.cohort_dashboard(teacher, cohort.id, T0)
    assert [(r.verdict, r.predicted, [c.accuracy for c in r.cells]) for r in dash.heat] == [
        (r.verdict, r.predicted, [c.accuracy for c in r.cells]) for r in dash_before.heat
    ]


# ------------------------------------------------------------------ case answers
def test_case_answer_saved_changed_and_cleared(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    position = _case_position(attempt)
    item = attempt_service.version_item(attempt_service.get_attempt_item(attempt, position))
    lists = _case_key_lists(item)
    saved = exam_service.save_answer(user, attempt.id, position, T0 + timedelta(minutes=1), case=lists)
    assert saved is not None and saved.answer["diagnoses"] == lists["diagnoses"]
    exam_service.save_answer(user, attempt.id, position, T0 + timedelta(minutes=2), case={"diagnoses": ["I10", " "]})
    assert db.session.scalar(sa.select(Response.answer_json)) == '{"diagnoses": ["I10"], "procedures": [], "pcs": []}'
    # every row cleared: the question is unanswered again (not an empty answer that counts as given)
    assert exam_service.save_answer(user, attempt.id, position, T0 + timedelta(minutes=3), case={"diagnoses": [" "]}) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert exam_service.answered_count(attempt) == 0
    # clearing what was never saved is harmless
    assert exam_service.save_answer(user, attempt.id, position, T0 + timedelta(minutes=4), case={}) is None


@pytest.mark.parametrize("size", [20, 100])
def test_serving_an_exams_questions_reads_their_versions_in_one_query(app, size):
    """A class starting a 100-question exam at once: each start read every served version one at
    a time (100 statements); the versions are read together, whatever the exam's length."""
    from study.models import Item
    from tests.factories import make_mcqs
    from tests.support import count_statements

    learner = make_user()
    items = make_mcqs(size)
    db.session.expire_all()  # a start finds the items in a fresh session, as a request does
    items = list(db.session.scalars(sa.select(Item).where(Item.id.in_([i.id for i in items])).order_by(Item.id)))
    attempt = Attempt(user_id=learner.id, kind="exam", exam="CPC", started_at=T0)
    db.session.add(attempt)
    db.session.flush()
    with count_statements() as statements:
        attempt_service.add_items(attempt, [(item, "icd") for item in items], learner)
        db.session.flush()
    version_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM item_version" in s]
    assert len(version_reads) == 1, len(version_reads)
    assert [ai.position for ai in attempt.items] == list(range(1, size + 1))
    assert all(ai.option_order for ai in attempt.items)


# ------------------------------------------------------------------ no key before the exam ends
def test_an_open_exams_review_gives_no_key(learning_bank):
    """The keys wait for the end of the exam in the service itself, not only behind the result page's redirect."""
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    exam_service.save_answer(user, attempt.id, 1, T0 + timedelta(minutes=1), letters=["A"])
    assert answer_review.exam_review(user, attempt, T0 + timedelta(minutes=2)) == ([], False)
    exam_service.submit(user, attempt.id, T0 + timedelta(minutes=3))
    review, shown = answer_review.exam_review(user, attempt, T0 + timedelta(minutes=4))
    assert shown and review and "answer" in review[0]
