"""Validation of bank files against the format's rules, with the line of each offending key.

``check_bank(root, checker)`` parses and validates a whole bank; ``validate_path(path, checker)``
does the same for a bank directory or a single item file (topics and blueprints are then read
from the bank the file lives in). ``validate_bank(bank, checker)`` validates what
``load_bank`` parsed. With ``checker=None`` code integrity is limited to shapes.

Errors make a bank unusable; warnings (``severity="warning"``) are printed but do not fail
validation: a blueprint section the bank cannot fill yet, a file name that differs from the id,
an unknown Markdown section.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from study.bank.model import (
    BILLING_KEYS,
    BILLING_TYPES,
    DEFAULT_EXAMS,
    DEFAULT_WEIGHTS,
    DIFFICULTIES,
    DISCHARGE_STATUSES,
    ID_PATTERN,
    ITEM_STATUSES,
    ITEM_TYPES,
    MAX_PATIENT_AGE,
    PATIENT_SEXES,
    RESERVES,
    SETTINGS,
    Bank,
    BillingItem,
    Blueprint,
    CaseItem,
    Item,
    McqItem,
    Problem,
    SourceInfo,
)
from study.bank.parser import (
    load_bank,
    load_yaml,
    parse_blueprint,
    parse_item_file,
    parse_topics,
    patient_discharge_code,
    read_text,
)
from study.billing import exercise
from study.codes.checking import CodeChecker
from study.codes.normalize import (
    classify_procedure_code,
    is_cpt_shape,
    is_hcpcs_shape,
    is_modifier_shape,
    is_pcs_shape,
    looks_like_icd10cm,
    normalize_icd10cm,
)
from study.kinds import ItemStatus

COMMON_REQUIRED = ("id", "type", "exams", "topic")
COMMON_OPTIONAL = ("difficulty", "tags", "status", "reserve")
MCQ_REQUIRED = ("answer",)
MCQ_OPTIONAL = ("allow_invalid_distractors",)
CASE_REQUIRED = ("setting", "key")
MAX_TITLE = 120
#: ``external_causes``: may a learner add a valid external cause code (V00-Y99) the key does not list?
EXTERNAL_CAUSE_POLICIES = ("voluntary", "required")
CASE_OPTIONAL = ("scoring", "minutes", "title", "external_causes", "patient", "drg_note")
BILLING_OPTIONAL = ("minutes", "title")
#: ``patient`` (inpatient cases): the facts an MS-DRG grouper needs (docs/authoring.md)
PATIENT_KEYS = ("age", "sex", "discharge")
KEY_LISTS = ("diagnoses", "procedures", "pcs", "not_reportable")
LINE_KEYS = {
    "diagnoses": ("code", "alternates", "optional"),
    "procedures": ("code", "modifiers", "units", "alternates", "optional"),
    "pcs": ("code", "alternates", "optional"),
    "not_reportable": ("code", "why"),
}
BLUEPRINT_REQUIRED = (
    "exam",
    "title",
    "minutes",
    "pass_percent",
    "warn_at_minutes_left",
    "source",
    "sections",
)
BLUEPRINT_OPTIONAL = ("pace_minutes_per_question",)
SECTION_REQUIRED = ("key", "title", "topics")
SECTION_OPTIONAL = ("questions", "cases", "confirmed")
MAX_OPTIONS = 6

_ID_RE = re.compile(ID_PATTERN)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}
_HOW_MANY_RE = re.compile(
    r"\b(?:select|choose|pick|mark|identify|check|which)\s+(?:the\s+)?(?:(?:best|correct|right)\s+)?"
    r"(two|three|four|five|six|[2-6])\b",
    re.IGNORECASE,
)
# an instruction to choose several ("Select two."), as opposed to "between which two structures"
_CHOOSE_MANY_RE = re.compile(
    r"\b(?:select|choose|pick|mark)\s+(?:the\s+)?(?:(?:best|correct|right)\s+)?(two|three|four|five|six|[2-6])\b",
    re.IGNORECASE,
)
_ALL_THAT_APPLY_RE = re.compile(r"all\s+that\s+apply", re.IGNORECASE)
_DOTTED_ICD_RE = re.compile(r"(?<![A-Za-z0-9.])([A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?![A-Za-z0-9])")
_LIST_SPLIT_RE = re.compile(r"[\s,;]+|\band\b|\bplus\b", re.IGNORECASE)
_THREE_CHAR_ICD_RE = re.compile(r"[A-Z][0-9][0-9A-Z]")
_PROCEDURE_TOKEN_RE = re.compile(r"[0-9A-Z]{5}(?:-[0-9A-Z]{2})*(?:[xX][0-9]+)?")


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'difficulty'?)`` for a near miss, else ``""``. A choice that the word
    begins (``outpatient`` -> ``outpatient-facility``) comes first."""
    options = sorted({str(c) for c in choices}, key=lambda c: (len(c), c))  # deterministic
    lowered = word.lower()
    prefixed = [
        c for c in options if len(lowered) >= 3 and c.lower().startswith(lowered) and c.lower() != lowered
    ]
    close = prefixed[:1] or difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Report:
    """Collects problems for one file."""

    def __init__(self, path: str, source: SourceInfo | None) -> None:
        self.path = path
        self.source = source
        self.problems: list[Problem] = []

    def line(self, *at: Any) -> int:
        return self.source.line(*at) if self.source else 1

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))

    def keys(
        self,
        raw: dict[Any, Any],
        required: Iterable[str],
        optional: Iterable[str],
        at: tuple[Any, ...],
        where: str,
    ) -> None:
        """Missing required keys (at the mapping's line) and unknown keys (at their own line)."""
        required = tuple(required)
        allowed = required + tuple(optional)
        for key in required:
            if key not in raw or raw[key] is None:
                what = f"missing required key '{key}'" + (f" in {where}" if where else "")
                self.error(self.line(*at) if at else self.line(), what)
        for key in raw:
            name = str(key)
            if name not in allowed:
                self.error(
                    self.line(*at, name),
                    f"unknown key '{name}'" + (f" in {where}" if where else "") + did_you_mean(name, allowed),
                )


