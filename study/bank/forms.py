"""The item editor's form and the bank item it makes, both ways. PURE: no Flask, no database.

A web form's values (a flat dict of strings, see ``MCQ_FIELDS`` / ``CASE_FIELDS``) become a bank
item (study.bank.model) with `item_from_form`; `form_from_item` is the inverse. `validate_draft`
writes the item in the bank format (study.bank.writer.write_item), parses it back
(study.bank.parser.parse_item: the stored text is exactly what `flask bank export` writes) and
validates it with study.bank.validate.validate_item, the same rules as `flask bank validate`; each
problem is mapped back to the form field it came from through the line numbers of the written text.
What needs the database (the topics and exams that exist, the code checker, the ids taken) comes in
as arguments: study.services.authoring passes it.

A billing exercise (``claim``, ``remittance``, ``scrubber``: ``BILLING_FIELDS``) keeps its type's own
front matter in one YAML text field, ``spec`` (``SPEC_TEMPLATES`` prefills a new one); a YAML error,
a spec that is not a mapping and an unknown top-level key are errors on ``spec``, and the validator's
problems in the spec's keys come back on ``spec`` too.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, TypedDict

import yaml

from study.bank.model import BILLING_KEYS, BILLING_TYPES, BillingItem, CaseItem, CaseKey, KeyLine, McqItem, McqOption
from study.bank.parser import billing_spec, parse_item
from study.bank.validate import validate_item
from study.bank.writer import item_relative_path, write_item
from study.codes.checking import CodeChecker
from study.deidentify import warnings_for

KINDS = ("mcq", "case", *BILLING_TYPES)
BILLING_KINDS = tuple(BILLING_TYPES)
LETTERS = "ABCDEF"
KEY_KINDS = ("diagnoses", "procedures", "pcs")
COMMON_FIELDS = ("item_id", "exams", "topic", "difficulty", "tags")
MCQ_FIELDS = COMMON_FIELDS + ("stem", "answer", "rationale") + tuple(f"option_{c}" for c in LETTERS) + tuple(
    f"why_not_{c}" for c in LETTERS
)
CASE_FIELDS = COMMON_FIELDS + ("setting", "documentation", "task", "rationale", "diagnoses", "procedures", "pcs", "not_reportable")
BILLING_FIELDS = COMMON_FIELDS + ("title", "minutes", "scenario", "spec", "rationale")
#: Markdown fields (rendered for learners): the ones the XSS test pushes payloads through.
MARKDOWN_FIELDS = {
    "mcq": ("stem", "rationale") + tuple(f"option_{c}" for c in LETTERS) + tuple(f"why_not_{c}" for c in LETTERS),
    "case": ("documentation", "task", "rationale"),
    **{kind: ("scenario", "rationale") for kind in BILLING_TYPES},
}
ROW_FORMAT_HELP = {
    "diagnoses": "One line per diagnosis, in order: CODE | alternates: CODE, CODE | optional. Example: E11.22 | alternates: E11.21",
    "procedures": (
        "One line per procedure: CODE | modifiers: 25, 59 | units: 2 | alternates: CODE | optional. "
        "Example: 99214 | modifiers: 25"
    ),
    "pcs": "One line per ICD-10-PCS code: CODE | alternates: CODE | optional. Example: 0DTJ4ZZ",
    "not_reportable": "One line per code that must not be reported: CODE | why. Example: R73.9 | the hyperglycemia is part of the diabetes",
}

#: A small valid spec for a new billing exercise (fictional people, NPIs starting with 9).
_CLAIM_TEMPLATE = """\
insurance_type: group
insured_id: "NHP100200300"
patient_name: "SAMPLE, JORDAN A"
patient_dob: "02/14/1980"
patient_sex: F
insured_name: "SAMPLE, JORDAN A"
relationship: self
other_insured_name: ""
other_policy: ""
other_plan: ""
employment: "no"
auto_accident: "no"
accident_state: ""
other_accident: "no"
insured_group: "55012"
plan_name: "Northfield Health Plan PPO"
other_plan_exists: "no"
referring_qualifier: ""
referring_name: ""
referring_npi: ""
icd_indicator: "0"
diagnoses: [I10]
resubmission_code: ""
original_ref: ""
prior_auth: ""
lines:
  - {from: "03/10/2026", to: "03/10/2026", pos: "11", emg: "", code: "99213", modifiers: [], pointers: [A],
     charges: "120.00", units: 1, npi: "9273615044"}
