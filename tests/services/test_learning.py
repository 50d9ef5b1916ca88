"""Practice, coding cases and timed exams: drawing, shuffling, feedback, the server's clock,
auto-submit, idempotency, FSRS review and ownership."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, Item, Response, ReviewCard, ReviewLog
from study.services import Conflict, Forbidden, ServiceError, bank, practice
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import exams as exam_service
from tests.factories import make_user
from tests.learning_bank import write_learning_bank

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _choice(**kw):
    base = dict(exam="CPC", topics=["icd-10-cm"], difficulty=None, size=5, mode="all")
    base.update(kw)
    return practice.PracticeChoice(**base)


def _right_letters(ai):
    item = attempt_service.version_item(ai)
    return attempt_service.to_shown(ai, item, list(item.answer))


def _wrong_letter(ai):
    item = attempt_service.version_item(ai)
    right = set(_right_letters(ai))
    return next(o.letter for o in attempt_service.shown_options(ai, item) if o.letter not in right)


# ------------------------------------------------------------------ practice
def test_practice_draws_published_items_and_shuffles_per_learner(learning_bank):
    ann, bob = make_user(), make_user()
    a = practice.start_practice(ann, _choice(size=9), T0)
    b = practice.start_practice(bob, _choice(size=9), T0)
    assert len(a.items) == 9
    keys = {db.session.get(Item, ai.item_id).key for ai in a.items}
    assert all(k.startswith("learn-icd-") for k in keys)
    orders_a = {ai.item_id: ai.option_order for ai in a.items}
    orders_b = {ai.item_id: ai.option_order for ai in b.items}
    assert all(sorted(o) == list("ABCD") for o in orders_a.values())
    assert orders_a != orders_b  # each learner sees their own order


def test_answer_maps_through_the_shuffle_and_gives_feedback(learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=2), T0)
    first, second = attempt.items
    right = practice.answer(user, attempt.id, 1, _right_letters(first), 20, T0)
    assert right.correct and right.created
    wrong = practice.answer(user, attempt.id, 2, [_wrong_letter(second)], 20, T0)
    assert not wrong.correct
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.score_pct == 50.0
    assert practice.running_score(attempt) == (1, 2)


def test_repeated_answer_is_stored_once(learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=2), T0)
    ai = attempt.items[0]
    first = practice.answer(user, attempt.id, 1, _right_letters(ai), 5, T0)
    again = practice.answer(user, attempt.id, 1, [_wrong_letter(ai)], 5, T0)  # double click, different choice
    assert not again.created and again.correct == first.correct
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1


def test_concurrent_identical_answers_leave_one_row(app, learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=2), T0)
    letters = _right_letters(attempt.items[0])
    user_id, attempt_id = user.id, attempt.id
    errors = []

    def submit():
        try:
            with app.app_context():
                from study.models import User

                practice.answer(db.session.get(User, user_id), attempt_id, 1, letters, 5, T0)
        except Exception as exc:  # noqa: BLE001 - any failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_other_learners_and_closed_sets_are_refused(learning_bank):
    owner, other = make_user(), make_user()
    attempt = practice.start_practice(owner, _choice(size=1), T0)
    with pytest.raises(Forbidden):
        practice.answer(other, attempt.id, 1, ["A"], 5, T0)
    practice.end_early(owner, attempt.id, T0)
    with pytest.raises(Conflict):
        practice.answer(owner, attempt.id, 1, ["A"], 5, T0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_bad_choice_is_refused(learning_bank):
    user = make_user()
    # a single-answer question (the random draw could pick the two-answer one, for which A+B is a valid choice)
    attempt = practice.start_practice(user, _choice(size=1, difficulty="easy"), T0)
    for bad in ([], ["Z"], ["A", "B"]):
        with pytest.raises(ServiceError):
            practice.answer(user, attempt.id, 1, bad, 5, T0)


def test_missed_and_review_due_modes(learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=4), T0)
    wrong_ids = []
    for ai in attempt.items:
        if ai.position <= 2:
            practice.answer(user, attempt.id, ai.position, [_wrong_letter(ai)], 10, T0)
            wrong_ids.append(ai.item_id)
        else:
            practice.answer(user, attempt.id, ai.position, _right_letters(ai), 10, T0)
    missed = practice.start_practice(user, _choice(size=10, mode="missed"), T0)
    assert sorted(ai.item_id for ai in missed.items) == sorted(wrong_ids)
    # FSRS: wrong answers (Again) come due sooner than right ones (Good)
    cards = {c.item_id: c for c in db.session.scalars(sa.select(ReviewCard))}
    right_ids = set(cards) - set(wrong_ids)
    assert max(cards[i].due_at for i in wrong_ids) < min(cards[i].due_at for i in right_ids)
    soon = T0 + timedelta(minutes=5)
    assert practice.due_count(user, soon) == 2
    due = practice.start_practice(user, _choice(size=10, mode="due"), soon)
    assert sorted(ai.item_id for ai in due.items) == sorted(wrong_ids)
    with pytest.raises(ServiceError, match="Nothing is due"):
        practice.start_practice(make_user(), _choice(mode="due"), T0)


def test_slow_right_answer_rates_hard(learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=2), T0)
    practice.answer(user, attempt.id, 1, _right_letters(attempt.items[0]), 600, T0)
    practice.answer(user, attempt.id, 2, _right_letters(attempt.items[1]), 30, T0)
    ratings = sorted(db.session.scalars(sa.select(ReviewLog.rating)))
    assert ratings == [2, 3]  # Hard (slow: over the CPC pace of 2.4 minutes), Good


# ------------------------------------------------------------------ cases
def test_case_attempts_are_graded_kept_and_retried(learning_bank):
    user = make_user()
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    attempt = case_service.start_case(user, case_item.key, T0)
    assert case_service.start_case(user, case_item.key, T0).id == attempt.id  # double click: one attempt
    ai, case = case_service.case_of(attempt)
    key = {
        "diagnoses": [ln.code for ln in case.key.diagnoses if not ln.optional],
        "procedures": [ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in case.key.procedures],
        "pcs": [],
    }
    report = case_service.submit_case(user, attempt.id, key, T0)
    assert report.score_pct == 100.0
    with pytest.raises(Conflict):
        case_service.submit_case(user, attempt.id, key, T0)
    retry = case_service.start_case(user, case_item.key, T0 + timedelta(minutes=5))
    assert retry.id != attempt.id
    worse = case_service.submit_case(user, retry.id, {"diagnoses": ["R52"], "procedures": [], "pcs": []}, T0 + timedelta(minutes=6))
    assert worse.score_pct < 100
    assert [a.score_pct for a in case_service.history(user, case_item.key)] == [worse.score_pct, 100.0]


# ------------------------------------------------------------------ exams
def test_exam_draw_shortfall_and_deadline_with_extra_time(learning_bank):
    user = make_user()
    plans = {p.key: p for p in exam_service.plan_exam(user, "CPC")}
    assert plans["icd-10-cm"].short == 0 and len(plans["icd-10-cm"].drawn) == 4
    assert plans["modifiers"].short == 2  # the learner is told beforehand
    attempt = exam_service.start_exam(user, "CPC", T0, multiplier=1.5)
    assert attempt.deadline_at == T0 + timedelta(minutes=90)
    assert len(attempt.items) == 5  # 4 questions + 1 case; the empty section is simply short


def test_answers_before_the_deadline_are_saved_and_later_ones_refused(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    first = attempt.items[0]
    exam_service.save_answer(user, attempt.id, 1, T0 + timedelta(minutes=5), letters=[_wrong_letter(first)])
    exam_service.save_answer(user, attempt.id, 1, T0 + timedelta(minutes=6), letters=_right_letters(first))  # changed mind
    exam_service.set_flag(user, attempt.id, 2, True, T0 + timedelta(minutes=7))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    # within the network tolerance after the deadline: still accepted
    exam_service.save_answer(user, attempt.id, 2, attempt.deadline_at + timedelta(seconds=5), letters=_right_letters(attempt.items[1]))
    with pytest.raises(Conflict, match="Time is up"):
        exam_service.save_answer(user, attempt.id, 3, attempt.deadline_at + timedelta(seconds=30), letters=["A"])
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.auto_submitted and attempt.submitted_at == attempt.deadline_at
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 2
    result = exam_service.result(attempt)
    assert result.answered == 2 and result.total == 5
    assert result.percent == 40.0 and not result.passed
    assert {s.key: s.served for s in result.sections} == {"icd-10-cm": 4, "modifiers": 0, "cases": 1}


def test_close_expired_submits_exams_nobody_is_looking_at(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    exam_service.save_answer(user, attempt.id, 1, T0 + timedelta(minutes=1), letters=_right_letters(attempt.items[0]))
    assert exam_service.close_expired(T0 + timedelta(minutes=30)) == 0
    assert exam_service.close_expired(attempt.deadline_at + timedelta(minutes=1)) == 1
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.score_pct == 20.0


def test_exam_case_answers_are_graded_at_submission(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    case_ai = next(ai for ai in attempt.items if ai.section_key == "cases")
    case = attempt_service.version_item(case_ai)
    lists = {
        "diagnoses": [ln.code for ln in case.key.diagnoses if not ln.optional],
        "procedures": [ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in case.key.procedures],
    }
    exam_service.save_answer(user, attempt.id, case_ai.position, T0 + timedelta(minutes=2), case=lists)
    assert case_ai.response.report_json == ""  # nothing graded while the exam is open
    exam_service.submit(user, attempt.id, T0 + timedelta(minutes=3))
    db.session.refresh(case_ai)
    assert case_ai.response.score == 1.0 and case_ai.response.report["score_pct"] == 100.0


def test_next_exam_avoids_items_seen_in_recent_exams(app, tmp_path):
    root = write_learning_bank(tmp_path / "bank")
    blueprint = root / "blueprints" / "CPC.yaml"
    blueprint.write_text(blueprint.read_text().replace("questions: 4", "questions: 3"), encoding="utf-8")
    bank.import_bank(root)
    user = make_user()
    first = exam_service.start_exam(user, "CPC", T0)
    exam_service.submit(user, first.id, T0 + timedelta(minutes=1))
    second = exam_service.start_exam(user, "CPC", T0 + timedelta(hours=1))
    seen = {ai.item_id for ai in first.items if ai.section_key == "icd-10-cm"}
    fresh = {ai.item_id for ai in second.items if ai.section_key == "icd-10-cm"}
    assert not seen & fresh  # 9 items, 3 per exam: no repeat while the bank allows


def test_exam_belongs_to_its_learner(learning_bank):
    owner, other = make_user(), make_user()
    attempt = exam_service.start_exam(owner, "CPC", T0)
    with pytest.raises(Forbidden):
        exam_service.save_answer(other, attempt.id, 1, T0, letters=["A"])
    with pytest.raises(Forbidden):
        exam_service.submit(other, attempt.id, T0)
    assert db.session.get(Attempt, attempt.id).is_open


# ------------------------------------------------------------------ races (real threads, real database)
def _concurrently(app, jobs):
    """Run every job at once, each in a thread with an app context (a session and connection) of
    its own; returns what each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(i, job):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = job()
            except Exception as exc:  # noqa: BLE001 - returned to the test
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    return outcomes


