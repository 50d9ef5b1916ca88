"""Instructor tools: authoring, cohorts and assignments, item analysis, problem reports.

Every route here carries @role_required(Role.INSTRUCTOR) (admins pass too) and every object route
checks ownership in its service (an instructor sees only their own cohorts and drafts)."""

from flask import Blueprint

bp = Blueprint("instructor", __name__, url_prefix="/teach")

from study.instructor import (  # noqa: E402,F401
    routes,  # noqa: E402,F401
    routes_analysis,
    routes_bank,
    routes_cohorts,
    routes_items,
    routes_reports,
)
