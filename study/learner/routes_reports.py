"""Learner routes: reporting a problem with an item, the learner's own reports with the
instructors' replies, and the home page's "your report was answered" notices (read once dismissed,
or once the learner opens the reported item from the notice)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import show_on_form
from study.forms import CsrfForm
from study.kinds import AttemptKind
from study.learner import bp, now
from study.learner.forms import ReportProblemForm
from study.security import safe_next
from study.services import ServiceError
from study.services import attempts as attempt_service
from study.services import reports as report_service


@bp.route("/items/<key>/report", methods=["GET", "POST"])
@login_required
def report_problem(key: str):
    attempt_service.reportable_item(current_user, key)
    form = ReportProblemForm()
    if form.validate_on_submit():
        attempt_item = int(form.attempt_item.data) if (form.attempt_item.data or "").isdigit() else None
        try:
            attempt_service.report_problem(current_user, key, form.kind.data, form.comment.data or "", attempt_item)
        except ServiceError as exc:
            show_on_form(form, exc, "kind")
        else:
            flash("Thank you: your report went to the instructors.", "success")
            return redirect(safe_next(request.form.get("back")) or url_for("main.home"))
    return render_template("learner/report_problem.html", form=form, key=key), 400 if form.errors else 200


@bp.route("/my/reports")
@login_required
def my_reports():
    rows = report_service.learner_reports(current_user, now())
    return render_template("learner/my_reports.html", rows=rows)


@bp.route("/my/reports/<int:report_id>/dismiss", methods=["POST"])
@login_required
def report_answer_dismiss(report_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    report_service.read_answer(current_user, report_id, now())
    return redirect(safe_next(request.form.get("back")) or url_for("main.home"))


@bp.route("/my/reports/<int:report_id>/item")
@login_required
def report_answer_open(report_id: int):
    """Open the reported item where the learner answered it (the notice's link); reading it there
    marks the answer read. Without an attempt to open: the list of their reports."""
    answered = report_service.read_answer(current_user, report_id, now())
    if answered.attempt_id is None or answered.position is None:
        return redirect(url_for("learner.my_reports", _anchor=f"report-{report_id}"))
    if answered.attempt_kind == AttemptKind.EXAM:
        return redirect(url_for("learner.exam_result", attempt_id=answered.attempt_id, _anchor=f"q{answered.position}"))
    if answered.attempt_kind == AttemptKind.CASE:
        return redirect(url_for("learner.case_attempt", attempt_id=answered.attempt_id))
    return redirect(url_for("learner.practice_question", attempt_id=answered.attempt_id, position=answered.position))
