"""Instructor routes: authoring items in the browser (see study/services/authoring.py).

Thin views: the service builds, validates (the bank's rules), saves and checks ownership."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from study.bank import forms as item_forms
from study.bank.model import BillingItem, McqItem
from study.forms import CsrfForm
from study.grading.mcq import McqResult
from study.grading.results import GradeReport
from study.instructor import bp
from study.instructor.forms_items import FORMS, SPEC_HELP, TryCaseForm, TryMcqForm
from study.instructor.routes_analysis import min_responses
from study.kinds import ItemStatus
from study.models import Role
from study.security import role_required
from study.services import authoring, item_analysis

STATUSES = ("draft", "published", "retired")
#: what the editor calls each item type ("New ...")
KIND_NAMES = {
    "mcq": "multiple-choice question",
    "case": "coding case",
    "claim": "claim exercise (CMS-1500)",
    "remittance": "remittance exercise (ERA/EOB)",
    "scrubber": "claim scrubber exercise",
}


def _form_values(form) -> dict:
    return {name: f.data for name, f in form._fields.items() if name not in ("csrf_token", "save", "preview")}


def _item_form(kind: str, data=None):
    form = FORMS[kind](data=data) if data is not None else FORMS[kind]()
    form.set_choices(authoring.exam_choices(), authoring.topic_choices())
    return form


def _show_problems(form, draft_or_exc) -> list[str]:
    """Put the service's problems next to their fields; return the ones that belong to none."""
    general = list(getattr(draft_or_exc, "general", []))
    for name, messages in getattr(draft_or_exc, "errors", {}).items():
        if name in form._fields:
            form[name].errors = list(form[name].errors or []) + list(messages)
        else:
            general.extend(messages)
    return general


def _report_id() -> int | None:
    """The problem report the editor was opened from (?report=<id>): saving goes back to it."""
    return request.args.get("report", type=int)


def _editor(kind, form, *, item=None, general=None, draft=None, preview=None, status=200):
    return (
        render_template(
            "instructor/items/edit.html",
            report_id=_report_id(),
            kind=kind,
            form=form,
            item=item,
            general=general or [],
            warnings=(draft.warnings if draft is not None else {}),
            preview=preview,
            billing=authoring.billing_view(preview),
            kind_name=KIND_NAMES[kind],
            spec_help=SPEC_HELP.get(kind, ""),
            status_form=CsrfForm(),
            markdown_fields=item_forms.MARKDOWN_FIELDS[kind],
            letters=item_forms.LETTERS,
            versions=authoring.version_count(item) if item is not None else 0,
        ),
        status,
    )


@bp.route("/items")
@role_required(Role.INSTRUCTOR)
def items():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    listed = authoring.list_items(current_user, status)
    suspects = item_analysis.suspects_in_exams(current_user, listed, min_responses())
    return render_template("instructor/items/list.html", items=listed, suspects=suspects, status=status, statuses=STATUSES)


