"""Learner routes: practice sets. Thin: validate, call one service, render or redirect."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import flash_refusal, render_error, show_on_form
from study.forms import CsrfForm
from study.learner import bp, now
from study.learner.forms import BadAnswer, ReportProblemForm, StartPracticeForm, case_lists_from_form, seconds_taken
from study.services import ServiceError, answer_review, catalog
from study.services import assignments as assignment_service
from study.services import attempts as attempt_service
from study.services import practice as practice_service


@bp.route("/practice", methods=["GET", "POST"])
@login_required
def practice_new():
    # a GET with arguments (links such as "practise this section") fills the form from the URL
    form = StartPracticeForm(formdata=request.args) if request.method == "GET" and request.args else StartPracticeForm()
    form.topics.choices = [(t.key, t.title) for t in catalog.topics()]
    if request.method == "GET" and request.args.get("topic"):
        form.topics.data = request.args.getlist("topic")
    if request.method == "POST" and form.validate_on_submit():
        choice = practice_service.PracticeChoice(
            exam=form.exam.data or None,
            topics=form.topics.data or [],
            difficulty=form.difficulty.data or None,
            size=form.size.data,
            mode=form.mode.data,
            kind=form.kind.data or "mcq",
        )
        try:
            attempt = practice_service.start_practice(current_user, choice, now())
        except ServiceError as exc:
            show_on_form(form, exc, "mode")
        else:
            return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=1))
    due = practice_service.due_count(current_user, now())
    if request.method == "GET" and form.mode.data == "due" and "size" not in request.args:
        form.size.data = max(1, min(due, practice_service.MAX_SIZE))  # the whole queue the count promises
    return render_template("learner/practice_new.html", form=form, due=due), 400 if form.errors else 200


@bp.route("/practice/<int:attempt_id>")
@login_required
def practice(attempt_id: int):
    attempt = attempt_service.get_attempt(current_user, attempt_id, "practice")
    position = practice_service.current_position(attempt)
    if position is None or not attempt.is_open:
        return redirect(url_for("learner.practice_summary", attempt_id=attempt.id))
    return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=position))


@bp.route("/practice/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@login_required
def practice_question(attempt_id: int, position: int):
    attempt = attempt_service.get_attempt(current_user, attempt_id, "practice")
    ai = attempt_service.get_attempt_item(attempt, position)
    # no question, feedback or key (409) while the learner's exam or assignment holds it
    attempt_service.refuse_locked(current_user, ai.item_id, now(), attempt=attempt)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        seconds = seconds_taken(request.form.get("seconds"))
        if practice_service.is_billing(ai) and ai.response is None and request.form.get("action") != "grade-anyway":
            # the formats (NPI check digit, dates, place of service, pointers, modifiers, codes) first:
            # a typing slip is shown on its field, and nothing is recorded until the learner grades anyway
            problems = practice_service.billing_form_problems(ai, request.form)
            if problems:
                return _question_page(attempt, ai, form, values=request.form.to_dict(), problems=problems), 400
        try:
            if practice_service.is_billing(ai):  # a claim, a remittance or a scrubbed claim: the whole form
                practice_service.answer_billing(current_user, attempt.id, position, request.form.to_dict(), seconds, now())
            elif practice_service.is_case(ai):  # a due case in the review flow: the code rows
                practice_service.answer_case(current_user, attempt.id, position, case_lists_from_form(request.form), seconds, now())
            else:
                practice_service.answer(current_user, attempt.id, position, request.form.getlist("answer"), seconds, now())
        except BadAnswer as exc:
            return render_error(exc.status, str(exc))
        except ServiceError as exc:
            flash_refusal(exc)
        return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=position))
    if ai.response is None and not attempt.is_open:
        return redirect(url_for("learner.practice_summary", attempt_id=attempt.id))
    return _question_page(attempt, ai, form)


def _question_page(attempt, ai, form, *, values=None, problems=None):
    question = answer_review.practice_question(attempt, ai, now())
    right, answered = practice_service.running_score(attempt)
    return render_template(
        "learner/practice_question.html",
        billing=practice_service.billing_view(question.item, question.answer) if question.is_billing else None,
        values=values if values is not None else (question.answer or {}).get("fields", {}),
        problems=problems or {},
        attempt=attempt,
        ai=ai,
        item=question.item,
        options=question.options,
        feedback=question.feedback,
        recorded=question.recorded,
        keys_shown=question.keys_shown,
        is_case=question.is_case,
        is_billing=question.is_billing,
        case_answer=question.answer,
        regrade=question.regrade,
        feedback_note=assignment_service.feedback_note(attempt),
        form=form,
        right=right,
        answered=answered,
        next_position=practice_service.current_position(attempt),
        report_form=ReportProblemForm(attempt_item=str(ai.id)),
        place=catalog.question_place(attempt.exam, question.item.topic),
    )


@bp.route("/practice/<int:attempt_id>/end", methods=["POST"])
@login_required
def practice_end(attempt_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    practice_service.end_early(current_user, attempt_id, now())
    return redirect(url_for("learner.practice_summary", attempt_id=attempt_id))


@bp.route("/practice/<int:attempt_id>/summary")
@login_required
def practice_summary(attempt_id: int):
    attempt = attempt_service.get_attempt(current_user, attempt_id, "practice")
    right, answered = practice_service.running_score(attempt)
    keys_shown = assignment_service.keys_shown(attempt, now())
    review = practice_service.set_review(attempt) if keys_shown and not attempt.is_open else None  # by topic, retry missed
    return render_template(
        "learner/practice_summary.html",
        attempt=attempt,
        rows=answer_review.practice_summary(attempt),
        right=right,
        answered=answered,
        form=CsrfForm(),
        keys_shown=keys_shown,
        feedback_note=assignment_service.feedback_note(attempt),
        review=review,
        topic_titles={t.key: t.title for t in catalog.topics()} if review else {},
    )


@bp.route("/practice/<int:attempt_id>/retry-missed", methods=["POST"])
@login_required
def practice_retry_missed(attempt_id: int):
    """A new set of the questions missed in this one."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        attempt = practice_service.retry_missed(current_user, attempt_id, now())
    except ServiceError as exc:
        flash_refusal(exc)
        return redirect(url_for("learner.practice_summary", attempt_id=attempt_id))
    return redirect(url_for("learner.practice", attempt_id=attempt.id))
