"""Cohorts and their members: an instructor's cohorts, join codes, membership and the per-cohort
extra time (an accommodation for the cohort's timed exams).

An instructor sees and changes only their own cohorts (admins see all); every function that takes
an id checks that here (`get_cohort`). What a cohort is assigned is in `assignments`, the
instructor's view of the results in `cohort_results`."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from study.extensions import db
from study.models import Cohort, CohortMember, ExamBlueprint, User
from study.services import Forbidden, NotFound, ServiceError, audit
from study.services.transactions import transaction

# no look-alikes: 0/O, 1/I/L are left out
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MIN_EXTRA_TIME, MAX_EXTRA_TIME = 1.0, 3.0


class FieldError(ServiceError):
    """A bad value for one form field: the view shows `message` next to `field`."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


def normalize_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def list_cohorts(user: User) -> list[Cohort]:
    stmt = sa.select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if not user.is_admin:
        stmt = stmt.where(Cohort.owner_id == user.id)
    return list(db.session.scalars(stmt))


def check_exam(exam: str | None) -> str | None:
    """The exam a form names (None when blank), or FieldError when it has no blueprint."""
    exam = (exam or "").strip() or None
    if exam and db.session.get(ExamBlueprint, exam) is None:
        raise FieldError("exam", f"There is no blueprint for {exam}.")
    return exam


def create_cohort(owner: User, name: str, exam: str | None) -> Cohort:
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Give the cohort a name.")
    cohort = Cohort(name=name[:120], owner_id=owner.id, exam=check_exam(exam), join_code=new_join_code())
    with transaction():
        db.session.add(cohort)
        audit.record(owner, "cohort.created", cohort, cohort=cohort, details={"exam": cohort.exam})
    return cohort


def get_cohort(user: User, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("No such cohort.")
    if cohort.owner_id != user.id and not user.is_admin:
        raise Forbidden("This cohort belongs to another instructor.")
    return cohort


def members(cohort: Cohort) -> list[User]:
    users = db.session.scalars(
        sa.select(User).join(CohortMember, CohortMember.user_id == User.id).where(CohortMember.cohort_id == cohort.id)
    ).all()
    return sorted(users, key=lambda u: (u.name.lower(), u.id))


def find_by_code(code: str) -> Cohort | None:
    """The cohort a join code (typed or from a join link, in any case and spacing) names, if any."""
    code = normalize_code(code)
    return db.session.scalar(sa.select(Cohort).where(Cohort.join_code == code)) if code else None


def join_cohort(user: User, code: str, share_progress: bool = False) -> Cohort:
    """Join the cohort with this code. `share_progress` is the learner's answer to the join form's
    question (may the instructor also see their general progress?); joining again changes nothing,
    the consent included (it is changed with `set_sharing`)."""
    cohort = find_by_code(code)
    if cohort is None:
        raise FieldError("code", "No cohort has this join code. Check it with your instructor.")
    if db.session.get(CohortMember, (cohort.id, user.id)) is None:
        with transaction():
            try:
                with db.session.begin_nested():
                    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, share_progress=bool(share_progress)))
            except IntegrityError:
                pass  # a simultaneous request of the same learner joined first: one membership either way
    return cohort


def learner_memberships(user: User) -> list[tuple[Cohort, CohortMember]]:
    """The learner's cohorts with their membership (the consent to share), by cohort name."""
    rows = db.session.execute(
        sa.select(Cohort, CohortMember)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
        .order_by(Cohort.name, Cohort.id)
    ).all()
    return [(cohort, member) for cohort, member in rows]


def set_sharing(user: User, cohort_id: int, share: bool) -> CohortMember:
    """The learner changes their consent: may this cohort's instructor see their general progress
    and every attempt (True), or only their attempts at this cohort's assignments (False)? A cohort
    the learner is not in is NotFound (its existence is not told)."""
    member = db.session.get(CohortMember, (cohort_id, user.id))
    if member is None:
        raise NotFound("You are not in this cohort.")
    with transaction():
        db.session.execute(
            sa.update(CohortMember)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id)
            .values(share_progress=bool(share))
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(member)
    return member


def learner_cohorts(user: User) -> list[Cohort]:
    return list(
        db.session.scalars(
            sa.select(Cohort).join(CohortMember).where(CohortMember.user_id == user.id).order_by(Cohort.name)
        )
    )


def set_extra_time(actor: User, cohort_id: int, user_id: int, multiplier: float | None) -> CohortMember:
    """The accommodation in this cohort: its exams' time x multiplier (1.0 to 3.0). It applies to
    this cohort's assignments only, never to the learner's other cohorts or own practice."""
    cohort = get_cohort(actor, cohort_id)
    member = db.session.get(CohortMember, (cohort.id, user_id))
    if member is None:
        raise NotFound("This learner is not in the cohort.")
    if multiplier is None or not (MIN_EXTRA_TIME <= float(multiplier) <= MAX_EXTRA_TIME):
        raise FieldError("multiplier", f"Extra time must be between {MIN_EXTRA_TIME} and {MAX_EXTRA_TIME}.")
    before, after = member.extra_time_multiplier, round(float(multiplier), 2)
    if before == after:
        return member
    with transaction():
        member.extra_time_multiplier = after
        learner = db.session.get(User, user_id)
        audit.record(actor, "cohort.accommodation_set", learner, cohort=cohort, details={"before": before, "after": after})
    return member


def extra_time(cohort_id: int, user_id: int) -> float:
    member = db.session.get(CohortMember, (cohort_id, user_id))
    return member.extra_time_multiplier if member is not None else 1.0
