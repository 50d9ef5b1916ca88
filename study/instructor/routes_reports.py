"""Instructor routes: reports (see study/instructor/__init__.py)."""
from study.instructor import bp  # noqa: F401
