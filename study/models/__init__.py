"""Typed SQLAlchemy 2 models. Importing this package registers every table on db.metadata."""
from study.models.users import Role, User

__all__ = ["Role", "User"]
