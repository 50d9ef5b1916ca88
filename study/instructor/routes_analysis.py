"""Instructor routes: item analysis (see study/instructor/__init__.py). Read-only pages: the
statistics (as Moodle's quiz statistics define them) per exam blueprint and per assignment, and
one item's choice or verdict counts. No flag below ITEM_ANALYSIS_MIN_RESPONSES responses."""

from flask import current_app, render_template
from flask_login import current_user

from study import analysis as stats
from study.instructor import bp
from study.models import Role
from study.security import role_required
from study.services import item_analysis as service

THRESHOLDS = {
    "low_discrimination": stats.LOW_DISCRIMINATION,
    "facility_low": stats.FACILITY_LOW,
    "facility_high": stats.FACILITY_HIGH,
    "cic_good": stats.CIC_SATISFACTORY,
    "cic_bad": stats.CIC_UNSATISFACTORY,
}


def min_responses() -> int:
    """ITEM_ANALYSIS_MIN_RESPONSES: fewer responses than this raise no flag."""
    return int(current_app.config.get("ITEM_ANALYSIS_MIN_RESPONSES", stats.MIN_RESPONSES))


def _thresholds() -> dict:
    return {**THRESHOLDS, "min_responses": min_responses()}


@bp.route("/analysis")
@role_required(Role.INSTRUCTOR)
def analysis():
    return render_template(
        "instructor/analysis/index.html",
        exams=service.exam_overview(current_user),
        assignments=service.my_assignments(current_user),
        thresholds=_thresholds(),
    )


@bp.route("/analysis/exam/<exam>")
@role_required(Role.INSTRUCTOR)
def analysis_exam(exam: str):
    result = service.analyse_exam(current_user, exam, min_responses())
    return render_template("instructor/analysis/detail.html", result=result, thresholds=_thresholds())


@bp.route("/analysis/exam/<exam>/item/<int:item_id>")
@role_required(Role.INSTRUCTOR)
def analysis_exam_item(exam: str, item_id: int):
    scope = service.exam_scope(exam)
    breakdown = service.item_breakdown(current_user, scope, item_id, min_responses())
    return render_template("instructor/analysis/item.html", b=breakdown, thresholds=_thresholds(), flag_labels=stats.FLAG_LABELS)


@bp.route("/analysis/assignment/<int:assignment_id>")
@role_required(Role.INSTRUCTOR)
def analysis_assignment(assignment_id: int):
    result = service.analyse_assignment(current_user, assignment_id, min_responses())
    return render_template("instructor/analysis/detail.html", result=result, thresholds=_thresholds())


@bp.route("/analysis/assignment/<int:assignment_id>/item/<int:item_id>")
@role_required(Role.INSTRUCTOR)
def analysis_assignment_item(assignment_id: int, item_id: int):
    scope = service.assignment_scope(current_user, assignment_id)
    breakdown = service.item_breakdown(current_user, scope, item_id, min_responses())
    return render_template("instructor/analysis/item.html", b=breakdown, thresholds=_thresholds(), flag_labels=stats.FLAG_LABELS)
