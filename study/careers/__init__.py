from flask import Blueprint

bp = Blueprint("careers", __name__, url_prefix="/careers")

from study.careers import routes  # noqa: E402,F401  (registers the views on bp)