def _learner(user_id):
    from study.models import User

    return db.session.get(User, user_id)


def _case_key_lists(case):
    return {
        "diagnoses": [ln.code for ln in case.key.diagnoses if not ln.optional],
        "procedures": [ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in case.key.procedures],
        "pcs": [],
    }


def _answer_everything(user, attempt, when):
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        if item.type == "mcq":
            exam_service.save_answer(user, attempt.id, ai.position, when, letters=_right_letters(ai))
        else:
            exam_service.save_answer(user, attempt.id, ai.position, when, case=_case_key_lists(item))


def _graded_once(attempt):
    """Every answer of the exam fed the review cards and the rollups exactly once."""
    from study.models import AnswerRollup, CaseRollup

    answered = sum(1 for ai in attempt.items if ai.response is not None)
    mcqs = sum(1 for ai in attempt.items if ai.response is not None and attempt_service.version_item(ai).type == "mcq")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == answered
    assert db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(AnswerRollup.answered), 0))) == mcqs
    assert db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CaseRollup.attempts), 0))) == answered - mcqs


def test_simultaneous_submits_grade_the_exam_once(app, learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    _answer_everything(user, attempt, T0 + timedelta(minutes=5))
    user_id, attempt_id = user.id, attempt.id
    outcomes = _concurrently(app, [lambda: exam_service.submit(_learner(user_id), attempt_id, T0 + timedelta(minutes=9))] * 6)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "submitted" and not attempt.auto_submitted and attempt.score_pct == 100.0
    assert attempt.submitted_at == T0 + timedelta(minutes=9)
    _graded_once(attempt)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == 5


def deadline_jobs(user_id: int, attempt_id: int, late):
    """What may close a timed attempt after its deadline, at once: the learner's submit, the
    learner opening it (refresh), and the cron job."""
    return [
        lambda: exam_service.submit(_learner(user_id), attempt_id, late),
        lambda: exam_service.open_exam(_learner(user_id), attempt_id, late),
        lambda: exam_service.close_expired(late),
    ]


def test_submit_refresh_and_cron_racing_at_the_deadline_grade_once(app, learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    _answer_everything(user, attempt, T0 + timedelta(minutes=5))
    user_id, attempt_id, late = user.id, attempt.id, attempt.deadline_at + timedelta(minutes=1)
    outcomes = _concurrently(app, deadline_jobs(user_id, attempt_id, late) * 2)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(o for o in outcomes if isinstance(o, int)) <= 1  # the cron job closed it at most once
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.auto_submitted and attempt.submitted_at == attempt.deadline_at
    _graded_once(attempt)
    assert exam_service.close_expired(late + timedelta(hours=1)) == 0  # never again


def test_answers_saved_while_the_exam_is_submitted_are_graded_or_refused(app, learning_bank):
    """Four learners' tabs keep changing their answers while a fifth submits: every save that was
    acknowledged is in the graded result, and nothing is stored after the grading."""
    from study.grading.mcq import grade_mcq

    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    mcq_items = [ai for ai in attempt.items if attempt_service.version_item(ai).type == "mcq"]
    choices = {ai.position: [_right_letters(ai), [_wrong_letter(ai)]] for ai in mcq_items}
    user_id, attempt_id, when = user.id, attempt.id, T0 + timedelta(minutes=5)
    acknowledged: dict[int, list[str]] = {}
    started = threading.Barrier(len(choices) + 1)

    def saver(position):
        def job():
            learner = _learner(user_id)
            # keep saving until the submission refuses a save: however slow the machine, every tab
            # saves across the submission (a fixed count of saves could all finish before it)
            for i in range(100_000):
                letters = choices[position][i % 2]
                try:
                    exam_service.save_answer(learner, attempt_id, position, when, letters=letters)
                except Conflict:
                    return "refused"
                acknowledged[position] = letters
                if i == 2:
                    started.wait()
            return "done"

        return job

    def submitter():
        started.wait()  # every tab has saved a few answers
        return exam_service.submit(_learner(user_id), attempt_id, when)

    outcomes = _concurrently(app, [saver(p) for p in choices] + [submitter])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert "refused" in outcomes  # the saves did overlap the submission
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "submitted"
    for ai in mcq_items:
        response = ai.response
        assert response is not None
        shown = attempt_service.to_shown(ai, attempt_service.version_item(ai), response.answer["selected"])
        assert shown == acknowledged[ai.position], "an acknowledged answer is not the one graded"
        graded = grade_mcq(attempt_service.version_item(ai), response.answer["selected"])
        assert response.correct is graded.correct, "the stored answer was changed (or stored) after grading"
    _graded_once(attempt)
    assert attempt.answered_count == len(mcq_items)
    # nothing more is accepted
    with pytest.raises(Conflict):
        exam_service.save_answer(_learner(user_id), attempt_id, 1, when, letters=["A"])
    with pytest.raises(Conflict):
        exam_service.set_flag(_learner(user_id), attempt_id, 1, True, when)
    with pytest.raises(Conflict):
        exam_service.clear_answer(_learner(user_id), attempt_id, 1, when)


def test_practice_answers_racing_the_end_of_the_set_are_counted_or_refused(app, learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=8), T0)
    letters = {ai.position: _right_letters(ai) for ai in attempt.items}
    user_id, attempt_id = user.id, attempt.id

    def answer(position):
        return lambda: practice.answer(_learner(user_id), attempt_id, position, letters[position], 5, T0)

    jobs = [answer(p) for p in sorted(letters)[:6]] + [lambda: practice.end_early(_learner(user_id), attempt_id, T0)]
    outcomes = _concurrently(app, jobs)
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, Conflict)], outcomes
    acknowledged = sum(1 for o in outcomes[:6] if isinstance(o, practice.Feedback))
    attempt = db.session.get(Attempt, attempt_id)
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert stored == acknowledged == attempt.answered_count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == acknowledged


