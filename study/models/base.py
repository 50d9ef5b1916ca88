"""The models' base class and shared column helpers."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, cast

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from study.extensions import db

if TYPE_CHECKING:
    # mypy cannot take a class from an attribute (db.Model); Flask-SQLAlchemy builds db.Model on
    # top of this declarative base, which is all the models' types rely on
    from study.extensions import Base as Model
else:
    Model = db.Model


def table_of(model: type[Model]) -> sa.Table:
    """A model's table, for bulk (Core) statements. Every model here maps one `Table`; the
    declarative base types `__table__` as any FromClause, which has no insert() or delete()."""
    return cast(sa.Table, model.__table__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
