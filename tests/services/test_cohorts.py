"""Cohorts and assignments: join codes, ownership, assignment validation, starting through the
existing services, completion, scores, lateness, extra time, the cohort dashboard and CSV."""

import csv
import io
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from study.extensions import db
from study.models import Attempt, CohortMember, Item, User
from study.services import Conflict, Forbidden, NotFound, ServiceError, assignments, cohort_results, cohorts, practice
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import exams as exam_service
from tests.factories import make_user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.fixture
def teacher(app):
    return make_user("instructor")


def _spec(**kw):
    base = dict(kind="practice", title="Week 1", opens_at=T0, due_at=T0 + DAY)
    base.update(kw)
    return assignments.AssignmentSpec(**base)


def _answer_all(user, attempt, right=True):
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        letters = (
            attempt_service.to_shown(ai, item, list(item.answer))
            if right
            else [o.letter for o in attempt_service.shown_options(ai, item) if o.original not in item.answer][:1]
        )
        practice.answer(user, attempt.id, ai.position, letters, 20, T0)


def test_join_codes_are_unguessable_unique_and_without_look_alikes(teacher):
    codes = {cohorts.create_cohort(teacher, f"Class {i}", None).join_code for i in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 8 and set(code) <= set(cohorts.JOIN_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_learner_joins_with_a_code_in_any_case_and_spacing(teacher):
    cohort = cohorts.create_cohort(teacher, "Evening CPC", None)
    learner = make_user()
    messy = f" {cohort.join_code[:4].lower()}-{cohort.join_code[4:]} "
    assert cohorts.join_cohort(learner, messy).id == cohort.id
    assert cohorts.join_cohort(learner, cohort.join_code).id == cohort.id  # twice: still one membership
    assert db.session.scalar(db.select(db.func.count()).select_from(CohortMember)) == 1
    with pytest.raises(cohorts.FieldError) as bad:
        cohorts.join_cohort(learner, "ZZZZZZZZ")
    assert bad.value.field == "code"


def test_instructors_see_only_their_own_cohorts_admins_see_all(teacher):
    other = make_user("instructor")
    mine = cohorts.create_cohort(teacher, "Mine", None)
    theirs = cohorts.create_cohort(other, "Theirs", None)
    assert [c.id for c in cohorts.list_cohorts(teacher)] == [mine.id]
    assert {c.id for c in cohorts.list_cohorts(make_user("admin"))} == {mine.id, theirs.id}
    with pytest.raises(Forbidden):
        cohorts.get_cohort(teacher, theirs.id)
    with pytest.raises(Forbidden):
        assignments.create_assignment(teacher, theirs.id, _spec(items=["learn-icd-001"]))
    with pytest.raises(Forbidden):
        cohort_results.cohort_dashboard(teacher, theirs.id, T0)
    with pytest.raises(Forbidden):
        cohort_results.results_csv(teacher, theirs.id, T0)
    with pytest.raises(NotFound):
        cohorts.get_cohort(teacher, 999999)


def test_assignment_validation(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    cases = [
        (_spec(due_at=T0), "due_at"),
        (_spec(due_at=T0 - DAY), "due_at"),
        (_spec(title=" "), "title"),
        (_spec(items=["learn-icd-001", "no-such-item"]), "items"),
        (_spec(items=["case-ip-0001"]), "items"),  # a case is not a practice question
        (_spec(kind="cases", items=[]), "items"),
        (_spec(kind="cases", items=["learn-icd-001"]), "items"),
        (_spec(topics=["modifiers"]), "topics"),  # the rule matches nothing
        (_spec(size=0, topics=["icd-10-cm"]), "size"),
        (_spec(kind="exam", exam="NOPE"), "exam"),
        (_spec(kind="quiz"), "kind"),
    ]
    for spec, field in cases:
        with pytest.raises(cohorts.FieldError) as bad:
            assignments.create_assignment(teacher, cohort.id, spec)
        assert bad.value.field == field, spec
    assert cohort.assignments == []
    ok = assignments.create_assignment(teacher, cohort.id, _spec(topics=["icd-10-cm"], size=3, difficulty="easy"))
    assert ok.config == {"exam": "CPC", "topics": ["icd-10-cm"], "difficulties": ["easy"], "size": 3}


def test_practice_assignment_with_chosen_items_from_start_to_score(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    keys = ["learn-icd-001", "learn-icd-002", "learn-icd-003"]
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(items=keys))
    learner, outsider = make_user(), make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    with pytest.raises(NotFound):
        assignments.start_assignment(outsider, assignment.id, T0)
    with pytest.raises(Conflict):
        assignments.start_assignment(learner, assignment.id, T0 - timedelta(hours=1))  # not open yet
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert attempt.assignment_id == assignment.id and attempt.kind == "practice"
    served = {db.session.get(Item, ai.item_id).key for ai in attempt.items}
    assert served == set(keys)
    assert assignments.start_assignment(learner, assignment.id, T0).id == attempt.id  # resumed, not doubled
    [row] = assignments.assignments_for(learner, T0)
    assert row.state == "open" and row.result.status == "in progress"
    _answer_all(learner, attempt)
    [row] = assignments.assignments_for(learner, T0)
    assert row.state == "done" and row.result.score == 100.0 and not row.result.late
    assert assignments.assignments_for(outsider, T0) == []


def test_rule_practice_and_late_work(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(topics=["icd-10-cm"], size=4))
    learner = make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    late_time = T0 + 2 * DAY
    [row] = assignments.assignments_for(learner, late_time)
    assert row.overdue and row.state == "open"
    attempt = assignments.start_assignment(learner, assignment.id, late_time)
    assert len(attempt.items) == 4
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        practice.answer(learner, attempt.id, ai.position, attempt_service.to_shown(ai, item, list(item.answer)), 10, late_time)
    [row] = assignments.assignments_for(learner, late_time)
    assert row.result.done and row.result.late and row.result.submitted_at == late_time


def test_an_on_time_submission_beats_a_better_late_one(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    assignment = assignments.create_assignment(
        teacher, cohort.id, _spec(items=["learn-icd-001", "learn-icd-002"], max_attempts=None, counts="best", feedback="each")
    )
    learner = make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    first = assignments.start_assignment(learner, assignment.id, T0)
    practice.end_early(learner, first.id, T0 + timedelta(hours=1))  # on time, 0%
    second = assignments.start_assignment(learner, assignment.id, T0 + 2 * DAY)
    assert second.id != first.id
    for ai in second.items:
        item = attempt_service.version_item(ai)
        practice.answer(learner, second.id, ai.position, attempt_service.to_shown(ai, item, list(item.answer)), 10, T0 + 2 * DAY)
    [row] = assignments.assignments_for(learner, T0 + 2 * DAY)
    assert row.result.score == 0.0 and not row.result.late


def test_exam_assignment_uses_the_extra_time_set_by_the_instructor(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(kind="exam", exam=None))
    assert assignment.config == {"exam": "CPC"}  # the cohort's exam
    learner, stranger = make_user(), make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    for bad in (0.5, 3.5, None):
        with pytest.raises(cohorts.FieldError):
            cohorts.set_extra_time(teacher, cohort.id, learner.id, bad)
    assert cohorts.extra_time(cohort.id, learner.id) == 1.0
    with pytest.raises(NotFound):
        cohorts.set_extra_time(teacher, cohort.id, stranger.id, 1.5)
    with pytest.raises(Forbidden):
        cohorts.set_extra_time(make_user("instructor"), cohort.id, learner.id, 1.5)
    cohorts.set_extra_time(teacher, cohort.id, learner.id, 1.5)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    assert attempt.kind == "exam" and attempt.assignment_id == assignment.id
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=60 * 1.5)
    exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=5))
    [row] = assignments.assignments_for(learner, T0 + timedelta(minutes=5))
    assert row.result.done and row.result.score == 0.0


def test_extra_time_applies_only_in_the_cohort_that_set_it(teacher, learning_bank):
    """An accommodation set by one instructor used to follow the learner into every cohort."""
    generous = cohorts.create_cohort(teacher, "Generous", "CPC")
    other_teacher = make_user("instructor")
    strict = cohorts.create_cohort(other_teacher, "Strict", "CPC")
    learner = make_user()
    cohorts.join_cohort(learner, generous.join_code)
    cohorts.join_cohort(learner, strict.join_code)
    cohorts.set_extra_time(teacher, generous.id, learner.id, 2.0)
    theirs = assignments.create_assignment(other_teacher, strict.id, _spec(kind="exam", exam=None))
    attempt = assignments.start_assignment(learner, theirs.id, T0)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=60)
    assert cohorts.extra_time(strict.id, learner.id) == 1.0 and cohorts.extra_time(generous.id, learner.id) == 2.0