# --- items ------------------------------------------------------------------------------------


def validate_item(
    item: Item,
    *,
    topics: Collection[str] | None = None,
    exams: Collection[str] | None = None,
    checker: CodeChecker | None = None,
) -> list[Problem]:
    """Every rule of the format that one item file can be checked against on its own.

    ``topics=None`` skips the topic check; ``exams=None`` means the format's four exams.
    """
    if not exams:
        exams = DEFAULT_EXAMS
    elif not isinstance(exams, (list, tuple)):
        exams = tuple(sorted(exams))  # a set: a stable order for messages
    source = item.source or SourceInfo(path=item.path)
    report = _Report(item.path or source.path, source)
    raw = dict(source.raw) if source.raw else {}
    kind = raw.get("type")
    if kind == "mcq":
        report.keys(raw, COMMON_REQUIRED + MCQ_REQUIRED, COMMON_OPTIONAL + MCQ_OPTIONAL, (), "")
    elif kind == "case":
        report.keys(raw, COMMON_REQUIRED + CASE_REQUIRED, COMMON_OPTIONAL + CASE_OPTIONAL, (), "")
    elif kind in BILLING_TYPES:
        required, optional = BILLING_KEYS[kind]
        report.keys(raw, COMMON_REQUIRED + required, COMMON_OPTIONAL + BILLING_OPTIONAL + optional, (), "")
    else:
        everything = COMMON_OPTIONAL + MCQ_REQUIRED + MCQ_OPTIONAL + CASE_REQUIRED + CASE_OPTIONAL
        report.keys(raw, COMMON_REQUIRED, everything, (), "")
        if "type" in raw and raw["type"] is not None:
            report.error(
                report.line("type"),
                f"type must be one of {', '.join(repr(t) for t in ITEM_TYPES)}, not {raw['type']!r}"
                + did_you_mean(str(raw["type"]), ITEM_TYPES),
            )
    _common(item, raw, report, topics, exams)
    if isinstance(item, McqItem):
        if kind == "mcq":
            _mcq(item, raw, report, checker)
    elif isinstance(item, BillingItem):
        _billing(item, report, checker)
    elif kind == "case":
        _case(item, raw, report, checker)
    return report.problems


def _billing(item: BillingItem, report: _Report, checker: CodeChecker | None) -> None:
    """A billing exercise: its sections, then every rule of its type (study.billing.exercise),
    each problem reported at the line of the front matter key it belongs to."""
    end = item.source.end_line if item.source else 1
    if not item.scenario.strip():
        report.error(end, "missing section '## Scenario' (what the biller has to work from)")
    if not item.rationale.strip():
        report.error(end, "missing section '## Rationale' (explain the key)")
    code_problem = exercise.code_problem_with(checker) if checker is not None else None
    for at, message, severity in exercise.check(item, code_problem):
        (report.error if severity == "error" else report.warning)(report.line(*at), message)


def _common(
    item: Item, raw: dict[Any, Any], report: _Report, topics: Collection[str] | None, exams: Collection[str]
) -> None:
    """The keys every item has, in the order their problems are reported."""
    _item_id(raw, report)
    _item_exams(raw, report, exams)
    _item_topic(raw, report, topics)
    for key, allowed in (("difficulty", DIFFICULTIES), ("status", ITEM_STATUSES)):
        _one_of(raw, report, key, allowed)
    _reserve(item, raw, report)
    _tags(raw, report)


def _item_id(raw: dict[Any, Any], report: _Report) -> None:
    """``id``: the id pattern, and a warning when a Markdown file is named otherwise."""
    value = raw.get("id")
    if value is None:
        return
    if not isinstance(value, str) or not _ID_RE.match(value):
        report.error(
            report.line("id"),
            f"bad id {value!r}: an id is 3-64 characters, lower-case letters, digits and "
            "dashes, starting with a letter or digit",
        )
    elif report.path and Path(report.path).suffix == ".md" and Path(report.path).stem != value:
        report.warning(report.line("id"), f"the file name '{Path(report.path).name}' does not match the id '{value}'")


def _item_exams(raw: dict[Any, Any], report: _Report, exams: Collection[str]) -> None:
    """``exams``: a non-empty list of the bank's exams."""
    value = raw.get("exams")
    if value is None:
        return
    if not isinstance(value, list):
        report.error(report.line("exams"), f"exams must be a list, e.g. exams: [{next(iter(exams), 'CPC')}]")
    elif not value:
        report.error(report.line("exams"), "exams is empty: name at least one exam")
    else:
        for index, exam in enumerate(value):
            if not isinstance(exam, str) or exam not in exams:
                report.error(
                    report.line("exams", index),
                    f"unknown exam {exam!r} (exams: {', '.join(exams)})" + did_you_mean(str(exam), exams),
                )


def _item_topic(raw: dict[Any, Any], report: _Report, topics: Collection[str] | None) -> None:
    """``topic``: one key of topics.yaml (not checked when ``topics`` is None)."""
    value = raw.get("topic")
    if value is None:
        return
    if not isinstance(value, str):
        report.error(report.line("topic"), "topic must be one topic key from topics.yaml")
    elif topics is not None and value not in topics:
        report.error(
            report.line("topic"),
            f"unknown topic '{value}' (not in topics.yaml)" + did_you_mean(value, topics),
        )


