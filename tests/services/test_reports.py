"""Problem reports (who sees what, resolving, the learner's view) and regrading after a key was
corrected by importing a new version of the item file (both modes, idempotency, attempts,
dashboards' rollups, the log)."""

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import AnswerRollup, Attempt, CaseRollup, ItemReport, RegradeLog, Response
from study.models.base import utcnow
from study.services import Conflict, Forbidden, NotFound, ServiceError, bank, practice, progress, regrades, reports
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import exams as exam_service
from study.services.rollups import week_of
from tests.factories import item_by_key as _item
from tests.factories import make_attempt, make_user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=2)


def _practice_answer(user, key, original, when=T0):
    """A one-question practice set on `key`, answered with the bank letter `original` (so finished)."""
    attempt = make_attempt(user, [_item(key)], exam="CPC", started_at=when)
    ai = attempt.items[0]
    shown = attempt_service.to_shown(ai, attempt_service.version_item(ai), [original])
    practice.answer(user, attempt.id, 1, shown, 20.0, when)
    db.session.refresh(attempt)
    return attempt


def _exam_answers(user, answers, when=T0):
    """A hand-made exam of the given items answered with bank letters, then submitted."""
    config = {"pace_minutes_per_question": 2.4, "pass_percent": 70}
    attempt = make_attempt(
        user, [(_item(k), "icd-10-cm") for k, _ in answers], "exam", when, config, exam="CPC", deadline_at=when + timedelta(hours=1)
    )
    for ai, (_, original) in zip(attempt.items, answers, strict=False):
        shown = attempt_service.to_shown(ai, attempt_service.version_item(ai), [original])
        exam_service.save_answer(user, attempt.id, ai.position, when + timedelta(minutes=1), letters=shown)
    exam_service.submit(user, attempt.id, when + timedelta(minutes=10))
    db.session.refresh(attempt)
    return attempt


def _correct_key_of_001(root):
    """The key of learn-icd-001 was wrong (A); the course team corrects it to B in the file."""
    path = root / "cpc" / "icd-10-cm" / "learn-icd-001.md"
    text = path.read_text(encoding="utf-8").replace("answer: A", "answer: B")
    text = text.replace("B. SECRET-WHY-learn-icd-001-B", "A. SECRET-WHY-learn-icd-001-A")
    path.write_text(text, encoding="utf-8")
    summary = bank.import_bank(root)
    assert summary.new_versions == 1
    assert _item("learn-icd-001").current_version.number == 2


def _rollup(user):
    row = db.session.scalar(
        sa.select(AnswerRollup).where(AnswerRollup.user_id == user.id, AnswerRollup.topic == "icd-10-cm", AnswerRollup.week == week_of(T0))
    )
    return (row.answered, row.correct)


def _web_item(key, author):
    item = _item(key)
    item.origin, item.author_id = "web", author.id
    db.session.commit()
    return item


# ------------------------------------------------------------------ who sees what
def test_instructors_see_reports_on_file_items_and_their_own_items_admins_see_all(learning_bank):
    ann, bob, admin, learner = make_user("instructor"), make_user("instructor"), make_user("admin"), make_user()
    _web_item("learn-icd-002", ann)
    _web_item("learn-icd-003", bob)
    on_file = attempt_service.report_problem(learner, "learn-icd-001", "typo", "Typo in the stem")
    on_ann = attempt_service.report_problem(learner, "learn-icd-002", "unclear", "Which one?")
    on_bob = attempt_service.report_problem(learner, "learn-icd-003", "wrong-key", "Key is wrong")

    def ids(user, status="open"):
        return {v.report.id for v in reports.list_reports(user, status)}

    assert ids(ann) == {on_file.id, on_ann.id}
    assert ids(bob) == {on_file.id, on_bob.id}
    assert ids(admin) == {on_file.id, on_ann.id, on_bob.id}
    with pytest.raises(Forbidden):
        reports.get_report(ann, on_bob.id)
    with pytest.raises(Forbidden):
        reports.resolve_report(ann, on_bob.id, "dismissed", "no", NOW)
    with pytest.raises(NotFound):
        reports.get_report(ann, 999999)
    assert reports.get_report(admin, on_bob.id).report.id == on_bob.id
    with pytest.raises(ServiceError):
        reports.list_reports(ann, "bogus")


