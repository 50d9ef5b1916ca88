"""The sample tasks of the career self-assessment: items a newcomer can answer from the page. PURE.

``data/aptitude.yaml`` holds them (reading a clinical note, applying a written rule, spotting a
mismatch between two records, the arithmetic of a bill). They are not bank items: they measure
aptitude, not knowledge, and are never served in practice or exams. Their keys and explanations
are shown only once the self-assessment is submitted.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from study.careers.recommend import SKILLS, SkillScore

DATA = Path(__file__).with_name("data") / "aptitude.yaml"


@dataclass(frozen=True)
class Task:
    key: str
    skill: str
    difficulty: str
    prompt: str  # Markdown
    question: str
    options: tuple[tuple[str, str], ...]  # (letter, text)
    answer: str
    why: str

    @property
    def field_name(self) -> str:
        return f"t-{self.key}"

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)


@dataclass(frozen=True)
class ReviewedTask:
    task: Task
    chosen: str | None

    @property
    def correct(self) -> bool:
        return self.chosen == self.task.answer


class TasksError(ValueError):
    pass


def parse(data: Mapping, where: str = str(DATA)) -> tuple[Task, ...]:
    skills = {key for key, _ in SKILLS}
    tasks = []
    seen = set()
    for number, raw in enumerate(data.get("items") or (), start=1):
        key = str(raw.get("key") or "")
        options = tuple((str(o["letter"]), str(o["text"])) for o in raw.get("options") or ())
        task = Task(
            key=key,
            skill=str(raw.get("skill") or ""),
            difficulty=str(raw.get("difficulty") or ""),
            prompt=str(raw.get("prompt") or ""),
            question=str(raw.get("question") or ""),
            options=options,
            answer=str(raw.get("answer") or ""),
            why=str(raw.get("why") or "").strip(),
        )
        problem = (
            "no key" if not key
            else "a repeated key" if key in seen
            else f"unknown skill {task.skill!r}" if task.skill not in skills
            else "fewer than two options" if len(options) < 2
            else f"answer {task.answer!r} is not an option" if task.answer not in task.letters
            else "no question" if not task.question
            else "no explanation (why)" if not task.why
            else ""
        )
        if problem:
            raise TasksError(f"{where}: item {number} ({key or 'no key'}): {problem}")
        seen.add(key)
        tasks.append(task)
    order = {key: n for n, (key, _) in enumerate(SKILLS)}
    return tuple(sorted(tasks, key=lambda t: order[t.skill]))  # stable: file order within a skill


@cache
def tasks() -> tuple[Task, ...]:
    with DATA.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


def missing(answers: Mapping[str, str], given: tuple[Task, ...] | None = None) -> list[Task]:
    """The tasks without an answer that is one of their letters."""
    return [t for t in (given or tasks()) if answers.get(t.key) not in t.letters]


def grade(answers: Mapping[str, str], given: tuple[Task, ...] | None = None) -> tuple[tuple[SkillScore, ...], tuple[ReviewedTask, ...]]:
    """Scores per skill (in SKILLS order) and each task with the choice made."""
    given = given or tasks()
    tally = {key: [0, 0] for key, _ in SKILLS}
    review = []
    for task in given:
        chosen = answers.get(task.key)
        chosen = chosen if chosen in task.letters else None
        reviewed = ReviewedTask(task, chosen)
        tally[task.skill][0] += int(reviewed.correct)
        tally[task.skill][1] += 1
        review.append(reviewed)
    return tuple(SkillScore(key, *tally[key]) for key, _ in SKILLS), tuple(review)
