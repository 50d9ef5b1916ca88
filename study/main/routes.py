from flask import render_template

from study.main import bp
from study.security import public


@bp.route("/")
@public
def home():
    return render_template("main/home.html")


@bp.route("/healthz")
@public
def healthz():
    return {"status": "ok"}
