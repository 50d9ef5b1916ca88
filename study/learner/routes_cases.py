"""Learner routes: coding cases. Thin: validate, call one service, render or redirect.

Opening a case (GET /cases/<key>) stores nothing; the first saved draft opens the attempt. The
entry form's first button saves the draft (the one Enter submits); "Grade my answer" shows what
will be graded and asks for a confirmation before anything is graded."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import flash_refusal, render_error
from study.forms import CsrfForm
from study.learner import bp, now
from study.learner.forms import MAX_ANSWER_BYTES, BadAnswer, CaseFilterForm, case_draft_from_json, case_rows_from_form, seconds_taken
from study.services import ServiceError, answer_review, catalog
from study.services import assignments as assignment_service
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import drg as drg_service


@bp.route("/cases")
@login_required
def cases():
    """The case list: each case with the learner's status, filtered by exam, setting, topic and
    status (a GET form that works without JavaScript)."""
    form = CaseFilterForm(request.args)
    rows, topics = case_service.case_rows(
        current_user,
        setting=form.setting.data or None,
        exam=form.exam.data or None,
        topic=form.topic.data or None,
        status=form.status.data or None,
    )
    form.set_choices(catalog.exam_names(), case_service.SETTINGS, topics, case_service.CASE_STATUSES)
    filtered = any(request.args.get(name) for name in ("exam", "setting", "topic", "status"))
    return render_template("learner/cases.html", rows=rows, form=form, filtered=filtered, statuses=case_service.CASE_STATUSES)


def _entry(case, attempt, draft, form, action_url: str, draft_url: str):
    return render_template(
        "learner/case_attempt.html",
        attempt=attempt,
        ai=None,
        case=case,
        report=None,
        keys_shown=False,
        feedback_note="",
        submitted=None,
        answer=draft.entry_rows() if draft is not None else None,
        lists=case_service.entry_lists(case),
        form=form,
        action_url=action_url,
        draft_url=draft_url,
        item_key=case.id,
        history=case_service.history(current_user, case.id),
    )


def _post_entry(form, *, key: str | None = None, attempt_id: int | None = None):
    """The entry form's buttons: "save" (the first, the one Enter submits) saves the draft;
    "grade" saves it and asks for a confirmation; "grade-now" (the script's confirmed dialog)
    saves and grades. Anything else saves."""
    if not form.validate_on_submit():
        abort(400)
    try:
        rows = case_rows_from_form(request.form)
    except BadAnswer as exc:
        return render_error(exc.status, str(exc))
    action = request.form.get("action", "save")
    back = url_for("learner.case", key=key) if key is not None else url_for("learner.case_attempt", attempt_id=attempt_id)
    try:
        if action == "grade-now":
            attempt = case_service.grade_draft(
                current_user, now(), key=key, attempt_id=attempt_id, rows=rows, seconds=seconds_taken(request.form.get("seconds"))
            )
            return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))
        attempt = case_service.save_draft(current_user, now(), rows, key=key, attempt_id=attempt_id)
    except ServiceError as exc:
        flash_refusal(exc)
        return redirect(back)
    if action == "grade":
        return redirect(url_for("learner.case_confirm", attempt_id=attempt.id))
    flash("Draft saved. It is kept until you grade it.", "success")
    return redirect(back)


@bp.route("/cases/<key>", methods=["GET", "POST"])
@login_required
def case(key: str):
    form = CsrfForm()
    if request.method == "POST":
        return _post_entry(form, key=key)
    page = case_service.case_page(current_user, key, now())
    return _entry(
        page.case, page.attempt, page.draft, form, url_for("learner.case", key=key), url_for("learner.api_case_draft", key=key)
    )


@bp.route("/cases/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def case_attempt(attempt_id: int):
    attempt = attempt_service.get_attempt(current_user, attempt_id, "case")
    ai, case = case_service.case_of(attempt)
    # neither grading nor the key (409) while the learner's exam or assignment holds the case
    attempt_service.refuse_locked(current_user, ai.item_id, now(), "case", attempt=attempt)
    form = CsrfForm()
    if request.method == "POST":
        return _post_entry(form, attempt_id=attempt.id)
    if attempt.is_open:
        return _entry(
            case,
            attempt,
            case_service.draft_of(attempt),
            form,
            url_for("learner.case_attempt", attempt_id=attempt.id),
            url_for("learner.api_case_attempt_draft", attempt_id=attempt.id),
        )
    review = answer_review.case_review(attempt, ai, now())  # the key to show (a regraded answer: the new one)
    keys_shown = assignment_service.keys_shown(attempt, now())
    # the MS-DRG the learner's codes group to beside the key's: only once the key may be shown
    drg = drg_service.attempt_comparison(ai, review.regrade.new_version if review.regrade else None) if keys_shown else None
    return render_template(
        "learner/case_attempt.html",
        attempt=attempt,
        ai=ai,
        case=case,
        key_case=review.case,
        regrade=review.regrade,
        report=ai.response.report if ai.response is not None else None,
        keys_shown=keys_shown,
        drg=drg,
        drg_label=drg_service.GROUPER_LABEL,
        feedback_note=assignment_service.feedback_note(attempt),
        submitted=ai.response.answer if ai.response is not None else None,
        lists=case_service.entry_lists(case),
        form=form,
        item_key=case.id,  # the bank id, which never changes from version to version
        history=case_service.history(current_user, case.id),
        similar=case_service.similar_cases(case) if keys_shown and not attempt.assignment_id else [],
    )


def _back_to_editing(attempt) -> str:
    if case_service.is_own_practice(attempt):
        return url_for("learner.case", key=attempt.config["case"])
    return url_for("learner.case_attempt", attempt_id=attempt.id)


@bp.route("/cases/attempts/<int:attempt_id>/confirm")
@login_required
def case_confirm(attempt_id: int):
    """What "Grade now" will grade (the saved draft), for the form without the page's script."""
    attempt = attempt_service.get_attempt(current_user, attempt_id, "case")
    ai, case = case_service.case_of(attempt)
    attempt_service.refuse_locked(current_user, ai.item_id, now(), "case", attempt=attempt)
    if not attempt.is_open:
        return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))
    return render_template(
        "learner/case_confirm.html",
        attempt=attempt,
        case=case,
        summary=case_service.summarize(case, case_service.draft_of(attempt)),
        back_url=_back_to_editing(attempt),
        form=CsrfForm(),
    )


