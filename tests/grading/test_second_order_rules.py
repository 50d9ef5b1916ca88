"""Second-order grading rules a hand mutation audit found untested (issue 13): each test fails
when its rule is changed the way the audit changed it."""

from __future__ import annotations

from study.bank.model import McqItem, McqOption
from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission
from study.grading.case import grade_case
from study.grading.mcq import grade_mcq
from study.grading.results import GradeReport
from tests.grading.helpers import case, line


def grade(item, checker: CodeChecker, dx: str = "", px: str = "", pcs: str = "") -> GradeReport:  # type: ignore[no-untyped-def]
    return grade_case(item, parse_submission(dx, px, pcs), checker)


def kinds(report: GradeReport) -> list[tuple[str, str | None, str]]:
    return [(ln.kind, ln.submitted, ln.verdict) for ln in report.lines]


def test_pcs_partial_credit_needs_the_first_four_characters_not_three(checker: CodeChecker) -> None:
    """0SRB019 shares 0SR (section, body system, root operation) with 0SR9019 but not the body
    part: an extra code, not a partial match."""
    item = case(diagnoses=["M16.11"], pcs=["0SR9019"], setting="inpatient")
    report = grade(item, checker, "M16.11", "", "0SRB019")
    assert kinds(report)[1:] == [("pcs", "0SRB019", "extra"), ("pcs", None, "missing")]
    assert (report.earned, report.penalties, report.possible) == (1.0, 0.5, 2.0)
    assert grade(item, checker, "M16.11", "", "0SR901Z").lines_of("pcs")[0].verdict == "partial"


def test_one_code_on_two_key_lines_pairs_by_units(checker: CodeChecker) -> None:
    """J1100 x3 and J1100 (one unit) in the key: each submitted line pairs with the key line whose
    units it has, whatever the order they are written in."""
    item = case(diagnoses=["M17.11"], procedures=[line("J1100", units=3), line("J1100")])
    for px in ("J1100x3, J1100", "J1100, J1100x3"):
        report = grade(item, checker, "M17.11", px)
        assert report.score_pct == 100.0, px
        assert report.lines_of("units")[0].verdict == "correct"
        assert not any("units were reported" in ln.message for ln in report.lines_of("procedure"))


def test_modifiers_and_units_of_an_optional_procedure_line_are_not_scored(checker: CodeChecker) -> None:
    item = case(diagnoses=["M17.11"], procedures=["99214", line("20610", modifiers=["RT"], units=2, optional=True)])
    report = grade(item, checker, "M17.11", "99214, 20610-LT")
    assert report.lines_of("modifiers") == [] and report.lines_of("units") == []
    assert (report.score_pct, report.possible) == (100.0, 2.0)


def test_the_units_weight_can_be_overridden(checker: CodeChecker) -> None:
    # possible: dx 1 + procedure 1 + units 2 = 4; wrong units: 2 of 4
    item = case(diagnoses=["M17.11"], procedures=[line("J1100", units=4)], scoring={"units": 2})
    wrong = grade(item, checker, "M17.11", "J1100x2")
    assert (wrong.score_pct, wrong.possible) == (50.0, 4.0)
    right = grade(item, checker, "M17.11", "J1100x4")
    assert right.lines_of("units")[0].points == 2.0 and right.score_pct == 100.0


MULTIPLE = McqItem(
    "cpc-x-002",
    ("CPC",),
    "icd-10-cm",
    "Which two?",
    (McqOption("A", "a"), McqOption("B", "b"), McqOption("C", "c"), McqOption("D", "d")),
    ("A", "C"),
    "Because.",
    multiple=True,
)


def test_unknown_letters_count_as_wrong_choices_under_partial_credit() -> None:
    result = grade_mcq(MULTIPLE, "A, C, Z", partial_credit=True)
    assert result.unknown == ("Z",) and not result.correct
    assert result.score == 0.5  # (2 right - 1 wrong) / 2
    assert grade_mcq(MULTIPLE, "A, Y, Z", partial_credit=True).score == 0.0


def test_the_placeholder_x_hint_after_a_three_character_category(checker: CodeChecker) -> None:
    """T07 (a category of three characters) takes its 7th character after three placeholders."""
    typed_short = checker.check("icd10cm", "T07")
    assert typed_short.status == "incomplete" and typed_short.missing == "7th character"
    assert typed_short.message.endswith("positions before it are filled with the placeholder X: T07.XXXA.")
    placeholders_only = checker.check("icd10cm", "T07.XXX")
    assert placeholders_only.status == "incomplete" and placeholders_only.missing == "7th character"
    skipped = checker.check("icd10cm", "T07A")
    assert skipped.status == "invalid" and skipped.suggestions[0] == "T07.XXXA"
    assert skipped.message.endswith("filled with the placeholder X: T07.XXXA.")
