"""Instructor routes: the problem-report queue, resolving a report, regrading an item after its key
was corrected (see study/instructor/__init__.py). Thin: validate the form, call one service in
study/services/reports.py (which decides who sees what), render or redirect."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from study.errors import flash_refusal, show_on_form
from study.instructor import bp
from study.models import Role
from study.security import role_required
from study.services import ServiceError
from study.services import regrades as regrade_service
from study.services import reports as report_service


def now() -> datetime:
    return datetime.now(timezone.utc)


class ResolveReportForm(FlaskForm):
    status = RadioField(
        "How was it resolved?",
        choices=[SelectChoice(k, v) for k, v in report_service.RESOLUTIONS.items()],
        validators=[DataRequired("Choose how the report was resolved.")],
    )
    resolution = TextAreaField(
        "Reply to the learner",
        description="Shown to the learner on their reports page: what was fixed, the answer to their question, or why the item stands.",
        validators=[DataRequired("Write a few words for the learner."), Length(max=2000)],
    )
    submit = SubmitField("Resolve report")


class RegradeForm(FlaskForm):
    mode = RadioField(
        "How to regrade",
        choices=[SelectChoice(k, v) for k, v in regrade_service.MODES.items()],
        validators=[DataRequired("Choose how to regrade.")],
    )
    reason = TextAreaField(
        "Reason (shown to the learners whose answers are regraded)",
        validators=[Length(max=regrade_service.REASON_CHARS)],
    )
    submit = SubmitField("Regrade past answers")


class RegradeResolveForm(FlaskForm):
    """The report page's last step after the item was fixed: regrade and resolve in one go."""

    mode = RadioField(
        "How to regrade",
        choices=[SelectChoice(k, v) for k, v in regrade_service.MODES.items()],
        default="new-key",
        validators=[DataRequired("Choose how to regrade.")],
    )
    reason = TextAreaField(
        "Reason (shown to the learners whose answers are regraded)",
        validators=[Length(max=regrade_service.REASON_CHARS)],
    )
    reply = TextAreaField(
        "Reply to the learner who reported it",
        validators=[DataRequired("Write a few words for the learner."), Length(max=2000)],
    )
    submit = SubmitField("Regrade past answers and resolve the report")


@bp.route("/reports")
@role_required(Role.INSTRUCTOR)
def reports():
    status = request.args.get("status", "open")
    if status not in report_service.FILTERS:
        status = "open"
    views = report_service.list_reports(current_user, status)
    return render_template("instructor/reports/index.html", views=views, status=status, filters=report_service.FILTERS)


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def report(report_id: int):
    view = report_service.get_report(current_user, report_id)
    form = ResolveReportForm()
    code = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                report_service.resolve_report(current_user, report_id, form.status.data, form.resolution.data, now())
            except ServiceError as exc:
                show_on_form(form, exc, "status")
                if exc.status == 409:  # resolved meanwhile: the page shows the resolution, not the form
                    flash(str(exc), "error")
                code = exc.status
            else:
                flash("The report is resolved; the learner sees your reply on their reports page.", "success")
                return redirect(url_for("instructor.reports"))
        else:
            code = 400
    return render_template("instructor/reports/show.html", view=view, form=form, fix_form=_fix_form(view)), code


def _fix_form(view, form: RegradeResolveForm | None = None) -> RegradeResolveForm:
    form = form or RegradeResolveForm(formdata=None)
    if not form.reply.data:
        form.reply.data = (
            f"Thank you: the item was corrected (version {view.current_number}) and past answers were regraded."
        )
    if not form.reason.data:
        form.reason.data = "The answer key was corrected after a learner's report."
    return form


@bp.route("/reports/<int:report_id>/regrade-resolve", methods=["POST"])
@role_required(Role.INSTRUCTOR)
def report_regrade_resolve(report_id: int):
    """After fixing the item from its report: regrade its past answers and resolve the report."""
    report_service.get_report(current_user, report_id)  # 404 or 403 before anything
    fix_form = RegradeResolveForm()
    code = 400
    if fix_form.validate_on_submit():
        try:
            _, log = regrade_service.regrade_and_resolve(
                current_user, report_id, fix_form.mode.data, now(), fix_form.reason.data or "", fix_form.reply.data
            )
        except ServiceError as exc:
            show_on_form(fix_form, exc, "mode")
            code = exc.status
        else:
            changed = log.responses_changed if log is not None else 0
            flash(f"Regraded: {changed} past answer(s) changed. The report is resolved; the learner sees your reply.", "success")
            return redirect(url_for("instructor.report", report_id=report_id))
    view = report_service.get_report(current_user, report_id)
    return render_template("instructor/reports/show.html", view=view, form=ResolveReportForm(formdata=None), fix_form=fix_form), code


@bp.route("/reports/regrade/<key>", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def regrade(key: str):
    form = RegradeForm()
    code = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                plan, log = regrade_service.regrade(current_user, key, form.mode.data, now(), form.reason.data or "")
            except ServiceError as exc:
                show_on_form(form, exc, "mode")
                code = exc.status
            else:
                if log is None:
                    flash("Nothing changed: every past answer already has this grade.", "success")
                else:
                    flash(f"Regraded: {log.responses_changed} answer(s) changed; learners' scores and dashboards are updated.", "success")
                return redirect(url_for("instructor.regrade", key=key, mode=form.mode.data))
        else:
            code = 400
    mode = form.mode.data if form.mode.data in regrade_service.MODES else request.args.get("mode", "new-key")
    if mode not in regrade_service.MODES:
        mode = "new-key"
    if request.method == "GET":
        form.mode.data = mode
    try:
        plan = regrade_service.plan_regrade(current_user, key, mode)
        logs = regrade_service.regrade_logs(current_user, key)
    except ServiceError as exc:
        flash_refusal(exc)
        return redirect(url_for("instructor.reports"))
    return render_template("instructor/reports/regrade.html", plan=plan, logs=logs, form=form, key=key), code
