"""The cohort instructor's view of one learner (study/services/learner_work.py): the scope rule
(this cohort's assignments always; general progress and every other attempt only with the
learner's consent), NotFound for everyone else, and keys never shown before the learner's own
review shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from study.services import NotFound, assignments, cohort_results, cohorts, exams, learner_work, practice
from study.services import attempts as attempt_service
from tests.factories import T0, item_by_key, make_attempt, make_user

DAY = timedelta(days=1)


def _answer_all(user, attempt, now=T0):
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        practice.answer(user, attempt.id, ai.position, attempt_service.to_shown(ai, item, list(item.answer)), 20, now)


@pytest.fixture
def setting(learning_bank):
    """Ann's cohort with Lee in it; Lee's attempt at its assignment (answered) and a practice set of
    Lee's own (answered)."""
    ann, lee = make_user("instructor", display_name="Ann"), make_user(display_name="Lee")
    cohort = cohorts.create_cohort(ann, "Evening", "CPC")
    cohorts.join_cohort(lee, cohort.join_code)
    drill = assignments.create_assignment(
        ann, cohort.id, assignments.AssignmentSpec("practice", "Drill", T0 - DAY, T0 + DAY, items=["learn-icd-001"], feedback="due")
    )
    at_drill = assignments.start_assignment(lee, drill.id, T0)
    _answer_all(lee, at_drill)
    own = practice.start_practice(lee, practice.PracticeChoice("CPC", [], None, 2, "all"), T0)
    _answer_all(lee, own)
    return ann, lee, cohort, drill, at_drill, own


