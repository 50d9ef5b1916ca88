"""The report page's last step (regrades.regrade_and_resolve): regrade and resolve in one
transaction, both or neither, once under concurrency; and the bank figures' refresh under
concurrency (one set of rows, no error)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import ItemReport, ItemStat, RegradeLog, Response, User
from study.services import Conflict, ServiceError, authoring, bank_stats, practice, regrades
from study.services import attempts as attempt_service
from tests.factories import item_by_key, make_attempt, make_user
from tests.services.test_cohorts import race
from tests.services.test_item_analysis_signals import plant_miskeyed_mcq

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def reported_wrong_answer():
    """A learner answered learn-icd-002 with C (keyed B) and reported it; the key is then fixed to C."""
    learner, instructor = make_user(), make_user("instructor")
    item = item_by_key("learn-icd-002")
    attempt = make_attempt(learner, [item], exam="CPC")
    shown = attempt_service.to_shown(attempt.items[0], attempt_service.version_item(attempt.items[0]), ["C"])
    practice.answer(learner, attempt.id, 1, shown, 10.0, NOW)
    report = attempt_service.report_problem(learner, item.key, "wrong-key", "C", attempt_item_id=attempt.items[0].id)
    data = authoring.form_data(item)
    data.update({"answer": ["C"], "why_not_C": "", "why_not_B": "B is not it."})
    authoring.update_item(instructor, item.id, data)
    return instructor, report


def test_regrades_and_resolves_together(learning_bank):
    instructor, report = reported_wrong_answer()
    plan, log = regrades.regrade_and_resolve(instructor, report.id, "new-key", NOW, "Key fixed.", "Thanks: fixed.")
    assert log is not None and log.responses_changed == 1
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).status == "fixed"
    assert db.session.scalar(sa.select(Response.correct)) is True


def test_nothing_is_regraded_when_the_report_cannot_be_resolved(learning_bank):
    instructor, report = reported_wrong_answer()
    with pytest.raises(ServiceError, match="Write a few words"):
        regrades.regrade_and_resolve(instructor, report.id, "new-key", NOW, "Key fixed.", "   ")
    db.session.expire_all()
    assert db.session.scalar(sa.select(Response.correct)) is False  # the regrade was rolled back with it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 0


def test_two_instructors_at_once_regrade_and_resolve_once(app, learning_bank):
    instructor, report = reported_wrong_answer()
    other = make_user("instructor")
    ids, report_id = iter([instructor.id, other.id]), report.id

    def fix():
        user = db.session.get(User, next(ids))
        try:
            regrades.regrade_and_resolve(user, report_id, "new-key", NOW, "Key fixed.", f"Fixed by {user.id}.")
        except Conflict:
            return "conflict"
        return "resolved"

    results, errors = race(app, 2, fix)
    assert errors == [] and sorted(results) == ["conflict", "resolved"]
    db.session.expire_all()
    assert db.session.get(ItemReport, report_id).status == "fixed"
    assert db.session.scalar(sa.select(Response.correct)) is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 1


def test_simultaneous_refreshes_leave_one_set_of_figures(app, learning_bank):
    plant_miskeyed_mcq(make_user("instructor"))
    results, errors = race(app, 2, lambda: bank_stats.refresh(NOW, 20) is not None)
    assert errors == [] and True in results
    db.session.expire_all()
    stats = db.session.scalars(sa.select(ItemStat)).all()
    assert len(stats) == 4 and sum(s.wrong_key for s in stats) == 1
