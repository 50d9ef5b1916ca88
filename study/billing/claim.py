"""The CMS-1500 claim of the billing exercises (bank format, "The claim (CMS-1500) fields").

- ``FIELDS`` / ``LINE_FIELDS``: one ``FieldSpec`` per top-level key and per service-line field
  (box, label, kind, choices);
- ``ServiceLine`` / ``Claim``: frozen values; a field the learner typed junk into keeps the raw text
  (a date that is no date stays a ``str``) so that ``format_problems`` can report it;
- ``parse_claim(raw, require_all=...)``: a claim written in YAML (a key, or a scrubber's claim) and
  its structural problems;
- ``claim_from_form(form)``: the learner's HTML form (never raises);
- ``format_problems(claim, code_problem)``: NPIs, real dates, places of service, modifiers, pointers,
  the total and the codes (the caller wires the code-set checker);
- ``normalise(path, value)``: the comparable form of a field's value (what the graders compare);
- ``field_paths`` / ``value_at`` / ``display``: field paths (``insurance_type``, ``diagnoses``,
  ``lines.2.pointers``; ``diagnoses.B`` names one diagnosis) and their display text.

Pure: no Flask, no database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from study.billing import npi as npi_check
from study.codes.loaders import load_modifier_list
from study.codes.normalize import normalize_cpt, normalize_icd10cm, normalize_modifier

__all__ = [
    "CENT",
    "DIAGNOSIS_LETTERS",
    "FIELDS",
    "LINE_FIELDS",
    "MAX_DIAGNOSES",
    "MAX_LINES",
    "MAX_MODIFIERS",
    "MAX_POINTERS",
    "Claim",
    "FieldSpec",
    "ServiceLine",
    "box_of",
    "claim_from_form",
    "display",
    "field_paths",
    "format_problems",
    "label_of",
    "load_place_of_service",
    "normalise",
    "parse_claim",
    "spec_of",
    "value_at",
]

CENT = Decimal("0.01")
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
MAX_DIAGNOSES = 12
MAX_LINES = 6
MAX_MODIFIERS = 4
MAX_POINTERS = 4
#: The resource read by ``load_place_of_service`` (inside the ``study.billing`` package).
POS_FILE = "data/pos.yaml"

_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_STATE_RE = re.compile(r"[A-Z]{2}")
_LINE_PATH_RE = re.compile(r"lines\.([1-9]\d*)\.([a-z_]+)")
_DIAGNOSIS_PATH_RE = re.compile(r"diagnoses\.([A-L])")


@dataclass(frozen=True)
class FieldSpec:
    """One claim field. ``kind`` selects its normalisation and format check:

    ``choice`` (one of ``choices``), ``yesno``, ``emg`` (``yes`` or blank), ``id`` (spaces and hyphens
    ignored, case-insensitive), ``name`` (``LAST, FIRST M``), ``text``, ``state``, ``date``,
    ``amount``, ``npi``, ``tax_id``, ``phone``, ``diagnoses``, ``lines``, ``pos``, ``code``,
    ``modifiers``, ``pointers``, ``units``.
    """

    key: str
    box: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()


def _spec(key: str, box: str, label: str, kind: str, *choices: str) -> FieldSpec:
    return FieldSpec(key, box, label, kind, tuple(choices))


_YESNO = ("yes", "no")
INSURANCE_TYPES = ("medicare", "medicaid", "tricare", "champva", "group", "feca", "other")

#: The top-level keys of a claim, in form order.
FIELDS: Mapping[str, FieldSpec] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            _spec("insurance_type", "1", "type of insurance", "choice", *INSURANCE_TYPES),
            _spec("insured_id", "1a", "insured's ID number", "id"),
            _spec("patient_name", "2", "patient's name", "name"),
            _spec("patient_dob", "3", "patient's date of birth", "date"),
            _spec("patient_sex", "3", "patient's sex", "choice", "M", "F"),
            _spec("insured_name", "4", "insured's name", "name"),
            _spec("relationship", "6", "patient's relationship to the insured", "choice", "self", "spouse", "child", "other"),
            _spec("other_insured_name", "9", "other insured's name", "name"),
            _spec("other_policy", "9a", "other insured's policy or group number", "id"),
            _spec("other_plan", "9d", "other insured's plan name", "text"),
            _spec("employment", "10a", "condition related to employment", "yesno", *_YESNO),
            _spec("auto_accident", "10b", "condition related to an auto accident", "yesno", *_YESNO),
            _spec("accident_state", "10b", "state where the auto accident happened", "state"),
            _spec("other_accident", "10c", "condition related to another accident", "yesno", *_YESNO),
            _spec("insured_group", "11", "insured's policy group number", "id"),
            _spec("plan_name", "11c", "insurance plan name", "text"),
            _spec("other_plan_exists", "11d", "another health benefit plan", "yesno", *_YESNO),
            _spec("referring_qualifier", "17", "referring provider qualifier", "choice", "DN", "DK", "DQ", ""),
            _spec("referring_name", "17", "referring provider's name", "provider"),
            _spec("referring_npi", "17b", "referring provider's NPI", "npi"),
            _spec("icd_indicator", "21", "ICD indicator", "choice", "0"),
            _spec("diagnoses", "21", "diagnoses (A–L)", "diagnoses"),
            _spec("resubmission_code", "22", "resubmission code", "choice", "", "7", "8"),
            _spec("original_ref", "22", "original claim reference number", "id"),
            _spec("prior_auth", "23", "prior authorization number", "id"),
            _spec("lines", "24", "service lines", "lines"),
            _spec("tax_id", "25", "federal tax ID number", "tax_id"),
            _spec("tax_id_type", "25", "tax ID type", "choice", "EIN", "SSN"),
            _spec("accept_assignment", "27", "accept assignment", "yesno", *_YESNO),
            _spec("total_charge", "28", "total charge", "amount"),
            _spec("facility_name", "32", "service facility name", "text"),
            _spec("facility_address", "32", "service facility address", "text"),
            _spec("facility_npi", "32a", "service facility NPI", "npi"),
            _spec("billing_name", "33", "billing provider name", "text"),
            _spec("billing_address", "33", "billing provider address", "text"),
            _spec("billing_phone", "33", "billing provider phone", "phone"),
            _spec("billing_npi", "33a", "billing provider NPI", "npi"),
        )
    }
)

#: The fields of a service line (box 24), in form order.
LINE_FIELDS: Mapping[str, FieldSpec] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            _spec("from", "24A", "date of service (from)", "date"),
            _spec("to", "24A", "date of service (to)", "date"),
            _spec("pos", "24B", "place of service", "pos"),
            _spec("emg", "24C", "emergency indicator", "emg", "yes", ""),
            _spec("code", "24D", "procedure code", "code"),
            _spec("modifiers", "24D", "modifiers", "modifiers"),
            _spec("pointers", "24E", "diagnosis pointers", "pointers"),
            _spec("charges", "24F", "charges", "amount"),
            _spec("units", "24G", "days or units", "units"),
            _spec("npi", "24J", "rendering provider NPI", "npi"),
        )
    }
)

#: Optional keys of a claim: left out, they are blank (every other key is required when ``require_all``).
_OPTIONAL_BLANK = frozenset(
    {
        "other_insured_name",
        "other_policy",
        "other_plan",
        "accident_state",
        "insured_group",
        "referring_qualifier",
        "referring_name",
        "referring_npi",
        "resubmission_code",
        "original_ref",
        "prior_auth",
        "facility_npi",
    }
)

Scalar = str | date | Decimal | int


@dataclass(frozen=True)
class ServiceLine:
    """One line of box 24. ``from_`` is the ``from`` field. A value that could not be read keeps its
    raw text (``from_`` is a ``date`` or the text typed, ``charges`` a ``Decimal`` or text, ``units``
    an ``int`` or text)."""

    from_: date | str = ""
    to: date | str = ""
    pos: str = ""
    emg: str = ""
    code: str = ""
    modifiers: tuple[str, ...] = ()
    pointers: tuple[str, ...] = ()
    charges: Decimal | str = ""
    units: int | str = ""
    npi: str = ""

    def get(self, name: str) -> object:
        """The value of the line field ``name`` (``"from"`` included)."""
        if name not in LINE_FIELDS:
            raise KeyError(name)
        return getattr(self, "from_" if name == "from" else name)

    def is_blank(self) -> bool:
        return all(_blank(self.get(name)) for name in LINE_FIELDS)


@dataclass(frozen=True)
class Claim:
    """A CMS-1500 claim. Text fields hold the text as written (``""`` is a blank box); ``yesno`` fields
    hold ``"yes"``, ``"no"`` or the raw text; ``patient_dob`` a ``date`` or raw text;
    ``total_charge`` a ``Decimal`` (cents) or raw text; ``diagnoses`` the codes in letter order (A is
    the first; a blank letter between filled ones is ``""``)."""

    insurance_type: str = ""
    insured_id: str = ""
    patient_name: str = ""
    patient_dob: date | str = ""
    patient_sex: str = ""
    insured_name: str = ""
    relationship: str = ""
    other_insured_name: str = ""
    other_policy: str = ""
    other_plan: str = ""
    employment: str = ""
    auto_accident: str = ""
    accident_state: str = ""
    other_accident: str = ""
    insured_group: str = ""
    plan_name: str = ""
    other_plan_exists: str = ""
    referring_qualifier: str = ""
    referring_name: str = ""
    referring_npi: str = ""
    icd_indicator: str = ""
    diagnoses: tuple[str, ...] = ()
    resubmission_code: str = ""
    original_ref: str = ""
    prior_auth: str = ""
    lines: tuple[ServiceLine, ...] = ()
    tax_id: str = ""
    tax_id_type: str = ""
    accept_assignment: str = ""
    total_charge: Decimal | str = ""
    facility_name: str = ""
    facility_address: str = ""
    facility_npi: str = ""
    billing_name: str = ""
    billing_address: str = ""
    billing_phone: str = ""
    billing_npi: str = ""

    def with_value(self, path: str, value: Any) -> Claim:
        """A copy with the field at ``path`` replaced (``lines.N.FIELD`` and ``diagnoses.X`` included)."""
        line_match = _LINE_PATH_RE.fullmatch(path)
        if line_match:
            index, name = int(line_match.group(1)) - 1, line_match.group(2)
            if name not in LINE_FIELDS or index >= len(self.lines):
                raise KeyError(path)
            line = replace(self.lines[index], **{"from_" if name == "from" else name: value})
            return replace(self, lines=self.lines[:index] + (line,) + self.lines[index + 1 :])
        diagnosis_match = _DIAGNOSIS_PATH_RE.fullmatch(path)
        if diagnosis_match:
            index = DIAGNOSIS_LETTERS.index(diagnosis_match.group(1))
            codes = list(self.diagnoses) + [""] * max(0, index + 1 - len(self.diagnoses))
            codes[index] = value
            return replace(self, diagnoses=tuple(codes))
        if path not in FIELDS:
            raise KeyError(path)
        return replace(self, **{path: value})


assert [f.name for f in fields(Claim)] == list(FIELDS)
assert [("from" if f.name == "from_" else f.name) for f in fields(ServiceLine)] == list(LINE_FIELDS)


# --- the place-of-service list --------------------------------------------------------------


@functools.cache
def _places() -> Mapping[str, str]:
    text = resources.files("study.billing").joinpath(POS_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{POS_FILE}: expected a mapping of quoted two-digit codes to descriptions")
    return MappingProxyType(dict(data))


def load_place_of_service() -> dict[str, str]:
    """``{"11": "A physician's or other practitioner's office", ...}`` (a fresh dict; read once)."""
    return dict(_places())


@functools.cache
def _modifiers() -> frozenset[str]:
    return frozenset(load_modifier_list())


# --- reading values ---------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or value == "" or value == () or value == []


def _text(value: object) -> str:
    """YAML scalars as text: ``None`` is blank, booleans ``yes``/``no``, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return str(value).strip()


