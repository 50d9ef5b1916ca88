"""Query budgets: every learner page runs a small number of SQL statements, the same whether the
exam holds 20 questions or 100, or the learner's history 20 attempts or 100 (issue 15).

Each test builds the same learner state at both sizes (fresh learners in one database), sends each
request twice on that learner's client and counts the statements of the second one (the first
may fill per-process caches, such as the code sets; production runs warm), then asserts that the
count is equal at both sizes and within the request's budget. The budgets are the counts measured
after the fix (benchmarks/query_counts.py prints them): a change that adds a statement to a page
has to raise its budget here, on purpose."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import AttemptItem, ExamBlueprint, Item, User
from study.services import cases as case_service
from study.services import exams as exam_service
from study.services import practice as practice_service
from tests.factories import make_mcqs, make_user
from tests.support import count_statements, sign_in

SIZES = (20, 100)
CASE_KEY = "case-pro-0003"  # a professional case of the learning bank
CASE_ROWS = {"dx": ["S52.501A"], "px": ["25600-RT"]}

# request name -> the most statements it may run (measured: see the module's docstring)
BUDGETS = {
    "exam question (MCQ)": 12,
    "exam question (case)": 12,
    "exam autosave": 12,
    "exam clock": 12,
    "exam review": 12,
    "exam result": 12,
    "practice question (answered)": 12,
    "practice question (unanswered)": 12,
    "practice summary": 12,
    "case page": 12,
    "case attempt report": 12,
    "home": 12,
    "progress dashboard": 12,
}

Request = tuple[str, str, dict]  # method, url, keyword arguments of the test client's open()


def now() -> datetime:
    return datetime.now(timezone.utc)


def measure(app, user: User, requests: dict[str, Request]) -> dict[str, int]:
    """Statements run by each request (the second of two identical ones), on a client signed in as `user`."""
    client = app.test_client()
    sign_in(client, user)
    counts = {}
    for name, (method, url, kwargs) in requests.items():
        assert client.open(url, method=method, **kwargs).status_code < 400, name
        with count_statements() as statements:
            response = client.open(url, method=method, **kwargs)
        assert response.status_code < 400, (name, response.status_code)
        counts[name] = len(statements)
    return counts


def check_budgets(app, build: Callable[[int], tuple[User, dict[str, Request]]]) -> dict[str, dict[int, int]]:
    """Build the state at each size, measure its requests, and assert: the same count at every
    size, within the budget. Returns {request: {size: count}}."""
    table: dict[str, dict[int, int]] = {}
    for size in SIZES:
        user, requests = build(size)
        for name, count in measure(app, user, requests).items():
            table.setdefault(name, {})[size] = count
    report = "\n".join(f"{name}: " + ", ".join(f"{size} -> {n}" for size, n in by_size.items()) for name, by_size in table.items())
    for name, by_size in table.items():
        assert len(set(by_size.values())) == 1, f"{name} grows with the data:\n{report}"
        assert max(by_size.values()) <= BUDGETS[name], f"{name} is over its budget of {BUDGETS[name]}:\n{report}"
    return table


@pytest.fixture
def bulk_bank(learning_bank):
    """The learning bank plus 100 more CPC ICD-10-CM questions: enough for a 100-item exam."""
    make_mcqs(100)
    return learning_bank


def _blueprint_of_size(size: int) -> None:
    """The CPC blueprint asks for `size` items: size - 1 ICD-10-CM questions and its one case."""
    blueprint = db.session.get(ExamBlueprint, "CPC")
    sections = {s["key"]: s for s in blueprint.sections}
    sections["icd-10-cm"]["questions"] = size - 1
    blueprint.sections_json = json.dumps([sections["icd-10-cm"], sections["cases"]])
    db.session.commit()


def _positions(attempt_id: int) -> tuple[int, int]:
    """(an MCQ's position, the case's position) in the exam."""
    rows = db.session.execute(
        sa.select(AttemptItem.position, Item.type).join(Item, Item.id == AttemptItem.item_id).where(AttemptItem.attempt_id == attempt_id)
    ).all()
    return min(p for p, kind in rows if kind == "mcq"), next(p for p, kind in rows if kind == "case")


def _open_exam(size: int) -> tuple[User, int, int, int]:
    """A learner's open exam of `size` items, every other question answered and every third flagged."""
    _blueprint_of_size(size)
    learner = make_user()
    attempt = exam_service.start_exam(learner, "CPC", now())
    mcq_at, case_at = _positions(attempt.id)
    assert len(attempt.items) == size
    for position in range(1, size + 1, 2):
        if position == case_at:
            exam_service.save_answer(learner, attempt.id, position, now(), case={"diagnoses": ["S52.501A"], "procedures": ["25600-RT"]})
        else:
            exam_service.save_answer(learner, attempt.id, position, now(), letters=["A"])
    for position in range(1, size + 1, 3):
        exam_service.set_flag(learner, attempt.id, position, True, now())
    return learner, attempt.id, mcq_at, case_at


