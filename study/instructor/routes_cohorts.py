"""Instructor routes: cohorts and assignments (see study/instructor/__init__.py). Thin: validate the
form, call one service (study/services/cohorts.py, assignments.py or cohort_results.py, which check
ownership), render or redirect."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from study.errors import show_on_form
from study.instructor import bp
from study.instructor.forms_cohorts import CreateAssignmentForm, CreateCohortForm, SetExtraTimeForm
from study.models import Role
from study.security import role_required
from study.services import ServiceError, catalog, cohort_results, learner_work, progress
from study.services import assignments as assignment_service
from study.services import cohorts as cohort_service


def now() -> datetime:
    return datetime.now(timezone.utc)


def _exam_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(e, e) for e in catalog.exam_names()]


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def cohorts():
    form = CreateCohortForm()
    form.exam.choices = _exam_choices("No particular exam")
    if form.validate_on_submit():
        try:
            cohort = cohort_service.create_cohort(current_user, form.name.data, form.exam.data or None)
        except ServiceError as exc:
            show_on_form(form, exc)
        else:
            flash(f"Cohort created. Its join code is {cohort.join_code}.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id))
    listed = cohort_service.list_cohorts(current_user)
    status = 400 if form.errors else 200
    return render_template("instructor/cohorts/index.html", form=form, cohorts=listed), status


def _render_cohort(cohort_id: int, extra_forms: dict | None = None, status: int = 200):
    board = cohort_results.cohort_dashboard(current_user, cohort_id, now())
    forms = {u.id: SetExtraTimeForm(prefix=f"m{u.id}", formdata=None, multiplier=board.extra_time.get(u.id, 1.0)) for u in board.learners}
    forms.update(extra_forms or {})
    return render_template("instructor/cohorts/show.html", board=board, cohort=board.cohort, extra_forms=forms), status


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.INSTRUCTOR)
def cohort(cohort_id: int):
    return _render_cohort(cohort_id)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@role_required(Role.INSTRUCTOR, refusal=404)
def cohort_learner(cohort_id: int, user_id: int):
    """One learner's work within the cohort's scope (study/services/learner_work.py); 404 outside it."""
    work = learner_work.learner_work(current_user, cohort_id, user_id, request.args.get("exam"), now())
    return render_template(
        "instructor/cohorts/learner.html", work=work, cohort=work.cohort, learner=work.learner, board=work.board,
        error_kinds=progress.ERROR_KINDS,
    )


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/attempts/<int:attempt_id>")
@role_required(Role.INSTRUCTOR, refusal=404)
def cohort_learner_attempt(cohort_id: int, user_id: int, attempt_id: int):
    """One attempt of the learner, read-only, the keys as the learner's own review shows them now."""
    work = learner_work.attempt_work(current_user, cohort_id, user_id, attempt_id, now())
    return render_template("instructor/cohorts/learner_attempt.html", work=work, cohort=work.cohort, learner=work.learner)


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/extra-time", methods=["POST"])
@role_required(Role.INSTRUCTOR)
def cohort_extra_time(cohort_id: int, user_id: int):
    cohort_service.get_cohort(current_user, cohort_id)
    form = SetExtraTimeForm(prefix=f"m{user_id}")
    if form.validate_on_submit():
        try:
            member = cohort_service.set_extra_time(current_user, cohort_id, user_id, float(form.multiplier.data))
        except ServiceError as exc:
            show_on_form(form, exc)
        else:
            flash(f"Extra time in this cohort is now x{member.extra_time_multiplier:g}.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort_id, _anchor="members"))
    return _render_cohort(cohort_id, {user_id: form}, 400)


@bp.route("/cohorts/<int:cohort_id>/assignments/new", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def cohort_assignment_new(cohort_id: int):
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    form = CreateAssignmentForm()
    form.exam.choices = _exam_choices(f"The cohort's exam ({cohort.exam})" if cohort.exam else "Any exam")
    form.topics.choices = [(t.key, t.title) for t in catalog.topics()]
    if form.validate_on_submit():
        spec = assignment_service.AssignmentSpec(
            kind=form.kind.data,
            title=form.title.data,
            opens_at=_utc(form.opens_at.data),
            due_at=_utc(form.due_at.data),
            items=assignment_service.parse_keys(form.items.data or ""),
            exam=form.exam.data or None,
            topics=form.topics.data or [],
            difficulty=form.difficulty.data or None,
            size=form.size.data,
            max_attempts=form.max_attempts.data,
            feedback=form.feedback.data,
            retake_fresh=bool(form.retake_fresh.data),
            counts=form.counts.data,
        )
        try:
            assignment_service.create_assignment(current_user, cohort.id, spec)
        except ServiceError as exc:
            show_on_form(form, exc)
        else:
            flash("Assignment created.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id, _anchor="assignments"))
    status = 400 if form.errors else 200
    return render_template("instructor/cohorts/assignment_new.html", form=form, cohort=cohort), status


@bp.route("/cohorts/<int:cohort_id>/results.csv")
@role_required(Role.INSTRUCTOR)
def cohort_results_csv(cohort_id: int):
    text = cohort_results.results_csv(current_user, cohort_id, now())
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cohort-{cohort_id}-results.csv"'
    return response