def _one_of(raw: dict[Any, Any], report: _Report, key: str, allowed: Sequence[str]) -> None:
    """An optional key whose value is one of a fixed list (``difficulty``, ``status``)."""
    if key in raw and raw[key] not in allowed:
        value = raw[key]
        report.error(
            report.line(key),
            f"{key} must be one of {', '.join(allowed)}, not {value!r}" + did_you_mean(str(value), allowed),
        )


def _tags(raw: dict[Any, Any], report: _Report) -> None:
    """``tags``: a list of words (numbers allowed)."""
    if "tags" not in raw:
        return
    value = raw["tags"]
    if not isinstance(value, list) or not all((isinstance(t, str) and t.strip()) or _is_number(t) for t in value):
        report.error(report.line("tags"), "tags must be a list of words, e.g. tags: [diabetes, ckd]")


def _reserve(item: Item, raw: dict[Any, Any], report: _Report) -> None:
    """``reserve``: absent (the open pool), ``exam`` or ``diagnostic``; the careers diagnostic
    asks single-answer multiple-choice questions, so a case cannot be reserved for it."""
    if "reserve" not in raw:
        return
    value, line = raw["reserve"], report.line("reserve")
    if value not in RESERVES:
        report.error(
            line,
            f"reserve must be {' or '.join(RESERVES)} (leave it out for the open pool), not {value!r}"
            + (did_you_mean(value, RESERVES) if isinstance(value, str) else ""),
        )
    elif value == "diagnostic" and raw.get("type") == "case":
        report.error(
            line,
            "a case cannot be reserved for the diagnostic: the careers diagnostic asks multiple-choice "
            "questions only (use reserve: exam, or leave reserve out)",
        )
    elif value == "diagnostic" and isinstance(item, McqItem) and item.multiple:
        report.warning(
            line,
            "the careers diagnostic asks single-answer questions only, so this multiple-response item "
            "will never be drawn",
        )


def _how_many(stem: str, pattern: re.Pattern[str] = _HOW_MANY_RE) -> int | None:
    match = pattern.search(stem)
    return _NUMBERS[match.group(1).lower()] if match else None


def icd10cm_codes_in_option(text: str) -> list[str]:
    """ICD-10-CM codes an option names: dotted codes always; undotted 3-character codes (I10)
    only when the option is nothing but a list of codes."""
    codes = [m.group(1) for m in _DOTTED_ICD_RE.finditer(text)]
    tokens = [t for t in _LIST_SPLIT_RE.split(text.strip()) if t]
    if tokens and all(
        _DOTTED_ICD_RE.fullmatch(t)
        or _THREE_CHAR_ICD_RE.fullmatch(t)
        or _PROCEDURE_TOKEN_RE.fullmatch(t)
        or is_pcs_shape(t)
        for t in tokens
    ):
        codes.extend(t for t in tokens if _THREE_CHAR_ICD_RE.fullmatch(t))
    ordered: list[str] = []
    for code in codes:
        if code not in ordered:
            ordered.append(code)
    return ordered


def _mcq(item: McqItem, raw: dict[Any, Any], report: _Report, checker: CodeChecker | None) -> None:
    """The rules of a multiple-choice item, in the order their problems are reported."""
    source = report.source
    assert source is not None
    letters = [o.letter for o in item.options]
    _options(item, source, letters, report)
    if not item.stem.strip():
        report.error(source.body_line, "the stem is empty: write the question before '## Options'")
    correct = _mcq_answer(item, raw, source, letters, report)
    _mcq_explanations(item, source, letters, correct, report)
    value = raw.get("allow_invalid_distractors")
    if "allow_invalid_distractors" in raw and not isinstance(value, bool):
        report.error(report.line("allow_invalid_distractors"), "allow_invalid_distractors must be true or false")
    if checker is not None:
        _option_codes(item, source, correct, checker, report)


def _options(item: McqItem, source: SourceInfo, letters: list[str], report: _Report) -> None:
    """``## Options``: 2 to 6 options, lettered A, B, C... in order, none of them empty."""
    heading = source.headings
    if "options" not in heading:
        report.error(source.end_line, "missing section '## Options'")
        return
    if not (2 <= len(letters) <= MAX_OPTIONS):
        report.error(heading["options"], f"an item has 2 to {MAX_OPTIONS} options; this one has {len(letters)}")
    for index, letter in enumerate(letters):
        expected = chr(ord("A") + index)
        if letter != expected:
            report.error(
                source.option_lines.get(letter, heading["options"]),
                f"options are lettered A, B, C... in order: expected {expected}, found {letter}",
            )
            break
    for option in item.options:
        if not option.text.strip():
            report.error(source.option_lines.get(option.letter, heading["options"]), f"option {option.letter} is empty")


def _mcq_answer(
    item: McqItem, raw: dict[Any, Any], source: SourceInfo, letters: list[str], report: _Report
) -> set[str]:
    """``answer``: one letter, or a list of letters that the stem asks for; each of them an
    option. Returns the correct letters as written."""
    answer = raw.get("answer")
    if answer is None:
        return set()
    answer_line = report.line("answer")
    correct: set[str] = set()
    if isinstance(answer, str):
        correct = _single_answer(item, answer, answer_line, report)
    elif isinstance(answer, list):
        correct = _multiple_answer(item, answer, answer_line, source, report)
    else:
        report.error(answer_line, "answer must be one letter (answer: B) or a list of letters (answer: [A, C])")
    for letter in sorted(correct):
        if letters and letter not in letters:
            report.error(answer_line, f"answer {letter} is not an option (options: {', '.join(letters)})")
    return correct