def test_simultaneous_starts_of_one_case_open_one_attempt(app, learning_bank):
    user = make_user()
    key = db.session.scalar(sa.select(Item.key).where(Item.type == "case", Item.setting == "professional"))
    user_id = user.id
    outcomes = _concurrently(app, [lambda: case_service.start_case(_learner(user_id), key, T0).id] * 6)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len(set(outcomes)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
    assert db.session.get(Attempt, outcomes[0]).open_key == f"case:{key}"


def test_a_manual_submit_is_stamped_no_later_than_the_deadline(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    exam_service.submit(user, attempt.id, attempt.deadline_at + timedelta(seconds=5))  # within the network tolerance
    db.session.refresh(attempt)
    assert attempt.submitted_at == attempt.deadline_at and not attempt.auto_submitted
    other = make_user()
    on_time = exam_service.start_exam(other, "CPC", T0)
    assert exam_service.submit(other, on_time.id, T0 + timedelta(minutes=3)).submitted_at == T0 + timedelta(minutes=3)


# ------------------------------------------------------------------ the learner's open exam keeps its keys
def test_practice_review_and_cases_keep_away_from_the_items_of_an_open_exam(learning_bank):
    user = make_user()
    # before the exam: every question missed once (all of them "missed" and due for review), a set
    # started and left unanswered, and an attempt at the professional case submitted with its key shown
    missed = practice.start_practice(user, _choice(size=9), T0)
    for ai in missed.items:
        practice.answer(user, missed.id, ai.position, [_wrong_letter(ai)], 10, T0)
    early = practice.start_practice(user, _choice(size=9), T0)
    case_key = db.session.scalar(sa.select(Item.key).where(Item.type == "case", Item.setting == "professional"))
    old_case = case_service.start_case(user, case_key, T0)
    case_service.submit_case(user, old_case.id, {"diagnoses": ["R52"]}, T0)
    open_case = case_service.start_case(user, case_key, T0)

    exam = exam_service.start_exam(user, "CPC", T0 + timedelta(hours=1))
    locked = {ai.item_id for ai in exam.items}
    during = T0 + timedelta(hours=1, minutes=10)
    assert db.session.get(Item, next(ai.item_id for ai in exam.items if ai.section_key == "cases")).key == case_key
    for mode in ("all", "missed", "due"):
        served = practice.start_practice(user, _choice(size=100, mode=mode), during)
        assert not {ai.item_id for ai in served.items} & locked, mode
    assert practice.due_count(user, during) == 9 - 4
    # the set started before the exam gives neither feedback nor keys on them, answered or not
    for ai in early.items:
        if ai.item_id in locked:
            with pytest.raises(Conflict, match="whose answers are not released yet"):
                practice.answer(user, early.id, ai.position, _right_letters(ai), 10, during)
    for ai in missed.items:
        if ai.item_id in locked:
            with pytest.raises(Conflict, match="whose answers are not released yet"):
                practice.answer(user, missed.id, ai.position, _right_letters(ai), 10, during)
    # case practice: no new attempt, no grading of the open one
    with pytest.raises(Conflict, match="whose answers are not released yet"):
        case_service.start_case(user, case_key, during)
    with pytest.raises(Conflict, match="whose answers are not released yet"):
        case_service.submit_case(user, open_case.id, {"diagnoses": ["R52"]}, during)
    # nothing new stored: the 4 missed answers and the old case attempt from before the exam
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.item_id.in_(locked))) == 5

    exam_service.submit(user, exam.id, during)
    after = during + timedelta(minutes=1)
    served = practice.start_practice(user, _choice(size=100), after)
    assert locked - {exam_case.item_id for exam_case in exam.items if exam_case.section_key == "cases"} <= {
        ai.item_id for ai in served.items
    }
    ai = next(a for a in early.items if a.item_id in locked)
    assert practice.answer(user, early.id, ai.position, _right_letters(ai), 10, after).correct
    assert case_service.submit_case(user, open_case.id, {"diagnoses": ["R52"]}, after).score_pct < 100