def test_the_queue_shows_the_item_the_version_and_the_answer_as_the_learner_saw_it(learning_bank):
    learner, inst = make_user(), make_user("instructor")
    attempt = _practice_answer(learner, "learn-icd-001", "C")
    ai = attempt.items[0]
    attempt_service.report_problem(learner, "learn-icd-001", "wrong-key", "I think C is right", ai.id)
    [view] = reports.list_reports(inst)
    shown = attempt_service.to_shown(ai, attempt_service.version_item(ai), ["C"])[0]
    assert view.summary.startswith("Which code reports essential (primary) hypertension?")
    assert view.version_number == 1 and not view.newer_version
    assert view.answer == [f"{shown} (bank letter C): I12.9"]
    assert view.answer_score == 0.0
    assert view.report.comment == "I think C is right" and view.learner.id == learner.id
    assert view.options[0] == ("A", "I10", True) and view.current_key == []
    _correct_key_of_001(learning_bank)
    view = reports.get_report(inst, view.report.id)
    assert view.newer_version and view.current_number == 2 and view.current_key == ["B"]
    assert view.options[0] == ("A", "I10", True)  # the version the learner reported, as it was


def test_resolving_sets_status_text_who_and_when_once(learning_bank):
    learner, inst = make_user(), make_user("instructor")
    report = attempt_service.report_problem(learner, "learn-icd-001", "typo", "")
    with pytest.raises(ServiceError):
        reports.resolve_report(inst, report.id, "replied", "   ", NOW)
    with pytest.raises(ServiceError):
        reports.resolve_report(inst, report.id, "closed", "text", NOW)
    assert db.session.get(ItemReport, report.id).status == "open"
    reports.resolve_report(inst, report.id, "replied", "Thanks, the stem is fine as written.", NOW)
    stored = db.session.get(ItemReport, report.id)
    assert (stored.status, stored.resolution, stored.resolved_by, stored.resolved_at) == (
        "replied",
        "Thanks, the stem is fine as written.",
        inst.id,
        NOW,
    )
    with pytest.raises(Conflict):
        reports.resolve_report(inst, report.id, "dismissed", "again", NOW)
    assert [v.report.id for v in reports.list_reports(inst, "resolved")] == [report.id]
    assert reports.list_reports(inst, "open") == []
    mine = reports.learner_reports(learner, utcnow())
    assert [(m.item_key, m.report.resolution) for m in mine] == [("learn-icd-001", "Thanks, the stem is fine as written.")]
    assert reports.learner_reports(make_user(), utcnow()) == []