def _single_answer(item: McqItem, answer: str, answer_line: int, report: _Report) -> set[str]:
    """``answer: B``: a capital letter, for a stem that does not ask to choose several."""
    if not re.fullmatch(r"[A-F]", answer):
        report.error(answer_line, f"answer must be one capital letter A-F (or a list of letters), not {answer!r}")
    how_many = _how_many(item.stem, _CHOOSE_MANY_RE)
    if how_many is not None and how_many > 1:
        report.error(
            answer_line,
            f"the stem asks for {how_many} answers but answer is a single letter: write answer: [A, C]",
        )
    return {answer}


def _multiple_answer(
    item: McqItem, values: list[Any], answer_line: int, source: SourceInfo, report: _Report
) -> set[str]:
    """``answer: [A, C]``: two or more distinct capital letters, as many as the stem says."""
    if len(values) < 2:
        report.error(answer_line, "a multiple-response answer lists at least two letters; for one answer write answer: B")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not re.fullmatch(r"[A-F]", value):
            report.error(report.line("answer", index), f"answer letters are capital letters A-F, not {value!r}")
    if len(set(map(str, values))) != len(values):
        report.error(answer_line, "answer lists a letter twice")
    how_many = _how_many(item.stem)
    if how_many is None:
        extra = " ('select all that apply' is not enough)" if _ALL_THAT_APPLY_RE.search(item.stem) else ""
        report.error(
            source.body_line, "a multiple-response stem must say how many to choose, e.g. 'Select two.'" + extra
        )
    elif how_many != len(values):
        report.error(source.body_line, f"the stem asks for {how_many} answers but answer lists {len(values)} letters")
    return {str(v) for v in values}


# a text shown on its own (a not_reportable line's why, one option's "why not") that leans on another
BACK_REFERENCE = re.compile(r"^\W*(same reason|for the same reason|same as (above|before|[a-e])\b|as above|see above|likewise|ditto)", re.I)
BACK_REFERENCE_WARNING = (
    "this text is shown to the learner on its own, so it must not lean on another line"
    " ('Same reason: ...'): give the reason in full"
)


def _mcq_explanations(
    item: McqItem, source: SourceInfo, letters: list[str], correct: set[str], report: _Report
) -> None:
    """``## Rationale`` is there and written; ``## Why not the others`` explains wrong options only."""
    heading = source.headings
    if "rationale" not in heading:
        report.error(source.end_line, "missing section '## Rationale' (explain the correct answer)")
    elif not item.rationale.strip():
        report.error(heading["rationale"], "'## Rationale' is empty")
    for letter, _ in item.why_not:
        line = source.why_not_lines.get(letter, heading.get("why not the others", source.end_line))
        if letter not in letters:
            report.error(line, f"'Why not the others' explains {letter}, which is not an option")
        elif letter in correct:
            report.error(line, f"'Why not the others' explains {letter}, which is a correct answer")
    for letter, text in item.why_not:
        if BACK_REFERENCE.match(text or ""):
            line = source.why_not_lines.get(letter, heading.get("why not the others", source.end_line))
            report.warning(line, f"{letter}: {BACK_REFERENCE_WARNING}")


def _option_codes(
    item: McqItem, source: SourceInfo, correct: set[str], checker: CodeChecker, report: _Report
) -> None:
    """The ICD-10-CM codes an option names: reportable in a correct option; existing in a
    distractor unless ``allow_invalid_distractors`` says otherwise."""
    for option in item.options:
        line = source.option_lines.get(option.letter, source.headings.get("options", 1))
        for code in icd10cm_codes_in_option(option.text):
            check = checker.check("icd10cm", code)
            if option.letter in correct:
                if not check.reportable:
                    report.error(
                        line,
                        f"option {option.letter} is a correct answer but {code} is not valid for "
                        f"reporting: {check.message}",
                    )
            elif not check.exists and not item.allow_invalid_distractors:
                report.error(
                    line,
                    f"option {option.letter}: {check.message} (if the distractor is deliberately "
                    "not a code, set allow_invalid_distractors: true)",
                )


def _code_hint(kind: str, value: Any) -> str:
    if kind in ("procedures", "pcs"):
        word = "CPT and HCPCS" if kind == "procedures" else "ICD-10-PCS"
        return (
            f'{word} codes must be quoted strings: write code: "{value}" with the code exactly '
            "as printed (YAML reads an unquoted code as a number and drops its leading zeros)"
        )
    return f"codes must be strings, not {value!r}"


