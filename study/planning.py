"""A learner's weekly study plan to their exam date, from the exam's blueprint and their mastery.
Pure: no Flask, no database.

- The plan runs from this week to the week of the exam (8 weeks when no date is set; at most 26).
  It is drawn again from the learner's mastery whenever it is shown: week 1 is always this week.
- A learner without enough evidence starts with a short diagnostic across every section.
- Each study week focuses on the two sections with the most to gain: the blueprint's count times
  the room left above the learner's estimated accuracy. A section chosen for a week has its need
  halved for the following weeks, so strong needs recur and no section is forgotten.
- The last week (of a plan of two weeks or more) is exam practice: a timed simulation and review.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_WEEKS = 8
MAX_WEEKS = 26
PER_WEEK = 2  # sections of focus in a study week
DIAGNOSTIC_SIZE = 20  # questions in the "start here" diagnostic


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    topics: tuple[str, ...]
    blueprint_count: int
    estimate: float  # the learner's estimated accuracy, 0..1 (0.5 with no evidence)
    enough: bool  # enough answers behind the estimate

    @property
    def need(self) -> float:
        return self.blueprint_count * (1.0 - self.estimate)


@dataclass(frozen=True)
class PlanWeek:
    number: int  # 1-based
    starts: date
    kind: str  # "diagnostic" | "study" | "exam practice"
    focus: tuple[PlanSection, ...]


def plan_weeks(today: date, exam_date: date | None) -> int:
    """How many weeks the plan has: to the exam's week (at least 1, at most MAX_WEEKS)."""
    if exam_date is None:
        return DEFAULT_WEEKS
    days = (exam_date - today).days
    return max(1, min(MAX_WEEKS, math.ceil((days + 1) / 7)))


def needs_diagnostic(sections: Sequence[PlanSection]) -> bool:
    """A learner with too little evidence in most sections starts with the diagnostic."""
    return sum(1 for s in sections if s.enough) * 2 < len(sections)


def weekly_plan(sections: Sequence[PlanSection], today: date, exam_date: date | None) -> list[PlanWeek]:
    """The weeks from `today` to the exam, each with its kind and the sections to focus on."""
    weeks = plan_weeks(today, exam_date)
    need = {s.key: s.need for s in sections}
    order = {s.key: n for n, s in enumerate(sections)}
    plan: list[PlanWeek] = []
    for number in range(1, weeks + 1):
        starts = today + timedelta(weeks=number - 1)
        if weeks >= 2 and number == weeks:
            ranked = sorted(sections, key=lambda s: (-s.need, order[s.key]))
            plan.append(PlanWeek(number, starts, "exam practice", tuple(ranked[:PER_WEEK])))
            continue
        kind = "diagnostic" if number == 1 and needs_diagnostic(sections) else "study"
        chosen = sorted(sections, key=lambda s: (-need[s.key], order[s.key]))[:PER_WEEK]
        for s in chosen:
            need[s.key] /= 2
        plan.append(PlanWeek(number, starts, kind, tuple(chosen)))
    return plan


__all__ = ["DIAGNOSTIC_SIZE", "PlanSection", "PlanWeek", "needs_diagnostic", "plan_weeks", "weekly_plan"]
