"""The code book's detail of an ICD-10-CM code: its record, where it sits in the classification,
its children, and the notes it inherits from the codes above it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from study.codes.normalize import normalize_icd10cm
from study.codes.types import CodeCheck, CodeRecord
from study.extensions import db
from study.models import Icd10cmCode
from study.services.code_search import SearchHit
from study.services.code_source import record_from_row
from study.services.codes import check_code, checker

# the note that a category's codes take a 7th character: the page says it once, with the table
_SEVENTH_RULE = re.compile(r"the appropriate 7th character", re.IGNORECASE)
# the notes of an ancestor that apply to the codes below it
INHERITED_NOTES = ("excludes1", "excludes2", "code_first", "use_additional_code", "code_also", "includes")


@dataclass(frozen=True)
class CodeDetail:
    record: CodeRecord
    ancestors: list[CodeRecord]  # chapter first
    children: list[SearchHit]
    inherited_notes: list[tuple[CodeRecord, str, tuple[str, ...]]]  # (owner, kind, lines) from ancestors
    # the record's own notes as the page lists them: the 7th-character rule goes with its table, once
    own_notes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    seventh_rule: str = ""  # "The appropriate 7th character is to be added to all codes from category S72"


def code_detail(raw: str) -> CodeDetail | None:
    source = checker().source
    code = raw.strip().upper()
    row = db.session.get(Icd10cmCode, code)
    if row is None and code and code[0].isalpha() and "-" not in code:
        row = db.session.get(Icd10cmCode, normalize_icd10cm(code))
    if row is None:
        return None
    record = record_from_row(row)
    ancestors: list[CodeRecord] = []
    parent = record.parent
    while parent:
        parent_record = source.get(parent)
        if parent_record is None:
            break
        ancestors.append(parent_record)
        parent = parent_record.parent
    ancestors.reverse()
    children = [
        SearchHit(*r)
        for r in db.session.execute(
            sa.select(Icd10cmCode.code, Icd10cmCode.description, Icd10cmCode.reportable, Icd10cmCode.kind)
            .where(Icd10cmCode.parent == record.code)
            .order_by(Icd10cmCode.position)
        ).all()
    ]
    inherited = [
        (a, kind, lines)
        for a in ancestors
        if a.kind not in ("chapter",)
        for kind, lines in a.notes.items()
        if kind in INHERITED_NOTES
    ]
    own_notes, seventh_rule = _split_seventh_rule(record)
    return CodeDetail(
        record=record,
        ancestors=ancestors,
        children=children,
        inherited_notes=inherited,
        own_notes=own_notes,
        seventh_rule=seventh_rule,
    )


def _split_seventh_rule(record: CodeRecord) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """The record's notes without the 7th-character rule (when the page shows the 7th-character table), and the rule."""
    rule = ""
    kept: list[tuple[str, tuple[str, ...]]] = []
    for kind, lines in record.notes.items():
        if record.seventh and kind == "notes":
            rule = next((line for line in lines if _SEVENTH_RULE.match(line)), "")
            lines = tuple(line for line in lines if line != rule)
        if lines:
            kept.append((kind, lines))
    return kept, rule


def describe(raw: str) -> tuple[CodeCheck, CodeDetail | None]:
    """The verdict on a typed code and, for an ICD-10-CM code or header, its detail."""
    check = check_code(raw)
    detail = code_detail(check.code) if check.system == "icd10cm" and check.status != "invalid" else None
    return check, detail