tax_id: "91-4402718"
tax_id_type: EIN
accept_assignment: "yes"
total_charge: "120.00"
facility_name: "Lakeview Family Medicine"
facility_address: "418 Birch Hollow Road, Maplewood, OH 45390"
facility_npi: "9142058731"
billing_name: "Lakeview Family Medicine"
billing_address: "418 Birch Hollow Road, Maplewood, OH 45390"
billing_phone: "(937) 555-0148"
billing_npi: "9142058731"
"""


def _indented(text: str, by: int = 2) -> str:
    return "".join(" " * by + line + "\n" for line in text.rstrip("\n").split("\n"))


SPEC_TEMPLATES: dict[str, str] = {
    "claim": (
        "key:\n"
        + _indented(_CLAIM_TEMPLATE)
        + "weights:\n  lines.1.pointers: 2\n"
        + "rules:\n  insurance_type: \"An employer's group plan is billed as Group Health Plan in box 1.\"\n"
    ),
    "remittance": """\
remit:
  payer: "Northfield Health Plan"
  claim_number: "NHP2026-0100-0000001"
  patient: "SAMPLE, JORDAN A"
  paid_date: "04/02/2026"
  check_number: "EFT 000100200"
  lines:
    - line: 1
      dos: "03/10/2026"
      code: "99213"
      modifiers: []
      billed: 120.00
      allowed: 90.00
      deductible: 0.00
      coinsurance: 0.00
      copay: 25.00
      paid: 65.00
      adjustments:
        - {group: CO, carc: "45", amount: 30.00}
        - {group: PR, carc: "3", amount: 25.00}
      remarks: []
key:
  lines:
    - {patient_responsibility: 25.00, write_off: 30.00, action: accept}
rules:
  lines.1.write_off: "CO-45 is the contractual difference: written off, never billed to the patient."
""",
    "scrubber": (
        "claim:\n"
        + _indented(_CLAIM_TEMPLATE.replace("pos: \"11\"", "pos: \"21\""))
        + """\
context:
  submitted: "03/14/2026"
  filing_limit_days: 90
key:
  errors:
    - field: lines.1.pos
      kind: pos
      correction: "11"
      why: "The visit took place in the office (11), not in an inpatient hospital (21)."