def test_case_set_is_done_when_every_case_is_submitted(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "Cases", None)
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(kind="cases", items=["case-ip-0001", "case-pro-0003"]))
    learner = make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    with pytest.raises(NotFound):
        assignments.start_assignment(learner, assignment.id, T0, case_key="learn-icd-001")
    first = assignments.start_assignment(learner, assignment.id, T0, case_key="case-ip-0001")
    assert first.kind == "case" and first.assignment_id == assignment.id
    case_service.submit_case(learner, first.id, {"diagnoses": ["I10"]}, T0)
    [row] = assignments.assignments_for(learner, T0)
    assert row.result.status == "in progress" and row.case_status("case-ip-0001") == "done"
    second = assignments.start_assignment(learner, assignment.id, T0 + 2 * DAY, case_key="case-pro-0003")
    case_service.submit_case(learner, second.id, {"diagnoses": ["I10"]}, T0 + 2 * DAY)
    [row] = assignments.assignments_for(learner, T0 + 2 * DAY)
    expected = round((first.score_pct + second.score_pct) / 2, 1)
    assert row.result.done and row.result.late and row.result.score == expected


def test_dashboard_heatmap_readiness_completion_and_csv(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(title="=cmd|' /C calc'!A0", topics=["icd-10-cm"], size=8))
    strong, idle, private = make_user(display_name="Ann"), make_user(display_name="Bob"), make_user(display_name="Cy")
    for u in (strong, idle):
        cohorts.join_cohort(u, cohort.join_code, share_progress=True)
    cohorts.join_cohort(private, cohort.join_code)  # keeps their general progress to themselves
    attempt = assignments.start_assignment(strong, assignment.id, T0)
    _answer_all(strong, attempt)
    board = cohort_results.cohort_dashboard(teacher, cohort.id, T0)
    assert [u.name for u in board.learners] == ["Ann", "Bob", "Cy"]
    assert board.sections == ["ICD-10-CM", "Modifiers", "Coding cases"]
    ann, bob, cy = board.heat
    assert ann.cells[0].accuracy == 100.0 and ann.cells[0].answers == 8
    assert bob.cells[0].accuracy is None
    # general progress only of those who agreed: no cells, no verdict counted
    assert (cy.shared, cy.cells, cy.verdict, cy.predicted) == (False, [], cohort_results.NOT_SHARED, None)
    assert sum(board.readiness.values()) == 2 and board.readiness["not enough evidence"] >= 1
    [summary] = board.summaries
    assert (summary.done, summary.learners, summary.mean_score, summary.late) == (1, 3, 100.0, 0)
    rows = list(csv.reader(io.StringIO(cohort_results.results_csv(teacher, cohort.id, T0 + 2 * DAY))))
    assert rows[0] == cohort_results.CSV_HEADER
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Ann"][2].startswith("'=")  # no formula injection in spreadsheets
    assert by_name["Ann"][4:] == ["", "1", "submitted", "100.0", T0.isoformat(), "no", "yes"]
    assert by_name["Bob"][4:] == ["", "", "not started (overdue)", "", "", "no", "no"]
    assert by_name["Cy"][4:] == ["", "", "not started (overdue)", "", "", "no", "no"]  # assignments: always seen


