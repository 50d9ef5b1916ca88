"""Properties of the claim grader (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from study.billing.claim import Claim, ServiceLine, field_paths, normalise, value_at
from study.grading.claim import grade_claim, weight_of
from tests.billing.samples import claim

KEY = claim()
PATHS = field_paths(KEY)
CODES = ["99212", "99213", "99214", "29540", "29515", "97110", "J1100", "G0008", "36415", "81002"]

weights_strategy = st.dictionaries(
    st.sampled_from(PATHS + ["lines.code", "lines.units", "lines.pointers"]),
    st.sampled_from([0.5, 1, 1.5, 2, 3]),
    max_size=6,
)


def _changed(path: str, value: object) -> object:
    """A value in the same field that normalises differently from ``value``."""
    if isinstance(value, date):
        return date(value.year - 1, value.month, value.day)
    if isinstance(value, Decimal):
        return value + Decimal("1.00")
    if isinstance(value, int):
        return value + 1
    if path.endswith(".pointers"):
        return ("A",) if value != ("A",) else ("B",)
    if path.endswith(".modifiers"):
        return ("59",)
    if path == "diagnoses":
        return ("E11.9",)
    if path.endswith(".code"):
        return "97110"
    if path.endswith(".emg"):
        return "yes"
    if value == "yes":
        return "no"
    if value == "no":
        return "yes"
    return "ZZ CHANGED 99"


@given(st.sampled_from(PATHS), weights_strategy)
def test_changing_one_field_lowers_the_score_by_its_weight(path: str, weights: dict[str, float]) -> None:
    value = value_at(KEY, path)
    new = _changed(path, value)
    assert normalise(path, new) != normalise(path, value)
    full = grade_claim(KEY, KEY, weights=weights)
    report = grade_claim(KEY, KEY.with_value(path, new), weights=weights)
    assert full.earned - report.earned == float(weight_of(path, weights))
    assert report.penalties == 0
    assert [f.path for f in report.fields if f.verdict != "correct"] == [path]


def _lines() -> st.SearchStrategy[tuple[ServiceLine, ...]]:
    line = st.builds(
        ServiceLine,
        from_=st.sampled_from([date(2026, 3, 2), "", "13/45/2026"]),
        to=st.sampled_from([date(2026, 3, 2), ""]),
        pos=st.sampled_from(["11", "22", "", "88"]),
        code=st.sampled_from(CODES + [""]),
        modifiers=st.lists(st.sampled_from(["25", "59", "LT", "RT"]), max_size=4).map(tuple),
        pointers=st.lists(st.sampled_from("ABCZ"), max_size=4).map(tuple),
        charges=st.sampled_from([Decimal("125.00"), Decimal("80.00"), "", "x"]),
        units=st.sampled_from([1, 2, "", "one"]),
        npi=st.sampled_from([KEY.lines[0].npi, "", "123"]),
    )
    return st.lists(line, max_size=6).map(tuple)


claims = st.builds(
    Claim,
    insurance_type=st.sampled_from(["group", "medicare", "", "junk"]),
    patient_name=st.sampled_from(["QUILL, MARISOL T", "quill,marisol", ""]),
    diagnoses=st.lists(st.sampled_from(["I10", "S93.402A", "E11.9", ""]), max_size=12).map(tuple),
    lines=_lines(),
    total_charge=st.sampled_from([Decimal("205.00"), "", "lots"]),
)


@given(claims, weights_strategy)
def test_a_claim_against_itself_is_full_marks(key: Claim, weights: dict[str, float]) -> None:
    report = grade_claim(key, key, weights=weights)
    assert report.score_pct == 100.0 and report.penalties == 0


@given(claims, claims, weights_strategy)
def test_the_score_is_a_percentage(key: Claim, answer: Claim, weights: dict[str, float]) -> None:
    report = grade_claim(key, answer, weights=weights)
    assert 0 <= report.score_pct <= 100
    assert report.earned <= report.possible
    assert report.penalties == sum(1 for f in report.fields if f.verdict == "extra")
    assert len([f for f in report.fields if f.verdict != "extra"]) == len(field_paths(key))


@given(st.lists(st.sampled_from(CODES), min_size=1, max_size=6), st.randoms())
def test_line_order_never_changes_the_score(codes: list[str], rng) -> None:  # type: ignore[no-untyped-def]
    lines = tuple(replace(KEY.lines[0], code=code) for code in codes)
    key = replace(KEY, lines=lines)
    shuffled = list(lines)
    rng.shuffle(shuffled)
    assert grade_claim(key, replace(key, lines=tuple(shuffled))).correct
