"""What an answer looks like once stored, and the typed views of a parsed item.

A stored case answer is ``{"diagnoses": [...], "procedures": [...], "pcs": [...]}``: one code per
row as the learner entered it. ``clean_case_answer`` is its one normalization, applied when a case
attempt is submitted, when an exam saves a case answer, and again whenever a stored answer is
graded (so an answer stored before the rule existed grades the same way): every row as text,
stripped, blank rows dropped, at most ``MAX_CODE_CHARS`` characters a row and ``MAX_CODES`` rows a
list. An MCQ answer is ``{"selected": [bank letters]}``.

``as_mcq`` and ``as_case`` narrow a parsed item where the code expects one type, and raise
``TypeError`` on the other (a wrong item type is a bug, not a learner's mistake).
"""

from __future__ import annotations

from collections.abc import Mapping

from study.bank.model import CaseItem, McqItem

CASE_LISTS = ("diagnoses", "procedures", "pcs")
MAX_CODES = 30  # rows kept per list
MAX_CODE_CHARS = 40  # characters kept per row


def _rows(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    elif not isinstance(value, (list, tuple)):
        return []
    rows = [str(v).strip()[:MAX_CODE_CHARS] for v in value if v is not None]
    return [r for r in rows if r][:MAX_CODES]


def clean_case_answer(lists: Mapping[str, object] | None) -> dict[str, list[str]]:
    """The stored form of a case answer (see the module docstring); unknown keys are dropped."""
    lists = lists or {}
    return {name: _rows(lists.get(name)) for name in CASE_LISTS}


def is_case_answer(answer: Mapping[str, object]) -> bool:
    """A stored case answer (code lists), as opposed to the three text boxes ``dx``/``px``/``pcs``."""
    return any(name in answer for name in ("diagnoses", "procedures")) or (
        "pcs" in answer and not isinstance(answer["pcs"], str)
    )


def as_mcq(item: object) -> McqItem:
    if not isinstance(item, McqItem):
        raise TypeError(f"expected a multiple-choice item, got {type(item).__name__}")
    return item


def as_case(item: object) -> CaseItem:
    if not isinstance(item, CaseItem):
        raise TypeError(f"expected a coding case, got {type(item).__name__}")
    return item