def _case(item: CaseItem, raw: dict[Any, Any], report: _Report, checker: CodeChecker | None) -> None:
    """The rules of a coding case, in the order their problems are reported."""
    source = report.source
    assert source is not None
    setting = raw.get("setting")
    if setting is not None and setting not in SETTINGS:
        report.error(
            report.line("setting"),
            f"setting must be one of {', '.join(SETTINGS)}, not {setting!r}" + did_you_mean(str(setting), SETTINGS),
        )
    if "minutes" in raw and (not _is_int(raw["minutes"]) or raw["minutes"] <= 0):
        report.error(report.line("minutes"), "minutes must be a positive whole number")
    if "title" in raw and (not isinstance(raw["title"], str) or not raw["title"].strip() or len(raw["title"]) > MAX_TITLE):
        report.error(report.line("title"), f"title must be text of 1 to {MAX_TITLE} characters")
    _one_of(raw, report, "external_causes", EXTERNAL_CAUSE_POLICIES)
    _patient(item, raw, report)
    if "scoring" in raw:
        _scoring_weights(raw["scoring"], report)
    _case_sections(item, source, report)
    key = raw.get("key")
    if key is None:
        return
    if not isinstance(key, dict):
        report.error(report.line("key"), "key must be a mapping with lists: diagnoses, procedures, pcs, not_reportable")
        return
    report.keys(key, (), KEY_LISTS, ("key",), "key")
    if _key_lists(key, report, checker, item) == 0:
        report.error(
            report.line("key"),
            "the key has no scored line: add a diagnosis, procedure or pcs line that is not optional",
        )
    if item.key.pcs and item.setting and item.setting != "inpatient":
        report.warning(report.line("key", "pcs"), "ICD-10-PCS lines belong to inpatient cases (setting: inpatient)")
    _repeated_key_codes(item, report)


def _patient(item: CaseItem, raw: dict[Any, Any], report: _Report) -> None:
    """``patient`` and ``drg_note``: inpatient cases only; ``patient`` is required when the key has
    ICD-10-PCS lines (the MS-DRG grouper needs age, sex and discharge status)."""
    inpatient = raw.get("setting") == "inpatient"
    for name in ("patient", "drg_note"):
        if name in raw and not inpatient:
            report.error(report.line(name), f"{name} belongs to inpatient cases (setting: inpatient) only")
    if "drg_note" in raw and (not isinstance(raw["drg_note"], str) or not raw["drg_note"].strip()):
        report.error(report.line("drg_note"), "drg_note must be text: why a second MS-DRG grouper disagrees with the key's")
    value = raw.get("patient")
    if value is None:
        key = raw.get("key")
        if inpatient and isinstance(key, dict) and key.get("pcs"):
            report.error(
                report.line("patient") if "patient" in raw else report.line("setting"),
                "an inpatient case with ICD-10-PCS lines needs 'patient:' with age, sex and discharge "
                "(the MS-DRG grouper's facts), e.g. patient: {age: 82, sex: female, discharge: snf}",
            )
        return
    if not isinstance(value, dict):
        report.error(report.line("patient"), "patient must be a mapping: age, sex, discharge")
        return
    report.keys(value, PATIENT_KEYS, (), ("patient",), "patient")
    age, sex, discharge = value.get("age"), value.get("sex"), value.get("discharge")
    if age is not None and (not _is_int(age) or not 0 <= age <= MAX_PATIENT_AGE):
        report.error(report.line("patient", "age"), f"patient age must be whole years at admission, 0 to {MAX_PATIENT_AGE}, not {age!r}")
    if sex is not None and sex not in PATIENT_SEXES:
        report.error(
            report.line("patient", "sex"),
            f"patient sex must be {' or '.join(PATIENT_SEXES)}, not {sex!r}" + did_you_mean(str(sex), PATIENT_SEXES),
        )
    if discharge is not None and patient_discharge_code(discharge) is None:
        hint = (
            f" (write the code as a quoted string: \"{discharge:02d}\")"
            if _is_int(discharge)
            else did_you_mean(str(discharge), DISCHARGE_STATUSES)
        )
        report.error(
            report.line("patient", "discharge"),
            f"patient discharge must be a discharge status name ({', '.join(DISCHARGE_STATUSES)}) or its "
            f"two-digit UB-04 code as a quoted string, not {discharge!r}" + hint,
        )


def _scoring_weights(scoring: Any, report: _Report) -> None:
    """``scoring``: known weight names mapped to numbers of points, 0 or more."""
    if not isinstance(scoring, dict):
        report.error(report.line("scoring"), f"scoring must map weight names ({', '.join(DEFAULT_WEIGHTS)}) to numbers")
        return
    for name, value in scoring.items():
        line = report.line("scoring", str(name))
        if str(name) not in DEFAULT_WEIGHTS:
            report.error(
                line,
                f"unknown scoring weight '{name}' (weights: {', '.join(DEFAULT_WEIGHTS)})"
                + did_you_mean(str(name), DEFAULT_WEIGHTS),
            )
        elif not _is_number(value) or value < 0:
            report.error(line, f"scoring weight '{name}' must be a number of points, 0 or more")


def _case_sections(item: CaseItem, source: SourceInfo, report: _Report) -> None:
    """``## Documentation`` and ``## Rationale`` are there and written."""
    for name, title, text in (
        ("documentation", "Documentation", item.documentation),
        ("rationale", "Rationale", item.rationale),
    ):
        if name not in source.headings:
            report.error(source.end_line, f"missing section '## {title}'")
        elif not text.strip():
            report.error(source.headings[name], f"'## {title}' is empty")


def _key_lists(key: dict[Any, Any], report: _Report, checker: CodeChecker | None, item: CaseItem) -> int:
    """Check every line of the key's lists; returns how many of them are scored."""
    scored = 0
    for kind in KEY_LISTS:
        lines = key.get(kind)
        if lines is None:
            continue
        if not isinstance(lines, list):
            report.error(report.line("key", kind), f"key.{kind} must be a list")
            continue
        for index, value in enumerate(lines):
            scored += _key_line(kind, value, ("key", kind, index), report, checker, item)
    return scored


def _repeated_key_codes(item: CaseItem, report: _Report) -> None:
    """A warning for a code written twice in key.diagnoses or key.pcs."""
    seen: set[tuple[str, str]] = set()
    for kind in ("diagnoses", "pcs"):
        for index, line in enumerate(getattr(item.key, kind)):
            for code in line.codes:
                if code and (kind, code) in seen:
                    report.warning(report.line("key", kind, index), f"{code} appears twice in key.{kind}")
                seen.add((kind, code))


