"""The case pages (issue 14): opening a case is not an attempt, the form's first button saves a
draft (Enter never grades), "Grade my answer" confirms first, grading is once, drafts come back."""

from __future__ import annotations

import re

import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, Item, Response
from tests.factories import make_user
from tests.support import sign_in, start_case

PRO, IP = "case-pro-0003", "case-ip-0001"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _buttons(page: str) -> list[str]:
    form = page[page.index("data-case-entry") : page.index("</form>", page.index("data-case-entry"))]
    return re.findall(r'<button type="submit" name="action" value="([a-z-]+)"', form)


def test_opening_a_case_stores_nothing_and_save_draft_is_the_first_button(client, login_as, learning_bank):
    login_as("learner")
    listing = client.get("/cases").get_data(as_text=True)
    assert f'href="/cases/{PRO}"' in listing and "Code this case" in listing and "Resume" not in listing
    page = client.get(f"/cases/{PRO}")
    assert page.status_code == 200 and _count(Attempt) == 0
    text = page.get_data(as_text=True)
    assert _buttons(text) == ["save", "grade"]  # Enter submits the first: it saves, never grades
    assert 'data-rows="px"' in text and 'data-rows="pcs"' not in text  # professional: CPT/HCPCS, no PCS
    inpatient = client.get(f"/cases/{IP}").get_data(as_text=True)
    assert 'data-rows="pcs"' in inpatient and 'data-rows="px"' not in inpatient and 'data-setting="inpatient"' in inpatient


