"""URL-map-wide checks, enumerated from the app's routes so a new route is covered the day it is
added: every route with an id refuses other users' objects, every JSON endpoint answers malformed
bodies with 4xx, and a NUL byte in any text input gets a clear 400 and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, CareerAssessment, Item, ItemReport, UserSession
from study.services import assignments, bank, cases, cohorts, exams, practice, user_sessions
from study.services import attempts as attempt_service
from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import count_statements, sign_in

NOW = datetime.now(timezone.utc)
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# bodies that pass a route's own input checks, for the routes that check input before ownership
WELL_FORMED = {
    ("POST", "instructor.item_status"): {"data": {"action": "publish"}},
    ("POST", "learner.api_case_attempt_draft"): {"json": {"dx": ["I10"]}},
}

# routes whose service answers another user's object as missing (404), so that its existence is not
# told; every other route with an id refuses it with 403
NOT_FOUND_FOR_OTHERS = {
    "careers.saved",  # another user's saved result
    "auth.revoke_session",  # another user's session
    "learner.assignment_start",  # an assignment of a cohort the learner is not in
    "learner.cohort_sharing",  # a cohort the learner is not in
    "learner.report_answer_dismiss",  # another learner's report
    "learner.report_answer_open",
    "instructor.cohort_learner",  # a learner of another instructor's cohort (study/services/learner_work.py)
    "instructor.cohort_learner_attempt",
}


@dataclass
class World:
    """Objects owned by `owner` (a learner) and `teacher` (an instructor), and two intruders of
    the same roles who own nothing of theirs."""

    owner: object
    teacher: object
    ids: dict


@pytest.fixture
def world(app, tmp_path):
    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    owner, teacher = make_user(), make_user("instructor")
    e = exams.start_exam(owner, "CPC", NOW)  # first: practice and cases then keep clear of its items
    p = practice.start_practice(owner, practice.PracticeChoice("CPC", [], None, 2, "all"), NOW)
    in_exam = {ai.item_id for ai in e.items}
    case_key = db.session.scalar(sa.select(Item.key).where(Item.type == "case", Item.id.not_in(in_exam)).order_by(Item.key))
    c = cases.start_case(owner, case_key, NOW)
    cohort = cohorts.create_cohort(teacher, "Mine", "CPC")
    cohorts.join_cohort(owner, cohort.join_code, share_progress=True)  # the teacher may open all their attempts
    assignment = assignments.create_assignment(
        teacher, cohort.id, assignments.AssignmentSpec("exam", "Mock", NOW - timedelta(hours=1), NOW + timedelta(days=1), exam="CPC")
    )
    authored, draft = db.session.scalars(
        sa.select(Item).where(Item.type == "mcq", Item.id.not_in(in_exam)).order_by(Item.key.desc()).limit(2)
    ).all()
    for item in (authored, draft):
        item.origin, item.author_id = "web", teacher.id
    db.session.commit()
    report = attempt_service.report_problem(owner, authored.key, "typo", "a typo")
    draft.status = "draft"
    user_sessions.sign_in(owner)
    assessment = CareerAssessment(user_id=owner.id, recommended_path="billing", recommended_certification="CPB", weekly_hours=5)
    db.session.add(assessment)
    db.session.commit()
    ids = {
        "practice": p.id,
        "case": c.id,
        "exam": e.id,
        "cohort_id": cohort.id,
        "assignment_id": assignment.id,
        "item_id": draft.id,
        "report_id": report.id,
        "session_id": db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == owner.id)),
        "assessment_id": assessment.id,
        "user_id": owner.id,
        "position": 1,
    }
    return World(owner, teacher, ids)


def _attempt_kind(endpoint: str) -> str:
    if "practice" in endpoint:
        return "practice"
    if "case" in endpoint:
        return "case"
    return "exam"


def _owned_url(app, rule, world: World) -> str | None:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        if converter != "IntegerConverter":
            return None  # keys and codes are shared content, not anybody's objects
        values[arg] = world.ids[_attempt_kind(rule.endpoint)] if arg == "attempt_id" else world.ids[arg]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("admin.") or "<int:" not in rule.rule:
            continue
        yield rule


def test_every_route_with_an_id_refuses_other_users_objects(app, world):
    owner_client, teacher_client = app.test_client(), app.test_client()
    sign_in(owner_client, world.owner)
    sign_in(teacher_client, world.teacher)
    intruders = {}
    for role in ("learner", "instructor"):
        intruders[role] = app.test_client()
        sign_in(intruders[role], make_user(role))
    checked = []
    for rule in _id_routes(app):
        url = _owned_url(app, rule, world)
        if url is None:
            continue
        teaching = rule.rule.startswith("/teach/") or "/members/" in rule.rule
        rightful = teacher_client if teaching else owner_client
        intruder = intruders["instructor" if teaching else "learner"]
        if "GET" in rule.methods:
            # the sample really is the rightful user's: they are served (else this check proves nothing)
            assert rightful.get(url).status_code < 400, f"GET {url} refused its owner"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # a well-formed request, so that only ownership can refuse it
            body = {"json": {"position": 1, "letters": ["A"]}} if rule.rule.startswith("/api/") and method != "GET" else {"data": {}}
            body = WELL_FORMED.get((method, rule.endpoint), body)
            status = intruder.open(url, method=method, **body).status_code
            expected = 404 if rule.endpoint in NOT_FOUND_FOR_OTHERS else 403
            assert status == expected, f"{method} {rule.rule} gave {status} to another user, not {expected}"
            checked.append((method, rule.rule))
    assert len(checked) >= 25, checked


def _counts():
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_every_json_endpoint_answers_malformed_bodies_with_4xx(app, world):
    client = app.test_client()
    sign_in(client, world.owner)
    bodies = [
        ("application/json", b"[1, 2]"),
        ("application/json", b'"a string"'),
        ("application/json", b"null"),
        ("application/json", b"{not json"),
        ("application/json", b""),
        ("application/json", b'{"position": Infinity, "letters": ["A"]}'),
        ("application/json", b'{"position": NaN}'),
        ("application/json", b'{"position": 1e999, "letters": ["A"]}'),
        ("application/json", b"[" * 5000 + b"]" * 5000),
        ("application/json", b'{"position": "1", "letters": "A"}'),
        ("application/json", b'{"position": 1, "letters": [[[["A"]]]]}'),
        ("application/x-www-form-urlencoded", b"position=1&letters=A"),
        ("text/plain", b'{"position": 1, "letters": ["A"]}'),
    ]
    checked = 0
    before = _counts()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or not (rule.methods & STATE_CHANGING):
            continue
        url = _owned_url(app, rule, world) or _any_url(app, rule)  # a case's draft is keyed by the case
        for method in sorted(rule.methods & STATE_CHANGING):
            for content_type, body in bodies:
                response = client.open(url, method=method, data=body, content_type=content_type)
                assert 400 <= response.status_code < 500, f"{method} {rule.rule} {body[:40]!r}: {response.status_code}"
                assert response.get_json() and "saved" not in response.get_json()
                checked += 1
    assert checked >= len(bodies)
    assert _counts() == before


def test_every_text_input_gets_a_clear_400_for_a_nul_byte(app, world):
    """A NUL in the query or the form of any route, public or private, is refused before anything runs."""
    admin = app.test_client()
    sign_in(admin, make_user("admin"))
    before = _counts()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = _owned_url(app, rule, world) or _any_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method in STATE_CHANGING:
                response = admin.open(url, method=method, data={"text": "a\x00b", "email": "x@example.org\x00", "comment": "\x00"})
            else:
                response = admin.open(url + ("&" if "?" in url else "?") + "q=a%00b", method=method)
            assert response.status_code == 400 and "NUL" in response.get_data(as_text=True), f"{method} {rule.rule}"
            checked += 1
    assert checked >= 60
    assert _counts() == before


def _any_url(app, rule):
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        values[arg] = 1 if converter == "IntegerConverter" else "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_reports_and_assignments_in_the_world_are_what_the_checks_assume(world):
    assert db.session.get(ItemReport, world.ids["report_id"]).user_id == world.owner.id
    assert db.session.get(Assignment, world.ids["assignment_id"]).cohort.owner_id == world.teacher.id


# the most statements a learner's page may run (tests/views/test_query_budgets.py holds the
# main pages to their own budgets, at two sizes)
LEARNER_PAGE_CEILING = 12


def test_every_learner_page_runs_a_bounded_number_of_statements(app, world):
    """Every GET page of the learner and main blueprints (with the world's ids), warm."""
    client = app.test_client()
    sign_in(client, world.owner)
    counts = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.endpoint.startswith(("learner.", "main.")):
            continue
        url = _owned_url(app, rule, world) if rule.arguments else rule.rule
        if url is None:
            continue
        client.get(url)
        with count_statements() as statements:
            status = client.get(url).status_code
        assert status < 400, f"GET {url}: {status}"
        counts[url] = len(statements)
    assert len(counts) >= 15, counts
    assert max(counts.values()) <= LEARNER_PAGE_CEILING, {url: n for url, n in counts.items() if n > LEARNER_PAGE_CEILING}
