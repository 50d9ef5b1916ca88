"""The audit log: every audited action writes exactly one entry (actor, target, cohort, details) in
its own transaction, a failed action writes none, and an instructor reads only the entries about
their cohorts, their items and their own actions."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import AuditEvent, User
from study.services import Forbidden, ServiceError, assignments, audit, authoring, cohorts, progress, regrades, reports, users
from study.services import attempts as attempt_service
from study.services.transactions import transaction
from tests.factories import PASSWORD, make_cohort, make_user
from tests.services.test_authoring import mcq_data
from tests.services.test_reports import _correct_key_of_001, _practice_answer

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _last_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def _events_after(last: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id)))


def _one_event(action, *args, **kwargs) -> tuple[object, AuditEvent]:
    """Run `action`; it must write exactly one entry, which is returned with its result."""
    last = _last_id()
    result = action(*args, **kwargs)
    events = _events_after(last)
    assert len(events) == 1, [e.action for e in events]
    return result, events[0]


def _no_event(action, *args, **kwargs) -> None:
    last = _last_id()
    try:
        action(*args, **kwargs)
    finally:
        assert _events_after(last) == []


def _is(event: AuditEvent, action: str, actor: User | None, target_type: str, target_id: int | None, label: str) -> None:
    assert (event.action, event.actor_id, event.target_type, event.target_id, event.target_label) == (
        action, actor.id if actor else None, target_type, target_id, label,
    )
    assert event.actor_label == (actor.email if actor else audit.COMMAND_LINE)
    assert event.at.tzinfo is not None


# ------------------------------------------------------------------ accounts
def test_a_role_change_is_recorded_with_before_and_after(app):
    admin, user = make_user("admin"), make_user()
    _, event = _one_event(users.set_role, admin, user.id, "instructor")
    _is(event, "user.role_changed", admin, "user", user.id, user.email)
    assert event.details == {"before": "learner", "after": "instructor"} and event.cohort_id is None
    assert user.role == "instructor"  # the caller's object says what was saved
    _no_event(users.set_role, admin, user.id, "instructor")  # no change, no entry
    with pytest.raises(ServiceError):
        _no_event(users.set_role, admin, admin.id, "learner")  # refused: no entry


def _changed_by_another_request(user: User, role: str) -> None:
    """Another request (another tab, a double click) changes the role after this one has read it."""
    assert user.role == "learner"  # read in this session
    with db.engine.begin() as conn:
        conn.execute(sa.update(User).where(User.id == user.id).values(role=role))


def test_a_role_change_that_another_request_already_made_is_not_recorded_twice(app):
    admin, user = make_user("admin"), make_user()
    _changed_by_another_request(user, "instructor")
    _no_event(users.set_role, admin, user.id, "instructor")
    assert user.role == "instructor"


def test_a_role_change_made_on_a_role_another_request_has_changed_meanwhile_is_refused(app):
    admin, user = make_user("admin"), make_user()
    _changed_by_another_request(user, "instructor")
    with pytest.raises(ServiceError, match="changed meanwhile"):
        _no_event(users.set_role, admin, user.id, "admin")
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "instructor"


def test_a_role_change_from_the_command_line_is_recorded_with_no_account(app, runner):
    user = make_user()
    last = _last_id()
    result = runner.invoke(args=["users", "set-role", "--email", user.email, "--role", "admin"])
    assert result.exit_code == 0, result.output
    [event] = _events_after(last)
    _is(event, "user.role_changed", None, "user", user.id, user.email)
    assert db.session.get(User, user.id).role == "admin"


def test_an_instructors_account_deletion_is_recorded_and_the_entry_outlives_the_account(app):
    teacher = make_user("instructor")
    make_cohort(teacher, name="Evening class")
    teacher_id, email = teacher.id, teacher.email
    _, event = _one_event(users.delete_account, teacher, PASSWORD)
    db.session.expire_all()
    assert db.session.get(User, teacher_id) is None
    event = db.session.get(AuditEvent, event.id)
    assert (event.action, event.actor_id, event.actor_label, event.target_id, event.target_label) == (
        "user.deleted", None, email, teacher_id, email,
    )
    assert event.details == {"role": "instructor", "cohorts_deleted": ["Evening class"]}


def test_a_learner_closing_their_own_account_is_not_audited(app):
    learner = make_user()
    _no_event(users.delete_account, learner, PASSWORD)


def test_a_learner_closing_their_account_leaves_no_e_mail_in_entries_about_them(app):
    teacher, learner = make_user("instructor"), make_user()
    cohort = make_cohort(teacher, [learner])
    _, event = _one_event(cohorts.set_extra_time, teacher, cohort.id, learner.id, 1.5)
    users.delete_account(learner, PASSWORD)
    db.session.expire_all()
    event = db.session.get(AuditEvent, event.id)
    assert (event.action, event.actor_label, event.target_label) == ("cohort.accommodation_set", teacher.email, audit.DELETED_ACCOUNT)
    assert learner.email not in json.dumps(event.details)


def test_a_failing_action_leaves_no_entry(app, monkeypatch):
    """The entry is written in the action's transaction: when the action fails after it, both go."""
    teacher = make_user("instructor")

    def broken(user):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(progress, "delete_account", broken)
    with pytest.raises(RuntimeError):
        _no_event(users.delete_account, teacher, PASSWORD)
    assert db.session.get(User, teacher.id) is not None
    with pytest.raises(RuntimeError), transaction():
        audit.record(teacher, "cohort.created", None)
        raise RuntimeError("rolled back")
    assert _events_after(0) == []


