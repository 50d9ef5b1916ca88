"""The career explorer (public pages) and the self-assessment (anonymous; saved by signing up or in).

Thin views: validate the form, call one service function, render or redirect. The self-assessment
lives on the server (`CareerRun`); the session cookie holds only its token."""

from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import groupby

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from study.careers import content
from study.careers.forms import PREFERENCE_FIELDS, StartAssessmentForm, SubmitDiagnosticForm
from study.careers.recommend import SKILL_TITLES, Preferences
from study.errors import flash_refusal, render_error
from study.extensions import limiter
from study.forms import CsrfForm
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
    return {"careers": content, "practice_href": practice_href, "careers_skill_titles": SKILL_TITLES}


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


@bp.route("/costs")
@public
def costs():
    return render_template("careers/costs.html")


@bp.route("/first-job")
@public
def first_job():
    return render_template("careers/first_job.html")


# ------------------------------------------------------------------ the self-assessment
def _finished(run):
    """After a step that changes the result: a signed-in user's result is theirs as soon as it
    exists (saved, or its saved copy brought up to date); then the result page."""
    if current_user.is_authenticated and career_service.has_result(run):
        try:
            career_service.save_result(current_user, run, today())
        except ServiceError as exc:
            flash_refusal(exc)
    return redirect(url_for("careers.result"))


def _already_final(message: str):
    """A step already submitted is final: a second submission (a replayed page or cookie) is 409
    and changes nothing; a visit goes to the result."""
    if request.method == "POST":
        return render_error(409, message)
    flash(message, "info")
    return redirect(url_for("careers.result"))


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
        preferences = Preferences(**{name: getattr(form, name).data for name in PREFERENCE_FIELDS})
        session[career_service.SESSION_KEY] = career_service.start_run(preferences, user=_user())
        return redirect(url_for("careers.tasks"))
    return render_template("careers/assessment.html", form=form), 400 if form.errors else 200


@bp.route("/assessment/tasks", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("CAREERS_SUBMIT_LIMIT_PER_IP", SUBMIT_LIMIT_PER_IP), methods=["POST"])
@public
def tasks():
    form = CsrfForm()
    run = current_run()
    try:
        items = career_service.sample_tasks(run)
    except NotFound:
        flash("Answer a few questions about yourself first.", "info")
        return redirect(url_for("careers.assessment"))
    already = "You have already done the sample tasks. Take the self-assessment again for a fresh start."
    if run is not None and run.aptitude_at is not None:
        return _already_final(already)
    given: dict[str, str] = {}
    missing: list = []
    if form.validate_on_submit():
        given = {t.key: request.form.get(t.field_name, "") for t in items}
        try:
            missing = career_service.submit_tasks(run, given)
        except Conflict:  # submitted by another request at the same moment
            return render_error(409, already)
        if not missing:
            return _finished(run)
    return (
        render_template(
            "careers/tasks.html",
            form=form,
            items=items,
            skill_groups=[(skill, list(group)) for skill, group in groupby(items, key=lambda t: t.skill)],
            given=given,
            missing={t.key for t in missing},
            missing_items=missing,
        ),
        400 if missing else 200,
    )


@bp.route("/assessment/knowledge", methods=["POST"])
@limiter.limit(lambda: current_app.config.get("CAREERS_START_LIMIT_PER_IP", START_LIMIT_PER_IP))
@public
def knowledge():
    """Start the optional knowledge check (once per run)."""
    form = CsrfForm()
    if not form.validate_on_submit():
        return render_error(400, "The form has expired. Go back, reload the page and try again.")
    try:
        career_service.start_knowledge_check(current_run())
    except NotFound:
        flash("Answer a few questions about yourself first.", "info")
        return redirect(url_for("careers.assessment"))
    except Conflict as exc:
        flash_refusal(exc)
        return redirect(url_for("careers.tasks"))
    return redirect(url_for("careers.diagnostic"))


@bp.route("/assessment/diagnostic", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("CAREERS_SUBMIT_LIMIT_PER_IP", SUBMIT_LIMIT_PER_IP), methods=["POST"])
@public
def diagnostic():
    """The optional knowledge check, for those already studying."""
    form = SubmitDiagnosticForm()
    run = current_run()
    try:
        questions = career_service.diagnostic_questions(run)
    except NotFound:
        if career_service.has_result(run):
            flash("Start the knowledge check from your result.", "info")
            return redirect(url_for("careers.result"))
        flash("Answer a few questions about yourself first.", "info")
        return redirect(url_for("careers.assessment"))
    already = "You have already answered this knowledge check. Take the self-assessment again for new questions."
    if career_service.knowledge_done(run):
        return _already_final(already)
    given: dict[str, str] = {}
    missing: list = []
    if form.validate_on_submit():
        given = {q.key: request.form.get(q.field_name, "") for q in questions}
        try:
            missing = career_service.submit_diagnostic(run, given)
        except Conflict:  # submitted by another request at the same moment
            return render_error(409, already)
        if not missing:
            return _finished(run)
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
    run = current_run()
    found = career_service.current_result(run, today())
    if found is None:
        flash("Take the self-assessment to see a result.", "info")
        return redirect(url_for("careers.assessment"))
    return render_template(
        "careers/result.html",
        result=found,
        form=CsrfForm(),
        knowledge_started=career_service.knowledge_started(run),
    )


# ------------------------------------------------------------------ saved results (signed in)
@bp.route("/results")
@login_required
def results():
    return render_template("careers/results.html", results=career_service.saved_results(current_user))


@bp.route("/results/<int:assessment_id>")
@login_required
def saved(assessment_id: int):
    assessment = career_service.get_saved(current_user, assessment_id)
    return render_template("careers/saved.html", result=career_service.saved_result(assessment), assessment=assessment)