def test_an_exam_past_its_deadline_no_longer_locks_its_items(learning_bank):
    user = make_user()
    exam = exam_service.start_exam(user, "CPC", T0)
    locked = {ai.item_id for ai in exam.items}
    over = exam.deadline_at + exam_service.TOLERANCE + timedelta(seconds=1)
    served = practice.start_practice(user, _choice(size=100), over)
    assert locked & {ai.item_id for ai in served.items}


# ------------------------------------------------------------------ one grading rule at every entry point
# case-pro-0003 scores S52.501A (1), its sequencing (1), 25600 (1) and its modifier RT (0.5)
FULL_CASE = {"diagnoses": ["S52.501A"], "procedures": ["25600-RT"], "pcs": []}  # 100%
MOSTLY_CASE = {"diagnoses": ["S52.501A"], "procedures": ["25600"], "pcs": []}  # the modifier left out: 85.7%
WEAK_CASE = {"diagnoses": ["S52.501A"], "procedures": [], "pcs": []}  # 57.1%


def _rating(user, item_id):
    return db.session.scalar(sa.select(ReviewLog.rating).where(ReviewLog.user_id == user.id, ReviewLog.item_id == item_id))


def _case_in_practice(lists, when=T0):
    user = make_user()
    attempt = case_service.start_case(user, "case-pro-0003", when)
    case_service.submit_case(user, attempt.id, lists, when, seconds=60)
    db.session.refresh(attempt)
    return user, attempt, attempt.items[0]


