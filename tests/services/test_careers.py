"""The career service: the run kept on the server (the cookie holds a token only), the sample
tasks and the optional knowledge check (drawn from its own pool), grading, final submissions,
the beginner's plan linked to practice sets that exist, saving (also on signing up or in)."""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from study.careers import aptitude
from study.careers.recommend import Preferences
from study.extensions import db
from study.models import CareerAssessment, CareerRun, Item
from study.services import Conflict, NotFound, ServiceError, bank
from study.services import careers as career_service
from tests.careers import NEVER_DRAWN, RATIONALE_MARKER, SMALL_BANK_ITEMS, answers_of, write_small_bank
from tests.factories import make_user

TODAY = date(2026, 1, 5)
PREFS = Preferences("physician_practice", "detail", "clinical", 6, date(2026, 7, 6))
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


ALL_RIGHT = {t.key: t.answer for t in aptitude.tasks()}


def start(seed=None, user=None, now=None, knowledge=True):
    """A new run with its sample tasks done and (unless `knowledge` is False) its knowledge check
    drawn: (token, run)."""
    token = career_service.start_run(PREFS, user=user, now=now)
    run = career_service.get_run(token, user, now=now)
    assert career_service.submit_tasks(run, ALL_RIGHT, now=now) == []
    if knowledge:
        career_service.start_knowledge_check(run, rng=random.Random(seed) if seed is not None else None)
    return token, run


def race(app, token, submit, choices) -> list[object]:
    """Each of `choices` submitted by its own request, all loading the run before any submits:
    the outcome of each (a return value or the exception)."""
    barrier = threading.Barrier(len(choices))
    outcomes: list[object] = []

    def one(answers):
        with app.app_context():
            loaded = career_service.get_run(token)
            barrier.wait()
            try:
                outcomes.append(submit(loaded, answers))
            except Exception as exc:  # noqa: BLE001 - every outcome is checked by the caller
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(a,)) for a in choices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def keys_of(run) -> list[str]:
    return json.loads(run.item_keys_json)


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
    usable = [
        k
        for k, _, _, answer, status in SMALL_BANK_ITEMS
        if status == "published" and isinstance(answer, str) and k != "car-anes-001" and k not in NEVER_DRAWN
    ]
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


def test_the_run_is_kept_on_the_server_and_the_token_is_stored_hashed(small_bank):
    token, run = start(3)
    assert len(token) >= 40
    stored = db.session.scalar(db.select(CareerRun))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert stored.user_id is None and stored.submitted_at is None and stored.answers_json is None
    assert json.loads(stored.aptitude_json) == ALL_RIGHT and stored.aptitude_at is not None
    assert json.loads(stored.preferences_json)["setting"] == "physician_practice"
    assert len(keys_of(run)) == 20
    questions = career_service.diagnostic_questions(run)
    assert [q.number for q in questions] == list(range(1, 21))
    assert not hasattr(questions[0], "answer") and not hasattr(questions[0], "rationale")
    assert questions[0].options[0] == ("A", "The first choice")
    assert career_service.current_preferences(run) == PREFS
    # an unknown or malformed token opens nothing
    for bad in ("", "x" * 43, None, 42, ["a"], "y" * 500):
        assert career_service.get_run(bad) is None


def test_the_diagnostic_draws_only_its_own_pool(small_bank):
    """Regression (issue 12): 15 anonymous runs collected 214 published items with keys. The
    diagnostic now draws only the items reserved for it: never an open-pool or exam item."""
    seen: set[str] = set()
    for seed in range(15):
        _, run = start(seed)
        seen.update(keys_of(run))
    reserved = dict(db.session.execute(db.select(Item.key, Item.reserved)).all())
    assert seen and all(reserved[k] == "diagnostic" for k in seen)
    assert not seen & NEVER_DRAWN


def test_an_item_moved_out_of_the_pool_drops_out_of_a_run(small_bank):
    _, run = start(6)
    first = keys_of(run)[0]
    item = db.session.scalar(db.select(Item).where(Item.key == first))
    item.reserved = "exam"
    db.session.commit()
    assert first not in {q.key for q in career_service.diagnostic_questions(run)}


def test_no_run_means_not_found(app):
    with pytest.raises(NotFound):
        career_service.diagnostic_questions(None)
    with pytest.raises(NotFound):
        career_service.submit_diagnostic(None, {})
    with pytest.raises(NotFound):
        career_service.submit_tasks(None, {})
    with pytest.raises(NotFound):
        career_service.start_knowledge_check(None)
    assert career_service.current_result(None, TODAY) is None
    assert career_service.current_preferences(None) is None


