"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask
from markupsafe import Markup

from study import zones
from study.auth.forms import SignOutForm
from study.codes.normalize import procedure_fields
from study.models import Role

# the colour bands of the cohort heatmap (percent correct); the figure is always in the text as well
HEAT_HIGH, HEAT_MID = 80, 60
_HEAT_BADGES = {"heat-high": "badge-ok", "heat-mid": "badge-warn", "heat-low": "badge-bad"}


def heat_band(accuracy: float | None) -> str:
    """The heatmap cell's class for a percent correct (None: too little evidence)."""
    if accuracy is None:
        return "heat-none"
    if accuracy >= HEAT_HIGH:
        return "heat-high"
    if accuracy >= HEAT_MID:
        return "heat-mid"
    return "heat-low"


def heat_badge(accuracy: float | None) -> str:
    """The existing badge colour of the band ("" when there is no figure)."""
    return _HEAT_BADGES.get(heat_band(accuracy), "")


def local_time(value: datetime | None, zone: str | None = None) -> Markup:
    """A moment as a <time> element in the time zone `zone` (a user's; UTC when None): "2026-11-27
    04:00 EST", its machine-readable value in UTC."""
    if value is None:
        return Markup("")
    value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    shown = zones.to_local(value, zone).strftime("%Y-%m-%d %H:%M")
    return Markup('<time datetime="{}">{} {}</time>').format(value.strftime("%Y-%m-%dT%H:%M:%SZ"), shown, zones.abbreviation(value, zone))


def utc_time(value: datetime | None) -> Markup:
    """A moment as a <time> element: "2026-11-27 09:00 UTC", its machine-readable value in UTC."""
    return local_time(value, zones.DEFAULT)


def init_app(app: Flask) -> None:
    from study.rendering import markdown_text, render_markdown

    app.add_template_filter(render_markdown, "md")
    app.add_template_filter(markdown_text, "md_text")
    app.add_template_filter(heat_band)
    app.add_template_filter(heat_badge)
    app.add_template_filter(utc_time)
    app.add_template_filter(local_time)
    app.add_template_global(procedure_fields)  # a procedure's text back into the entry form's row

    @app.context_processor
    def globals_():
        # formdata=None: the layout's form must never read the request body (an over-size body on
        # an error page would raise again)
        return {"sign_out_form": SignOutForm(formdata=None), "Role": Role}
