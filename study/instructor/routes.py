from flask import render_template
from flask_login import current_user

from study.forms import audit_csv_response, render_audit_log
from study.instructor import bp
from study.models import Role
from study.security import role_required
from study.services import reports as report_service


@bp.route("/")
@role_required(Role.INSTRUCTOR)
def index():
    """The instructor's home: links to each tool (each part fills its own section), and what needs
    attention: open problem reports, items flagged by item analysis."""
    return render_template("instructor/index.html", user=current_user, notices=report_service.notices(current_user))


@bp.route("/audit")
@role_required(Role.INSTRUCTOR)
def audit_log():
    """The audit log of what concerns this instructor: their actions, cohorts and items."""
    return render_audit_log(everything=False)


@bp.route("/audit.csv")
@role_required(Role.INSTRUCTOR)
def audit_log_csv():
    return audit_csv_response(everything=False)
