"""A learner's state at a chosen size, and the requests their pages make: what the query budgets
(tests/views/test_query_budgets.py) and benchmarks/query_counts.py measure.

Each builder takes a size (the questions of an exam or practice set, or the learner's earlier
attempts) and makes a fresh learner with that state through the services, as the pages would;
it returns the learner and their requests by name. Exams need the learning bank plus
`BULK_QUESTIONS` more questions (`add_bulk_questions`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from study.extensions import db
from study.models import AttemptItem, ExamBlueprint, Item, User
from study.services import cases as case_service
from study.services import exams as exam_service
from study.services import practice as practice_service
from tests.factories import make_assignment, make_cohort, make_mcqs, make_user
from tests.support import count_statements, sign_in

SIZES = (20, 100)
BULK_QUESTIONS = 100  # with the learning bank's nine: a 100-question exam can be drawn
CASE_KEY = "case-pro-0003"  # a professional case of the learning bank
CASE_ROWS = {"dx": ["S52.501A"], "px": ["25600-RT"]}

Request = tuple[str, str, dict]  # method, url, keyword arguments of the test client's open()
Builder = Callable[[int], tuple[User, dict[str, Request]]]


def now() -> datetime:
    return datetime.now(timezone.utc)


def add_bulk_questions() -> None:
    make_mcqs(BULK_QUESTIONS)


def measure(app, user: User, requests: dict[str, Request]) -> dict[str, int]:
    """Statements run by each request, on a client signed in as `user`: the second of two
    identical requests (the first may fill per-process caches, such as the code sets)."""
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


def _blueprint_of_size(size: int) -> None:
    """The CPC blueprint asks for `size` items: size - 1 ICD-10-CM questions and its one case."""
    blueprint = db.session.get(ExamBlueprint, "CPC")
    sections = {s["key"]: s for s in blueprint.sections}
    sections["icd-10-cm"]["questions"] = size - 1
    blueprint.sections_json = json.dumps([sections["icd-10-cm"], sections["cases"]])
    db.session.commit()


def _open_exam(size: int) -> tuple[User, int, int, int]:
    """A learner's open exam of `size` items, every other question answered and every third
    flagged: (learner, attempt id, an MCQ's position, the case's position)."""
    _blueprint_of_size(size)
    learner = make_user()
    attempt = exam_service.start_exam(learner, "CPC", now())
    assert len(attempt.items) == size
    served = sa.select(AttemptItem.position, Item.type).join(Item, Item.id == AttemptItem.item_id)
    kinds = dict(db.session.execute(served.where(AttemptItem.attempt_id == attempt.id)).all())
    case_at = next(p for p, kind in kinds.items() if kind == "case")
    for position in range(1, size + 1, 2):
        if position == case_at:
            exam_service.save_answer(learner, attempt.id, position, now(), case={"diagnoses": ["S52.501A"], "procedures": ["25600-RT"]})
        else:
            exam_service.save_answer(learner, attempt.id, position, now(), letters=["A"])
    for position in range(1, size + 1, 3):
        exam_service.set_flag(learner, attempt.id, position, True, now())
    return learner, attempt.id, min(p for p, kind in kinds.items() if kind == "mcq"), case_at


def open_exam(size: int):
    learner, attempt_id, mcq_at, case_at = _open_exam(size)
    base = f"/exams/attempts/{attempt_id}"
    return learner, {
        "exam question (MCQ)": ("GET", f"{base}/q/{mcq_at}", {}),
        "exam question (case)": ("GET", f"{base}/q/{case_at}", {}),
        "exam question form": ("POST", f"{base}/q/{mcq_at}", {"data": {"answer": "C", "action": "flag"}}),
        "exam autosave": ("POST", f"/api/exams/{attempt_id}/answers", {"json": {"position": mcq_at, "letters": ["B"], "flag": False}}),
        "exam clock": ("GET", f"/api/exams/{attempt_id}/clock", {}),
        "exam review": ("GET", f"{base}/review", {}),
    }


def exam_result(size: int):
    learner, attempt_id, _, _ = _open_exam(size)
    exam_service.submit(learner, attempt_id, now())
    return learner, {"exam result": ("GET", f"/exams/attempts/{attempt_id}/result", {})}


def practice_set(size: int):
    """A practice set of `size` questions, every other one answered (the last one left open)."""
    learner = make_user()
    choice = practice_service.PracticeChoice(exam="CPC", topics=[], difficulty=None, size=size, mode="all")
    attempt = practice_service.start_practice(learner, choice, now())
    assert len(attempt.items) == size
    for position in range(1, size, 2):
        practice_service.answer(learner, attempt.id, position, ["A"], 30.0, now())
    base = f"/practice/{attempt.id}"
    return learner, {
        "practice question (answered)": ("GET", f"{base}/q/1", {}),
        "practice question (unanswered)": ("GET", f"{base}/q/{size}", {}),
        "practice summary": ("GET", f"{base}/summary", {}),
    }


def case_history(size: int):
    """`size` graded attempts at CASE_KEY (as the case page grades them) and an open draft."""
    learner = make_user()
    graded = 0
    for _ in range(size):
        graded = case_service.grade_draft(learner, now(), key=CASE_KEY, rows=CASE_ROWS).id
    case_service.save_draft(learner, now(), CASE_ROWS, key=CASE_KEY)
    return learner, {"case page": ("GET", f"/cases/{CASE_KEY}", {}), "case attempt report": ("GET", f"/cases/attempts/{graded}", {})}


def history(size: int):
    """`size` finished attempts (practice sets of one answered question, and two exams), open
    work to resume (a case draft, a practice set and an exam), and an open cohort assignment."""
    learner = make_user()
    make_assignment(make_cohort(make_user("instructor"), [learner]), opens_at=now() - timedelta(days=1), config={"size": 5})
    choice = practice_service.PracticeChoice(exam="CPC", topics=[], difficulty=None, size=1, mode="all")
    for n in range(size - 2):
        attempt = practice_service.start_practice(learner, choice, now() - timedelta(days=n % 30, minutes=n))
        practice_service.answer(learner, attempt.id, 1, ["A"], 30.0, now())
    for _ in range(2):
        exam = exam_service.start_exam(learner, "CPC", now())
        exam_service.save_answer(learner, exam.id, 1, now(), letters=["A"])
        exam_service.submit(learner, exam.id, now())
    case_service.save_draft(learner, now(), CASE_ROWS, key=CASE_KEY)  # before the exam, which holds the case
    practice_service.start_practice(learner, choice, now())
    exam_service.start_exam(learner, "CPC", now())
    return learner, {"home": ("GET", "/", {}), "progress dashboard": ("GET", "/progress?exam=CPC", {})}


SCENARIOS: dict[str, Builder] = {
    "open exam": open_exam,
    "submitted exam": exam_result,
    "practice set": practice_set,
    "case attempts": case_history,
    "history": history,
}