def test_attempt_row_keeps_assignment_after_practice_service_returns(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(items=["learn-icd-004"]))
    learner = make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    attempt_id = assignments.start_assignment(learner, assignment.id, T0).id
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).assignment_id == assignment.id


# ------------------------------------------------------------------ races (real threads, real database)
def race(app, n, work):
    """Run work() in n threads at once, each in an app context (and so a database session) of its
    own; every thread's first flush waits until all n threads reach theirs, so each one has read
    the database before any of them writes (the window of a check-then-insert race, held open).
    Returns (results, errors)."""
    start, first_flush = threading.Barrier(n), threading.Barrier(n, timeout=5)
    local = threading.local()
    results, errors = [], []

    def hold(session, flush_context, instances):
        if getattr(local, "racing", False):
            local.racing = False
            try:
                first_flush.wait()
            except threading.BrokenBarrierError:  # a thread that never flushes: nothing to hold
                pass

    def run():
        with app.app_context():
            try:
                start.wait()
                local.racing = True
                results.append(work())
            except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
                errors.append(exc)
            finally:
                local.racing = False
                db.session.remove()

    sa.event.listen(Session, "before_flush", hold)
    try:
        threads = [threading.Thread(target=run) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sa.event.remove(Session, "before_flush", hold)
    return results, errors


def test_simultaneous_joins_with_one_code_make_one_membership_and_no_error(app, teacher):
    """Eight joins of one learner at once raised IntegrityError (a 500) for all but one."""
    cohort = cohorts.create_cohort(teacher, "Race", None)
    learner_id, code = make_user().id, cohort.join_code

    def join():
        return cohorts.join_cohort(db.session.get(User, learner_id), code).id

    results, errors = race(app, 8, join)
    assert errors == []
    assert results == [cohort.id] * 8
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(CohortMember)) == 1


