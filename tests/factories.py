"""Model factories: build rows with sensible defaults; tests override only what matters to them."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from study.extensions import db
from study.models import Assignment, Attempt, Cohort, CohortMember, Item, ItemExam, ItemVersion, Role, User
from study.services import bank_search

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)  # the default start of attempts and assignments
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # hashed once per session: scrypt is deliberately slow
    return generate_password_hash(PASSWORD, method="scrypt")


def make_user(role: Role | str = Role.LEARNER, email: str | None = None, **fields) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.org",
        password_hash=_password_hash(),
        role=Role(role).value,
        display_name=fields.pop("display_name", f"User {n}"),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def item_by_key(key: str) -> Item:
    return db.session.scalar(sa.select(Item).where(Item.key == key))


def make_cohort(
    owner: User, learners=(), name: str = "Evening class", join_code: str | None = None, joined_at: datetime | None = None, **fields
) -> Cohort:
    """A cohort owned by `owner` with `learners` as members (rows written directly, no service),
    who joined at `joined_at` (by default a month before T0, so attempts at T0 are the cohort's)."""
    cohort = Cohort(name=name, owner_id=owner.id, join_code=join_code or f"JOIN{next(_counter):04d}", **fields)
    db.session.add(cohort)
    db.session.flush()
    for learner in learners:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=learner.id, joined_at=joined_at or T0 - timedelta(days=30)))
    db.session.commit()
    return cohort


def make_assignment(
    cohort: Cohort,
    kind: str = "practice",
    title: str = "Week 1",
    config: dict | None = None,
    opens_at: datetime = T0,
    due_at: datetime | None = None,
    **fields,
) -> Assignment:
    """An assignment row of `cohort` (no service): open from `opens_at`, due a week later by default."""
    assignment = Assignment(
        cohort_id=cohort.id,
        kind=kind,
        title=title,
        config_json=json.dumps(config or {}),
        opens_at=opens_at,
        due_at=due_at or opens_at + timedelta(days=7),
        **fields,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def make_attempt(user: User, items=(), kind: str = "practice", started_at: datetime = T0, config: dict | None = None, **fields) -> Attempt:
    """An open attempt of `user` serving `items` (Items, or (Item, section) pairs) at positions 1..,
    through the attempts service's add_items (so shuffled options and versions are as in real use)."""
    from study.services import attempts as attempt_service

    attempt = Attempt(user_id=user.id, kind=kind, started_at=started_at, config_json=json.dumps(config or {}), **fields)
    db.session.add(attempt)
    db.session.flush()
    if items:
        attempt_service.add_items(attempt, [i if isinstance(i, tuple) else (i, None) for i in items], user)
    db.session.commit()
    return attempt


def make_mcqs(count: int, prefix: str = "bulk-icd") -> list[Item]:
    """`count` published single-answer CPC ICD-10-CM questions (keys `<prefix>-0001`...), written
    straight to the item tables in a few statements (search index included): a bank import validates every file, too slow
    for tests that need a hundred items. Their text is the learning bank's (tests/learning_bank.py)."""
    from tests.learning_bank import QUESTIONS, mcq_source

    texts, stems = [], []
    for n in range(1, count + 1):
        _, stem, options, answer = QUESTIONS[n % len(QUESTIONS)]
        stems.append(f"{stem} (copy {n})")
        texts.append(mcq_source(f"{prefix}-{n:04d}", stems[-1], options, answer))
    # with the bank list's search text and summary (what save_item_version keeps)
    items = [
        Item(key=f"{prefix}-{n:04d}", type="mcq", topic="icd-10-cm", difficulty="easy", search_text=text, summary=stem)
        for n, (text, stem) in enumerate(zip(texts, stems, strict=True), start=1)
    ]
    db.session.add_all(items)
    db.session.flush()
    versions = [
        ItemVersion(item_id=item.id, number=1, content_hash=hashlib.sha256(text.encode()).hexdigest(), source_text=text)
        for item, text in zip(items, texts, strict=True)
    ]
    db.session.add_all(versions + [ItemExam(item_id=item.id, exam="CPC") for item in items])
    db.session.flush()
    for item, version in zip(items, versions, strict=True):
        item.current_version_id = version.id
    bank_search.rebuild_index()
    db.session.commit()
    return items
