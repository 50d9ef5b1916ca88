"""The one grading path of the services: every answer that is graded (a practice answer, the
deferred grading at the end of a set, a case submission, an exam at submission, a regrade, an
instructor trying an answer, ``flask bank check-answer``) goes through ``grade_response``, which
grades through ``study.grading.registry``; every attempt's percent comes from ``attempt_score``;
every stored item version is parsed once, by ``parsed_version``.

``Graded.score`` (0..1) is what is stored on the response and what ``scheduling.rating_for``
rates; ``Graded.correct`` is full marks.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from study.bank.model import BillingItem, CaseItem
from study.bank.model import Item as ParsedItem
from study.bank.parser import parse_item
from study.codes.checking import CodeChecker
from study.grading.answers import clean_case_answer, is_case_answer
from study.grading.mcq import McqResult
from study.grading.registry import registry
from study.grading.results import GradeReport
from study.models import Attempt, ItemVersion
from study.services import ServiceError

#: parsed item versions kept in memory (a version's graded content never changes)
PARSED_CACHE_SIZE = 2048


@lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parse(version_id: int, source_text: str) -> tuple[ParsedItem | None, str]:
    parsed, problems = parse_item(source_text, f"version {version_id}")
    return parsed, str(problems[:1])


def parsed_version(version: ItemVersion) -> ParsedItem:
    """The item as stored in `version`, parsed once. The cache is keyed by the version's id and its
    text: a version's graded content never changes, but the latest version's metadata is rewritten
    in place, and another database (a test's) may reuse the id."""
    parsed, problem = _parse(version.id, version.source_text)
    if parsed is None:
        raise ServiceError(f"Stored item version {version.id} no longer parses: {problem}")
    return parsed


@dataclass(frozen=True)
class Graded:
    """One graded answer: what the registry's grader returned, and what the services store."""

    result: McqResult | GradeReport
    score: float  # 0..1
    correct: bool  # full marks
    report: dict[str, Any] | None = None  # a case's grade report as stored (after the attempt)

    @property
    def mcq_result(self) -> McqResult:
        """The MCQ grader's result (TypeError for a case)."""
        if not isinstance(self.result, McqResult):
            raise TypeError("a case answer has no MCQ result")
        return self.result

    @property
    def case_report(self) -> GradeReport:
        """The case grader's report (TypeError for an MCQ)."""
        if not isinstance(self.result, GradeReport):
            raise TypeError("an MCQ answer has no grade report")
        return self.result


def grade_response(
    item: ItemVersion | ParsedItem, answer: Mapping[str, Any], checker: CodeChecker | None = None
) -> Graded:
    """Grade a stored or submitted answer (``{"selected": [...]}``, the case code lists, or the
    three case text boxes ``dx``/``px``/``pcs``) against an item version or a parsed item. A case
    is graded with `checker`, by default the request's code checker."""
    parsed = parsed_version(item) if isinstance(item, ItemVersion) else item
    if isinstance(parsed, CaseItem | BillingItem) and checker is None:
        from study.services import codes as code_service

        checker = code_service.checker()
    result = registry.grade(parsed, answer, checker)
    if isinstance(result, GradeReport):
        report = result.to_json(after_attempt=True)
        if isinstance(parsed, CaseItem) and is_case_answer(answer):
            from study.services import drg as drg_service

            # the learner's MS-DRG, grouped once here and stored with the response (inpatient cases)
            grouped = drg_service.group_answer(parsed, clean_case_answer(answer), report)
            if grouped is not None:
                report["drg"] = grouped
        return Graded(result, result.score_pct / 100, result.score_pct >= 100, report)
    if isinstance(parsed, BillingItem):  # a billing exercise: its report is stored like a case's
        return Graded(result, float(result.score), bool(result.correct), result.to_json(after_attempt=True))
    return Graded(result, float(result.score), bool(result.correct))


def attempt_score(attempt: Attempt) -> float:
    """The attempt's percent: 100 x the mean score over every item it served (unanswered ones
    score 0), to one decimal; a case attempt's is its one case's ``score_pct``."""
    if not attempt.items:
        return 0.0
    total = sum(ai.response.score or 0 for ai in attempt.items if ai.response is not None)
    return round(100 * total / len(attempt.items), 1)
