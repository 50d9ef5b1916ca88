"""Model factories: build rows with sensible defaults; tests override only what matters to them."""
from __future__ import annotations

import itertools
from functools import lru_cache

from werkzeug.security import generate_password_hash

from study.extensions import db
from study.models import Role, User

PASSWORD = "correct horse battery staple"
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
