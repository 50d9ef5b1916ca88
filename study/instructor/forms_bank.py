"""The bank list's filters (/teach/bank), read from the query string: a GET form that changes
nothing, so it carries no CSRF token. A value that is not among the choices filters nothing."""

from __future__ import annotations

from wtforms import BooleanField, Form, SearchField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from study.forms import DIFFICULTY_CHOICES
from study.services.bank_search import BankFilters
from study.services.code_search import MAX_QUERY

ORIGINS = {"file": "Shipped (bank files)", "web": "Written on the site"}
STATUSES = ("published", "draft", "retired")


class BankFilterForm(Form):
    q = SearchField(
        "Search the text", description="Stems, options, case records, keys and rationales.", validators=[Optional(), Length(max=MAX_QUERY)]
    )
    exam = SelectField("Exam", choices=[], default="", validate_choice=False)
    topic = SelectField("Topic", choices=[], default="", validate_choice=False)
    type = SelectField(
        "Type", choices=[SelectChoice("", "Any"), SelectChoice("mcq", "Multiple choice"), SelectChoice("case", "Coding case")], default=""
    )
    difficulty = SelectField("Difficulty", choices=DIFFICULTY_CHOICES, default="")
    status = SelectField("Status", choices=[SelectChoice("", "Any")] + [SelectChoice(s, s.capitalize()) for s in STATUSES], default="")
    author = SelectField("Source or author", choices=[], default="", validate_choice=False)
    open_reports = BooleanField("Has open reports")
    flagged = BooleanField("Flagged by item analysis")
    submit = SubmitField("Filter")

    def set_choices(self, exams: list[str], topics: list[tuple[str, str]], authors: list[tuple[int, str]]) -> None:
        self.exam.choices = [SelectChoice("", "Any")] + [SelectChoice(e, e) for e in exams]
        self.topic.choices = [SelectChoice("", "Any")] + [SelectChoice(k, label) for k, label in topics]
        self.author.choices = (
            [SelectChoice("", "Anyone")]
            + [SelectChoice(k, v) for k, v in ORIGINS.items()]
            + [SelectChoice(str(uid), f"Written by {name}") for uid, name in authors]
        )

    def _chosen(self, field: SelectField) -> str | None:
        """The field's value when it is one of its choices (else nothing is filtered)."""
        value = field.data or ""
        return value if value and any(str(choice.value) == value for choice in field.iter_choices()) else None

    def filters(self, page: int) -> BankFilters:
        author = self._chosen(self.author)
        return BankFilters(
            q="" if self.q.errors else (self.q.data or "")[:MAX_QUERY],
            exam=self._chosen(self.exam),
            topic=self._chosen(self.topic),
            type=self._chosen(self.type),
            difficulty=self._chosen(self.difficulty),
            status=self._chosen(self.status),
            origin=author if author in ORIGINS else None,
            author_id=int(author) if author and author.isdigit() else None,
            open_reports=bool(self.open_reports.data),
            flagged=bool(self.flagged.data),
            page=page,
        )

    def query(self) -> dict[str, str]:
        """The filters as given, for the pager's links."""
        names = ("q", "exam", "topic", "type", "difficulty", "status", "author", "open_reports", "flagged")
        given = {name: self[name].raw_data for name in names}
        return {name: str(raw[0]) for name, raw in given.items() if raw and raw[0]}
