"""Grading multiple-choice items: single best answer and multiple response.

``grade_mcq(item, selected)`` accepts the letters a learner chose in any reasonable form (``"B"``,
``"b"``, ``"A, C"``, ``["a", "c"]``). Multiple-response items are all-or-nothing by default;
``partial_credit=True`` scores (right choices - wrong choices) / number of answers, floored at 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from study.bank.model import McqItem


@dataclass(frozen=True)
class OptionResult:
    """One option: whether the learner chose it and whether it is a correct answer."""

    letter: str
    selected: bool
    correct: bool

    @property
    def right(self) -> bool:
        """The learner treated this option right (chose a correct one or left a wrong one)."""
        return self.selected == self.correct


@dataclass(frozen=True)
class McqResult:
    item_id: str
    correct: bool
    score: float  # 0..1
    selected: tuple[str, ...]
    answer: tuple[str, ...]
    options: tuple[OptionResult, ...]
    unknown: tuple[str, ...] = ()  # letters chosen that are not options
    message: str = ""

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        """During the attempt the answer and the per-option verdicts are left out."""
        data: dict[str, Any] = {
            "item_id": self.item_id,
            "selected": list(self.selected),
        }
        if after_attempt:
            data.update(
                {
                    "correct": self.correct,
                    "score": self.score,
                    "answer": list(self.answer),
                    "options": [
                        {"letter": o.letter, "selected": o.selected, "correct": o.correct}
                        for o in self.options
                    ],
                    "unknown": list(self.unknown),
                    "message": self.message,
                }
            )
        return data


def normalize_selection(selected: object) -> tuple[str, ...]:
    """Letters chosen, upper case, in alphabetical order, without repeats."""
    if selected is None:
        return ()
    if isinstance(selected, str):
        letters: Iterable[str] = re.findall(r"[A-Za-z]", selected)
    elif isinstance(selected, Iterable):
        letters = [str(s).strip() for s in selected]
    else:
        letters = [str(selected)]
    return tuple(sorted({letter.upper() for letter in letters if letter}))


def grade_mcq(item: McqItem, selected: object, *, partial_credit: bool = False) -> McqResult:
    """Grade the learner's choice. Never raises on any input."""
    chosen = normalize_selection(selected)
    letters = set(item.letters)
    answer = set(item.answer)
    unknown = tuple(c for c in chosen if c not in letters)
    picked = {c for c in chosen if c in letters}
    options = tuple(OptionResult(o.letter, o.letter in picked, o.letter in answer) for o in item.options)
    correct = bool(answer) and picked == answer and not unknown
    if correct:
        score = 1.0
    elif partial_credit and item.multiple and answer:
        right = len(picked & answer)
        wrong = len(picked - answer) + len(unknown)
        score = max(0.0, (right - wrong) / len(answer))
    else:
        score = 0.0
    if not chosen:
        message = "No answer was given."
    elif correct:
        message = "Correct."
    elif item.multiple and len(chosen) != len(answer):
        message = f"Not quite: this question asks for {len(answer)} answers; {len(chosen)} were chosen."
    else:
        message = "Not correct."
    if unknown:
        message += f" {', '.join(unknown)} {'is not an option' if len(unknown) == 1 else 'are not options'}."
    return McqResult(
        item_id=item.id,
        correct=correct,
        score=score,
        selected=chosen,
        answer=tuple(item.answer),
        options=options,
        unknown=unknown,
        message=message,
    )
