"""Instructor routes: cohorts and assignments (see study/instructor/__init__.py). Thin: validate the
form, call one service (study/services/cohorts.py, assignments.py or cohort_results.py, which check
ownership), render or redirect."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from study import zones
from study.errors import flash_refusal, show_on_form
from study.forms import MAX_PAGE
from study.instructor import bp
from study.instructor.forms_cohorts import CreateAssignmentForm, CreateCohortForm, SetExtraTimeForm
from study.models import Role
from study.security import role_required
from study.services import ServiceError, catalog, cohort_results, item_picker, learner_work, progress
from study.services import assignments as assignment_service
from study.services import cohorts as cohort_service
from study.services.bank_search import BankFilters


def now() -> datetime:
    return datetime.now(timezone.utc)


def _exam_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(e, e) for e in catalog.exam_names()]


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


def _assignment_form(cohort) -> CreateAssignmentForm:
    """The form, its choices, and its dates in the instructor's time zone ("opens" defaults to now)."""
    zone = current_user.time_zone
    form = CreateAssignmentForm(opens_at=zones.to_local(now(), zone).replace(second=0, microsecond=0))
    form.exam.choices = _exam_choices(f"The cohort's exam ({cohort.exam})" if cohort.exam else "Any exam")
    form.pick_exam.choices = _exam_choices("Any exam")
    topics = [(t.key, t.title) for t in catalog.topics()]
    form.topics.choices = topics
    form.pick_topic.choices = [("", "Any topic"), *topics]
    form.section.choices = [SelectChoice("", "The whole exam")] + [
        SelectChoice(f"{b.exam}:{s['key']}", f"{b.exam}: {s['title']}") for b in catalog.blueprints() for s in b.sections
    ]
    form.opens_at.label.text = f"Opens ({zone})"
    form.due_at.label.text = f"Due ({zone})"
    return form


def _picker(form) -> tuple[list[str], item_picker.PickerPage, tuple | None]:
    """The picker's state after the button pressed (`pick` in the form): the chosen keys (the
    form's, then any typed ids), the search page, and the item to preview."""
    keys = [*(form.picked.data or []), *assignment_service.parse_keys(form.items.data or "")]
    action = request.form.get("pick", "") if request.method == "POST" else ""
    keys, preview_key = item_picker.apply(keys, action)
    form.picked.data, form.items.data = keys, ""
    page = int(action[5:]) if action.startswith("page:") and action[5:].isdigit() else 1 if action == "search" else form.pick_page.data
    filters = BankFilters(
        q=form.pick_q.data or "",
        exam=form.pick_exam.data or None,
        topic=form.pick_topic.data or None,
        type=form.pick_type.data or None,
        difficulty=form.pick_difficulty.data or None,
        page=max(1, min(int(page) if str(page).isdigit() else 1, MAX_PAGE)),
    )
    results = item_picker.search(current_user, filters)
    form.pick_page.data = str(results.page.page)
    preview = None
    if preview_key:
        try:
            preview = item_picker.preview(current_user, preview_key)
        except ServiceError as exc:
            flash_refusal(exc)
    return keys, results, preview


@bp.route("/cohorts/<int:cohort_id>/assignments/new", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def cohort_assignment_new(cohort_id: int):
    """The assignment form. Its item picker's buttons (`pick`: search, a page, add, remove, move,
    preview) only show the form again with the new state, in the form itself (works without
    JavaScript); "Create assignment" creates it."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    form = _assignment_form(cohort)
    picking = request.method == "POST" and "pick" in request.form
    if not picking and form.validate_on_submit():
        exam, section = form.exam.data or None, None
        if form.section.data and form.kind.data == "exam":  # "CPC:icd-10-cm": that exam's section
            exam, _, section = form.section.data.partition(":")
        zone = current_user.time_zone
        spec = assignment_service.AssignmentSpec(
            kind=form.kind.data,
            title=form.title.data,
            opens_at=zones.to_utc(form.opens_at.data, zone),
            due_at=zones.to_utc(form.due_at.data, zone),
            items=list(dict.fromkeys([*(form.picked.data or []), *assignment_service.parse_keys(form.items.data or "")])),
            exam=exam,
            topics=form.topics.data or [],
            difficulties=form.difficulties.data or [],
            size=form.size.data,
            avoid_recent_days=form.avoid_recent_days.data,
            minutes=form.minutes.data,
            section=section,
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
    keys, results, preview = _picker(form)
    status = 400 if form.errors else 200
    return render_template(
        "instructor/cohorts/assignment_new.html",
        form=form,
        cohort=cohort,
        chosen=item_picker.chosen(keys),
        results=results,
        preview=preview,
    ), status


@bp.route("/cohorts/<int:cohort_id>/results.csv")
@role_required(Role.INSTRUCTOR)
def cohort_results_csv(cohort_id: int):
    text = cohort_results.results_csv(current_user, cohort_id, now())
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cohort-{cohort_id}-results.csv"'
    return response
