from flask import render_template, session

from study.main import bp
from study.security import public


@bp.route("/")
@public
def home():
    from datetime import datetime, timezone

    from flask_login import current_user

    panel, assignments = None, []
    if current_user.is_authenticated:
        from study.services import assignments as assignment_service
        from study.services import learner_home

        panel = learner_home.home_panel(current_user, datetime.now(timezone.utc))
        assignments = [a for a in assignment_service.assignments_for(current_user, datetime.now(timezone.utc)) if a.state == "open"]
    from study.forms import CsrfForm

    new_account = bool(session.pop("new_account", False)) if current_user.is_authenticated else False
    return render_template("main/home.html", panel=panel, assignments=assignments, csrf_form=CsrfForm(), new_account=new_account)


@bp.route("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 503 when the database is down (nothing can be served);
    200 otherwise, "degraded" when only Redis is down (the site serves on, its limits counted per
    process), so that a load balancer does not take every machine out for a Redis outage."""
    from study.services import health

    parts = health.check()
    if parts["database"] != health.OK:
        return {"status": "unavailable", **parts}, 503
    healthy = all(state == health.OK for state in parts.values())
    return {"status": "ok" if healthy else "degraded", **parts}, 200
