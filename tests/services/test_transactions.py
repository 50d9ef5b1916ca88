"""The one-transaction rule of the services: transaction() is the only place that commits, a
service built from others is one transaction, read paths commit nothing, and the unique-constraint
races still end in a friendly answer."""

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, Attempt, User
from study.services import ServiceError, assignments, bank, cohorts, progress, users
from study.services.transactions import transaction
from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.services.test_cohorts import race

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
SERVICES = Path(__file__).resolve().parents[2] / "study" / "services"


@pytest.fixture
def commits(app):
    """The commits of the test's session, from the moment the fixture is asked for."""
    seen: list[int] = []

    def count(session):
        seen.append(1)

    session = db.session()
    sa.event.listen(session, "after_commit", count)
    yield seen
    sa.event.remove(session, "after_commit", count)


def test_only_transaction_commits_and_only_the_race_helpers_roll_back():
    """No service writes commit() or rollback() itself; attempts.py keeps its three deliberate
    rollbacks (hold_open, close_attempt, insert_attempt: read what the winner of a race committed)."""
    found = {}
    for path in sorted(SERVICES.glob("*.py")):
        if path.name == "transactions.py":
            continue
        text = path.read_text(encoding="utf-8")
        calls = re.findall(r"\.(commit|rollback)\(\)", text)
        if calls:
            found[path.name] = calls
    assert found == {"attempts.py": ["rollback", "rollback", "rollback"]}


def _exam_assignment(tmp_path) -> tuple[User, Assignment]:
    """A learner of a cohort with a CPC exam assignment open from T0 (the learning bank imported)."""
    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    teacher, learner = make_user("instructor"), make_user()
    cohort = cohorts.create_cohort(teacher, "Transactions", "CPC")
    cohorts.join_cohort(learner, cohort.join_code)
    spec = assignments.AssignmentSpec(kind="exam", title="Mock", opens_at=T0, due_at=T0 + timedelta(days=1), exam="CPC")
    return learner, assignments.create_assignment(teacher, cohort.id, spec)


def test_an_assignment_start_nests_in_an_enclosing_transaction(tmp_path, commits):
    learner, assignment = _exam_assignment(tmp_path)
    commits.clear()
    with pytest.raises(ServiceError):
        with transaction():
            attempt = assignments.start_assignment(learner, assignment.id, T0)
            assert attempt.items and commits == []  # the exam service's own transaction only flushed
            raise ServiceError("refused after the start")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
    started = assignments.start_assignment(learner, assignment.id, T0)
    assert commits == [1]  # alone it is one transaction
    db.session.rollback()
    assert db.session.get(Attempt, started.id).open_key == f"assignment:{assignment.id}"


def test_read_paths_commit_nothing(tmp_path, commits):
    learner, assignment = _exam_assignment(tmp_path)
    assignments.start_assignment(learner, assignment.id, T0)
    commits.clear()
    [row] = assignments.assignments_for(learner, T0 + timedelta(minutes=5))  # the exam still running
    assert row.state == "open"
    progress.dashboard(learner, "CPC", T0 + timedelta(minutes=5))
    assert commits == []


def test_simultaneous_sign_ups_with_one_address_make_one_account(app):
    def sign_up():
        try:
            return users.create_user("same@example.org", "a long enough password").id
        except users.EmailTaken:
            return "taken"

    results, errors = race(app, 6, sign_up)
    assert errors == []
    db.session.expire_all()
    [account] = db.session.scalars(sa.select(User).where(User.email == "same@example.org")).all()
    assert sorted(results, key=str) == sorted([account.id] + ["taken"] * 5, key=str)


def test_a_taken_address_leaves_the_enclosing_transaction_usable(app, monkeypatch):
    make_user(email="taken@example.org")
    learner = make_user()
    monkeypatch.setattr(users, "find_by_email", lambda email: None)  # the check ran before the other sign-up committed
    with transaction():
        learner.display_name = "Still writable"
        with pytest.raises(users.EmailTaken):
            users.create_user("taken@example.org", "a long enough password")
    db.session.expire_all()
    assert db.session.get(User, learner.id).display_name == "Still writable"
