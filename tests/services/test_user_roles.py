"""Roles: the site always keeps an admin, also when two admins demote each other at the same time."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import User
from study.services import ServiceError, users
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("app")


def _admins() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.role == "admin")) or 0


def test_the_last_admin_cannot_be_demoted_from_the_server_either(app):
    """`flask users set-role` (no actor) demoted the only admin: nobody could manage the site."""
    admin = make_user("admin")
    with pytest.raises(ServiceError, match="last admin"):
        users.set_role(None, admin.id, "learner")
    assert _admins() == 1


def test_an_admin_can_demote_another_while_one_remains(app):
    first, second = make_user("admin"), make_user("admin")
    users.set_role(first, second.id, "instructor")
    assert db.session.get(User, second.id).role == "instructor"
    assert _admins() == 1


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app):
    """Each request checked that another admin existed, then both demoted: no admin was left."""
    ids = [make_user("admin").id, make_user("admin").id]
    for u in db.session.scalars(sa.select(User).where(User.role == "admin", User.id.not_in(ids))):
        u.role = "learner"  # only these two
    db.session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor_id: int, target_id: int) -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, actor_id)
                start.wait()
                users.set_role(actor, target_id, "learner")
                outcomes.append("demoted")
            except ServiceError as exc:
                outcomes.append(str(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=demote, args=pair) for pair in (ids, ids[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _admins() == 1
    assert outcomes.count("demoted") == 1, outcomes