"""
    ),
}


@dataclass
class Draft:
    """What a form makes: the item (None when the rows could not be read), its bank text, problems."""

    item: McqItem | CaseItem | BillingItem | None
    text: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.item is not None and not self.errors and not self.general


# ---------------------------------------------------------------- form -> item
def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in re.split(r"[,\s]+", text) if c.strip())


def parse_key_rows(kind: str, text: str | None) -> tuple[tuple[KeyLine, ...], list[str]]:
    """Rows like ``E11.22 | alternates: E11.21 | optional`` (see ROW_FORMAT_HELP)."""
    rows: list[KeyLine] = []
    errors: list[str] = []
    for number, line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        code, options = parts[0], parts[1:]
        if not code or " " in code:
            errors.append(f"line {number}: start the line with one code, then '|' and the options")
            continue
        values: dict = {"code": code}
        for option in options:
            name, _, value = option.partition(":")
            name = name.strip().lower()
            if name == "optional" and not value.strip():
                values["optional"] = True
            elif name == "alternates" and value.strip():
                values["alternates"] = _codes(value)
            elif name == "modifiers" and kind == "procedures" and value.strip():
                values["modifiers"] = tuple(m.upper() for m in _codes(value))
            elif name == "units" and kind == "procedures":
                if not value.strip().isdigit() or int(value) < 1:
                    errors.append(f"line {number}: units must be a whole number, 1 or more")
                    break
                values["units"] = int(value)
            else:
                allowed = "alternates, optional" + (", modifiers, units" if kind == "procedures" else "")
                errors.append(f"line {number}: unknown part '{option}' (the parts are {allowed})")
                break
        else:
            rows.append(KeyLine(**values))
    return tuple(rows), errors


def parse_not_reportable(text: str | None) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    rows: list[tuple[str, str]] = []
    errors: list[str] = []
    for number, line in _lines(text):
        code, bar, why = (p.strip() for p in line.partition("|"))
        if not bar or not code or not why or " " in code:
            errors.append(f"line {number}: write CODE | why it is not reported")
            continue
        rows.append((code, why))
    return tuple(rows), errors


def key_rows_text(kind: str, rows) -> str:
    """The inverse of parse_key_rows / parse_not_reportable (to fill the form from an item)."""
    out = []
    for row in rows:
        if kind == "not_reportable":
            out.append(f"{row[0]} | {row[1]}")
            continue
        parts = [row.code]
        if kind == "procedures" and row.modifiers:
            parts.append("modifiers: " + ", ".join(row.modifiers))
        if kind == "procedures" and row.units != 1:
            parts.append(f"units: {row.units}")
        if row.alternates:
            parts.append("alternates: " + ", ".join(row.alternates))
        if row.optional:
            parts.append("optional")
        out.append(" | ".join(parts))
    return "\n".join(out)


def _text(data: dict, name: str) -> str:
    value = data.get(name) or ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return "\n".join(line.rstrip() for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip("\n")


def _list(data: dict, name: str) -> tuple[str, ...]:
    value = data.get(name) or ()
    if isinstance(value, str):
        value = [value]
    return tuple(v for v in value if v)


def _heading_errors(data: dict, names) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in names:
        if any(line.startswith("## ") or line.rstrip() == "##" for line in _text(data, name).split("\n")):
            errors[name] = ["a line starting with '## ' would start a new section of the item file: use '###' for a heading"]
    return errors


class _CommonFields(TypedDict):
    """The fields an MCQ and a case share, read from a form."""

    id: str
    exams: tuple[str, ...]
    topic: str
    difficulty: str
    tags: tuple[str, ...]
    status: str
    reserve: str | None


def item_from_form(
    kind: str, data: dict, *, item_id: str | None = None, status: str = "draft", reserve: str | None = None
) -> Draft:
    """Build the bank item of a form (no validation beyond reading the rows). The form has no pool
    field: an edited item keeps its `reserve`."""
    key = item_id if item_id is not None else _text(data, "item_id").strip()
    common = _CommonFields(
        id=key,
        exams=_list(data, "exams"),
        topic=_text(data, "topic").strip(),
        difficulty=_text(data, "difficulty").strip() or "medium",
        tags=tuple(t.strip() for t in _text(data, "tags").split(",") if t.strip()),
        status=status,
        reserve=reserve,
    )
    if kind == "mcq":
        errors = _heading_errors(data, ("stem", "rationale") + tuple(f"why_not_{c}" for c in LETTERS))
        options = []
        for c in LETTERS:
            text = _text(data, f"option_{c}")
            if "\n" in text:
                errors.setdefault(f"option_{c}", []).append("an option is one line of text")
            if text:
                options.append(McqOption(c, text))
        answer = tuple(sorted(a for a in _list(data, "answer")))
        why_not = tuple((c, _text(data, f"why_not_{c}")) for c in LETTERS if _text(data, f"why_not_{c}"))
        item = McqItem(
            stem=_text(data, "stem"),
            options=tuple(options),
            answer=answer,
            multiple=len(answer) > 1,
            rationale=_text(data, "rationale"),
            why_not=why_not,
            **common,
        )
        return Draft(item, errors=errors)
    if kind in BILLING_TYPES:
        return _billing_from_form(kind, data, common)
    if kind != "case":
        raise ValueError(f"Unknown item type {kind!r}.")
    errors = _heading_errors(data, ("documentation", "task", "rationale"))
    rows = {}
    for name in KEY_KINDS:
        rows[name], problems = parse_key_rows(name, data.get(name))
        if problems:
            errors.setdefault(name, []).extend(problems)
    not_reportable, problems = parse_not_reportable(data.get("not_reportable"))
    if problems:
        errors.setdefault("not_reportable", []).extend(problems)
    task = _text(data, "task")
    case = CaseItem(
        setting=_text(data, "setting").strip(),
        key=CaseKey(diagnoses=rows["diagnoses"], procedures=rows["procedures"], pcs=rows["pcs"], not_reportable=not_reportable),
        documentation=_text(data, "documentation"),
        rationale=_text(data, "rationale"),
        task=task or None,
        **common,
    )
    return Draft(case, errors=errors)


def parse_spec(kind: str, text: str | None) -> tuple[dict[str, Any] | None, list[str]]:
    """The ``spec`` field of a billing exercise (its type's own front matter keys, as YAML): the
    mapping, or None and the problems (a YAML error with its line, not a mapping, unknown keys)."""
    if not (text or "").strip():
        required, _ = BILLING_KEYS[kind]
        return None, [f"write the exercise's front matter here (required: {', '.join(required)})"]
    try:
        raw = yaml.safe_load(text or "")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context = getattr(exc, "context", None)
        return None, [f"{where}not valid YAML: {what}" + (f" ({context})" if context else "")]
    if not isinstance(raw, dict):
        return None, ["the spec must be a mapping of keys (for example key: ...)"]
    required, optional = BILLING_KEYS[kind]
    allowed = (*required, *optional)
    problems = [
        f"unknown key '{name}' (a {kind} exercise's keys are {', '.join(allowed)}; id, title, minutes and the rest have their own fields)"
        for name in raw
        if name not in allowed
    ]
    return (None, problems) if problems else ({str(k): v for k, v in raw.items()}, [])


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _flat(value: Any) -> bool:
    """Written on one line: a list of scalars, or a mapping of scalars and such lists inside a list
    (a service line, an adjustment, a planted error), as the bank files write them."""
    if isinstance(value, list):
        return all(_is_scalar(v) for v in value)
    return all(_is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v)) for v in value.values())


class _SpecDumper(yaml.SafeDumper):
    """Block mappings, with the bank files' one-line rows (service lines, adjustments, code lists)."""

    def represent_list(self, data: Any) -> Any:
        node = yaml.SequenceNode("tag:yaml.org,2002:seq", [], flow_style=_flat(data))
        for value in data:
            child = self.represent_data(value)
            one_line = isinstance(value, dict) and _flat(value) and len(yaml.safe_dump(value, default_flow_style=True, width=10**6)) < 160
            if one_line and isinstance(child, yaml.MappingNode):
                child.flow_style = True
            node.value.append(child)
        return node

    def represent_dict(self, data: Any) -> Any:
        node = super().represent_dict(data)
        node.flow_style = False
        return node


def _represent_amount(dumper: yaml.SafeDumper, value: float) -> Any:
    """Amounts with their cents (185.00, not 185.0) when that loses nothing."""
    if value == value and abs(value) < 1e12 and round(value, 2) == value:
        return dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:.2f}")
    return dumper.represent_float(value)


