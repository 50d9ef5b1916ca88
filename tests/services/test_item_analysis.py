"""Item analysis service: the score matrix from the database, who sees which attempts, choice
counts for MCQs and verdict counts per key line for cases."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, AttemptItem, Item, Response
from study.services import Forbidden, NotFound
from study.services import attempts as attempt_service
from study.services import exams as exam_service
from study.services import item_analysis as service
from study.services.grading import parsed_version
from tests.factories import T0, make_assignment, make_cohort, make_user
from tests.support import count_statements

UNANSWERED = object()

# the hand-computed matrix of tests/test_analysis.py (five attempts x four items)
FIVE_BY_FOUR = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 0, 1],
    [0, 0, 0, 1],
]


def mcqs(n=4) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(Item.type == "mcq").order_by(Item.key).limit(n)))


def _consistent_choice(item: Item, mark) -> list[str]:
    """The key for full marks, else the first distractor (answers that agree with the marks)."""
    key = sorted(parsed_version(item.current_version).answer)
    return key if mark == 1 else [next(letter for letter in "ABCDE" if letter not in key)]


def exam_attempt(user, items, marks, *, selected=None, status="submitted", assignment=None, kind="exam") -> Attempt:
    """An attempt with `items` at positions 1.. and the given marks (UNANSWERED: no response)."""
    attempt = Attempt(
        user_id=user.id,
        kind=kind,
        exam="CPC" if kind == "exam" else None,
        status=status,
        started_at=T0,
        submitted_at=T0 + timedelta(minutes=30) if status == "submitted" else None,
        assignment_id=assignment.id if assignment else None,
    )
    db.session.add(attempt)
    db.session.flush()
    for position, (item, mark) in enumerate(zip(items, marks, strict=False), start=1):
        ai = AttemptItem(
            attempt_id=attempt.id, position=position, item_id=item.id, item_version_id=item.current_version_id, option_order="ABCD"
        )
        db.session.add(ai)
        db.session.flush()
        if mark is not UNANSWERED:
            letters = (selected or {}).get(item.id) or _consistent_choice(item, mark)
            db.session.add(
                Response(
                    attempt_item_id=ai.id,
                    user_id=user.id,
                    item_id=item.id,
                    answer_json=json.dumps({"selected": letters}),
                    score=float(mark),
                    correct=mark == 1,
                )
            )
    db.session.commit()
    return attempt


def test_exam_statistics_match_the_hand_computation(learning_bank):
    instructor = make_user("instructor")
    learners = [make_user() for _ in FIVE_BY_FOUR]
    make_cohort(instructor, learners)
    items = mcqs()
    for learner, marks in zip(learners, FIVE_BY_FOUR, strict=False):
        # the last learner left item 1 unanswered: it counts as 0, as in the hand computation
        exam_attempt(learner, items, [UNANSWERED if m == 0 and learner is learners[-1] and i == 0 else m for i, m in enumerate(marks)])
    result = service.analyse_exam(instructor, "CPC", min_responses=5)
    assert result.attempts == 5
    by_key = {row.item.key: row.stats for row in result.rows}
    first, fourth = by_key[items[0].key], by_key[items[3].key]
    assert first.facility == pytest.approx(0.8) and first.discrimination == pytest.approx(37.5) and first.efficiency == pytest.approx(100)
    assert fourth.discrimination == pytest.approx(-49.0098, abs=1e-4) and fourth.flags == ("negative-discrimination",)
    assert result.quiz.cic == pytest.approx(20.5128, abs=1e-4)
    assert result.quiz.standard_error == pytest.approx(25.4133, abs=1e-4)
    assert [row.item.key for row in result.flagged] == [items[3].key]
    overview = service.exam_overview(instructor)
    assert [(e.exam, e.attempts) for e in overview] == [("CPC", 5)]
    assert overview[0].quiz.cic == pytest.approx(20.5128, abs=1e-4)


def test_the_matrix_comes_from_one_query(app, learning_bank):
    instructor = make_user("instructor")
    learner = make_user()
    make_cohort(instructor, [learner])
    exam_attempt(learner, mcqs(), [1, 0, 1, 0])
    with count_statements() as statements:
        matrix = service.score_matrix(instructor, service.exam_scope("CPC"))
    selects = [s for s in statements if "attempt_item" in s]
    assert len(selects) == 1
    assert matrix.by_item.shape == (1, 4) and matrix.by_item.tolist() == [[1, 0, 1, 0]]


def test_instructors_see_only_learners_of_their_own_cohorts(learning_bank):
    ann, bob, admin = make_user("instructor"), make_user("instructor"), make_user("admin")
    mine, theirs, nobodys = make_user(), make_user(), make_user()
    make_cohort(ann, [mine], "Ann's class")
    make_cohort(bob, [theirs], "Bob's class")
    items = mcqs()
    exam_attempt(mine, items, [1, 1, 0, 0])
    exam_attempt(theirs, items, [0, 0, 1, 1])
    exam_attempt(nobodys, items, [1, 0, 1, 0])
    exam_attempt(mine, items, [1, 1, 1, 1], status="open")  # not submitted: left out
    assert service.analyse_exam(ann, "CPC").attempts == 1
    assert service.analyse_exam(bob, "CPC").attempts == 1
    assert service.analyse_exam(admin, "CPC").attempts == 3
    outsider = make_user("instructor")
    assert service.analyse_exam(outsider, "CPC").attempts == 0
    assert service.exam_overview(outsider) == []
    with pytest.raises(NotFound):
        service.analyse_exam(ann, "NOPE")


def test_assignment_analysis_belongs_to_the_cohort_owner(learning_bank):
    ann, bob, admin = make_user("instructor"), make_user("instructor"), make_user("admin")
    learners = [make_user() for _ in range(3)]
    cohort = make_cohort(ann, learners)
    assignment = make_assignment(cohort, "exam", "Mock CPC", {"exam": "CPC"})
    items = mcqs(3)
    for learner, marks in zip(learners, [[1, 1, 0], [1, 0, 0], [0, 0, 1]], strict=False):
        exam_attempt(learner, items, marks, assignment=assignment)
    exam_attempt(learners[0], items, [1, 1, 1])  # the same learner outside the assignment: not counted
    result = service.analyse_assignment(ann, assignment.id)
    assert result.attempts == 3 and result.scope.kind == "assignment"
    assert [round(r.stats.facility, 4) for r in result.rows] == [round(2 / 3, 4), round(1 / 3, 4), round(1 / 3, 4)]
    assert service.analyse_assignment(admin, assignment.id).attempts == 3
    assert [a.id for a in service.my_assignments(ann)] == [assignment.id]
    assert service.my_assignments(bob) == []
    with pytest.raises(Forbidden):
        service.analyse_assignment(bob, assignment.id)
    with pytest.raises(NotFound):
        service.analyse_assignment(ann, assignment.id + 999)


def test_mcq_choice_counts_option_by_option(learning_bank):
    instructor = make_user("instructor")
    learners = [make_user() for _ in range(5)]
    make_cohort(instructor, learners)
    item = mcqs(1)[0]  # learn-icd-001: the key is A
    picks = [["A"], ["A"], ["C"], ["B"], None]
    for learner, pick in zip(learners, picks, strict=False):
        exam_attempt(learner, [item], [UNANSWERED if pick is None else (1 if pick == ["A"] else 0)], selected={item.id: pick})
    b = service.item_breakdown(instructor, service.exam_scope("CPC"), item.id)
    assert (b.served, b.answered, b.unanswered) == (5, 4, 1)
    counts = {o.letter: (o.count, o.correct, o.percent) for o in b.options}
    assert counts == {"A": (2, True, 50.0), "B": (1, False, 25.0), "C": (1, False, 25.0), "D": (0, False, 0.0)}
    assert [o.text for o in b.options] == ["I10", "I11.9", "I12.9", "I15.9"]
    assert b.stats.facility == pytest.approx(0.4)
    # another instructor's view of the same item: nothing of these learners
    other = service.item_breakdown(make_user("instructor"), service.exam_scope("CPC"), item.id)
    assert other.served == 0 and all(o.count == 0 for o in other.options)
    with pytest.raises(NotFound):
        service.item_breakdown(instructor, service.exam_scope("CPC"), 10**6)


def test_case_verdict_counts_per_key_line_from_real_graded_exams(learning_bank):
    instructor = make_user("instructor")
    right, wrong = make_user(), make_user()
    make_cohort(instructor, [right, wrong])
    case_item_id = None
    for learner, good in ((right, True), (wrong, False)):
        attempt = exam_service.start_exam(learner, "CPC", T0)
        case_ai = next(ai for ai in attempt.items if ai.section_key == "cases")
        case = attempt_service.version_item(case_ai)
        case_item_id = case_ai.item_id
        if good:
            lists = {
                "diagnoses": [ln.code for ln in case.key.diagnoses if not ln.optional],
                "procedures": [ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in case.key.procedures],
            }
        else:
            lists = {"diagnoses": ["R52"], "procedures": []}
        exam_service.save_answer(learner, attempt.id, case_ai.position, T0 + timedelta(minutes=2), case=lists)
        exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=3))
    b = service.item_breakdown(instructor, service.exam_scope("CPC"), case_item_id)
    assert b.item.type == "case" and (b.served, b.answered) == (2, 2)
    first_dx = next(ln for ln in b.parsed.key.diagnoses if not ln.optional).code
    line = next(ln for ln in b.key_lines if ln.kind == "diagnosis" and ln.expected == first_dx)
    assert line.verdicts.get("correct") == 1 and line.verdicts.get("missing") == 1
    extra = [ln for ln in b.key_lines if ln.expected is None]
    assert extra and sum(ln.total for ln in extra) >= 1  # R52 matched no key line
    assert b.key_lines[-1].expected is None  # codes off the key come last
    # the exam's item table includes the case, scored 0..1
    rows = {r.item.id: r for r in service.analyse_exam(instructor, "CPC").rows}
    assert rows[case_item_id].stats.facility == pytest.approx(0.5)  # 100% and 0%
    assert rows[case_item_id].stats.attempts == 2


def test_another_instructors_draft_is_not_found_in_any_scope(learning_bank):
    owner, rival = make_user("instructor"), make_user("instructor")
    learner = make_user()
    cohort = make_cohort(owner, [learner])
    items = mcqs()
    assignment = make_assignment(cohort, "practice", "A", due_at=T0 + timedelta(days=1))
    exam_attempt(learner, items, [1, 0, 1, 0])
    exam_attempt(learner, items, [1, 0, 1, 0], assignment=assignment, kind="practice")
    draft = items[1]
    draft.origin, draft.author_id, draft.status = "web", rival.id, "draft"
    db.session.commit()
    for scope in (service.exam_scope("CPC"), service.assignment_scope(owner, assignment.id)):
        with pytest.raises(NotFound):
            service.item_breakdown(owner, scope, draft.id)
        assert draft.id not in {row.item.id for row in service.analyse(owner, scope).rows}
        assert service.item_breakdown(rival, service.exam_scope("CPC"), draft.id).item.id == draft.id
