"""The career service: drawing the diagnostic, the session (keys and answers only), grading, saving."""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date

import pytest

from study.careers.recommend import Preferences
from study.extensions import db
from study.models import CareerAssessment, Item
from study.services import Conflict, NotFound, ServiceError
from study.services import bank
from study.services import careers as career_service
from tests.careers import RATIONALE_MARKER, SMALL_BANK_ITEMS, answers_of, write_small_bank
from tests.factories import make_user

TODAY = date(2026, 1, 5)
PREFS = Preferences("physician_practice", "detail", "clinical", 6, date(2026, 7, 6))


@pytest.fixture
def small_bank(app, tmp_path):
    bank.import_bank(write_small_bank(tmp_path / "bank"))


def _areas(keys):
    items = {i.key: i for i in db.session.scalars(db.select(Item))}
    from study.careers.recommend import area_for

    return Counter(area_for(items[k].topic, items[k].exams) for k in keys)


def test_draw_spreads_over_areas_and_topics_and_skips_unusable_items(small_bank):
    keys = career_service.draw_diagnostic(per_area=3, rng=random.Random(1))
    assert len(keys) == len(set(keys)) == 14
    assert _areas(keys) == {"terminology": 3, "outpatient": 3, "inpatient": 3, "billing": 3, "compliance": 2}
    for unusable in ("car-comp-multi", "car-clm-draft", "car-anes-001"):
        assert unusable not in keys
    # three outpatient picks come from three different topics (one item per topic in turn)
    outpatient = [k for k in keys if k in {"car-em-001", "car-em-002", "car-rad-001", "car-icdo-001", "car-hcpcs-001", "car-dig-001"}]
    topics = {key: topic for key, topic, *_ in SMALL_BANK_ITEMS}
    assert len({topics[k] for k in outpatient}) == 3


def test_draw_takes_everything_usable_when_the_bank_is_small(small_bank):
    keys = career_service.draw_diagnostic(rng=random.Random(2))
    usable = [k for k, _, _, answer, status in SMALL_BANK_ITEMS if status == "published" and isinstance(answer, str) and k != "car-anes-001"]
    assert sorted(keys) == sorted(usable)
    # ICD-10-CM items go to outpatient coding when linked to the CPC, to inpatient coding when only to the CCS
    assert _areas(["car-icdo-001"]) == {"outpatient": 1}
    assert _areas(["car-icdi-001"]) == {"inpatient": 1}


def test_draw_is_random_but_reproducible(small_bank):
    one = career_service.draw_diagnostic(per_area=2, rng=random.Random(7))
    two = career_service.draw_diagnostic(per_area=2, rng=random.Random(7))
    assert one == two


def test_draw_with_an_empty_bank(app):
    assert career_service.draw_diagnostic() == []


def test_the_session_holds_keys_and_preferences_but_never_the_key(small_bank):
    session: dict = {}
    count = career_service.start_assessment(session, PREFS, rng=random.Random(3))
    state = session[career_service.SESSION_KEY]
    assert count == len(state["items"]) == 20
    assert state["answers"] is None and state["prefs"]["setting"] == "physician_practice"
    text = json.dumps(session)
    assert RATIONALE_MARKER not in text and "answer\": \"" not in text and "rationale" not in text
    questions = career_service.diagnostic_questions(session)
    assert [q.number for q in questions] == list(range(1, 21))
    assert not hasattr(questions[0], "answer") and not hasattr(questions[0], "rationale")
    assert questions[0].options[0] == ("A", "The first choice")


def test_no_assessment_means_not_found(app):
    with pytest.raises(NotFound):
        career_service.diagnostic_questions({})
    with pytest.raises(NotFound):
        career_service.submit_diagnostic({}, {})
    assert career_service.current_result({}, TODAY) is None


def test_an_incomplete_diagnostic_changes_nothing_and_names_the_gaps(small_bank):
    session: dict = {}
    career_service.start_assessment(session, PREFS, rng=random.Random(4))
    keys = session[career_service.SESSION_KEY]["items"]
    answers = answers_of(keys)
    answers[keys[0]] = ""  # left blank
    answers[keys[1]] = "Z"  # not an option
    missing = career_service.submit_diagnostic(session, answers)
    assert [q.number for q in missing] == [1, 2]
    assert session[career_service.SESSION_KEY]["answers"] is None
    assert not career_service.has_result(session)


