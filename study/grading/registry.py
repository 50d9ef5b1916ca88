"""Item type -> grader, like CTFd's challenge types: adding an item type means registering one
grader, not touching the services that call ``grade``.

    from study.grading.registry import grade
    result = grade(item, response, checker)   # McqResult or GradeReport

A grader takes the item, the learner's response and (for coding cases) a ``CodeChecker``, and
returns a result object with ``to_json(after_attempt)``. No side effects, no request objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from study.bank.model import CaseItem, McqItem
from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission, submission_from_lists
from study.codes.types import Submission
from study.grading.answers import clean_case_answer, is_case_answer
from study.grading.case import grade_case
from study.grading.mcq import grade_mcq


class Grader(Protocol):
    item_type: str

    def grade(self, item: Any, response: Any, checker: CodeChecker | None = None) -> Any: ...


class McqGrader:
    """``response``: the letters chosen (``"B"``, ``"A, C"``, ``["A", "C"]``), or a stored answer
    ``{"selected": [...]}``."""

    item_type = "mcq"

    def __init__(self, partial_credit: bool = False) -> None:
        self.partial_credit = partial_credit

    def grade(self, item: McqItem, response: Any, checker: CodeChecker | None = None) -> Any:
        if not isinstance(item, McqItem):
            raise TypeError(f"the mcq grader cannot grade {type(item).__name__}")
        if isinstance(response, Mapping):
            response = response.get("selected", [])
        return grade_mcq(item, response, partial_credit=self.partial_credit)


class CaseGrader:
    """``response``: a ``Submission``; a stored answer (the code lists ``diagnoses``,
    ``procedures``, ``pcs``, normalized by ``clean_case_answer`` first); or a mapping of the three
    text boxes ``dx``, ``px``, ``pcs``."""

    item_type = "case"

    def grade(self, item: CaseItem, response: Any, checker: CodeChecker | None = None) -> Any:
        if not isinstance(item, CaseItem):
            raise TypeError(f"the case grader cannot grade {type(item).__name__}")
        if checker is None:
            raise ValueError("grading a coding case needs a CodeChecker")
        if isinstance(response, Mapping) and is_case_answer(response):
            lists = clean_case_answer(response)
            response = submission_from_lists(lists["diagnoses"], lists["procedures"], lists["pcs"])
        elif isinstance(response, Mapping):
            response = parse_submission(
                response.get("dx", ""), response.get("px", ""), response.get("pcs", "")
            )
        elif not isinstance(response, Submission):
            response = parse_submission(str(response or ""))
        return grade_case(item, response, checker)


class BillingGrader:
    """A billing exercise (``claim``, ``remittance``, ``scrubber``). ``response``: the stored
    answer (``study.billing.exercise.response_from_form``). With a ``checker`` a wrong diagnosis
    pointer names the diagnoses by their descriptions."""

    def __init__(self, item_type: str) -> None:
        self.item_type = item_type

    def grade(self, item: Any, response: Any, checker: CodeChecker | None = None) -> Any:
        from study.bank.model import BillingItem
        from study.billing import exercise

        if not isinstance(item, BillingItem) or item.kind != self.item_type:
            raise TypeError(f"the {self.item_type} grader cannot grade {type(item).__name__}")
        describe = exercise.describe_with(checker) if checker is not None else None
        return exercise.grade(item, response if isinstance(response, Mapping) else {}, describe)


class GraderRegistry:
    def __init__(self) -> None:
        self._graders: dict[str, Grader] = {}

    def register(self, grader: Grader, *, replace: bool = False) -> Grader:
        if grader.item_type in self._graders and not replace:
            raise ValueError(f"a grader for {grader.item_type!r} is already registered")
        self._graders[grader.item_type] = grader
        return grader

    def get(self, item_type: str) -> Grader:
        try:
            return self._graders[item_type]
        except KeyError:
            known = ", ".join(sorted(self._graders)) or "none"
            raise KeyError(f"no grader for item type {item_type!r} (known: {known})") from None

    def types(self) -> tuple[str, ...]:
        return tuple(sorted(self._graders))

    def grade(self, item: Any, response: Any, checker: CodeChecker | None = None) -> Any:
        return self.get(item.type).grade(item, response, checker)


def default_registry() -> GraderRegistry:
    registry = GraderRegistry()
    registry.register(McqGrader())
    registry.register(CaseGrader())
    for billing_type in ("claim", "remittance", "scrubber"):
        registry.register(BillingGrader(billing_type))
    return registry


registry = default_registry()


def get_grader(item_type: str) -> Grader:
    return registry.get(item_type)


def grade(item: Any, response: Any, checker: CodeChecker | None = None) -> Any:
    """Grade any item with the grader registered for its type."""
    return registry.grade(item, response, checker)
