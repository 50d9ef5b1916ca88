"""Learner views: practice sets, coding cases, exam simulations, problem reports. Thin: validate,
call one service, render or redirect."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from study.errors import render_error
from study.extensions import db, limiter
from study.learner import bp
from study.learner.forms import (
    EXAMS,
    MAX_ANSWER_BYTES,
    BadAnswer,
    CsrfForm,
    ReportProblemForm,
    StartPracticeForm,
    check_code_count,
    check_paste,
    check_rows,
    exam_answer_from_json,
    seconds_taken,
)
from study.models import Blueprint, Item, Topic
from study.security import or_abort, safe_next
from study.services import ServiceError
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import assignments as assignment_service
from study.services import exams as exam_service
from study.services import practice as practice_service


def now() -> datetime:
    return datetime.now(timezone.utc)


def _fail(exc: ServiceError):
    if exc.status in (403, 404):
        abort(exc.status)
    flash(str(exc), "error")


def _locked(attempt, item_id: int, kind: str = "mcq"):
    """The refusal page (409) for an item whose key another attempt holds, or None."""
    if attempt_service.is_locked(current_user, item_id, now(), attempt=attempt):
        return render_error(409, attempt_service.LOCKED_MESSAGE[kind])
    return None


def _seconds_taken() -> float | None:
    return seconds_taken(request.form.get("seconds"))


# ------------------------------------------------------------------ practice
@bp.route("/practice", methods=["GET", "POST"])
@login_required
def practice_new():
    # a GET with arguments (links such as "practise this section") fills the form from the URL
    form = StartPracticeForm(formdata=request.args) if request.method == "GET" and request.args else StartPracticeForm()
    topics = db.session.scalars(db.select(Topic).order_by(Topic.title)).all()
    form.topics.choices = [(t.key, t.title) for t in topics]
    if request.method == "GET" and request.args.get("topic"):
        form.topics.data = request.args.getlist("topic")
    if request.method == "POST" and form.validate_on_submit():
        choice = practice_service.PracticeChoice(
            exam=form.exam.data or None,
            topics=form.topics.data or [],
            difficulty=form.difficulty.data or None,
            size=form.size.data,
            mode=form.mode.data,
        )
        try:
            attempt = practice_service.start_practice(current_user, choice, now())
        except ServiceError as exc:
            form.mode.errors = list(form.mode.errors) + [str(exc)]
        else:
            return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=1))
    due = practice_service.due_count(current_user, now())
    return render_template("learner/practice_new.html", form=form, due=due), 400 if form.errors else 200


@bp.route("/practice/<int:attempt_id>")
@login_required
def practice(attempt_id: int):
    attempt = or_abort(attempt_service.get_attempt, current_user, attempt_id, "practice")
    position = practice_service.current_position(attempt)
    if position is None or not attempt.is_open:
        return redirect(url_for("learner.practice_summary", attempt_id=attempt.id))
    return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=position))


@bp.route("/practice/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@login_required
def practice_question(attempt_id: int, position: int):
    try:
        attempt = attempt_service.get_attempt(current_user, attempt_id, "practice")
        ai = attempt_service.get_attempt_item(attempt, position)
    except ServiceError as exc:
        abort(exc.status)
    locked = _locked(attempt, ai.item_id)
    if locked is not None:  # no question, feedback or key while the learner's exam holds it
        return locked
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            practice_service.answer(current_user, attempt.id, position, request.form.getlist("answer"), _seconds_taken(), now())
        except ServiceError as exc:
            _fail(exc)
        return redirect(url_for("learner.practice_question", attempt_id=attempt.id, position=position))
    item = attempt_service.version_item(ai)
    options = attempt_service.shown_options(ai, item)
    feedback = recorded = None
    shown = assignment_service.keys_shown(attempt, now())
    if ai.response is not None and not shown:  # an assignment whose keys wait: the choice, nothing more
        recorded = attempt_service.to_shown(ai, item, ai.response.answer["selected"])
    elif ai.response is not None:  # answered: now, and only now, the key and rationale are shown
        selected = ai.response.answer["selected"]
        feedback = {
            "correct": bool(ai.response.correct),
            "selected": attempt_service.to_shown(ai, item, selected),
            "answer": attempt_service.to_shown(ai, item, list(item.answer)),
            "why_not": {o.letter: item.why_not_map.get(o.original) for o in options},
        }
    elif not attempt.is_open:
        return redirect(url_for("learner.practice_summary", attempt_id=attempt.id))
    right, answered = practice_service.running_score(attempt)
    next_position = practice_service.current_position(attempt)
    return render_template(
        "learner/practice_question.html",
        attempt=attempt,
        ai=ai,
        item=item,
        options=options,
        feedback=feedback,
        recorded=recorded,
        keys_shown=shown,
        feedback_note=assignment_service.feedback_note(attempt),
        form=form,
        right=right,
        answered=answered,
        next_position=next_position,
        report_form=ReportProblemForm(attempt_item=str(ai.id)),
    )


@bp.route("/practice/<int:attempt_id>/end", methods=["POST"])
@login_required
def practice_end(attempt_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    or_abort(practice_service.end_early, current_user, attempt_id, now())
    return redirect(url_for("learner.practice_summary", attempt_id=attempt_id))


@bp.route("/practice/<int:attempt_id>/summary")
@login_required
def practice_summary(attempt_id: int):
    attempt = or_abort(attempt_service.get_attempt, current_user, attempt_id, "practice")
    rows = []
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        rows.append({"ai": ai, "item": item, "answered": ai.response is not None, "correct": bool(ai.response and ai.response.correct)})
    right, answered = practice_service.running_score(attempt)
    return render_template(
        "learner/practice_summary.html", attempt=attempt, rows=rows, right=right, answered=answered, form=CsrfForm(),
        keys_shown=assignment_service.keys_shown(attempt, now()), feedback_note=assignment_service.feedback_note(attempt),
    )


# ------------------------------------------------------------------ problem reports
@bp.route("/items/<key>/report", methods=["GET", "POST"])
@login_required
def report_problem(key: str):
    or_abort(attempt_service.reportable_item, current_user, key)
    form = ReportProblemForm()
    if form.validate_on_submit():
        attempt_item = int(form.attempt_item.data) if (form.attempt_item.data or "").isdigit() else None
        try:
            attempt_service.report_problem(current_user, key, form.kind.data, form.comment.data or "", attempt_item)
        except ServiceError as exc:
            if exc.status in (403, 404):
                abort(exc.status)
            form.kind.errors = list(form.kind.errors) + [str(exc)]
        else:
            flash("Thank you: your report went to the instructors.", "success")
            return redirect(safe_next(request.form.get("back")) or url_for("main.home"))
    return render_template("learner/report_problem.html", form=form, key=key), 400 if form.errors else 200


# ------------------------------------------------------------------ coding cases
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
    try:
        attempt = case_service.start_case(current_user, key, now())
    except ServiceError as exc:
        if exc.status == 409:
            return render_error(409, str(exc))
        abort(exc.status)
    return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))


def _field(name: str) -> list[str]:
    values = request.form.getlist(name)
    check_rows(values)
    return values


def _rows(name: str) -> list[str]:
    return [v.strip() for v in _field(name) if v.strip()]


def case_lists_from_form() -> dict:
    """Rows of the entry form, or the paste-a-list text format of the spec (either works).
    BadAnswer (400/413) for more codes or text than an answer holds, checked before parsing."""
    from study.codes.normalize import parse_diagnoses, parse_pcs, parse_procedures

    pasted = {k: request.form.get(f"paste_{k}", "") for k in ("dx", "px", "pcs")}
    counts = {k: check_paste(text) for k, text in pasted.items()}
    diagnoses, pcs = _rows("dx"), _rows("pcs")
    codes, mods, units = _field("px"), _field("px_mod"), _field("px_units")
    for name, rows in (("dx", diagnoses), ("px", [c for c in codes if c.strip()]), ("pcs", pcs)):
        check_code_count(len(rows) + counts[name])
    procedures = []
    for i, code in enumerate(codes):
        code = code.strip()
        if not code:
            continue
        text = code
        modifiers = [m for m in (mods[i] if i < len(mods) else "").replace(",", " ").replace("-", " ").split() if m]
        if modifiers:
            text += "".join(f"-{m}" for m in modifiers)
        unit = (units[i] if i < len(units) else "").strip()
        if unit and unit != "1":
            text += f"x{unit}"
        procedures.append(text)
    if pasted["dx"].strip():
        diagnoses += list(parse_diagnoses(pasted["dx"]))
    if pasted["px"].strip():
        procedures += [p.raw for p in parse_procedures(pasted["px"])]
    if pasted["pcs"].strip():
        pcs += list(parse_pcs(pasted["pcs"]))
    return {"diagnoses": diagnoses, "procedures": procedures, "pcs": pcs}


@bp.route("/cases/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def case_attempt(attempt_id: int):
    attempt = or_abort(attempt_service.get_attempt, current_user, attempt_id, "case")
    ai, case = case_service.case_of(attempt)
    locked = _locked(attempt, ai.item_id, "case")
    if locked is not None:  # neither grading nor the key while the learner's exam holds the case
        return locked
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            lists = case_lists_from_form()
        except BadAnswer as exc:
            return render_error(exc.status, str(exc))
        try:
            case_service.submit_case(current_user, attempt.id, lists, now(), _seconds_taken())
        except ServiceError as exc:
            _fail(exc)
        return redirect(url_for("learner.case_attempt", attempt_id=attempt.id))
    report = ai.response.report if ai.response is not None else None
    key = db.session.get(Item, ai.item_id).key
    return render_template(
        "learner/case_attempt.html",
        attempt=attempt,
        ai=ai,
        case=case,
        report=report,
        keys_shown=assignment_service.keys_shown(attempt, now()),
        feedback_note=assignment_service.feedback_note(attempt),
        submitted=ai.response.answer if ai.response is not None else None,
        form=form,
        item_key=key,
        history=case_service.history(current_user, key),
    )


# ------------------------------------------------------------------ exams
@bp.route("/exams")
@login_required
def exams():
    blueprints = db.session.scalars(db.select(Blueprint).order_by(Blueprint.exam)).all()
    return render_template("learner/exams.html", blueprints=blueprints)


def _learner_key() -> str:
    """Rate limits per learner (whatever address they come from); per address before sign-in."""
    from flask_limiter.util import get_remote_address

    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.route("/exams/<exam>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EXAM_START_LIMIT"], methods=["POST"], key_func=_learner_key)
@login_required
def exam_start(exam: str):
    if exam not in EXAMS and db.session.get(Blueprint, exam) is None:
        abort(404)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            attempt = exam_service.start_exam(current_user, exam, now())
        except ServiceError as exc:
            _fail(exc)
            return redirect(url_for("learner.exam_start", exam=exam))
        return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=1))
    try:
        blueprint = exam_service.get_blueprint(exam)
    except ServiceError:
        abort(404)
    plans = exam_service.plan_exam(current_user, exam)
    return render_template("learner/exam_start.html", blueprint=blueprint, plans=plans, form=form)


def _examor_abort(attempt_id: int):
    try:
        return exam_service.open_exam(current_user, attempt_id, now())
    except ServiceError as exc:
        abort(exc.status)


@bp.route("/exams/attempts/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@login_required
def exam_question(attempt_id: int, position: int):
    attempt = _examor_abort(attempt_id)
    if not attempt.is_open:
        if attempt.auto_submitted:
            flash("Time is up: your exam was submitted automatically with the answers saved before the deadline.", "warning")
        return redirect(url_for("learner.exam_result", attempt_id=attempt.id))
    try:
        ai = attempt_service.get_attempt_item(attempt, position)
    except ServiceError:
        abort(404)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "save")
        try:
            item = attempt_service.version_item(ai)
            if item.type == "case":
                try:
                    lists = case_lists_from_form()
                except BadAnswer as exc:
                    return render_error(exc.status, str(exc))
                if any(lists.values()):
                    exam_service.save_answer(current_user, attempt.id, position, now(), case=lists)
            elif request.form.getlist("answer"):
                exam_service.save_answer(current_user, attempt.id, position, now(), letters=request.form.getlist("answer"))
            if "flag" in request.form:  # a hidden "0" then the checkbox's "1": any "1" means flagged
                exam_service.set_flag(current_user, attempt.id, position, "1" in request.form.getlist("flag"), now())
        except ServiceError as exc:
            _fail(exc)
            return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=position))
        targets = {
            "next": min(position + 1, len(attempt.items)),
            "prev": max(position - 1, 1),
        }
        if action == "review":
            return redirect(url_for("learner.exam_review", attempt_id=attempt.id))
        if action.startswith("go-") and action[3:].isdigit():
            return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=int(action[3:])))
        return redirect(url_for("learner.exam_question", attempt_id=attempt.id, position=targets.get(action, position)))
    item = attempt_service.version_item(ai)
    options = attempt_service.shown_options(ai, item) if item.type == "mcq" else []
    selected = []
    if ai.response is not None and item.type == "mcq":
        selected = attempt_service.to_shown(ai, item, ai.response.answer.get("selected", []))
    return render_template(
        "learner/exam_question.html",
        attempt=attempt,
        ai=ai,
        item=item,
        options=options,
        selected=selected,
        case_answer=ai.response.answer if ai.response is not None and item.type == "case" else None,
        form=form,
        seconds_left=exam_service.seconds_left(attempt, now()),
        config=attempt.config,
    )


@bp.route("/exams/attempts/<int:attempt_id>/review")
@login_required
def exam_review(attempt_id: int):
    attempt = _examor_abort(attempt_id)
    if not attempt.is_open:
        return redirect(url_for("learner.exam_result", attempt_id=attempt.id))
    unanswered = [ai for ai in attempt.items if ai.response is None]
    flagged = [ai for ai in attempt.items if ai.flagged]
    return render_template(
        "learner/exam_review.html",
        attempt=attempt,
        unanswered=unanswered,
        flagged=flagged,
        form=CsrfForm(),
        seconds_left=exam_service.seconds_left(attempt, now()),
        config=attempt.config,
    )


@bp.route("/exams/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def exam_submit(attempt_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    or_abort(exam_service.submit, current_user, attempt_id, now())
    return redirect(url_for("learner.exam_result", attempt_id=attempt_id))


@bp.route("/exams/attempts/<int:attempt_id>/result")
@login_required
def exam_result(attempt_id: int):
    attempt = _examor_abort(attempt_id)
    if attempt.is_open:
        return redirect(url_for("learner.exam_review", attempt_id=attempt.id))
    report = exam_service.result(attempt)
    # an item this learner's open exam drew again keeps its key until that exam ends
    locked = set(db.session.scalars(attempt_service.locked_item_ids(current_user, now(), attempt=attempt)))
    review = []
    shown = assignment_service.keys_shown(attempt, now())
    for ai in attempt.items if shown else []:
        item = attempt_service.version_item(ai)
        entry = {"ai": ai, "item": item, "locked": ai.item_id in locked}
        if entry["locked"]:
            entry["message"] = attempt_service.LOCKED_MESSAGE[item.type]
        elif item.type == "mcq":
            entry["options"] = attempt_service.shown_options(ai, item)
            entry["answer"] = attempt_service.to_shown(ai, item, list(item.answer))
            entry["selected"] = attempt_service.to_shown(ai, item, ai.response.answer.get("selected", [])) if ai.response else []
        else:
            entry["report"] = ai.response.report if ai.response else None
        review.append(entry)
    return render_template(
        "learner/exam_result.html", report=report, review=review, keys_shown=shown, feedback_note=assignment_service.feedback_note(attempt)
    )


# ------------------------------------------------------------------ JSON for the exam page's script
@bp.route("/api/exams/<int:attempt_id>/answers", methods=["POST"])
@login_required
def api_exam_answer(attempt_id: int):
    """Autosave one answer or flag: {"position": n, "letters": [...]} or {"position": n, "case":
    {...}}, and/or "flag": true/false. Anything else is refused (400/413) and changes nothing."""
    try:
        # read no more than an answer can hold (the parser is told it was too large)
        answer = exam_answer_from_json(request.mimetype, request.stream.read(MAX_ANSWER_BYTES + 1))
    except BadAnswer as exc:
        return jsonify(error=str(exc)), exc.status
    try:
        if answer.flag is not None:
            exam_service.set_flag(current_user, attempt_id, answer.position, answer.flag, now())
        if answer.letters is not None:
            exam_service.save_answer(current_user, attempt_id, answer.position, now(), letters=answer.letters)
        elif answer.case is not None:
            exam_service.save_answer(current_user, attempt_id, answer.position, now(), case=answer.case)
    except ServiceError as exc:
        return jsonify(error=str(exc)), exc.status
    attempt = exam_service.open_exam(current_user, attempt_id, now())
    return jsonify(saved=True, seconds_left=exam_service.seconds_left(attempt, now()), answered=sum(1 for ai in attempt.items if ai.response))


@bp.route("/api/exams/<int:attempt_id>/clock")
@login_required
def api_exam_clock(attempt_id: int):
    attempt = _examor_abort(attempt_id)
    return jsonify(open=attempt.is_open, seconds_left=exam_service.seconds_left(attempt, now()) if attempt.is_open else 0)


def _json_dumps(value) -> str:
    return json.dumps(value)


# ------------------------------------------------------------------ progress dashboard
@bp.route("/progress")
@login_required
def progress():
    return _render_dashboard(current_user)


@bp.route("/progress/learners/<int:user_id>")
@login_required
def learner_progress(user_id: int):
    """An administrator may look at any learner's dashboard; a learner only at their own (/progress)."""
    if user_id == current_user.id:
        return redirect(url_for("learner.progress", **request.args))
    if not current_user.is_admin:
        abort(403)
    from study.services import users as user_service

    learner = user_service.get_user(user_id)
    if learner is None:
        abort(404)
    return _render_dashboard(learner)