def _key_line(
    kind: str, value: Any, at: tuple[Any, ...], report: _Report, checker: CodeChecker | None, item: CaseItem
) -> int:
    """Check one key line; returns 1 when it is a scored (not optional) line."""
    line = report.line(*at)
    if isinstance(value, dict):
        required = ("code", "why") if kind == "not_reportable" else ("code",)
        optional_keys = tuple(k for k in LINE_KEYS[kind] if k not in required)
        report.keys(value, required, optional_keys, at, f"key.{kind} line")
        code = value.get("code")
        code_line = report.line(*at, "code")
        if "alternates" in value:
            alternates = value["alternates"]
            if not isinstance(alternates, list):
                report.error(report.line(*at, "alternates"), "alternates must be a list of codes")
                alternates = []
        else:
            alternates = []
        if "optional" in value and not isinstance(value["optional"], bool):
            report.error(report.line(*at, "optional"), "optional must be true or false")
        if kind == "procedures":
            _procedure_extras(value, at, report, checker)
        if kind == "not_reportable" and "why" in value:
            why = value["why"]
            if not isinstance(why, str) or not why.strip():
                report.error(
                    report.line(*at, "why"),
                    "why must say why the code is not reported (it is shown to the learner)",
                )
            elif BACK_REFERENCE.match(why):
                report.warning(report.line(*at, "why"), f"why: {BACK_REFERENCE_WARNING}")
        optional = value.get("optional") is True
    elif kind == "not_reportable":
        report.error(line, 'a not_reportable line is a mapping: {code: R52, why: "..."}')
        return 0
    else:
        code, code_line, alternates, optional = value, line, [], False
    if code is None:
        return 0
    for position, candidate in enumerate([code, *alternates]):
        where = code_line if position == 0 else report.line(*at, "alternates", position - 1)
        _key_code(kind, candidate, where, report, checker, item)
    return 0 if optional or kind == "not_reportable" else 1


def _procedure_extras(
    value: dict[Any, Any], at: tuple[Any, ...], report: _Report, checker: CodeChecker | None
) -> None:
    if "units" in value:
        units = value["units"]
        if not _is_int(units) or units < 1:
            report.error(report.line(*at, "units"), "units must be a whole number, 1 or more")
    if "modifiers" in value:
        modifiers = value["modifiers"]
        if not isinstance(modifiers, list):
            report.error(report.line(*at, "modifiers"), "modifiers must be a list, e.g. modifiers: [RT]")
            return
        for index, modifier in enumerate(modifiers):
            line = report.line(*at, "modifiers", index)
            text = str(modifier).zfill(2) if _is_int(modifier) else str(modifier).strip().upper()
            if not is_modifier_shape(text):
                report.error(line, f"{modifier!r} is not a modifier: modifiers are two letters or digits")
            elif checker is not None:
                check = checker.check("modifier", text)
                if not check.reportable:
                    report.error(line, check.message)


def _key_code(
    kind: str, code: Any, line: int, report: _Report, checker: CodeChecker | None, item: CaseItem
) -> None:
    """One code (or alternate) of a key line: a string, of the code set of its list."""
    if not isinstance(code, str):
        report.error(line, _code_hint(kind, code))
        return
    if not code.strip():
        report.error(line, "the code is empty")
        return
    rule = _KEY_CODE_RULES.get(kind)
    if rule is not None:
        rule(code, line, report, checker)


def _diagnosis_code(code: str, line: int, report: _Report, checker: CodeChecker | None) -> None:
    """key.diagnoses: an ICD-10-CM code, valid for reporting."""
    if not looks_like_icd10cm(code):
        report.error(line, f"{code} is not an ICD-10-CM code")
        return
    if checker is not None:
        check = checker.check("icd10cm", code)
        if not check.reportable:
            report.error(line, f"{check.code} is not valid for reporting: {check.message}")


def _procedure_code(code: str, line: int, report: _Report, checker: CodeChecker | None) -> None:
    """key.procedures: a CPT or HCPCS Level II code, valid for reporting."""
    system = classify_procedure_code(code)
    if system is None:
        report.error(
            line,
            f"{code} is not a CPT code (5 digits, or 4 digits and F or T) or a HCPCS Level II "
            "code (a letter A-V and 4 digits)",
        )
        return
    if checker is not None:
        check = checker.check(system, code)
        if not check.reportable:
            report.error(line, check.message)


def _pcs_code(code: str, line: int, report: _Report, checker: CodeChecker | None) -> None:
    """key.pcs: an ICD-10-PCS code, valid for reporting (its shape only without a checker)."""
    if checker is not None:
        check = checker.check("pcs", code)
        if not check.reportable:
            report.error(line, check.message)
    elif not is_pcs_shape(code.strip().upper()):
        report.error(line, f"{code} is not an ICD-10-PCS code: 7 characters, digits and letters except I and O")


def _not_reportable_code(code: str, line: int, report: _Report, checker: CodeChecker | None) -> None:
    """key.not_reportable: a code of any code set that exists (it need not be reportable); an
    ICD-10-PCS code need only be well formed (a combination no table row allows is a wrong answer
    learners build, and the grader already says it is not a valid code)."""
    text = code.strip().upper()
    procedure_shape = is_cpt_shape(text) or is_hcpcs_shape(text) or is_pcs_shape(text)
    if not procedure_shape and looks_like_icd10cm(text):
        if checker is not None:
            check = checker.check("icd10cm", text)
            if not check.exists:
                report.error(line, check.message)
    elif not procedure_shape:
        report.error(line, f"{code} is not a code of any code set")
    elif checker is not None:
        if is_hcpcs_shape(text) and looks_like_icd10cm(normalize_icd10cm(text)):
            return  # J1100 or J11.00: either may be meant
        system = classify_procedure_code(text) or "pcs"
        if system == "pcs" and is_pcs_shape(text):
            return  # a learner builds PCS codes from the tables: a combination no table allows is a likely wrong answer too
        check = checker.check(system, text)
        if not check.exists:
            report.error(line, check.message)


