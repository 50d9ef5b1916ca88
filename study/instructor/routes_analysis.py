"""Instructor routes: item analysis (see study/instructor/__init__.py). Read-only pages: Moodle's
statistics per exam blueprint and per assignment, and one item's choice or verdict counts."""

from flask import render_template
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


@bp.route("/analysis")
@role_required(Role.INSTRUCTOR)
def analysis():
    return render_template(
        "instructor/analysis/index.html",
        exams=service.exam_overview(current_user),
        assignments=service.my_assignments(current_user),
        thresholds=THRESHOLDS,
    )


@bp.route("/analysis/exam/<exam>")
@role_required(Role.INSTRUCTOR)
def analysis_exam(exam: str):
    result = service.analyse_exam(current_user, exam)
    return render_template("instructor/analysis/detail.html", result=result, thresholds=THRESHOLDS)


@bp.route("/analysis/exam/<exam>/item/<int:item_id>")
@role_required(Role.INSTRUCTOR)
def analysis_exam_item(exam: str, item_id: int):
    scope = service.exam_scope(exam)
    breakdown = service.item_breakdown(current_user, scope, item_id)
    return render_template("instructor/analysis/item.html", b=breakdown)


@bp.route("/analysis/assignment/<int:assignment_id>")
@role_required(Role.INSTRUCTOR)
def analysis_assignment(assignment_id: int):
    result = service.analyse_assignment(current_user, assignment_id)
    return render_template("instructor/analysis/detail.html", result=result, thresholds=THRESHOLDS)


@bp.route("/analysis/assignment/<int:assignment_id>/item/<int:item_id>")
@role_required(Role.INSTRUCTOR)
def analysis_assignment_item(assignment_id: int, item_id: int):
    scope = service.assignment_scope(current_user, assignment_id)
    breakdown = service.item_breakdown(current_user, scope, item_id)
    return render_template("instructor/analysis/item.html", b=breakdown)
