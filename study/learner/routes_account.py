"""Learner routes: the learner's own account: download their data, delete the account."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from study.errors import refusal_message
from study.forms import CsrfForm
from study.learner import bp, now
from study.services import ServiceError
from study.services import progress as progress_service
from study.services import users as user_service

#: the downloads: format -> (the service that writes the file, its media type, its file name)
DOWNLOADS = {
    "json": (progress_service.export_json, "application/json", "codeprep-data.json"),
    "csv": (progress_service.export_answers_csv, "text/csv", "codeprep-answers.csv"),
}


@bp.route("/account/data.<fmt>")
@login_required
def download_data(fmt: str):
    if fmt not in DOWNLOADS:
        abort(404)
    export, mimetype, filename = DOWNLOADS[fmt]
    return Response(export(current_user, now()), mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = CsrfForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            user_service.delete_account(current_user._get_current_object(), request.form.get("password", ""))
        except ServiceError as exc:
            error = refusal_message(exc)
        else:
            logout_user()
            flash("Your account and all your data have been deleted.", "success")
            return redirect(url_for("main.home"))
    return render_template("learner/delete_account.html", form=form, error=error), 400 if error else 200
