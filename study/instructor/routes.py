from flask import render_template
from flask_login import current_user

from study.instructor import bp
from study.models import Role
from study.security import role_required


@bp.route("/")
@role_required(Role.INSTRUCTOR)
def index():
    """The instructor's home: links to each tool (each part fills its own section)."""
    return render_template("instructor/index.html", user=current_user)
