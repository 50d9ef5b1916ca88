"""The beginner's plan: foundations, then the code sets, then exam practice, dated to the target
and linked only to practice sets that exist. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.careers.beginner import SHARES, allocate, beginner_plan, phase_weeks, weeks_until

TODAY = date(2026, 12, 7)
PRACTICE = {
    "CPC": frozenset({"medical-terminology", "anatomy", "icd-10-cm", "em", "hcpcs"}),
    "CPB": frozenset({"claims", "insurance-types"}),
}


def plan(path="outpatient", weeks=40, hours=8, **kw):
    return beginner_plan(path, today=TODAY, target_date=TODAY + timedelta(weeks=weeks), weekly_hours=hours, practice=PRACTICE, **kw)


def test_phases_run_foundations_code_sets_exam_practice_and_fill_the_weeks():
    p = plan()
    assert [ph.key for ph in p.phases] == ["foundations", "code-sets", "exam-practice"]
    assert [ph.weeks for ph in p.phases] == [12, 20, 8] and sum(ph.weeks for ph in p.phases) == p.weeks == 40
    assert [(ph.first_week, ph.last_week) for ph in p.phases] == [(1, 12), (13, 32), (33, 40)]
    assert p.phases[0].starts == TODAY and p.phases[1].starts == TODAY + timedelta(weeks=12)
    assert p.phases[2].ends < p.target_date
    assert [ph.hours for ph in p.phases] == [96, 160, 64] and p.total_hours == 320
    assert p.notes == ()


def test_foundations_come_first_with_the_books_and_terminology():
    steps = plan().phases[0].steps
    assert [s.title for s in steps][:3] == ["Choose how you will learn", "Medical terminology", "Anatomy"]
    assert steps[3].kind == "codebook"


@pytest.mark.parametrize("budget, words", [("low", "Self-study"), ("medium", "self-paced online course"), ("high", "college certificate")])
def test_the_way_to_learn_follows_the_budget(budget, words):
    assert words in plan(budget=budget).phases[0].steps[0].detail


def test_steps_link_only_to_practice_sets_that_exist():
    p = plan()
    steps = {s.title: s for ph in p.phases for s in ph.steps}
    assert steps["Medical terminology"].linked and steps["Medical terminology"].exam == "CPC"
    assert steps["CPT surgery"].linked is False and steps["CPT surgery"].exam is None
    assert steps["HCPCS Level II and modifiers"].topics == ("hcpcs",)  # only the topic with questions
    for step in (s for ph in p.phases for s in ph.steps if s.linked):
        assert set(step.topics) <= PRACTICE[step.exam]


def test_a_billing_plan_borrows_foundation_practice_from_another_exam():
    p = plan("billing")
    terminology = next(s for s in p.phases[0].steps if s.title == "Medical terminology")
    assert terminology.exam == "CPC"  # the CPB has no terminology set here; the CPC's questions serve
    assert [s.title for s in p.phases[1].steps][:2] == ["Insurance types", "Claims"]
    assert p.exam == "CPB"


def test_inpatient_plan_has_pcs_and_drgs():
    titles = [s.title for s in plan("inpatient").phases[1].steps]
    assert "ICD-10-PCS procedure coding" in titles and "MS-DRGs and inpatient payment" in titles


def test_knowledge_of_the_foundations_shortens_them():
    known = plan(knowledge={"terminology": 0.8})
    assert known.foundations_known and [ph.weeks for ph in known.phases] == [7, 23, 10]
    assert any("80%" in n for n in known.notes)
    assert not plan(knowledge={"terminology": 0.5}).foundations_known
    assert not plan(knowledge={"terminology": None}).foundations_known  # not taken: no claim about it


def test_short_missing_and_past_dates():
    short = plan(weeks=10)
    assert [ph.weeks for ph in short.phases] == [3, 5, 2] and "short run-up" in short.notes[0]
    none = beginner_plan("outpatient", today=TODAY, target_date=None, weekly_hours=5)
    assert none.weeks == 0 and all(ph.first_week is None and ph.starts is None for ph in none.phases)
    assert "no weeks" in none.notes[0] and none.phases[0].steps  # the order still helps
    past = beginner_plan("outpatient", today=TODAY, target_date=TODAY + timedelta(days=3), weekly_hours=5)
    assert "less than a week" in past.notes[0]
    two = plan(weeks=2)
    assert sum(ph.weeks for ph in two.phases) == 2


def test_weeks_and_allocation_maths():
    assert weeks_until(TODAY, TODAY + timedelta(days=20)) == 2
    assert weeks_until(TODAY, TODAY - timedelta(days=1)) == 0 and weeks_until(TODAY, None) == 0
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(7, [0.5, 0.25, 0.25]) == [3, 2, 2]
    assert allocate(0, [1, 2]) == [0, 0] and allocate(5, [0, 0]) == [0, 0]
    assert phase_weeks(3, SHARES) == [1, 1, 1]


@given(st.integers(0, 160), st.sampled_from(["billing", "outpatient", "inpatient"]), st.integers(1, 60))
def test_every_plan_adds_up_and_stays_before_the_date(weeks, path, hours):
    p = plan(path, weeks=weeks, hours=hours)
    assert sum(ph.weeks for ph in p.phases) == p.weeks == weeks
    assert sum(ph.hours for ph in p.phases) == p.total_hours
    if weeks >= 3:
        assert all(ph.weeks >= 1 for ph in p.phases)
    dated = [ph for ph in p.phases if ph.starts]
    for earlier, later in zip(dated, dated[1:], strict=False):
        assert earlier.ends < later.starts
    assert all(ph.ends < p.target_date for ph in dated)
