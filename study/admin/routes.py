from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from study.admin import bp
from study.admin.forms import ChangeRoleForm
from study.errors import flash_refusal
from study.forms import audit_csv_response, page_number, render_audit_log
from study.models import Role
from study.security import role_required
from study.services import ServiceError
from study.services import users as user_service


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "", type=str)[:254]
    pagination = user_service.list_users(page=page_number(), query=query)
    forms = {u.id: ChangeRoleForm(prefix=f"u{u.id}", role=u.role) for u in pagination.items}
    return render_template("admin/users.html", pagination=pagination, forms=forms, query=query)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int):
    form = ChangeRoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        user = user_service.set_role(current_user, user_id, form.role.data)
    except ServiceError as exc:
        flash_refusal(exc)
    else:
        flash(f"{user.email} is now {Role(user.role).label.lower()}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Every entry of the audit log, filtered and paged."""
    return render_audit_log(everything=True)


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def audit_log_csv():
    return audit_csv_response(everything=True)
