"""Learner routes: coding cases. Thin: validate, call one service, render or redirect."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import flash_refusal, render_error
from study.forms import CsrfForm
from study.learner import bp, now
from study.learner.forms import BadAnswer, case_lists_from_form, seconds_taken
from study.services import ServiceError, answer_review
from study.services import assignments as assignment_service
from study.services import attempts as attempt_service
from study.services import cases as case_service


@bp.route("/cases")
@login_required
def cases():
    setting = request.args.get("setting")
    items = case_service.list_cases(setting=setting)
    return render_template("learner/cases.html", items=items, setting=setting, settings=case_service.SETTINGS, form=CsrfForm())


@bp.route("/cases/<key>/attempts", methods=["POST"])
@login_required
def case_start(key: str):
    if not CsrfForm().validate_on_submit():
        abort(400)
    attempt = case_service.start_case(current_user, key, now())
    return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))


@bp.route("/cases/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def case_attempt(attempt_id: int):
    attempt = attempt_service.get_attempt(current_user, attempt_id, "case")
    ai, case = case_service.case_of(attempt)
    # neither grading nor the key (409) while the learner's exam or assignment holds the case
    attempt_service.refuse_locked(current_user, ai.item_id, now(), "case", attempt=attempt)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            lists = case_lists_from_form(request.form)
        except BadAnswer as exc:
            return render_error(exc.status, str(exc))
        try:
            case_service.submit_case(current_user, attempt.id, lists, now(), seconds_taken(request.form.get("seconds")))
        except ServiceError as exc:
            flash_refusal(exc)
        return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))
    review = answer_review.case_review(attempt, ai, now())  # the key to show (a regraded answer: the new one)
    return render_template(
        "learner/case_attempt.html",
        attempt=attempt,
        ai=ai,
        case=case,
        key_case=review.case,
        regrade=review.regrade,
        report=ai.response.report if ai.response is not None else None,
        keys_shown=assignment_service.keys_shown(attempt, now()),
        feedback_note=assignment_service.feedback_note(attempt),
        submitted=ai.response.answer if ai.response is not None else None,
        form=form,
        item_key=case.id,  # the bank id, which never changes from version to version
        history=case_service.history(current_user, case.id),
    )
