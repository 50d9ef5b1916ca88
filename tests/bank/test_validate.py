"""The validator: one test per rule, each checking the ``path:line: message`` output."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from study.bank.parser import load_bank
from study.bank.validate import (
    check_bank,
    did_you_mean,
    has_errors,
    icd10cm_codes_in_option,
    validate_bank,
    validate_path,
)
from study.codes.checking import CodeChecker
from study.codes.hcpcs_set import hcpcs_set_text, parse_hcpcs_set

TOPICS = {"icd-10-cm", "em", "surgery-musculoskeletal", "modifiers", "icd-10-pcs"}
EXAMS = ("CPC", "CPB", "CCS", "CCS-P")

MCQ = """---
id: cpc-test-001
type: mcq
exams: [CPC]
topic: icd-10-cm
difficulty: medium
answer: B
---
Which code is reported for type 2 diabetes with diabetic chronic kidney disease?

## Options
A. E11.9
B. E11.22
C. E11.65

## Rationale
E11.22 is the combination code.

## Why not the others
A. No complication is coded.
C. Hyperglycemia is not documented.
"""

CASE = """---
id: case-test-001
type: case
exams: [CPC]
topic: surgery-musculoskeletal
setting: professional
key:
  diagnoses:
    - S52.501A
    - {code: W01.0XXA, optional: true}
  procedures:
    - {code: "25600", modifiers: [RT]}
    - {code: J1100, units: 4}
  not_reportable:
    - {code: M79.631, why: "Pain is integral to the fracture."}
---
## Documentation
The record.

