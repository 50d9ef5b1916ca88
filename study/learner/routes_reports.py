"""Learner routes: reporting a problem with an item, and the learner's own reports with the
instructors' replies."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import show_on_form
from study.learner import bp
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
    rows = report_service.learner_reports(current_user)
    return render_template("learner/my_reports.html", rows=rows)
