"""Cohort pages: roles, ownership by id, forms that show the field's error and change nothing,
the learner's join / assignments / start flow, the home page section and the CSV export."""

import re
from datetime import datetime, timedelta, timezone

from study.extensions import db
from study.models import Assignment, Attempt, Cohort, CohortMember
from study.services import assignments, cohort_results, cohorts
from tests.factories import make_user

NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def _local(dt):
    return dt.strftime("%Y-%m-%dT%H:%M")


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _assignment_form(**kw):
    data = {
        "title": "Week 1",
        "kind": "practice",
        "items": "learn-icd-001, learn-icd-002",
        "opens_at": _local(NOW - timedelta(hours=1)),
        "due_at": _local(NOW + timedelta(days=2)),
        "size": "10",
    }
    data.update(kw)
    return data


def test_learners_get_403_on_every_instructor_cohort_route(client, login_as, app):
    login_as("learner")
    other = make_user("instructor")
    cohort = cohorts.create_cohort(other, "X", None)
    for method, url in [
        ("GET", "/teach/cohorts"),
        ("POST", "/teach/cohorts"),
        ("GET", f"/teach/cohorts/{cohort.id}"),
        ("GET", f"/teach/cohorts/{cohort.id}/assignments/new"),
        ("POST", f"/teach/cohorts/{cohort.id}/assignments/new"),
        ("POST", f"/teach/cohorts/{cohort.id}/members/1/extra-time"),
        ("GET", f"/teach/cohorts/{cohort.id}/results.csv"),
    ]:
        assert client.open(url, method=method).status_code == 403, url


def test_create_cohort_and_see_only_your_own(client, login_as, learning_bank):
    other = make_user("instructor")
    theirs = cohorts.create_cohort(other, "Their class", None)
    login_as("instructor")
    bad = client.post("/teach/cohorts", data={"name": "", "exam": "CPC"})
    assert bad.status_code == 400 and "Give the cohort a name." in bad.get_data(as_text=True)
    assert _count(Cohort) == 1
    made = client.post("/teach/cohorts", data={"name": "Evening CPC", "exam": "CPC"})
    assert made.status_code == 302
    mine = db.session.scalar(db.select(Cohort).where(Cohort.name == "Evening CPC"))
    page = client.get("/teach/cohorts").get_data(as_text=True)
    assert "Evening CPC" in page and mine.join_code in page and "Their class" not in page
    assert mine.join_code in client.get(made.headers["Location"]).get_data(as_text=True)
    # another instructor's cohort by id: it exists, so the refusal is 403; a missing one is 404
    for url in (f"/teach/cohorts/{theirs.id}", f"/teach/cohorts/{theirs.id}/assignments/new", f"/teach/cohorts/{theirs.id}/results.csv"):
        assert client.get(url).status_code == 403, url
        assert client.get(url.replace(f"/{theirs.id}", f"/{theirs.id + 1000}")).status_code == 404, url
    assert client.post(f"/teach/cohorts/{theirs.id}/assignments/new", data=_assignment_form()).status_code == 403
    assert _count(Assignment) == 0


def test_admin_sees_every_cohort(client, login_as, app):
    cohort = cohorts.create_cohort(make_user("instructor"), "Somebody's class", None)
    login_as("admin")
    assert "Somebody&#39;s class" in client.get("/teach/cohorts").get_data(as_text=True)
    assert client.get(f"/teach/cohorts/{cohort.id}").status_code == 200