def test_record_joins_a_transaction_and_knows_its_actions(app):
    teacher = make_user("instructor")
    with pytest.raises(RuntimeError, match="inside transaction"):
        audit.record(teacher, "cohort.created", None)
    with pytest.raises(ValueError, match="unknown audit action"), transaction():
        audit.record(teacher, "cohort.painted", None)
    assert _events_after(0) == []


# ------------------------------------------------------------------ cohorts and assignments
def test_creating_a_cohort_and_an_assignment_is_recorded_in_the_cohort(learning_bank):
    teacher = make_user("instructor")
    cohort, event = _one_event(cohorts.create_cohort, teacher, "Evening CPC", None)
    _is(event, "cohort.created", teacher, "cohort", cohort.id, "Evening CPC")
    assert event.cohort_id == cohort.id
    spec = assignments.AssignmentSpec(kind="exam", title="Mock", opens_at=T0, due_at=T0 + timedelta(days=1), exam="CPC")
    assignment, event = _one_event(assignments.create_assignment, teacher, cohort.id, spec)
    _is(event, "assignment.created", teacher, "assignment", assignment.id, "Mock")
    assert event.cohort_id == cohort.id
    due = (T0 + timedelta(days=1)).isoformat()
    assert event.details == {"kind": "exam", "opens_at": T0.isoformat(), "due_at": due, "cohort": "Evening CPC"}


def test_extra_time_is_recorded_against_the_learner_in_the_cohort(app):
    teacher, learner = make_user("instructor"), make_user()
    cohort = make_cohort(teacher, [learner])
    _, event = _one_event(cohorts.set_extra_time, teacher, cohort.id, learner.id, 1.5)
    _is(event, "cohort.accommodation_set", teacher, "user", learner.id, learner.email)
    assert event.cohort_id == cohort.id
    assert event.details == {"before": 1.0, "after": 1.5, "cohort": cohort.name}
    _no_event(cohorts.set_extra_time, teacher, cohort.id, learner.id, 1.5)  # unchanged
    with pytest.raises(Forbidden):
        _no_event(cohorts.set_extra_time, make_user("instructor"), cohort.id, learner.id, 2.0)


