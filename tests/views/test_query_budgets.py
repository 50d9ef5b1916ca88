"""Query budgets: every learner page runs a small number of SQL statements, the same whether the
exam holds 20 questions or 100, or the learner's history 20 attempts or 100 (issue 15).

Each test builds the same learner state at both sizes (tests/learner_states.py: fresh learners in
one database), sends each request twice on that learner's client and counts the statements of
the second one (the first may fill per-process caches, such as the code sets: production runs
warm), then asserts that the count is equal at both sizes and within the request's budget. The
budgets are the counts measured (benchmarks/query_counts.py prints them): a change that adds a
statement to a page raises its budget here, on purpose. Template lazy loads count too: the
requests render their pages."""

from __future__ import annotations

import pytest

from tests import learner_states
from tests.learner_states import SIZES

# request -> the most statements it may run. Every page: 2 to find the signed-in learner (the
# session row, the user); an exam page then reads the attempt, and its items with their answers
# (one joined query)
BUDGETS = {
    "exam question (MCQ)": 5,  # + the served version
    "exam question (case)": 5,
    # a save: the attempt, its items, the version; hold the attempt open (UPDATE), read and write
    # the answer, count the answered questions (a changed flag adds its UPDATE)
    "exam question form": 9,
    "exam autosave": 9,  # the same, reading only the question saved
    "exam clock": 3,
    "exam review": 4,
    "exam result": 9,  # + the items held by running exams, regrades, the versions, the item types, earlier attempts
    "practice question (answered)": 8,  # + whether the item is held, the version, regrades, its exam section and topic
    "practice question (unanswered)": 7,
    "practice summary": 7,  # + regrades, the versions, the topic titles of the result by topic
    "case page": 9,  # the case and its exams, whether it is held, the open attempt, its item and version, the history
    "case attempt report": 9,  # + similar cases (one query of their link columns)
    "home": 9,  # open attempts, due count, unread report answers, saved career result, assignments, their open exams, their attempts
    "progress dashboard": 9,  # the blueprint, rollups, exams, case rollups, due count, history, blueprint names
}


@pytest.fixture
def bulk_bank(learning_bank):
    """The learning bank and 100 more CPC ICD-10-CM questions: enough for a 100-question exam."""
    learner_states.add_bulk_questions()
    return learning_bank


def check_budgets(app, scenario: str) -> None:
    """Build the scenario at each size, measure its requests, and assert the same count at every
    size, within the budget."""
    table: dict[str, dict[int, int]] = {}
    for size in SIZES:
        user, requests = learner_states.SCENARIOS[scenario](size)
        for name, count in learner_states.measure(app, user, requests).items():
            table.setdefault(name, {})[size] = count
    report = "\n".join(f"{name}: " + ", ".join(f"{size} -> {n}" for size, n in by_size.items()) for name, by_size in table.items())
    for name, by_size in table.items():
        assert len(set(by_size.values())) == 1, f"{name} grows with the data:\n{report}"
        assert max(by_size.values()) <= BUDGETS[name], f"{name} is over its budget of {BUDGETS[name]}:\n{report}"


def test_exam_pages_run_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    check_budgets(app, "open exam")


def test_the_exam_result_runs_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    check_budgets(app, "submitted exam")


def test_practice_pages_run_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    check_budgets(app, "practice set")


def test_case_pages_run_the_same_statements_for_20_and_100_earlier_attempts(app, learning_bank):
    check_budgets(app, "case attempts")


def test_home_and_progress_run_the_same_statements_for_20_and_100_attempts(app, learning_bank):
    check_budgets(app, "history")
