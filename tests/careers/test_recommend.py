"""The recommendation rules and the fit: pure functions, tested without Flask or a database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.careers import content
from study.careers.recommend import (
    ANSWER_LABELS,
    RULES,
    SKILLS,
    AreaScore,
    Preferences,
    SkillScore,
    area_for,
    assess_fit,
    fractions,
    recommend,
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
    for question in ("setting", "work_style", "interest", "healthcare"):
        for answer in ANSWER_LABELS[question]:
            assert any(r.question == question and r.answer == answer for r in RULES), (question, answer)


# ------------------------------------------------------------------ the knowledge check
def test_a_clearly_best_knowledge_area_earns_a_point():
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
def test_a_weak_or_narrow_knowledge_lead_earns_nothing(scores):
    rec = recommend(prefs("remote", "detail", "clinical"), scores)
    assert rec.points["inpatient"] == rec.points["outpatient"] == 3


# ------------------------------------------------------------------ ties
def test_tie_without_scores_follows_the_fixed_order():
    rec = recommend(prefs("remote", "detail", "clinical"), NO_SCORES)
    assert rec.path == "outpatient"
    assert rec.tied == ("outpatient", "inpatient")
    assert "fixed order" in rec.tie_break and "3 points each" in rec.tie_break


def test_tie_is_broken_by_the_higher_knowledge_score():
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
    p = person(setting="hospital", work_style="people", interest="payer", weekly_hours=12, target_date=date(2027, 3, 1))
    assert Preferences.from_dict(p.to_dict()) == p
    assert Preferences.from_dict(prefs(target_date=None).to_dict()).target_date is None


def test_a_result_saved_before_the_background_questions_still_loads():
    old = {"setting": "hospital", "work_style": "detail", "interest": "clinical", "weekly_hours": 5, "target_date": "2027-01-04"}
    p = Preferences.from_dict(old)
    assert (p.setting, p.screen, p.budget) == ("hospital", "", "")
    rec = recommend(p, {})
    assert rec.path == "inpatient" and rec.fit.verdict == "unknown" and rec.cautions == ()


def test_area_of_items():
    assert area_for("medical-terminology", ["CPC"]) == "terminology"
    assert area_for("surgery-digestive", ["CPC"]) == "outpatient"
    assert area_for("icd-10-cm", ["CPC", "CCS"]) == "outpatient"
    assert area_for("icd-10-cm", ["CCS", "CCS-P"]) == "inpatient"
    assert area_for("icd-10-cm", ["CPB"]) is None
    assert area_for("denials-appeals", ["CPB"]) == "billing"
    assert area_for("compliance", ["CPB"]) == "compliance"
    assert area_for("anesthesia", ["CPC"]) is None


def test_area_scores():
    s = AreaScore("billing", 2, 3)
    assert s.percent == 67 and s.title == "Billing and claims"
    assert AreaScore("compliance", 0, 0).fraction is None
    assert fractions([s]) == {"billing": pytest.approx(2 / 3)}


# ------------------------------------------------------------------ content
def test_content_figures_match_the_source_article():
    biller = content.salary_row("biller")
    assert (biller.entry.low, biller.entry.high, biller.mid.high) == (38_000, 48_000, 60_000)
    assert content.salary_row("analyst").mid.text == "$70,000–$95,000 a year"
    lengths = {p.key: (p.length.text if p.length else None) for p in content.EDUCATION_PATHS}
    assert lengths == {"certificate": "6–12 months", "associate": "14–24 months", "on-the-job": None}
    assert {p.certification for p in content.PATHS.values()} == {"CPB", "CPC", "CCS"}
    for role in content.ROLES:
        assert content.role(role.slug) is role
        assert all(content.certification(code) for code in role.certifications)
        assert all(key in content.SETTINGS for key in role.settings)
    cpc_a = content.certification("CPC-A")
    assert cpc_a.fact_keys == ("first_job.cpca_removal",)


# ------------------------------------------------------------------ the whole person: background, aptitude, fit
def person(**fields) -> Preferences:
    base = dict(
        setting="remote", work_style="detail", interest="clinical", weekly_hours=8, target_date=date(2026, 7, 6),
        screen="enjoy", healthcare="none", customer_service="no", schooling="high_school", budget="medium", income="later",
    )
    base.update(fields)
    return Preferences(**base)


def skills(reading=4, rules=4, detail=4, numbers=4, total=4) -> tuple[SkillScore, ...]:
    right = {"reading": reading, "rules": rules, "detail": detail, "numbers": numbers}
    return tuple(SkillScore(key, right[key], total) for key, _ in SKILLS)


def test_a_newcomer_with_no_knowledge_but_strong_aptitude_is_told_to_start():
    rec = recommend(person(), {}, skills())
    assert rec.fit.verdict == "good" and not rec.fit.may_not_suit
    assert rec.fit.headline == "The evidence suggests this field suits you."
    assert any("everyone starts with the foundations" in r for r in rec.fit.reasons)
    assert any("no healthcare background" in n for n in rec.notes)  # said, not held against them
    assert rec.path in ("outpatient", "inpatient")  # strong reading, rules and detail


def test_a_poor_fit_is_told_plainly_and_given_somewhere_else_to_look():
    rec = recommend(person(screen="dislike"), {}, skills(1, 1, 2, 1))
    assert rec.fit.verdict == "unlikely" and rec.fit.may_not_suit
    assert rec.fit.headline == "The evidence suggests this field may not suit you."
    assert any("dislike a day at a screen" in r for r in rec.fit.reasons)
    assert any("5 of 16 sample tasks" in r for r in rec.fit.reasons)
    assert any("front-desk registration" in r for r in rec.fit.reasons)
    # a path is still suggested for someone who wants to try anyway
    assert rec.path in ("outpatient", "billing", "inpatient") and len(rec.alternatives) == 2


@pytest.mark.parametrize("screen, right, verdict", [
    ("dislike", (4, 4, 4, 4), "unlikely"),  # strong tasks, but a day at a screen would not suit
    ("enjoy", (2, 1, 2, 2), "unlikely"),  # 7 of 16
    ("enjoy", (2, 2, 2, 2), "possible"),  # 8 of 16: the boundary is not below half
    ("fine", (4, 4, 4, 1), "possible"),  # 13 of 16 with one weak skill
    ("enjoy", (3, 3, 3, 3), "good"),  # 75%, no weak skill
    ("", (3, 3, 3, 3), "good"),
])
def test_fit_verdicts(screen, right, verdict):
    assert assess_fit(person(screen=screen), skills(*right)).verdict == verdict


def test_fit_is_unknown_without_sample_tasks_unless_screen_work_would_not_suit():
    assert assess_fit(person(), ()).verdict == "unknown"
    assert assess_fit(person(screen="dislike"), ()).verdict == "unlikely"


def test_billing_path_from_background_and_number_sense():
    rec = recommend(
        person(healthcare="office", customer_service="yes", income="soon", work_style="people", interest="payer"),
        {},
        skills(reading=2, rules=3, detail=3, numbers=4),
    )
    assert (rec.path, rec.certification) == ("billing", "CPB")
    assert any("balances and percentages" in r for r in rec.reasons)
    assert any("healthcare office" in r for r in rec.reasons)
    assert any("entry job" in c for c in rec.cautions)


def test_inpatient_path_from_patient_care_and_a_degree():
    rec = recommend(person(healthcare="clinical", schooling="degree", setting="hospital"), {}, skills(numbers=2))
    assert (rec.path, rec.certification) == ("inpatient", "CCS")
    assert any("patient care" in r for r in rec.reasons) and any("degree" in r for r in rec.reasons)


def test_outpatient_path_from_a_practice_and_strong_reading():
    rec = recommend(person(setting="physician_practice"), {}, skills(numbers=1))
    assert (rec.path, rec.certification) == ("outpatient", "CPC")


def test_tie_between_coding_paths_with_aptitude_follows_the_fixed_order():
    rec = recommend(person(), {}, skills(detail=2, numbers=2))  # reading and rules add to both coding paths equally
    assert rec.points["outpatient"] == rec.points["inpatient"]
    assert rec.path == "outpatient" and "fixed order" in rec.tie_break


def test_tie_broken_by_the_knowledge_check():
    rec = recommend(person(), {"outpatient": 0.6, "inpatient": 0.7, "billing": 0.1}, skills(detail=2, numbers=2))
    assert rec.path == "inpatient" and "70%" in rec.tie_break


def test_cautions_follow_the_background():
    assert recommend(person(budget="low"), {}, skills()).cautions[0].startswith("On a tight budget")
    assert any("certificate programme" in c for c in recommend(person(), {}, skills()).cautions)
    assert recommend(person(schooling="degree"), {}, skills()).cautions == ()


answers_strategy = st.builds(
    person,
    setting=st.sampled_from([k for k in ANSWER_LABELS["setting"]] + [""]),
    work_style=st.sampled_from(list(ANSWER_LABELS["work_style"])),
    interest=st.sampled_from(list(ANSWER_LABELS["interest"])),
    screen=st.sampled_from(list(ANSWER_LABELS["screen"]) + [""]),
    healthcare=st.sampled_from(list(ANSWER_LABELS["healthcare"])),
    customer_service=st.sampled_from(list(ANSWER_LABELS["customer_service"])),
    schooling=st.sampled_from(list(ANSWER_LABELS["schooling"])),
    income=st.sampled_from(list(ANSWER_LABELS["income"])),
)
skills_strategy = st.tuples(*[st.integers(0, 4)] * 4).map(lambda r: skills(*r))
knowledge_strategy = st.dictionaries(st.sampled_from(["outpatient", "inpatient", "billing"]), st.one_of(st.none(), st.floats(0, 1)))


@given(answers_strategy, skills_strategy, knowledge_strategy)
def test_every_recommendation_is_complete_and_consistent(p, aptitude, knowledge):
    rec = recommend(p, knowledge, aptitude)
    assert sorted([rec.path] + [a.path for a in rec.alternatives]) == ["billing", "inpatient", "outpatient"]
    assert rec.points[rec.path] == max(rec.points.values())
    assert [a.points for a in rec.alternatives] == sorted((a.points for a in rec.alternatives), reverse=True)
    assert bool(rec.tied) == (sum(v == rec.points[rec.path] for v in rec.points.values()) > 1)
    share = sum(s.correct for s in aptitude) / 16
    assert (rec.fit.verdict == "unlikely") == (p.screen == "dislike" or share < 0.5)
    assert rec.reasons and all(a.reasons for a in rec.alternatives)
