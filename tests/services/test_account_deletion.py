"""Deleting an account removes every row that belongs to it, on both backends. The test walks the
schema: every column that references a user is listed and checked, so a new table that points at
users cannot be forgotten."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import CareerAssessment, CareerRun, Item, ItemReport, RegradeLog, User
from study.services import attempts as attempt_service
from study.services import bank, cases, cohorts, exams, practice, progress, user_sessions
from tests.factories import make_user
from tests.learning_bank import write_learning_bank

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)

# every (table, column) that references user.id, and what deleting the user does to its rows
USER_REFERENCES = {
    ("answer_rollup", "user_id"): "CASCADE",
    ("audit_event", "actor_id"): "SET NULL",  # the entry stays, with the actor's label
    ("attempt", "user_id"): "CASCADE",
    ("career_assessment", "user_id"): "CASCADE",
    ("career_run", "user_id"): "CASCADE",
    ("case_rollup", "user_id"): "CASCADE",
    ("cohort", "owner_id"): "CASCADE",
    ("cohort_member", "user_id"): "CASCADE",
    ("item", "author_id"): "SET NULL",
    ("item_report", "resolved_by"): "SET NULL",
    ("item_report", "user_id"): "CASCADE",
    ("regrade_log", "actor_id"): "SET NULL",
    ("response", "user_id"): "CASCADE",
    ("review_card", "user_id"): "CASCADE",
    ("review_log", "user_id"): "CASCADE",
    ("user_session", "user_id"): "CASCADE",
}


def _user_references():
    found = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "user":
                found[(table.name, fk.parent.name)] = fk.ondelete
    return found


def test_every_reference_to_a_user_says_what_deletion_does():
    assert _user_references() == USER_REFERENCES


@pytest.fixture
def busy_user(app, tmp_path):
    """A user with a row in every table that can point at a user."""
    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    user = make_user("instructor")
    learner_peer = make_user()
    user_sessions.sign_in(user)
    p = practice.start_practice(user, practice.PracticeChoice("CPC", [], None, 2, "all"), NOW)
    practice.answer(user, p.id, 1, ["A"], 10, NOW)
    case_key = db.session.scalar(sa.select(Item.key).where(Item.type == "case", Item.reserved.is_(None)).order_by(Item.key))
    c = cases.start_case(user, case_key, NOW)
    cases.submit_case(user, c.id, {"diagnoses": ["R52"], "procedures": [], "pcs": []}, NOW)
    e = exams.start_exam(user, "CPC", NOW)
    exams.submit(user, e.id, NOW)
    own = cohorts.create_cohort(user, "Mine", "CPC")
    cohorts.join_cohort(learner_peer, own.join_code)
    theirs = cohorts.create_cohort(make_user("instructor"), "Theirs", "CPC")
    cohorts.join_cohort(user, theirs.join_code)
    item = db.session.scalar(sa.select(Item).where(Item.type == "mcq").order_by(Item.key))
    report = attempt_service.report_problem(learner_peer, item.key, "typo", "a typo")
    report.resolved_by = user.id
    mine = attempt_service.report_problem(user, item.key, "unclear", "unclear")
    item.author_id = user.id
    db.session.add(RegradeLog(item_id=item.id, actor_id=user.id, mode="new-key", to_version_id=item.current_version_id))
    assessment = CareerAssessment(user_id=user.id, recommended_path="billing", recommended_certification="CPB", weekly_hours=5)
    db.session.add(assessment)
    db.session.flush()
    db.session.add(CareerRun(token_hash="a" * 64, user_id=user.id, saved_assessment_id=assessment.id))
    db.session.commit()
    assert mine.id and report.id
    return user, learner_peer


def _rows_pointing_at(user_id):
    counts = {}
    for table, column in USER_REFERENCES:
        t = db.metadata.tables[table]
        counts[(table, column)] = db.session.scalar(sa.select(sa.func.count()).select_from(t).where(t.c[column] == user_id))
    return counts


def test_deleting_an_account_leaves_no_row_pointing_at_it(busy_user):
    user, peer = busy_user
    before = _rows_pointing_at(user.id)
    assert all(before.values()), f"the fixture misses some tables: {[k for k, v in before.items() if not v]}"
    user_id = user.id
    progress.delete_account(user)
    assert db.session.get(User, user_id) is None
    assert _rows_pointing_at(user_id) == {key: 0 for key in USER_REFERENCES}
    # what others own stays: the peer's report (its resolver forgotten), the shared item (its author forgotten)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemReport).where(ItemReport.user_id == peer.id)) == 1
    assert db.session.get(User, peer.id) is not None