def test_a_form_without_action_only_saves(client, login_as, learning_bank):
    login_as("learner")
    saved = client.post(f"/cases/{PRO}", data={"dx": ["S52.501A", "", "W01.0XXA"], "px": ["25600"], "px_mod": ["RT"]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/cases/{PRO}")
    assert _count(Attempt) == 1 and _count(Response) == 0
    attempt = db.session.scalar(sa.select(Attempt))
    assert attempt.is_open and attempt.draft_json
    page = client.get(f"/cases/{PRO}").get_data(as_text=True)
    assert 'value="S52.501A"' in page and 'value="W01.0XXA"' in page and 'value="25600"' in page and 'value="RT"' in page
    assert re.search(r'id="dx-1" name="dx" value=""', page)  # the empty row between stays empty
    assert "Draft saved" in page
    assert "Resume" in client.get("/cases").get_data(as_text=True)
    assert f"({PRO}, draft saved)" in client.get("/").get_data(as_text=True)


def test_grade_without_javascript_confirms_first_then_grades_once(client, login_as, learning_bank):
    login_as("learner")
    rows = {"dx": ["S52.501A", "", "99213"], "px": ["25600", "0SRC0J9"], "px_mod": ["RT", ""]}
    asked = client.post(f"/cases/{PRO}", data={**rows, "action": "grade"})
    attempt = db.session.scalar(sa.select(Attempt))
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/cases/attempts/{attempt.id}/confirm")
    assert attempt.is_open and _count(Response) == 0
    confirm = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "2 diagnoses" in confirm and "2 procedures" in confirm and "ICD-10-PCS code" not in confirm
    assert "Empty rows between your codes (they are ignored): Diagnosis 2." in confirm
    assert "Diagnosis 3: 99213</strong>: 99213 is a CPT code; diagnoses are ICD-10-CM." in confirm
    assert "0SRC0J9 is an ICD-10-PCS procedure code; professional services are reported with CPT or HCPCS Level II." in confirm
    assert f'href="/cases/{PRO}"' in confirm and "Back to editing" in confirm and "Grade now" in confirm
    # back to editing: the draft is kept, nothing graded
    assert 'value="99213"' in client.get(f"/cases/{PRO}").get_data(as_text=True) and _count(Response) == 0

    graded = client.post(f"/cases/attempts/{attempt.id}/grade")
    assert graded.status_code == 302 and _count(Response) == 1
    db.session.refresh(attempt)
    assert not attempt.is_open and attempt.score_pct is not None
    result = client.get(f"/cases/attempts/{attempt.id}").get_data(as_text=True)
    assert "wrong system" in result and "Try this case again" in result
    again = client.post(f"/cases/attempts/{attempt.id}/grade", follow_redirects=True)
    assert "already graded" in again.get_data(as_text=True) and _count(Response) == 1
    # a graded attempt's draft saves are refused and change nothing
    refused = client.post(f"/api/cases/attempts/{attempt.id}/draft", json={"dx": ["R52"]})
    assert refused.status_code == 409 and "already graded" in refused.get_json()["error"]
    assert client.get(f"/cases/attempts/{attempt.id}/confirm").status_code == 302
    db.session.refresh(attempt)
    assert attempt.draft_json is None
    # opening the case again shows an empty form (the next draft starts a new attempt)
    fresh = client.get(f"/cases/{PRO}").get_data(as_text=True)
    assert 'value="S52.501A"' not in fresh and _count(Attempt) == 1


def test_the_scripts_grade_now_saves_and_grades_in_one_request(client, login_as, learning_bank):
    login_as("learner")
    rows = {"dx": ["S52.501A"], "px": ["25600"], "px_mod": ["RT"]}
    done = client.post(f"/cases/{PRO}", data={**rows, "action": "grade-now", "seconds": "42"})
    attempt = db.session.scalar(sa.select(Attempt))
    assert done.headers["Location"].endswith(f"/cases/attempts/{attempt.id}")
    assert attempt.score_pct == 100.0 and db.session.scalar(sa.select(Response.seconds)) == 42


def test_a_graded_attempt_still_opens_after_its_case_is_retired(client, login_as, learning_bank):
    """The report and the attempt list of a case the bank has retired since (the list used to look
    the case up among the published ones: 404)."""
    login_as("learner")
    client.post(f"/cases/{PRO}", data={"dx": ["S52.501A"], "px": ["25600"], "px_mod": ["RT"], "action": "grade-now"})
    attempt = db.session.scalar(sa.select(Attempt))
    db.session.execute(sa.update(Item).where(Item.key == PRO).values(status="retired"))
    db.session.commit()
    report = client.get(f"/cases/attempts/{attempt.id}")
    assert report.status_code == 200 and "100.0%" in report.get_data(as_text=True)


def test_json_drafts_restore_on_another_device(app, client, login_as, learning_bank):
    user = login_as("learner")
    url = start_case(client, IP, {"dx": ["M16.11"], "pcs": ["", "0SR9019"]})
    other = app.test_client()
    sign_in(other, user)
    page = other.get(f"/cases/{IP}").get_data(as_text=True)
    assert 'value="M16.11"' in page and 'value="0SR9019"' in page and re.search(r'id="pcs-0" name="pcs" value=""', page)
    assert other.get(url).status_code == 200
    bad = client.post(f"/api/cases/{IP}/draft", json={"dx": "M16.11"})
    assert bad.status_code == 400 and _count(Attempt) == 1
    assert client.post(f"/api/cases/{IP}/draft", json={"dx": [], "surprise": 1}).status_code == 400


def test_the_owner_may_use_every_id_route_of_a_case_attempt(client, login_as, learning_bank):
    """The positive controls of the IDOR checks in test_url_map_checks for the new id routes."""
    login_as("learner")
    url = start_case(client, PRO, {"dx": ["S52.501A"]})
    attempt_id = int(url.rsplit("/", 1)[1])
    assert client.post(f"/api/cases/attempts/{attempt_id}/draft", json={"dx": ["S52.501A", "R52"]}).get_json()["attempt_id"] == attempt_id
    assert client.post(url, data={"dx": ["S52.501A"], "action": "save"}).status_code == 302
    assert client.get(f"{url}/confirm").status_code == 200
    assert client.post(f"{url}/grade").status_code == 302 and _count(Response) == 1
    other = make_user()
    assert db.session.get(Attempt, attempt_id).user_id != other.id


def test_the_live_check_names_a_code_of_another_code_set(client, learning_bank):
    check = client.get("/api/codes/check?system=pcs&code=99213&setting=inpatient").get_json()
    assert check["status"] == "wrong_system" and not check["reportable"]
    assert check["message"] == "99213 is a CPT code; inpatient facility procedures are reported with ICD-10-PCS."
    assert client.get("/api/codes/check?system=procedure&code=99213&setting=inpatient").get_json()["status"] != "wrong_system"
    assert client.get("/api/codes/check?system=icd10cm&code=0SRC0J9&setting=nonsense").get_json()["status"] == "wrong_system"


def test_enter_on_the_attempt_page_saves_and_never_grades(client, login_as, learning_bank):
    """Enter submits a form with its first button; on the old page that was "Submit for grading",
    so a form post without a button graded. Now it saves the draft."""
    from datetime import datetime, timezone

    from study.services import cases

    user = login_as("learner")
    attempt = cases.start_case(user, PRO, datetime.now(timezone.utc))
    posted = client.post(f"/cases/attempts/{attempt.id}", data={"dx": ["S52.501A"], "px": ["25600"], "px_mod": ["RT"]})
    assert posted.status_code == 302
    db.session.refresh(attempt)
    assert attempt.is_open and _count(Response) == 0
    assert 'value="S52.501A"' in client.get(f"/cases/attempts/{attempt.id}").get_data(as_text=True)
