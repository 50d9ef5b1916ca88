"""After an instructor's regrade, every learner page that shows a graded answer against its key
tells one story: the current key, the learner's answer, the new verdict, and a note that the item
was regraded (old key, new key, date, the instructor's reason)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from study.extensions import db
from study.services import assignments, bank, practice
from study.services import attempts as attempt_service
from study.services import cases as case_service
from study.services import exams as exam_service
from tests.factories import item_by_key as _item
from tests.factories import make_assignment, make_attempt, make_cohort, make_user
from tests.support import sign_in

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
REASON = "I11.9 needs heart disease documented; B was right."


def _shown(attempt, original):
    ai = attempt.items[0]
    return attempt_service.to_shown(ai, attempt_service.version_item(ai), [original])


def _rekey_mcq(learning_bank):
    """learn-icd-001's key goes from A to B (a new version)."""
    path = learning_bank / "cpc" / "icd-10-cm" / "learn-icd-001.md"
    text = path.read_text(encoding="utf-8").replace("answer: A", "answer: B")
    path.write_text(text.replace("B. SECRET-WHY-learn-icd-001-B", "A. SECRET-WHY-learn-icd-001-A"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1


def _regrade(client, key):
    instructor = make_user("instructor")
    sign_in(client, instructor)
    done = client.post(f"/teach/reports/regrade/{key}", data={"mode": "new-key", "reason": REASON})
    assert done.status_code == 302


def _assert_note(page, old_key, new_key):
    assert "Regraded" in page and REASON in page
    assert f"Old key: <strong>{old_key}</strong>" in page and f"New key: <strong>{new_key}</strong>" in page
    assert datetime.now(timezone.utc).strftime("%Y-%m-%d") in page


def _key_on_choice(page, letter):
    """The option carrying the key badge is the learner's choice (`letter`), and no other has it."""
    keyed = re.findall(r'<li class="key[^"]*">\s*<span class="letter">([A-F])\.</span>', page)
    chosen = re.findall(r'<li class="[^"]*chosen[^"]*">\s*<span class="letter">([A-F])\.</span>', page)
    assert keyed == [letter] and chosen == [letter], (keyed, chosen)


def _mcq_keys(attempt):
    a, b = _shown(attempt, "A")[0], _shown(attempt, "B")[0]
    return a, b, f"{a}. I10", f"{b}. I11.9"


def test_practice_question_and_summary_after_a_regrade(client, learning_bank):
    learner = make_user()
    attempt = make_attempt(learner, [_item("learn-icd-001")], exam="CPC")
    practice.answer(learner, attempt.id, 1, _shown(attempt, "B"), 10.0, T0)
    a, b, old_key, new_key = _mcq_keys(attempt)
    _rekey_mcq(learning_bank)
    _regrade(client, "learn-icd-001")
    sign_in(client, learner)
    page = client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    assert "<h2>Correct</h2>" in page and f"The answer is <strong>{b}</strong>" in page
    _key_on_choice(page, b)
    _assert_note(page, old_key, new_key)
    summary = client.get(f"/practice/{attempt.id}/summary").get_data(as_text=True)
    assert "badge-ok\">Correct" in summary and "Regraded" in summary and "100.0%" in summary


def test_assignment_practice_after_a_regrade(client, learning_bank):
    learner, owner = make_user(), make_user("instructor")
    assignment = make_assignment(make_cohort(owner, [learner]), config={"items": ["learn-icd-001"]}, feedback="attempt")
    attempt = assignments.start_assignment(learner, assignment.id, T0)
    practice.answer(learner, attempt.id, 1, _shown(attempt, "B"), 10.0, T0)  # the set ends: graded
    _, b, old_key, new_key = _mcq_keys(attempt)
    _rekey_mcq(learning_bank)
    _regrade(client, "learn-icd-001")
    sign_in(client, learner)
    page = client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    assert "<h2>Correct</h2>" in page
    _key_on_choice(page, b)
    _assert_note(page, old_key, new_key)


def test_exam_review_after_a_regrade(client, learning_bank):
    learner = make_user()
    config = {"pace_minutes_per_question": 2.4, "pass_percent": 70, "sections": [], "title": "CPC", "minutes": 60}
    exam = make_attempt(learner, [_item("learn-icd-001")], kind="exam", exam="CPC", deadline_at=T0 + timedelta(hours=1), config=config)
    exam_service.save_answer(learner, exam.id, 1, T0, letters=_shown(exam, "B"))
    exam_service.submit(learner, exam.id, T0 + timedelta(minutes=1))
    _, b, old_key, new_key = _mcq_keys(exam)
    _rekey_mcq(learning_bank)
    _regrade(client, "learn-icd-001")
    sign_in(client, learner)
    page = client.get(f"/exams/attempts/{exam.id}/result").get_data(as_text=True)
    assert "<strong>100.0%</strong>" in page and 'badge-ok">Correct' in page
    _key_on_choice(page, b)
    _assert_note(page, old_key, new_key)


def test_case_attempt_after_a_regrade(client, learning_bank):
    learner = make_user()
    attempt = case_service.start_case(learner, "case-pro-0003", T0)
    case_service.submit_case(learner, attempt.id, {"diagnoses": ["S52.501A"], "procedures": ["25600-LT"]}, T0)
    path = learning_bank / "cases" / "professional" / "case-pro-0003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("modifiers: [RT]", "modifiers: [LT]"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1
    _regrade(client, "case-pro-0003")
    sign_in(client, learner)
    page = client.get(f"/cases/attempts/{attempt.id}").get_data(as_text=True)
    assert "Score: <strong>100.0%</strong>" in page
    key = page[page.index("<h4>Key</h4>") :]
    assert "Procedures: 25600-LT" in key and "25600-RT" not in key
    _assert_note(page, "S52.501A | 25600-RT", "S52.501A | 25600-LT")
    db.session.rollback()


def test_no_note_without_a_regrade(client, learning_bank):
    learner = make_user()
    attempt = make_attempt(learner, [_item("learn-icd-001")], exam="CPC")
    practice.answer(learner, attempt.id, 1, _shown(attempt, "B"), 10.0, T0)
    sign_in(client, learner)
    page = client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    assert "<h2>Not quite</h2>" in page and "Regraded" not in page
