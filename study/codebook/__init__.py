from flask import Blueprint

bp = Blueprint("codebook", __name__)

from study.codebook import routes  # noqa: E402,F401