def test_an_incomplete_diagnostic_changes_nothing_and_names_the_gaps(small_bank):
    _, run = start(4)
    keys = keys_of(run)
    answers = answers_of(keys)
    answers[keys[0]] = ""  # left blank
    answers[keys[1]] = "Z"  # not an option
    missing = career_service.submit_diagnostic(run, answers)
    assert [q.number for q in missing] == [1, 2]
    db.session.refresh(run)
    assert run.answers_json is None and run.submitted_at is None
    assert not career_service.knowledge_done(run)


def test_grading_scores_each_area_and_counts_dont_know_as_wrong(small_bank):
    _, run = start(5)
    keys = keys_of(run)
    answers = answers_of(keys)
    terminology = [k for k in keys if k.startswith(("car-term", "car-anat"))]
    answers[terminology[0]] = career_service.DONT_KNOW
    answers[terminology[1]] = "A" if answers[terminology[1]] != "A" else "B"  # wrong on purpose
    assert career_service.submit_diagnostic(run, answers, now=NOW) == []
    assert career_service.has_result(run) and run.submitted_at == NOW
    assert json.loads(run.answers_json)[terminology[0]] == career_service.DONT_KNOW

    result = career_service.current_result(run, TODAY)
    scores = {s.area: (s.correct, s.total) for s in result.scores}
    assert scores == {"terminology": (2, 4), "outpatient": (6, 6), "inpatient": (4, 4), "billing": (4, 4), "compliance": (2, 2)}
    assert result.recommendation.certification == "CPC"
    assert result.plan.exam == "CPC" and result.plan.total_hours == 26 * 6
    assert not result.plan.foundations_known  # terminology 50%: the foundations keep their full share
    assert result.path.key == "outpatient" and result.salary.key == "coder"
    review = {q.key: q for q in result.review}
    assert review[terminology[0]].chosen is None and not review[terminology[0]].correct
    assert RATIONALE_MARKER in review[terminology[0]].rationale  # after submission the rationale may show


def test_a_submitted_run_is_final_whoever_holds_the_token(small_bank):
    token, run = start(5)
    keys = keys_of(run)
    wrong = {k: ("A" if v != "A" else "B") for k, v in answers_of(keys).items()}
    assert career_service.submit_diagnostic(run, wrong, now=NOW) == []
    before = run.answers_json
    # the same token looked up again (a replayed cookie, another tab): final
    again = career_service.get_run(token)
    with pytest.raises(Conflict):
        career_service.submit_diagnostic(again, answers_of(keys))
    db.session.refresh(run)
    assert run.answers_json == before and run.submitted_at == NOW
    assert {s.correct for s in career_service.current_result(run, TODAY).scores} == {0}


def test_simultaneous_submissions_count_once(app, small_bank):
    """The close is one conditional update: runs loaded by several requests before any of them
    submitted (each sees an open run) give one submission and Conflict for the others."""
    token, run = start(5)
    keys = keys_of(run)
    choices = [answers_of(keys), {k: career_service.DONT_KNOW for k in keys}] * 2
    outcomes = race(app, token, career_service.submit_diagnostic, choices)
    assert sum(1 for o in outcomes if o == []) == 1, outcomes
    assert sum(1 for o in outcomes if isinstance(o, Conflict)) == len(choices) - 1, outcomes
    db.session.expire_all()
    stored = json.loads(db.session.get(CareerRun, run.id).answers_json)
    assert stored in choices


def test_a_retired_item_drops_out_of_the_diagnostic(small_bank):
    _, run = start(6)
    first = keys_of(run)[0]
    item = db.session.scalar(db.select(Item).where(Item.key == first))
    item.status = "retired"
    db.session.commit()
    # a retired item is never asked (nor graded); the others are renumbered
    questions = career_service.diagnostic_questions(run)
    assert first not in {q.key for q in questions}
    assert [q.number for q in questions] == list(range(1, 20))


def test_a_signed_in_users_run_is_theirs_alone(small_bank):
    user, other = make_user(), make_user()
    token, run = start(2, user=user)
    assert run.user_id == user.id
    assert career_service.get_run(token, other) is None and career_service.get_run(token) is None


def test_old_runs_are_deleted_when_a_new_one_starts(small_bank):
    old_token, _ = start(1, now=NOW - timedelta(days=8))
    recent_token, _ = start(1, now=NOW - timedelta(days=6))
    assert career_service.get_run(old_token, now=NOW) is None  # too old to open, even before deletion
    start(2, now=NOW)
    hashes = set(db.session.scalars(db.select(CareerRun.token_hash)))
    assert hashlib.sha256(old_token.encode()).hexdigest() not in hashes
    assert hashlib.sha256(recent_token.encode()).hexdigest() in hashes and len(hashes) == 2