def test_exam_pages_run_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    def build(size: int):
        learner, attempt_id, mcq_at, case_at = _open_exam(size)
        base = f"/exams/attempts/{attempt_id}"
        return learner, {
            "exam question (MCQ)": ("GET", f"{base}/q/{mcq_at}", {}),
            "exam question (case)": ("GET", f"{base}/q/{case_at}", {}),
            "exam autosave": ("POST", f"/api/exams/{attempt_id}/answers", {"json": {"position": mcq_at, "letters": ["B"], "flag": True}}),
            "exam clock": ("GET", f"/api/exams/{attempt_id}/clock", {}),
            "exam review": ("GET", f"{base}/review", {}),
        }

    check_budgets(app, build)


def test_the_exam_result_runs_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    def build(size: int):
        learner, attempt_id, _, _ = _open_exam(size)
        exam_service.submit(learner, attempt_id, now())
        return learner, {"exam result": ("GET", f"/exams/attempts/{attempt_id}/result", {})}

    check_budgets(app, build)


def test_practice_pages_run_the_same_statements_for_20_and_100_questions(app, bulk_bank):
    def build(size: int):
        learner = make_user()
        choice = practice_service.PracticeChoice(exam="CPC", topics=[], difficulty=None, size=size, mode="all")
        attempt = practice_service.start_practice(learner, choice, now())
        assert len(attempt.items) == size
        for position in range(1, size, 2):  # every other question, the last one left open
            practice_service.answer(learner, attempt.id, position, ["A"], 30.0, now())
        base = f"/practice/{attempt.id}"
        return learner, {
            "practice question (answered)": ("GET", f"{base}/q/1", {}),
            "practice question (unanswered)": ("GET", f"{base}/q/{size}", {}),
            "practice summary": ("GET", f"{base}/summary", {}),
        }

    check_budgets(app, build)


def _graded_cases(learner: User, count: int) -> int:
    """`count` graded attempts of the learner at CASE_KEY (as the case page grades them); the last one's id."""
    attempt_id = 0
    for _ in range(count):
        attempt_id = case_service.grade_draft(learner, now(), key=CASE_KEY, rows=CASE_ROWS).id
    return attempt_id


def test_case_pages_run_the_same_statements_for_20_and_100_earlier_attempts(app, learning_bank):
    def build(size: int):
        learner = make_user()
        graded = _graded_cases(learner, size)
        case_service.save_draft(learner, now(), CASE_ROWS, key=CASE_KEY)  # an open draft, shown on the case page
        return learner, {
            "case page": ("GET", f"/cases/{CASE_KEY}", {}),
            "case attempt report": ("GET", f"/cases/attempts/{graded}", {}),
        }

    check_budgets(app, build)


def _history(learner: User, size: int) -> None:
    """`size` finished attempts (practice sets of one question, answered, and two exams), and open
    work to resume: a case draft, a practice set and an exam."""
    choice = practice_service.PracticeChoice(exam="CPC", topics=[], difficulty=None, size=1, mode="all")
    for n in range(size - 2):
        attempt = practice_service.start_practice(learner, choice, now() - timedelta(days=n % 30, minutes=n))
        practice_service.answer(learner, attempt.id, 1, ["A"], 30.0, now())
    for _ in range(2):
        exam = exam_service.start_exam(learner, "CPC", now())
        exam_service.save_answer(learner, exam.id, 1, now(), letters=["A"])
        exam_service.submit(learner, exam.id, now())
    case_service.save_draft(learner, now(), CASE_ROWS, key=CASE_KEY)  # before the exam, which locks the case
    practice_service.start_practice(learner, choice, now())
    exam_service.start_exam(learner, "CPC", now())


def test_home_and_progress_run_the_same_statements_for_20_and_100_attempts(app, learning_bank):
    def build(size: int):
        learner = make_user()
        _history(learner, size)
        return learner, {"home": ("GET", "/", {}), "progress dashboard": ("GET", "/progress?exam=CPC", {})}

    check_budgets(app, build)
