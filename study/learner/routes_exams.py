"""Learner routes: exam simulations, and the JSON the exam page's script sends and polls. Thin:
validate, call one service, render or redirect."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.bank.model import McqItem
from study.errors import flash_refusal, render_error
from study.extensions import limiter
from study.forms import CsrfForm
from study.kinds import AttemptStatus, ItemType
from study.learner import bp, now
from study.learner.forms import MAX_ANSWER_BYTES, BadAnswer, case_lists_from_form, exam_answer_from_json
from study.services import ServiceError, answer_review, catalog
from study.services import assignments as assignment_service
from study.services import attempts as attempt_service
from study.services import exams as exam_service
from study.services import practice as practice_service


def _tolerance() -> timedelta:
    """The grace after an exam's deadline for answers still on their way (EXAM_TOLERANCE_SECONDS)."""
    return timedelta(seconds=current_app.config["EXAM_TOLERANCE_SECONDS"])


@bp.route("/exams")
@login_required
def exams():
    running = exam_service.open_own_exams(current_user, now(), tolerance=_tolerance())
    return render_template("learner/exams.html", blueprints=catalog.blueprints(), open_exams=running)


def _learner_key() -> str:
    """Rate limits per learner (whatever address they come from); per address before sign-in."""
    from flask_limiter.util import get_remote_address

    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.route("/exams/<exam>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EXAM_START_LIMIT"], methods=["POST"], key_func=_learner_key)
@login_required
def exam_start(exam: str):
    blueprint = exam_service.get_blueprint(exam)  # 404 for an exam without a blueprint
    form = CsrfForm()
    running = exam_service.open_own_exam(current_user, exam, now(), tolerance=_tolerance())
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if running is not None:  # never a second clock: the page offers to resume or abandon it
            flash(f"Your {exam} exam is still open ({running.time_left} left): resume it, or abandon it to start another.", "warning")
            return redirect(url_for("learner.exam_start", exam=exam))
        try:
            attempt = exam_service.start_exam(current_user, exam, now())
        except ServiceError as exc:
            flash_refusal(exc)
            return redirect(url_for("learner.exam_start", exam=exam))
        return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=1))
    plans = exam_service.plan_exam(current_user, exam) if running is None else []
    return render_template("learner/exam_start.html", blueprint=blueprint, plans=plans, form=form, running=running)


FLAG_ACTIONS = {"flag": True, "unflag": False}


def _save_from_form(attempt, ai, position: int, action: str) -> str:
    """Save what the question page's form holds, in one transaction: the answer (letters, or a
    case's code lists) and, for the flag toggle's own button, the flag it sets. What was done, as
    the page says it ("Answer saved. Flagged for review."), or "" when nothing was sent to save.
    BadAnswer for a case answer too large to take."""
    item = attempt_service.version_item(ai)
    letters, case = None, None
    if item.type == ItemType.CASE:
        case = case_lists_from_form(request.form)  # every row cleared clears the saved answer (save_answer)
    elif request.form.getlist("answer"):
        letters = request.form.getlist("answer")
    flag = FLAG_ACTIONS.get(action)
    had_answer = ai.response is not None  # read before the save's commit expires it
    if letters is None and case is None and flag is None:
        return ""
    exam_service.save(current_user, attempt.id, position, now(), letters=letters, case=case, flag=flag, tolerance=_tolerance())
    done = []
    if letters or (case is not None and any(case.values())):
        done.append("Answer saved.")
    elif case is not None and had_answer:
        done.append("Answer cleared.")
    if flag is not None:
        done.append("Flagged for review." if flag else "Flag removed.")
    return " ".join(done)


def _next_position(action: str, position: int, count: int) -> int:
    if action.startswith("go-") and action[3:].isdigit():
        return int(action[3:])
    return {"next": min(position + 1, count), "prev": max(position - 1, 1)}.get(action, position)


@bp.route("/exams/attempts/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@login_required
def exam_question(attempt_id: int, position: int):
    attempt = exam_service.open_exam(current_user, attempt_id, now(), tolerance=_tolerance())
    if not attempt.is_open:
        if attempt.auto_submitted:
            flash("Time is up: your exam was submitted automatically with the answers saved before the deadline.", "warning")
        return redirect(url_for("learner.exam_result", attempt_id=attempt.id))
    ai = attempt_service.get_attempt_item(attempt, position)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "save")
        target = _next_position(action, position, len(attempt.items))  # read before the save's commit expires the attempt
        try:
            done = _save_from_form(attempt, ai, position, action)
        except BadAnswer as exc:
            return render_error(exc.status, str(exc))
        except ServiceError as exc:
            flash_refusal(exc)
            return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=position))
        # attempt_id, not attempt.id: the save's commit expired the attempt (no reload for a redirect)
        if action == "review":
            return redirect(url_for("learner.exam_review", attempt_id=attempt_id))
        if action == "submit":  # the exam header's submit: to the review page's confirmation, never straight in
            return redirect(url_for("learner.exam_review", attempt_id=attempt_id, _anchor="submit-exam"))
        if action in FLAG_ACTIONS:  # the toggle without JavaScript: back to the question, saying what was done
            flash(done, "success")
        return redirect(url_for("learner.exam_question", attempt_id=attempt_id, position=target))
    item = attempt_service.version_item(ai)
    options = attempt_service.shown_options(ai, item) if isinstance(item, McqItem) else []
    selected = []
    if ai.response is not None and isinstance(item, McqItem):
        selected = attempt_service.to_shown(ai, item, ai.response.answer.get("selected", []))
    return render_template(
        "learner/exam_question.html",
        attempt=attempt,
        ai=ai,
        item=item,
        options=options,
        selected=selected,
        case_answer=ai.response.answer if ai.response is not None and item.type == ItemType.CASE else None,
        form=form,
        seconds_left=exam_service.seconds_left(attempt, now()),
        config=attempt.config,
    )