@bp.route("/items/new/<kind>", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def item_new(kind: str):
    if kind not in FORMS:
        abort(404)
    form = _item_form(kind)
    if request.method == "GET":
        if kind == "mcq":
            form.answer.data = []
        if kind in item_forms.BILLING_KINDS:  # a small valid exercise to start from
            form.spec.data = item_forms.SPEC_TEMPLATES[kind]
            form.exams.data = ["CPB"]
        return _editor(kind, form)
    if not form.validate_on_submit():
        return _editor(kind, form, status=400)
    draft = authoring.check_form(kind, _form_values(form))
    if form.preview.data:
        return _editor(kind, form, draft=draft, preview=draft.item, general=_show_problems(form, draft))
    try:
        item = authoring.create_item(current_user, kind, _form_values(form))
    except authoring.ItemInvalid as exc:
        return _editor(kind, form, draft=draft, general=_show_problems(form, exc), status=400)
    flash(f"Saved {item.key} as a draft.", "success")
    return redirect(url_for("instructor.item_edit", item_id=item.id))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def item_edit(item_id: int):
    item = authoring.get_editable(current_user, item_id)
    kind = item.type
    if request.method == "GET":
        data = authoring.form_data(item)
        form = _item_form(kind, data=data)
        draft = authoring.check_form(kind, data, item=item)
        return _editor(kind, form, item=item, draft=draft)
    form = _item_form(kind)
    form.item_id.data = item.key
    if not form.validate_on_submit():
        return _editor(kind, form, item=item, status=400)
    draft = authoring.check_form(kind, _form_values(form), item=item)
    if form.preview.data:
        return _editor(kind, form, item=item, draft=draft, preview=draft.item, general=_show_problems(form, draft))
    try:
        item, outcome = authoring.update_item(current_user, item.id, _form_values(form))
    except authoring.ItemInvalid as exc:
        return _editor(kind, form, item=item, draft=draft, general=_show_problems(form, exc), status=400)
    flash(
        "Saved: learners now see a new version (past attempts keep theirs)."
        if outcome == "new_version" and item.status == ItemStatus.PUBLISHED
        else "Saved.",
        "success",
    )
    report_id = _report_id()
    if report_id is not None:  # opened from a problem report: back to it, to regrade and resolve
        return redirect(url_for("instructor.report", report_id=report_id, _anchor="regrade-resolve"))
    return redirect(url_for("instructor.item_edit", item_id=item.id))


@bp.route("/items/<int:item_id>/status", methods=["POST"])
@role_required(Role.INSTRUCTOR)
def item_status(item_id: int):
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    change = {"publish": authoring.publish_item, "retire": authoring.retire_item, "draft": authoring.to_draft}.get(action)
    if change is None:
        abort(400)
    try:
        item = change(current_user, item_id)
    except authoring.ItemInvalid as exc:
        flash("The item cannot be published yet: " + "; ".join([m for ms in exc.errors.values() for m in ms] + exc.general), "error")
        return redirect(url_for("instructor.item_edit", item_id=item_id, report=_report_id()))
    flash(
        {
            "publish": "Published: learners can now get this item.",
            "retire": "Retired: learners no longer get this item.",
            "draft": "Back to draft.",
        }[action],
        "success",
    )
    report_id = _report_id()
    if report_id is not None and action == "publish":  # opened from a problem report: back to it
        return redirect(url_for("instructor.report", report_id=report_id, _anchor="regrade-resolve"))
    return redirect(url_for("instructor.item_edit", item_id=item.id, report=report_id))


@bp.route("/items/<int:item_id>/try", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def item_try(item_id: int):
    """Answer the saved item as a learner would and see the grade (nothing is recorded)."""
    item = authoring.get_editable(current_user, item_id)
    parsed = authoring.current(item)
    if isinstance(parsed, BillingItem):
        return _try_billing(item, parsed)
    result: McqResult | GradeReport | None = None
    if isinstance(parsed, McqItem):
        form = TryMcqForm()
        form.selected.choices = [SelectChoice(o.letter, f"{o.letter}. {o.text}") for o in parsed.options]
        if form.validate_on_submit():
            result = authoring.try_mcq(parsed, form.selected.data or [])
    else:
        form = TryCaseForm()
        if form.validate_on_submit():
            result = authoring.try_case(parsed, form.dx.data or "", form.px.data or "", form.pcs.data or "")
    if request.method == "POST" and result is None:
        abort(400)
    return render_template("instructor/items/try.html", item=item, parsed=parsed, form=form, result=result)


@bp.route("/items/preview", methods=["POST"])
@role_required(Role.INSTRUCTOR)
def item_preview():
    """The preview panel as an HTML fragment (the editor's script posts the form, CSRF header)."""
    kind = request.form.get("kind")
    if kind not in FORMS:
        abort(400)
    values = {
        name: (request.form.getlist(name) if name in ("exams", "answer") else request.form.get(name, ""))
        for name in item_forms.fields_of(kind)
    }
    draft = item_forms.item_from_form(kind, values, item_id=values.get("item_id") or "preview")
    warnings = item_forms.identifier_warnings(draft.item) if kind == "case" else []
    return render_template(
        "instructor/items/_preview.html", preview=draft.item, kind=kind, warnings=warnings, billing=authoring.billing_view(draft.item)
    )


def _try_billing(item, parsed: BillingItem):
    """A billing exercise's work form (a claim starts filled with the key), graded with the
    exercise's grader and shown with the learner's report; nothing is recorded."""
    form = CsrfForm()
    report = None
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {k: v for k, v in request.form.to_dict().items() if k != "csrf_token"}
        report, problems = authoring.try_billing(parsed, values)
    else:
        values = authoring.billing_try_values(parsed)
    return render_template(
        "instructor/items/try.html",
        item=item,
        parsed=parsed,
        form=form,
        result=None,
        billing=authoring.billing_view(parsed),
        values=values,
        problems=problems,
        report=report,
    )
