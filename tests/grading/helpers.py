"""Building cases for the grading tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from study.bank.model import CaseItem, CaseKey, KeyLine, McqItem, McqOption


def line(code: str, **fields: Any) -> KeyLine:
    return KeyLine(
        code,
        alternates=tuple(fields.get("alternates", ())),
        optional=fields.get("optional", False),
        modifiers=tuple(fields.get("modifiers", ())),
        units=fields.get("units", 1),
    )


def as_line(value: str | KeyLine) -> KeyLine:
    return value if isinstance(value, KeyLine) else KeyLine(value)


def case(
    diagnoses: Iterable[str | KeyLine] = (),
    procedures: Iterable[str | KeyLine] = (),
    pcs: Iterable[str | KeyLine] = (),
    not_reportable: Mapping[str, str] | None = None,
    scoring: Mapping[str, float] | None = None,
    setting: str = "professional",
    case_id: str = "case-test",
    external_causes: str = "voluntary",
) -> CaseItem:
    return CaseItem(
        id=case_id,
        exams=("CPC",),
        topic="icd-10-cm",
        setting=setting,
        key=CaseKey(
            diagnoses=tuple(as_line(v) for v in diagnoses),
            procedures=tuple(as_line(v) for v in procedures),
            pcs=tuple(as_line(v) for v in pcs),
            not_reportable=tuple((not_reportable or {}).items()),
        ),
        documentation="The record.",
        rationale="Because.",
        scoring=tuple((scoring or {}).items()),
        external_causes=external_causes,
    )


def multiple_response(item_id: str = "cpc-x-002") -> McqItem:
    """A four-option multiple-response MCQ whose answer is A and C."""
    return McqItem(
        item_id, ("CPC",), "em", "Which two?", tuple(McqOption(c, c.lower()) for c in "ABCD"), ("A", "C"), "Because.", multiple=True
    )
