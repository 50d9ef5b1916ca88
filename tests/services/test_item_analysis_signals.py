"""Item analysis that does not cry wolf: no flag below the minimum number of responses, a planted
wrong key found (MCQ and coding case, from attempts graded as the site grades them), exams taken
before a learner joined the cohort left out, and an instructor's "try an answer" never counted."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, AttemptItem, Item, Response
from study.services import item_analysis as service
from study.services.grading import grade_response, parsed_version
from tests.factories import T0, make_cohort, make_user
from tests.services.test_item_analysis import exam_attempt, mcqs


def plant_miskeyed_mcq(instructor, learners=24, n_items=4):
    """`learners` learners in the instructor's cohort take learn-icd-001..004 (and up to 008).
    learn-icd-003's key says C; the strong half answer the others right (but the second of the
    first four wrong) and choose B on it; the weak half answer them wrong and choose the key C."""
    people = [make_user() for _ in range(learners)]
    make_cohort(instructor, people)
    items = mcqs(n_items)
    suspect = items[2]
    assert list(parsed_version(suspect.current_version).answer) == ["C"]
    for n, learner in enumerate(people):
        strong = n < learners // 2
        marks = ([1, 1, 0, 1] if strong else [n % 2, 0, 1, 0]) + [int(strong)] * (n_items - 4)
        exam_attempt(learner, items, marks, selected={suspect.id: ["B"] if strong else ["C"]})
    return items, suspect


def test_a_planted_wrong_key_is_found_and_shown_to_the_owner(learning_bank):
    instructor = make_user("instructor")
    items, suspect = plant_miskeyed_mcq(instructor)
    result = service.analyse_exam(instructor, "CPC", min_responses=20)
    assert [row.item.key for row in result.wrong_keys] == [suspect.key]
    (signal,) = next(row for row in result.rows if row.item.id == suspect.id).wrong_key
    # 24 answers: the upper group is max(ceil(0.27 * 24), min(10, 12)) = 10 by rank, and every
    # attempt tied with the 10th: the 12 strong learners (rest score 3)
    assert (signal.kind, signal.suspect, signal.suspect_count, signal.key, signal.key_count, signal.upper) == (
        "distractor",
        "B",
        12,
        "C",
        0,
        12,
    )
    assert signal.message == "Possible wrong key: 12 of the 12 strongest learners chose B, 0 chose the key C."
    breakdown = service.item_breakdown(instructor, service.exam_scope("CPC"), suspect.id, min_responses=20)
    assert breakdown.wrong_key == (signal,)
    assert service.item_breakdown(instructor, service.exam_scope("CPC"), items[0].id, min_responses=20).wrong_key == ()
    # the item list's badges: the same signal, in the CPC analysis
    found = service.suspects_in_exams(instructor, items, min_responses=20)
    assert list(found) == [suspect.id] and [(s.exam, s.signal) for s in found[suspect.id]] == [("CPC", signal)]
    # another instructor sees none of these learners: nothing to suspect
    assert service.suspects_in_exams(make_user("instructor"), items, min_responses=20) == {}


def test_no_flag_and_no_wrong_key_below_the_minimum(learning_bank):
    instructor = make_user("instructor")
    items, suspect = plant_miskeyed_mcq(instructor)
    result = service.analyse_exam(instructor, "CPC", min_responses=25)
    assert result.attempts == 24
    assert result.flagged == [] and result.wrong_keys == []
    assert all(not row.stats.enough and row.stats.flags == () for row in result.rows)
    assert service.suspects_in_exams(instructor, items, min_responses=25) == {}
    low = service.analyse_exam(instructor, "CPC", min_responses=24)
    row = next(r for r in low.rows if r.item.id == suspect.id)
    assert row.stats.enough and row.stats.flags == ("negative-discrimination",) and row.wrong_key
    # the default is the site's 20
    assert service.analyse_exam(instructor, "CPC").min_responses == 20


def _case_item() -> Item:
    return db.session.scalars(sa.select(Item).where(Item.type == "case").order_by(Item.key)).first()


def test_a_case_key_line_most_strong_learners_contradict_is_found(learning_bank):
    """Twenty learners: the ten strongest on the MCQs enter another first diagnosis than the key's
    (graded and stored as the site does); the ten weakest enter the key."""
    instructor = make_user("instructor")
    people = [make_user() for _ in range(20)]
    make_cohort(instructor, people)
    items, case = mcqs(), _case_item()
    parsed = parsed_version(case.current_version)
    first = next(line for line in parsed.key.diagnoses if not line.optional)
    others = [line.code for line in parsed.key.diagnoses if not line.optional and line is not first]
    procedures = [ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in parsed.key.procedures if not ln.optional]
    pcs = [ln.code for ln in parsed.key.pcs if not ln.optional]
    for n, learner in enumerate(people):
        strong = n < 10
        attempt = exam_attempt(learner, items, [1, 1, 1, 1] if strong else [1, 0, 0, 0])
        answer = {"diagnoses": (["R52"] if strong else [first.code]) + others, "procedures": procedures, "pcs": pcs}
        graded = grade_response(case.current_version, answer)
        ai = AttemptItem(attempt_id=attempt.id, position=5, item_id=case.id, item_version_id=case.current_version_id)
        db.session.add(ai)
        db.session.flush()
        db.session.add(
            Response(
                attempt_item_id=ai.id,
                user_id=learner.id,
                item_id=case.id,
                answer_json=json.dumps(answer),
                report_json=json.dumps(graded.report),
                score=graded.score,
                correct=graded.correct,
            )
        )
        db.session.commit()
    result = service.analyse_exam(instructor, "CPC", min_responses=20)
    (signal,) = next(row for row in result.rows if row.item.id == case.id).wrong_key
    assert (signal.kind, signal.suspect, signal.key, signal.suspect_count, signal.key_count, signal.upper) == (
        "key-line",
        first.code,
        "diagnosis",
        10,
        0,
        10,
    )
    assert [row.item.id for row in result.wrong_keys] == [case.id]
    assert service.analyse_exam(instructor, "CPC", min_responses=21).wrong_keys == []


def test_an_exam_taken_before_joining_the_cohort_is_not_the_cohorts(learning_bank):
    instructor, admin = make_user("instructor"), make_user("admin")
    early, late = make_user(), make_user()
    make_cohort(instructor, [early])  # joined a month before T0
    make_cohort(instructor, [late], "Late class", joined_at=T0 + timedelta(days=1))
    items = mcqs()
    exam_attempt(early, items, [1, 0, 1, 0])
    before = exam_attempt(late, items, [1, 1, 1, 1])  # started at T0: before joining
    after = exam_attempt(late, items, [0, 0, 0, 1])
    after.started_at = T0 + timedelta(days=2)
    db.session.commit()
    result = service.analyse_exam(instructor, "CPC", min_responses=1)
    assert result.attempts == 2
    matrix = service.score_matrix(instructor, service.exam_scope("CPC"))
    assert before.id not in matrix.attempt_ids.tolist() and after.id in matrix.attempt_ids.tolist()
    assert [(e.exam, e.attempts) for e in service.exam_overview(instructor)] == [("CPC", 2)]
    # joining on the very minute the exam starts counts
    after.started_at = T0 + timedelta(days=1)
    db.session.commit()
    assert service.analyse_exam(instructor, "CPC").attempts == 2
    # admins see every learner's attempts, whatever the cohorts
    assert service.analyse_exam(admin, "CPC").attempts == 3


def test_trying_an_answer_stores_nothing_and_counts_nowhere(client, learning_bank):
    """The item page's "try an answer" grades in memory: no attempt, no response, nothing to analyse."""
    from tests.support import sign_in

    admin = make_user("admin")
    item = mcqs(1)[0]
    sign_in(client, admin.id)
    assert client.get(f"/teach/items/{item.id}/try").status_code == 200
    response = client.post(f"/teach/items/{item.id}/try", data={"selected": ["A"]})
    assert response.status_code == 200 and "Correct" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert service.exam_overview(admin) == []