def _cohort_with(teacher, learner, **spec):
    cohort = cohorts.create_cohort(teacher, "Policy", "CPC")
    cohorts.join_cohort(learner, cohort.join_code)
    return assignments.create_assignment(teacher, cohort.id, _spec(**spec))


@pytest.mark.parametrize("kind", ["practice", "exam"])
def test_simultaneous_starts_of_one_assignment_open_one_attempt(app, teacher, learning_bank, kind):
    """Eight simultaneous starts of one exam assignment created eight open attempts."""
    learner = make_user()
    spec = {"kind": "exam", "exam": None} if kind == "exam" else {"topics": ["icd-10-cm"], "size": 3}
    assignment_id, learner_id = _cohort_with(teacher, learner, **spec).id, learner.id

    def start():
        return assignments.start_assignment(db.session.get(User, learner_id), assignment_id, T0).id

    results, errors = race(app, 8, start)
    assert errors == []
    db.session.expire_all()
    opened = db.session.scalars(db.select(Attempt).where(Attempt.user_id == learner_id)).all()
    assert len(opened) == 1
    assert set(results) == {opened[0].id}
    assert opened[0].assignment_id == assignment_id and opened[0].open_key == f"assignment:{assignment_id}"


def test_simultaneous_starts_of_one_case_of_a_case_set_open_one_attempt(app, teacher, learning_bank):
    learner = make_user()
    assignment_id, learner_id = _cohort_with(teacher, learner, kind="cases", items=["case-pro-0003"]).id, learner.id

    def start():
        return assignments.start_assignment(db.session.get(User, learner_id), assignment_id, T0, case_key="case-pro-0003").id

    results, errors = race(app, 8, start)
    assert errors == []
    db.session.expire_all()
    [attempt] = db.session.scalars(db.select(Attempt).where(Attempt.user_id == learner_id)).all()
    assert set(results) == {attempt.id} and attempt.open_key == f"assignment:{assignment_id}:case:case-pro-0003"


def test_start_is_one_transaction_and_submitting_releases_the_open_key(teacher, learning_bank):
    learner = make_user()
    assignment = _cohort_with(teacher, learner, items=["learn-icd-001"], max_attempts=2)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    db.session.rollback()  # nothing left uncommitted: the attempt, its binding and its key were committed together
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.assignment_id, attempt.open_key) == (assignment.id, f"assignment:{assignment.id}")
    _answer_all(learner, attempt)
    assert attempt.status == "submitted" and attempt.open_key is None
    again = assignments.start_assignment(learner, assignment.id, T0 + timedelta(hours=1))
    assert again.id != attempt.id and again.open_key == f"assignment:{assignment.id}"


