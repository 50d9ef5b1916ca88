"""The instructor's page of one learner (/teach/cohorts/<id>/learners/<user_id>) and their attempts:
who gets in (the cohort's owner, an admin) and who gets 404 (everyone else, learners included),
what each scope shows, no key in the HTML before the learner's own review shows it, a query count
that does not grow with the learner's attempts, and the learner's consent on the join page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from study.extensions import db
from study.models import CohortMember
from study.services import assignments, cohorts, practice
from study.services import attempts as attempt_service
from tests.factories import make_user
from tests.support import count_statements, sign_in

NOW = datetime.now(timezone.utc).replace(microsecond=0)
DAY = timedelta(days=1)


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _answer_all(user, attempt, right=True):
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        original = list(item.answer) if right else [o.letter for o in item.options if o.letter not in item.answer][:1]
        practice.answer(user, attempt.id, ai.position, attempt_service.to_shown(ai, item, original), 20, NOW)


@pytest.fixture
def cohort_with_lee(app, learning_bank):
    ann, lee = make_user("instructor", display_name="Ann"), make_user(display_name="Lee")
    cohort = cohorts.create_cohort(ann, "Evening CPC", "CPC")
    cohorts.join_cohort(lee, cohort.join_code)
    drill = assignments.create_assignment(
        ann,
        cohort.id,
        assignments.AssignmentSpec("practice", "Drill", NOW - DAY, NOW + DAY, items=["learn-icd-001"], feedback="due", max_attempts=None),
    )
    at_drill = assignments.start_assignment(lee, drill.id, NOW)
    _answer_all(lee, at_drill, right=False)
    own = practice.start_practice(lee, practice.PracticeChoice("CPC", [], None, 2, "all"), NOW)
    _answer_all(lee, own)
    return ann, lee, cohort, drill, at_drill, own


def test_the_owner_sees_the_cohort_scope_and_everyone_else_gets_404(app, cohort_with_lee):
    ann, lee, cohort, drill, at_drill, own = cohort_with_lee
    page_url = f"/teach/cohorts/{cohort.id}/learners/{lee.id}"
    attempt_url = f"{page_url}/attempts/{at_drill.id}"
    page = _client(app, ann).get(page_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lee's work in Evening CPC" in text
    assert "attempts at this cohort&#39;s assignments only" in text and attempt_url in text
    assert "Mastery by section" not in text and "History" not in text and f"/attempts/{own.id}" not in text
    bob = make_user("instructor")
    bobs = cohorts.create_cohort(bob, "Bob's", "CPC")
    cohorts.join_cohort(lee, bobs.join_code)
    stranger = make_user()
    cohorts.join_cohort(stranger, bobs.join_code)
    for who, url in [
        (bob, page_url),  # another instructor
        (bob, attempt_url),
        (bob, f"/teach/cohorts/{bobs.id}/learners/{lee.id}/attempts/{at_drill.id}"),  # through his cohort: outside its scope
        (lee, page_url),  # the learner themselves
        (lee, attempt_url),
        (make_user(), page_url),  # another learner
        (ann, f"/teach/cohorts/{cohort.id}/learners/{stranger.id}"),  # a learner not in the cohort
        (ann, f"/teach/cohorts/{bobs.id}/learners/{lee.id}"),  # a cohort of Bob's the learner is in
        (ann, f"{page_url}/attempts/{own.id}"),  # an attempt outside the scope
    ]:
        assert _client(app, who).get(url).status_code == 404, (who.role, url)
    # an admin: what the owner sees (the learner's consent applies), and no more
    ada = _client(app, make_user("admin"))
    assert ada.get(page_url).status_code == 200 and ada.get(attempt_url).status_code == 200
    assert ada.get(f"{page_url}/attempts/{own.id}").status_code == 404


def test_no_key_in_the_html_before_the_learners_own_review_shows_it(app, cohort_with_lee):
    ann, lee, cohort, drill, at_drill, own = cohort_with_lee
    client = _client(app, ann)
    url = f"/teach/cohorts/{cohort.id}/learners/{lee.id}/attempts/{at_drill.id}"
    held = client.get(url).get_data(as_text=True)
    learner_view = _client(app, lee).get(f"/practice/{at_drill.id}/q/1").get_data(as_text=True)
    assert "does not see the keys of this attempt yet" in held and "answers shown after the due date" in held
    for leak in ("badge-ok\">Answer", "<summary>Rationale", "Their choice", "Missed", "why-not"):
        assert leak not in held and leak not in learner_view
    # after the due date both see the key
    drill_row = db.session.get(type(drill), drill.id)
    drill_row.due_at = NOW - timedelta(minutes=1)
    db.session.commit()
    shown = client.get(url).get_data(as_text=True)
    assert "badge-ok\">Answer" in shown and "Their choice" in shown and "Missed" in shown and "<summary>Rationale" in shown


def test_consent_shows_the_dashboard_and_every_attempt_read_only(app, cohort_with_lee):
    ann, lee, cohort, drill, at_drill, own = cohort_with_lee
    cohorts.set_sharing(lee, cohort.id, True)
    client = _client(app, ann)
    text = client.get(f"/teach/cohorts/{cohort.id}/learners/{lee.id}").get_data(as_text=True)
    assert "agreed to share their general progress" in text and "Mastery by section" in text and "History" in text
    assert f"/teach/cohorts/{cohort.id}/learners/{lee.id}/attempts/{own.id}" in text
    assert "Practise 10 now" not in text and "/practice?" not in text and "Your data" not in text  # read-only
    review = client.get(f"/teach/cohorts/{cohort.id}/learners/{lee.id}/attempts/{own.id}").get_data(as_text=True)
    main = review.split("<main", 1)[-1].split("</main>")[0]
    assert main.count('<li id="q') == 2 and "Their choice" in main and "<form" not in main


@pytest.mark.parametrize("share", [False, True])
def test_the_page_runs_the_same_statements_for_few_and_many_attempts(app, learning_bank, share):
    ann = make_user("instructor")
    cohort = cohorts.create_cohort(ann, "Evening CPC", "CPC")
    drill = assignments.create_assignment(
        ann,
        cohort.id,
        assignments.AssignmentSpec("practice", "Drill", NOW - DAY, NOW + DAY, items=["learn-icd-001"], feedback="each", max_attempts=None),
    )
    client = _client(app, ann)
    counts = {}
    for size in (2, 12):
        learner = make_user()
        cohorts.join_cohort(learner, cohort.join_code, share_progress=share)
        for _ in range(size):
            attempt = assignments.start_assignment(learner, drill.id, NOW)
            _answer_all(learner, attempt)
            _answer_all(learner, practice.start_practice(learner, practice.PracticeChoice("CPC", [], None, 1, "all"), NOW))
        url = f"/teach/cohorts/{cohort.id}/learners/{learner.id}"
        client.get(url)
        with count_statements() as statements:
            assert client.get(url).status_code == 200
        counts[size] = len(statements)
    assert counts[2] == counts[12], counts
    assert counts[12] <= (15 if share else 7), counts  # measured: 7, and 15 with the progress dashboard


def test_the_join_form_asks_for_consent_and_the_learner_changes_it(app, client, login_as, learning_bank):
    ann = make_user("instructor")
    cohort = cohorts.create_cohort(ann, "Evening CPC", "CPC")
    lee = login_as("learner")
    form = client.get("/cohorts/join").get_data(as_text=True)
    assert "Also let this cohort&#39;s instructor see my general progress" in form and 'name="share_progress"' in form
    assert 'checked' not in form.split('name="share_progress"')[0].rsplit("<input", 1)[-1]  # not shared by default
    assert client.post("/cohorts/join", data={"code": cohort.join_code}).status_code == 302
    member = db.session.get(CohortMember, (cohort.id, lee.id))
    assert member.share_progress is False
    page = client.get("/cohorts/join").get_data(as_text=True)
    assert "the instructor sees only your attempts at this cohort's assignments" in page
    assert client.post(f"/cohorts/{cohort.id}/sharing", data={"share": "1"}).status_code == 302
    db.session.refresh(member)
    assert member.share_progress is True
    assert "Stop sharing my general progress with Evening CPC" in client.get("/cohorts/join").get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/sharing", data={"share": "0"}).status_code == 302
    db.session.refresh(member)
    assert member.share_progress is False
    other = cohorts.create_cohort(ann, "Other", None)
    assert client.post(f"/cohorts/{other.id}/sharing", data={"share": "1"}).status_code == 404
    # joining with the box ticked
    second = cohorts.create_cohort(ann, "Morning", None)
    assert client.post("/cohorts/join", data={"code": second.join_code, "share_progress": "y"}).status_code == 302
    assert db.session.get(CohortMember, (second.id, lee.id)).share_progress is True


def test_names_and_scores_on_the_cohort_dashboard_link_to_the_learner(app, cohort_with_lee):
    ann, lee, cohort, drill, at_drill, own = cohort_with_lee
    text = _client(app, ann).get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    learner_url = f"/teach/cohorts/{cohort.id}/learners/{lee.id}"
    assert text.count(f'href="{learner_url}">Lee</a>') == 3  # results, heatmap, members
    assert f'href="{learner_url}#assignment-work-h" aria-label="Lee: 0.0% on Drill">0.0%</a>' in text
    assert f'href="{learner_url}/attempts/{at_drill.id}"' in text
    assert text.count('role="region"') >= 4 and text.count('tabindex="0"') >= 4  # wide tables scroll in a labelled region
