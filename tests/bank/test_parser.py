"""Parsing bank files: front matter with line numbers, Markdown sections, options, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.bank.model import CaseItem, KeyLine, McqItem, McqOption, Problem
from study.bank.parser import (
    item_files,
    load_bank,
    load_yaml,
    parse_blueprint,
    parse_item,
    parse_topics,
    split_front_matter,
)

MCQ = """---
id: cpc-icd-0007
type: mcq
exams: [CPC, CPB]
topic: icd-10-cm
difficulty: medium
tags: [diabetes, ckd]
answer: B
---
A 62-year-old patient with type 2 diabetes and diabetic CKD stage 3a.
Which ICD-10-CM codes are reported?

## Options
A. E11.9, N18.31
B. E11.22, N18.31
C. E11.65,
   N18.30
D. E11.22, N18.9

## Rationale
E11.22 is the combination code; N18.31 gives the stage.

## Why not the others
A. No complication is coded.
C. Hyperglycemia is not documented.
D. The stage is documented.
"""


def test_parse_mcq_item() -> None:
    item, problems = parse_item(MCQ, "cpc-icd-0007.md")
    assert problems == []
    assert isinstance(item, McqItem)
    assert item.id == "cpc-icd-0007" and item.type == "mcq"
    assert item.exams == ("CPC", "CPB") and item.topic == "icd-10-cm"
    assert item.tags == ("diabetes", "ckd") and item.status == "published"
    assert item.stem == "A 62-year-old patient with type 2 diabetes and diabetic CKD stage 3a.\nWhich ICD-10-CM codes are reported?"
    assert item.options[2] == McqOption("C", "E11.65,\nN18.30")
    assert item.letters == ("A", "B", "C", "D")
    assert item.answer == ("B",) and not item.multiple
    assert item.rationale == "E11.22 is the combination code; N18.31 gives the stage."
    assert item.why_not_map == {
        "A": "No complication is coded.",
        "C": "Hyperglycemia is not documented.",
        "D": "The stage is documented.",
    }


def test_line_numbers_of_keys_and_headings() -> None:
    item, _ = parse_item(MCQ, "x.md")
    assert item is not None and item.source is not None
    source = item.source
    assert source.front_line == 1
    assert source.line("id") == 2 and source.line("answer") == 8
    assert source.line("exams", 1) == 4
    assert source.line("no-such-key") == 1
    assert source.headings == {"options": 13, "rationale": 20, "why not the others": 23}
    assert source.option_lines == {"A": 14, "B": 15, "C": 16, "D": 18}
    assert source.why_not_lines == {"A": 24, "C": 25, "D": 26}
    assert source.body_line == 10


def test_defaults_and_multiple_response() -> None:
    text = MCQ.replace("difficulty: medium\n", "").replace("answer: B", "answer: [A, B]")
    item, _ = parse_item(text, "x.md")
    assert isinstance(item, McqItem)
    assert item.difficulty == "medium" and item.answer == ("A", "B") and item.multiple


CASE = """---
id: case-pro-0003
type: case
exams: [CPC]
topic: surgery-musculoskeletal
setting: professional
minutes: 15
key:
  diagnoses:
    - s52.501a
    - {code: W01.0XXA, optional: true, alternates: [W01.0XXD]}
  procedures:
    - {code: "25600", modifiers: [RT, 59], units: 2}
    - J1100
  pcs:
    - "0src0j9"
  not_reportable:
    - {code: M79.631, why: "Pain is integral to the fracture."}
scoring:
  diagnosis: 2
  extra_penalty: 0.25
---
## Documentation
The record.

## Task
Code it.

