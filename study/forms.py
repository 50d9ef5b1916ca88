"""Form pieces every blueprint shares: the CSRF-only form, the checkbox list, the UTC date-time
field and the difficulty filter. Each blueprint's own forms live in its forms module."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

DATE_FORMAT = "%Y-%m-%dT%H:%M"
DATE_MESSAGE = "Enter a date and time (YYYY-MM-DD HH:MM)."

#: a filter on difficulty: any, or one of the bank's three
DIFFICULTY_CHOICES = [SelectChoice("", "Any"), SelectChoice("easy", "Easy"), SelectChoice("medium", "Medium"), SelectChoice("hard", "Hard")]


class CsrfForm(FlaskForm):
    """For forms whose fields are built in the template (answers, code rows): CSRF only."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DateTimeField(DateTimeLocalField):
    """A datetime-local input (read as UTC by the view), whose parse error says what to type."""

    def __init__(self, label=None, validators=None, format=DATE_FORMAT, **kwargs):
        super().__init__(label, validators, format=format, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc
