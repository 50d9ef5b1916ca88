"""Time zones (pure core: the standard library only). The database keeps every moment in UTC; a
user's dates are shown and entered in their IANA time zone (`User.time_zone`, "UTC" by default).

A wall-clock time typed in a zone becomes UTC with `to_utc`; a time the clocks skip (the spring-
forward gap) is read as the moment it would have been before the change (``fold=0``, PEP 495),
and a time that happens twice (autumn) as its first occurrence."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

DEFAULT = "UTC"


@cache
def names() -> tuple[str, ...]:
    """Every zone the system knows, sorted, UTC first (the choices of the setting)."""
    known = sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return (DEFAULT, *known)


def is_zone(name: str | None) -> bool:
    return bool(name) and name in names()


def zone(name: str | None) -> ZoneInfo:
    """The zone called `name`; UTC for an unknown or empty name (an old row, a removed zone)."""
    return ZoneInfo(name if name and is_zone(name) else DEFAULT)


def to_utc(local: datetime, name: str | None) -> datetime:
    """A wall-clock time in zone `name` (naive, as a form gives it) as an aware UTC moment. An
    aware value is only converted."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone(name))
    return local.astimezone(timezone.utc)


def to_local(moment: datetime, name: str | None) -> datetime:
    """An aware moment (a naive one is read as UTC) as the naive wall-clock time in zone `name`,
    for a form's input."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(name)).replace(tzinfo=None)


def abbreviation(moment: datetime, name: str | None) -> str:
    """The zone's short name at that moment ("EST", "CET"; "UTC"), or the name itself when the
    zone has only a numeric one ("+03")."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    short = moment.astimezone(zone(name)).tzname() or DEFAULT
    return short if short[:1].isalpha() else (name or DEFAULT)