## Rationale
Because.
"""

Run = Callable[..., list[str]]


@pytest.fixture
def problems(tmp_path: Path, checker: CodeChecker) -> Run:
    from study.bank.validate import validate_item_file

    def run(text: str, name: str | None = None, *, use_checker: bool = True) -> list[str]:
        if name is None:
            name = "case-test-001.md" if "type: case" in text else "cpc-test-001.md"
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        found = validate_item_file(path, checker if use_checker else None, topics=TOPICS, exams=EXAMS)
        return [str(p).replace(f"{tmp_path}/", "") for p in found]

    return run


def test_valid_files_have_no_problems(problems: Run) -> None:
    assert problems(MCQ) == []
    assert problems(CASE) == []


# --- front matter keys ------------------------------------------------------------------------


def test_missing_required_key_points_at_the_front_matter(problems: Run) -> None:
    assert problems(MCQ.replace("answer: B\n", "")) == ["cpc-test-001.md:1: missing required key 'answer'"]
    assert problems(CASE.replace("setting: professional\n", "")) == ["case-test-001.md:1: missing required key 'setting'"]


def test_unknown_key_with_did_you_mean(problems: Run) -> None:
    assert problems(MCQ.replace("difficulty:", "dificulty:")) == ["cpc-test-001.md:6: unknown key 'dificulty' (did you mean 'difficulty'?)"]
    assert problems(MCQ.replace("difficulty: medium", "colour: red")) == ["cpc-test-001.md:6: unknown key 'colour'"]


def test_case_keys_are_unknown_in_an_mcq(problems: Run) -> None:
    assert problems(MCQ.replace("difficulty: medium", "setting: professional")) == ["cpc-test-001.md:6: unknown key 'setting'"]


def test_bad_type(problems: Run) -> None:
    assert problems(MCQ.replace("type: mcq", "type: mcqs")) == [
        "cpc-test-001.md:3: type must be one of 'mcq', 'case', 'claim', 'remittance', 'scrubber', not 'mcqs' (did you mean 'mcq'?)"
    ]


def test_bad_id(problems: Run) -> None:
    assert problems(MCQ.replace("id: cpc-test-001", "id: CPC_Test"), "cpc-test-001.md") == [
        "cpc-test-001.md:2: bad id 'CPC_Test': an id is 3-64 characters, lower-case letters, digits and "
        "dashes, starting with a letter or digit"
    ]
    assert problems(MCQ.replace("id: cpc-test-001", "id: ab"))[0].startswith("cpc-test-001.md:2: bad id 'ab'")
    assert problems(MCQ.replace("id: cpc-test-001", "id: 1234"))[0].startswith("cpc-test-001.md:2: bad id 1234")


def test_file_name_differing_from_the_id_is_a_warning(problems: Run) -> None:
    assert problems(MCQ, "other-name.md") == [
        "other-name.md:2: warning: the file name 'other-name.md' does not match the id 'cpc-test-001'"
    ]


def test_unknown_topic(problems: Run) -> None:
    assert problems(MCQ.replace("topic: icd-10-cm", "topic: icd-10")) == [
        "cpc-test-001.md:5: unknown topic 'icd-10' (not in topics.yaml) (did you mean 'icd-10-cm'?)"
    ]


def test_unknown_exam(problems: Run) -> None:
    assert problems(MCQ.replace("exams: [CPC]", "exams: [CPC, CCSP]")) == [
        "cpc-test-001.md:4: unknown exam 'CCSP' (exams: CPC, CPB, CCS, CCS-P) (did you mean 'CCS-P'?)"
    ]
    assert problems(MCQ.replace("exams: [CPC]", "exams: [RHIT]")) == [
        "cpc-test-001.md:4: unknown exam 'RHIT' (exams: CPC, CPB, CCS, CCS-P)"
    ]


def test_exams_must_be_a_non_empty_list(problems: Run) -> None:
    assert problems(MCQ.replace("exams: [CPC]", "exams: CPC")) == ["cpc-test-001.md:4: exams must be a list, e.g. exams: [CPC]"]
    assert problems(MCQ.replace("exams: [CPC]", "exams: []")) == ["cpc-test-001.md:4: exams is empty: name at least one exam"]


def test_difficulty_and_status_values(problems: Run) -> None:
    assert problems(MCQ.replace("difficulty: medium", "difficulty: medum")) == [
        "cpc-test-001.md:6: difficulty must be one of easy, medium, hard, not 'medum' (did you mean 'medium'?)"
    ]
    assert problems(MCQ.replace("difficulty: medium", "status: live")) == [
        "cpc-test-001.md:6: status must be one of published, draft, retired, not 'live'"
    ]


def test_tags_must_be_a_list(problems: Run) -> None:
    assert problems(MCQ.replace("difficulty: medium", "tags: diabetes")) == [
        "cpc-test-001.md:6: tags must be a list of words, e.g. tags: [diabetes, ckd]"
    ]
    assert problems(MCQ.replace("difficulty: medium", "tags: [era, 835]")) == []


# --- multiple-choice rules --------------------------------------------------------------------


def test_option_letters_consecutive_from_a(problems: Run) -> None:
    assert problems(MCQ.replace("C. E11.65", "D. E11.65").replace("C. Hyper", "D. Hyper")) == [
        "cpc-test-001.md:14: options are lettered A, B, C... in order: expected C, found D"
    ]


def test_two_to_six_options(problems: Run) -> None:
    one = MCQ.replace("A. E11.9\n", "").replace("C. E11.65\n", "").split("## Why not")[0]
    assert problems(one) == [
        "cpc-test-001.md:11: an item has 2 to 6 options; this one has 1",
        "cpc-test-001.md:12: options are lettered A, B, C... in order: expected A, found B",
    ]
    seven = MCQ.replace("C. E11.65", "C. E11.65\nD. E11.8\nE. E11.69\nF. E11.649\nG. E11.00")
    assert problems(seven) == ["cpc-test-001.md:11: an item has 2 to 6 options; this one has 7"]


def test_empty_option(problems: Run) -> None:
    assert problems(MCQ.replace("C. E11.65", "C.")) == ["cpc-test-001.md:14: option C is empty"]


def test_answer_letter_must_be_an_option(problems: Run) -> None:
    assert problems(MCQ.replace("answer: B", "answer: E")) == ["cpc-test-001.md:7: answer E is not an option (options: A, B, C)"]


def test_answer_must_be_a_capital_letter(problems: Run) -> None:
    assert problems(MCQ.replace("answer: B", "answer: b")) == [
        "cpc-test-001.md:7: answer must be one capital letter A-F (or a list of letters), not 'b'",
        "cpc-test-001.md:7: answer b is not an option (options: A, B, C)",
    ]
    assert problems(MCQ.replace("answer: B", "answer: {x: 1}")) == [
        "cpc-test-001.md:7: answer must be one letter (answer: B) or a list of letters (answer: [A, C])"
    ]


def test_multiple_response_stem_must_say_how_many(problems: Run) -> None:
    text = MCQ.replace("answer: B", "answer: [A, B]").replace("A. No complication is coded.\n", "")
    assert problems(text) == ["cpc-test-001.md:9: a multiple-response stem must say how many to choose, e.g. 'Select two.'"]
    all_that_apply = text.replace("kidney disease?", "kidney disease? (Select all that apply.)")
    assert problems(all_that_apply) == [
        "cpc-test-001.md:9: a multiple-response stem must say how many to choose, e.g. 'Select two.' "
        "('select all that apply' is not enough)"
    ]
    assert problems(text.replace("kidney disease?", "kidney disease? Select two.")) == []
    assert problems(text.replace("Which code is", "Which two codes are")) == []


def test_multiple_response_count_must_match(problems: Run) -> None:
    text = MCQ.replace("answer: B", "answer: [A, B]").replace("kidney disease?", "kidney disease? Choose 3.")
    text = text.replace("A. No complication is coded.\n", "")
    assert problems(text) == ["cpc-test-001.md:9: the stem asks for 3 answers but answer lists 2 letters"]


def test_multiple_response_needs_two_distinct_letters(problems: Run) -> None:
    assert problems(MCQ.replace("answer: B", "answer: [B]")) == [
        "cpc-test-001.md:7: a multiple-response answer lists at least two letters; for one answer write answer: B",
        "cpc-test-001.md:9: a multiple-response stem must say how many to choose, e.g. 'Select two.'",
    ]
    text = MCQ.replace("answer: B", "answer: [B, B]").replace("kidney disease?", "kidney disease? Select two.")
    assert problems(text) == ["cpc-test-001.md:7: answer lists a letter twice"]


def test_single_answer_with_a_stem_asking_for_two(problems: Run) -> None:
    assert problems(MCQ.replace("kidney disease?", "kidney disease? Select two.")) == [
        "cpc-test-001.md:7: the stem asks for 2 answers but answer is a single letter: write answer: [A, C]"
    ]


def test_missing_rationale(problems: Run) -> None:
    text = MCQ.replace("## Rationale\nE11.22 is the combination code.\n\n", "")
    assert problems(text) == ["cpc-test-001.md:18: missing section '## Rationale' (explain the correct answer)"]
    assert problems(MCQ.replace("E11.22 is the combination code.", "")) == ["cpc-test-001.md:16: '## Rationale' is empty"]


def test_missing_options_and_empty_stem(problems: Run) -> None:
    text = MCQ.split("## Options")[0] + "## Rationale\nx\n"
    assert (
        problems(text, use_checker=False)
        == [
            "cpc-test-001.md:12: missing section '## Options'",
            "cpc-test-001.md:7: answer B is not an option (options: )",
        ][:1]
    )
    assert problems(MCQ.replace("Which code is reported for type 2 diabetes with diabetic chronic kidney disease?", "")) == [
        "cpc-test-001.md:9: the stem is empty: write the question before '## Options'"
    ]


def test_why_not_lines_must_explain_wrong_options(problems: Run) -> None:
    assert problems(MCQ + "B. It is right.\nF. Not an option.\n") == [
        "cpc-test-001.md:22: 'Why not the others' explains B, which is a correct answer",
        "cpc-test-001.md:23: 'Why not the others' explains F, which is not an option",
    ]


def test_allow_invalid_distractors_is_a_boolean(problems: Run) -> None:
    assert problems(MCQ.replace("difficulty: medium", "allow_invalid_distractors: yes please")) == [
        "cpc-test-001.md:6: allow_invalid_distractors must be true or false"
    ]


# --- code integrity in options -----------------------------------------------------------------


def test_correct_option_codes_must_be_reportable(problems: Run) -> None:
    assert problems(MCQ.replace("B. E11.22", "B. E11.2")) == [
        "cpc-test-001.md:13: option B is a correct answer but E11.2 is not valid for reporting: E11.2 is a "
        "subcategory: a 5th character is required (E11.21, E11.22, E11.29)."
    ]


def test_wrong_option_codes_must_exist_unless_allowed(problems: Run) -> None:
    text = MCQ.replace("C. E11.65", "C. E11.25")
    assert problems(text) == [
        "cpc-test-001.md:14: option C: E11.25 is not an ICD-10-CM code. Nearest codes: E11.21, E11.22, E11.29, "
        "E11.65, E11.00. (if the distractor is deliberately not a code, set allow_invalid_distractors: true)"
    ]
    assert problems(text.replace("answer: B", "answer: B\nallow_invalid_distractors: true")) == []
    assert problems(MCQ.replace("C. E11.65", "C. E11.2")) == []  # a real header is a fair distractor


def test_codes_are_found_in_option_text() -> None:
    assert icd10cm_codes_in_option("E11.22, N18.31") == ["E11.22", "N18.31"]
    assert icd10cm_codes_in_option("I10, E78.5") == ["E78.5", "I10"]
    assert icd10cm_codes_in_option("I10 and 99213-25") == ["I10"]
    assert icd10cm_codes_in_option("Report R05 only when the cough is not integral") == []
    assert icd10cm_codes_in_option("Code S72.21XA (initial encounter)") == ["S72.21XA"]
    assert icd10cm_codes_in_option("version 2.1 of the form") == []


def test_without_a_checker_codes_are_not_looked_up(problems: Run) -> None:
    assert problems(MCQ.replace("B. E11.22", "B. E11.2"), use_checker=False) == []


# --- cases --------------------------------------------------------------------------------------


def test_setting_value(problems: Run) -> None:
    assert problems(CASE.replace("setting: professional", "setting: outpatient")) == [
        "case-test-001.md:6: setting must be one of professional, outpatient-facility, inpatient,"
        " not 'outpatient' (did you mean 'outpatient-facility'?)"
    ]


def test_key_must_be_a_mapping_of_lists(problems: Run) -> None:
    text = CASE.split("key:")[0] + "key: [S52.501A]\n---\n## Documentation\nx\n## Rationale\ny\n"
    assert problems(text) == ["case-test-001.md:7: key must be a mapping with lists: diagnoses, procedures, pcs, not_reportable"]
    assert problems(
        CASE.replace(
            "  diagnoses:\n    - S52.501A\n    - {code: W01.0XXA, optional: true}\n",
            "  diagnoses: S52.501A\n",
        )
    ) == ["case-test-001.md:8: key.diagnoses must be a list"]


def test_unknown_keys_in_the_key(problems: Run) -> None:
    assert problems(CASE.replace("  diagnoses:", "  diagnosis:")) == [
        "case-test-001.md:8: unknown key 'diagnosis' in key (did you mean 'diagnoses'?)"
    ]
    assert problems(CASE.replace("{code: W01.0XXA, optional: true}", "{code: W01.0XXA, optinal: true}")) == [
        "case-test-001.md:10: unknown key 'optinal' in key.diagnoses line (did you mean 'optional'?)"
    ]
    assert problems(CASE.replace("- S52.501A", "- {code: S52.501A, modifiers: [RT]}")) == [
        "case-test-001.md:9: unknown key 'modifiers' in key.diagnoses line"
    ]


def test_a_key_line_needs_a_code(problems: Run) -> None:
    assert problems(CASE.replace("{code: W01.0XXA, optional: true}", "{optional: true}")) == [
        "case-test-001.md:10: missing required key 'code' in key.diagnoses line"
    ]


def test_cpt_codes_must_be_quoted_strings(problems: Run) -> None:
    assert problems(CASE.replace('"25600"', "25600")) == [
        'case-test-001.md:12: CPT and HCPCS codes must be quoted strings: write code: "25600" with the code '
        "exactly as printed (YAML reads an unquoted code as a number and drops its leading zeros)"
    ]


def test_units_modifiers_and_optional_values(problems: Run) -> None:
    assert problems(CASE.replace("units: 4", "units: 0")) == ["case-test-001.md:13: units must be a whole number, 1 or more"]
    assert problems(CASE.replace("modifiers: [RT]", "modifiers: RT")) == [
        "case-test-001.md:12: modifiers must be a list, e.g. modifiers: [RT]"
    ]
    assert problems(CASE.replace("optional: true", "optional: maybe")) == ["case-test-001.md:10: optional must be true or false"]
    assert problems(CASE.replace("- S52.501A", "- {code: S52.501A, alternates: S52.509A}")) == [
        "case-test-001.md:9: alternates must be a list of codes"
    ]


def test_not_reportable_lines(problems: Run) -> None:
    assert problems(CASE.replace(', why: "Pain is integral to the fracture."', "")) == [
        "case-test-001.md:15: missing required key 'why' in key.not_reportable line"
    ]
    assert problems(CASE.replace('{code: M79.631, why: "Pain is integral to the fracture."}', "M79.631")) == [
        'case-test-001.md:15: a not_reportable line is a mapping: {code: R52, why: "..."}'
    ]
    assert problems(CASE.replace("{code: M79.631,", "{code: M79.99,")) == [
        "case-test-001.md:15: M79.99 is not an ICD-10-CM code. Nearest codes: M79.9, M79.89, M79.A9, M79.0, M79.10."
    ]


def test_scoring_overrides(problems: Run) -> None:
    base = CASE.replace("---\n## Documentation", "scoring:\n  dignosis: 2\n  units: -1\n---\n## Documentation")
    assert problems(base) == [
        "case-test-001.md:17: unknown scoring weight 'dignosis' (weights: diagnosis, procedure, pcs, partial, "
        "sequencing, modifiers, units, extra_penalty) (did you mean 'diagnosis'?)",
        "case-test-001.md:18: scoring weight 'units' must be a number of points, 0 or more",
    ]
    assert problems(CASE.replace("---\n## Documentation", "scoring:\n  diagnosis: 2\n  pcs: 0.5\n---\n## Documentation")) == []


def test_minutes_value(problems: Run) -> None:
    assert problems(CASE.replace("setting: professional", "setting: professional\nminutes: soon")) == [
        "case-test-001.md:7: minutes must be a positive whole number"
    ]


def test_key_needs_a_scored_line(problems: Run) -> None:
    text = CASE.replace("    - S52.501A\n", "").replace(
        '  procedures:\n    - {code: "25600", modifiers: [RT]}\n    - {code: J1100, units: 4}\n', ""
    )
    assert problems(text) == ["case-test-001.md:7: the key has no scored line: add a diagnosis, procedure or pcs line that is not optional"]


def test_missing_documentation_and_rationale(problems: Run) -> None:
    text = CASE.replace("## Documentation\nThe record.\n\n", "").replace("Because.", "")
    assert problems(text) == [
        "case-test-001.md:17: '## Rationale' is empty",
        "case-test-001.md:18: missing section '## Documentation'",
    ]


# --- code integrity in keys ---------------------------------------------------------------------


def test_diagnoses_must_be_reportable(problems: Run) -> None:
    assert problems(CASE.replace("- S52.501A", "- S52.501")) == [
        "case-test-001.md:9: S52.501 is not valid for reporting: S52.501 needs a 7th character (A initial encounter "
        "for closed fracture, B initial encounter for open fracture type I or II, C initial encounter for open "
        "fracture type IIIA, IIIB, or IIIC, D subsequent encounter for closed fracture with routine healing, E "
        "subsequent encounter for open fracture type I or II with routine healing, F subsequent encounter for open "
        "fracture type IIIA, IIIB, or IIIC with routine healing, G subsequent encounter for closed fracture with "
        "delayed healing, H subsequent encounter for open fracture type I or II with delayed healing, J subsequent "
        "encounter for open fracture type IIIA, IIIB, or IIIC with delayed healing, K subsequent encounter for closed "
        "fracture with nonunion, M subsequent encounter for open fracture type I or II with nonunion, N subsequent "
        "encounter for open fracture type IIIA, IIIB, or IIIC with nonunion, P subsequent encounter for closed "
        "fracture with malunion, Q subsequent encounter for open fracture type I or II with malunion, R subsequent "
        "encounter for open fracture type IIIA, IIIB, or IIIC with malunion, S sequela); for example S52.501A."
    ]


def test_alternates_must_be_reportable_too(problems: Run) -> None:
    text = CASE.replace("- S52.501A", "- {code: S52.501A, alternates: [S52.509A, E11.2]}")
    assert problems(text) == [
        "case-test-001.md:9: E11.2 is not valid for reporting: E11.2 is a subcategory: a 5th character is required "
        "(E11.21, E11.22, E11.29)."
    ]


def test_procedure_shapes_and_hcpcs(problems: Run) -> None:
    assert problems(CASE.replace('"25600"', '"2560"')) == [
        "case-test-001.md:12: 2560 is not a CPT code (5 digits, or 4 digits and F or T) or a HCPCS Level II code "
        "(a letter A-V and 4 digits)"
    ]
    assert problems(CASE.replace("code: J1100", "code: J9999")) == [
        "case-test-001.md:13: J9999 is not in the HCPCS Level II codes this site knows (no CMS HCPCS file is loaded)."
    ]


def test_modifiers_must_be_known(problems: Run) -> None:
    assert problems(CASE.replace("modifiers: [RT]", "modifiers: [RT, QQ, R]")) == [
        "case-test-001.md:12: QQ is not a known modifier.",
        "case-test-001.md:12: 'R' is not a modifier: modifiers are two letters or digits",
    ]
    assert problems(CASE.replace("modifiers: [RT]", "modifiers: [59, 25]")) == []  # numbers are fine


def test_pcs_codes(problems: Run) -> None:
    text = CASE.replace("setting: professional", "setting: inpatient").replace(
        "  not_reportable:", '  pcs:\n    - "0SRC0J9"\n    - "0SRC0I9"\n    - 16070\n  not_reportable:'
    )
    assert problems(text) == [
        "case-test-001.md:6: an inpatient case with ICD-10-PCS lines needs 'patient:' with age, sex and discharge "
        "(the MS-DRG grouper's facts), e.g. patient: {age: 82, sex: female, discharge: snf}",
        "case-test-001.md:16: 0SRC0I9 is not an ICD-10-PCS code: ICD-10-PCS never uses the letters I and O "
        "(to avoid confusion with 1 and 0).",
        'case-test-001.md:17: ICD-10-PCS codes must be quoted strings: write code: "16070" with the code exactly '
        "as printed (YAML reads an unquoted code as a number and drops its leading zeros)",
    ]
    assert problems(text.replace('    - "0SRC0I9"\n    - 16070\n', "").replace("inpatient", "professional")) == [
        "case-test-001.md:14: warning: ICD-10-PCS lines belong to inpatient cases (setting: inpatient)"
    ]


def test_duplicate_codes_in_a_key_are_a_warning(problems: Run) -> None:
    assert problems(CASE.replace("- S52.501A", "- S52.501A\n    - S52.501A")) == [
        "case-test-001.md:10: warning: S52.501A appears twice in key.diagnoses"
    ]


def test_a_why_that_leans_on_another_line_is_a_warning(problems: Run) -> None:
    """A not_reportable why and an option's "why not" are each shown on their own (issue 18: no
    feedback text points at nothing)."""
    text = MCQ.replace("C. Hyperglycemia is not documented.", "C. Same reason: nothing supports it.")
    assert problems(text) == [
        "cpc-test-001.md:21: warning: C: this text is shown to the learner on its own, so it must not lean on"
        " another line ('Same reason: ...'): give the reason in full"
    ]
    assert problems(MCQ.replace("C. Hyperglycemia is not documented.", "C. The same reason does not apply: no hyperglycemia.")) == []


def test_the_shipped_bank_has_no_text_that_leans_on_another_line() -> None:
    root = Path(__file__).resolve().parents[2] / "question_bank"
    bank, found = load_bank(root)
    leaning = [f"{p.path}:{p.line}" for p in validate_bank(bank, None) if "must not lean on another line" in p.message]
    assert leaning == []


# --- a whole bank ----------------------------------------------------------------------------


def test_fixture_bank_is_valid(mini_bank: Path, checker: CodeChecker) -> None:
    bank, found = check_bank(mini_bank, checker)
    assert not has_errors(found)
    assert [f"{Path(p.path).relative_to(mini_bank)}:{p.line}: {p.message}" for p in found] == [
        "blueprints/CPC.yaml:14: section 'modifiers' needs 3 questions but the bank has 0 published MCQ items for CPC in its topics",
        "cpc/modifiers/cpc-mod-0001.md:24: unknown section '## References' (kept as is; the sections are "
        "'## Options', '## Rationale', '## Why not the others')",
    ]
    assert all(p.severity == "warning" for p in found)


@pytest.fixture
def bank_copy(tmp_path: Path, mini_bank: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(mini_bank, target)
    return target


def _errors(root: Path, checker: CodeChecker | None = None) -> list[str]:
    _, found = check_bank(root, checker)
    return [f"{Path(p.path).relative_to(root)}:{p.line}: {p.message}" for p in found if p.is_error]


def test_duplicate_ids_name_both_files(bank_copy: Path) -> None:
    source = bank_copy / "cpc" / "icd-10-cm" / "cpc-icd-0007.md"
    (bank_copy / "cpc" / "icd-10-cm" / "copy.md").write_text(source.read_text())
    assert _errors(bank_copy) == [
        f"cpc/icd-10-cm/cpc-icd-0007.md:2: duplicate id 'cpc-icd-0007' (also in {bank_copy}/cpc/icd-10-cm/copy.md:2)"
    ]


def test_exams_come_from_the_blueprints(bank_copy: Path) -> None:
    path = bank_copy / "cpc" / "icd-10-cm" / "cpc-icd-0007.md"
    path.write_text(path.read_text().replace("exams: [CPC, CCS]", "exams: [CPC, CPB]"))
    assert _errors(bank_copy) == ["cpc/icd-10-cm/cpc-icd-0007.md:4: unknown exam 'CPB' (exams: CCS, CPC)"]


def test_blueprint_rules(bank_copy: Path) -> None:
    path = bank_copy / "blueprints" / "CPC.yaml"
    text = path.read_text()
    text = text.replace("exam: CPC", "exam: CPB").replace("warn_at_minutes_left: 30", "warn_at_minutes_left: 300")
    text = text.replace("questions: 2", "questions: 0").replace("topics: [modifiers]", "topics: [modifier]")
    text = text.replace("  - key: cases", "  - key: icd-10-cm").replace("pass_percent: 70", "pass_percnt: 70")
    path.write_text(text)
    assert _errors(bank_copy) == [
        "blueprints/CPC.yaml:1: missing required key 'pass_percent'",
        "blueprints/CPC.yaml:1: exam 'CPB' does not match the file name CPC.yaml",
        "blueprints/CPC.yaml:4: unknown key 'pass_percnt' (did you mean 'pass_percent'?)",
        "blueprints/CPC.yaml:5: warn_at_minutes_left must be less than minutes",
        "blueprints/CPC.yaml:9: a section asks for a positive number of questions or cases",
        "blueprints/CPC.yaml:17: unknown topic 'modifier' (not in topics.yaml) (did you mean 'modifiers'?)",
        "blueprints/CPC.yaml:19: section key 'icd-10-cm' is used twice (first at line 9)",
    ]


def test_blueprint_section_keys(bank_copy: Path) -> None:
    path = bank_copy / "blueprints" / "CCS.yaml"
    path.write_text(path.read_text().replace("    cases: 1\n", "    case: 1\n").replace("    topics: [icd-10-pcs]\n", ""))
    assert _errors(bank_copy) == [
        "blueprints/CCS.yaml:8: missing required key 'topics' in section",
        "blueprints/CCS.yaml:8: a section asks for a positive number of questions or cases",
        "blueprints/CCS.yaml:10: unknown key 'case' in section (did you mean 'cases'?)",
    ]


def test_blueprint_coverage_warning_counts_published_items_only(bank_copy: Path) -> None:
    path = bank_copy / "cpc" / "icd-10-cm" / "cpc-icd-0008.md"
    path.write_text(path.read_text().replace("difficulty: easy", "difficulty: easy\nstatus: retired"))
    _, found = check_bank(bank_copy)
    warnings = [f"{Path(p.path).name}:{p.line}: {p.message}" for p in found if not p.is_error and "needs" in p.message]
    assert warnings == [
        "CPC.yaml:9: section 'icd-10-cm' needs 2 questions but the bank has 1 published MCQ items for CPC in its topics",
        "CPC.yaml:14: section 'modifiers' needs 3 questions but the bank has 0 published MCQ items for CPC in its topics",
    ]


def test_validate_bank_without_parse_problems(mini_bank: Path, checker: CodeChecker) -> None:
    bank, _ = load_bank(mini_bank)
    assert not has_errors(validate_bank(bank, checker))


def test_validate_path_on_files_and_directories(bank_copy: Path, checker: CodeChecker) -> None:
    item = bank_copy / "cpc" / "icd-10-cm" / "cpc-icd-0007.md"
    item.write_text(item.read_text().replace("topic: icd-10-cm", "topic: icd10"))
    found = [str(p) for p in validate_path(item, checker)]
    assert found == [f"{item}:5: unknown topic 'icd10' (not in topics.yaml) (did you mean 'icd-10-cm'?)"]
    assert [p.message for p in validate_path(bank_copy, checker) if p.is_error] == [
        "unknown topic 'icd10' (not in topics.yaml) (did you mean 'icd-10-cm'?)"
    ]
    assert validate_path(bank_copy / "blueprints" / "CCS.yaml") == []
    assert validate_path(bank_copy / "topics.yaml") == []
    assert [p.message for p in validate_path(bank_copy / "nope.md")] == ["no such file or directory"]


def test_did_you_mean() -> None:
    assert did_you_mean("dificulty", ["difficulty", "status"]) == " (did you mean 'difficulty'?)"
    assert did_you_mean("zzz", ["difficulty"]) == ""


def test_the_project_bank_validates(checker: CodeChecker) -> None:
    """The real question bank (when present) has no errors, with every code checked: HCPCS Level II
    codes against the project's 2026 set (a code deleted before 2026 is an error)."""
    root = Path(__file__).resolve().parents[2] / "question_bank"
    if not (root / "topics.yaml").is_file():
        pytest.skip("no question_bank/ in this checkout")
    year = parse_hcpcs_set(hcpcs_set_text() or "")
    source = checker.source.with_tables(hcpcs={r.code: r.short_description for r in year.rows}, hcpcs_loaded=True)
    _, found = check_bank(root, CodeChecker(_with_all_modifiers(source)))
    assert [str(p) for p in found if p.is_error] == []


def _with_all_modifiers(source):  # type: ignore[no-untyped-def]
    """The project's own modifier list lives in the database layer; accept any well-formed one here."""

    class AnyModifier:
        def __init__(self, source):  # type: ignore[no-untyped-def]
            self._source = source

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self._source, name)

        def modifier(self, code: str) -> str | None:
            return "modifier"

    return AnyModifier(source)


def test_a_nested_list_of_topics_is_an_error_not_a_crash(bank_copy: Path) -> None:
    """A section whose topics held a list raised TypeError (unhashable type) instead of reporting."""
    path = bank_copy / "blueprints" / "CPC.yaml"
    path.write_text(path.read_text().replace("topics: [modifiers]", "topics: [[modifiers]]"))
    assert _errors(bank_copy) == ["blueprints/CPC.yaml:17: a topic key must be text, not list"]
