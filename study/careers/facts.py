"""Every pay, cost and time figure the career pages show, from one data file. PURE.

``data/facts.yaml`` holds each figure once, with its unit, the period it describes (``reference``),
its source (publisher, title, address, the date we read it) and, where needed, a note. Pages never
write a figure themselves: they ask for a fact by key and print ``fact.text``, so two pages cannot
disagree, and ``tests/careers/test_facts.py`` checks that every dollar amount on a career page is
one of these.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "facts.yaml"
UNITS = ("usd_year", "usd_hour", "usd", "percent", "months", "hours", "weeks", "count", "text")


@dataclass(frozen=True)
class Source:
    key: str
    publisher: str
    title: str
    url: str
    read: date
    published: str = ""


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: object  # a number, a (low, high) pair, or text
    unit: str
    reference: str
    source: Source
    note: str = ""

    @property
    def low(self) -> float:
        return self.value[0] if isinstance(self.value, tuple) else self.value  # type: ignore[return-value]

    @property
    def high(self) -> float:
        return self.value[1] if isinstance(self.value, tuple) else self.value  # type: ignore[return-value]

    @property
    def amount(self) -> str:
        """The figure alone: "$50,250", "$38,000–$48,000", "7%", "6–12"."""
        return _amount(self.value, self.unit)

    @property
    def text(self) -> str:
        """The figure with its unit: "$50,250 a year", "$24.16 an hour", "6–12 months"."""
        suffix = {"usd_year": " a year", "usd_hour": " an hour", "months": " months", "hours": " hours", "weeks": " weeks"}
        return self.amount + suffix.get(self.unit, "")


def _number(value, unit: str) -> str:
    if unit.startswith("usd"):
        return f"${value:,.2f}" if isinstance(value, float) and not value.is_integer() else f"${int(value):,}"
    if unit == "percent":
        return f"{value:g}%"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _amount(value, unit: str) -> str:
    if unit == "text":
        return str(value)
    if isinstance(value, tuple):
        return f"{_number(value[0], unit)}–{_number(value[1], unit)}"
    return _number(value, unit)


class FactsError(ValueError):
    pass


def parse(data: dict, where: str = str(DATA)) -> dict[str, Fact]:
    """The facts of a loaded file; FactsError names the key and the problem."""
    sources = {}
    for key, raw in (data.get("sources") or {}).items():
        try:
            sources[key] = Source(
                key=key,
                publisher=str(raw["publisher"]),
                title=str(raw["title"]),
                url=str(raw["url"]),
                read=date.fromisoformat(str(raw["read"])),
                published=str(raw.get("published") or ""),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise FactsError(f"{where}: source {key}: {exc}") from exc
    facts = {}
    for key, raw in (data.get("facts") or {}).items():
        unit = raw.get("unit")
        if unit not in UNITS:
            raise FactsError(f"{where}: fact {key}: unknown unit {unit!r}")
        if raw.get("source") not in sources:
            raise FactsError(f"{where}: fact {key}: unknown source {raw.get('source')!r}")
        value = raw.get("value")
        if isinstance(value, list):
            if len(value) != 2 or not all(isinstance(v, int | float) for v in value) or value[0] > value[1]:
                raise FactsError(f"{where}: fact {key}: a range is two numbers, low first")
            value = (value[0], value[1])
        elif unit == "text" and not isinstance(value, str):
            raise FactsError(f"{where}: fact {key}: a text fact needs a text value")
        elif unit != "text" and not isinstance(value, int | float):
            raise FactsError(f"{where}: fact {key}: the value must be a number or a [low, high] range")
        facts[key] = Fact(
            key=key,
            label=str(raw.get("label") or key),
            value=value,
            unit=unit,
            reference=str(raw.get("reference") or ""),
            source=sources[raw["source"]],
            note=" ".join(str(raw.get("note") or "").split()),
        )
    return facts


@cache
def all_facts() -> dict[str, Fact]:
    with DATA.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


def fact(key: str) -> Fact:
    """The fact with this key (KeyError for a key the data file lacks: a page asking for it is a bug)."""
    return all_facts()[key]


def has(key: str) -> bool:
    return key in all_facts()


def cited(keys) -> list[Source]:
    """The sources behind these facts, each once, in order."""
    found: dict[str, Source] = {}
    for key in keys:
        if key in all_facts():
            found.setdefault(all_facts()[key].source.key, all_facts()[key].source)
    return list(found.values())
