"""The optional case keys `title` and `external_causes` (additive to the bank format): parsed,
validated at the key's line, and absent in old files, which keep their meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.bank.model import CaseItem
from study.bank.parser import parse_item
from study.bank.validate import validate_item_file
from tests.bank.test_validate import CASE, EXAMS, TOPICS


def _case(line: str = "") -> str:
    return CASE.replace("setting: professional\n", f"setting: professional\n{line}\n" if line else "setting: professional\n", 1)


def _problems(tmp_path: Path, checker, text: str) -> list[str]:
    path = tmp_path / "case-test-001.md"
    path.write_text(text, encoding="utf-8")
    return [str(p).replace(f"{tmp_path}/", "") for p in validate_item_file(path, checker, topics=TOPICS, exams=EXAMS)]


def test_old_files_have_no_title_and_voluntary_external_causes(tmp_path: Path, checker) -> None:
    item, _ = parse_item(_case(), "case-test-001.md")
    assert isinstance(item, CaseItem)
    assert (item.title, item.display_title, item.external_causes) == (None, item.id, "voluntary")
    assert _problems(tmp_path, checker, _case()) == []


def test_title_and_policy_are_read(tmp_path: Path, checker) -> None:
    text = _case('title: "Office visit: elbow pain"\nexternal_causes: required')
    item, _ = parse_item(text, "case-test-001.md")
    assert isinstance(item, CaseItem)
    assert (item.display_title, item.external_causes) == ("Office visit: elbow pain", "required")
    assert _problems(tmp_path, checker, text) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("external_causes: sometimes", "external_causes must be one of voluntary, required, not 'sometimes'"),
        ('title: ""', "title must be text of 1 to 120 characters"),
        ("title: " + "x" * 121, "title must be text of 1 to 120 characters"),
        ("title: [a, b]", "title must be text of 1 to 120 characters"),
    ],
)
def test_bad_values_name_the_line(tmp_path: Path, checker, line: str, message: str) -> None:
    text = _case(line)
    number = text.splitlines().index(line) + 1
    assert any(p.startswith(f"case-test-001.md:{number}:") and message in p for p in _problems(tmp_path, checker, text)), _problems(
        tmp_path, checker, text
    )
