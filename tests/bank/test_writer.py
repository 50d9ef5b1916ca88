"""Writing items back: stable, quoted where it must be, and parse(write(item)) == item."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.bank.model import DEFAULT_WEIGHTS, CaseItem, CaseKey, KeyLine, McqItem, McqOption
from study.bank.parser import item_files, load_bank, parse_item
from study.bank.writer import item_relative_path, scalar, write_item

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_BANK = Path(__file__).resolve().parents[2] / "question_bank"


def _round_trip(item: McqItem | CaseItem) -> None:
    text = write_item(item)
    again, problems = parse_item(text, item.path)
    assert [p for p in problems if p.is_error] == [], text
    assert again == item, text
    assert write_item(again) == text  # stable


@pytest.mark.parametrize("path", sorted(item_files(FIXTURES / "mini_bank")), ids=lambda p: p.name)
def test_every_fixture_file_round_trips(path: Path) -> None:
    item, _ = parse_item(path.read_text(), str(path))
    assert item is not None
    _round_trip(item)


def test_the_project_bank_round_trips() -> None:
    if not PROJECT_BANK.is_dir():
        pytest.skip("no question_bank/ in this checkout")
    bank, _ = load_bank(PROJECT_BANK)
    for item in bank.items:
        _round_trip(item)


def test_written_case_matches_the_format() -> None:
    item = CaseItem(
        id="case-pro-0003",
        exams=("CPC",),
        topic="surgery-musculoskeletal",
        setting="professional",
        key=CaseKey(
            diagnoses=(KeyLine("S52.501A"), KeyLine("W01.0XXA", optional=True)),
            procedures=(
                KeyLine("25600", modifiers=("RT",)),
                KeyLine("J1100", units=4),
                KeyLine("99214", modifiers=("25",)),
            ),
            pcs=(KeyLine("0SRC0J9", alternates=("0SRC0JZ",)),),
            not_reportable=(("M79.631", 'Pain is "integral" to the fracture.'),),
        ),
        documentation="The record.",
        rationale="Because.",
        scoring=(("diagnosis", 2.0),),
        minutes=15,
        difficulty="hard",
        tags=("fracture", "835"),
    )
    assert (
        write_item(item)
        == """---
id: case-pro-0003
type: case
exams: [CPC]
topic: surgery-musculoskeletal
setting: professional
difficulty: hard
tags: [fracture, "835"]
minutes: 15
key:
  diagnoses:
    - S52.501A
    - {code: W01.0XXA, optional: true}
  procedures:
    - {code: "25600", modifiers: [RT]}
    - {code: "J1100", units: 4}
    - {code: "99214", modifiers: ["25"]}
  pcs:
    - {code: "0SRC0J9", alternates: ["0SRC0JZ"]}
  not_reportable:
    - {code: M79.631, why: "Pain is \\"integral\\" to the fracture."}
scoring:
  diagnosis: 2.0
---
## Documentation
The record.

## Rationale
Because.
"""
    )
    _round_trip(item)


def test_written_mcq_matches_the_format() -> None:
    item = McqItem(
        id="cpc-icd-0007",
        exams=("CPC", "CPB"),
        topic="icd-10-cm",
        stem="Which codes?",
        options=(McqOption("A", "E11.9"), McqOption("B", "E11.22,\nN18.31")),
        answer=("B",),
        rationale="Combination code.",
        why_not=(("A", "No complication."),),
        status="draft",
    )
    assert (
        write_item(item)
        == """---
id: cpc-icd-0007
type: mcq
exams: [CPC, CPB]
topic: icd-10-cm
difficulty: medium
status: draft
answer: B
---
Which codes?

## Options
A. E11.9
B. E11.22,
   N18.31

## Rationale
Combination code.