def test_assignment_form_shows_the_field_error_and_changes_nothing(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    assert client.get(url).status_code == 200
    bad_cases = [
        (_assignment_form(due_at=_local(NOW - timedelta(days=1))), "The due date must be after the opening date."),
        (_assignment_form(due_at="tomorrow-ish"), "Enter a date and time"),
        (_assignment_form(items="learn-icd-001 nope-999"), "No published question or billing exercise with id: nope-999."),
        (_assignment_form(kind="exam", exam="NOPE", items=""), "Not a valid choice"),
    ]
    for data, message in bad_cases:
        response = client.post(url, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body, message
        assert 'aria-invalid="true"' in body or "error" in body
    assert _count(Assignment) == 0
    assert client.post(url, data=_assignment_form()).status_code == 302
    [assignment] = db.session.scalars(db.select(Assignment)).all()
    assert assignment.config == {"items": ["learn-icd-001", "learn-icd-002"]}
    assert assignment.opens_at.tzinfo is not None


def test_extra_time_is_validated_and_saved(client, login_as, app):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", None)
    learner = make_user(display_name="Cara")
    cohorts.join_cohort(learner, cohort.join_code)
    url = f"/teach/cohorts/{cohort.id}/members/{learner.id}/extra-time"
    bad = client.post(url, data={f"m{learner.id}-multiplier": "4"})
    assert bad.status_code == 400 and "Enter a number between 1.0 and 3.0." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert cohorts.extra_time(cohort.id, learner.id) == 1.0
    assert client.post(url, data={f"m{learner.id}-multiplier": "1.5"}).status_code == 302
    db.session.expire_all()
    assert cohorts.extra_time(cohort.id, learner.id) == 1.5
    # not a member / not my cohort
    stranger = make_user()
    assert (
        client.post(f"/teach/cohorts/{cohort.id}/members/{stranger.id}/extra-time", data={f"m{stranger.id}-multiplier": "2"}).status_code
        == 404
    )
    theirs = cohorts.create_cohort(make_user("instructor"), "Theirs", None)
    cohorts.join_cohort(stranger, theirs.join_code)
    assert (
        client.post(f"/teach/cohorts/{theirs.id}/members/{stranger.id}/extra-time", data={f"m{stranger.id}-multiplier": "2"}).status_code
        == 403
    )
    db.session.expire_all()
    assert cohorts.extra_time(theirs.id, stranger.id) == 1.0


def test_learner_joins_sees_and_starts_an_assignment(client, login_as, learning_bank):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Evening CPC", "CPC")
    spec = assignments.AssignmentSpec(
        "practice", "Week 1 drill", NOW - timedelta(hours=1), NOW + timedelta(days=1), items=["learn-icd-001"]
    )
    assignment = assignments.create_assignment(teacher, cohort.id, spec)
    later = assignments.create_assignment(
        teacher, cohort.id, assignments.AssignmentSpec("exam", "Mock exam", NOW + timedelta(days=3), NOW + timedelta(days=4), exam="CPC")
    )
    learner = login_as("learner")
    assert "Join a cohort" in client.get("/").get_data(as_text=True)
    bad = client.post("/cohorts/join", data={"code": "WRONGCOD"})
    assert bad.status_code == 400 and "No cohort has this join code" in bad.get_data(as_text=True)
    assert _count(CohortMember) == 0
    assert client.post("/cohorts/join", data={"code": cohort.join_code.lower()}).status_code == 302
    page = client.get("/assignments").get_data(as_text=True)
    assert "Week 1 drill" in page and "Mock exam" in page and "Not open yet" in page
    home = client.get("/").get_data(as_text=True)
    assert "Week 1 drill" in home and "Mock exam" not in home  # only open ones on the home page
    assert client.post(f"/assignments/{later.id}/start").status_code == 302  # not open: flash, no attempt
    assert _count(Attempt) == 0
    start = client.post(f"/assignments/{assignment.id}/start")
    assert start.status_code == 302 and "/practice/" in start.headers["Location"]
    attempt = db.session.scalar(db.select(Attempt))
    assert attempt.assignment_id == assignment.id and attempt.user_id == learner.id
    question = client.get(client.get(start.headers["Location"]).headers["Location"]).get_data(as_text=True)
    assert not re.search(r"SECRET-(RATIONALE|WHY)", question)


def test_learner_cannot_start_another_cohorts_assignment(client, login_as, learning_bank):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Closed class", None)
    assignment = assignments.create_assignment(
        teacher,
        cohort.id,
        assignments.AssignmentSpec("practice", "Theirs", NOW - timedelta(hours=1), NOW + timedelta(days=1), items=["learn-icd-001"]),
    )
    login_as("learner")
    assert client.post(f"/assignments/{assignment.id}/start").status_code == 404
    assert "Theirs" not in client.get("/assignments").get_data(as_text=True)
    assert _count(Attempt) == 0


def test_dashboard_and_csv(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    spec = assignments.AssignmentSpec("practice", "Drill", NOW - timedelta(hours=1), NOW + timedelta(days=1), items=["learn-icd-001"])
    assignments.create_assignment(teacher, cohort.id, spec)
    learner = make_user(display_name="Dee")
    cohorts.join_cohort(learner, cohort.join_code, share_progress=True)
    cohorts.join_cohort(make_user(display_name="Eve"), cohort.join_code)  # does not share
    page = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Mastery by section" in page and 'class="heat heat-none"' in page and "Dee" in page
    assert page.count("Not shared: this learner keeps their general progress to themselves") == 1
    assert "not enough evidence" in page and "0 of 2" in page
    csv_response = client.get(f"/teach/cohorts/{cohort.id}/results.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    text = csv_response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(cohort_results.CSV_HEADER)
    assert "Dee" in text and "not started" in text


def test_learner_starts_a_case_of_a_case_set_and_an_exam_with_extra_time(client, login_as, learning_bank):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Mixed", "CPC")
    window = (NOW - timedelta(hours=1), NOW + timedelta(days=1))
    case_set = assignments.create_assignment(
        teacher, cohort.id, assignments.AssignmentSpec("cases", "Cases", *window, items=["case-ip-0001"])
    )
    exam = assignments.create_assignment(teacher, cohort.id, assignments.AssignmentSpec("exam", "Mock", *window, exam="CPC"))
    learner = login_as("learner")
    cohorts.join_cohort(learner, cohort.join_code)
    cohorts.set_extra_time(teacher, cohort.id, learner.id, 2.0)
    page = client.get("/assignments").get_data(as_text=True)
    assert "case-ip-0001: start" in page
    assert client.post(f"/assignments/{case_set.id}/start", data={"case": "learn-icd-001"}).status_code == 404
    started = client.post(f"/assignments/{case_set.id}/start", data={"case": "case-ip-0001"})
    assert started.status_code == 302 and "/cases/attempts/" in started.headers["Location"]
    started = client.post(f"/assignments/{exam.id}/start")
    assert started.status_code == 302 and "/exams/attempts/" in started.headers["Location"]
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.kind == "exam"))
    assert attempt.assignment_id == exam.id and attempt.extra_time_multiplier == 2.0
    assert (attempt.deadline_at - attempt.started_at) == timedelta(minutes=120)


def test_assignment_form_sets_the_attempt_and_feedback_policy(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    assert '<label for="max_attempts">Attempts allowed</label>' in page and 'name="max_attempts"' in page and 'value="1"' in page
    assert "When learners see the answers and explanations" in page and "Which attempt counts" in page
    assert re.search(r'<input[^>]*checked[^>]*value="attempt"|<input[^>]*value="attempt"[^>]*checked', page)
    assert re.search(r'<input[^>]*checked[^>]*value="first"|<input[^>]*value="first"[^>]*checked', page)
    assert 'name="retake_fresh"' in page and "A retake draws fresh questions" in page
    bad_cases = [
        (_assignment_form(max_attempts="0"), "Allow between 1 and"),
        (_assignment_form(max_attempts="many"), "Not a valid integer value."),
        (_assignment_form(feedback="never"), "Not a valid choice"),
        (_assignment_form(counts="average"), "Not a valid choice"),
        (_assignment_form(retake_fresh="y"), "Fresh questions on a retake need a practice rule or an exam"),
    ]
    for data, message in bad_cases:
        response = client.post(url, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body, message
    assert _count(Assignment) == 0
    data = _assignment_form(items="", topics="icd-10-cm", size="3", max_attempts="3", feedback="due", counts="best", retake_fresh="y")
    assert client.post(url, data=data).status_code == 302
    [assignment] = db.session.scalars(db.select(Assignment)).all()
    assert (assignment.max_attempts, assignment.feedback, assignment.counts, assignment.retake_fresh) == (3, "due", "best", True)
    board = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    assert "3 attempts, fresh questions on a retake; answers shown after the due date; the best attempt counts" in board
    unlimited = client.post(url, data=_assignment_form(title="Open drill", max_attempts="", feedback="each", counts="last"))
    assert unlimited.status_code == 302
    assert db.session.scalar(db.select(Assignment).where(Assignment.title == "Open drill")).max_attempts is None


def test_dashboard_lists_every_attempt_and_which_counts(client, login_as, learning_bank):
    from study.services import practice

    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    spec = assignments.AssignmentSpec(
        "practice", "Drill", NOW - timedelta(hours=1), NOW + timedelta(days=1), items=["learn-icd-001"], max_attempts=2, counts="last"
    )
    assignment = assignments.create_assignment(teacher, cohort.id, spec)
    learner = make_user(display_name="Eve")
    cohorts.join_cohort(learner, cohort.join_code)
    for n in range(2):
        attempt = assignments.start_assignment(learner, assignment.id, NOW + n * timedelta(minutes=1))
        practice.end_early(learner, attempt.id, NOW + n * timedelta(minutes=1))
    page = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    cell = re.search(r'<ul class="plain attempts">.*?</ul>', page, re.S).group(0)
    shown = re.sub(r"<(?!/span)[^>]+>", "", cell)  # the text read, each attempt a link to its review
    assert "attempt 1: 0.0%" in shown and "attempt 2: 0.0%" in shown
    assert shown.count("counts</span>") == 1 and shown.index("attempt 2:") < shown.index("counts</span>")
    assert cell.count(f"/teach/cohorts/{cohort.id}/learners/{learner.id}/attempts/") == 2
    text = client.get(f"/teach/cohorts/{cohort.id}/results.csv").get_data(as_text=True)
    assert len(text.splitlines()) == 3  # the header and one row per attempt