# ------------------------------------------------------------------ regrading MCQs
def test_regrade_mcq_new_key_and_best_of_after_the_key_was_corrected(learning_bank):
    inst = make_user("instructor")
    chose_b, chose_a, chose_c = make_user(), make_user(), make_user()
    p_b = _practice_answer(chose_b, "learn-icd-001", "B")  # wrong under the old key, right under the new
    p_a = _practice_answer(chose_a, "learn-icd-001", "A")  # right under the old key, wrong under the new
    p_c = _practice_answer(chose_c, "learn-icd-001", "C")  # wrong under both
    exam = _exam_answers(chose_b, [("learn-icd-001", "B"), ("learn-icd-002", "B")])
    assert (p_b.score_pct, p_a.score_pct, p_c.score_pct, exam.score_pct) == (0.0, 100.0, 0.0, 50.0)
    assert _rollup(chose_b) == (3, 1) and _rollup(chose_a) == (1, 1)
    board = progress.dashboard(chose_b, "CPC", T0 + timedelta(days=1))
    assert sum(w.correct for w in board.weeks) == 1 and [a.score_pct for a in board.exams] == [50.0]

    plan = regrades.plan_regrade(inst, "learn-icd-001", "new-key")
    assert plan.examined == 0 and plan.changes == []  # nothing to regrade before the key changes
    _correct_key_of_001(learning_bank)

    # preview changes nothing
    plan = regrades.plan_regrade(inst, "learn-icd-001", "new-key")
    assert plan.examined == 4 and len(plan.changes) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 0

    # best-of: the learner who chose B gains, the one who chose A keeps the old credit
    plan, log = regrades.regrade(inst, "learn-icd-001", "best-of", NOW)
    assert len(plan.changes) == 2 and log.mode == "best-of" and log.responses_changed == 2
    for attempt in (p_b, p_a, p_c, exam):
        db.session.refresh(attempt)
    assert (p_b.score_pct, p_a.score_pct, p_c.score_pct, exam.score_pct) == (100.0, 100.0, 0.0, 100.0)
    assert _rollup(chose_b) == (3, 3) and _rollup(chose_a) == (1, 1)
    board = progress.dashboard(chose_b, "CPC", T0 + timedelta(days=1))  # the learner's dashboard follows
    assert sum(w.correct for w in board.weeks) == 3 and [a.score_pct for a in board.exams] == [100.0]
    details = json.loads(log.details_json)
    assert {d["response_id"] for d in details} == {
        r.id
        for r in db.session.scalars(
            sa.select(Response).where(Response.user_id == chose_b.id, Response.item_id == _item("learn-icd-001").id)
        )
    }
    assert all(d["old_score"] == 0.0 and d["new_score"] == 1.0 for d in details)
    assert log.actor_id == inst.id and log.to_version_id == _item("learn-icd-001").current_version_id

    # the same mode again changes nothing and logs nothing
    again, no_log = regrades.regrade(inst, "learn-icd-001", "best-of", NOW)
    assert again.changes == [] and no_log is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 1

    # new-key: the learner who chose A now loses the point; the one who chose B keeps it
    plan, log = regrades.regrade(inst, "learn-icd-001", "new-key", NOW)
    assert [(c.response.user_id, c.old_score, c.new_score) for c in plan.changes] == [(chose_a.id, 1.0, 0.0)]
    db.session.refresh(p_a)
    assert p_a.score_pct == 0.0 and _rollup(chose_a) == (1, 0)
    assert regrades.regrade(inst, "learn-icd-001", "new-key", NOW)[1] is None
    responses = db.session.scalars(sa.select(Response).where(Response.item_id == _item("learn-icd-001").id).order_by(Response.id)).all()
    assert [(r.user_id, r.correct, r.score) for r in responses] == [
        (chose_b.id, True, 1.0),
        (chose_a.id, False, 0.0),
        (chose_c.id, False, 0.0),
        (chose_b.id, True, 1.0),
    ]

    # back to best-of: the old credit comes back exactly (scores are recomputed, not chained)
    plan, _ = regrades.regrade(inst, "learn-icd-001", "best-of", NOW)
    assert [(c.response.user_id, c.new_score) for c in plan.changes] == [(chose_a.id, 1.0)]
    assert _rollup(chose_a) == (1, 1)


def test_a_stale_plan_or_a_concurrent_regrade_never_counts_a_change_twice(learning_bank):
    inst, other, learner = make_user("instructor"), make_user("instructor"), make_user()
    attempt = _practice_answer(learner, "learn-icd-001", "B")
    _correct_key_of_001(learning_bank)
    first = regrades.plan_regrade(inst, "learn-icd-001", "new-key")
    second = regrades.plan_regrade(other, "learn-icd-001", "new-key")  # read at the same moment
    assert len(first.changes) == len(second.changes) == 1
    assert regrades.apply_regrade(inst, first, NOW).responses_changed == 1
    assert regrades.apply_regrade(other, second, NOW) is None
    assert _rollup(learner) == (1, 1)  # +1 once, not twice
    db.session.refresh(attempt)
    assert attempt.score_pct == 100.0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 1


def test_regrade_refuses_unknown_modes_items_and_other_instructors_items(learning_bank):
    ann, bob = make_user("instructor"), make_user("instructor")
    _web_item("learn-icd-002", ann)
    with pytest.raises(Forbidden):
        regrades.plan_regrade(bob, "learn-icd-002", "new-key")
    with pytest.raises(Forbidden):
        regrades.regrade(bob, "learn-icd-002", "new-key", NOW)
    with pytest.raises(NotFound):
        regrades.regrade(ann, "no-such-item", "new-key", NOW)
    with pytest.raises(ServiceError):
        regrades.regrade(ann, "learn-icd-002", "sometimes", NOW)
    assert regrades.plan_regrade(ann, "learn-icd-002", "new-key").changes == []
    assert regrades.plan_regrade(make_user("admin"), "learn-icd-002", "best-of").changes == []