def test_save_result_reads_the_run_and_keeps_preferences_and_area_scores(app, small_bank):
    user = make_user()
    token, run = start(8)
    assert career_service.submit_diagnostic(run, answers_of(keys_of(run))) == []

    saved = career_service.save_result(user, run, TODAY)
    assert saved.user_id == user.id
    assert (saved.recommended_path, saved.recommended_certification) == ("outpatient", "CPC")
    assert saved.weekly_hours == 6 and saved.target_date == date(2026, 7, 6)
    assert saved.preferences["interest"] == "clinical"
    assert saved.area_scores["billing"] == {"correct": 4, "total": 4}
    assert saved.aptitude == {"reading": {"correct": 4, "total": 4}, "rules": {"correct": 4, "total": 4},
                              "detail": {"correct": 4, "total": 4}, "numbers": {"correct": 4, "total": 4}}
    assert RATIONALE_MARKER not in saved.area_scores_json + saved.preferences_json
    # the run now belongs to the account that saved it, and knows its save
    assert (run.user_id, run.saved_assessment_id) == (user.id, saved.id)
    assert career_service.current_result(run, TODAY).saved_id == saved.id

    again = career_service.save_result(user, career_service.get_run(token, user), TODAY)
    assert again.id == saved.id  # saving twice keeps one copy
    assert db.session.scalar(db.select(db.func.count()).select_from(CareerAssessment)) == 1

    assert [a.id for a in career_service.saved_results(user)] == [saved.id]
    shown = career_service.saved_result(career_service.get_saved(user, saved.id))
    assert shown.recommendation.certification == "CPC" and shown.saved_id == saved.id
    assert shown.plan.today == saved.created_at.date()
    assert shown.review == () and shown.tasks == ()  # only scores are kept, not the items
    assert shown.recommendation.fit.verdict == "good" and shown.skills[0].correct == 4


def test_another_user_cannot_read_or_reuse_a_saved_result(app, small_bank):
    owner, other = make_user(), make_user()
    token, run = start(9)
    career_service.submit_diagnostic(run, answers_of(keys_of(run)))
    saved = career_service.save_result(owner, run, TODAY)
    with pytest.raises(NotFound):
        career_service.get_saved(other, saved.id)
    with pytest.raises(NotFound):
        career_service.get_saved(owner, saved.id + 1000)
    assert career_service.saved_results(other) == []
    # the run is the owner's now: someone else with the same token neither sees nor saves it
    assert career_service.get_run(token, other) is None
    with pytest.raises(ServiceError):
        career_service.save_result(other, run, TODAY)
    assert db.session.scalar(db.select(db.func.count()).select_from(CareerAssessment)) == 1


def test_nothing_to_save_before_the_tasks(app, small_bank):
    user = make_user()
    with pytest.raises(ServiceError):
        career_service.save_result(user, None, TODAY)
    token = career_service.start_run(PREFS)
    run = career_service.get_run(token)
    with pytest.raises(ServiceError):
        career_service.save_result(user, run, TODAY)
    assert career_service.save_on_sign_in(user, token, TODAY) is None
    with pytest.raises(Conflict):
        career_service.start_knowledge_check(run)  # the tasks come first


def test_an_empty_knowledge_check_still_gives_a_result(app):
    _, run = start()
    assert keys_of(run) == []
    result = career_service.current_result(run, TODAY)
    assert result.answered == 0 and result.recommendation.certification == "CPC"
    assert [p.key for p in result.plan.phases] == ["foundations", "code-sets", "exam-practice"]


def test_exam_formats_come_from_the_blueprints(small_bank):
    formats = career_service.exam_formats()
    assert set(formats) == {"CPC", "CPB", "CCS", "CCS-P"}
    cpc = formats["CPC"]
    assert (cpc.questions, cpc.cases, cpc.minutes, cpc.pass_percent) == (100, 0, 240, 70)
    assert formats["CPB"].questions == 135
    assert formats["CCS"].cases == 5 and not formats["CCS"].all_confirmed
    assert cpc.sections[0]["title"].startswith("10000 Series")


def test_the_real_bank_has_a_full_diagnostic_set_of_its_own(app):
    """question_bank/diagnostic: at least 30 single-answer items reserved for the diagnostic, six or
    more in each area, so a draw is a full diagnostic, and none of them is served anywhere else."""
    bank.import_bank(app.config["QUESTION_BANK"])
    reserved = list(db.session.scalars(db.select(Item).where(Item.reserved == "diagnostic")))
    assert len(reserved) >= 30 and all(i.type == "mcq" and i.status == "published" for i in reserved)
    from study.careers.recommend import area_for

    per_area = Counter(area_for(i.topic, i.exams) for i in reserved)
    assert set(per_area) == {"terminology", "outpatient", "inpatient", "billing", "compliance"}
    assert min(per_area.values()) >= career_service.PER_AREA
    keys = career_service.draw_diagnostic(rng=random.Random(12))
    assert len(keys) == 5 * career_service.PER_AREA
    assert {i.key for i in reserved} >= set(keys)
    for item in reserved:
        parsed = bank.parsed_item(item)
        assert not parsed.multiple and parsed.rationale and parsed.why_not, item.key