@bp.route("/exams/attempts/<int:attempt_id>/review")
@login_required
def exam_review(attempt_id: int):
    attempt = exam_service.open_exam(current_user, attempt_id, now(), tolerance=_tolerance())
    if not attempt.is_open:
        return redirect(url_for("learner.exam_result", attempt_id=attempt.id))
    return render_template(
        "learner/exam_review.html",
        attempt=attempt,
        unanswered=[ai for ai in attempt.items if ai.response is None],
        flagged=[ai for ai in attempt.items if ai.flagged],
        form=CsrfForm(),
        seconds_left=exam_service.seconds_left(attempt, now()),
        config=attempt.config,
    )


@bp.route("/exams/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def exam_submit(attempt_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    exam_service.submit(current_user, attempt_id, now(), tolerance=_tolerance())
    return redirect(url_for("learner.exam_result", attempt_id=attempt_id))


@bp.route("/exams/attempts/<int:attempt_id>/abandon", methods=["GET", "POST"])
@login_required
def exam_abandon(attempt_id: int):
    """Abandon one's own open exam: a confirmation page, then a POST (works without JavaScript)."""
    attempt = exam_service.open_exam(current_user, attempt_id, now(), tolerance=_tolerance())
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            exam_service.abandon(current_user, attempt_id, now(), tolerance=_tolerance())
        except ServiceError as exc:
            flash_refusal(exc)
            return redirect(url_for("learner.exam_result", attempt_id=attempt_id))
        flash(f"Your {attempt.exam} exam was abandoned: it was not scored and counts nowhere.", "success")
        return redirect(url_for("learner.exams"))
    if not attempt.is_open:
        return redirect(url_for("learner.exam_result", attempt_id=attempt.id))
    return render_template(
        "learner/exam_abandon.html",
        attempt=attempt,
        form=form,
        refusal=exam_service.ASSIGNMENT_NOT_ABANDONED if attempt.assignment_id is not None else None,
        time_left=exam_service.time_left_text(exam_service.seconds_left(attempt, now())),
        answered=exam_service.answered_count(attempt),
        seconds_left=exam_service.seconds_left(attempt, now()),  # the exam header: still in the exam
        config=attempt.config,
    )


@bp.route("/exams/attempts/<int:attempt_id>/result")
@login_required
def exam_result(attempt_id: int):
    attempt = exam_service.open_exam(current_user, attempt_id, now(), tolerance=_tolerance())
    if attempt.is_open:
        return redirect(url_for("learner.exam_review", attempt_id=attempt.id))
    if attempt.status == AttemptStatus.ABANDONED:
        return render_template("learner/exam_abandoned.html", attempt=attempt)
    review, shown = answer_review.exam_review(current_user, attempt, now())
    counts = answer_review.review_counts(review)
    show = request.args.get("show")
    if show not in answer_review.REVIEW_FILTERS:
        show = "missed" if counts["missed"] else "all"
    return render_template(
        "learner/exam_result.html",
        report=exam_service.result(attempt),
        review=answer_review.filter_review(review, show),
        counts=counts,
        show=show,
        filters=answer_review.REVIEW_FILTERS,
        keys_shown=shown,
        feedback_note=assignment_service.feedback_note(attempt),
        earlier=exam_service.earlier_results(current_user, attempt),
        form=CsrfForm(),
    )


@bp.route("/exams/attempts/<int:attempt_id>/retry-missed", methods=["POST"])
@login_required
def exam_retry_missed(attempt_id: int):
    """A practice set of the questions missed in this exam."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        attempt = practice_service.retry_missed(current_user, attempt_id, now(), kind="exam")
    except ServiceError as exc:
        flash_refusal(exc)
        return redirect(url_for("learner.exam_result", attempt_id=attempt_id))
    return redirect(url_for("learner.practice", attempt_id=attempt.id))


# ------------------------------------------------------------------ JSON for the exam page's script
@bp.route("/api/exams/<int:attempt_id>/answers", methods=["POST"])
@login_required
def api_exam_answer(attempt_id: int):
    """Autosave one answer or flag: {"position": n, "letters": [...]} or {"position": n, "case":
    {...}}, and/or "flag": true/false. Anything else is refused (400/413) and changes nothing; a
    service's refusal answers {"error": message} with its status (the app's handler)."""
    try:
        # read no more than an answer can hold (the parser is told it was too large)
        answer = exam_answer_from_json(request.mimetype, request.stream.read(MAX_ANSWER_BYTES + 1))
    except BadAnswer as exc:
        return jsonify(error=str(exc)), exc.status
    saved = exam_service.save(
        current_user,
        attempt_id,
        answer.position,
        now(),
        letters=answer.letters,
        case=answer.case,
        flag=answer.flag,
        tolerance=_tolerance(),
    )
    return jsonify(saved=True, seconds_left=saved.seconds_left, answered=saved.answered)


@bp.route("/api/exams/<int:attempt_id>/clock")
@login_required
def api_exam_clock(attempt_id: int):
    attempt = exam_service.open_exam(current_user, attempt_id, now(), tolerance=_tolerance())
    return jsonify(open=attempt.is_open, seconds_left=exam_service.seconds_left(attempt, now()) if attempt.is_open else 0)