def _render_dashboard(learner):
    from study.services import progress as progress_service

    exam = request.args.get("exam", "CPC")
    board = or_abort(progress_service.dashboard, learner, exam, now())
    return render_template(
        "learner/progress.html", board=board, learner=learner, error_kinds=progress_service.ERROR_KINDS, csrf_form=CsrfForm()
    )


@bp.route("/account/data.<fmt>")
@login_required
def download_data(fmt: str):
    import csv
    import io

    from flask import Response as FlaskResponse

    from study.services import progress as progress_service

    data = progress_service.export_data(current_user, now())
    if fmt == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False)
        return FlaskResponse(body, mimetype="application/json", headers={"Content-Disposition": "attachment; filename=codeprep-data.json"})
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["attempt_id", "kind", "exam", "position", "item", "answer", "correct", "score", "seconds", "answered_at"])
        for a in data["answers"]:
            writer.writerow([a["attempt_id"], a["kind"], a["exam"], a["position"], a["item"], json.dumps(a["answer"]), a["correct"], a["score"], a["seconds"], a["answered_at"]])
        return FlaskResponse(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=codeprep-answers.csv"})
    abort(404)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    from flask_login import logout_user
    from werkzeug.security import check_password_hash

    from study.services import progress as progress_service

    form = CsrfForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not check_password_hash(current_user.password_hash, request.form.get("password", "")):
            error = "The password is not right: nothing was deleted."
        else:
            user = current_user._get_current_object()
            logout_user()
            progress_service.delete_account(user)
            flash("Your account and all your data have been deleted.", "success")
            return redirect(url_for("main.home"))
    return render_template("learner/delete_account.html", form=form, error=error), 400 if error else 200
