"""The learner blueprint's forms, and the checks of the answers the exam page and case forms send."""

import json
import math
import re
from dataclasses import dataclass

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from study.codes.normalize import format_procedure, parse_diagnoses, parse_pcs, parse_procedures
from study.forms import DIFFICULTY_CHOICES, MultiCheckboxField
from study.grading.answers import CASE_LISTS, MAX_CODE_CHARS, MAX_CODES  # what a stored case answer keeps
from study.services.attempts import REPORT_KINDS

EXAMS = ["CPC", "CPB", "CCS", "CCS-P"]


class StartPracticeForm(FlaskForm):
    exam = SelectField("Exam", choices=[SelectChoice("", "Any exam")] + [SelectChoice(e, e) for e in EXAMS], validators=[Optional()])
    topics = MultiCheckboxField("Topics (none ticked means all)", choices=[], validators=[Optional()])
    kind = SelectField(
        "What to practise",
        choices=[
            SelectChoice("mcq", "Multiple-choice questions"),
            SelectChoice("billing", "Billing exercises: claims, remittances and scrubbing"),
            SelectChoice("claim", "Claim forms (CMS-1500)"),
            SelectChoice("remittance", "Remittances (ERA/EOB)"),
            SelectChoice("scrubber", "Claim scrubbing"),
        ],
        default="mcq",
        validators=[Optional()],
    )
    difficulty = SelectField("Difficulty", choices=DIFFICULTY_CHOICES, validators=[Optional()])
    size = IntegerField("Number of questions", default=10, validators=[InputRequired(), NumberRange(1, 100)])
    mode = RadioField(
        "Which questions",
        choices=[
            SelectChoice("all", "Any matching question"),
            SelectChoice("missed", "Only questions I missed"),
            SelectChoice("due", "Review due (spaced repetition)"),
        ],
        default="all",
    )
    submit = SubmitField("Start practice")


class ReportProblemForm(FlaskForm):
    kind = RadioField("What is wrong?", choices=[SelectChoice(k, v) for k, v in REPORT_KINDS.items()], validators=[DataRequired()])
    comment = TextAreaField("Tell us more (optional)", validators=[Length(max=2000)])
    attempt_item = StringField(validators=[Optional()])
    submit = SubmitField("Send report")


class JoinCohortForm(FlaskForm):
    code = StringField(
        "Join code",
        description="The code your instructor gave you, for example K7M2-PQ9X.",
        validators=[DataRequired("Enter the join code."), Length(max=32)],
    )
    share_progress = BooleanField("Also let this cohort's instructor see my general progress", default=False)
    submit = SubmitField("Join")


# ------------------------------------------------------------------ answers sent by the exam page and the case forms
MAX_ANSWER_BYTES = 16 * 1024  # an autosave body: one question's answer
MAX_POSITION = 1000
MAX_LETTERS = 6
MAX_PASTE_CHARS = 2000  # per paste box, checked before the text is parsed
MAX_FORM_ROWS = 100  # entry rows of one kind in a case form


class BadAnswer(ValueError):
    """An answer the server refuses before doing anything with it (the message says why)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ExamAnswer:
    position: int
    letters: list[str] | None = None
    case: dict[str, list[str]] | None = None
    flag: bool | None = None


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def exam_answer_from_json(mimetype: str, body: bytes) -> ExamAnswer:
    """Check an autosave body: a JSON object {"position": n} with "letters" (the shown letters)
    or "case" ({"diagnoses"|"procedures"|"pcs": [codes]}), and/or "flag" (true/false)."""
    if len(body) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"The answer is too large (at most {MAX_ANSWER_BYTES // 1024} KB).", 413)
    if mimetype != "application/json":
        raise BadAnswer("Send the answer as JSON (Content-Type: application/json).")
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise BadAnswer("The answer is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadAnswer("The answer must be a JSON object.")
    unknown = sorted(set(data) - {"position", "letters", "case", "flag"})
    if unknown:
        raise BadAnswer(f"Unknown field: {', '.join(unknown)[:100]}.")
    position = data.get("position")
    if type(position) is not int or not 1 <= position <= MAX_POSITION:
        raise BadAnswer("position must be the question's number (a whole number from 1).")
    if not {"letters", "case", "flag"} & set(data):
        raise BadAnswer("Nothing to save: send letters, case or flag.")
    if "letters" in data and "case" in data:
        raise BadAnswer("Send either letters or case, not both.")
    letters = data.get("letters")
    if letters is not None and not (
        isinstance(letters, list) and 1 <= len(letters) <= MAX_LETTERS and all(isinstance(x, str) and len(x) <= 2 for x in letters)
    ):
        raise BadAnswer(f"letters must be a list of 1 to {MAX_LETTERS} option letters.")
    case = data.get("case")
    if case is not None:
        case = _case_lists(case)
    flag = data.get("flag")
    if "flag" in data and not isinstance(flag, bool):
        raise BadAnswer("flag must be true or false.")
    return ExamAnswer(position, letters, case, flag)


def _case_lists(case: object) -> dict[str, list[str]]:
    if not isinstance(case, dict) or set(case) - set(CASE_LISTS):
        raise BadAnswer("case must be an object with the lists diagnoses, procedures and pcs.")
    for name, codes in case.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) <= MAX_CODE_CHARS for c in codes):
            raise BadAnswer(f"case.{name} must be a list of codes of at most {MAX_CODE_CHARS} characters.")
        check_code_count(len(codes))
    return {name: list(case.get(name, [])) for name in CASE_LISTS}


def check_code_count(count: int) -> None:
    if count > MAX_CODES:
        raise BadAnswer(f"Too many codes: at most {MAX_CODES} codes in each list.")


_TOKEN = re.compile(r"[^\s,;]+")  # how the paste parser splits a list (study.codes.normalize)


def check_paste(text: str) -> int:
    """The number of codes in a pasted list, refusing a paste too long to parse."""
    if len(text) > MAX_PASTE_CHARS:
        raise BadAnswer(f"The pasted list is too long: at most {MAX_PASTE_CHARS} characters in each box.", 413)
    return len(_TOKEN.findall(text))


def check_rows(rows: list[str]) -> None:
    if len(rows) > MAX_FORM_ROWS:
        raise BadAnswer(f"Too many entry rows: at most {MAX_FORM_ROWS}.", 413)


def seconds_taken(value: str | None) -> float | None:
    """The time a learner took, as sent by the page's script; anything but a finite, non-negative
    number (nan, inf, text) counts as not measured."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def case_rows_from_form(formdata) -> dict[str, list[str]]:
    """A case answer's entry rows as typed, blank rows kept (a draft keeps where each code was), from
    the entry form's rows or the paste-a-list text format of the spec (either works; pasted codes
    come after the rows). BadAnswer (400/413) for more codes or text than an answer holds, checked
    before parsing."""

    def field(name: str) -> list[str]:
        values = formdata.getlist(name)
        check_rows(values)
        return values

    pasted = {k: formdata.get(f"paste_{k}", "") for k in ("dx", "px", "pcs")}
    counts = {k: check_paste(text) for k, text in pasted.items()}
    diagnoses, pcs = [v.strip() for v in field("dx")], [v.strip() for v in field("pcs")]
    codes, mods, units = field("px"), field("px_mod"), field("px_units")
    for name, rows in (("dx", diagnoses), ("px", codes), ("pcs", pcs)):
        check_code_count(len([r for r in rows if r.strip()]) + counts[name])
    procedures = [
        format_procedure(code, mods[i] if i < len(mods) else "", units[i] if i < len(units) else "") if code.strip() else ""
        for i, code in enumerate(codes)
    ]
    if pasted["dx"].strip():
        diagnoses += list(parse_diagnoses(pasted["dx"]))
    if pasted["px"].strip():
        procedures += [p.raw for p in parse_procedures(pasted["px"])]
    if pasted["pcs"].strip():
        pcs += list(parse_pcs(pasted["pcs"]))
    return {"diagnoses": diagnoses, "procedures": procedures, "pcs": pcs}