_KEY_CODE_RULES: dict[str, Callable[[str, int, _Report, CodeChecker | None], None]] = {
    "diagnoses": _diagnosis_code,
    "procedures": _procedure_code,
    "pcs": _pcs_code,
    "not_reportable": _not_reportable_code,
}


# --- blueprints -------------------------------------------------------------------------------


def validate_blueprint(
    blueprint: Blueprint, *, name: str | None = None, topics: Collection[str] | None = None
) -> list[Problem]:
    """Keys, counts and topics of one blueprint; ``name`` is the file's stem (CPC.yaml -> CPC)."""
    source = blueprint.source_info or SourceInfo(path=blueprint.path)
    report = _Report(blueprint.path, source)
    raw = dict(source.raw)
    report.keys(raw, BLUEPRINT_REQUIRED, BLUEPRINT_OPTIONAL, (), "")
    exam = raw.get("exam")
    if exam is not None and name is not None and exam != name:
        report.error(report.line("exam"), f"exam '{exam}' does not match the file name {name}.yaml")
    _blueprint_numbers(raw, report)
    for key in ("title", "source"):
        if raw.get(key) is not None and not (isinstance(raw[key], str) and raw[key].strip()):
            report.error(report.line(key), f"{key} must be text")
    if raw.get("sections") is not None:
        _sections(raw["sections"], report, topics)
    return report.problems


def _blueprint_numbers(raw: dict[Any, Any], report: _Report) -> None:
    """``minutes``, ``warn_at_minutes_left`` (less than minutes), ``pass_percent`` and
    ``pace_minutes_per_question``."""
    for key, least in (("minutes", 1), ("warn_at_minutes_left", 0)):
        if raw.get(key) is not None and (not _is_int(raw[key]) or raw[key] < least):
            report.error(report.line(key), f"{key} must be a {'positive ' if key == 'minutes' else ''}whole number")
    minutes: Any = raw.get("minutes")
    warn: Any = raw.get("warn_at_minutes_left")
    if _is_int(minutes) and _is_int(warn) and warn >= minutes:
        report.error(report.line("warn_at_minutes_left"), "warn_at_minutes_left must be less than minutes")
    value = raw.get("pass_percent")
    if value is not None and (not _is_number(value) or not 0 < value <= 100):
        report.error(report.line("pass_percent"), "pass_percent must be a number above 0 and at most 100")
    pace: Any = raw.get("pace_minutes_per_question")
    if "pace_minutes_per_question" in raw and (not _is_number(pace) or pace <= 0):
        report.error(report.line("pace_minutes_per_question"), "pace_minutes_per_question must be a positive number")


def _sections(sections: Any, report: _Report, topics: Collection[str] | None) -> None:
    """``sections``: a non-empty list of section mappings with distinct keys."""
    if not isinstance(sections, list) or not sections:
        report.error(report.line("sections"), "sections must be a non-empty list")
        return
    seen: dict[str, int] = {}
    for index, section in enumerate(sections):
        at = ("sections", index)
        if not isinstance(section, dict):
            report.error(report.line(*at), "a section is a mapping: key, title, questions or cases, topics, confirmed")
            continue
        report.keys(section, SECTION_REQUIRED, SECTION_OPTIONAL, at, "section")
        section_key = section.get("key")
        if isinstance(section_key, str):
            if section_key in seen:
                report.error(
                    report.line(*at, "key"),
                    f"section key '{section_key}' is used twice (first at line {seen[section_key]})",
                )
            seen.setdefault(section_key, report.line(*at, "key"))
        _section_counts(section, at, report)
        if "topics" in section:
            _section_topics(section["topics"], at, report, topics)


def _section_counts(section: dict[Any, Any], at: tuple[Any, ...], report: _Report) -> None:
    """``questions`` and ``cases``: whole numbers, not both 0; ``confirmed``: true or false."""
    questions, cases = section.get("questions", 0), section.get("cases", 0)
    for field_name, count in (("questions", questions), ("cases", cases)):
        if field_name in section and (not _is_int(count) or count < 0):
            report.error(report.line(*at, field_name), f"{field_name} must be a whole number, 0 or more")
    if _is_int(questions) and _is_int(cases) and questions <= 0 and cases <= 0:
        report.error(report.line(*at), "a section asks for a positive number of questions or cases")
    if "confirmed" in section and not isinstance(section["confirmed"], bool):
        report.error(report.line(*at, "confirmed"), "confirmed must be true or false")


def _section_topics(
    section_topics: Any, at: tuple[Any, ...], report: _Report, topics: Collection[str] | None
) -> None:
    """A section's ``topics``: a non-empty list of keys of topics.yaml."""
    if not isinstance(section_topics, list) or not section_topics:
        report.error(report.line(*at, "topics"), "topics must be a non-empty list of topic keys")
    elif topics is not None:
        for t_index, topic in enumerate(section_topics):
            if not isinstance(topic, str):
                report.error(report.line(*at, "topics", t_index), f"a topic key must be text, not {type(topic).__name__}")
            elif topic not in topics:
                report.error(
                    report.line(*at, "topics", t_index),
                    f"unknown topic '{topic}' (not in topics.yaml)" + did_you_mean(str(topic), topics),
                )


