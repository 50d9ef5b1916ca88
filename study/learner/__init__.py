"""The learner's pages: practice sets, coding cases, exam simulations, progress, account, cohorts
and problem reports; one routes module per part, all on the blueprint `learner`."""

from datetime import datetime, timezone

from flask import Blueprint

bp = Blueprint("learner", __name__)


def now() -> datetime:
    """The time the learner views hand to the services (which take the time as an argument)."""
    return datetime.now(timezone.utc)


from study.learner import (  # noqa: E402,F401
    routes_account,
    routes_cases,
    routes_cohorts,
    routes_exams,
    routes_practice,
    routes_progress,
    routes_reports,  # noqa: E402,F401
)