def _case_in_an_exam(lists, when=T0):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", when)
    ai = next(ai for ai in attempt.items if ai.section_key == "cases")
    exam_service.save_answer(user, attempt.id, ai.position, when + timedelta(minutes=1), case=lists)
    exam_service.submit(user, attempt.id, when + timedelta(minutes=2))
    db.session.refresh(attempt)
    return user, attempt, next(ai for ai in attempt.items if ai.section_key == "cases")


@pytest.mark.parametrize("entry", [_case_in_practice, _case_in_an_exam], ids=["case-practice", "exam"])
@pytest.mark.parametrize(
    "lists, score, rating",
    [(FULL_CASE, 1.0, 3), (MOSTLY_CASE, 0.857, 2), (WEAK_CASE, 0.571, 1)],
    ids=["full-marks-good", "86-percent-hard", "57-percent-again"],
)
def test_a_case_answer_rates_by_one_rule_in_case_practice_and_in_exams(learning_bank, entry, lists, score, rating):
    """scheduling.rating_for: full marks Good, 80% or more Hard, below Again. Cases used to rate
    80% as a right answer (Good) and exams anything under 100% as a wrong one (Again)."""
    user, _, ai = entry(lists)
    assert ai.response.score == pytest.approx(score)
    assert ai.response.correct is (score == 1.0)
    assert _rating(user, ai.item_id) == rating