def _read_date(value: object) -> date | str:
    """A ``date`` from ``MM/DD/YYYY`` (or a YAML date); otherwise the raw text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE_RE.fullmatch(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return text
    return text


def _read_amount(value: object) -> Decimal | str:
    """A ``Decimal`` of cents from ``125``, ``125.5``, ``"$1,250.00"``; with more than two decimals or
    not a number, the raw text."""
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace("$", "").replace(",", "").strip()
        if not text:
            return ""
        try:
            number = Decimal(text)
        except InvalidOperation:
            return _text(value)
    if not number.is_finite():
        return _text(value)
    if number != number.quantize(CENT):
        return _text(value)
    return number.quantize(CENT)


def _read_units(value: object) -> int | str:
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if text.isascii() and text.isdigit():
        return int(text)
    return text


def _read_yesno(value: object) -> str:
    text = _text(value).lower()
    return {"y": "yes", "true": "yes", "n": "no", "false": "no"}.get(text, text)


def _read_emg(value: object) -> str:
    if value is False:
        return ""
    text = _read_yesno(value)
    return "" if text == "no" else text


def _read_pos(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    return _text(value)


def _read_choice(spec: FieldSpec, value: object) -> str:
    text = _text(value)
    for choice in spec.choices:
        if text.casefold() == choice.casefold():
            return choice
    return text


def _split_modifiers(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,;]+", text.strip()) if part)


def _split_pointers(text: str) -> tuple[str, ...]:
    return tuple(char.upper() for char in re.sub(r"[\s,;]+", "", text))


def _read_scalar(spec: FieldSpec, value: object) -> Scalar:
    if spec.kind == "date":
        return _read_date(value)
    if spec.kind == "amount":
        return _read_amount(value)
    if spec.kind == "units":
        return _read_units(value)
    if spec.kind == "yesno":
        return _read_yesno(value)
    if spec.kind == "emg":
        return _read_emg(value)
    if spec.kind == "pos":
        return _read_pos(value)
    if spec.kind == "choice":
        return _read_choice(spec, value)
    if spec.kind == "code":
        return _text(value).upper()
    return _text(value)


def _read_list(value: object, split: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(_text(item) for item in value)
    return split(_text(value))


# --- parsing a claim written in YAML --------------------------------------------------------


def _scalar_problem(spec: FieldSpec, raw: object, value: object) -> str | None:
    """The structural problem of a scalar (format checks such as impossible dates are not here)."""
    if isinstance(raw, (list, dict)):
        return "must be a single value, not a list or mapping"
    if spec.kind in ("choice", "yesno", "emg") and value not in spec.choices:
        if spec.kind == "choice" and value == "" and spec.key in _OPTIONAL_BLANK:
            return None
        return f"{_text(raw)!r} is not one of: " + ", ".join(repr(choice) for choice in spec.choices)
    if spec.kind == "date" and isinstance(value, str) and value and not _DATE_RE.fullmatch(value):
        return f"{value!r} is not a date written MM/DD/YYYY"
    if spec.kind == "amount" and isinstance(value, str) and value:
        return f"{value!r} is not an amount in dollars and cents (at most two decimals)"
    if spec.kind == "units" and (not isinstance(value, int) or value < 1):
        return f"{_text(raw)!r} is not a whole number of units, 1 or more"
    if spec.kind == "state" and value and not _STATE_RE.fullmatch(str(value)):
        return f"{value!r} is not a two-letter state code"
    return None


def _parse_line(raw: object, where: str, problems: list[tuple[str, str]], require_all: bool) -> ServiceLine:
    if not isinstance(raw, Mapping):
        problems.append((where, "a service line must be a mapping of its fields"))
        return ServiceLine()
    values: dict[str, object] = {}
    for key in raw:
        if key not in LINE_FIELDS:
            problems.append((f"{where}.{key}", f"unknown service-line field {key!r}"))
    for name, spec in LINE_FIELDS.items():
        path = f"{where}.{name}"
        if name not in raw:
            if require_all and name not in ("emg", "modifiers"):
                problems.append((path, "missing"))
            continue
        item = raw[name]
        attr = "from_" if name == "from" else name
        if spec.kind in ("modifiers", "pointers"):
            if not _blank(item) and not isinstance(item, (list, tuple)):
                problems.append((path, "must be a list"))
            items = _read_list(item, _split_modifiers if spec.kind == "modifiers" else _split_pointers)
            if spec.kind == "pointers":
                items = tuple(p.upper() for p in items)
            values[attr] = items
            limit = MAX_MODIFIERS if spec.kind == "modifiers" else MAX_POINTERS
            if len(items) > limit:
                problems.append((path, f"at most {limit} {spec.label}"))
            if spec.kind == "pointers" and require_all and not items:
                problems.append((path, "at least one diagnosis pointer"))
            continue
        values[attr] = _read_scalar(spec, item)
        if name == "units" and _blank(item) and not require_all:
            continue
        problem = _scalar_problem(spec, item, values[attr])
        if problem:
            problems.append((path, problem))
    return ServiceLine(**values)  # type: ignore[arg-type]


def parse_claim(raw: Mapping[str, Any], *, require_all: bool) -> tuple[Claim | None, list[tuple[str, str]]]:
    """Read a claim written as the bank format's mapping: ``(claim, problems)``.

    Problems are ``(field path, message)``: unknown keys, values that are not one of the field's
    choices, dates not written ``MM/DD/YYYY``, amounts with more than two decimals, units that are
    not a whole number >= 1, more than 12 diagnoses / 6 lines / 4 modifiers or pointers a line,
    pointers that name no filled diagnosis, and (``require_all``) missing keys (the optional ones of
    ``_OPTIONAL_BLANK``, a line's ``emg`` and ``modifiers`` may be left out: blank).

    The claim is built whenever ``raw`` is a mapping, even with problems: a value that could not be
    read keeps its raw text, so a scrubber's planted error stays visible. It is ``None`` only when
    ``raw`` is not a mapping. Format checks (NPI check digits, impossible dates, unknown places of
    service or modifiers, the total, the codes) are ``format_problems``'s.
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(raw, Mapping):
        return None, [("", "a claim must be a mapping of its fields")]
    values: dict[str, object] = {}
    for key in raw:
        if key not in FIELDS:
            problems.append((str(key), f"unknown claim field {key!r}"))
    for key, spec in FIELDS.items():
        if key not in raw:
            if require_all and key not in _OPTIONAL_BLANK:
                problems.append((key, "missing"))
            continue
        item = raw[key]
        if spec.kind == "diagnoses":
            if not isinstance(item, (list, tuple)):
                if not _blank(item):
                    problems.append((key, "must be a list of ICD-10-CM codes"))
                values[key] = ()
                continue
            values[key] = tuple(_text(code).upper() for code in item)
            if len(item) > MAX_DIAGNOSES:
                problems.append((key, f"at most {MAX_DIAGNOSES} diagnoses (A–L)"))
            continue
        if spec.kind == "lines":
            if not isinstance(item, (list, tuple)) or not item:
                problems.append((key, "must be a list of 1 to 6 service lines"))
                values[key] = ()
                continue
            if len(item) > MAX_LINES:
                problems.append((key, f"at most {MAX_LINES} service lines"))
            values[key] = tuple(_parse_line(line, f"lines.{n}", problems, require_all) for n, line in enumerate(item, 1))
            continue
        values[key] = _read_scalar(spec, item)
        problem = _scalar_problem(spec, item, values[key])
        if problem:
            problems.append((key, problem))
    claim = Claim(**values)  # type: ignore[arg-type]
    problems.extend(_pointer_problems(claim))
    return claim, problems


def _pointer_problems(claim: Claim) -> list[tuple[str, str]]:
    found = []
    for n, line in enumerate(claim.lines, 1):
        for pointer in line.pointers:
            message = _pointer_message(claim, pointer)
            if message:
                found.append((f"lines.{n}.pointers", message))
                break
    return found


def _pointer_message(claim: Claim, pointer: str) -> str | None:
    if len(pointer) != 1 or pointer not in DIAGNOSIS_LETTERS:
        return f"pointer {pointer!r} is not a letter A–L"
    index = DIAGNOSIS_LETTERS.index(pointer)
    if index >= len(claim.diagnoses) or not claim.diagnoses[index].strip():
        return f"pointer {pointer} names an empty diagnosis (box 21 {pointer} is blank)"
    return None


# --- the learner's form ---------------------------------------------------------------------


def claim_from_form(form: Mapping[str, str], line_count: int = MAX_LINES) -> Claim:
    """The claim the learner typed. Field names: the top-level keys, ``diagnoses-A`` ..
    ``diagnoses-L``, ``lines-N-FIELD`` (N = 1..``line_count``; ``lines-N-modifiers`` up to four
    separated by spaces or commas; ``lines-N-pointers`` letters like ``A B``, ``AB`` or ``A,B``).

    Blank lines are dropped; trailing blank diagnoses too (a blank letter between filled ones stays
    ``""`` so that the letters keep their meaning). Never raises: text that cannot be read stays as
    typed, for ``format_problems`` to report.
    """

    def get(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else _text(value)

    values: dict[str, object] = {}
    for key, spec in FIELDS.items():
        if spec.kind in ("diagnoses", "lines"):
            continue
        values[key] = _read_scalar(spec, get(key))
    codes = [get(f"diagnoses-{letter}").strip().upper() for letter in DIAGNOSIS_LETTERS]
    while codes and not codes[-1]:
        codes.pop()
    values["diagnoses"] = tuple(codes)
    lines = []
    for n in range(1, max(0, line_count) + 1):
        line_values: dict[str, object] = {}
        for name, spec in LINE_FIELDS.items():
            attr = "from_" if name == "from" else name
            text = get(f"lines-{n}-{name}")
            if spec.kind == "modifiers":
                line_values[attr] = tuple(part.upper() for part in _split_modifiers(text))
            elif spec.kind == "pointers":
                line_values[attr] = _split_pointers(text)
            elif spec.kind == "units" and not text.strip():
                line_values[attr] = ""
            else:
                line_values[attr] = _read_scalar(spec, text)
        line = ServiceLine(**line_values)  # type: ignore[arg-type]
        if not line.is_blank():
            lines.append(line)
    values["lines"] = tuple(lines)
    return Claim(**values)  # type: ignore[arg-type]


def form_values(claim: Claim) -> dict[str, str]:
    """The form fields that ``claim_from_form`` reads back as ``claim`` (a key shown in the form,
    an instructor's try-an-answer filled with the key)."""
    values: dict[str, str] = {}
    for key, spec in FIELDS.items():
        if spec.kind in ("diagnoses", "lines"):
            continue
        value = value_at(claim, key)
        values[key] = "" if _blank(value) else display(key, value)
    for letter, code in zip(DIAGNOSIS_LETTERS, claim.diagnoses, strict=False):
        values[f"diagnoses-{letter}"] = code
    for n, line in enumerate(claim.lines, 1):
        for name in LINE_FIELDS:
            value = line.get(name)
            values[f"lines-{n}-{name}"] = "" if _blank(value) else display(f"lines.{n}.{name}", value)
    return values


# --- format checks --------------------------------------------------------------------------


def _date_problem(value: object) -> str | None:
    if isinstance(value, date) or value == "":
        return None
    text = str(value)
    if _DATE_RE.fullmatch(text):
        return f"{text} is not a real date"
    return f"{text!r} is not a date written MM/DD/YYYY"


def _npi_problem(value: str) -> str | None:
    if not value:
        return None
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return f"{value!r} is not an NPI (10 digits)"
    if not npi_check.is_valid(digits):
        return f"{value} fails the NPI check digit (the last digit should be {npi_check.check_digit(digits[:9])})"
    return None


def format_problems(claim: Claim, code_problem: Callable[[str, str], str | None]) -> dict[str, str]:
    """Field path -> message for every field failing the format checks: NPIs failing the check
    digit, impossible dates, unknown places of service, unknown modifiers, pointers outside A–L or
    naming an empty diagnosis, a total not equal to the sum of the charges, and codes:
    ``code_problem("icd10cm", code)`` for each diagnosis (path ``diagnoses.X``) and
    ``code_problem("cpt_hcpcs", code)`` for each line's code return a message or None.
    Required-but-blank fields are not reported here (``parse_claim(require_all=True)`` does)."""
    found = _top_level_problems(claim)
    for index, code in enumerate(claim.diagnoses):
        letter = DIAGNOSIS_LETTERS[index] if index < len(DIAGNOSIS_LETTERS) else str(index + 1)
        if code.strip():
            message = code_problem("icd10cm", normalize_icd10cm(code))
            if message:
                found[f"diagnoses.{letter}"] = message
    if len(claim.diagnoses) > MAX_DIAGNOSES:
        found["diagnoses"] = f"at most {MAX_DIAGNOSES} diagnoses (A–L)"
    for n, line in enumerate(claim.lines, 1):
        found.update(_line_problems(claim, line, f"lines.{n}", code_problem))
    charges = [line.charges for line in claim.lines]
    if isinstance(claim.total_charge, Decimal) and charges and all(isinstance(c, Decimal) for c in charges):
        total = sum((c for c in charges if isinstance(c, Decimal)), Decimal("0.00"))
        if total != claim.total_charge:
            found["total_charge"] = f"the total {claim.total_charge:.2f} is not the sum of the line charges ({total:.2f})"
    return found


def _scalar_format_problem(spec: FieldSpec, value: object) -> str | None:
    if spec.kind == "npi":
        return _npi_problem(str(value))
    if spec.kind == "date":
        return _date_problem(value)
    if spec.kind == "amount" and isinstance(value, str) and value:
        return f"{value!r} is not an amount in dollars and cents"
    if spec.kind == "tax_id" and value:
        digits = str(value).replace("-", "").replace(" ", "")
        if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
            return f"{value!r} is not a tax ID (9 digits)"
    if spec.kind == "state" and value and not _STATE_RE.fullmatch(str(value).upper()):
        return f"{value!r} is not a two-letter state code"
    if spec.kind in ("choice", "yesno") and value and value not in spec.choices:
        return f"{value!r} is not one of: " + ", ".join(repr(choice) for choice in spec.choices if choice)
    return None


def _top_level_problems(claim: Claim) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, spec in FIELDS.items():
        problem = _scalar_format_problem(spec, getattr(claim, key))
        if problem:
            found[key] = problem
    return found


def _line_problems(claim: Claim, line: ServiceLine, where: str, code_problem: Callable[[str, str], str | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in ("from", "to", "charges", "npi"):
        problem = _scalar_format_problem(LINE_FIELDS[name], line.get(name))
        if problem:
            found[f"{where}.{name}"] = problem
    if isinstance(line.from_, date) and isinstance(line.to, date) and line.to < line.from_:
        found[f"{where}.to"] = "the last date of service is before the first"
    if line.pos and line.pos not in _places():
        found[f"{where}.pos"] = (
            f"{line.pos!r} is not one of the places of service these exercises use ({', '.join(sorted(_places()))})"
        )
    if line.emg not in ("", "yes"):
        found[f"{where}.emg"] = f"{line.emg!r}: box 24C is 'yes' or blank"
    if line.code.strip():
        message = code_problem("cpt_hcpcs", normalize_cpt(line.code))
        if message:
            found[f"{where}.code"] = message
    unknown = [m for m in line.modifiers if normalize_modifier(m) not in _modifiers()]
    if unknown:
        found[f"{where}.modifiers"] = "not in the modifier list: " + ", ".join(unknown)
    elif len(line.modifiers) > MAX_MODIFIERS:
        found[f"{where}.modifiers"] = f"at most {MAX_MODIFIERS} modifiers a line"
    messages = [message for message in (_pointer_message(claim, p) for p in line.pointers) if message]
    if messages:
        found[f"{where}.pointers"] = messages[0]
    elif len(line.pointers) > MAX_POINTERS:
        found[f"{where}.pointers"] = f"at most {MAX_POINTERS} pointers a line"
    if line.units != "" and (not isinstance(line.units, int) or line.units < 1):
        found[f"{where}.units"] = f"{line.units!r} is not a whole number of units, 1 or more"
    return found


# --- paths, normalisation, display ----------------------------------------------------------


def spec_of(path: str) -> FieldSpec:
    """The ``FieldSpec`` of a field path (``lines.2.code`` -> the ``code`` spec; ``diagnoses.B`` -> a
    one-code diagnosis spec). Raises ``KeyError`` for a path that names no field."""
    line_match = _LINE_PATH_RE.fullmatch(path)
    if line_match:
        return LINE_FIELDS[line_match.group(2)]
    diagnosis_match = _DIAGNOSIS_PATH_RE.fullmatch(path)
    if diagnosis_match:
        return FieldSpec(path, f"21{diagnosis_match.group(1)}", f"diagnosis {diagnosis_match.group(1)}", "diagnosis")
    return FIELDS[path]


def box_of(path: str) -> str:
    """``"lines.2.pointers"`` -> ``"24E"``, ``"insured_id"`` -> ``"1a"``."""
    return spec_of(path).box


def label_of(path: str) -> str:
    """A plain label: ``"line 2 diagnosis pointers"``, ``"insured's ID number"``."""
    line_match = _LINE_PATH_RE.fullmatch(path)
    if line_match:
        return f"line {line_match.group(1)} {spec_of(path).label}"
    return spec_of(path).label


def field_paths(claim: Claim) -> list[str]:
    """Every scored field path of ``claim``: the top-level keys (``diagnoses`` as one field), then
    ``lines.N.FIELD`` for each line (N from 1)."""
    paths = [key for key in FIELDS if key != "lines"]
    for n in range(1, len(claim.lines) + 1):
        paths.extend(f"lines.{n}.{name}" for name in LINE_FIELDS)
    return paths


def value_at(claim: Claim, path: str) -> object:
    """The value at ``path``. ``diagnoses.X`` is one code (``""`` beyond the filled ones). Raises
    ``KeyError`` for a path that names no field of this claim (``lines.7.code`` on a 2-line claim)."""
    line_match = _LINE_PATH_RE.fullmatch(path)
    if line_match:
        index = int(line_match.group(1)) - 1
        if index >= len(claim.lines):
            raise KeyError(path)
        return claim.lines[index].get(line_match.group(2))
    diagnosis_match = _DIAGNOSIS_PATH_RE.fullmatch(path)
    if diagnosis_match:
        index = DIAGNOSIS_LETTERS.index(diagnosis_match.group(1))
        return claim.diagnoses[index] if index < len(claim.diagnoses) else ""
    if path not in FIELDS:
        raise KeyError(path)
    return getattr(claim, path)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _normal_name(value: object) -> str:
    """``"  smith ,  jane  q. "`` -> ``"SMITH,JANE Q"``."""
    text = _text(value).upper().replace(".", " ")
    parts = [_squash(part) for part in text.split(",")]
    return ",".join(parts).strip(",")


def _normal_code(value: object) -> str:
    return normalize_icd10cm(value) if _text(value) else ""


def _as_items(value: object, split: Callable[[str], tuple[str, ...]]) -> Iterable[str]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_text(item) for item in value]
    return split(_text(value))


def normalise(path: str, value: object) -> object:
    """The comparable form of ``value`` in the field at ``path``: two values are the same answer when
    their normal forms are equal. Case and runs of spaces never matter; IDs also ignore hyphens and
    spaces; names are ``LAST,FIRST M`` (any spacing, periods dropped); dates are ``date`` objects
    (``MM/DD/YYYY`` text or a date); amounts are ``Decimal`` cents (``$`` and commas allowed); ICD
    codes with or without the dot; modifiers a ``frozenset``; pointers a ``tuple`` (order matters: the
    first is the primary diagnosis); diagnoses a tuple of codes; yes/no from booleans too. Text that
    cannot be read normalises to its squashed upper-case self (so it never equals a real value)."""
    spec = spec_of(path)
    if spec.kind == "choice":
        return _read_choice(spec, value).upper()
    return _NORMALISERS.get(spec.kind, _normal_text)(value)


def _normal_text(value: object) -> str:
    return _squash(_text(value)).upper()


def _normal_read(read: Callable[[object], object], wanted: type) -> Callable[[object], object]:
    def normal(value: object) -> object:
        result = read(value)
        return result if isinstance(result, wanted) and not isinstance(result, bool) else _normal_text(result)

    return normal


def _normal_id(value: object) -> str:
    return re.sub(r"[\s\-]+", "", _text(value)).upper()


def _normal_diagnoses(value: object) -> tuple[str, ...]:
    codes = [_normal_code(code) for code in _as_items(value, _split_modifiers)]
    while codes and not codes[-1]:
        codes.pop()
    return tuple(codes)


_NORMALISERS: Mapping[str, Callable[[object], object]] = MappingProxyType(
    {
        "date": _normal_read(_read_date, date),
        "amount": _normal_read(_read_amount, Decimal),
        "units": _normal_read(_read_units, int),
        "name": _normal_name,
        # box 17 is written first name first, with credentials ("JANE Q DOE MD"): punctuation means nothing
        "provider": lambda value: _squash(re.sub(r"[.,]", " ", _text(value).upper())),
        "id": _normal_id,
        "tax_id": _normal_id,
        "npi": _normal_id,
        "phone": lambda value: re.sub(r"[()+.]", "", _normal_id(value)),
        "yesno": _read_yesno,
        "emg": _read_emg,
        "pos": lambda value: _read_pos(value).upper(),
        "code": normalize_cpt,
        "diagnosis": _normal_code,
        "diagnoses": _normal_diagnoses,
        "modifiers": lambda value: frozenset(normalize_modifier(m) for m in _as_items(value, _split_modifiers) if m.strip()),
        "pointers": lambda value: tuple(p.strip().upper() for p in _as_items(value, _split_pointers) if p.strip()),
        "state": lambda value: _text(value).upper(),
        "lines": lambda value: tuple(value) if isinstance(value, (list, tuple)) else (),
    }
)


def display(path: str, value: object) -> str:
    """How a value reads in feedback: ``03/04/2026``, ``125.00``, ``25 59``, ``A B``,
    ``A: I10, B: S93.402A``; a blank box is ``(blank)``."""
    kind = spec_of(path).kind
    if kind == "diagnoses" and isinstance(value, (list, tuple)):
        shown = [f"{DIAGNOSIS_LETTERS[i] if i < 12 else i + 1}: {code}" for i, code in enumerate(value) if _text(code)]
        return ", ".join(shown) if shown else "(blank)"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(_text(v) for v in value) if isinstance(value, (set, frozenset)) else [_text(v) for v in value]
        return " ".join(items) if items else "(blank)"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    text = _text(value)
    return text if text else "(blank)"