@bp.route("/cases/attempts/<int:attempt_id>/grade", methods=["POST"])
@login_required
def case_grade(attempt_id: int):
    """Grade the saved draft (the confirmation page's "Grade now"): exactly once."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        case_service.grade_draft(current_user, now(), attempt_id=attempt_id)
    except ServiceError as exc:
        flash_refusal(exc)
    return redirect(url_for("learner.case_attempt", attempt_id=attempt_id))


# ------------------------------------------------------------------ JSON for the case page's script
def _draft_json(*, key: str | None = None, attempt_id: int | None = None):
    """Autosave the entry rows (the form's fields as JSON). Refused (400/413) before anything is
    stored when malformed; 409 once the attempt is graded (the app's handler answers refusals)."""
    try:
        rows = case_draft_from_json(request.mimetype, request.stream.read(MAX_ANSWER_BYTES + 1))
    except BadAnswer as exc:
        return jsonify(error=str(exc)), exc.status
    attempt = case_service.save_draft(current_user, now(), rows, key=key, attempt_id=attempt_id)
    return jsonify(saved=True, attempt_id=attempt.id, confirm_url=url_for("learner.case_confirm", attempt_id=attempt.id))


@bp.route("/api/cases/<key>/draft", methods=["POST"])
@login_required
def api_case_draft(key: str):
    return _draft_json(key=key)


@bp.route("/api/cases/attempts/<int:attempt_id>/draft", methods=["POST"])
@login_required
def api_case_attempt_draft(attempt_id: int):
    return _draft_json(attempt_id=attempt_id)
