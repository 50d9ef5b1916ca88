"""Learner views for cohorts: join with a code, the list of assignments, start an assignment.
Thin: validate, call one service (study/services/cohorts.py, assignments.py), render or redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import flash_refusal, show_on_form
from study.forms import CsrfForm
from study.kinds import AttemptKind
from study.learner import bp, now
from study.learner.forms import JoinCohortForm
from study.models import Attempt
from study.services import ServiceError
from study.services import assignments as assignment_service
from study.services import cohorts as cohort_service


def attempt_url(attempt: Attempt) -> str:
    if attempt.kind == AttemptKind.EXAM:
        return url_for("learner.exam_question", attempt_id=attempt.id, position=1)
    if attempt.kind == AttemptKind.CASE:
        return url_for("learner.case_attempt", attempt_id=attempt.id)
    return url_for("learner.practice", attempt_id=attempt.id)


@bp.route("/cohorts/join", methods=["GET", "POST"])
@login_required
def cohort_join():
    """Join with a code: typed, or from the instructor's join link (``?code=...``), which fills the
    form in and names the cohort; joining still takes the learner's click."""
    form = JoinCohortForm()
    linked = None
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args.get("code", "")[:32]
        linked = cohort_service.find_by_code(form.code.data)
    if form.validate_on_submit():
        try:
            cohort = cohort_service.join_cohort(current_user, form.code.data, share_progress=bool(form.share_progress.data))
        except ServiceError as exc:
            show_on_form(form, exc, "code")
        else:
            flash(f"You joined {cohort.name}.", "success")
            return redirect(url_for("learner.assignments"))
    status = 400 if form.errors else 200
    memberships = cohort_service.learner_memberships(current_user)
    return render_template(
        "learner/cohorts/join.html", form=form, memberships=memberships, csrf_form=CsrfForm(), linked=linked
    ), status


@bp.route("/cohorts/<int:cohort_id>/sharing", methods=["POST"])
@login_required
def cohort_sharing(cohort_id: int):
    """The learner changes what the cohort's instructor may see (404 for a cohort they are not in)."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    share = request.form.get("share") == "1"
    member = cohort_service.set_sharing(current_user, cohort_id, share)
    if member.share_progress:
        flash("Your instructor in this cohort may now see your general progress and all your attempts.", "success")
    else:
        flash("Your instructor in this cohort now sees only your attempts at the cohort's assignments.", "success")
    return redirect(url_for("learner.cohort_join", _anchor="your-cohorts"))


@bp.route("/assignments")
@login_required
def assignments():
    rows = assignment_service.assignments_for(current_user, now())
    groups = {state: [r for r in rows if r.state == state] for state in ("open", "upcoming", "done")}
    return render_template(
        "learner/cohorts/assignments.html", groups=groups, cohorts=cohort_service.learner_cohorts(current_user), form=CsrfForm()
    )


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@login_required
def assignment_start(assignment_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        attempt = assignment_service.start_assignment(current_user, assignment_id, now(), case_key=request.form.get("case") or None)
    except ServiceError as exc:
        flash_refusal(exc)
        return redirect(url_for("learner.assignments"))
    return redirect(attempt_url(attempt))