def case_lists_from_form(formdata) -> dict[str, list[str]]:
    """The case answer of the entry form (see case_rows_from_form), blank rows dropped."""
    return {name: [r.strip() for r in rows if r.strip()] for name, rows in case_rows_from_form(formdata).items()}


_DRAFT_ROWS = ("dx", "px", "px_mod", "px_units", "pcs")
_DRAFT_PASTES = ("paste_dx", "paste_px", "paste_pcs")


def case_draft_from_json(mimetype: str, body: bytes) -> dict[str, list[str]]:
    """Check a draft autosave body: a JSON object with the entry form's fields, each row field a
    list of strings ("dx", "px", "px_mod", "px_units", "pcs") and each paste box a string; the
    entry rows as case_rows_from_form reads them."""
    if len(body) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"The draft is too large (at most {MAX_ANSWER_BYTES // 1024} KB).", 413)
    if mimetype != "application/json":
        raise BadAnswer("Send the draft as JSON (Content-Type: application/json).")
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise BadAnswer("The draft is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadAnswer("The draft must be a JSON object.")
    unknown = sorted(set(data) - set(_DRAFT_ROWS) - set(_DRAFT_PASTES))
    if unknown:
        raise BadAnswer(f"Unknown field: {', '.join(unknown)[:100]}.")
    for name in _DRAFT_ROWS:
        rows = data.get(name, [])
        if not isinstance(rows, list) or not all(isinstance(r, str) and len(r) <= MAX_CODE_CHARS for r in rows):
            raise BadAnswer(f"{name} must be a list of rows of at most {MAX_CODE_CHARS} characters.")
    for name in _DRAFT_PASTES:
        if not isinstance(data.get(name, ""), str):
            raise BadAnswer(f"{name} must be text.")
    fields = [(k, v) for k in _DRAFT_ROWS for v in data.get(k, [])] + [(k, data.get(k, "")) for k in _DRAFT_PASTES]
    return case_rows_from_form(MultiDict(fields))


class CaseFilterForm(Form):
    """The case list's filters, from the query string (a GET form that changes nothing: no CSRF
    token). A value that is not among the choices filters nothing."""

    exam = SelectField("Exam", choices=[], default="", validate_choice=False)
    setting = SelectField("Setting", choices=[], default="", validate_choice=False)
    topic = SelectField("Topic", choices=[], default="", validate_choice=False)
    status = SelectField("Your status", choices=[], default="", validate_choice=False)
    submit = SubmitField("Show cases")

    def set_choices(
        self, exams: list[str], settings: tuple[str, ...], topics: list[tuple[str, str]], statuses: dict[str, str]
    ) -> None:
        self.exam.choices = [SelectChoice("", "Any exam")] + [SelectChoice(e, e) for e in exams]
        self.setting.choices = [SelectChoice("", "Any setting")] + [SelectChoice(s, s.replace("-", " ").capitalize()) for s in settings]
        self.topic.choices = [SelectChoice("", "Any topic")] + [SelectChoice(k, t) for k, t in topics]
        self.status.choices = [SelectChoice("", "Any")] + [SelectChoice(k, v) for k, v in statuses.items()]
