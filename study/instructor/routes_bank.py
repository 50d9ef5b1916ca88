"""Instructor routes: the whole bank (/teach/bank), searched and filtered, with the stored item
analysis figures (study/services/bank_search.py, bank_stats.py). Thin: read the filters, call the
services, render."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, render_template, request
from flask_login import current_user

from study.forms import page_number
from study.instructor import bp
from study.instructor.forms_bank import ORIGINS, BankFilterForm
from study.instructor.routes_analysis import min_responses
from study.models import Role
from study.security import role_required
from study.services import authoring, bank_search, bank_stats


@bp.route("/bank")
@role_required(Role.INSTRUCTOR)
def bank():
    form = BankFilterForm(request.args)
    form.set_choices(authoring.exam_choices(), authoring.topic_choices(), bank_search.authors())
    valid = form.validate()
    max_age = int(current_app.config.get("BANK_STATS_MAX_AGE_MINUTES", bank_stats.DEFAULT_MAX_AGE_MINUTES))
    run = bank_stats.refresh_if_stale(datetime.now(timezone.utc), max_age, min_responses())
    page = bank_search.search_bank(current_user, form.filters(page_number()))
    return render_template(
        "instructor/bank/list.html", form=form, page=page, run=run, query=form.query(), origins=ORIGINS, min_responses=min_responses()
    ), (200 if valid else 400)
