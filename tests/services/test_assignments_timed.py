"""Timed assignments of any length and rule-based selection: a chosen set of N items, a section of
an exam, or a whole exam, each with a time limit x the learner's extra time in the cohort, run on
the exam's server clock (an answer after the deadline is refused; the attempt is submitted and
graded exactly once, also under concurrent requests); a rule of several topics and difficulties
that avoids what the learner answered lately."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.kinds import AttemptStatus
from study.models import Attempt, Item
from study.services import Conflict, assignments, cohorts, practice, progress
from study.services import exams as exam_service
from tests.factories import make_mcqs, make_user
from tests.services.test_learning import _answer_everything, _concurrently, _graded_once, _learner, _right_letters, deadline_jobs

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def _spec(**kw):
    base = dict(kind="practice", title="Timed drill", opens_at=T0, due_at=T0 + DAY)
    base.update(kw)
    return assignments.AssignmentSpec(**base)


def _assign(teacher, learner, multiplier=None, **spec):
    cohort = cohorts.create_cohort(teacher, "Timed", "CPC")
    cohorts.join_cohort(learner, cohort.join_code)
    if multiplier is not None:
        cohorts.set_extra_time(teacher, cohort.id, learner.id, multiplier)
    return assignments.create_assignment(teacher, cohort.id, _spec(**spec))


@pytest.fixture
def teacher(app):
    return make_user("instructor")


def test_a_twenty_item_timed_set_with_one_and_a_half_times_the_time(teacher, learning_bank):
    keys = [i.key for i in make_mcqs(20)][::-1]  # the instructor's order: not the keys' order
    learner, other = make_user(), make_user()
    assignment = _assign(teacher, learner, multiplier=1.5, items=keys, minutes=30)
    cohorts.join_cohort(other, assignment.cohort.join_code)
    assert assignment.config == {"items": keys, "minutes": 30}
    assert assignments.describe(assignment) == "20 chosen items, timed, 30 minutes"

    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert attempt.kind == "exam" and attempt.exam is None and attempt.assignment_id == assignment.id
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=45)
    assert [db.session.get(Item, ai.item_id).key for ai in attempt.items] == keys
    assert attempt.config["title"] == "Timed drill" and attempt.config["minutes"] == 30
    # the other learner has no extra time: 30 minutes
    theirs = assignments.start_assignment(other, assignment.id, T0)
    assert theirs.deadline_at - theirs.started_at == timedelta(minutes=30)

    # within the extended time (after 30 minutes) an answer is taken; after the deadline it is not
    first = attempt.items[0]
    exam_service.save_answer(learner, attempt.id, 1, T0 + timedelta(minutes=40), letters=_right_letters(first))
    with pytest.raises(Conflict, match="Time is up"):
        exam_service.save_answer(learner, attempt.id, 2, T0 + timedelta(minutes=46), letters=["A"])
    done = db.session.get(Attempt, attempt.id)
    assert done.status == AttemptStatus.SUBMITTED and done.auto_submitted and done.submitted_at == done.deadline_at
    assert done.score_pct == 5.0  # 1 of 20
    _graded_once(done)
    report = exam_service.result(done)
    assert report.minutes_allowed == 45.0 and [s.title for s in report.sections] == ["Questions"] and report.total == 20
    [row] = [r for r in assignments.assignments_for(learner, T0 + timedelta(hours=1)) if r.assignment.id == assignment.id]
    assert row.result.done and row.result.score == 5.0


def test_the_learners_time_limit_is_shown_with_their_extra_time(teacher, learning_bank):
    learner = make_user()
    assignment = _assign(teacher, learner, multiplier=1.5, items=["learn-icd-001", "learn-icd-002"], minutes=30)
    [row] = assignments.assignments_for(learner, T0)
    assert row.minutes == 45 and row.description == "2 chosen items, timed, 30 minutes"
    untimed = assignments.create_assignment(teacher, assignment.cohort_id, _spec(title="Untimed", items=["learn-icd-003"]))
    rows = {r.assignment.id: r for r in assignments.assignments_for(learner, T0)}
    assert rows[untimed.id].minutes is None
    exam = assignments.create_assignment(teacher, assignment.cohort_id, _spec(title="Mock", kind="exam"))
    assert {r.assignment.id: r for r in assignments.assignments_for(learner, T0)}[exam.id].minutes == 90  # 60 x 1.5


def test_a_timed_set_may_hold_cases_and_is_graded_per_kind(app, teacher, learning_bank):
    learner = make_user()
    assignment = _assign(teacher, learner, items=["learn-icd-001", "case-pro-0003"], minutes=20)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert [ai.section_key for ai in attempt.items] == ["questions", "cases"]
    _answer_everything(learner, attempt, T0 + timedelta(minutes=5))
    exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=6))
    done = db.session.get(Attempt, attempt.id)
    assert done.score_pct == 100.0
    assert [(s.title, s.served) for s in exam_service.result(done).sections] == [("Questions", 1), ("Coding cases", 1)]


def test_a_section_of_an_exam_is_timed_by_its_share_and_is_no_simulation(teacher, learning_bank):
    learner = make_user()
    assignment = _assign(teacher, learner, multiplier=2.0, kind="exam", section="icd-10-cm")
    assert assignment.config == {"exam": "CPC", "section": "icd-10-cm"}
    assert assignments.describe(assignment) == "CPC section: ICD-10-CM, timed, 34 minutes"
    assert assignments.time_limit(assignment) == 34  # 60 minutes x 4 of the blueprint's 7 items
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert attempt.exam is None and attempt.config["title"] == "CPC: ICD-10-CM"
    assert {ai.section_key for ai in attempt.items} == {"icd-10-cm"} and len(attempt.items) == 4
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=68)
    _answer_everything(learner, attempt, T0 + timedelta(minutes=5))
    exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=6))
    # a part of an exam is not a simulation: the readiness figure does not count it
    assert progress.dashboard(learner, "CPC", T0 + timedelta(minutes=7)).exams == []


def test_a_whole_exam_with_its_own_time_limit(teacher, learning_bank):
    learner = make_user()
    assignment = _assign(teacher, learner, multiplier=1.5, kind="exam", minutes=20)
    assert assignments.describe(assignment) == "CPC exam simulation, 20 minutes"
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert attempt.exam == "CPC" and attempt.deadline_at - attempt.started_at == timedelta(minutes=30)
    assert attempt.config["minutes"] == 20


def test_timed_assignments_are_validated(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    bad = [
        (_spec(items=["learn-icd-001"], minutes=0), "minutes"),
        (_spec(items=["learn-icd-001"], minutes=601), "minutes"),
        (_spec(kind="cases", items=["case-pro-0003"], minutes=30), "minutes"),
        (_spec(items=["learn-icd-001"], minutes=30, feedback="each"), "feedback"),
        (_spec(kind="exam", section="no-such-section"), "section"),
        (_spec(items=["case-pro-0003"]), "items"),  # a case only in a timed set
        (_spec(topics=["icd-10-cm"], difficulties=["easy", "tricky"]), "difficulties"),
        (_spec(topics=["icd-10-cm"], avoid_recent_days=0), None),  # 0 means off: accepted
        (_spec(topics=["icd-10-cm"], avoid_recent_days=400), "avoid_recent_days"),
        (_spec(items=[f"k-{n}" for n in range(101)]), "items"),
    ]
    for spec, field in bad:
        if field is None:
            assert "avoid_recent_days" not in assignments.create_assignment(teacher, cohort.id, spec).config
            continue
        with pytest.raises(cohorts.FieldError) as refused:
            assignments.create_assignment(teacher, cohort.id, spec)
        assert refused.value.field == field, spec


def test_a_rule_of_several_topics_and_difficulties(teacher, learning_bank):
    items = make_mcqs(12)
    for n, item in enumerate(items):
        item.topic = ("em", "anesthesia", "icd-10-cm")[n % 3]
        item.difficulty = ("easy", "medium", "hard")[n // 4]
    db.session.commit()
    wanted = {i.id for i in items if i.topic in ("em", "anesthesia") and i.difficulty in ("medium", "hard")}
    learner = make_user()
    assignment = _assign(teacher, learner, topics=["em", "anesthesia"], difficulties=["medium", "hard"], size=20)
    assert assignment.config == {"exam": "CPC", "topics": ["em", "anesthesia"], "difficulties": ["medium", "hard"], "size": 20}
    assert assignments.describe(assignment) == "20 questions, CPC, topics: em, anesthesia, medium or hard"
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert {ai.item_id for ai in attempt.items} == wanted  # all the rule allows, and nothing else


def test_avoiding_what_the_learner_answered_lately_is_applied_per_learner(teacher, learning_bank):
    make_mcqs(10)
    learner, other = make_user(), make_user()
    assignment = _assign(teacher, learner, topics=["icd-10-cm"], size=5, avoid_recent_days=30, feedback="each")
    cohorts.join_cohort(other, assignment.cohort.join_code)
    assert assignments.describe(assignment).endswith("not answered in the last 30 days when enough others")
    # the learner answers 14 of the 19 questions: 9 forty days ago (long enough), 5 ten days ago
    pool = db.session.scalars(sa.select(Item).where(Item.type == "mcq", Item.topic == "icd-10-cm").order_by(Item.key)).all()
    old_ids = tuple(i.id for i in pool[:9])
    old = practice.start_practice(learner, practice.PracticeChoice(None, [], None, 9, "all", item_ids=old_ids), T0 - 40 * DAY)
    recent_ids = tuple(i.id for i in pool[9:14])
    recent = practice.start_practice(learner, practice.PracticeChoice(None, [], None, 5, "all", item_ids=recent_ids), T0 - 10 * DAY)
    for attempt, when in ((old, T0 - 40 * DAY), (recent, T0 - 10 * DAY)):
        for ai in attempt.items:
            practice.answer(learner, attempt.id, ai.position, _right_letters(ai), 10, when)
    served = assignments.start_assignment(learner, assignment.id, T0)
    assert not {ai.item_id for ai in served.items} & set(recent_ids)
    # per learner: the other learner answered nothing, so any question may come
    assert len(assignments.start_assignment(other, assignment.id, T0).items) == 5
    # with too few others left, the recent ones are drawn last, so the set keeps its size
    tight = _assign(teacher, learner, topics=["icd-10-cm"], size=18, avoid_recent_days=30)
    drawn = [ai.item_id for ai in assignments.start_assignment(learner, tight.id, T0).items]
    assert len(drawn) == 18 and len(set(drawn) & set(recent_ids)) == 4


def test_a_chosen_practice_set_is_served_in_the_instructors_order(teacher, learning_bank):
    keys = ["learn-icd-005", "learn-icd-001", "learn-icd-008", "learn-icd-003"]
    learner = make_user()
    assignment = _assign(teacher, learner, items=keys)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert [db.session.get(Item, ai.item_id).key for ai in attempt.items] == keys


# ------------------------------------------------------------------ the clock under concurrency
def _timed_attempt(teacher, learner, n=5, minutes=10, multiplier=1.5):
    keys = [f"learn-icd-00{i}" for i in range(1, n + 1)]
    assignment = _assign(teacher, learner, multiplier=multiplier, items=keys, minutes=minutes)
    return assignments.start_assignment(learner, assignment.id, T0)


def test_submit_refresh_and_cron_racing_at_a_timed_sets_deadline_grade_it_once(app, teacher, learning_bank):
    learner = make_user()
    attempt = _timed_attempt(teacher, learner)
    _answer_everything(learner, attempt, T0 + timedelta(minutes=5))
    user_id, attempt_id, late = learner.id, attempt.id, attempt.deadline_at + timedelta(minutes=1)
    # and the learner's list of assignments, which submits their timed attempts whose time is up
    jobs = [*deadline_jobs(user_id, attempt_id, late), lambda: assignments.assignments_for(_learner(user_id), late)]
    outcomes = _concurrently(app, jobs * 2)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    done = db.session.get(Attempt, attempt_id)
    assert done.auto_submitted and done.submitted_at == done.deadline_at and done.score_pct == 100.0
    _graded_once(done)
    assert exam_service.close_expired(late + timedelta(hours=1)) == 0


def test_answers_racing_the_submission_are_graded_or_refused_and_none_after_the_deadline(app, teacher, learning_bank):
    learner, other = make_user(), make_user()
    attempt = _timed_attempt(teacher, learner, minutes=10, multiplier=1.5)  # 15 minutes
    with pytest.raises(Conflict, match="Time is up"):  # the extra time ends too
        exam_service.save_answer(learner, attempt.id, 5, attempt.deadline_at + timedelta(seconds=11), letters=["A"])
    assert _learner(learner.id) and db.session.get(Attempt, attempt.id).status == AttemptStatus.SUBMITTED
    # another learner's set: four saves race its submission inside the time
    assignment = db.session.get(Attempt, attempt.id).assignment_id
    cohorts.join_cohort(other, assignments._learner_assignment(learner, assignment).cohort.join_code)
    raced = assignments.start_assignment(other, assignment, T0)
    other_id, raced_id = other.id, raced.id
    shown = {ai.position: _right_letters(ai) for ai in raced.items}
    when = T0 + timedelta(minutes=9)
    jobs = [lambda p=p: exam_service.save_answer(_learner(other_id), raced_id, p, when, letters=shown[p]) for p in (1, 2, 3, 4)]
    jobs.append(lambda: exam_service.submit(_learner(other_id), raced_id, when))
    outcomes = _concurrently(app, jobs)
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, Conflict)], outcomes
    saved = {p for p, o in zip((1, 2, 3, 4), outcomes[:4], strict=True) if not isinstance(o, Exception)}
    done = db.session.get(Attempt, raced_id)
    assert done.status == AttemptStatus.SUBMITTED and not done.auto_submitted
    assert {ai.position for ai in done.items if ai.response is not None} == saved  # acknowledged = graded
    assert done.score_pct == 20.0 * len(saved)
    _graded_once(done)


def test_simultaneous_starts_of_a_timed_set_open_one_attempt_and_one_clock(app, teacher, learning_bank):
    from study.models import User
    from tests.services.test_cohorts import race

    learner = make_user()
    assignment = _assign(teacher, learner, multiplier=1.5, topics=["icd-10-cm"], size=5, minutes=10)
    learner_id, assignment_id = learner.id, assignment.id

    def start():
        return assignments.start_assignment(db.session.get(User, learner_id), assignment_id, T0).id

    results, errors = race(app, 6, start)
    assert errors == []
    db.session.expire_all()
    [attempt] = db.session.scalars(sa.select(Attempt).where(Attempt.user_id == learner_id)).all()
    assert set(results) == {attempt.id} and len(attempt.items) == 5
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=15)


def test_messages_give_dates_in_the_learners_time_zone(teacher, learning_bank):
    learner = make_user()
    learner.time_zone = "Europe/Paris"
    db.session.commit()
    later = _assign(teacher, learner, items=["learn-icd-001"], opens_at=T0 + DAY, due_at=T0 + 2 * DAY, feedback="due")
    with pytest.raises(Conflict, match="opens on 2026-11-28 10:00 CET"):  # 09:00 UTC
        assignments.start_assignment(learner, later.id, T0)
    attempt = assignments.start_assignment(learner, later.id, T0 + DAY)
    assert "after the due date (2026-11-29 10:00 CET)" in assignments.feedback_note(attempt)


def test_a_timed_rule_draws_questions_only_as_it_says(teacher, learning_bank):
    """A timed rule served the cases of its topics too (the chosen sets' switch was on for rules)."""
    for item in make_mcqs(3):
        item.topic = "surgery-musculoskeletal"  # the topic of the case case-pro-0003
    db.session.commit()
    learner = make_user()
    assignment = _assign(teacher, learner, topics=["surgery-musculoskeletal"], size=10, minutes=10)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert sorted(db.session.get(Item, ai.item_id).type for ai in attempt.items) == ["mcq"] * 3
