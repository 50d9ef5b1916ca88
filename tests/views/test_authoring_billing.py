"""The item editor for billing exercises over HTTP: a claim, a remittance and a scrubber created in
the browser form (an invalid spec saves nothing and says why on the spec field), a shipped exercise
edited into a new version, the preview showing the learner's work form, and try-an-answer graded
with the learner's report (the key scores 100%; one wrong box shows its verdict). Nothing is recorded."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from study.bank import forms
from study.extensions import db
from study.models import Item, ItemVersion, Response
from study.services import bank as bank_service
from tests.support import write_billing_bank

FULL = re.compile(r"Score: 100(?:\.0)?%")


@pytest.fixture
def billing_bank(app, tmp_path):
    """The real bank's topics and blueprints with its billing exercises only (fast to import)."""
    write_billing_bank(app.config["QUESTION_BANK"], tmp_path / "bank")
    bank_service.import_bank(tmp_path / "bank")

def billing_data(kind: str, **overrides) -> dict:
    data = {
        "kind": kind,
        "item_id": f"web-{kind}-001",
        "exams": ["CPB"],
        "topic": "payments-ar" if kind == "remittance" else "claims",
        "difficulty": "easy",
        "tags": "web",
        "title": f"A {kind} written in the browser",
        "minutes": "10",
        "scenario": "You are the biller at **Lakeview Family Medicine** (fictional). Work from the facts below.",
        "spec": forms.SPEC_TEMPLATES[kind],
        "rationale": "Every box follows from the scenario.",
    }
    data.update(overrides)
    return data


def web_items() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.origin == "web")) or 0


def test_the_new_item_menu_offers_the_billing_kinds(billing_bank, client, login_as):
    login_as("instructor")
    for url in ("/teach/items", "/teach/bank"):
        page = client.get(url).get_data(as_text=True)
        for kind in ("claim", "remittance", "scrubber"):
            assert f"/teach/items/new/{kind}" in page, (url, kind)


@pytest.mark.parametrize("kind", ["claim", "remittance", "scrubber"])
def test_each_kind_is_created_as_a_draft_from_its_template(kind, billing_bank, client, login_as):
    author = login_as("instructor")
    page = client.get(f"/teach/items/new/{kind}").get_data(as_text=True)
    assert 'name="spec"' in page and 'name="scenario"' in page and "Spec (YAML)" in page
    assert "insurance_type" in page if kind != "remittance" else "patient_responsibility" in page  # the template is prefilled
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):  # every control has its label
        found = re.search(r'\bid="([^"]+)"', tag)
        if found and 'type="hidden"' not in tag and 'type="submit"' not in tag:
            assert f'for="{found.group(1)}"' in page, found.group(1)
    response = client.post(f"/teach/items/new/{kind}", data=billing_data(kind))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    item = db.session.scalar(sa.select(Item).where(Item.key == f"web-{kind}-001"))
    assert (item.type, item.status, item.origin, item.author_id, item.minutes) == (kind, "draft", "web", author.id, 10)
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A " + kind + " written in the browser" in edit and "1 version" in edit
    assert client.post(f"/teach/items/{item.id}/status", data={"action": "publish"}).status_code == 302
    db.session.refresh(item)
    assert item.status == "published"


