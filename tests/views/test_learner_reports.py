"""The learner's problem-report form: where it may send the learner back to (never off-site), which
items may be reported (published ones, or ones the learner was served), whose answer may be attached."""

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import ItemReport
from study.security import safe_next
from tests.factories import item_by_key as _item
from tests.factories import make_attempt, make_user

# targets a browser would follow to another host (or that are not a plain local path at all)
OFF_SITE = [
    "/\t/evil.com",
    "/\\evil.com",
    "//evil.com",
    "/%09/evil.com",
    "https:evil.com",
    " //evil.com",
    "/\x00/x",
    "\t//evil.com",
    "/\n/evil.com",
    "/\r/evil.com",
    "https://evil.com",
    "//evil.com/%2F..",
    "/%5Cevil.com",
    "/%2F/evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "evil.com",
    "/ /evil.com",
    "\x0b//evil.com",
    "/\x7f/evil.com",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_every_target_a_browser_could_take_off_site(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/practice", "/practice/3/q/2?x=1#top", "/cases/attempts/7"])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_report_form_never_redirects_off_site(client, login_as, learning_bank, target):
    login_as("learner")
    response = client.post("/items/learn-icd-001/report", data={"kind": "typo", "comment": "x", "back": target})
    if "\x00" in target:  # refused before any view runs (see test_hardening)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_report_form_goes_back_to_a_local_page(client, login_as, learning_bank):
    login_as("learner")
    response = client.post("/items/learn-icd-001/report", data={"kind": "typo", "back": "/practice/4/q/2"})
    assert response.status_code == 302 and response.headers["Location"] == "/practice/4/q/2"


@pytest.mark.parametrize("status", ["draft", "retired"])
def test_unpublished_items_the_learner_was_never_served_cannot_be_reported(client, login_as, learning_bank, status):
    login_as("learner")
    item = _item("learn-icd-002")
    item.status = status
    db.session.commit()
    response = client.post("/items/learn-icd-002/report", data={"kind": "wrong-key", "comment": "guessing"})
    assert response.status_code == 404
    assert client.get("/items/learn-icd-002/report").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemReport)) == 0


def test_an_item_retired_after_it_was_served_can_still_be_reported(client, login_as, learning_bank):
    user = login_as("learner")
    item = _item("learn-icd-003")
    attempt = make_attempt(user, [item])
    item.status = "retired"
    db.session.commit()
    response = client.post("/items/learn-icd-003/report", data={"kind": "wrong-key", "attempt_item": str(attempt.items[0].id)})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ItemReport.attempt_item_id)) == attempt.items[0].id


def test_a_report_cannot_attach_another_learners_answer(client, login_as, learning_bank):
    other = make_user()
    item = _item("learn-icd-001")
    attempt = make_attempt(other, [item])
    login_as("learner")
    response = client.post("/items/learn-icd-001/report", data={"kind": "wrong-key", "attempt_item": str(attempt.items[0].id)})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemReport)) == 0
