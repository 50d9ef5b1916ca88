"""The assignment form without typing ids and without JavaScript: the item picker's buttons (search,
page, preview, add, remove, move) show the form again with the selection held in its fields and
create nothing; "Create assignment" keeps the chosen order. Dates are entered and shown in the
instructor's time zone and stored in UTC; the date message and the accepted input agree; each
join code has a shareable link that fills in the learner's join form."""

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, CohortMember, Item
from study.services import assignments, cohorts
from tests.factories import make_mcqs, make_user
from tests.support import count_statements, sign_in

NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def _form(**kw):
    data = {
        "title": "Week 2",
        "kind": "practice",
        "opens_at": (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "size": "10",
    }
    data.update(kw)
    return data


def _chosen(body: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="picked" value="([^"]+)">', body)


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))


def test_building_a_set_with_the_picker_without_javascript(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    # the first submit button of the form is the search: Enter in any field never creates anything
    buttons = re.findall(r'<button type="submit"[^>]*>|<input[^>]*type="submit"[^>]*>', page.split(f'action="{url}"', 1)[1])
    assert 'value="search"' in buttons[0]
    assert "No items chosen yet." in page

    found = client.post(url, data=_form(pick="search", pick_q="hypertension"))
    body = found.get_data(as_text=True)
    assert found.status_code == 200 and "1 published item found" in body and "learn-icd-001" in body
    assert 'value="add:learn-icd-001"' in body

    body = client.post(url, data=_form(pick="add:learn-icd-001", pick_q="hypertension")).get_data(as_text=True)
    assert _chosen(body) == ["learn-icd-001"] and "Chosen: 1 item" in body
    assert 'value="add:learn-icd-001"' not in body  # shown as chosen instead
    body = client.post(url, data=_form(pick="add:learn-icd-004", picked=["learn-icd-001"])).get_data(as_text=True)
    assert _chosen(body) == ["learn-icd-001", "learn-icd-004"]
    body = client.post(url, data=_form(pick="up:learn-icd-004", picked=_chosen(body))).get_data(as_text=True)
    assert _chosen(body) == ["learn-icd-004", "learn-icd-001"]
    # typed ids join the chosen ones at the end, and the box is emptied
    body = client.post(url, data=_form(pick="search", picked=_chosen(body), items="learn-icd-006 learn-icd-001")).get_data(as_text=True)
    assert _chosen(body) == ["learn-icd-004", "learn-icd-001", "learn-icd-006"]
    body = client.post(url, data=_form(pick="remove:learn-icd-001", picked=_chosen(body))).get_data(as_text=True)
    assert _chosen(body) == ["learn-icd-004", "learn-icd-006"]
    preview = client.post(url, data=_form(pick="preview:learn-icd-002", picked=_chosen(body))).get_data(as_text=True)
    assert "Preview: learn-icd-002" in preview and "type 2 diabetes mellitus" in preview and "SECRET-RATIONALE-learn-icd-002" in preview
    assert _count() == 0  # picking creates nothing

    made = client.post(url, data=_form(picked=["learn-icd-004", "learn-icd-006"]))
    assert made.status_code == 302
    [assignment] = db.session.scalars(sa.select(Assignment)).all()
    assert assignment.config == {"items": ["learn-icd-004", "learn-icd-006"]}


def test_the_picker_filters_pages_and_marks_what_cannot_be_assigned(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    db.session.scalar(sa.select(Item).where(Item.key == "learn-icd-003")).reserved = "exam"
    db.session.commit()
    make_mcqs(5)  # bulk-icd-0001..5: 14 questions in all
    body = client.post(url, data=_form(pick="search", pick_type="case")).get_data(as_text=True)
    assert "2 published items found" in body and "case-ip-0001" in body and "learn-icd-001" not in body
    body = client.post(url, data=_form(pick="search", pick_type="mcq")).get_data(as_text=True)
    assert "14 published items found" in body and "Page 1 of 2" in body
    assert "learn-icd-003" in body and "Reserved for exams: cannot be assigned" in body and 'value="add:learn-icd-003"' not in body
    # ten a page, by bank id: the second page holds the last four
    page2 = client.post(url, data=_form(pick="page:2", pick_type="mcq")).get_data(as_text=True)
    assert "Page 2 of 2" in page2 and "14 published items found" in page2
    assert re.findall(r'value="add:([^"]+)"', page2) == ["learn-icd-006", "learn-icd-007", "learn-icd-008", "learn-icd-009"]
    # adding from page 2 stays on page 2
    again = client.post(url, data=_form(pick="add:learn-icd-008", pick_type="mcq", pick_page="2")).get_data(as_text=True)
    assert "Page 2 of 2" in again and _chosen(again) == ["learn-icd-008"]
    # a reserved item typed by id is refused when the assignment is created
    refused = client.post(url, data=_form(picked=["learn-icd-003"]))
    assert refused.status_code == 400
    assert "No published question or billing exercise with id: learn-icd-003." in refused.get_data(as_text=True)
    assert _count() == 0


def test_the_picker_page_reads_a_fixed_number_of_statements(client, login_as, app, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    few = ["learn-icd-001", "learn-icd-002"]
    many = [i.key for i in make_mcqs(40)]
    counts = []
    for chosen in (few, many):
        with count_statements() as statements:
            assert client.post(url, data=_form(pick="search", pick_type="mcq", picked=chosen)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_dates_are_entered_and_shown_in_the_instructors_time_zone(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    refused = client.post("/account/time-zone", data={"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400 and "Choose a time zone from the list" in refused.get_data(as_text=True)
    assert client.post("/account/time-zone", data={"time_zone": "America/New_York"}).status_code == 302
    db.session.expire_all()
    assert teacher.time_zone == "America/New_York"

    page = client.get(url).get_data(as_text=True)
    assert "Opens (America/New_York)" in page and "YYYY-MM-DD HH:MM" in page
    # "opens" defaults to now, on the instructor's wall clock
    from zoneinfo import ZoneInfo

    local_now = datetime.now(ZoneInfo("America/New_York"))
    opens = re.search(r'name="opens_at"[^>]*value="([^"]+)"', page).group(1)
    assert abs(datetime.strptime(opens, "%Y-%m-%dT%H:%M") - local_now.replace(tzinfo=None, second=0, microsecond=0)) <= timedelta(minutes=1)

    # the message names a format, and that format is accepted (it used to be refused)
    bad = client.post(url, data=_form(items="learn-icd-001", due_at="7 Dec, noon"))
    assert bad.status_code == 400 and "Enter a date and time as YYYY-MM-DD HH:MM, for example" in bad.get_data(as_text=True)
    made = client.post(url, data=_form(items="learn-icd-001", opens_at="2026-12-07 09:00", due_at="2026-07-08 09:30"))
    assert made.status_code == 400  # due before opens
    made = client.post(url, data=_form(items="learn-icd-001", opens_at="2026-12-07 09:00", due_at="2027-07-08T09:30"))
    assert made.status_code == 302
    [assignment] = db.session.scalars(sa.select(Assignment)).all()
    assert assignment.opens_at == datetime(2026, 12, 7, 14, 0, tzinfo=timezone.utc)  # EST is UTC-5
    assert assignment.due_at == datetime(2027, 7, 8, 13, 30, tzinfo=timezone.utc)  # EDT is UTC-4
    board = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    assert '<time datetime="2026-12-07T14:00:00Z">2026-12-07 09:00 EST</time>' in board
    assert '<time datetime="2027-07-08T13:30:00Z">2027-07-08 09:30 EDT</time>' in board


def test_a_join_link_fills_in_the_join_form_and_joining_still_needs_a_click(client, app, learning_bank):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Evening CPC", "CPC")
    sign_in(client, teacher)
    board = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    link = f"http://localhost/cohorts/join?code={cohort.join_code}"
    assert f'href="{link}"' in board
    assert f'href="{link}"' in client.get("/teach/cohorts").get_data(as_text=True)

    # signed out: to the sign-in page, which comes back to the link
    anonymous = client.application.test_client().get(f"/cohorts/join?code={cohort.join_code}")
    assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]
    assert f"code%3D{cohort.join_code}" in anonymous.headers["Location"]

    learner = make_user()
    learner_client = client.application.test_client()
    sign_in(learner_client, learner)
    page = learner_client.get(f"/cohorts/join?code={cohort.join_code.lower()}").get_data(as_text=True)
    assert "You followed the join link of <strong>Evening CPC</strong>" in page
    assert f'value="{cohort.join_code.lower()}"' in page
    assert db.session.get(CohortMember, (cohort.id, learner.id)) is None  # not joined by opening the link
    unknown = learner_client.get("/cohorts/join?code=ZZZZZZZZ").get_data(as_text=True)
    assert "matches no cohort" in unknown


def test_the_learner_sees_their_own_time_limit(client, login_as, learning_bank):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    spec = assignments.AssignmentSpec(
        "practice", "Timed drill", NOW - timedelta(hours=1), NOW + timedelta(days=1), items=["learn-icd-001", "learn-icd-002"], minutes=30
    )
    assignment = assignments.create_assignment(teacher, cohort.id, spec)
    learner = login_as("learner")
    cohorts.join_cohort(learner, cohort.join_code)
    cohorts.set_extra_time(teacher, cohort.id, learner.id, 1.5)
    page = client.get("/assignments").get_data(as_text=True)
    assert "2 chosen items, timed, 30 minutes" in page and "Your time limit: 45 minutes" in page
    started = client.post(f"/assignments/{assignment.id}/start")
    assert started.status_code == 302 and "/exams/attempts/" in started.headers["Location"]
    question = client.get(started.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-seconds-left="(2700|269\d)"', question) and "Timed drill: question 1 of 2" in question
    assert "SECRET-RATIONALE" not in question  # no key while the clock runs
    attempt_id = int(re.search(r"/exams/attempts/(\d+)/", started.headers["Location"]).group(1))
    assert client.post(f"/exams/attempts/{attempt_id}/submit").status_code == 302
    result = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Timed drill score report" in result and "of 45.0 minutes" in result and "SECRET-RATIONALE" in result


def test_the_form_sets_rules_time_limits_and_sections(client, login_as, learning_bank):
    teacher = login_as("instructor")
    cohort = cohorts.create_cohort(teacher, "CPC", None)
    url = f"/teach/cohorts/{cohort.id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    assert 'value="CPC:icd-10-cm"' in page and "CPC: ICD-10-CM" in page and 'name="minutes"' in page
    refused = client.post(url, data=_form(items="learn-icd-001", minutes="30", feedback="each"))
    assert refused.status_code == 400 and "A timed set shows the answers when it ends" in refused.get_data(as_text=True)
    refused = client.post(url, data=_form(topics="icd-10-cm", avoid_recent_days="999"))
    assert refused.status_code == 400 and "Give between 1 and 365 days" in refused.get_data(as_text=True)
    assert _count() == 0
    rule = _form(title="Rule", topics="icd-10-cm", difficulties=["easy", "hard"], size="5", avoid_recent_days="30", minutes="20")
    assert client.post(url, data=rule).status_code == 302
    section = _form(title="Section", kind="exam", section="CPC:icd-10-cm", minutes="")
    assert client.post(url, data=section).status_code == 302
    configs = {a.title: a.config for a in db.session.scalars(sa.select(Assignment))}
    rule_config = {"exam": None, "topics": ["icd-10-cm"], "difficulties": ["easy", "hard"], "size": 5, "avoid_recent_days": 30}
    assert configs == {"Rule": rule_config | {"minutes": 20}, "Section": {"exam": "CPC", "section": "icd-10-cm"}}
    board = client.get(f"/teach/cohorts/{cohort.id}").get_data(as_text=True)
    assert "CPC section: ICD-10-CM, timed" in board and "5 questions, topics: icd-10-cm, easy or hard" in board