def test_practice_answers_rate_by_the_same_rule(learning_bank):
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=2), T0)
    right, wrong = attempt.items
    practice.answer(user, attempt.id, 1, _right_letters(right), 30, T0)
    practice.answer(user, attempt.id, 2, [_wrong_letter(wrong)], 30, T0)
    assert (_rating(user, right.item_id), _rating(user, wrong.item_id)) == (3, 1)


PADDED_CASE = {"diagnoses": ["", *[" "] * 30, " S52.501A "], "procedures": ["", "25600-RT", "  "], "pcs": [""]}


@pytest.mark.parametrize("entry", [_case_in_practice, _case_in_an_exam], ids=["case-practice", "exam"])
def test_blank_rows_of_a_case_answer_are_dropped_before_it_is_stored_and_graded(learning_bank, entry):
    """One normalization (grading.answers.clean_case_answer): an exam used to store blank rows, and
    cut the list at 30 rows before dropping them, so a code after 30 blank rows was lost."""
    _, attempt, ai = entry(PADDED_CASE)
    assert ai.response.answer == FULL_CASE
    assert ai.response.score == 1.0 and attempt.score_pct == (100.0 if attempt.kind == "case" else 20.0)


def test_one_attempt_score_for_every_kind_of_attempt(learning_bank):
    from study.services.grading import attempt_score

    _, case_attempt, _ = _case_in_practice(MOSTLY_CASE)
    assert case_attempt.score_pct == attempt_score(case_attempt) == 85.7
    _, exam, _ = _case_in_an_exam(MOSTLY_CASE)
    assert exam.score_pct == attempt_score(exam) == 17.1  # 0.857 of 1 item out of 5
    user = make_user()
    attempt = practice.start_practice(user, _choice(size=3), T0)
    practice.answer(user, attempt.id, 1, _right_letters(attempt.items[0]), 30, T0)
    practice.end_early(user, attempt.id, T0)
    db.session.refresh(attempt)
    assert attempt.score_pct == attempt_score(attempt) == 33.3


