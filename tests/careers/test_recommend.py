"""The recommendation rules and the study plan: pure functions, tested without Flask or a database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from study.careers import content
from study.careers.recommend import (
    RULES,
    AreaScore,
    Preferences,
    allocate,
    area_for,
    fractions,
    plan_area_for,
    recommend,
    study_plan,
    weeks_until,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 5)


def prefs(setting="remote", work_style="detail", interest="clinical", weekly_hours=8, target_date=date(2026, 7, 6)):
    return Preferences(setting, work_style, interest, weekly_hours, target_date)


NO_SCORES: dict = {}


# ------------------------------------------------------------------ one test per path
def test_physician_practice_and_clinical_reading_leads_to_cpc():
    rec = recommend(prefs("physician_practice", "detail", "clinical"), NO_SCORES)
    assert (rec.path, rec.certification) == ("outpatient", "CPC")
    assert rec.points == {"outpatient": 5, "billing": 0, "inpatient": 3}
    assert any("physician practice" in r for r in rec.reasons)
    assert any("clinical notes" in r for r in rec.reasons)
    assert not rec.tied and not rec.contradictions


def test_hospital_and_clinical_reading_leads_to_ccs():
    rec = recommend(prefs("hospital", "detail", "clinical"), NO_SCORES)
    assert (rec.path, rec.certification) == ("inpatient", "CCS")
    assert any("hospital" in r for r in rec.reasons)
    assert [a.path for a in rec.alternatives] == ["outpatient", "billing"]


def test_billing_company_people_and_payers_leads_to_cpb():
    rec = recommend(prefs("billing_company", "people", "payer"), NO_SCORES)
    assert (rec.path, rec.certification) == ("billing", "CPB")
    assert rec.points["billing"] == 5
    assert len(rec.reasons) == 3  # one per answer, each written from the answer
    assert any("billing company" in r for r in rec.reasons)
    assert any("working with people" in r for r in rec.reasons)
    assert any("payers" in r for r in rec.reasons)


def test_every_path_appears_once_and_alternatives_carry_reasons():
    rec = recommend(prefs("physician_practice", "detail", "clinical"), NO_SCORES)
    paths = [rec.path] + [a.path for a in rec.alternatives]
    assert sorted(paths) == ["billing", "inpatient", "outpatient"]
    inpatient = next(a for a in rec.alternatives if a.path == "inpatient")
    assert inpatient.certification == "CCS" and inpatient.reasons  # it got points from the answers
    billing = next(a for a in rec.alternatives if a.path == "billing")
    assert billing.reasons == ("It could still suit you if you like seeing a claim through to payment and do not mind the phone.",)


def test_remote_favours_no_path_but_is_explained():
    rec = recommend(prefs("remote", "people", "payer"), NO_SCORES)
    assert rec.path == "billing"
    assert any("work from home" in n for n in rec.notes)
    assert sum(rec.points.values()) == 3  # remote added nothing


def test_rules_table_is_plain_data_covering_every_answer():
    from study.careers.recommend import ANSWER_LABELS

    for question, labels in ANSWER_LABELS.items():
        for answer in labels:
            assert any(r.question == question and r.answer == answer for r in RULES), (question, answer)


# ------------------------------------------------------------------ the diagnostic
def test_a_clearly_best_diagnostic_area_earns_a_point():
    scores = {"outpatient": 0.3, "inpatient": 0.8, "billing": 0.4}
    rec = recommend(prefs("remote", "detail", "clinical"), scores)
    assert rec.path == "inpatient"
    assert rec.points == {"outpatient": 3, "billing": 0, "inpatient": 4}
    assert any("80%" in r for r in rec.reasons)
    assert not rec.tied


@pytest.mark.parametrize(
    "scores",
    [
        {"outpatient": 0.3, "inpatient": 0.45, "billing": 0.1},  # best below 50%
        {"outpatient": 0.6, "inpatient": 0.7, "billing": 0.1},  # lead under 15 points
    ],
)
def test_a_weak_or_narrow_diagnostic_lead_earns_nothing(scores):
    rec = recommend(prefs("remote", "detail", "clinical"), scores)
    assert rec.points["inpatient"] == rec.points["outpatient"] == 3


# ------------------------------------------------------------------ ties
def test_tie_without_scores_follows_the_fixed_order():
    rec = recommend(prefs("remote", "detail", "clinical"), NO_SCORES)
    assert rec.path == "outpatient"
    assert rec.tied == ("outpatient", "inpatient")
    assert "fixed order" in rec.tie_break and "3 points each" in rec.tie_break


def test_tie_is_broken_by_the_higher_diagnostic_score():
    rec = recommend(prefs("remote", "detail", "clinical"), {"outpatient": 0.6, "inpatient": 0.7, "billing": 0.1})
    assert rec.path == "inpatient"
    assert rec.tied == ("inpatient", "outpatient")
    assert "70%" in rec.tie_break and "60%" in rec.tie_break


def test_tie_with_equal_scores_follows_the_fixed_order():
    rec = recommend(prefs("remote", "detail", "clinical"), {"outpatient": 0.5, "inpatient": 0.5, "billing": 0.5})
    assert rec.path == "outpatient" and "fixed order" in rec.tie_break


def test_tie_with_a_missing_score_follows_the_fixed_order():
    # one scored path area cannot be "clearly ahead" of nothing: no diagnostic point either
    rec = recommend(prefs("remote", "detail", "clinical"), {"outpatient": None, "inpatient": 0.7})
    assert rec.points["inpatient"] == rec.points["outpatient"] == 3
    assert rec.path == "outpatient" and "fixed order" in rec.tie_break


def test_no_usable_answers_is_a_three_way_tie_won_by_cpc():
    rec = recommend(Preferences("unknown", "unknown", "unknown", 5), NO_SCORES)
    assert rec.path == "outpatient" and rec.certification == "CPC"
    assert rec.tied == ("outpatient", "billing", "inpatient")
    assert [a.path for a in rec.alternatives] == ["billing", "inpatient"]
    assert "most common starting point" in rec.reasons[0]


def test_no_tie_reported_when_one_path_leads():
    rec = recommend(prefs("hospital", "detail", "clinical"), NO_SCORES)
    assert rec.tied == () and rec.tie_break == ""


# ------------------------------------------------------------------ contradictory answers
def test_hospital_with_payer_follow_up_is_flagged_and_settled_by_the_points():
    rec = recommend(prefs("hospital", "detail", "payer"), NO_SCORES)
    assert rec.path == "inpatient"  # hospital 2 + detail 1 against payer 2
    assert rec.points == {"outpatient": 1, "billing": 2, "inpatient": 3}
    assert any("A hospital" in c and "payers" in c for c in rec.contradictions)
    assert rec.alternatives[0].path == "billing"  # the path the other answer pointed to comes next
    assert any("payers" in r for r in rec.alternatives[0].reasons)


def test_contradiction_can_tip_the_other_way():
    rec = recommend(prefs("hospital", "people", "payer"), NO_SCORES)
    assert rec.path == "billing"
    assert len(rec.contradictions) == 2  # setting against work style, setting against interest
    assert rec.alternatives[0].path == "inpatient"


def test_billing_company_with_clinical_interest_is_a_tied_contradiction():
    rec = recommend(prefs("billing_company", "detail", "clinical"), NO_SCORES)
    assert rec.points == {"outpatient": 3, "billing": 2, "inpatient": 3}
    assert rec.contradictions and rec.tied == ("outpatient", "inpatient")
    assert rec.path == "outpatient"


def test_people_work_with_clinical_reading_is_a_contradiction():
    rec = recommend(prefs("physician_practice", "people", "clinical"), NO_SCORES)
    assert rec.path == "outpatient"
    # the practice points to outpatient coding, people work to billing, clinical reading to coding
    assert len(rec.contradictions) == 2
    assert any("work with people" in c.lower() and "clinical notes" in c for c in rec.contradictions)


def test_consistent_answers_have_no_contradiction():
    for p in (prefs("physician_practice", "detail", "clinical"), prefs("billing_company", "people", "payer")):
        assert recommend(p, NO_SCORES).contradictions == ()


# ------------------------------------------------------------------ preferences and areas
def test_preferences_round_trip_through_a_dict():
    p = prefs("hospital", "people", "payer", 12, date(2027, 3, 1))
    assert Preferences.from_dict(p.to_dict()) == p
    assert Preferences.from_dict(prefs(target_date=None).to_dict()).target_date is None


def test_area_of_items():
    assert area_for("medical-terminology", ["CPC"]) == "terminology"
    assert area_for("surgery-digestive", ["CPC"]) == "outpatient"
    assert area_for("icd-10-cm", ["CPC", "CCS"]) == "outpatient"
    assert area_for("icd-10-cm", ["CCS", "CCS-P"]) == "inpatient"
    assert area_for("icd-10-cm", ["CPB"]) is None
    assert area_for("denials-appeals", ["CPB"]) == "billing"
    assert area_for("compliance", ["CPB"]) == "compliance"
    assert area_for("anesthesia", ["CPC"]) is None
    assert plan_area_for("anesthesia", "CPC") == "outpatient"
    assert plan_area_for("icd-10-cm", "CCS") == "inpatient"
    assert plan_area_for("coding-guidelines", "CPC") == "outpatient"


def test_area_scores():
    s = AreaScore("billing", 2, 3)
    assert s.percent == 67 and s.title == "Billing and claims"
    assert AreaScore("compliance", 0, 0).fraction is None
    assert fractions([s]) == {"billing": pytest.approx(2 / 3)}


# ------------------------------------------------------------------ study plan maths
SECTIONS = [
    {"key": "a", "title": "Terminology", "questions": 10, "topics": ["medical-terminology"]},
    {"key": "b", "title": "E/M", "questions": 20, "topics": ["em"]},
    {"key": "c", "title": "Claims", "questions": 10, "topics": ["claims"]},
    {"key": "d", "title": "Anything", "questions": 10, "topics": ["no-such-topic"]},
    {"key": "e", "title": "Cases only", "cases": 0, "topics": ["em"]},  # empty: left out
]
SCORES = {"terminology": 1.0, "outpatient": 0.5, "billing": 0.0, "inpatient": None, "compliance": None}


def test_weeks_until():
    assert weeks_until(TODAY, date(2026, 4, 6)) == (91, 13)
    assert weeks_until(TODAY, date(2026, 1, 11)) == (6, 0)
    assert weeks_until(TODAY, date(2025, 12, 1)) == (0, 0)
    assert weeks_until(TODAY, None) == (0, 0)


def test_allocate_is_exact_and_proportional():
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(12, [1, 2, 3]) == [2, 4, 6]
    assert allocate(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # 3.5, 1.75, 1.75: the larger remainders win
    assert allocate(0, [1, 2]) == [0, 0]
    assert allocate(5, [0, 0]) == [0, 0]
    assert sum(allocate(97, [3.3, 1.7, 8.9, 0.1])) == 97


def test_plan_hours_weeks_and_order():
    plan = study_plan("CPC", SECTIONS, SCORES, weekly_hours=5, target_date=date(2026, 4, 6), today=TODAY)
    assert (plan.days, plan.weeks, plan.weekly_hours, plan.total_hours) == (91, 13, 5, 65)
    # weakest first: claims 0%, then E/M 50% and the unscored section (the mean, 0.5; the larger first), terminology 100%
    assert [s.key for s in plan.sections] == ["c", "b", "d", "a"]
    # weights: size x (2 - score) = 20, 30, 15, 10 (of 75) -> 65 hours
    assert [s.hours for s in plan.sections] == [17, 26, 13, 9]
    assert sum(s.hours for s in plan.sections) == plan.total_hours
    assert [s.key for s in plan.start_with] == ["c", "b", "d"]
    assert plan.sections[2].scored is False and plan.sections[2].score == pytest.approx(0.5)
    # weeks run on in order: 17 h = weeks 1-4, then 26 h = weeks 4-9, 13 h = weeks 9-12, 9 h = weeks 12-13
    assert [(s.first_week, s.last_week) for s in plan.sections] == [(1, 4), (4, 9), (9, 12), (12, 13)]
    assert any("6 to 12 months" in n for n in plan.notes)  # 13 weeks is short


def test_plan_for_a_long_run_up_has_no_warning():
    plan = study_plan("CPC", SECTIONS, SCORES, weekly_hours=10, target_date=date(2027, 1, 4), today=TODAY)
    assert plan.weeks == 52 and plan.total_hours == 520 and plan.notes == ()


def test_plan_when_the_date_has_passed_or_is_missing():
    passed = study_plan("CPC", SECTIONS, SCORES, weekly_hours=10, target_date=date(2026, 1, 8), today=TODAY)
    assert passed.total_hours == 0 and all(s.hours == 0 and s.first_week is None for s in passed.sections)
    assert "less than a week" in passed.notes[0]
    missing = study_plan("CPC", SECTIONS, SCORES, weekly_hours=10, target_date=None, today=TODAY)
    assert missing.total_hours == 0 and "no hours" in missing.notes[0]
    assert [s.key for s in missing.sections] == ["c", "b", "d", "a"]  # the order still helps


def test_plan_without_scores_uses_blueprint_size():
    plan = study_plan("CPC", SECTIONS, {}, weekly_hours=4, target_date=date(2026, 7, 6), today=TODAY)
    assert [s.key for s in plan.sections] == ["b", "a", "c", "d"]
    assert any("no diagnostic scores" in n for n in plan.notes)


def test_plan_on_the_real_cpb_sections_maps_coding_for_billers_to_outpatient():
    import yaml

    sections = yaml.safe_load((ROOT / "question_bank" / "blueprints" / "CPB.yaml").read_text())["sections"]
    plan = study_plan("CPB", sections, {"billing": 0.9, "outpatient": 0.2, "compliance": 0.6}, 6, date(2026, 10, 5), TODAY)
    assert plan.sections[0].key == "coding-for-billers"
    assert plan.total_hours == 39 * 6 == sum(s.hours for s in plan.sections)


# ------------------------------------------------------------------ content
def test_content_figures_match_the_source_article():
    biller = content.salary_row("biller")
    assert (biller.entry.low, biller.entry.high, biller.mid.high) == (38_000, 48_000, 60_000)
    assert content.salary_row("analyst").mid.label == "$70,000–$95,000"
    assert content.SALARY_BY_STAGE[2].range.label == "$60,000–$85,000+"
    lengths = {p.key: p.length for p in content.EDUCATION_PATHS}
    assert lengths["certificate"] == "6–12 months" and lengths["associate"] == "14–24 months"
    assert {p.certification for p in content.PATHS.values()} == {"CPB", "CPC", "CCS"}
    for role in content.ROLES:
        assert content.role(role.slug) is role
        assert all(content.certification(code) for code in role.certifications)
        assert all(key in content.SETTINGS for key in role.settings)
    cpc_a = content.certification("CPC-A")
    assert "80 hours" in cpc_a.notes[0] and "two years" in cpc_a.notes[0]