def test_an_invalid_spec_is_reported_on_the_spec_field_and_nothing_is_saved(billing_bank, client, login_as):
    login_as("instructor")
    response = client.post("/teach/items/new/claim", data=billing_data("claim", spec="key:\n  insurance_type: group\n  lines: [\n"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="spec-error"' in page and "not valid YAML" in page and re.search(r"line \d+", page)
    assert "Please correct the following" in page
    extra = forms.SPEC_TEMPLATES["remittance"] + "extra: 1\n"
    response = client.post("/teach/items/new/remittance", data=billing_data("remittance", spec=extra))
    assert response.status_code == 400 and "unknown key &#39;extra&#39;" in response.get_data(as_text=True)
    wrong_npi = forms.SPEC_TEMPLATES["claim"].replace('npi: "9273615044"', 'npi: "9273615045"')
    response = client.post("/teach/items/new/claim", data=billing_data("claim", spec=wrong_npi))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="spec-error"' in page and "check digit" in page
    assert web_items() == 0


def test_a_shipped_exercise_is_edited_into_a_new_version(billing_bank, client, login_as):
    login_as("instructor")
    item = db.session.scalar(sa.select(Item).where(Item.key == "claim-0001"))
    page = client.get(f"/teach/items/{item.id}").get_data(as_text=True)
    assert "claim exercise (CMS-1500)" in page and "5QW8HT2RN61" in page and "Marlene A. Dougherty" in page
    data = {name: value for name, value in _form_fields(page).items()}
    assert data["spec"].startswith("key:") and data["minutes"] == "10"
    # saving as it is changes nothing
    response = client.post(f"/teach/items/{item.id}", data=data)
    assert response.status_code == 302, re.findall(r'class="error-summary".*?</div>', response.get_data(as_text=True), re.S)
    assert _versions(item) == 1
    data["spec"] = data["spec"].replace('"(937) 555-0148"', '"(937) 555-0199"').replace("(937) 555-0148", "(937) 555-0199")
    assert "555-0199" in data["spec"]
    response = client.post(f"/teach/items/{item.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _versions(item) == 2
    db.session.refresh(item)
    assert item.site_changed
    assert "2 versions" in client.get(f"/teach/items/{item.id}").get_data(as_text=True)


def test_the_preview_shows_the_learners_work_form(billing_bank, client, login_as):
    login_as("instructor")
    markers = {"claim": 'name="lines-1-pointers"', "remittance": 'name="lines-1-write_off"', "scrubber": 'name="mark-lines.1.pos"'}
    for kind, marker in markers.items():
        data = billing_data(kind, preview="Preview")
        page = client.post(f"/teach/items/new/{kind}", data=data).get_data(as_text=True)
        assert "data-billing-preview" in page and marker in page, kind
        assert "Lakeview Family Medicine" in page
        fragment = client.post("/teach/items/preview", data=billing_data(kind)).get_data(as_text=True)
        assert marker in fragment and ("readonly" in fragment or "disabled" in fragment)
    assert web_items() == 0
    # a spec that does not read: the preview says so instead of failing
    fragment = client.post("/teach/items/preview", data=billing_data("claim", spec="key: [")).get_data(as_text=True)
    assert "Nothing to preview yet" in fragment


def test_try_an_answer_scores_the_key_and_shows_a_wrong_box(billing_bank, client, login_as):
    login_as("instructor")
    item = db.session.scalar(sa.select(Item).where(Item.key == "claim-0001"))
    page = client.get(f"/teach/items/{item.id}/try").get_data(as_text=True)
    assert 'value="5QW8HT2RN61"' in page  # prefilled with the key
    key = _form_fields(page)
    page = client.post(f"/teach/items/{item.id}/try", data=key).get_data(as_text=True)
    assert "data-try-result" in page and FULL.search(page) and "Full marks" in page
    wrong = dict(key, **{"lines-2-pointers": "A B"})
    page = client.post(f"/teach/items/{item.id}/try", data=wrong).get_data(as_text=True)
    row = re.search(r'<tr class="verdict-wrong">.*?</tr>', page, re.S)
    assert row and "24E" in row.group(0) and "A (Essential (primary) hypertension)" in row.group(0), row.group(0)
    assert not FULL.search(page)
    remit = db.session.scalar(sa.select(Item).where(Item.key == "remit-0001"))
    answer = {"lines-1-patient_responsibility": "30.00", "lines-1-write_off": "59.00", "lines-1-action": "accept"}
    for n, pr, wo in ((2, "14.20", "43.80"), (3, "3.10", "14.90")):
        answer |= {f"lines-{n}-patient_responsibility": pr, f"lines-{n}-write_off": wo, f"lines-{n}-action": "bill-patient"}
    page = client.post(f"/teach/items/{remit.id}/try", data=answer).get_data(as_text=True)
    assert FULL.search(page), re.findall(r"Score: [^<]*|<tr class=\"verdict-(?!correct).*?</tr>", page, re.S)
    scrub = db.session.scalar(sa.select(Item).where(Item.key == "scrub-0001"))
    assert 'name="mark-lines.1.modifiers"' in client.get(f"/teach/items/{scrub.id}/try").get_data(as_text=True)
    marks = {"mark-lines.1.modifiers": "1", "fix-lines.1.modifiers": "25", "mark-lines.2.pointers": "1", "fix-lines.2.pointers": "C"}
    assert FULL.search(client.post(f"/teach/items/{scrub.id}/try", data=marks).get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def _versions(item: Item) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ItemVersion).where(ItemVersion.item_id == item.id)) or 0


def _form_fields(page: str) -> dict:
    """The values a browser would submit from the page's forms (text inputs, textareas, selected options, ticked boxes)."""
    import html

    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        if not name or "disabled" in tag or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data.setdefault(html.unescape(name.group(1)), []).append(html.unescape(re.search(r'value="([^"]*)"', tag).group(1)))
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        data[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(text).replace("\r\n", "\n").removeprefix("\n")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected[ >]', body) or re.search(r'<option selected value="([^"]*)"', body)
        data[name] = html.unescape(chosen.group(1)) if chosen else ""
    return {k: v for k, v in data.items() if k not in ("csrf_token", "save", "preview")}


def test_the_preview_sanitises_markdown_and_escapes_spec_values(billing_bank, client, login_as):
    login_as("instructor")
    payload = "**Bold** <script>window.__xss=1</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    spec = forms.SPEC_TEMPLATES["scrubber"].replace('"Northfield Health Plan PPO"', '"<script>window.__xss=2</script>"')
    data = billing_data("scrubber", scenario=payload, rationale=payload, spec=spec)
    html = client.post("/teach/items/preview", data=data).get_data(as_text=True)
    assert "<strong>Bold</strong>" in html and "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "&lt;script&gt;window.__xss=2" in html  # the claim as submitted, shown as text