def test_a_restart_after_a_zero_is_refused_by_default(teacher, learning_bank):
    """A 0% practice assignment was restarted with the same items and scored 100%."""
    learner = make_user()
    assignment = _cohort_with(teacher, learner, items=["learn-icd-001", "learn-icd-002"])
    assert (assignment.max_attempts, assignment.feedback, assignment.counts, assignment.retake_fresh) == (1, "attempt", "first", False)
    first = assignments.start_assignment(learner, assignment.id, T0)
    _answer_all(learner, first, right=False)
    with pytest.raises(Conflict, match="used your 1 attempt"):
        assignments.start_assignment(learner, assignment.id, T0 + timedelta(minutes=5))
    [row] = assignments.assignments_for(learner, T0)
    assert row.result.score == 0.0 and not row.can_start()


def test_case_sets_limit_attempts_per_case(teacher, learning_bank):
    """A case assignment showed its key, and pasting it back scored 100%."""
    learner = make_user()
    assignment = _cohort_with(teacher, learner, kind="cases", items=["case-pro-0003", "case-ip-0001"])
    first = assignments.start_assignment(learner, assignment.id, T0, case_key="case-pro-0003")
    case_service.submit_case(learner, first.id, {"diagnoses": ["R52"]}, T0)
    with pytest.raises(Conflict, match="case case-pro-0003"):
        assignments.start_assignment(learner, assignment.id, T0, case_key="case-pro-0003")
    other = assignments.start_assignment(learner, assignment.id, T0, case_key="case-ip-0001")
    assert other.id != first.id
    # practising the same case alone would show its key while the assignment's attempt is open
    with pytest.raises(Conflict, match="not released yet"):
        case_service.start_case(learner, "case-ip-0001", T0)
    case_service.submit_case(learner, other.id, {"diagnoses": ["R52"]}, T0)
    # once the assignment's attempt has ended (keys released at the end), self-practice is its own attempt
    own = case_service.start_case(learner, "case-ip-0001", T0)
    assert own.id != other.id and own.assignment_id is None


@pytest.mark.parametrize("counts, expected", [("first", 0.0), ("last", 50.0), ("best", 100.0)])
def test_which_attempt_counts(teacher, learning_bank, counts, expected):
    learner = make_user()
    assignment = _cohort_with(teacher, learner, items=["learn-icd-001", "learn-icd-002"], max_attempts=3, counts=counts)
    marks = [(False, False), (True, True), (True, False)]  # 0%, 100%, 50%
    for n, (one, two) in enumerate(marks):
        attempt = assignments.start_assignment(learner, assignment.id, T0 + n * timedelta(hours=1))
        for ai, right in zip(attempt.items, (one, two), strict=False):
            item = attempt_service.version_item(ai)
            letters = (
                attempt_service.to_shown(ai, item, list(item.answer))
                if right
                else [o.letter for o in attempt_service.shown_options(ai, item) if o.original not in item.answer][:1]
            )
            practice.answer(learner, attempt.id, ai.position, letters, 5, T0 + n * timedelta(hours=1))
    [row] = assignments.assignments_for(learner, T0 + 3 * timedelta(hours=1))
    assert row.result.score == expected
    assert len(row.result.attempts) == 3 and len(row.result.counted) == 1
    with pytest.raises(Conflict):
        assignments.start_assignment(learner, assignment.id, T0 + 4 * timedelta(hours=1))


def test_late_is_judged_by_submission_time(teacher, learning_bank):
    learner = make_user()
    assignment = _cohort_with(teacher, learner, items=["learn-icd-001"])
    attempt = assignments.start_assignment(learner, assignment.id, T0 + DAY - timedelta(minutes=5))  # started in time
    practice.end_early(learner, attempt.id, T0 + DAY + timedelta(minutes=5))  # submitted after the due date
    [row] = assignments.assignments_for(learner, T0 + 2 * DAY)
    assert row.result.done and row.result.late


