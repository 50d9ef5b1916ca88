"""Instructor routes: cohorts and assignments (see study/instructor/__init__.py). Thin: validate the
form, call one service (study/services/cohorts.py, assignments.py or cohort_results.py, which check
ownership), render or redirect."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from study.extensions import db
from study.instructor import bp
from study.models import Blueprint, Role, Topic
from study.security import or_abort, role_required
from study.services import ServiceError
from study.services import assignments as assignment_service
from study.services import cohort_results
from study.services import cohorts as cohort_service

DATE_FORMAT = "%Y-%m-%dT%H:%M"
DATE_MESSAGE = "Enter a date and time (YYYY-MM-DD HH:MM)."


def now() -> datetime:
    return datetime.now(timezone.utc)


class _MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _DateTimeField(DateTimeLocalField):
    """A datetime-local input, read as UTC, whose parse error says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class CreateCohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired("Give the cohort a name."), Length(max=120)])
    exam = SelectField("Exam the class prepares for", choices=[], validators=[Optional()])
    submit = SubmitField("Create cohort")


class CreateAssignmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the assignment a title."), Length(max=200)])
    kind = RadioField(
        "What to assign",
        choices=[SelectChoice(k, v) for k, v in assignment_service.KINDS.items()],
        default="practice",
        validators=[DataRequired("Choose what to assign.")],
    )
    items = TextAreaField(
        "Chosen item ids (practice questions or cases)",
        description="Bank ids separated by spaces, commas or new lines. For a practice set, leave empty to use the rule below.",
        validators=[Optional(), Length(max=5000)],
    )
    exam = SelectField("Exam", choices=[], validators=[Optional()])
    topics = _MultiCheckboxField("Topics (none ticked means all)", choices=[], validators=[Optional()])
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("", "Any"), SelectChoice("easy", "Easy"), SelectChoice("medium", "Medium"), SelectChoice("hard", "Hard")],
        validators=[Optional()],
    )
    size = IntegerField("Number of questions", default=10, validators=[Optional(), NumberRange(1, assignment_service.MAX_PRACTICE_SIZE)])
    opens_at = _DateTimeField("Opens (UTC)", format=DATE_FORMAT, validators=[InputRequired(DATE_MESSAGE)])
    due_at = _DateTimeField("Due (UTC)", format=DATE_FORMAT, validators=[InputRequired(DATE_MESSAGE)])
    max_attempts = IntegerField(
        "Attempts allowed",
        default=1,
        description=f"1 to {assignment_service.MAX_ATTEMPTS}; per case in a case set. Leave empty for no limit.",
        validators=[Optional(), NumberRange(1, assignment_service.MAX_ATTEMPTS, f"Allow between 1 and {assignment_service.MAX_ATTEMPTS} attempts, or leave it empty for no limit.")],
    )
    feedback = RadioField(
        "When learners see the answers and explanations",
        choices=[SelectChoice(k, v) for k, v in assignment_service.FEEDBACK.items()],
        default="attempt",
        validators=[DataRequired("Choose when the answers and explanations are shown.")],
    )
    counts = RadioField(
        "Which attempt counts",
        choices=[SelectChoice(k, v) for k, v in assignment_service.COUNTS.items()],
        default="first",
        validators=[DataRequired("Choose which attempt counts.")],
    )
    retake_fresh = BooleanField("A retake draws fresh questions (practice rules and exams)", default=False)
    submit = SubmitField("Create assignment")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.due_at.data <= self.opens_at.data:
            self.due_at.errors = list(self.due_at.errors) + ["The due date must be after the opening date."]
            return False
        return ok


class SetExtraTimeForm(FlaskForm):
    multiplier = DecimalField(
        "Extra time multiplier",
        places=2,
        validators=[
            InputRequired("Enter a number between 1.0 and 3.0."),
            NumberRange(cohort_service.MIN_EXTRA_TIME, cohort_service.MAX_EXTRA_TIME, "Enter a number between 1.0 and 3.0."),
        ],
    )
    submit = SubmitField("Save")


def _exam_choices(blank: str) -> list[SelectChoice]:
    exams = db.session.scalars(db.select(Blueprint.exam).order_by(Blueprint.exam)).all()
    return [SelectChoice("", blank)] + [SelectChoice(e, e) for e in exams]


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _cohort_or_abort(cohort_id: int):
    try:
        return cohort_service.get_cohort(current_user, cohort_id)
    except ServiceError as exc:
        abort(exc.status)


def _attach(form: FlaskForm, exc: ServiceError) -> None:
    name = getattr(exc, "field", None)
    target = form[name] if name and name in form else next(iter(form))
    target.errors = list(target.errors) + [str(exc)]


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def cohorts():
    form = CreateCohortForm()
    form.exam.choices = _exam_choices("No particular exam")
    if form.validate_on_submit():
        try:
            cohort = cohort_service.create_cohort(current_user, form.name.data, form.exam.data or None)
        except ServiceError as exc:
            _attach(form, exc)
        else:
            flash(f"Cohort created. Its join code is {cohort.join_code}.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id))
    listed = cohort_service.list_cohorts(current_user)
    status = 400 if form.errors else 200
    return render_template("instructor/cohorts/index.html", form=form, cohorts=listed), status


def _render_cohort(cohort_id: int, extra_forms: dict | None = None, status: int = 200):
    board = or_abort(cohort_results.cohort_dashboard, current_user, cohort_id, now())
    forms = {u.id: SetExtraTimeForm(prefix=f"m{u.id}", formdata=None, multiplier=board.extra_time.get(u.id, 1.0)) for u in board.learners}
    forms.update(extra_forms or {})
    return render_template("instructor/cohorts/show.html", board=board, cohort=board.cohort, extra_forms=forms), status


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.INSTRUCTOR)
def cohort(cohort_id: int):
    return _render_cohort(cohort_id)


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/extra-time", methods=["POST"])
@role_required(Role.INSTRUCTOR)
def cohort_extra_time(cohort_id: int, user_id: int):
    _cohort_or_abort(cohort_id)
    form = SetExtraTimeForm(prefix=f"m{user_id}")
    if form.validate_on_submit():
        try:
            member = cohort_service.set_extra_time(current_user, cohort_id, user_id, float(form.multiplier.data))
        except ServiceError as exc:
            if exc.status in (403, 404):
                abort(exc.status)
            _attach(form, exc)
        else:
            flash(f"Extra time in this cohort is now x{member.extra_time_multiplier:g}.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort_id, _anchor="members"))
    return _render_cohort(cohort_id, {user_id: form}, 400)


@bp.route("/cohorts/<int:cohort_id>/assignments/new", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def cohort_assignment_new(cohort_id: int):
    cohort = _cohort_or_abort(cohort_id)
    form = CreateAssignmentForm()
    form.exam.choices = _exam_choices(f"The cohort's exam ({cohort.exam})" if cohort.exam else "Any exam")
    form.topics.choices = [(t.key, t.title) for t in db.session.scalars(db.select(Topic).order_by(Topic.title))]
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
            if exc.status in (403, 404):
                abort(exc.status)
            _attach(form, exc)
        else:
            flash("Assignment created.", "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id, _anchor="assignments"))
    status = 400 if form.errors else 200
    return render_template("instructor/cohorts/assignment_new.html", form=form, cohort=cohort), status


@bp.route("/cohorts/<int:cohort_id>/results.csv")
@role_required(Role.INSTRUCTOR)
def cohort_results_csv(cohort_id: int):
    text = or_abort(cohort_results.results_csv, current_user, cohort_id, now())
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cohort-{cohort_id}-results.csv"'
    return response
