"""Instructor pages for problem reports and regrading, and the learner's reports page: roles,
ownership by id, forms that show their errors and change nothing, the whole loop end to end."""

from datetime import datetime, timezone

import sqlalchemy as sa

from study.extensions import db
from study.models import Cohort, Item, ItemReport, RegradeLog, Response
from study.services import attempts as attempt_service
from study.services import bank, practice
from tests.factories import item_by_key as _item
from tests.factories import make_assignment, make_attempt, make_cohort, make_user
from tests.support import sign_in

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _answered(user, key, original):
    attempt = make_attempt(user, [_item(key)], exam="CPC")
    ai = attempt.items[0]
    practice.answer(user, attempt.id, 1, attempt_service.to_shown(ai, attempt_service.version_item(ai), [original]), 10.0, T0)
    return attempt, ai


def _web_item(key, author):
    item = _item(key)
    item.origin, item.author_id = "web", author.id
    db.session.commit()


def test_learners_get_403_on_every_instructor_report_route(client, login_as, learning_bank):
    learner = login_as("learner")
    report = attempt_service.report_problem(learner, "learn-icd-001", "typo", "x")
    for url in ("/teach/reports", f"/teach/reports/{report.id}", "/teach/reports/regrade/learn-icd-001"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/teach/reports/{report.id}", data={"status": "dismissed", "resolution": "x"}).status_code == 403
    assert client.post("/teach/reports/regrade/learn-icd-001", data={"mode": "new-key"}).status_code == 403
    assert db.session.get(ItemReport, report.id).status == "open"


def test_another_instructors_report_and_item_are_refused_by_id(client, login_as, learning_bank):
    learner, ann = make_user(), make_user("instructor")
    _web_item("learn-icd-002", ann)
    report = attempt_service.report_problem(learner, "learn-icd-002", "unclear", "Ann's item")
    login_as("instructor")  # Bob
    assert "Ann&#39;s item" not in client.get("/teach/reports").get_data(as_text=True)
    assert client.get(f"/teach/reports/{report.id}").status_code == 403
    assert client.post(f"/teach/reports/{report.id}", data={"status": "dismissed", "resolution": "mine now"}).status_code == 403
    assert db.session.get(ItemReport, report.id).status == "open"
    assert client.get("/teach/reports/regrade/learn-icd-002").status_code == 403
    assert client.post("/teach/reports/regrade/learn-icd-002", data={"mode": "new-key"}).status_code == 403
    assert client.get("/teach/reports/999999").status_code == 404
    assert client.get("/teach/reports/regrade/no-such-item").status_code == 404
    # Ann and the admins do see it
    login_as("admin")
    assert client.get(f"/teach/reports/{report.id}").status_code == 200


def test_queue_resolve_and_the_learners_reply_page(client, login_as, learning_bank):
    learner = make_user(display_name="Lena Learner")
    _, ai = _answered(learner, "learn-icd-001", "C")
    report = attempt_service.report_problem(learner, "learn-icd-001", "wrong-key", "I think I12.9 is right", ai.id)
    inst = login_as("instructor")
    page = client.get("/teach/reports").get_data(as_text=True)
    assert "learn-icd-001" in page and "I think I12.9 is right" in page and "(bank letter C): I12.9" in page
    assert "<caption>" in page and 'scope="col"' in page
    detail = client.get(f"/teach/reports/{report.id}").get_data(as_text=True)
    assert "/teach/reports/regrade/learn-icd-001" in detail
    # issue 17: a shipped item is fixed in the browser editor, which comes back to the report
    assert f"/teach/items/{report.item_id}?report={report.id}" in detail and "Fix the item in the editor" in detail
    assert "Lena Learner" in detail and "essential (primary) hypertension" in detail

    bad = client.post(f"/teach/reports/{report.id}", data={"status": "replied", "resolution": ""})
    assert bad.status_code == 400 and "Write a few words for the learner." in bad.get_data(as_text=True)
    bad = client.post(f"/teach/reports/{report.id}", data={"resolution": "Hello"})
    assert bad.status_code == 400 and "Choose how the report was resolved." in bad.get_data(as_text=True)
    assert db.session.get(ItemReport, report.id).status == "open"

    done = client.post(f"/teach/reports/{report.id}", data={"status": "replied", "resolution": "I10 is right: no CKD documented."})
    assert done.status_code == 302
    stored = db.session.get(ItemReport, report.id)
    db.session.refresh(stored)
    assert (stored.status, stored.resolved_by) == ("replied", inst.id) and stored.resolved_at is not None
    assert "learn-icd-001" not in client.get("/teach/reports").get_data(as_text=True)
    assert "learn-icd-001" in client.get("/teach/reports?status=resolved").get_data(as_text=True)
    again = client.post(f"/teach/reports/{report.id}", data={"status": "dismissed", "resolution": "x"})
    body = again.get_data(as_text=True)
    assert again.status_code == 409 and "already resolved" in body and "I10 is right" in body
    assert db.session.get(ItemReport, report.id).resolution == "I10 is right: no CKD documented."

    # the learner sees the reply; another learner sees nothing of it
    login_as("learner")
    assert "I10 is right" not in client.get("/my/reports").get_data(as_text=True)
    sign_in(client, learner)
    mine = client.get("/my/reports").get_data(as_text=True)
    assert "I10 is right: no CKD documented." in mine and "learn-icd-001" in mine


def test_regrade_page_previews_applies_and_refuses_a_bad_form(client, login_as, learning_bank):
    learner = make_user()
    attempt, ai = _answered(learner, "learn-icd-001", "B")
    path = learning_bank / "cpc" / "icd-10-cm" / "learn-icd-001.md"
    text = path.read_text(encoding="utf-8").replace("answer: A", "answer: B")
    path.write_text(text.replace("B. SECRET-WHY-learn-icd-001-B", "A. SECRET-WHY-learn-icd-001-A"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1
    login_as("instructor")

    preview = client.get("/teach/reports/regrade/learn-icd-001?mode=best-of").get_data(as_text=True)
    assert "1 would change" in preview and "never regraded" in preview
    bad = client.post("/teach/reports/regrade/learn-icd-001", data={"mode": "whatever"})
    assert bad.status_code == 400 and "error-summary" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 0

    done = client.post("/teach/reports/regrade/learn-icd-001", data={"mode": "new-key"})
    assert done.status_code == 302
    response = db.session.scalar(sa.select(Response).where(Response.attempt_item_id == ai.id))
    db.session.refresh(response)
    db.session.refresh(attempt)
    assert response.correct and response.score == 1.0 and attempt.score_pct == 100.0
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 answer(s) changed" in page and "0 would change" in page and "new-key" in page
    client.post("/teach/reports/regrade/learn-icd-001", data={"mode": "new-key"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegradeLog)) == 1


def test_the_report_links_to_the_editor_for_those_who_may_edit_the_item(app, client, login_as, learning_bank):
    learner = make_user()
    report = attempt_service.report_problem(learner, "learn-icd-001", "typo", "")
    item = _item("learn-icd-001")
    from flask import url_for

    with app.test_request_context():
        editor = url_for("instructor.item_edit", item_id=item.id)
    login_as("admin")
    assert editor in client.get(f"/teach/reports/{report.id}").get_data(as_text=True)
    author = login_as("instructor")
    _web_item("learn-icd-001", author)
    assert editor in client.get(f"/teach/reports/{report.id}").get_data(as_text=True)


def test_my_reports_needs_sign_in(client):
    assert client.get("/my/reports").status_code == 302


# ------------------------------------------------------------------ roles and ownership, the whole issue
def _sample_url(app, rule, values):
    from flask import url_for

    args = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        args[arg] = values.get(arg, 1 if converter in {"IntegerConverter", "FloatConverter"} else "x")
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def _instructor_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("instructor.")]


def test_every_instructor_route_declares_the_role_and_refuses_learners(app, client, login_as, learning_bank):
    """Issue 8, Roles: every /teach route carries role_required(instructor) and answers a learner
    with 403, whatever the method, even for objects that exist."""
    learner = login_as("learner")
    cohort = make_cohort(make_user("instructor"), name="C")
    report = attempt_service.report_problem(learner, "learn-icd-001", "typo", "")
    values = {
        "cohort_id": cohort.id,
        "report_id": report.id,
        "item_id": _item("learn-icd-001").id,
        "key": "learn-icd-001",
        "user_id": learner.id,
        "exam": "CPC",
        "kind": "mcq",
    }
    rules = _instructor_rules(app)
    assert {"instructor.index", "instructor.reports", "instructor.report", "instructor.regrade"} <= {r.endpoint for r in rules}
    checked = 0
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert "instructor" in getattr(view, "required_roles", ()), f"{rule.rule} does not declare role_required(instructor)"
        url = _sample_url(app, rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"anything": "1"})
            # 403, or 404 where the page is about a person (a learner's work: role_required(refusal=404))
            expected = getattr(view, "refusal", 403)
            assert response.status_code == expected, f"{method} {rule.rule} answered a learner with {response.status_code}"
            checked += 1
    assert checked >= 4
    assert db.session.get(ItemReport, report.id).status == "open"


def test_another_instructors_cohort_assignment_item_draft_and_report_by_id(app, client, login_as, learning_bank):
    """Issue 8, Roles: an instructor tries another instructor's objects by id: 403 (404 where it is out of scope) on every
    route of every part that takes such an id, and nothing changes; the owner and admins get in."""
    ann, learner = make_user("instructor"), make_user()
    cohort = make_cohort(ann, [learner], name="Ann's class")
    assignment = make_assignment(cohort, "practice", "Week 1", {"items": ["learn-icd-001"]})
    draft = _item("learn-icd-002")
    draft.origin, draft.author_id = "web", ann.id
    db.session.commit()
    report = attempt_service.report_problem(learner, "learn-icd-002", "unclear", "")  # reported while published
    draft.status = "draft"
    db.session.commit()
    values = {
        "cohort_id": cohort.id,
        "assignment_id": assignment.id,
        "item_id": draft.id,
        "report_id": report.id,
        "key": draft.key,
        "user_id": learner.id,
        "exam": "CPC",
        "kind": "mcq",
    }
    owned_args = {"cohort_id", "assignment_id", "item_id", "report_id", "key"}

    # a well-formed body, so that every route gets as far as its ownership check
    body = {
        "action": "publish",
        "status": "dismissed",
        "resolution": "mine now",
        "mode": "new-key",
        "title": "Taken",
        "kind": "practice",
        "m%d-multiplier" % learner.id: "2",
        "multiplier": "2",
        "answer": "A",
    }
    bob = login_as("instructor")
    checked = set()
    for rule in _instructor_rules(app):
        if not (rule.arguments & owned_args) or rule.endpoint == "instructor.analysis_exam":
            continue  # lists of one's own objects, and whole-exam statistics (not an owned object)
        url = _sample_url(app, rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data=body)
            # the draft is in no exam's statistics: not found there; a learner's work in Ann's cohort is not
            # found for anyone else (study/services/learner_work.py); everywhere else it is Ann's (403)
            hidden = {"instructor.analysis_exam_item", "instructor.cohort_learner", "instructor.cohort_learner_attempt"}
            expected = 404 if rule.endpoint in hidden else 403
            assert response.status_code == expected, f"{method} {rule.rule}: another instructor got {response.status_code}"
            checked.add(rule.endpoint)
    assert {
        "instructor.report",
        "instructor.regrade",
        "instructor.cohort",
        "instructor.item_edit",
        "instructor.analysis_assignment",
        "instructor.analysis_exam_item",
    } <= checked
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).status == "open"
    assert db.session.get(Item, draft.id).status == "draft"
    assert db.session.get(Cohort, cohort.id).name == "Ann's class" and len(db.session.get(Cohort, cohort.id).assignments) == 1
    assert bob.id != ann.id

    # the owner and an admin do get in
    for user in (ann, make_user("admin")):
        sign_in(client, user)
        assert client.get(f"/teach/reports/{report.id}").status_code == 200
        assert client.get(_sample_url(app, app.url_map._rules_by_endpoint["instructor.cohort"][0], values)).status_code == 200
