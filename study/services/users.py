"""Accounts: sign-up, authentication, password and role changes."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from study import mail, zones
from study.extensions import db
from study.models import Cohort, Role, User
from study.models.base import utcnow
from study.services import Conflict, NotFound, ServiceError, audit, user_sessions
from study.services.cohorts import FieldError
from study.services.transactions import changed_rows, transaction

MIN_PASSWORD_LENGTH = 10
# scrypt (werkzeug's default): memory-hard, no extra dependency
_HASH_METHOD = "scrypt"
# a hash to check against when the e-mail is unknown, so timing does not reveal accounts
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=_HASH_METHOD)


class EmailTaken(Conflict):
    """Sign-up with an address that has an account (views must not reveal this to the visitor)."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 256:
        return "Use at most 256 characters."
    if password.strip() == "" or len(set(password)) < 4:
        return "Choose a less predictable password."
    return None


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str, password: str, *, role: Role | str = Role.LEARNER, display_name: str = "", actor: User | None = None
) -> User:
    """A new account. An instructor or admin account is audited (`actor` None: `flask users create`);
    learners' own sign-ups are not."""
    role = Role(role)
    email = normalize_email(email)
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem)
    if find_by_email(email) is not None:
        raise EmailTaken("An account with this e-mail address already exists.")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password, method=_HASH_METHOD),
        role=role.value,
    )
    try:
        # a savepoint: a caller's enclosing transaction stays usable when the address is taken
        with transaction(), db.session.begin_nested():
            db.session.add(user)
            if role != Role.LEARNER:
                audit.record(actor, "user.created", user, details={"role": role.value})
    except IntegrityError:  # the same address signed up at the same moment
        raise EmailTaken("An account with this e-mail address already exists.") from None
    return user


def notify_signup_attempt(email: str) -> None:
    """Tell the owner of an existing account that someone tried to sign up with their address."""
    mail.send(
        normalize_email(email),
        "Someone tried to create a CodePrep account with your address",
        "An account already uses this e-mail address, so no new account was made. If this was you, "
        "sign in, or change your password if you have forgotten it. If it was not you, you can ignore this message.",
    )


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    with transaction():
        user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise ServiceError("The current password is not right.")
    problem = password_problem(new)
    if problem:
        raise ServiceError(problem)
    with transaction():
        user.password_hash = generate_password_hash(new, method=_HASH_METHOD)
        # every other browser signed in to this account is signed out; this one gets a new session
        user_sessions.close_all(user)
        user_sessions.open_session(user)


def set_time_zone(user: User, name: str) -> User:
    """The IANA time zone `user`'s dates are shown and entered in (ServiceError for an unknown one)."""
    name = (name or "").strip()
    if not zones.is_zone(name):
        raise ServiceError("Choose a time zone from the list, for example America/New_York or UTC.")
    if user.time_zone != name:
        with transaction():
            user.time_zone = name
    return user


GOAL_HORIZON_DAYS = 730  # an exam date at most two years ahead


def set_goal(user: User, exam: str | None, exam_date: date | None, today: date, exams: Collection[str]) -> User:
    """The exam the learner prepares for and its date, both optional (FieldError naming the field:
    an exam without a blueprint, a date in the past or more than two years ahead)."""
    exam = exam or None
    if exam is not None and exam not in exams:
        raise FieldError("exam", "Choose one of the exams in the list.")
    if exam_date is not None and not today <= exam_date <= today + timedelta(days=GOAL_HORIZON_DAYS):
        latest = today + timedelta(days=GOAL_HORIZON_DAYS)
        raise FieldError("exam_date", f"Give a date from today to {latest:%Y-%m-%d}, as YYYY-MM-DD.")
    with transaction():
        user.target_exam, user.exam_date = exam, exam_date
    return user


def set_role(actor: User | None, user_id: int, role: Role | str) -> User:
    """Change an account's role (audited). `actor` None: `flask users set-role` on the server."""
    role = Role(role)
    user = get_user(user_id)
    if user is None:
        raise NotFound("No such user.")
    if actor is not None and user.id == actor.id and role != Role.ADMIN:
        raise ServiceError("You cannot remove your own admin role; ask another admin.")
    before = user.role
    if before == role.value:
        return user
    with transaction():
        change = sa.update(User).where(User.id == user.id, User.role == before)
        if before == Role.ADMIN.value:
            # the site keeps an admin: two admins demoting each other at once must not both succeed.
            # PostgreSQL: lock the admins' rows (in id order) so the second demotion waits and then
            # counts again; SQLite runs one write at a time, and the condition below is in the UPDATE.
            db.session.execute(sa.select(User.id).where(User.role == Role.ADMIN.value).order_by(User.id).with_for_update())
            other_admin = sa.select(User.id).where(User.role == Role.ADMIN.value, User.id != user.id).exists()
            change = change.where(other_admin)
        # compare-and-set: of two requests that read the same role (a double click, two tabs), one
        # changes it and records it; the other changes nothing and records nothing
        if not changed_rows(change.values(role=role.value)):
            db.session.refresh(user)
            if user.role == role.value:
                return user
            if user.role == before:
                raise ServiceError(f"{user.email} is the last admin: make another account an admin first.")
            raise Conflict(f"{user.email}'s role was changed meanwhile (it is now {user.role}): nothing was changed.")
        audit.record(actor, "user.role_changed", user, details={"before": before, "after": role.value})
    return user


def list_users(page: int = 1, per_page: int = 50, query: str = ""):
    stmt = sa.select(User).order_by(User.email)
    if query:
        stmt = stmt.where(User.email.contains(normalize_email(query)))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def load_session_user(token: str) -> User | None:
    """Flask-Login's loader: the cookie holds a server-side session's token (see user_sessions)."""
    return user_sessions.load(token)


# ------------------------------------------------------------------ closing one's own account
def delete_account(user: User, password: str) -> None:
    """Delete the account and all its data (see progress.delete_account), once its password is
    given; a wrong password is refused (ServiceError) and nothing is deleted."""
    from study.services import progress

    if not check_password_hash(user.password_hash, password):
        raise ServiceError("The password is not right: nothing was deleted.")
    with transaction():
        if user.role != Role.LEARNER.value:
            # an instructor's or admin's account takes their cohorts with it: the log keeps a trace
            # (a learner closing their own account is not audited)
            owned = db.session.scalars(sa.select(Cohort.name).where(Cohort.owner_id == user.id).order_by(Cohort.name)).all()
            audit.record(user, "user.deleted", user, details={"role": user.role, "cohorts_deleted": list(owned)})
        else:
            audit.forget_learner(user)
        progress.delete_account(user)
