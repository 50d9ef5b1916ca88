"""The exam score report's next steps (issue 18): review filters (missed, flagged, all; the
counts are what each list holds; collapsed by default), "practise this section" on every section
row, "retry the questions I missed" as a practice set, and the learner's earlier attempts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from study.extensions import db
from study.models import Attempt
from study.services import attempts as attempt_service
from study.services import exams

T0 = datetime.now(timezone.utc) - timedelta(days=2)


def _sit(learner, start, right: set[int], flagged: set[int] = frozenset()):
    attempt = exams.start_exam(learner, "CPC", start)
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        if getattr(item, "options", None) is None:
            continue  # the case: left unanswered (missed)
        letters = list(item.answer) if ai.position in right else [next(o.letter for o in item.options if o.letter not in item.answer)]
        shown = attempt_service.to_shown(ai, item, letters)
        exams.save(learner, attempt.id, ai.position, start + timedelta(minutes=1), letters=shown, flag=ai.position in flagged)
    exams.submit(learner, attempt.id, start + timedelta(minutes=5))
    return attempt


def _listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="q(\d+)">', html)]


def test_filters_counts_and_collapsed_review(client, login_as, learning_bank):
    lee = login_as("learner")
    attempt = _sit(lee, T0, right={1, 2}, flagged={2, 3})
    html = client.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    total = len(attempt.items)
    missed = total - 2
    assert f"Missed ({missed})" in html and "Flagged (2)" in html and f"All ({total})" in html
    assert len(_listed(html)) == missed and 1 not in _listed(html)  # missed by default
    assert "<details><summary>Question 3: missed · flagged" in html  # collapsed, with its state
    assert _listed(client.get(f"/exams/attempts/{attempt.id}/result?show=flagged").get_data(as_text=True)) == [2, 3]
    assert len(_listed(client.get(f"/exams/attempts/{attempt.id}/result?show=all").get_data(as_text=True))) == total
    assert "Practise this section" in html and 'href="/practice?exam=CPC&amp;topic=icd-10-cm"' in html


def test_retry_missed_and_the_earlier_attempts(client, login_as, learning_bank):
    lee = login_as("learner")
    first = _sit(lee, T0, right=set())
    second = _sit(lee, T0 + timedelta(hours=3), right={1, 2, 3})
    html = client.get(f"/exams/attempts/{second.id}/result").get_data(as_text=True)
    assert "Compared with your earlier attempts" in html and f"{first.score_pct}%" in html and "points since" in html
    assert "Compared with" not in client.get(f"/exams/attempts/{first.id}/result").get_data(as_text=True)
    response = client.post(f"/exams/attempts/{second.id}/retry-missed")
    assert response.status_code == 302 and re.match(r"/practice/\d+$", response.headers["Location"])
    retry = db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    missed_mcqs = {ai.item_id for ai in second.items if ai.position > 3 and ai.section_key != "cases"}
    assert retry.kind == "practice" and {ai.item_id for ai in retry.items} == missed_mcqs


def test_each_filters_count_is_what_its_page_lists_with_questions_held_back(client, login_as, learning_bank):
    """A second exam running draws the same questions again: the first's review holds their keys
    back, and every filter's count is still the number of questions its page lists."""
    lee = login_as("learner")
    first = _sit(lee, T0, right={1}, flagged={2})
    exams.start_exam(lee, "CPC", datetime.now(timezone.utc))  # running: holds the keys it drew
    html = client.get(f"/exams/attempts/{first.id}/result?show=all").get_data(as_text=True)
    assert "Held back" in html
    for show in ("missed", "flagged", "all"):
        page = client.get(f"/exams/attempts/{first.id}/result?show={show}").get_data(as_text=True)
        count = int(re.search(rf'show={show}#review-h"[^>]*>\w+ \((\d+)\)', page).group(1))
        assert count == len(_listed(page)), show