def test_grading_scores_each_area_and_counts_dont_know_as_wrong(small_bank):
    session: dict = {}
    career_service.start_assessment(session, PREFS, rng=random.Random(5))
    keys = session[career_service.SESSION_KEY]["items"]
    answers = answers_of(keys)
    terminology = [k for k in keys if k.startswith(("car-term", "car-anat"))]
    answers[terminology[0]] = career_service.DONT_KNOW
    answers[terminology[1]] = "A" if answers[terminology[1]] != "A" else "B"  # wrong on purpose
    assert career_service.submit_diagnostic(session, answers) == []
    assert career_service.has_result(session)
    stored = session[career_service.SESSION_KEY]["answers"]
    assert stored[terminology[0]] == career_service.DONT_KNOW

    with pytest.raises(Conflict):  # final: the result page shows the key
        career_service.submit_diagnostic(session, answers_of(keys))

    result = career_service.current_result(session, TODAY)
    scores = {s.area: (s.correct, s.total) for s in result.scores}
    assert scores == {"terminology": (2, 4), "outpatient": (6, 6), "inpatient": (4, 4), "billing": (4, 4), "compliance": (2, 2)}
    assert result.recommendation.certification == "CPC"
    assert result.plan.exam == "CPC" and result.plan.total_hours == 26 * 6
    # the weakest area's sections come first in the plan
    assert result.plan.sections[0].areas == ("terminology",)
    assert result.path.key == "outpatient" and result.salary.key == "coder"
    review = {q.key: q for q in result.review}
    assert review[terminology[0]].chosen is None and not review[terminology[0]].correct
    assert RATIONALE_MARKER in review[terminology[0]].rationale  # after submission the rationale may show


def test_a_retired_item_drops_out_of_the_diagnostic(small_bank):
    session: dict = {}
    career_service.start_assessment(session, PREFS, rng=random.Random(6))
    first = session[career_service.SESSION_KEY]["items"][0]
    item = db.session.scalar(db.select(Item).where(Item.key == first))
    item.status = "retired"
    db.session.commit()
    # a retired item is never asked (nor graded); the others are renumbered
    questions = career_service.diagnostic_questions(session)
    assert first not in {q.key for q in questions}
    assert [q.number for q in questions] == list(range(1, 20))


def test_save_result_keeps_preferences_and_area_scores(app, small_bank):
    user = make_user()
    session: dict = {}
    career_service.start_assessment(session, PREFS, rng=random.Random(8))
    keys = session[career_service.SESSION_KEY]["items"]
    assert career_service.submit_diagnostic(session, answers_of(keys)) == []

    saved = career_service.save_result(user, session, TODAY)
    assert saved.user_id == user.id
    assert (saved.recommended_path, saved.recommended_certification) == ("outpatient", "CPC")
    assert saved.weekly_hours == 6 and saved.target_date == date(2026, 7, 6)
    assert saved.preferences["interest"] == "clinical"
    assert saved.area_scores["billing"] == {"correct": 4, "total": 4}
    assert RATIONALE_MARKER not in saved.area_scores_json + saved.preferences_json

    again = career_service.save_result(user, session, TODAY)
    assert again.id == saved.id  # saving twice keeps one copy
    assert db.session.scalar(db.select(db.func.count()).select_from(CareerAssessment)) == 1

    assert [a.id for a in career_service.saved_results(user)] == [saved.id]
    shown = career_service.saved_result(career_service.get_saved(user, saved.id))
    assert shown.recommendation.certification == "CPC" and shown.saved_id == saved.id
    assert shown.plan.today == saved.created_at.date()
    assert shown.review == ()


def test_another_user_cannot_read_or_reuse_a_saved_result(app, small_bank):
    owner, other = make_user(), make_user()
    session: dict = {}
    career_service.start_assessment(session, PREFS, rng=random.Random(9))
    career_service.submit_diagnostic(session, answers_of(session[career_service.SESSION_KEY]["items"]))
    saved = career_service.save_result(owner, session, TODAY)
    with pytest.raises(NotFound):
        career_service.get_saved(other, saved.id)
    with pytest.raises(NotFound):
        career_service.get_saved(owner, saved.id + 1000)
    assert career_service.saved_results(other) == []
    # the same browser session saved by someone else makes their own copy
    theirs = career_service.save_result(other, session, TODAY)
    assert theirs.id != saved.id and theirs.user_id == other.id


def test_nothing_to_save_before_submission(app, small_bank):
    user = make_user()
    session: dict = {}
    with pytest.raises(ServiceError):
        career_service.save_result(user, session, TODAY)
    career_service.start_assessment(session, PREFS)
    with pytest.raises(ServiceError):
        career_service.save_result(user, session, TODAY)


def test_an_empty_diagnostic_still_gives_a_result(app):
    session: dict = {}
    assert career_service.start_assessment(session, PREFS) == 0
    assert career_service.submit_diagnostic(session, {}) == []
    result = career_service.current_result(session, TODAY)
    assert result.answered == 0 and result.recommendation.certification == "CPC"
    assert result.plan.sections == ()  # no blueprint in the database either


def test_exam_formats_come_from_the_blueprints(small_bank):
    formats = career_service.exam_formats()
    assert set(formats) == {"CPC", "CPB", "CCS", "CCS-P"}
    cpc = formats["CPC"]
    assert (cpc.questions, cpc.cases, cpc.minutes, cpc.pass_percent) == (100, 0, 240, 70)
    assert formats["CPB"].questions == 135
    assert formats["CCS"].cases == 5 and not formats["CCS"].all_confirmed
    assert cpc.sections[0]["title"].startswith("10000 Series")
