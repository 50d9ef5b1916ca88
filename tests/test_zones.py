"""Time zones (pure): wall-clock times in a user's zone to and from UTC, across daylight saving."""

from datetime import datetime, timezone

from study import zones


def test_a_wall_clock_time_becomes_utc_in_winter_and_summer():
    assert zones.to_utc(datetime(2026, 12, 7, 9, 0), "America/New_York") == datetime(2026, 12, 7, 14, 0, tzinfo=timezone.utc)
    assert zones.to_utc(datetime(2027, 7, 8, 9, 30), "America/New_York") == datetime(2027, 7, 8, 13, 30, tzinfo=timezone.utc)
    assert zones.to_utc(datetime(2026, 12, 7, 9, 0), "UTC") == datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def test_times_the_clocks_skip_or_repeat_have_one_reading():
    # 02:30 on 14 March 2027 does not exist in New York (02:00 -> 03:00): read with the offset before the change
    assert zones.to_utc(datetime(2027, 3, 14, 2, 30), "America/New_York") == datetime(2027, 3, 14, 7, 30, tzinfo=timezone.utc)
    # 01:30 on 7 November 2027 happens twice: the first one (EDT)
    assert zones.to_utc(datetime(2027, 11, 7, 1, 30), "America/New_York") == datetime(2027, 11, 7, 5, 30, tzinfo=timezone.utc)


def test_back_to_the_wall_clock_and_the_zones_short_name():
    moment = datetime(2026, 12, 7, 14, 0, tzinfo=timezone.utc)
    assert zones.to_local(moment, "America/New_York") == datetime(2026, 12, 7, 9, 0)
    assert zones.to_local(moment.replace(tzinfo=None), "Europe/Paris") == datetime(2026, 12, 7, 15, 0)  # naive is UTC
    assert zones.abbreviation(moment, "America/New_York") == "EST"
    assert zones.abbreviation(moment, "UTC") == "UTC"
    assert zones.abbreviation(moment, "Asia/Dubai") == "Asia/Dubai"  # its short name is "+04"


def test_unknown_zones_are_refused_and_read_as_utc():
    assert zones.names()[0] == "UTC" and "America/New_York" in zones.names() and "Europe/Paris" in zones.names()
    for bad in ("", None, "Mars/Olympus", "../etc/passwd", "posix/Europe/Paris"):
        assert not zones.is_zone(bad)
    assert zones.to_local(datetime(2026, 1, 1, tzinfo=timezone.utc), "Mars/Olympus") == datetime(2026, 1, 1)