## Rationale
Because.
"""


def test_parse_case_item() -> None:
    item, problems = parse_item(CASE, "case.md")
    assert problems == []
    assert isinstance(item, CaseItem)
    assert item.setting == "professional" and item.minutes == 15
    assert item.key.diagnoses == (
        KeyLine("S52.501A"),
        KeyLine("W01.0XXA", alternates=("W01.0XXD",), optional=True),
    )
    assert item.key.procedures == (KeyLine("25600", modifiers=("RT", "59"), units=2), KeyLine("J1100"))
    assert item.key.pcs == (KeyLine("0SRC0J9"),)
    assert item.key.not_reportable == (("M79.631", "Pain is integral to the fracture."),)
    assert item.scoring == (("diagnosis", 2.0), ("extra_penalty", 0.25))
    assert item.weights["diagnosis"] == 2.0 and item.weights["procedure"] == 1.0
    assert (item.documentation, item.task, item.rationale) == ("The record.", "Code it.", "Because.")
    assert item.source is not None and item.source.line("key", "procedures", 0, "modifiers") == 13


def test_case_without_task_uses_the_default() -> None:
    text = CASE.replace("## Task\nCode it.\n\n", "")
    item, _ = parse_item(text, "case.md")
    assert isinstance(item, CaseItem)
    assert item.task is None and item.task_text == "Code the diagnoses and services for this encounter"


def test_content_hash_ignores_metadata_but_not_content() -> None:
    item, _ = parse_item(MCQ, "a.md")
    retagged, _ = parse_item(MCQ.replace("tags: [diabetes, ckd]", "tags: [other]").replace("[CPC, CPB]", "[CPC]"), "b.md")
    edited, _ = parse_item(MCQ.replace("D. The stage", "D. The CKD stage"), "a.md")
    assert item is not None and retagged is not None and edited is not None
    assert item.content_hash == retagged.content_hash
    assert item.content_hash != edited.content_hash
    assert len(item.content_hash) == 64


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: x\n", 1, "front matter is not closed"),
        ("---\nid: x\ntype: [mcq\n---\nbody\n", 3, "expected ',' or ']'"),
        ("---\n- a\n- b\n---\n", 2, "the front matter must be a mapping"),
        ("---\nid: a\nid: b\n---\n", 3, "duplicate key 'id' (first at line 2)"),
    ],
)
def test_unreadable_files_give_problems_with_lines(text: str, line: int, message: str) -> None:
    _, problems = parse_item(text, "f.md")
    assert problems, text
    assert problems[0].line == line and message in problems[0].message


def test_yaml_error_points_at_the_yaml_line() -> None:
    text = MCQ.replace("topic: icd-10-cm", "topic: icd-10-cm: bad")
    item, problems = parse_item(text, "f.md")
    assert item is None
    assert str(problems[0]).startswith("f.md:5: YAML error")


def test_stray_lines_in_options() -> None:
    text = MCQ.replace("B. E11.22, N18.31", "B. E11.22, N18.31\nnot an option")
    _, problems = parse_item(text, "f.md")
    assert [str(p) for p in problems] == [
        "f.md:16: line in '## Options' is neither a lettered line ('A. text') nor an indented continuation line"
    ]


def test_lower_case_or_parenthesis_letters_are_flagged_but_read() -> None:
    text = MCQ.replace("D. E11.22, N18.9", "d) E11.22, N18.9")
    item, problems = parse_item(text, "f.md")
    assert isinstance(item, McqItem) and item.letters[-1] == "D"
    assert [str(p) for p in problems] == ["f.md:18: write 'D. ' (a capital letter, a dot and a space) instead of 'd)'"]


def test_duplicate_option_and_section() -> None:
    text = MCQ.replace("D. E11.22, N18.9", "C. E11.22, N18.9") + "\n## Rationale\nagain\n"
    _, problems = parse_item(text, "f.md")
    assert [str(p) for p in problems] == [
        "f.md:28: duplicate section '## Rationale' (first at line 20)",
        "f.md:18: option C appears twice (first at line 16)",
    ]


def test_unknown_sections_are_kept_with_a_warning() -> None:
    item, problems = parse_item(MCQ + "\n## References\nA book.\n", "f.md")
    assert isinstance(item, McqItem) and item.extra_sections == (("References", "A book."),)
    assert [str(p) for p in problems] == [
        "f.md:28: warning: unknown section '## References' (kept as is; the sections are '## Options', "
        "'## Rationale', '## Why not the others')"
    ]


def test_headings_inside_fenced_code_are_text() -> None:
    text = MCQ.replace("E11.22 is the combination code;", "```\n## Options\n```\nE11.22 is the combination code;")
    item, problems = parse_item(text, "f.md")
    assert problems == [] and isinstance(item, McqItem) and "## Options" in item.rationale


def test_case_text_before_documentation() -> None:
    _, problems = parse_item(CASE.replace("---\n## Documentation", "---\nstray\n## Documentation"), "c.md")
    assert [str(p) for p in problems] == ["c.md:23: text before the first section: start the body with '## Documentation'"]


def test_bom_and_crlf() -> None:
    item, problems = parse_item("\ufeff" + MCQ.replace("\n", "\r\n"), "f.md")
    assert problems == [] and isinstance(item, McqItem) and item.letters == ("A", "B", "C", "D")


def test_split_front_matter_returns_body_lines() -> None:
    front, first, body, problems = split_front_matter("---\na: 1\n---\nx\ny\n", "f")
    assert (front, first, problems) == ("a: 1", 2, [])
    assert body == [(4, "x"), (5, "y")]


def test_load_yaml_lines() -> None:
    data, lines, problems = load_yaml("a:\n  b: [1, 2]\n  c:\n    - x\n    - y\n", "f", first_line=10)
    assert data == {"a": {"b": [1, 2], "c": ["x", "y"]}} and problems == []
    assert lines[("a",)] == 10 and lines[("a", "b")] == 11 and lines[("a", "c", 1)] == 14


def test_parse_topics() -> None:
    topics, problems = parse_topics("em:\n  title: E/M\n  description: Visits\nbad: just text\nx:\n  titel: X\n", "t.yaml")
    assert topics["em"].title == "E/M" and topics["em"].description == "Visits"
    assert [str(p) for p in problems] == [
        "t.yaml:4: topic 'bad' must be a mapping with a title and a description",
        "t.yaml:5: topic 'x' has no title",
        "t.yaml:6: unknown key 'titel' in topic 'x' (keys: title, description)",
    ]


def test_parse_blueprint(mini_bank: Path) -> None:
    blueprint, problems = parse_blueprint((mini_bank / "blueprints" / "CPC.yaml").read_text(), "CPC.yaml")
    assert problems == [] and blueprint is not None
    assert blueprint.exam == "CPC" and blueprint.minutes == 240 and blueprint.pass_percent == 70
    assert blueprint.pace_minutes_per_question == 2.4
    assert [s.key for s in blueprint.sections] == ["icd-10-cm", "modifiers", "cases"]
    assert blueprint.sections[2].cases == 1 and blueprint.sections[2].questions == 0
    assert blueprint.total_questions == 5 and blueprint.sections[1].confirmed


def test_load_bank(mini_bank: Path) -> None:
    bank, problems = load_bank(mini_bank)
    assert [p for p in problems if p.is_error] == []
    assert set(bank.topics) == {"icd-10-cm", "modifiers", "surgery-musculoskeletal", "em", "icd-10-pcs"}
    assert set(bank.blueprints) == {"CPC", "CCS"} and bank.exams == ("CCS", "CPC")
    assert sorted(i.id for i in bank.items) == [
        "case-ip-0001",
        "case-pro-0003",
        "cpc-icd-0007",
        "cpc-icd-0008",
        "cpc-mod-0001",
    ]
    assert bank.item("cpc-mod-0001").status == "draft"  # type: ignore[union-attr]
    assert len(bank.published()) == 4


def test_item_files_skip_root_docs_and_hidden(tmp_path: Path) -> None:
    for rel in ("README.md", "cpc/a.md", ".git/x.md", "cpc/_draft/b.md", "blueprints/notes.md"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n---\n")
    assert [p.relative_to(tmp_path).as_posix() for p in item_files(tmp_path)] == ["cpc/a.md"]


def test_load_bank_reports_missing_topics_and_bad_encoding(tmp_path: Path) -> None:
    (tmp_path / "cpc").mkdir()
    (tmp_path / "cpc" / "x.md").write_bytes(b"---\nid: caf\xe9\n---\n")
    _, problems = load_bank(tmp_path)
    messages = [p.message for p in problems]
    assert "missing topics.yaml" in messages
    assert any(m.startswith("not UTF-8 text") for m in messages)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parser_never_raises(text: str) -> None:
    item, problems = parse_item(text, "f.md")
    assert all(isinstance(p, Problem) for p in problems)
    parse_item("---\n" + text + "\n---\n" + text, "f.md")
    parse_topics(text, "t.yaml")
    parse_blueprint(text, "b.yaml")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="-:[]{}#&*!|>'\"%@` \n\tabcAB019.,", max_size=80))
def test_parser_never_raises_on_yamlish_text(text: str) -> None:
    parse_item("---\n" + text + "\n---\n## Options\nA. x\n", "f.md")
