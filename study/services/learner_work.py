"""The cohort instructor's view of one learner's work (/teach/cohorts/<id>/learners/<user_id>) and
of one of their attempts, read-only.

The scope (the rule, enforced here and nowhere else):

* the cohort's owner sees the learner's attempts at this cohort's assignments, always;
* the learner's general progress (their progress dashboard) and every other attempt (their own
  practice, cases, exams, other cohorts' assignments) only while the learner agrees
  (``CohortMember.share_progress``: asked when joining, changed by the learner at any time);
* an admin sees what the cohort's owner sees, through the cohort (the same consent applies);
* anyone else gets NotFound (404), never Forbidden, so that nothing tells whether the cohort, the
  learner or the attempt exists: another instructor, an instructor of another cohort the learner
  is in, a learner (the route's role gate answers them 404 too), a user who is not in the cohort,
  an attempt of someone else or outside the scope.

An attempt's review shows the keys exactly as the learner's own review would show them now
(``answer_review.attempt_review`` with the learner as the user: the assignment's feedback policy,
items held by the learner's running exams), never more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from study.extensions import db
from study.models import Assignment, Attempt, Cohort, CohortMember, User
from study.services import NotFound, answer_review, catalog, progress
from study.services.assignments import Result, describe_policy
from study.services.cohort_results import AttemptRow, attempt_rows, results

SCOPE_COHORT = "cohort"  # this cohort's assignments only
SCOPE_ALL = "all"  # the learner agreed: their general progress and every attempt
SCOPE_TEXT = {
    SCOPE_COHORT: "You see this learner's attempts at this cohort's assignments only: they have not agreed to share "
    "their general progress with this cohort's instructor.",
    SCOPE_ALL: "This learner agreed to share their general progress with this cohort's instructor: you see their "
    "progress dashboard and all their attempts, not only this cohort's assignments.",
}
NOT_FOUND = "No such learner in your cohorts."


@dataclass
class AssignmentWork:
    assignment: Assignment
    result: Result
    rows: list[AttemptRow]


@dataclass
class LearnerWork:
    cohort: Cohort
    learner: User
    scope: str
    assignments: list[AssignmentWork]
    board: progress.Dashboard | None  # only in the shared scope

    @property
    def scope_text(self) -> str:
        return SCOPE_TEXT[self.scope]

    @property
    def shared(self) -> bool:
        return self.scope == SCOPE_ALL


def _membership(actor: User, cohort_id: int, user_id: int) -> tuple[Cohort, CohortMember, User]:
    """The cohort (the actor's own, or any for an admin) and the learner's membership, else NotFound."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not (cohort.owner_id == actor.id or actor.is_admin):
        raise NotFound(NOT_FOUND)
    member = db.session.get(CohortMember, (cohort.id, user_id))
    learner = db.session.get(User, user_id) if member is not None else None
    if member is None or learner is None:
        raise NotFound(NOT_FOUND)
    return cohort, member, learner


def learner_work(actor: User, cohort_id: int, user_id: int, exam: str | None, now: datetime) -> LearnerWork:
    """The learner's work within the cohort's scope: each assignment's result and attempts; in the
    shared scope also their progress dashboard for `exam` (default: the cohort's exam, else the
    first blueprint). A fixed number of queries, whatever the number of attempts."""
    cohort, member, learner = _membership(actor, cohort_id, user_id)
    table = results(cohort, [learner])
    work = [AssignmentWork(a, table[(a.id, learner.id)], attempt_rows(a, table[(a.id, learner.id)])) for a in cohort.assignments]
    board = None
    if member.share_progress:
        names = catalog.exam_names()
        chosen = exam if exam in names else (cohort.exam if cohort.exam in names else (names[0] if names else None))
        board = progress.dashboard(learner, chosen, now) if chosen else None
    return LearnerWork(cohort, learner, SCOPE_ALL if member.share_progress else SCOPE_COHORT, work, board)


@dataclass
class AttemptWork:
    cohort: Cohort
    learner: User
    attempt: Attempt
    assignment: Assignment | None
    review: list[dict]
    keys_shown: bool
    policy: str | None  # the assignment's policy (when its keys are shown), for an assignment's attempt


def attempt_work(actor: User, cohort_id: int, user_id: int, attempt_id: int, now: datetime) -> AttemptWork:
    """One attempt of the learner, as their own review shows it now; NotFound outside the scope."""
    cohort, member, learner = _membership(actor, cohort_id, user_id)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != learner.id:
        raise NotFound("No such attempt.")
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id is not None else None
    in_cohort = assignment is not None and assignment.cohort_id == cohort.id
    if not (in_cohort or member.share_progress):
        raise NotFound("No such attempt.")
    review, shown = answer_review.attempt_review(learner, attempt, now)
    policy = describe_policy(assignment) if assignment is not None else None
    return AttemptWork(cohort, learner, attempt, assignment, review, shown, policy)