# ------------------------------------------------------------------ the sample tasks
def test_incomplete_tasks_change_nothing_and_name_the_gaps(app):
    token = career_service.start_run(PREFS)
    run = career_service.get_run(token)
    answers = dict(ALL_RIGHT)
    first, second = list(answers)[:2]
    answers[first] = ""
    answers[second] = "Z"  # not an option
    missing = career_service.submit_tasks(run, answers)
    assert [t.key for t in missing] == [first, second]
    db.session.refresh(run)
    assert run.aptitude_json is None and run.aptitude_at is None and not career_service.has_result(run)


def test_tasks_are_graded_per_skill_and_final(app):
    token = career_service.start_run(PREFS)
    run = career_service.get_run(token)
    answers = dict(ALL_RIGHT)
    numbers = [t for t in aptitude.tasks() if t.skill == "numbers"]
    for task in numbers[:3]:
        answers[task.key] = next(letter for letter in task.letters if letter != task.answer)
    assert career_service.submit_tasks(run, answers, now=NOW) == []
    result = career_service.current_result(run, TODAY)
    assert {s.skill: (s.correct, s.total) for s in result.skills} == {
        "reading": (4, 4), "rules": (4, 4), "detail": (4, 4), "numbers": (1, 4)
    }
    assert result.recommendation.fit.verdict == "possible"  # 13 of 16, but one weak skill
    assert any("numbers for billing" in r for r in result.recommendation.fit.reasons)
    with pytest.raises(Conflict):
        career_service.submit_tasks(career_service.get_run(token), ALL_RIGHT)
    assert career_service.current_result(run, TODAY).skills[3].correct == 1


def test_simultaneous_task_submissions_count_once(app):
    token = career_service.start_run(PREFS)
    run_id = career_service.get_run(token).id
    wrong = {t.key: next(x for x in t.letters if x != t.answer) for t in aptitude.tasks()}
    choices = [ALL_RIGHT, wrong] * 2
    outcomes = race(app, token, career_service.submit_tasks, choices)
    assert sum(1 for o in outcomes if o == []) == 1, outcomes
    assert sum(1 for o in outcomes if isinstance(o, Conflict)) == len(choices) - 1, outcomes
    db.session.expire_all()
    assert json.loads(db.session.get(CareerRun, run_id).aptitude_json) in choices


# ------------------------------------------------------------------ the plan links to practice that exists
def test_the_plan_links_only_to_practice_sets_that_exist(app):
    bank.import_bank(app.config["QUESTION_BANK"])
    practice = career_service.practice_topics()
    assert "medical-terminology" in practice["CPC"] and "claims" in practice["CPB"]
    _, run = start(knowledge=False)
    plan = career_service.current_result(run, TODAY).plan
    linked = [s for phase in plan.phases for s in phase.steps if s.linked]
    assert linked, "the real bank has practice for the CPC"
    for step in linked:
        assert set(step.topics) <= practice[step.exam]
    # the open pool only: a topic whose items are all reserved for the knowledge check links nowhere
    reserved_only = db.session.scalars(db.select(Item.topic).where(Item.reserved == "diagnostic")).all()
    assert reserved_only


# ------------------------------------------------------------------ saving on signing up or in
def test_signing_in_saves_a_finished_run_once_and_never_anothers(app):
    user, other = make_user(), make_user()
    token, run = start(knowledge=False)
    saved = career_service.save_on_sign_in(user, token, TODAY)
    assert saved is not None and saved.user_id == user.id
    assert career_service.save_on_sign_in(user, token, TODAY).id == saved.id  # signing in again: the same copy
    assert career_service.save_on_sign_in(other, token, TODAY) is None  # the run is the first account's now
    assert career_service.latest_saved(user).id == saved.id and career_service.latest_saved(other) is None
    for bad in (None, "", "nope"):
        assert career_service.save_on_sign_in(user, bad, TODAY) is None
    assert db.session.scalar(db.select(db.func.count()).select_from(CareerAssessment)) == 1


def test_saving_again_after_the_knowledge_check_updates_the_one_copy(app, small_bank):
    user = make_user()
    token, run = start(3, user=user)
    first = career_service.save_result(user, run, TODAY)
    assert first.area_scores == {}
    career_service.submit_diagnostic(run, answers_of(keys_of(run)))
    again = career_service.save_result(user, run, TODAY)
    assert again.id == first.id and again.area_scores["terminology"]["total"] > 0
    assert db.session.scalar(db.select(db.func.count()).select_from(CareerAssessment)) == 1
