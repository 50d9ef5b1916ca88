from flask import Blueprint

bp = Blueprint("codebook", __name__)

from study.codebook import routes, routes_pcs  # noqa: E402,F401