# ------------------------------------------------------------------ items
def test_authoring_records_creation_edits_of_the_key_and_each_status_change(learning_bank):
    author = make_user("instructor")
    item, event = _one_event(authoring.create_item, author, "mcq", mcq_data())
    _is(event, "item.created", author, "item", item.id, "web-mcq-001")
    assert event.details == {"status": "draft", "key": "A"}
    rekeyed = mcq_data(answer=["B"], why_not_B="", why_not_A="E11.9 is wrong here.")
    _, event = _one_event(authoring.update_item, author, item.id, rekeyed)
    assert event.action == "item.edited"
    assert event.details == {"new_version": True, "version": {"before": 1, "after": 2}, "key": {"before": "A", "after": "B"}}
    _, event = _one_event(authoring.update_item, author, item.id, {**rekeyed, "tags": "x"})
    assert event.details == {"new_version": False}  # metadata only: no new version, same key
    for change, action, before, after in [
        (authoring.publish_item, "item.published", "draft", "published"),
        (authoring.retire_item, "item.retired", "published", "retired"),
        (authoring.to_draft, "item.drafted", "retired", "draft"),
    ]:
        _, event = _one_event(change, author, item.id)
        _is(event, action, author, "item", item.id, "web-mcq-001")
        assert event.details == {"before": before, "after": after}
    with pytest.raises(Forbidden):
        _no_event(authoring.publish_item, make_user("instructor"), item.id)


def test_a_regrade_is_recorded_with_its_mode_reason_and_count(learning_bank):
    inst, learner = make_user("instructor"), make_user()
    _practice_answer(learner, "learn-icd-001", "B")
    _correct_key_of_001(learning_bank)
    (_, log), event = _one_event(regrades.regrade, inst, "learn-icd-001", "new-key", T0, "The key was wrong")
    _is(event, "item.regraded", inst, "item", log.item_id, "learn-icd-001")
    assert event.details == {
        "mode": "new-key", "to_version": 2, "responses_changed": 1, "reason": "The key was wrong", "regrade_log_id": log.id,
    }
    _no_event(regrades.regrade, inst, "learn-icd-001", "new-key", T0)  # nothing left to change


def test_resolving_a_report_is_recorded_on_the_item(learning_bank):
    inst, learner = make_user("instructor"), make_user()
    report = attempt_service.report_problem(learner, "learn-icd-001", "typo", "a typo")
    _, event = _one_event(reports.resolve_report, inst, report.id, "fixed", "Thanks, fixed.", T0)
    _is(event, "report.resolved", inst, "item", report.item_id, "learn-icd-001")
    assert event.details == {"report_id": report.id, "status": "fixed"}
    with pytest.raises(ServiceError):
        _no_event(reports.resolve_report, inst, report.id, "fixed", "again", T0)  # already resolved


# ------------------------------------------------------------------ reading: scope, filters, pages
def _actions(viewer, everything=False) -> list[tuple[str, str]]:
    return [(e.action, e.target_label) for e in audit.search(viewer, everything=everything).items]


def test_an_instructor_reads_their_cohorts_items_and_actions_and_nobody_elses(learning_bank):
    ann, bob, admin, learner = make_user("instructor"), make_user("instructor"), make_user("admin"), make_user()
    ann_cohort = cohorts.create_cohort(ann, "Ann's class", None)
    bob_cohort = cohorts.create_cohort(bob, "Bob's class", None)
    cohorts.join_cohort(learner, ann_cohort.join_code)
    cohorts.join_cohort(learner, bob_cohort.join_code)
    cohorts.set_extra_time(bob, bob_cohort.id, learner.id, 2.0)
    cohorts.set_extra_time(admin, ann_cohort.id, learner.id, 1.5)  # an admin acting in Ann's cohort
    ann_item = authoring.create_item(ann, "mcq", mcq_data())
    authoring.publish_item(admin, ann_item.id)  # an admin acting on Ann's item
    bob_item = authoring.create_item(bob, "mcq", mcq_data(item_id="web-mcq-002"))
    users.set_role(admin, learner.id, "instructor")
    assert _actions(ann) == [
        ("item.published", "web-mcq-001"),
        ("item.created", "web-mcq-001"),
        ("cohort.accommodation_set", learner.email),
        ("cohort.created", "Ann's class"),
    ]
    assert ("item.created", bob_item.key) in _actions(bob) and ("cohort.created", "Ann's class") not in _actions(bob)
    everything = _actions(admin, everything=True)
    assert len(everything) == 9 and everything[-1][0] == "bank.imported"  # the learning bank's import came first
    with pytest.raises(Forbidden):
        audit.search(ann, everything=True)


