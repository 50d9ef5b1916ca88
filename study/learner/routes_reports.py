"""Learner routes: the learner's own problem reports and the instructors' replies."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from study.learner import bp
from study.services import reports as report_service


@bp.route("/my/reports")
@login_required
def my_reports():
    rows = report_service.learner_reports(current_user)
    return render_template("learner/my_reports.html", rows=rows)
