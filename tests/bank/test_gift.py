"""GIFT (Moodle) export and import of multiple-choice items."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from study.bank.gift import escape, export_gift, import_gift, item_to_gift, unescape
from study.bank.model import McqItem, McqOption
from study.bank.parser import load_bank

FIXTURES = Path(__file__).parent / "fixtures"

SINGLE = McqItem(
    id="cpc-icd-0007",
    exams=("CPC", "CPB"),
    topic="icd-10-cm",
    stem="Type 2 diabetes with diabetic CKD, stage 3a:\nwhich codes are reported?",
    options=(
        McqOption("A", "E11.9, N18.31"),
        McqOption("B", "E11.22, N18.31"),
        McqOption("C", "E11.65 {hyperglycemia}"),
    ),
    answer=("B",),
    rationale="E11.22 = combination code; #1 rule: code the stage.",
    why_not=(("A", "No complication: wrong."), ("C", "Not documented ~ at all.")),
    tags=("diabetes",),
)
MULTIPLE = McqItem(
    id="cpc-icd-0008",
    exams=("CPC",),
    topic="icd-10-cm",
    stem="Which three are true? Select three.",
    options=(McqOption("A", "a"), McqOption("B", "b"), McqOption("C", "c"), McqOption("D", "d")),
    answer=("A", "B", "D"),
    multiple=True,
    rationale="Because.",
)


def test_escaping_special_characters() -> None:
    assert escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    assert unescape(escape("a~b=c#d{e}f:g\\h\ni\\n")) == "a~b=c#d{e}f:g\\h\ni\\n"
    assert unescape("keep \\x as is") == "keep \\x as is"


def test_export_single_answer() -> None:
    assert item_to_gift(SINGLE).splitlines()[1:] == [
        "::cpc-icd-0007::[markdown]Type 2 diabetes with diabetic CKD, stage 3a\\:\\nwhich codes are reported? {",
        "\t~E11.9, N18.31#No complication\\: wrong.",
        "\t=E11.22, N18.31",
        "\t~E11.65 \\{hyperglycemia\\}#Not documented \\~ at all.",
        "\t####E11.22 \\= combination code; \\#1 rule\\: code the stage.",
        "}",
    ]
    assert item_to_gift(SINGLE).startswith('// codeprep: {"id": "cpc-icd-0007", "exams": ["CPC", "CPB"]')


def test_export_multiple_response_weights() -> None:
    lines = item_to_gift(MULTIPLE).splitlines()
    assert lines[2:6] == ["\t~%33.33333%a", "\t~%33.33333%b", "\t~%-100%c", "\t~%33.33333%d"]
    two = McqItem(**{**MULTIPLE.__dict__, "answer": ("A", "C"), "stem": "Select two."})
    assert [line.strip() for line in item_to_gift(two).splitlines()[2:6]] == [
        "~%50%a",
        "~%-100%b",
        "~%50%c",
        "~%-100%d",
    ]


def test_export_skips_cases_and_adds_a_category() -> None:
    text = export_gift([SINGLE], category="CodePrep/ICD-10-CM")
    assert "$CATEGORY: CodePrep/ICD-10-CM" in text and text.endswith("}\n")


def test_round_trip_of_our_own_export() -> None:
    items, problems = import_gift(export_gift([SINGLE, MULTIPLE]), topic="other", exams=["CCS"], status="published")
    assert problems == []
    assert items == [SINGLE, MULTIPLE]


def test_round_trip_of_the_fixture_bank() -> None:
    bank, _ = load_bank(FIXTURES / "mini_bank")
    mcqs = [i for i in bank.items if isinstance(i, McqItem)]
    items, problems = import_gift(export_gift(mcqs), topic="x", exams=["CPC"])
    assert problems == []
    for original, imported in zip(mcqs, items, strict=True):
        expected = McqItem(**{**original.__dict__, "status": "draft", "extra_sections": (), "path": ""})
        assert imported == expected


def test_import_a_moodle_export() -> None:
    text = (FIXTURES / "moodle_export.gift").read_text()
    items, problems = import_gift(text, topic="icd-10-cm", exams=["CPC"], path="quiz.gift")
    assert [i.id for i in items] == [
        "dm-ckd",
        "gift-placeholder-x-rule",
        "gift-escapes-a-test",
        "gift-missing-word",
    ]
    first = items[0]
    assert first.stem.startswith("<p>A patient with type 2 diabetes") and first.stem.endswith("reported?</p>")
    assert [o.text for o in first.options][1] == "E11.22, N18.31"
    assert first.answer == ("B",) and not first.multiple
    assert first.why_not_map == {
        "A": "E11.9 is diabetes <b>without</b> complications.",
        "C": "Hyperglycemia is not documented.",
        "D": "The stage is documented.",
    }
    assert first.rationale.startswith("<p>E11.22 is a combination code")
    assert first.tags == ("icd-10-cm",) and first.status == "draft" and first.exams == ("CPC",)
    multi = items[1]
    assert multi.multiple and multi.answer == ("A", "C") and multi.why_not_map == {"B": "The 7th character must be in position 7."}
    escaped = items[2]
    assert escaped.stem == "What does 1 = 1 mean in a key: {A} or {B}?"
    assert [o.text for o in escaped.options] == ["equality", "assignment", "a comment # mark"]
    assert escaped.why_not_map == {"B": "No\\, = is escaped here."}
    assert items[3].stem == "The code for essential hypertension is _____ in ICD-10-CM."
    assert [str(p) for p in problems] == [
        "quiz.gift:29: 'Essay' is an essay question: only multiple-choice questions can be imported",
        "quiz.gift:31: 'TF' is a true/false question: only multiple-choice questions can be imported",
        "quiz.gift:33: 'Short answer' is a short-answer question: only multiple-choice questions can be imported",
        "quiz.gift:35: 'Matching' is a matching question: only multiple-choice questions can be imported",
        "quiz.gift:40: 'Numeric' is a numerical question: only multiple-choice questions can be imported",
        "quiz.gift:42: a description without answers is not a question (skipped)",
        "quiz.gift:44: 'Too many' has 7 answers; items have 2 to 6 options",
    ]


def test_generated_ids_are_unique_and_avoid_taken_ones() -> None:
    text = "::Same::Q {=a ~b}\n\n::Same::Q {=a ~b}\n\nNo title {=a ~b}\n"
    items, _ = import_gift(text, topic="t", exams=["CPC"], taken_ids=["gift-same"])
    assert [i.id for i in items] == ["gift-same-2", "gift-same-3", "gift-003"]


def test_broken_questions_give_problems() -> None:
    text = "::Unclosed title {=a ~b}\n\n::T::Q {=a ~b\n\n::N::No right answer {~a ~b}\n"
    items, problems = import_gift(text, topic="t", exams=["CPC"], path="p.gift")
    assert items == []
    assert [str(p) for p in problems] == [
        "p.gift:1: the title is not closed with '::'",
        "p.gift:3: the answers are not closed with '}'",
        "p.gift:5: 'N' has no correct answer",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_import_never_raises(text: str) -> None:
    items, problems = import_gift(text, topic="t", exams=["CPC"])
    assert all(isinstance(i, McqItem) for i in items)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab ~=#{}:\\%-01>\n", max_size=60))
def test_import_never_raises_on_gift_like_text(text: str) -> None:
    import_gift("::t::" + text, topic="t", exams=["CPC"])


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1).map(str.strip).filter(bool))
def test_escape_round_trip(text: str) -> None:
    assert unescape(escape(text)) == text.replace("\r", "")
