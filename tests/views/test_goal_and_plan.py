"""Onboarding and a plan (issue 18): after sign-up the learner is asked for their exam and its date
(both optional, changeable); the home page then starts with the plan; /plan is the weekly plan to
the date, built from the blueprint and the learner's mastery."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from study.extensions import db
from study.models import User

TODAY = datetime.now(timezone.utc).date()


def test_sign_up_asks_for_the_exam_and_date_next(client, learning_bank):
    password = "a good long password"
    response = client.post("/account/signup", data={"email": "n@example.org", "password": password, "confirm": password})
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/goal")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account is ready" in page and '<label for="exam_date"' in page and 'type="date"' in page


def test_saving_a_goal_and_the_plan_it_gives(client, login_as, learning_bank):
    lee = login_as("learner")
    assert client.get("/plan").headers["Location"].startswith("/account/goal")  # no goal yet: asked first
    assert "Start here" in client.get("/").get_data(as_text=True)
    exam_day = TODAY + timedelta(days=27)
    saved = client.post("/account/goal?next=/plan", data={"exam": "CPC", "exam_date": exam_day.isoformat()})
    assert saved.status_code == 302 and saved.headers["Location"] == "/plan"
    db.session.expire_all()
    user = db.session.get(User, lee.id)
    assert (user.target_exam, user.exam_date) == ("CPC", exam_day)
    plan = client.get("/plan").get_data(as_text=True)
    assert "Week 1 (this week)" in plan and "Week 4" in plan and "Week 5" not in plan
    assert "Take the diagnostic" in plan and 'href="/practice?exam=CPC&amp;size=20"' in plan  # a newcomer starts here
    assert "Sit a CPC simulation" in plan  # the last week
    home = client.get("/").get_data(as_text=True)
    assert "Preparing for the <strong>CPC</strong> on " + exam_day.isoformat() in home and "Start here" not in home


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"exam": "NOPE", "exam_date": ""}, "exam", "Choose one of the exams in the list."),
        ({"exam": "CPC", "exam_date": (TODAY - timedelta(days=1)).isoformat()}, "exam_date", "Give a date from today to"),
        ({"exam": "CPC", "exam_date": (TODAY + timedelta(days=900)).isoformat()}, "exam_date", "Give a date from today to"),
        ({"exam": "CPC", "exam_date": "next spring"}, "exam_date", "Give the date as YYYY-MM-DD"),
    ],
)
def test_a_bad_goal_shows_the_fields_error_and_changes_nothing(client, login_as, learning_bank, data, field, message):
    lee = login_as("learner")
    response = client.post("/account/goal", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    db.session.expire_all()
    assert db.session.get(User, lee.id).target_exam is None


def test_both_are_optional_and_can_be_cleared(client, login_as, learning_bank):
    lee = login_as("learner", target_exam="CPC", exam_date=date(2027, 1, 1))
    assert client.post("/account/goal", data={"exam": "", "exam_date": ""}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, lee.id)
    assert user.target_exam is None and user.exam_date is None


def test_the_case_list_puts_the_target_exam_first(client, login_as, learning_bank):
    from study.models import Item, ItemExam

    ip = db.session.scalar(db.select(Item).where(Item.key == "case-ip-0001"))
    if "CCS" not in ip.exams:
        db.session.add(ItemExam(item_id=ip.id, exam="CCS"))
    db.session.commit()
    login_as("learner", target_exam="CCS")
    html = client.get("/cases").get_data(as_text=True)
    assert html.index('href="/cases/case-ip-0001"') < html.index('href="/cases/case-pro-0003"')