# ------------------------------------------------------------------ regrading cases
def test_regrade_case_after_a_modifier_in_the_key_was_corrected(learning_bank):
    inst, learner = make_user("instructor"), make_user()
    attempt = case_service.start_case(learner, "case-pro-0003", T0)
    report = case_service.submit_case(learner, attempt.id, {"diagnoses": ["S52.501A"], "procedures": ["25600-LT"], "pcs": []}, T0)
    assert report.score_pct < 100
    before = db.session.get(CaseRollup, (learner.id, "professional"))
    old_sum, old_modifiers = before.score_sum, before.modifiers
    assert old_modifiers >= 1

    path = learning_bank / "cases" / "professional" / "case-pro-0003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("modifiers: [RT]", "modifiers: [LT]"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1

    plan, log = regrades.regrade(inst, "case-pro-0003", "new-key", NOW)
    assert len(plan.changes) == 1 and log.responses_changed == 1
    db.session.refresh(attempt)
    response = attempt.items[0].response
    assert attempt.score_pct == 100.0 and response.score == 1.0 and response.correct
    assert response.report["score_pct"] == 100.0
    after = db.session.get(CaseRollup, (learner.id, "professional"))
    db.session.refresh(after)
    assert after.attempts == 1 and after.score_sum == pytest.approx(1.0) and after.modifiers == old_modifiers - 1
    by_setting, errors = progress.case_summary(learner)
    assert by_setting["professional"] == (1, 100.0) and errors["modifiers"] == old_modifiers - 1
    assert old_sum == pytest.approx(report.score_pct / 100)
    assert regrades.regrade(inst, "case-pro-0003", "new-key", NOW)[1] is None
    # best-of keeps the new (better) score too
    assert regrades.regrade(inst, "case-pro-0003", "best-of", NOW)[1] is None


def test_regrade_leaves_the_answers_of_open_exams_alone(learning_bank):
    """An open exam's answer has no grade yet: the regrade neither lists nor changes it; it is
    graded at submission against the version it was served."""
    inst, learner = make_user("instructor"), make_user()
    attempt = Attempt(
        user_id=learner.id,
        kind="exam",
        exam="CPC",
        started_at=T0,
        deadline_at=T0 + timedelta(days=30),
        config_json=json.dumps({"pace_minutes_per_question": 2.4, "pass_percent": 70}),
    )
    db.session.add(attempt)
    db.session.flush()
    attempt_service.add_items(attempt, [(_item("learn-icd-001"), "icd-10-cm")], learner)
    db.session.commit()
    ai = attempt.items[0]
    shown = attempt_service.to_shown(ai, attempt_service.version_item(ai), ["B"])
    exam_service.save_answer(learner, attempt.id, 1, T0 + timedelta(minutes=1), letters=shown)
    _correct_key_of_001(learning_bank)
    for mode in regrades.MODES:
        plan, log = regrades.regrade(inst, "learn-icd-001", mode, NOW)
        assert (plan.examined, plan.changes, log) == (0, [], None)
    db.session.refresh(ai)
    assert (ai.response.score, ai.response.correct, ai.response.answer) == (None, None, {"selected": ["B"]})
    assert db.session.get(Attempt, attempt.id).is_open
    exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=2))
    db.session.refresh(ai)
    assert ai.response.score == 0.0  # graded against version 1 (key A), as it was served


def test_a_report_cannot_attach_another_learners_answer(learning_bank):
    owner, other = make_user(), make_user()
    attempt = _practice_answer(owner, "learn-icd-001", "C")
    with pytest.raises(Forbidden, match="not yours"):
        attempt_service.report_problem(other, "learn-icd-001", "wrong-key", "C is right", attempt.items[0].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemReport)) == 0
    mine = attempt_service.report_problem(owner, "learn-icd-001", "wrong-key", "C is right", attempt.items[0].id)
    assert mine.attempt_item_id == attempt.items[0].id and mine.user_id == owner.id
