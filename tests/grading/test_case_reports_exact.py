"""Whole grade reports, every line and message, after and during the attempt, for submissions that
exercise each rule of the case grader (modifiers and units on every path, sequencing, partial
matches on three ICD-10-CM and four ICD-10-PCS characters, optional lines, one code on two key
lines, penalties). The expected reports are in case_reports.json beside this file: the messages
are what learners read, so a changed word is a visible change. After a deliberate change to the
grader, regenerate them with `UPDATE_CASE_REPORTS=1 pytest tests/grading/test_case_reports_exact.py`
and review the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission
from study.grading.case import grade_case
from tests.grading.helpers import case, line
from tests.recorded import check_recorded

EXPECTED = Path(__file__).with_name("case_reports.json")

FRACTURE = case(
    diagnoses=["S52.501A", "I10", line("W01.0XXA", optional=True)],
    procedures=[line("25600", modifiers=["RT"]), line("J1100", units=4), line("20610", modifiers=["RT"], units=2)],
    not_reportable={"M79.631": "Pain is integral to the fracture."},
    case_id="case-fracture",
)
BOTH_KNEES = case(
    diagnoses=["M17.0"],
    procedures=[line("20610", modifiers=["RT"]), line("20610", modifiers=["LT"], units=2), line("99214", modifiers=["25"], optional=True)],
    case_id="case-knees",
)
HIP = case(diagnoses=["M16.11", "I10"], pcs=["0SR9019", "0DB68ZX"], setting="inpatient", case_id="case-hip")
MODIFIERS = case(
    diagnoses=["S52.601A", line("S52.509A", optional=True), "S52.501A"],
    procedures=[line("25600", modifiers=["RT", "59"]), line("29125", modifiers=["RT"])],
    scoring={"extra_penalty": 0},
    case_id="case-modifiers",
)
FALL_REQUIRED = case(diagnoses=["S52.501A"], procedures=["25600"], external_causes="required", case_id="case-fall-required")
HALF = case(procedures=["99213"], scoring={"procedure": 0.5}, case_id="case-half")
WEIGHTED = case(
    diagnoses=["E11.22", "N18.31"], procedures=[line("J1100", units=4)], scoring={"units": 2, "sequencing": 0.25}, case_id="case-weighted"
)

SCENARIOS = {
    "fracture: all right": (FRACTURE, "S52.501A, I10, W01.0XXA", "25600-RT, J1100x4, 20610-RTx2", ""),
    "fracture: nothing": (FRACTURE, "", "", ""),
    "fracture: modifiers missing, wrong, extra": (FRACTURE, "S52.501A, I10", "25600, 20610-LTx2, J1100-RTx4", ""),
    "fracture: units wrong and written twice": (FRACTURE, "S52.501A, I10", "25600-RT, J1100x3, 20610-RT", ""),
    "fracture: procedures missing": (FRACTURE, "S52.501A, I10", "25600-RT", ""),
    "fracture: sequence wrong, partial, not reportable, invalid, extra": (
        FRACTURE,
        "I10, S52.509A, M79.631, E11.99, Z00.00, W01.0XXD",
        "25600-RT-RT, J1100x4x4, 20610x0",
        "",
    ),
    "fracture: units on a line scored on the code alone": (FRACTURE, "S52.501A, I10", "25600-RTx2, J1100x4, 20610-RTx2", ""),
    "fracture: unlisted external cause codes are voluntary": (
        FRACTURE,
        "S52.501A, I10, W01.0XXA, Y92.009, Y93.01",
        "25600-RT, J1100x4, 20610-RTx2",
        "",
    ),
    "fall, external causes required: an unlisted one is an extra": (FALL_REQUIRED, "S52.501A, Y92.009", "25600", ""),
    "knees: one code on two lines, written in either order": (BOTH_KNEES, "M17.0", "20610-LTx2, 20610-RT", ""),
    "knees: the pairing that gets modifiers right wins": (BOTH_KNEES, "M17.0", "20610-RT, 20610-LT", ""),
    "knees: an optional line with a wrong modifier costs nothing": (BOTH_KNEES, "M17.0", "20610-RT, 20610-LTx2, 99214-59", ""),
    "knees: repeated code": (BOTH_KNEES, "M17.0", "20610-RT, 20610-RT, 20610-LTx2", ""),
    "hip: all right": (HIP, "M16.11, I10", "", "0SR9019, 0DB68ZX"),
    "hip: pcs partial on four characters, not three": (HIP, "M16.11, I10", "", "0SR901Z, 0DB78ZX"),
    "hip: pcs partial on exactly four characters": (HIP, "M16.11, I10", "", "0SR94JZ, 0DB68ZX"),
    "hip: principal procedure second": (HIP, "I10, M16.11", "", "0DB68ZX, 0SR9019"),
    "hip: placeholder and incomplete codes": (HIP, "M16, M16.1", "", "0SR9"),
    "modifiers: two on a line, wrong and in another order": (MODIFIERS, "S52.601A, S52.501A", "25600-59-RT, 29125-LT-XS", ""),
    "modifiers: missing both, an extra procedure and no penalty": (MODIFIERS, "S52.601A, S52.501A, S52.601A", "25600, 99214, 29125-RT", ""),
    "modifiers: a partial on three characters goes to a required line before an optional one": (
        MODIFIERS,
        "S52.91XA, S52.502A",
        "25600-RT-59, 29125-RT",
        "",
    ),
    "diagnoses: an Excludes1 pair": (HIP, "M16.11, E10.9, E11.9", "", "0SR9019, 0DB68ZX"),
    "half: half a point possible": (HALF, "", "99213", ""),
    "half: nothing right": (HALF, "", "99214", ""),
    "weighted: the scoring overrides": (WEIGHTED, "N18.31, E11.22", "J1100x2", ""),
}


def _reports(checker: CodeChecker) -> dict:
    out = {}
    for name, (item, dx, px, pcs) in SCENARIOS.items():
        report = grade_case(item, parse_submission(dx, px, pcs), checker)
        out[name] = {"after": report.to_json(after_attempt=True), "during": report.to_json(after_attempt=False)}
    return out


def test_reports_match_the_recorded_ones(checker: CodeChecker) -> None:
    check_recorded(_reports(checker), EXPECTED, "UPDATE_CASE_REPORTS")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_during_the_attempt_no_line_names_a_code_not_written(name: str, checker: CodeChecker) -> None:
    item, dx, px, pcs = SCENARIOS[name]
    written = {c.strip() for text in (dx, px, pcs) for c in text.replace("x", ",").replace("-", ",").split(",") if c.strip()}
    keys = {k.code for lines in (item.key.diagnoses, item.key.procedures, item.key.pcs) for k in lines} - written
    during = grade_case(item, parse_submission(dx, px, pcs), checker).to_json(after_attempt=False)
    for entry in during["lines"]:
        assert entry["expected"] in (None, entry["submitted"])
        if entry["verdict"] != "incomplete":  # which codes complete a category is code-book knowledge
            assert not [k for k in keys if k in (entry["message"] or "")], entry