## Why not the others
A. No complication.
"""
    )


@pytest.mark.parametrize(
    ("value", "quote", "written"),
    [
        ("E11.22", False, "E11.22"),
        ("25600", True, '"25600"'),
        ("25", False, '"25"'),
        ("yes", False, '"yes"'),
        ("a: b", False, '"a: b"'),
        ("", False, '""'),
        ("12:30", False, '"12:30"'),
        ("line\nbreak", False, '"line\\nbreak"'),
        (True, False, "true"),
        (2.5, False, "2.5"),
    ],
)
def test_scalar_quoting(value: object, quote: bool, written: str) -> None:
    assert scalar(value, quote=quote) == written


def test_relative_paths() -> None:
    case = CaseItem("case-x", ("CPC",), "em", "professional", CaseKey(), "d", "r")
    mcq = McqItem("cpb-x", ("CPB", "CPC"), "claims", "s", (), (), "r")
    assert item_relative_path(case) == Path("cases/professional/case-x.md")
    assert item_relative_path(mcq) == Path("cpb/claims/cpb-x.md")


# --- property: parse(write(item)) == item over generated items ------------------------------------

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;?!()*'\"%#-/éü"
# a line of Markdown that is not a heading or a code fence (those would change the structure)
LINE = (
    st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(str.strip).filter(lambda s: bool(s) and not s.startswith(("#", "```", "~~~")))
)
PARAGRAPH = st.lists(st.one_of(LINE, st.just("")), min_size=1, max_size=4).map("\n".join).map(lambda s: s.strip("\n")).filter(bool)
IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{2,30}", fullmatch=True)
ICD = st.sampled_from(["E11.22", "N18.31", "I10", "S52.501A", "W01.0XXA", "Z79.4", "R52"])
CPT = st.sampled_from(["25600", "99214", "20610", "0075T", "3074F", "J1100", "G0008"])
PCS = st.sampled_from(["0SRC0J9", "0SR9019", "0DB68ZX"])
MODIFIERS = st.lists(st.sampled_from(["RT", "LT", "25", "59", "50", "XS"]), max_size=3, unique=True).map(tuple)
FREE_TEXT = st.text(max_size=40).map(str.strip)  # the parser strips scalar values


def key_lines(codes: st.SearchStrategy[str], procedures: bool = False) -> st.SearchStrategy[tuple[KeyLine, ...]]:
    line = st.builds(
        KeyLine,
        code=codes,
        alternates=st.lists(codes, max_size=2, unique=True).map(tuple),
        optional=st.booleans(),
        modifiers=MODIFIERS if procedures else st.just(()),
        units=st.integers(1, 12) if procedures else st.just(1),
    )
    return st.lists(line, max_size=3).map(tuple)


COMMON = {
    "id": IDS,
    "exams": st.lists(st.sampled_from(["CPC", "CPB", "CCS", "CCS-P"]), min_size=1, max_size=4, unique=True).map(tuple),
    "topic": st.sampled_from(["icd-10-cm", "em", "surgery-musculoskeletal", "billing-denials"]),
    "difficulty": st.sampled_from(["easy", "medium", "hard"]),
    "tags": st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True), max_size=4).map(tuple),
    "status": st.sampled_from(["published", "draft", "retired"]),
    "reserve": st.sampled_from([None, "exam", "diagnostic"]),
    "extra_sections": st.lists(st.tuples(st.sampled_from(["References", "Notes", "Sources"]), PARAGRAPH), max_size=1).map(tuple),
}


@st.composite
def mcq_items(draw: st.DrawFn) -> McqItem:
    count = draw(st.integers(2, 6))
    letters = "ABCDEF"[:count]
    multiple = draw(st.booleans())
    answer = tuple(
        sorted(
            draw(
                st.lists(
                    st.sampled_from(letters),
                    min_size=2 if multiple else 1,
                    max_size=count if multiple else 1,
                    unique=True,
                )
            )
        )
    )
    wrong = [letter for letter in letters if letter not in answer]
    why_letters = draw(st.lists(st.sampled_from(wrong), unique=True)) if wrong else []
    return McqItem(
        stem=draw(PARAGRAPH),
        options=tuple(McqOption(letter, draw(PARAGRAPH)) for letter in letters),
        answer=answer,
        multiple=multiple,
        rationale=draw(PARAGRAPH),
        why_not=tuple((letter, draw(PARAGRAPH)) for letter in sorted(why_letters)),
        allow_invalid_distractors=draw(st.booleans()),
        **{name: draw(strategy) for name, strategy in COMMON.items()},
    )


TITLES = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=60).map(str.strip).filter(bool)


@st.composite
def case_items(draw: st.DrawFn) -> CaseItem:
    return CaseItem(
        setting=draw(st.sampled_from(["professional", "outpatient-facility", "inpatient"])),
        key=CaseKey(
            diagnoses=draw(key_lines(ICD)),
            procedures=draw(key_lines(CPT, procedures=True)),
            pcs=draw(key_lines(PCS)),
            not_reportable=tuple(draw(st.lists(st.tuples(st.one_of(ICD, CPT), FREE_TEXT), max_size=3))),
        ),
        documentation=draw(PARAGRAPH),
        rationale=draw(PARAGRAPH),
        task=draw(st.one_of(st.none(), PARAGRAPH)),
        scoring=tuple(
            draw(
                st.dictionaries(
                    st.sampled_from(sorted(DEFAULT_WEIGHTS)),
                    st.floats(0, 10, allow_nan=False, allow_infinity=False),
                    max_size=3,
                )
            ).items()
        ),
        minutes=draw(st.one_of(st.none(), st.integers(1, 120))),
        title=draw(st.one_of(st.none(), TITLES)),
        external_causes=draw(st.sampled_from(["voluntary", "required"])),
        **{name: draw(strategy) for name, strategy in COMMON.items()},
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mcq_items())
def test_mcq_round_trip_property(item: McqItem) -> None:
    _round_trip(item)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_items())
def test_case_round_trip_property(item: CaseItem) -> None:
    _round_trip(item)