_SpecDumper.add_representer(float, _represent_amount)
_SpecDumper.add_representer(list, _SpecDumper.represent_list)
_SpecDumper.add_representer(dict, _SpecDumper.represent_dict)
_SpecDumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def spec_text(item: BillingItem) -> str:
    """The ``spec`` field of a billing exercise: its own front matter as YAML, laid out like a bank
    file (block mappings; service lines, adjustments and code lists on one line each)."""
    spec = item.spec
    if not spec:
        return ""
    return yaml.dump(spec, Dumper=_SpecDumper, sort_keys=False, allow_unicode=True, width=1000)


def _billing_from_form(kind: str, data: dict, common: _CommonFields) -> Draft:
    errors = _heading_errors(data, ("scenario", "rationale"))
    minutes_text = _text(data, "minutes").strip()
    minutes: int | None = None
    if minutes_text:
        if minutes_text.isdigit() and int(minutes_text) >= 1:
            minutes = int(minutes_text)
        else:
            errors["minutes"] = ["the suggested time is a whole number of minutes, 1 or more"]
    title = _text(data, "title").strip()
    if "\n" in title:
        errors["title"] = ["a title is one line of text"]
    spec, problems = parse_spec(kind, _text(data, "spec"))
    if spec is None:
        errors.setdefault("spec", []).extend(problems)
        return Draft(None, errors=errors)
    item = BillingItem(
        kind=kind,
        spec_json=billing_spec(kind, spec),
        scenario=_text(data, "scenario"),
        rationale=_text(data, "rationale"),
        minutes=minutes,
        title=title or None,
        **common,
    )
    return Draft(item, errors=errors)