def test_close_expired_leaves_finished_exams_alone(learning_bank, monkeypatch):
    """Only open exams are closed: a submitted one past its deadline is not even tried again."""
    user = make_user()
    done = exam_service.start_exam(user, "CPC", T0)
    exam_service.save_answer(user, done.id, 1, T0 + timedelta(minutes=1), letters=_right_letters(done.items[0]))
    exam_service.submit(user, done.id, T0 + timedelta(minutes=2))
    db.session.refresh(done)
    before = (done.status, done.submitted_at, done.auto_submitted, done.score_pct)
    expired = exam_service.start_exam(make_user(), "CPC", T0)
    tried = []
    close_and_grade = exam_service._close_and_grade

    def spy(attempt, when, *, auto):
        tried.append(attempt.id)
        return close_and_grade(attempt, when, auto=auto)

    monkeypatch.setattr(exam_service, "_close_and_grade", spy)
    assert exam_service.close_expired(T0 + timedelta(hours=3)) == 1
    assert tried == [expired.id]
    db.session.expire_all()
    done = db.session.get(Attempt, done.id)
    assert (done.status, done.submitted_at, done.auto_submitted, done.score_pct) == before
    assert db.session.get(Attempt, expired.id).auto_submitted
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1  # graded once


def test_a_small_tolerance_closes_an_exam_sooner(learning_bank):
    user = make_user()
    attempt = exam_service.start_exam(user, "CPC", T0)
    just_after = attempt.deadline_at + timedelta(seconds=2)
    exam_service.save_answer(user, attempt.id, 1, just_after, letters=_right_letters(attempt.items[0]))  # default: 10 s
    with pytest.raises(Conflict, match="Time is up"):
        exam_service.save_answer(user, attempt.id, 2, just_after, letters=["A"], tolerance=timedelta(seconds=1))
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.submitted_at == attempt.deadline_at
    other = exam_service.start_exam(make_user(), "CPC", T0)
    assert exam_service.close_expired(just_after, tolerance=timedelta(seconds=1)) == 1
    assert db.session.get(Attempt, other.id).status == "submitted"
