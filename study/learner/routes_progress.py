"""Learner routes: the progress dashboard (a learner's own; an administrator's view of anyone's)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.forms import CsrfForm
from study.learner import bp, now
from study.services import progress as progress_service
from study.services import users as user_service


@bp.route("/progress")
@login_required
def progress():
    return _render_dashboard(current_user)


@bp.route("/progress/learners/<int:user_id>")
@login_required
def learner_progress(user_id: int):
    """An administrator may look at any learner's dashboard; a learner only at their own (/progress)."""
    if user_id == current_user.id:
        args: dict[str, Any] = request.args.to_dict()  # the query string, not url_for's own options
        return redirect(url_for("learner.progress", **args))
    if not current_user.is_admin:
        abort(403)
    learner = user_service.get_user(user_id)
    if learner is None:
        abort(404)
    return _render_dashboard(learner)


def _render_dashboard(learner):
    board = progress_service.dashboard(learner, request.args.get("exam", learner.target_exam or "CPC"), now())
    return render_template(
        "learner/progress.html", board=board, learner=learner, error_kinds=progress_service.ERROR_KINDS, csrf_form=CsrfForm()
    )


@bp.route("/plan")
@login_required
def plan():
    """The learner's weekly plan to their exam date; without a goal, the goal form first."""
    study_plan = progress_service.study_plan(current_user, now())
    if study_plan is None:
        return redirect(url_for("auth.goal", next=url_for("learner.plan")))
    return render_template("learner/plan.html", plan=study_plan)