def test_filters_by_action_actor_and_utc_days_and_pages_newest_first(app):
    admin, other = make_user("admin", email="boss@example.org"), make_user("admin", email="deputy@example.org")
    learners = [make_user() for _ in range(3)]
    for n, learner in enumerate(learners):
        with transaction():
            audit.record(admin if n else other, "user.role_changed", learner, at=T0 + timedelta(days=n))
    with transaction():
        audit.record(admin, "cohort.created", None, at=T0 + timedelta(days=1, hours=14))  # 23:00 UTC, still day 2
    everything = dict(everything=True)
    assert [e.target_label for e in audit.search(admin, audit.Filters(action="user.role_changed"), **everything).items] == [
        learners[2].email, learners[1].email, learners[0].email,
    ]
    assert [e.actor_label for e in audit.search(admin, audit.Filters(actor="DEPUTY"), **everything).items] == ["deputy@example.org"]
    assert audit.search(admin, audit.Filters(actor="%"), **everything).total == 0  # the pattern is literal
    day2 = (T0 + timedelta(days=1)).date()
    assert [e.action for e in audit.search(admin, audit.Filters(since=day2, until=day2), **everything).items] == [
        "cohort.created", "user.role_changed",
    ]
    assert audit.search(admin, audit.Filters(since=date(2030, 1, 1)), **everything).total == 0
    assert audit.search(admin, audit.Filters(since=date.min, until=date.max), **everything).total == 4  # the ends: no bound
    assert audit.search(admin, audit.Filters(action="no.such"), **everything).total == 4  # unknown: no filter
    first, second = (audit.search(admin, everything=True, page=p, per_page=3) for p in (1, 2))
    assert (first.total, len(first.items), len(second.items), first.has_next, second.has_next) == (4, 3, 1, True, False)
    assert first.items[0].at > first.items[-1].at > second.items[0].at


def test_the_csv_holds_the_same_entries_with_formulas_defused(app):
    admin, teacher = make_user("admin"), make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "=HYPERLINK(\"http://x\")", None)
    users.set_role(admin, make_user().id, "instructor")
    rows = list(csv.reader(io.StringIO(audit.export_csv(admin, everything=True))))
    assert rows[0] == audit.CSV_HEADER and [r[2] for r in rows[1:]] == ["user.role_changed", "cohort.created"]
    assert rows[2][5] == "'=HYPERLINK(\"http://x\")" and rows[2][6] == "'=HYPERLINK(\"http://x\")"
    assert json.loads(rows[1][7]) == {"before": "learner", "after": "instructor"}
    mine = list(csv.reader(io.StringIO(audit.export_csv(teacher))))
    assert [(r[2], int(r[4])) for r in mine[1:]] == [("cohort.created", cohort.id)]
    with pytest.raises(Forbidden):
        audit.export_csv(teacher, everything=True)


# ------------------------------------------------------------------ the command line
def test_an_instructor_or_admin_account_made_on_the_server_is_logged_a_sign_up_is_not(app):
    """`flask users create --role admin` left no trace: who made the admin was unknown."""
    admin, event = _one_event(users.create_user, "new-admin@example.org", PASSWORD, role="admin")
    _is(event, "user.created", None, "user", admin.id, "new-admin@example.org")
    assert event.details == {"role": "admin"}
    _no_event(users.create_user, "learner-signs-up@example.org", PASSWORD)


def test_a_bank_import_that_changes_items_is_logged_an_unchanged_one_is_not(mini):
    from study.services import bank

    summary, event = _one_event(bank.import_bank, mini)
    _is(event, "bank.imported", None, "", None, "")
    assert event.details["created"] == summary.created > 0
    _no_event(bank.import_bank, mini)  # unchanged files: skipped
    _no_event(bank.import_bank, mini, force=True)  # read again, nothing changed