#: every billing type's own front matter keys: their problems belong to the ``spec`` field
_SPEC_KEYS = frozenset(k for required, optional in BILLING_KEYS.values() for k in (*required, *optional))


def _field_of_line(parsed: McqItem | CaseItem | BillingItem, line: int) -> str | None:
    source = parsed.source
    if source is None:
        return None
    for letter, number in source.option_lines.items():
        if number == line:
            return f"option_{letter}"
    for letter, number in source.why_not_lines.items():
        if number == line:
            return f"why_not_{letter}"
    for path, number in source.keys.items():
        if number != line or not path:
            continue
        if isinstance(parsed, BillingItem) and path[0] in _SPEC_KEYS:
            return "spec"
        if path[0] == "key" and len(path) > 1:
            return path[1]
        return {"id": "item_id", "key": "diagnoses", "type": None, "status": None}.get(path[0], path[0])
    headings = {number: name for name, number in source.headings.items()}
    if line in headings:
        name = headings[line]
        return {"options": "option_A", "why not the others": "why_not_A"}.get(name, name)
    if isinstance(parsed, McqItem):
        first_section = min(source.headings.values(), default=source.end_line + 1)
        if source.body_line <= line < first_section:
            return "stem"
    return None


def _field_of_message(kind: str, message: str) -> str | None:
    """Problems whose line says nothing (e.g. 'missing section'): a field by their words."""
    for words, name in (
        ("## Rationale", "rationale"), ("## Documentation", "documentation"), ("## Scenario", "scenario"), ("'## Options'", "option_A"),
        ("options;", "option_A"), ("the stem", "stem"), ("answer", "answer"), ("setting", "setting"),
        ("unknown topic", "topic"), ("unknown exam", "exams"), ("exams must", "exams"), ("bad id", "item_id"),
    ):
        if words in message and (kind == "mcq" or name not in ("stem", "answer", "option_A")):
            return name
    return None


#: the bank's words for a file, said in the form's words
FRIENDLIER = {
    "missing required key 'answer'": "tick the correct answer (one letter, or several for a multiple-response item)",
    "exams is empty: name at least one exam": "tick at least one exam",
}


def _first_field(kind: str, message: str) -> str | None:
    """Problems whose line belongs to another field (e.g. an empty stem is reported at '## Options')."""
    if kind == "mcq" and message.startswith("the stem is empty"):
        return "stem"
    if kind in BILLING_TYPES and message.startswith("missing section '## "):  # reported at the last line of the body
        return "scenario" if "## Scenario" in message else "rationale" if "## Rationale" in message else None
    return None


