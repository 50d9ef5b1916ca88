from flask import Blueprint

bp = Blueprint("learner", __name__)

from study.learner import routes  # noqa: E402,F401
from study.learner import routes_cohorts  # noqa
from study.learner import routes_reports  # noqa