def test_a_fresh_retake_draws_other_questions_when_the_pool_allows(teacher, learning_bank):
    learner = make_user()
    assignment = _cohort_with(teacher, learner, topics=["icd-10-cm"], size=4, max_attempts=3, retake_fresh=True)
    first = assignments.start_assignment(learner, assignment.id, T0)
    practice.end_early(learner, first.id, T0)
    second = assignments.start_assignment(learner, assignment.id, T0 + timedelta(minutes=1))
    practice.end_early(learner, second.id, T0 + timedelta(minutes=1))
    seen = {ai.item_id for ai in first.items}
    assert not seen & {ai.item_id for ai in second.items}
    # nine questions in the pool: the third draw has one fresh question and tops up with seen ones
    third = assignments.start_assignment(learner, assignment.id, T0 + timedelta(minutes=2))
    fresh = {ai.item_id for ai in third.items} - seen - {ai.item_id for ai in second.items}
    assert len(third.items) == 4 and len(fresh) == 1


def test_a_fresh_exam_retake_draws_earlier_items_last(teacher, learning_bank):
    learner = make_user()
    assignment = _cohort_with(teacher, learner, kind="exam", exam=None, max_attempts=2, retake_fresh=True)
    first = assignments.start_assignment(learner, assignment.id, T0)
    exam_service.submit(learner, first.id, T0 + timedelta(minutes=1))
    second = assignments.start_assignment(learner, assignment.id, T0 + timedelta(minutes=2))
    icd = lambda a: {ai.item_id for ai in a.items if ai.section_key == "icd-10-cm"}  # noqa: E731
    assert len(icd(second)) == 4 and not icd(first) & icd(second)


def test_policy_fields_are_validated(teacher, learning_bank):
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    for spec, field in [
        (_spec(topics=["icd-10-cm"], max_attempts=0), "max_attempts"),
        (_spec(topics=["icd-10-cm"], max_attempts=assignments.MAX_ATTEMPTS + 1), "max_attempts"),
        (_spec(topics=["icd-10-cm"], feedback="never"), "feedback"),
        (_spec(topics=["icd-10-cm"], counts="average"), "counts"),
        (_spec(items=["learn-icd-001"], retake_fresh=True), "retake_fresh"),
        (_spec(kind="cases", items=["case-pro-0003"], retake_fresh=True), "retake_fresh"),
    ]:
        with pytest.raises(cohorts.FieldError) as bad:
            assignments.create_assignment(teacher, cohort.id, spec)
        assert bad.value.field == field
    assert cohort.assignments == []
    unlimited = assignments.create_assignment(teacher, cohort.id, _spec(topics=["icd-10-cm"], max_attempts=None, counts="best"))
    assert unlimited.max_attempts is None and unlimited.counts == "best"


def test_deferred_practice_records_answers_and_grades_them_when_the_set_ends(teacher, learning_bank):
    """With feedback after the attempt, nothing about correctness exists while the set is open: not
    on the response, not in review cards, not in the progress rollups."""
    from study.models import AnswerRollup, Response, ReviewCard

    learner = make_user()
    assignment = _cohort_with(teacher, learner, items=["learn-icd-001", "learn-icd-002"])
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    ai = attempt.items[0]
    item = attempt_service.version_item(ai)
    practice.answer(learner, attempt.id, 1, attempt_service.to_shown(ai, item, list(item.answer)), 5, T0)
    [response] = db.session.scalars(db.select(Response)).all()
    assert response.correct is None and response.score is None
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewCard)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerRollup)) == 0
    assert not assignments.keys_shown(attempt, T0)
    practice.end_early(learner, attempt.id, T0 + timedelta(minutes=1))
    db.session.refresh(response)
    assert response.correct is True and response.score == 1.0 and attempt.score_pct == 50.0
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewCard)) == 1
    assert assignments.keys_shown(attempt, T0 + timedelta(minutes=1))


