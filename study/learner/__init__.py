from flask import Blueprint

bp = Blueprint("learner", __name__)

from study.learner import routes  # noqa: E402,F401
