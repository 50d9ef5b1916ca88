"""The optional `reserve:` field (additive to the bank format): parsed, validated with the line of
the key, written back, and kept through GIFT. Absent means the open pool."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from study.bank.gift import export_gift, import_gift
from study.bank.model import Bank, Blueprint, BlueprintSection, CaseItem, CaseKey, KeyLine, McqItem, McqOption
from study.bank.parser import parse_item
from study.bank.validate import blueprint_coverage, validate_item_file
from study.bank.writer import write_item
from tests.bank.test_validate import CASE, EXAMS, MCQ, TOPICS

Run = Callable[..., list[str]]


@pytest.fixture
def problems(tmp_path: Path, checker) -> Run:
    def run(text: str) -> list[str]:
        name = "case-test-001.md" if "type: case" in text else "cpc-test-001.md"
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return [str(p).replace(f"{tmp_path}/", "") for p in validate_item_file(path, checker, topics=TOPICS, exams=EXAMS)]

    return run


def _with(text: str, line: str) -> str:
    return (
        text.replace("difficulty: medium\n", f"difficulty: medium\n{line}\n", 1)
        if "difficulty" in text
        else text.replace("setting: professional\n", f"setting: professional\n{line}\n", 1)
    )


def test_absent_reserve_is_the_open_pool_and_old_files_stay_valid(problems: Run) -> None:
    item, _ = parse_item(MCQ, "cpc-test-001.md")
    assert item.reserve is None
    assert problems(MCQ) == [] and problems(CASE) == []


@pytest.mark.parametrize("value", ["exam", "diagnostic"])
def test_reserve_values_parse_and_validate(problems: Run, value: str) -> None:
    text = _with(MCQ, f"reserve: {value}")
    item, _ = parse_item(text, "cpc-test-001.md")
    assert item.reserve == value
    assert problems(text) == []


def test_a_case_may_be_reserved_for_exams(problems: Run) -> None:
    text = _with(CASE, "reserve: exam")
    assert parse_item(text, "case-test-001.md")[0].reserve == "exam"
    assert problems(text) == []


def test_unknown_reserve_value_names_the_allowed_values(problems: Run) -> None:
    assert problems(_with(MCQ, "reserve: exams")) == [
        "cpc-test-001.md:7: reserve must be exam or diagnostic (leave it out for the open pool), not 'exams' (did you mean 'exam'?)"
    ]
    assert problems(_with(MCQ, "reserve: [exam]")) == [
        "cpc-test-001.md:7: reserve must be exam or diagnostic (leave it out for the open pool), not ['exam']"
    ]


def test_a_case_cannot_be_reserved_for_the_diagnostic(problems: Run) -> None:
    assert problems(_with(CASE, "reserve: diagnostic")) == [
        "case-test-001.md:7: a case cannot be reserved for the diagnostic: the careers diagnostic asks "
        "multiple-choice questions only (use reserve: exam, or leave reserve out)"
    ]


def test_a_multiple_response_item_reserved_for_the_diagnostic_is_a_warning(problems: Run) -> None:
    text = (
        MCQ.replace("answer: B", "answer: [A, B]\nreserve: diagnostic")
        .replace("Which code is reported", "Which two codes are reported")
        .replace("chronic kidney disease?", "chronic kidney disease? Select two.")
        .replace("A. No complication is coded.\n", "")
    )
    assert problems(text) == [
        "cpc-test-001.md:8: warning: the careers diagnostic asks single-answer questions only, so this "
        "multiple-response item will never be drawn"
    ]


def test_reserve_is_written_back_after_status_and_round_trips() -> None:
    item = McqItem(
        id="diag-term-001",
        exams=("CPC",),
        topic="medical-terminology",
        stem="What does -itis mean?",
        options=(McqOption("A", "Inflammation"), McqOption("B", "Removal")),
        answer=("A",),
        rationale="The suffix -itis means inflammation.",
        status="draft",
        reserve="diagnostic",
    )
    text = write_item(item)
    assert "status: draft\nreserve: diagnostic\nanswer: A\n" in text
    again, problems = parse_item(text, "diag-term-001.md")
    assert problems == [] and again == item and write_item(again) == text
    # the open pool writes nothing
    assert "reserve" not in write_item(McqItem(**{**item.__dict__, "reserve": None}))
    case = CaseItem(
        id="case-x-001",
        exams=("CPC",),
        topic="em",
        setting="professional",
        key=CaseKey(diagnoses=(KeyLine("I10"),)),
        documentation="Record.",
        rationale="Because.",
        reserve="exam",
    )
    assert parse_item(write_item(case), "case-x-001.md")[0] == case


def test_reserve_is_metadata_not_content() -> None:
    item, _ = parse_item(MCQ, "cpc-test-001.md")
    reserved, _ = parse_item(_with(MCQ, "reserve: exam"), "cpc-test-001.md")
    assert item != reserved and item.content_hash == reserved.content_hash


def test_gift_keeps_the_reserve() -> None:
    item, _ = parse_item(_with(MCQ, "reserve: exam"), "cpc-test-001.md")
    text = export_gift([item])
    assert '"reserve": "exam"' in text
    back, problems = import_gift(text, topic="icd-10-cm", exams=["CPC"], path="quiz.gift")
    assert problems == [] and back[0].reserve == "exam"
    plain, _ = parse_item(MCQ, "cpc-test-001.md")
    assert "reserve" not in export_gift([plain])


def test_diagnostic_items_do_not_fill_exam_sections() -> None:
    """Items reserved for the diagnostic are never drawn in an exam, so the coverage warning counts
    only the open pool and the items reserved for exams."""
    base, _ = parse_item(MCQ, "cpc-test-001.md")
    blueprint = Blueprint(
        exam="CPC",
        title="CPC",
        minutes=60,
        pass_percent=70,
        warn_at_minutes_left=5,
        source="test",
        sections=(BlueprintSection(key="dx", title="ICD-10-CM", questions=2, topics=("icd-10-cm",)),),
    )

    def coverage(*reserves):
        items = tuple(McqItem(**{**base.__dict__, "id": f"cpc-test-{n:03d}", "reserve": r}) for n, r in enumerate(reserves))
        return [p.message for p in blueprint_coverage(Bank(items=items), "CPC", blueprint)]

    assert coverage(None, "exam") == []
    assert coverage(None, "diagnostic") == ["section 'dx' needs 2 questions but the bank has 1 published MCQ items for CPC in its topics"]