def test_csv_has_one_row_per_attempt_and_says_which_counts(teacher, learning_bank):
    learner = make_user(display_name="Cy")
    assignment = _cohort_with(teacher, learner, kind="cases", items=["case-pro-0003", "case-ip-0001"], max_attempts=2, counts="last")
    for n in range(2):
        attempt = assignments.start_assignment(learner, assignment.id, T0 + n * DAY, case_key="case-pro-0003")
        case_service.submit_case(learner, attempt.id, {"diagnoses": ["S52.501A"] if n == 0 else ["R52"]}, T0 + n * DAY + timedelta(hours=1))
    assignments.start_assignment(learner, assignment.id, T0, case_key="case-ip-0001")  # open, not submitted
    rows = list(csv.reader(io.StringIO(cohort_results.results_csv(teacher, assignment.cohort_id, T0 + 3 * DAY))))[1:]
    first, second = db.session.scalars(db.select(Attempt).where(Attempt.config_json.contains("case-pro-0003")).order_by(Attempt.started_at))
    assert [r[4:] for r in rows] == [
        ["case-pro-0003", "1", "submitted", f"{first.score_pct:.1f}", (T0 + timedelta(hours=1)).isoformat(), "no", "no"],
        ["case-pro-0003", "2", "submitted", f"{second.score_pct:.1f}", (T0 + DAY + timedelta(hours=1)).isoformat(), "yes", "yes"],
        ["case-ip-0001", "1", "open", "", "", "no", "no"],
    ]
    board = cohort_results.cohort_dashboard(teacher, assignment.cohort_id, T0 + 3 * DAY)
    result = board.results[(assignment.id, learner.id)]
    assert [(r.case, r.number, r.counts) for r in cohort_results.attempt_rows(assignment, result)] == [
        ("case-pro-0003", 1, False),
        ("case-pro-0003", 2, True),
        ("case-ip-0001", 1, False),
    ]


FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def test_every_csv_cell_is_escaped_against_formulas(teacher, learning_bank):
    """The cohort CSV escaped names but not e-mails: every column goes through one helper now."""
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    for n, formula in enumerate(FORMULAS):
        learner = make_user(display_name=formula + " name", email=f"{formula}{n}@example.org")
        cohorts.join_cohort(learner, cohort.join_code)
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(title="-2+3 quiz", items=["learn-icd-001"]))
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    _answer_all(learner, attempt)
    rows = list(csv.reader(io.StringIO(cohort_results.results_csv(teacher, cohort.id, T0))))
    assert len(rows) == 1 + len(FORMULAS)
    for row in rows[1:]:
        assert len(row) == len(cohort_results.CSV_HEADER)
        for column, cell in zip(cohort_results.CSV_HEADER, row, strict=False):
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (column, cell)
    assert {r[1][:2] for r in rows[1:]} == {"'=", "'+", "'-", "'@", "'\t", "'\r"}
    for value in FORMULAS + ["-5", None, 3.5]:
        assert cohort_results.safe_cell(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_an_assignments_held_keys_do_not_leak_through_self_practice(teacher, learning_bank):
    """A practice assignment whose answers come after the due date: once submitted, its (missed)
    items came back in the learner's own missed/due practice with immediate keys before the due date."""
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    keys = ["learn-icd-001", "learn-icd-002"]
    assignment = assignments.create_assignment(teacher, cohort.id, _spec(items=keys, feedback="due", max_attempts=1))
    learner = make_user()
    cohorts.join_cohort(learner, cohort.join_code)
    earlier = practice.start_practice(learner, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 100, "all"), T0)
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    _answer_all(learner, attempt, right=False)  # its own items are answerable: its policy governs them
    assert db.session.get(Attempt, attempt.id).status == "submitted"
    held = set(db.session.scalars(sa.select(Item.id).where(Item.key.in_(keys))))
    for mode in ("all", "missed", "due"):
        try:
            served = practice.start_practice(learner, practice.PracticeChoice("CPC", [], None, 100, mode), T0 + timedelta(hours=1))
        except ServiceError:
            continue  # nothing to serve in this mode: nothing leaked either
        assert not {ai.item_id for ai in served.items} & held, mode
    # a set started before the assignment gives no feedback on those items until the due date
    position = next(ai.position for ai in earlier.items if ai.item_id in held)
    with pytest.raises(Conflict):
        practice.answer(learner, earlier.id, position, ["A"], 10, T0 + timedelta(hours=1))
    # after the due date the keys are released everywhere
    after = T0 + DAY + timedelta(minutes=1)
    missed = practice.start_practice(learner, practice.PracticeChoice("CPC", [], None, 100, "missed"), after)
    assert {ai.item_id for ai in missed.items} == held
    assert practice.answer(learner, earlier.id, position, ["A"], 10, after).created
