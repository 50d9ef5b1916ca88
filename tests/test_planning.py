"""The weekly plan (study/planning.py): weeks to the exam date, a diagnostic first for a learner
without evidence, focus on the sections with most to gain, exam practice in the last week."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from study.planning import DEFAULT_WEEKS, MAX_WEEKS, PlanSection, plan_weeks, weekly_plan

TODAY = date(2026, 12, 7)


def section(key: str, count: int, estimate: float = 0.5, enough: bool = False) -> PlanSection:
    return PlanSection(key, key.upper(), (key,), count, estimate, enough)


def test_weeks_run_to_the_exam_date():
    assert plan_weeks(TODAY, None) == DEFAULT_WEEKS
    assert plan_weeks(TODAY, TODAY) == 1
    assert plan_weeks(TODAY, TODAY + timedelta(days=6)) == 1
    assert plan_weeks(TODAY, TODAY + timedelta(days=7)) == 2
    assert plan_weeks(TODAY, TODAY + timedelta(days=69)) == 10
    assert plan_weeks(TODAY, TODAY - timedelta(days=3)) == 1  # a date in the past: this week only
    assert plan_weeks(TODAY, TODAY + timedelta(days=400)) == MAX_WEEKS


def test_a_newcomer_starts_with_the_diagnostic_and_ends_with_exam_practice():
    sections = [section("icd", 20), section("em", 10), section("mod", 5)]
    plan = weekly_plan(sections, TODAY, TODAY + timedelta(days=27))
    assert [w.kind for w in plan] == ["diagnostic", "study", "study", "exam practice"]
    assert [w.starts for w in plan] == [TODAY + timedelta(weeks=n) for n in range(4)]
    assert [s.key for s in plan[0].focus] == ["icd", "em"]  # the biggest sections first


def test_the_weakest_heavy_section_recurs_and_none_is_forgotten():
    sections = [section("icd", 20, 0.4, True), section("em", 10, 0.9, True), section("mod", 5, 0.5, True), section("cpt", 8, 0.7, True)]
    plan = weekly_plan(sections, TODAY, TODAY + timedelta(weeks=6))
    assert plan[0].kind == "study"  # enough evidence: no diagnostic
    focus = [s.key for w in plan[:-1] for s in w.focus]
    assert focus[0] == "icd" and focus.count("icd") >= 2
    assert set(focus) == {"icd", "em", "mod", "cpt"}


@given(
    st.lists(st.tuples(st.integers(1, 40), st.floats(0, 1), st.booleans()), min_size=1, max_size=12),
    st.integers(-10, 400),
)
def test_every_plan_is_well_formed(raw, days):
    sections = [section(f"s{n}", count, estimate, enough) for n, (count, estimate, enough) in enumerate(raw)]
    plan = weekly_plan(sections, TODAY, TODAY + timedelta(days=days))
    assert len(plan) == plan_weeks(TODAY, TODAY + timedelta(days=days))
    assert [w.number for w in plan] == list(range(1, len(plan) + 1))
    assert all(1 <= len(w.focus) <= 2 for w in plan)
    assert all(len({s.key for s in w.focus}) == len(w.focus) for w in plan)
    if len(plan) >= 2:
        assert plan[-1].kind == "exam practice"
