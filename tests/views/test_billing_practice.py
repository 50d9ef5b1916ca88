"""Billing exercises in practice, over HTTP: a claim filled in the form and graded field by field,
format slips shown before anything is recorded, a remittance worked line by line, a claim scrubbed;
the key never on the page before the answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.bank.parser import parse_item_file
from study.billing import exercise
from study.billing.claim import form_values
from study.extensions import db
from study.models import Attempt, Item, Response
from study.services import bank
from tests.support import write_billing_bank

BILLING = "question_bank/billing"


@pytest.fixture
def billing_bank(app, tmp_path):
    """The real bank's topics and blueprints with its billing exercises only (fast to import)."""
    write_billing_bank(app.config["QUESTION_BANK"], tmp_path / "bank")
    bank.import_bank(tmp_path / "bank")


def start(client, kind: str, size: int = 1) -> str:
    response = client.post("/practice", data={"exam": "CPB", "kind": kind, "size": str(size), "mode": "all"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def served_item(attempt_url: str):
    attempt_id = int(re.search(r"/practice/(\d+)/q/", attempt_url).group(1))
    attempt = db.session.get(Attempt, attempt_id)
    key = db.session.get(Item, attempt.items[0].item_id).key
    path = next((p for p in __import__("pathlib").Path(BILLING).rglob(f"{key}.md")), None)
    item, _ = parse_item_file(path)
    return attempt, item


def test_a_claim_is_filled_and_graded_field_by_field(client, login_as, billing_bank):
    login_as("learner")
    url = start(client, "claim")
    page = client.get(url).get_data(as_text=True)
    attempt, item = served_item(url)
    assert "Claim form (CMS-1500)" in page and 'name="insured_id"' in page and 'name="lines-1-pointers"' in page
    key = exercise.exercise_of(item).key
    form = form_values(key)
    # nothing is filled in or chosen before the answer: the page holds no value of the key
    filled = re.findall(r'<input(?![^>]*type="hidden")[^>]*\bvalue="([^"]+)"', page)
    assert filled == [] and " selected" not in page
    assert "Rationale" not in page and item.rationale.split("\n")[0][:40] not in page
    # two wrong fields: the first line's pointers reversed or replaced, and box 1
    wrong = dict(form)
    wrong["insurance_type"] = "other" if form["insurance_type"] != "other" else "group"
    wrong["lines-1-units"] = "9"
    response = client.post(url, data=wrong | {"action": "grade-anyway"})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    stored = db.session.scalar(sa.select(Response).where(Response.attempt_item_id == attempt.items[0].id))
    verdicts = {f["path"]: f["verdict"] for f in stored.report["fields"]}
    assert verdicts["insurance_type"] == "wrong" and verdicts["lines.1.units"] == "wrong"
    assert sum(v != "correct" for v in verdicts.values()) == 2
    assert "Score:" in html and "Rationale" in html and "Wrong" in html


def test_format_slips_are_shown_and_nothing_is_recorded(client, login_as, billing_bank):
    login_as("learner")
    url = start(client, "claim")
    attempt, item = served_item(url)
    form = form_values(exercise.exercise_of(item).key)
    form["billing_npi"] = form["billing_npi"][:-1] + str((int(form["billing_npi"][-1]) + 1) % 10)
    form["lines-1-pos"] = "77"
    response = client.post(url, data=form | {"action": "grade"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "check digit" in html and "Grade it as it is" in html
    assert f'value="{form["billing_npi"]}"' in html  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    # the key's own values grade at 100%
    good = form_values(exercise.exercise_of(item).key)
    assert client.post(url, data=good | {"action": "grade"}).status_code == 302
    assert db.session.scalar(sa.select(Response.score)) == 1.0


def test_a_remittance_is_worked_line_by_line(client, login_as, billing_bank):
    login_as("learner")
    url = start(client, "remittance")
    attempt, item = served_item(url)
    page = client.get(url).get_data(as_text=True)
    assert "Remittance from" in page and "What the codes on this remittance mean" in page
    ex = exercise.exercise_of(item)
    data = {"action": "grade"}
    for n, key in enumerate(ex.key, 1):
        data[f"lines-{n}-patient_responsibility"] = f"{key.patient_responsibility:.2f}"
        data[f"lines-{n}-write_off"] = f"{key.write_off + (1 if n == 1 else 0):.2f}"  # one number wrong
        data[f"lines-{n}-action"] = key.best_action
        data[f"lines-{n}-evidence"] = key.evidence or ""
    assert client.post(url, data=data).status_code == 302
    stored = db.session.scalar(sa.select(Response))
    wrong = [f for f in stored.report["fields"] if f["verdict"] != "correct"]
    assert [(f["line"], f["field"]) for f in wrong] == [(1, "write_off")]


def test_a_claim_is_scrubbed_with_a_miss_and_a_false_alarm(client, login_as, billing_bank):
    login_as("learner")
    url = start(client, "scrubber")
    attempt, item = served_item(url)
    ex = exercise.exercise_of(item)
    page = client.get(url).get_data(as_text=True)
    assert "is wrong" in page
    for error in ex.errors:  # nothing of the key on the page (but what the scenario itself says)
        assert " ".join(error.why.split()) not in " ".join(page.split())
    assert "Rationale" not in page
    first = ex.errors[0]
    data = {"action": "grade", f"mark-{first.path}": "1", f"fix-{first.path}": first.corrections[0] if first.corrections else ""}
    innocent = next(p for p in ("patient_sex", "relationship", "accept_assignment") if p not in {e.path for e in ex.errors})
    data[f"mark-{innocent}"] = "1"
    assert client.post(url, data=data).status_code == 302
    report = db.session.scalar(sa.select(Response)).report
    assert len(report["false_alarms"]) == 1 and report["false_alarms"][0]["path"] == innocent
    verdicts = [e["verdict"] for e in report["errors"]]
    assert verdicts[0] != "missed" and ("missed" in verdicts[1:] if len(verdicts) > 1 else True)


def test_the_set_summary_names_each_exercise_and_its_score(client, login_as, billing_bank):
    login_as("learner")
    url = start(client, "billing", size=2)
    attempt, item = served_item(url)
    data = {"action": "grade-anyway"}
    if item.kind == "claim":
        data |= form_values(exercise.exercise_of(item).key) | {"insurance_type": "other"}
    client.post(url, data=data)
    client.post(f"/practice/{attempt.id}/end")
    html = client.get(f"/practice/{attempt.id}/summary").get_data(as_text=True)
    assert {"claim": "Claim form", "remittance": "Remittance", "scrubber": "Claim scrubber"}[item.kind] in html
    assert "%</span>" in html or "Missed" in html


def test_only_the_forms_own_boxes_are_stored_and_each_is_capped(client, login_as, billing_bank):
    """Regression: the stored answer kept every field a request carried, of any size."""
    login_as("learner")
    url = start(client, "claim")
    attempt, item = served_item(url)
    data = form_values(exercise.exercise_of(item).key) | {"action": "grade-anyway", "junk": "x" * 5000}
    data["billing_name"] = "B" * 5000
    assert client.post(url, data=data).status_code == 302
    stored = db.session.scalar(sa.select(Response)).answer["fields"]
    assert "junk" not in stored and "csrf_token" not in stored and "action" not in stored
    assert len(stored["billing_name"]) == exercise.MAX_TYPED


def test_an_assignment_holding_its_keys_shows_no_report_or_rationale(client, billing_bank):
    """A billing exercise in an assignment whose keys wait for its end: the answer is recorded,
    and neither the field verdicts, the key's values nor the rationale reach the page."""
    from datetime import datetime, timedelta, timezone

    from study.services import assignments as assignment_service
    from tests.factories import make_cohort, make_user
    from tests.support import sign_in

    now = datetime.now(timezone.utc)
    instructor, learner = make_user("instructor"), make_user()
    cohort = make_cohort(instructor, [learner], exam="CPB")
    claim_key = db.session.scalar(sa.select(Item.key).where(Item.type == "claim").order_by(Item.key))
    remit_key = db.session.scalar(sa.select(Item.key).where(Item.type == "remittance").order_by(Item.key))
    # two exercises: after the first the attempt is still open, so its keys are held
    spec = assignment_service.AssignmentSpec(
        "practice", "Claims", now - timedelta(hours=1), now + timedelta(days=3), items=[claim_key, remit_key]
    )
    assignment = assignment_service.create_assignment(instructor, cohort.id, spec)
    assert assignment.feedback == "attempt"
    attempt = assignment_service.start_assignment(learner, assignment.id, now)
    sign_in(client, learner)
    url = f"/practice/{attempt.id}/q/1"
    item, _ = parse_item_file(next(Path(BILLING).rglob(f"{claim_key}.md")))
    form = form_values(exercise.exercise_of(item).key) | {"insurance_type": "other", "action": "grade-anyway"}
    assert client.post(url, data=form).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Answer recorded" in html
    assert "field by field" not in html and "Rationale" not in html and "Score:" not in html
    assert item.rationale.split("\n")[0][:40] not in html
    # once the attempt ends (the second exercise answered), the policy releases the key
    client.post(f"/practice/{attempt.id}/q/2", data={"action": "grade-anyway"})
    assert "field by field" in client.get(url).get_data(as_text=True)
