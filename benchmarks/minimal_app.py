"""The baseline exam_day.py measures the app against, in the same run and on the same server:
Flask + Flask-SQLAlchemy + Jinja, one SELECT of one row (the CPC blueprint, which `flask setup`
loads) rendered through a small template; no sessions, CSRF, limiter or sign-in.

Served as `benchmarks.minimal_app:app` from the project's root, with DATABASE_URL set like the
app's. Run directly (as `make benchmarks` does), it only says so: it is not a benchmark itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study.config import normalize_database_url  # noqa: E402  (the app's own URL spelling rules)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ row.title }}</title></head>
<body><main><h1>{{ row.exam }}</h1><p>{{ row.title }}: {{ row.minutes }} minutes.</p></main></body></html>
"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Blueprint(db.Model):  # type: ignore[name-defined]  # the app's `blueprint` table, two columns read
    __tablename__ = "blueprint"
    exam: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(os.environ.get("DATABASE_URL", "sqlite://"))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}  # as the app's
    app.jinja_loader = DictLoader({"page.html": PAGE})
    db.init_app(app)

    @app.get("/")
    def page():
        return render_template("page.html", row=db.session.get(Blueprint, "CPC"))

    return app


app = create_app()

if __name__ == "__main__":
    print("minimal_app: the baseline page exam_day.py serves next to the app; nothing to measure on its own")