def validate_draft(
    draft: Draft, *, topics: Collection[str] | None, exams: Collection[str], checker: CodeChecker, taken_ids: Collection[str] = ()
) -> Draft:
    """Write, parse back and validate with the bank's rules; map each problem to its field.

    `topics` and `exams` are the keys that exist (`topics` None: any), `taken_ids` the item ids
    another item already has."""
    item = draft.item
    if item is None:
        return draft
    path = str(item_relative_path(item))
    text = write_item(item)
    parsed, problems = parse_item(text, path)
    draft.text = text
    if parsed is None:
        draft.general.extend(p.message for p in problems)
        return draft
    problems = [*problems, *validate_item(parsed, topics=topics, exams=exams, checker=checker)]
    if parsed != item and not draft.errors:
        # a Markdown text the file format cannot hold as typed (codes and metadata are normalized
        # by the parser, and the validator judges them)
        for changed in (f for f in MARKDOWN_FIELDS[item.type] if _read(parsed, f) != _read(item, f)):
            draft.errors.setdefault(changed, []).append("this text cannot be stored as written (check indentation and headings)")
    for problem in problems:
        message = FRIENDLIER.get(problem.message, problem.message)
        name = _first_field(item.type, message) or _field_of_line(parsed, problem.line) or _field_of_message(item.type, message)
        if name is None and isinstance(item, BillingItem) and problem.is_error:
            name = "spec"  # a billing rule with no line of its own (e.g. a required key missing) is about the spec
        if problem.is_error:
            if name:
                draft.errors.setdefault(name, []).append(message)
            else:
                draft.general.append(message)
        elif "does not match the id" not in problem.message:
            draft.warnings.setdefault(name or "general", []).append(problem.message)
    if item.id and item.id in taken_ids:
        draft.errors.setdefault("item_id", []).append(f"an item with the id '{item.id}' already exists")
    if isinstance(item, CaseItem):
        found = warnings_for(item.documentation)
        if found:
            draft.warnings.setdefault("documentation", []).extend(found)
    draft.item = parsed
    return draft


def _read(item: McqItem | CaseItem | BillingItem, name: str) -> str:
    if isinstance(item, McqItem) and name.startswith("option_"):
        option = item.option(name[-1])
        return option.text if option else ""
    if isinstance(item, McqItem) and name.startswith("why_not_"):
        return item.why_not_map.get(name[-1], "")
    return getattr(item, name) or ""


# ---------------------------------------------------------------- item -> form
def form_from_item(parsed: McqItem | CaseItem | BillingItem) -> dict:
    """The form's values for a bank item (the inverse of item_from_form)."""
    data: dict[str, Any] = {
        "item_id": parsed.id,
        "exams": list(parsed.exams),
        "topic": parsed.topic,
        "difficulty": parsed.difficulty,
        "tags": ", ".join(parsed.tags),
        "rationale": parsed.rationale,
    }
    if isinstance(parsed, BillingItem):
        data.update(
            title=parsed.title or "",
            minutes="" if parsed.minutes is None else str(parsed.minutes),
            scenario=parsed.scenario,
            spec=spec_text(parsed),
        )
    elif isinstance(parsed, McqItem):
        data.update(stem=parsed.stem, answer=list(parsed.answer))
        for c in LETTERS:
            option = parsed.option(c)
            data[f"option_{c}"] = option.text if option else ""
            data[f"why_not_{c}"] = parsed.why_not_map.get(c, "")
    else:
        data.update(setting=parsed.setting, documentation=parsed.documentation, task=parsed.task or "")
        for name in KEY_KINDS:
            data[name] = key_rows_text(name, getattr(parsed.key, name))
        data["not_reportable"] = key_rows_text("not_reportable", parsed.key.not_reportable)
    return data


def fields_of(kind: str) -> tuple[str, ...]:
    """The form fields of an item type."""
    return MCQ_FIELDS if kind == "mcq" else CASE_FIELDS if kind == "case" else BILLING_FIELDS


def identifier_warnings(item: McqItem | CaseItem | BillingItem | None) -> list[str]:
    """De-identification warnings for a case's documentation (never errors)."""
    return warnings_for(item.documentation) if isinstance(item, CaseItem) else []