def blueprint_coverage(bank: Bank, exam: str, blueprint: Blueprint) -> list[Problem]:
    """A warning per section the bank's published items cannot fill (items reserved for the
    careers diagnostic are never drawn in an exam, so they do not count)."""
    problems: list[Problem] = []
    source = blueprint.source_info
    for index, section in enumerate(blueprint.sections):
        line = source.line("sections", index) if source else 1
        wanted = set(section.topics)
        for kind, need in (("mcq", section.questions), ("case", section.cases)):
            if need <= 0:
                continue
            have = sum(
                1
                for item in bank.items
                if item.status == ItemStatus.PUBLISHED
                and item.reserve != "diagnostic"
                and item.type == kind
                and exam in item.exams
                and item.topic in wanted
            )
            if have < need:
                noun = "questions" if kind == "mcq" else "cases"
                problems.append(
                    Problem(
                        blueprint.path,
                        line,
                        f"section '{section.key}' needs {need} {noun} but the bank has {have} published "
                        f"{'MCQ items' if kind == 'mcq' else 'cases'} for {exam} in its topics",
                        "warning",
                    )
                )
    return problems


# --- a whole bank -----------------------------------------------------------------------------


def validate_bank(bank: Bank, checker: CodeChecker | None = None) -> list[Problem]:
    """Every item, duplicate ids, blueprints and their coverage. Parse problems are not
    included (``load_bank`` returns them; ``check_bank`` joins both)."""
    problems: list[Problem] = []
    topics = set(bank.topics) if bank.topics else None
    exams = bank.exams
    first: dict[str, Item] = {}
    for item in bank.items:
        problems.extend(validate_item(item, topics=topics, exams=exams, checker=checker))
        if item.id:
            if item.id in first:
                other = first[item.id]
                other_line = other.source.line("id") if other.source else 1
                line = item.source.line("id") if item.source else 1
                problems.append(
                    Problem(item.path, line, f"duplicate id '{item.id}' (also in {other.path}:{other_line})")
                )
            else:
                first[item.id] = item
    for name, blueprint in bank.blueprints.items():
        problems.extend(validate_blueprint(blueprint, name=name, topics=topics))
        problems.extend(blueprint_coverage(bank, name, blueprint))
    return problems


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.path, p.line, p.severity != "error"))


def check_bank(root: Path | str, checker: CodeChecker | None = None) -> tuple[Bank, list[Problem]]:
    """Parse and validate a bank directory; problems sorted by path and line."""
    bank, problems = load_bank(root)
    return bank, sort_problems([*problems, *validate_bank(bank, checker)])


def find_bank_root(path: Path | str) -> Path | None:
    """The nearest directory at or above ``path`` that holds a topics.yaml."""
    current = Path(path).resolve()
    for candidate in (current, *current.parents):
        if (candidate / "topics.yaml").is_file():
            return candidate
    return None


def _bank_context(path: Path) -> tuple[set[str] | None, tuple[str, ...], Path | None]:
    root = find_bank_root(path.parent)
    if root is None:
        return None, DEFAULT_EXAMS, None
    topics: set[str] | None = None
    text, _ = read_text(root / "topics.yaml")
    if text is not None:
        parsed, _ = parse_topics(text, str(root / "topics.yaml"))
        topics = set(parsed) or None
    exams = (
        tuple(sorted(p.stem for p in (root / "blueprints").glob("*.yaml")))
        if (root / "blueprints").is_dir()
        else ()
    )
    return topics, exams or DEFAULT_EXAMS, root


def validate_item_file(
    path: Path | str,
    checker: CodeChecker | None = None,
    *,
    topics: Collection[str] | None = None,
    exams: Collection[str] | None = None,
) -> list[Problem]:
    """Parse and validate one item file. Topics and exams default to those of the bank the
    file lives in (found by looking for topics.yaml above it)."""
    file = Path(path)
    if topics is None or exams is None:
        found_topics, found_exams, _ = _bank_context(file)
        topics = found_topics if topics is None else topics
        exams = found_exams if exams is None else exams
    item, problems = parse_item_file(file)
    if item is not None:
        problems.extend(validate_item(item, topics=topics, exams=exams, checker=checker))
    return sort_problems(problems)


def validate_path(path: Path | str, checker: CodeChecker | None = None) -> list[Problem]:
    """``bank validate [PATH]``: a bank directory, one item file, topics.yaml or a blueprint."""
    target = Path(path)
    if target.is_dir():
        return check_bank(target, checker)[1]
    if not target.exists():
        return [Problem(str(target), 1, "no such file or directory")]
    if target.suffix in (".yaml", ".yml"):
        text, problems = read_text(target)
        if text is None:
            return problems
        if target.name == "topics.yaml":
            return sort_problems(parse_topics(text, str(target))[1])
        topics, _, _ = _bank_context(target)
        blueprint, problems = parse_blueprint(text, str(target))
        if blueprint is not None:
            problems.extend(validate_blueprint(blueprint, name=target.stem, topics=topics))
        return sort_problems(problems)
    return validate_item_file(target, checker)


__all__ = [
    "blueprint_coverage",
    "check_bank",
    "did_you_mean",
    "find_bank_root",
    "has_errors",
    "icd10cm_codes_in_option",
    "load_yaml",
    "sort_problems",
    "validate_bank",
    "validate_blueprint",
    "validate_item",
    "validate_item_file",
    "validate_path",
]
