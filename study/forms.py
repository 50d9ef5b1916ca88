"""Form pieces every blueprint shares: the CSRF-only form, the checkbox list, the UTC date-time
field, the difficulty filter, and the audit log's filters with the one page both the admin and
the instructor blueprint serve from them. Each blueprint's own forms live in its forms module."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, Form, SearchField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from study.services import audit

#: what a date-time input shows and sends (datetime-local), then what a person may type instead: the
#: date and time separated by a space (as DATE_MESSAGE asks), with or without seconds
DATE_FORMAT = "%Y-%m-%dT%H:%M"
DATE_FORMATS = [DATE_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
DATE_MESSAGE = "Enter a date and time as YYYY-MM-DD HH:MM, for example 2026-12-07 14:30."

#: the last page a list serves: beyond it the rows' offset would not fit the database's integers
#: (a hand-typed ?page=99999999999999999999 is an empty page, not an error)
MAX_PAGE = 1_000_000

#: a filter on difficulty: any, or one of the bank's three
DIFFICULTY_CHOICES = [SelectChoice("", "Any"), SelectChoice("easy", "Easy"), SelectChoice("medium", "Medium"), SelectChoice("hard", "Hard")]


class CsrfForm(FlaskForm):
    """For forms whose fields are built in the template (answers, code rows): CSRF only."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DateTimeField(DateTimeLocalField):
    """A datetime-local input (a wall-clock time: the view reads it in the user's time zone) that
    also takes the date and time typed with a space, and whose parse error says that format."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        format = format or DATE_FORMATS
        super().__init__(label, validators, format=format, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a GET form: it changes nothing, so it
    carries no CSRF token). A value that does not parse is reported on its field and not applied."""

    action = SelectField(
        "Action", choices=[SelectChoice("", "Any action")] + [SelectChoice(k, v) for k, v in audit.ACTIONS.items()], default=""
    )
    actor = SearchField("Who", description="Part of the e-mail address.", validators=[Optional(), Length(max=254)])
    since = DateField("From (UTC day)", validators=[Optional()])
    until = DateField("To (UTC day)", validators=[Optional()])
    submit = SubmitField("Filter")

    def filters(self) -> audit.Filters:
        return audit.Filters(
            action=self.action.data or None,
            actor="" if self.actor.errors else (self.actor.data or ""),
            since=self.since.data,
            until=self.until.data,
        )

    def query(self) -> dict[str, str]:
        """The filters as they were given, for the pager's links."""
        given = {name: self[name].raw_data for name in ("action", "actor", "since", "until")}
        return {name: str(raw[0]) for name, raw in given.items() if raw and raw[0]}


def page_number() -> int:
    """The list page asked for in the query string: 1 when absent or not a number, at most MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def render_audit_log(*, everything: bool):
    """The audit log page (admins: `everything`; instructors: what concerns them), filtered by the
    query string and paged; 400 when a filter does not parse (the others still apply)."""
    form = AuditFilterForm(request.args)
    valid = form.validate()
    pagination = audit.search(current_user, form.filters(), everything=everything, page=page_number())
    return render_template(
        "audit/log.html",
        form=form,
        pagination=pagination,
        everything=everything,
        endpoint=request.endpoint,
        csv_endpoint=f"{request.endpoint}_csv",
        actions=audit.ACTIONS,
        command_line=audit.COMMAND_LINE,
    ), 200 if valid else 400


def audit_csv_response(*, everything: bool) -> Response:
    """The audit log page's entries (the same filters) as a CSV download."""
    form = AuditFilterForm(request.args)
    form.validate()
    response = Response(audit.export_csv(current_user, form.filters(), everything=everything), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
