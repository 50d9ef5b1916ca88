"""The career explorer (public pages) and the self-assessment (anonymous; saved by signing up).

Thin views: validate the form, call one service function, render or redirect. The self-assessment
lives on the server (`CareerRun`); the session cookie holds only its token."""

from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import groupby

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from study.careers import content
from study.careers.forms import SaveResultForm, StartAssessmentForm, SubmitDiagnosticForm
from study.careers.recommend import Preferences
from study.errors import flash_refusal, render_error
from study.extensions import limiter
from study.security import public
from study.services import Conflict, NotFound, ServiceError
from study.services import careers as career_service

bp = Blueprint("careers", __name__, url_prefix="/careers")

# per client address (settings of the same name override them): each start draws a diagnostic,
# each submission grades one
START_LIMIT_PER_IP = "10 per hour"
SUBMIT_LIMIT_PER_IP = "30 per hour"


def today() -> date:
    return datetime.now(timezone.utc).date()


def practice_href(exam: str, topics) -> str:
    """A link to start a practice set for `exam` on `topics` (the learner pages own that route)."""
    return url_for("learner.practice_new", exam=exam, topic=list(topics))


@bp.app_template_filter("careers_date")
def careers_date(value: date | datetime) -> str:
    """ "27 November 2026" on every platform (strftime's %-d is not portable)."""
    return f"{value.day} {value.strftime('%B %Y')}"


def _user():
    return current_user if current_user.is_authenticated else None


def current_run():
    """The visitor's self-assessment: the run whose token the session cookie holds, if any."""
    return career_service.get_run(session.get(career_service.SESSION_KEY), _user())


@bp.context_processor
def careers_globals():
    return {"careers": content, "practice_href": practice_href}


# ------------------------------------------------------------------ the explorer
@bp.route("/")
@public
def index():
    return render_template("careers/index.html", has_result=career_service.has_result(current_run()))


@bp.route("/roles/<slug>")
@public
def role(slug: str):
    found = content.role(slug)
    if found is None:
        abort(404)
    certifications = [c for code in found.certifications if (c := content.certification(code))]
    return render_template("careers/role.html", role=found, salary=content.salary_row(found.salary_key), certifications=certifications)


@bp.route("/certifications")
@public
def certifications():
    return render_template("careers/certifications.html", formats=career_service.exam_formats())


@bp.route("/salaries")
@public
def salaries():
    return render_template("careers/salaries.html")


@bp.route("/education")
@public
def education():
    return render_template("careers/education.html")


# ------------------------------------------------------------------ the self-assessment
@bp.route("/assessment", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("CAREERS_START_LIMIT_PER_IP", START_LIMIT_PER_IP), methods=["POST"])
@public
def assessment():
    form = StartAssessmentForm()
    if request.method == "GET":
        earlier = career_service.current_preferences(current_run())
        if earlier is not None:
            form = StartAssessmentForm(data=earlier.to_dict() | {"target_date": earlier.target_date})
    if form.validate_on_submit():
        preferences = Preferences(
            setting=form.setting.data,
            work_style=form.work_style.data,
            interest=form.interest.data,
            weekly_hours=form.weekly_hours.data,
            target_date=form.target_date.data,
        )
        session[career_service.SESSION_KEY] = career_service.start_run(preferences, user=_user())
        return redirect(url_for("careers.diagnostic"))
    return render_template("careers/assessment.html", form=form), 400 if form.errors else 200


@bp.route("/assessment/diagnostic", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("CAREERS_SUBMIT_LIMIT_PER_IP", SUBMIT_LIMIT_PER_IP), methods=["POST"])
@public
def diagnostic():
    form = SubmitDiagnosticForm()
    run = current_run()
    try:
        questions = career_service.diagnostic_questions(run)
    except NotFound:
        flash("Answer a few questions about yourself first.", "info")
        return redirect(url_for("careers.assessment"))
    already = "You have already answered this diagnostic. Take the self-assessment again for new questions."
    if career_service.has_result(run):
        if request.method == "POST":  # final: a second submission (a replayed page or cookie) changes nothing
            return render_error(409, already)
        flash(already, "info")
        return redirect(url_for("careers.result"))
    given: dict[str, str] = {}
    missing: list = []
    if form.validate_on_submit():
        given = {q.key: request.form.get(q.field_name, "") for q in questions}
        try:
            missing = career_service.submit_diagnostic(run, given)
        except Conflict:  # submitted by another request at the same moment
            return render_error(409, already)
        if not missing:
            return redirect(url_for("careers.result"))
    status = 400 if missing else 200
    return (
        render_template(
            "careers/diagnostic.html",
            form=form,
            questions=questions,
            question_groups=[(area, list(group)) for area, group in groupby(questions, key=lambda q: q.area)],
            given=given,
            missing={q.key for q in missing},
            missing_questions=missing,
            dont_know=career_service.DONT_KNOW,
        ),
        status,
    )


@bp.route("/assessment/result")
@public
def result():
    found = career_service.current_result(current_run(), today())
    if found is None:
        flash("Take the self-assessment to see a result.", "info")
        return redirect(url_for("careers.assessment"))
    return render_template("careers/result.html", result=found, save_form=SaveResultForm())


# ------------------------------------------------------------------ saved results (signed in)
@bp.route("/results/save", methods=["GET", "POST"])
@login_required
def save():
    form = SaveResultForm()
    run = current_run()
    found = career_service.current_result(run, today())
    if found is None:
        flash("There is no finished self-assessment to save. Take the self-assessment first.", "info")
        return redirect(url_for("careers.assessment"))
    if form.validate_on_submit():
        try:
            saved = career_service.save_result(current_user, run, today())
        except ServiceError as exc:
            flash_refusal(exc)
            return redirect(url_for("careers.assessment"))
        flash("Your result is saved. You will find it under Careers, My saved results.", "success")
        return redirect(url_for("careers.saved", assessment_id=saved.id))
    return render_template("careers/save.html", result=found, form=form)


@bp.route("/results")
@login_required
def results():
    return render_template("careers/results.html", results=career_service.saved_results(current_user))


@bp.route("/results/<int:assessment_id>")
@login_required
def saved(assessment_id: int):
    assessment = career_service.get_saved(current_user, assessment_id)
    return render_template("careers/saved.html", result=career_service.saved_result(assessment), assessment=assessment)
