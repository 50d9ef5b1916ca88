"""Properties of the case grader (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from study.bank.model import DEFAULT_WEIGHTS, CaseItem, KeyLine
from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission, submission_from_lists
from study.codes.types import ProcedureEntry, Submission
from study.grading.case import grade_case
from tests.grading.helpers import case

# real, reportable FY2026 codes (checked below), and codes of the other sets
ICD = [
    "E11.22",
    "E11.9",
    "E11.65",
    "E10.9",
    "N18.31",
    "N18.30",
    "I10",
    "I25.10",
    "J45.909",
    "J18.9",
    "M17.11",
    "M17.0",
    "M16.11",
    "S52.501A",
    "S52.509A",
    "S72.21XA",
    "W01.0XXA",
    "Z79.4",
    "Z79.84",
    "R05.1",
    "R52",
    "K21.9",
    "F32.A",
    "G47.33",
    "E78.5",
    "E66.01",
    "Z68.41",
    "L03.115",
    "N39.0",
    "B96.20",
    "A41.9",
    "R65.20",
    "I48.91",
    "Z95.0",
    "C50.911",
    "Z17.0",
    "O24.410",
    "G63",
    "E85.1",
    "M79.631",
]
CPT = ["99213", "99214", "20610", "25600", "64483", "0075T", "3074F", "99211", "36415", "93000"]
HCPCS = ["J1100", "G0008"]
MODIFIERS = ["25", "50", "59", "LT", "RT", "XS", "JW"]
PCS = ["0SR9019", "0DB68ZX", "30233N1", "0SRC0J9", "0W3P8ZZ"]

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_code_pools_are_real(checker: CodeChecker) -> None:
    assert [c for c in ICD if not checker.check("icd10cm", c).reportable] == []
    assert [c for c in CPT + HCPCS if not checker.check("procedure", c).reportable] == []
    assert [m for m in MODIFIERS if not checker.check("modifier", m).reportable] == []


@st.composite
def cases(draw: st.DrawFn) -> CaseItem:
    codes = draw(st.lists(st.sampled_from(ICD), min_size=1, max_size=6, unique=True))
    n_dx = draw(st.integers(0, min(4, len(codes))))
    dx_codes, spare = codes[:n_dx], codes[n_dx:]
    diagnoses = [
        KeyLine(
            c,
            alternates=(spare.pop(),) if spare and draw(st.booleans()) else (),
            optional=draw(st.booleans()),
        )
        for c in dx_codes
    ]
    px_codes = draw(st.lists(st.sampled_from(CPT + HCPCS), max_size=3, unique=True))
    procedures = [
        KeyLine(
            c,
            optional=draw(st.booleans()),
            modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS), max_size=2, unique=True))),
            units=draw(st.integers(1, 4)),
        )
        for c in px_codes
    ]
    pcs = [KeyLine(c, optional=draw(st.booleans())) for c in draw(st.lists(st.sampled_from(PCS), max_size=3, unique=True))]
    used = set(codes) | set(px_codes)
    not_reportable = {c: "Not reported here." for c in draw(st.lists(st.sampled_from(ICD + CPT), max_size=2)) if c not in used}
    scoring = draw(st.dictionaries(st.sampled_from(sorted(DEFAULT_WEIGHTS)), st.sampled_from([0, 0.25, 0.5, 1, 2, 3]), max_size=3))
    setting = draw(st.sampled_from(["professional", "outpatient-facility", "inpatient"]))
    return case(diagnoses, procedures, pcs, not_reportable, scoring, setting)


def exact(item: CaseItem) -> Submission:
    return Submission(
        diagnoses=tuple(k.code for k in item.key.diagnoses),
        procedures=tuple(ProcedureEntry(k.code, k.code, k.modifiers, k.units, k.units != 1) for k in item.key.procedures),
        pcs=tuple(k.code for k in item.key.pcs),
    )


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    dx = draw(st.lists(st.one_of(st.sampled_from(ICD), st.text(max_size=8)), max_size=6))
    px = draw(
        st.lists(
            st.builds(
                lambda code, mods, units: "-".join([code, *mods]) + (f"x{units}" if units else ""),
                st.one_of(st.sampled_from(CPT + HCPCS), st.text(alphabet="0123456789AJX", max_size=6)),
                st.lists(st.sampled_from(MODIFIERS), max_size=2),
                st.one_of(st.none(), st.integers(0, 5)),
            ),
            max_size=4,
        )
    )
    pcs = draw(st.lists(st.one_of(st.sampled_from(PCS), st.text(max_size=8)), max_size=3))
    return parse_submission(", ".join(dx), ", ".join(px), " ".join(pcs))


@SETTINGS
@given(cases())
def test_the_exact_key_scores_100(checker: CodeChecker, item: CaseItem) -> None:
    report = grade_case(item, exact(item), checker)
    assert report.score_pct == 100.0
    assert report.penalties == 0.0
    assert all(ln.verdict == "correct" for ln in report.lines)


@SETTINGS
@given(cases(), submissions())
def test_scores_stay_within_0_and_100(checker: CodeChecker, item: CaseItem, submission: Submission) -> None:
    report = grade_case(item, submission, checker)
    assert 0.0 <= report.score_pct <= 100.0
    assert report.earned <= report.possible + 1e-9
    kinds = {
        "diagnosis": len(submission.diagnoses),
        "procedure": len(submission.procedures),
        "pcs": len(submission.pcs),
    }
    for kind, count in kinds.items():
        # every submitted code gets exactly one verdict line
        assert len([ln for ln in report.lines_of(kind) if ln.submitted is not None]) == count


@SETTINGS
@given(cases(), submissions(), st.randoms(use_true_random=False))
def test_permuting_procedures_never_changes_the_score(
    checker: CodeChecker, item: CaseItem, submission: Submission, rng: random.Random
) -> None:
    for candidate in (submission, exact(item)):
        procedures = list(candidate.procedures)
        rng.shuffle(procedures)
        shuffled = Submission(candidate.diagnoses, tuple(procedures), candidate.pcs)
        before, after = grade_case(item, candidate, checker), grade_case(item, shuffled, checker)
        assert (before.score_pct, before.earned, before.penalties) == (
            after.score_pct,
            after.earned,
            after.penalties,
        )


@SETTINGS
@given(cases(), submissions(), st.sampled_from(ICD), st.sampled_from(CPT + HCPCS))
def test_adding_an_unsupported_valid_code_never_raises_the_score(
    checker: CodeChecker, item: CaseItem, submission: Submission, dx: str, px: str
) -> None:
    key_categories = {code[:3] for k in item.key.diagnoses for code in k.codes}
    key_procedures = {code for k in item.key.procedures for code in k.codes}
    assume(dx[:3] not in key_categories and px not in key_procedures)
    for candidate in (submission, exact(item)):
        base = grade_case(item, candidate, checker).score_pct
        more_dx = Submission(candidate.diagnoses + (dx,), candidate.procedures, candidate.pcs)
        more_px = Submission(candidate.diagnoses, candidate.procedures + (ProcedureEntry(px, px),), candidate.pcs)
        assert grade_case(item, more_dx, checker).score_pct <= base
        assert grade_case(item, more_px, checker).score_pct <= base


def _variant(code: str, how: int) -> str:
    if how == 0:
        return code.lower()
    if how == 1:
        return code.replace(".", "")
    if how == 2:
        return f"  {code} "
    return code.lower().replace(".", "")


@SETTINGS
@given(cases(), st.lists(st.sampled_from(ICD), max_size=5), st.lists(st.integers(0, 3), min_size=5, max_size=5))
def test_normalization_variants_grade_identically(checker: CodeChecker, item: CaseItem, dx: list[str], hows: list[int]) -> None:
    codes = list(dict.fromkeys([k.code for k in item.key.diagnoses] + dx))[:5]
    plain = submission_from_lists(codes, [], [])
    varied = submission_from_lists([_variant(c, h) for c, h in zip(codes, hows, strict=False)], [], [])
    assert plain == varied
    text = parse_submission(" ".join(_variant(c, h) for c, h in zip(codes, hows, strict=False)), "", "")
    assert grade_case(item, plain, checker) == grade_case(item, text, checker)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.text(), st.text(), st.text())
def test_never_an_exception_on_any_string_input(checker: CodeChecker, item: CaseItem, dx: str, px: str, pcs: str) -> None:
    report = grade_case(item, parse_submission(dx, px, pcs), checker)
    assert 0.0 <= report.score_pct <= 100.0
    report.to_json(after_attempt=False)
    report.to_json(after_attempt=True)
