"""Item editor views: roles, ownership, errors next to fields, drafts/publish/retire, preview,
"try an answer" and de-identification warnings."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Item
from study.services import authoring
from study.services import bank as bank_service
from tests.learning_bank import write_learning_bank
from tests.services.test_authoring import case_data, mcq_data


@pytest.fixture
def bank(app, tmp_path):
    bank_service.import_bank(write_learning_bank(tmp_path / "bank"))


def test_learners_get_403(bank, client, login_as):
    login_as("learner")
    for url in ("/teach/items", "/teach/items/new/mcq", "/teach/items/new/case"):
        assert client.get(url).status_code == 403
    assert client.post("/teach/items/preview", data={"kind": "mcq"}).status_code == 403


def test_new_forms_render_accessibly(bank, client, login_as):
    login_as("instructor")
    body = client.get("/teach/items").get_data(as_text=True)
    assert "New multiple-choice question" in body
    for kind, marker in (("mcq", "Option F"), ("case", "Key: not reportable")):
        page = client.get(f"/teach/items/new/{kind}").get_data(as_text=True)
        assert marker in page and "<legend>" in page
        assert "authoring.js" in page
        for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
            found = re.search(r'\bid="([^"]+)"', tag)
            if found and 'type="hidden"' not in tag and 'type="submit"' not in tag:
                assert f'for="{found.group(1)}"' in page, found.group(1)


def test_create_draft_then_edit_publish_retire(bank, client, login_as):
    author = login_as("instructor")
    response = client.post("/teach/items/new/mcq", data=mcq_data())
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Item).where(Item.key == "web-mcq-001"))
    assert (item.status, item.origin, item.author_id) == ("draft", "web", author.id)
    page = client.get(f"/teach/items/{item.id}").get_data(as_text=True)
    assert "E10.9 is type 1." in page and 'value="web-mcq-001"' not in page  # the id is fixed
    assert client.post(f"/teach/items/{item.id}/status", data={"action": "publish"}).status_code == 302
    db.session.refresh(item)
    assert item.status == "published"
    response = client.post(f"/teach/items/{item.id}", data=mcq_data(stem="A changed stem: which code reports type 2 diabetes?"))
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 versions" in follow
    client.post(f"/teach/items/{item.id}/status", data={"action": "retire"})
    db.session.refresh(item)
    assert item.status == "retired"
    assert "web-mcq-001" in client.get("/teach/items?status=retired").get_data(as_text=True)


def test_a_bad_form_shows_errors_next_to_fields_and_saves_nothing(bank, client, login_as):
    login_as("instructor")
    response = client.post("/teach/items/new/mcq", data=mcq_data(answer=["E"], topic="nope"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="answer-error"' in page and "answer E is not an option" in page
    assert 'id="topic-error"' in page and "unknown topic" in page
    assert "Please correct the following" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.origin == "web")) == 0
    response = client.post("/teach/items/new/case", data=case_data(procedures="99214 | units: many"))
    assert response.status_code == 400
    assert 'id="procedures-error"' in response.get_data(as_text=True)


def test_edit_with_errors_changes_nothing(bank, client, login_as):
    author = login_as("instructor")
    item = authoring.create_item(author, "case", case_data())
    before = item.current_version.source_text
    response = client.post(f"/teach/items/{item.id}", data=case_data(diagnoses="NOTACODE"))
    assert response.status_code == 400 and 'id="diagnoses-error"' in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.current_version.source_text == before


def test_other_instructors_items_are_refused(bank, client, login_as):
    from tests.factories import make_user

    owner = make_user("instructor")
    item = authoring.create_item(owner, "mcq", mcq_data())
    login_as("instructor")
    assert client.get(f"/teach/items/{item.id}").status_code == 403
    assert client.post(f"/teach/items/{item.id}", data=mcq_data()).status_code == 403
    assert client.post(f"/teach/items/{item.id}/status", data={"action": "publish"}).status_code == 403
    assert client.get(f"/teach/items/{item.id}/try").status_code == 403
    assert client.get("/teach/items/999999").status_code == 404
    assert "web-mcq-001" not in client.get("/teach/items").get_data(as_text=True)
    # issue 17: a shipped item is the course team's: every instructor may edit it
    file_item = bank_service.get_item("learn-icd-001")
    assert client.get(f"/teach/items/{file_item.id}").status_code == 200


def test_admin_sees_all_and_gets_the_file_warning(bank, client, login_as):
    login_as("admin")
    file_item = bank_service.get_item("learn-icd-001")
    page = client.get(f"/teach/items/{file_item.id}").get_data(as_text=True)
    assert "shipped in a bank file" in page and "leaves it alone and reports it as diverged" in page
    assert "learn-icd-001" in client.get("/teach/items").get_data(as_text=True)


def test_preview_endpoint_renders_sanitised_learner_markup(bank, client, login_as):
    login_as("instructor")
    data = mcq_data(kind="mcq", stem="**Bold** <script>window.__xss=1</script> [x](javascript:alert(1))")
    response = client.post("/teach/items/preview", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>Bold</strong>" in html and "<script" not in html and "javascript:" not in html
    assert 'class="stem"' in html and "E10.9 is type 1." in html
    case = client.post("/teach/items/preview", data=case_data(kind="case", documentation="DOB 03/14/1962 seen today."))
    assert "De-identification" in case.get_data(as_text=True)


def test_preview_button_without_javascript_saves_nothing(bank, client, login_as):
    login_as("instructor")
    data = mcq_data(preview="Preview")
    response = client.post("/teach/items/new/mcq", data=data)
    assert response.status_code == 200
    assert 'class="stem"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Item).where(Item.key == "web-mcq-001")) is None


def test_documentation_warnings_show_next_to_the_field(bank, client, login_as):
    author = login_as("instructor")
    item = authoring.create_item(author, "case", case_data(documentation="Seen today. Call 555-123-4567 or jo@example.com."))
    page = client.get(f"/teach/items/{item.id}").get_data(as_text=True)
    assert 'id="documentation-warnings"' in page and "telephone" in page and "e-mail" in page


def test_try_an_answer(bank, client, login_as):
    author = login_as("instructor")
    mcq = authoring.create_item(author, "mcq", mcq_data())
    page = client.post(f"/teach/items/{mcq.id}/try", data={"selected": ["B"]}).get_data(as_text=True)
    assert "Incorrect" in page
    page = client.post(f"/teach/items/{mcq.id}/try", data={"selected": ["A"]}).get_data(as_text=True)
    assert "Correct" in page and "Incorrect" not in page
    case = authoring.create_item(author, "case", case_data())
    page = client.post(f"/teach/items/{case.id}/try", data={"dx": "E11.22, N18.31", "px": "99214-25"}).get_data(as_text=True)
    assert "Score: <strong>100" in page and "Grade report" in page


def test_learners_see_an_authored_case_only_once_published(bank, app, client, login_as):
    from tests.factories import make_user

    author = make_user("instructor")
    item = authoring.create_item(author, "case", case_data())
    login_as("learner")
    assert "web-case-001" not in client.get("/cases").get_data(as_text=True)
    assert client.get("/cases/web-case-001").status_code == 404  # a draft is no case to open
    assert client.post("/api/cases/web-case-001/draft", json={}).status_code == 404
    authoring.publish_item(author, item.id)
    assert "web-case-001" in client.get("/cases").get_data(as_text=True)
    authoring.retire_item(author, item.id)
    assert "web-case-001" not in client.get("/cases").get_data(as_text=True)
