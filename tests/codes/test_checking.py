"""CodeChecker: single codes of every code set, note references, and rules between codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.codes.checking import CPT_WITHOUT_DESCRIPTOR, CodeChecker, parse_references
from study.codes.memory import MemoryCodeSource

# --- ICD-10-CM -----------------------------------------------------------------------------------


def test_reportable_code_gives_its_description(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "e1122")
    assert (check.status, check.code) == ("reportable", "E11.22")
    assert check.message == check.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert check.reportable and check.exists


def test_subcategory_needs_more_characters(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "E11.2")
    assert check.status == "incomplete" and check.missing == "more characters"
    assert check.message == "E11.2 is a subcategory: a 5th character is required (E11.21, E11.22, E11.29)."


def test_category_needs_a_4th_character(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "R05")
    assert check.status == "incomplete"
    assert check.message.startswith("R05 is a category: a 4th character is required (R05.1, R05.2")


def test_code_needing_a_7th_character_lists_values_and_the_placeholder_rule(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "S72.21")
    assert check.status == "incomplete" and check.missing == "7th character"
    assert check.message.startswith("S72.21 needs a 7th character (A initial encounter for closed fracture, ")
    assert "S sequela" in check.message
    assert check.message.endswith("positions before it are filled with the placeholder X: S72.21XA.")


def test_six_character_code_needing_a_7th_character(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "S72.001")
    assert check.missing == "7th character"
    assert check.message.endswith("for example S72.001A.")


def test_only_the_7th_characters_that_exist_are_offered(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "T36.0X1")
    assert check.missing == "7th character"
    assert "(A initial encounter, D subsequent encounter, S sequela)" in check.message


def test_placeholders_typed_without_the_7th_character(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "S72.21X")
    assert check.status == "incomplete" and check.missing == "7th character" and check.code == "S72.21X"


def test_skipped_placeholder_is_detected(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "S7221A")
    assert check.status == "invalid"
    assert check.code == "S72.21A"
    assert "placeholder X: S72.21XA" in check.message
    assert check.suggestions[0] == "S72.21XA"


def test_invalid_code_has_up_to_five_suggestions(checker: CodeChecker) -> None:
    check = checker.check("icd10cm", "E11.25")
    assert check.status == "invalid" and not check.exists
    assert check.suggestions[:3] == ("E11.21", "E11.22", "E11.29") and len(check.suggestions) == 5
    assert check.message.startswith("E11.25 is not an ICD-10-CM code. Nearest codes: E11.21")


def test_malformed_and_empty_icd_input(checker: CodeChecker) -> None:
    assert checker.check("icd10cm", "").message == "No diagnosis code was given."
    garbage = checker.check("icd10cm", "hello")
    assert garbage.status == "invalid" and garbage.suggestions == ()
    assert checker.check("icd10cm", "4").status == "invalid"  # a chapter number is not a code
    assert checker.check("icd10cm", "E08-E13").status == "invalid"  # nor a block


# --- CPT, HCPCS, PCS, modifiers -----------------------------------------------------------------


def test_cpt_shape_only_without_a_licensed_file(checker: CodeChecker) -> None:
    for code in ("99214", "0075T", "3074F"):
        check = checker.check("cpt", code)
        assert check.status == "reportable" and check.message == CPT_WITHOUT_DESCRIPTOR
        assert check.description is None
    bad = checker.check("cpt", "9921")
    assert bad.status == "invalid" and "5 digits" in bad.message


def test_cpt_existence_when_a_licensed_file_is_loaded(icd_source: MemoryCodeSource) -> None:
    checker = CodeChecker(icd_source.with_tables(cpt={"99214": "Licensed text"}))
    assert checker.check("cpt", "99214").description == "Licensed text"
    assert checker.check("cpt", "99299").status == "invalid"


def test_hcpcs(checker: CodeChecker, icd_source: MemoryCodeSource) -> None:
    assert checker.check("hcpcs", "j1100").status == "reportable"
    unknown = checker.check("hcpcs", "J9999")
    assert unknown.status == "invalid" and "no CMS HCPCS file is loaded" in unknown.message
    loaded = CodeChecker(icd_source.with_tables(hcpcs={"J1100": "x"}, hcpcs_loaded=True))
    assert "the loaded HCPCS Level II table" in loaded.check("hcpcs", "J9999").message
    assert checker.check("hcpcs", "Z1234").status == "invalid"  # W-Z are not HCPCS letters


def test_pcs(checker: CodeChecker, icd_source: MemoryCodeSource) -> None:
    assert checker.check("pcs", "0src0j9").status == "reportable"
    assert "never uses the letters I and O" in checker.check("pcs", "0SRC0I9").message
    assert "exactly 7 characters" in checker.check("pcs", "0SRC0J").message
    loaded = CodeChecker(icd_source.with_tables(pcs={"0SRC0J9": "Replacement of right knee"}))
    assert loaded.check("pcs", "0SRC0J9").description == "Replacement of right knee"
    assert loaded.check("pcs", "0SRC0JZ").status == "invalid"


def test_modifiers(checker: CodeChecker) -> None:
    assert checker.check("modifier", "-rt").status == "reportable"
    assert checker.check("modifier", "ZZ").message == "ZZ is not a known modifier."
    assert checker.check("modifier", "RTX").status == "invalid"


def test_procedure_is_told_apart_by_shape(checker: CodeChecker) -> None:
    assert checker.check("procedure", "J1100").system == "hcpcs"
    assert checker.check("procedure", "99214").system == "cpt"
    assert checker.check("procedure", "abc").status == "invalid"
    assert checker.check("nonsense", "x").status == "invalid"


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["icd10cm", "cpt", "hcpcs", "pcs", "modifier", "procedure"]), st.text(max_size=40))
def test_check_never_raises(checker: CodeChecker, system: str, text: str) -> None:
    check = checker.check(system, text)
    assert check.status in ("reportable", "incomplete", "invalid")
    assert len(check.suggestions) <= 5


# --- references in notes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("type 1 diabetes mellitus (E10.-)", ["E10"]),
        ("gestational diabetes (O24.4-)", ["O24.4"]),
        ("neonatal diabetes mellitus (P70.2)", ["P70.2"]),
        ("code to identify stage of chronic kidney disease (N18.1-N18.6)", ["N18.1-N18.6"]),
        ("diabetes (E08.-, E09.-)", ["E08", "E09"]),
        ("pancreatitis (K85-K86.-)", ["K85-K86"]),
        ("drug abuse (F11.-F17.-)", ["F11-F17"]),
        ("nerve root compression (M50.1.-, M51.1.-)", ["M50.1", "M51.1"]),
        ("following cerebrovascular disease (I69. with final characters -23)", []),
        ("with C3 glomerulopathy (with C3 glomerulopathy)", []),
    ],
)
def test_parse_references(note: str, expected: list[str]) -> None:
    assert [str(ref) for ref in parse_references(note)] == expected


def test_reference_matching_single_subtree_and_range() -> None:
    (e10,) = parse_references("(E10.-)")
    assert e10.matches("E10.9") and e10.matches("E10") and not e10.matches("E11.9")
    (ckd,) = parse_references("(N18.1-N18.6)")
    assert [c for c in ("N18.1", "N18.30", "N18.32", "N18.6", "N18.9", "N19", "N18") if ckd.matches(c)] == [
        "N18.1",
        "N18.30",
        "N18.32",
        "N18.6",
    ]


def test_reference_qualifiers() -> None:
    (suffix,) = parse_references("(E08-E13 with .51-.52)")
    assert suffix.matches("E11.51") and suffix.matches("E10.52") and not suffix.matches("E11.59")
    (positions,) = parse_references("(T36-T50 with fifth or sixth character 5)")
    assert positions.matches("T36.0X5A") and positions.matches("T45.525A") and not positions.matches("T36.0X1A")
    (seventh,) = parse_references("(S06.0X- with seventh character A)")
    assert seventh.matches("S06.0X0A") and not seventh.matches("S06.0X0D")
    (after_comma,) = parse_references("(T39.0-, with sixth character 5)")
    assert after_comma.matches("T39.015A") and not after_comma.matches("T39.011A")


# --- rules between codes --------------------------------------------------------------------------


def test_excludes1_found_through_the_category_note(checker: CodeChecker) -> None:
    conflicts = [c for c in checker.conflicts(["E11.22", "E10.9"]) if c.kind == "excludes1"]
    assert len(conflicts) == 1
    assert set(conflicts[0].codes) == {"E11.22", "E10.9"}
    assert conflicts[0].message.startswith("Excludes1: E11.22 and E10.9 are never coded together")
    assert "E11 excludes type 1 diabetes mellitus (E10.-)" in conflicts[0].message


def test_excludes1_with_a_subtree_reference(checker: CodeChecker) -> None:
    conflicts = checker.conflicts(["E11.9", "O24.410"])
    assert [c.codes for c in conflicts if c.kind == "excludes1"] == [("E11.9", "O24.410")]


def test_no_excludes1_for_codes_that_may_go_together(checker: CodeChecker) -> None:
    assert not [c for c in checker.conflicts(["E11.22", "N18.31", "Z79.4"]) if c.kind == "excludes1"]
    assert not [c for c in checker.conflicts(["S52.501A", "W01.0XXA"]) if c.kind == "excludes1"]


def test_manifestation_listed_first(checker: CodeChecker) -> None:
    first = [c for c in checker.conflicts(["G63", "E85.1"]) if c.kind == "code_first"]
    assert len(first) == 1 and first[0].codes == ("G63",)
    assert "never listed first" in first[0].message and "underlying disease" in first[0].message
    assert not [c for c in checker.conflicts(["E85.1", "G63"]) if c.kind == "code_first"]
    assert checker.is_manifestation("M14.80")[0]  # the code-first note is on M14.8
    assert checker.is_manifestation("M01.X0")[0]  # ... and on the category M01
    assert not checker.is_manifestation("E11.22")[0]


def test_use_additional_code_hint(checker: CodeChecker) -> None:
    hints = [c for c in checker.conflicts(["E11.22"]) if c.kind == "use_additional"]
    ckd = [h for h in hints if "N18.1-N18.6" in h.message]
    assert ckd and ckd[0].codes == ("E11.22",)
    assert ckd[0].message == ("E11.22: use additional code to identify stage of chronic kidney disease (N18.1-N18.6), if applicable.")
    with_stage = [c for c in checker.conflicts(["E11.22", "N18.31"]) if "N18.1-N18.6" in c.message]
    assert with_stage == []


def test_conflicts_ignore_unknown_and_repeated_codes(checker: CodeChecker) -> None:
    assert checker.conflicts([]) == []
    assert checker.conflicts(["NOPE", "", "nope"]) == []
    assert [c for c in checker.conflicts(["E10.9", "e109"]) if c.kind == "excludes1"] == []
