"""Template filters: the presentation the services no longer carry."""

from datetime import datetime, timedelta, timezone

import pytest

from study.templating import heat_badge, heat_band, utc_time


@pytest.mark.parametrize(
    "accuracy, band, badge",
    [
        (None, "heat-none", ""),
        (100.0, "heat-high", "badge-ok"),
        (80.0, "heat-high", "badge-ok"),
        (79.9, "heat-mid", "badge-warn"),
        (60.0, "heat-mid", "badge-warn"),
        (59.9, "heat-low", "badge-bad"),
        (0.0, "heat-low", "badge-bad"),
    ],
)
def test_heatmap_bands_and_badges(accuracy, band, badge):
    assert heat_band(accuracy) == band
    assert heat_badge(accuracy) == badge


def test_the_filters_are_registered(app):
    rendered = app.jinja_env.from_string("{{ 85.0|heat_band }} {{ 65.0|heat_badge }} {{ none|heat_band }}").render()
    assert rendered == "heat-high badge-warn heat-none"


def test_utc_time_is_a_time_element_in_utc():
    local = datetime(2026, 11, 27, 4, 5, 59, tzinfo=timezone(timedelta(hours=-5)))
    assert str(utc_time(local)) == '<time datetime="2026-11-27T09:05:59Z">2026-11-27 09:05 UTC</time>'
    assert str(utc_time(None)) == ""