def test_without_consent_only_the_cohorts_assignments(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    work = learner_work.learner_work(ann, cohort.id, lee.id, None, T0)
    assert work.scope == learner_work.SCOPE_COHORT and not work.shared and work.board is None
    assert "attempts at this cohort's assignments only" in work.scope_text
    [row] = work.assignments
    assert row.assignment.id == drill.id and [r.attempt.id for r in row.rows] == [at_drill.id]
    assert learner_work.attempt_work(ann, cohort.id, lee.id, at_drill.id, T0).attempt.id == at_drill.id
    with pytest.raises(NotFound):
        learner_work.attempt_work(ann, cohort.id, lee.id, own.id, T0)  # their own practice: not shared


def test_consent_opens_general_progress_and_every_attempt_until_withdrawn(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    cohorts.set_sharing(lee, cohort.id, True)
    work = learner_work.learner_work(ann, cohort.id, lee.id, None, T0)
    assert work.scope == learner_work.SCOPE_ALL and work.board is not None and work.board.exam == "CPC"
    assert {a.id for a in work.board.history} >= {own.id, at_drill.id}
    other = next(name for name in work.board.exam_names if name != "CPC")
    assert learner_work.learner_work(ann, cohort.id, lee.id, other, T0).board.exam == other
    assert learner_work.learner_work(ann, cohort.id, lee.id, "nonsense", T0).board.exam == "CPC"
    review = learner_work.attempt_work(ann, cohort.id, lee.id, own.id, T0)
    assert review.keys_shown and len(review.review) == 2  # their own practice: keys shown to them, so to Ann
    cohorts.set_sharing(lee, cohort.id, False)
    assert learner_work.learner_work(ann, cohort.id, lee.id, None, T0).board is None
    with pytest.raises(NotFound):
        learner_work.attempt_work(ann, cohort.id, lee.id, own.id, T0)


def test_everyone_else_gets_not_found(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    cohorts.set_sharing(lee, cohort.id, True)
    bob, stranger = make_user("instructor", display_name="Bob"), make_user()
    bobs = cohorts.create_cohort(bob, "Bob's", "CPC")
    cohorts.join_cohort(lee, bobs.join_code)  # Lee is in Bob's cohort too, sharing nothing there
    refused = [
        (bob, cohort.id, lee.id, None),  # another instructor, through Ann's cohort
        (lee, cohort.id, lee.id, None),  # the learner
        (ann, cohort.id, stranger.id, None),  # a user not in the cohort
        (ann, cohort.id + 999, lee.id, None),  # no such cohort
        (ann, bobs.id, lee.id, None),  # Ann, through a cohort of Bob's the learner is in
    ]
    for actor, cohort_id, user_id, _ in refused:
        with pytest.raises(NotFound):
            learner_work.learner_work(actor, cohort_id, user_id, None, T0)
        with pytest.raises(NotFound):
            learner_work.attempt_work(actor, cohort_id, user_id, at_drill.id, T0)
    # Bob, through his own cohort: Lee's attempt at Ann's assignment is outside its scope
    assert learner_work.learner_work(bob, bobs.id, lee.id, None, T0).board is None
    for attempt in (at_drill, own):
        with pytest.raises(NotFound):
            learner_work.attempt_work(bob, bobs.id, lee.id, attempt.id, T0)
    # an attempt of somebody else named under Lee's id
    theirs = practice.start_practice(stranger, practice.PracticeChoice("CPC", [], None, 1, "all"), T0)
    with pytest.raises(NotFound):
        learner_work.attempt_work(ann, cohort.id, lee.id, theirs.id, T0)
    with pytest.raises(NotFound):
        learner_work.attempt_work(ann, cohort.id, lee.id, 10**6, T0)


def test_an_admin_sees_what_the_cohorts_owner_sees(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    ada = make_user("admin")
    assert learner_work.learner_work(ada, cohort.id, lee.id, None, T0).scope == learner_work.SCOPE_COHORT
    with pytest.raises(NotFound):  # the learner's consent binds admins on this page too
        learner_work.attempt_work(ada, cohort.id, lee.id, own.id, T0)
    assert learner_work.attempt_work(ada, cohort.id, lee.id, at_drill.id, T0).attempt.id == at_drill.id


def test_keys_only_when_the_learners_own_review_shows_them(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    before = learner_work.attempt_work(ann, cohort.id, lee.id, at_drill.id, T0)
    assert not before.keys_shown and before.review == []  # the drill's keys wait for its due date
    assert "answers shown after the due date" in before.policy
    after = learner_work.attempt_work(ann, cohort.id, lee.id, at_drill.id, T0 + 2 * DAY)
    [row] = after.review
    assert after.keys_shown and row["correct"] and row["answer"] == row["selected"]


def test_an_item_held_by_the_learners_assignment_or_open_exam_keeps_its_key(setting):
    ann, lee, cohort, drill, at_drill, own = setting
    max_ = make_user(display_name="Max")
    cohorts.join_cohort(max_, cohort.join_code, share_progress=True)
    earlier = make_attempt(max_, [item_by_key("learn-icd-001")], started_at=T0 - DAY)
    _answer_all(max_, earlier, T0 - DAY)
    _answer_all(max_, assignments.start_assignment(max_, drill.id, T0))  # the drill holds learn-icd-001 until due
    [row] = learner_work.attempt_work(ann, cohort.id, max_.id, earlier.id, T0).review
    assert row["locked"] and "answer" not in row and "selected" not in row
    [row] = learner_work.attempt_work(ann, cohort.id, max_.id, earlier.id, T0 + 2 * DAY).review
    assert not row["locked"] and row["answer"] == row["selected"]
    # an exam still open: nothing of it
    exam = exams.start_exam(max_, "CPC", T0 + 2 * DAY)
    open_exam = learner_work.attempt_work(ann, cohort.id, max_.id, exam.id, T0 + 2 * DAY)
    assert not open_exam.keys_shown and open_exam.review == []


def test_the_cohort_dashboard_shows_general_progress_only_of_those_who_share(setting):
    ann, lee, cohort, *_ = setting
    [row] = cohort_results.cohort_dashboard(ann, cohort.id, T0).heat
    assert not row.shared and row.verdict == cohort_results.NOT_SHARED
    cohorts.set_sharing(lee, cohort.id, True)
    [row] = cohort_results.cohort_dashboard(ann, cohort.id, T0).heat
    assert row.shared and row.cells and row.verdict != cohort_results.NOT_SHARED


def test_consent_is_asked_when_joining_and_kept_when_joining_again(learning_bank):
    ann, lee, max_ = make_user("instructor"), make_user(), make_user()
    cohort = cohorts.create_cohort(ann, "Evening", "CPC")
    cohorts.join_cohort(lee, cohort.join_code, share_progress=True)
    cohorts.join_cohort(max_, cohort.join_code)
    shares = {m.user_id: m.share_progress for _, m in cohorts.learner_memberships(lee) + cohorts.learner_memberships(max_)}
    assert shares == {lee.id: True, max_.id: False}
    cohorts.join_cohort(lee, cohort.join_code)  # joining again changes nothing
    [(_, member)] = cohorts.learner_memberships(lee)
    assert member.share_progress
    with pytest.raises(NotFound):
        cohorts.set_sharing(make_user(), cohort.id, True)  # not in the cohort
