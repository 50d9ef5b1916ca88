"""One app-level handler answers a service's refusal (study.services.ServiceError) with its status:
an HTML page, or JSON with the message for API clients. Views that show a refusal on their own
page (a field error, a flash before a redirect) pass 403 and 404 on to it."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField

from study.errors import flash_refusal, show_on_form
from study.services import Conflict, Forbidden, NotFound, ServiceError
from tests.support import make_app

REFUSALS = {
    "missing": NotFound("No such attempt."),
    "theirs": Forbidden("This attempt belongs to another learner."),
    "conflict": Conflict("This exam is already submitted."),
    "bad": ServiceError("No published questions match these filters."),
}


class _Field(ServiceError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    code = StringField()


@pytest.fixture
def refusing(database_url, instance_path, app):
    refusing = make_app(database_url, instance_path)

    def refuse(kind: str):
        raise REFUSALS[kind]

    refusing.add_url_rule("/refuse/<kind>", "refuse", refuse)
    refusing.add_url_rule("/api/refuse/<kind>", "api_refuse", refuse)
    return refusing.test_client()


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        ("missing", 404, "Page not found"),
        ("theirs", 403, "You do not have access to this page"),
        ("conflict", 409, "That conflicts with what is already there"),
        ("bad", 400, "Something in that request was not right"),
    ],
)
def test_a_refusal_becomes_its_status_as_a_page_or_json(refusing, kind, status, title):
    message = str(REFUSALS[kind])
    page = refusing.get(f"/refuse/{kind}")
    assert page.status_code == status and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert title in body
    # a 403 or 404 page does not say why (as abort gave it); a 400 or 409 page says what went wrong
    assert (message in body) is (status not in (403, 404))
    for response in (refusing.get(f"/api/refuse/{kind}"), refusing.get(f"/refuse/{kind}", headers={"Accept": "application/json"})):
        assert response.status_code == status
        assert response.get_json() == {"error": message, "status": status}


def test_a_view_shows_a_validation_refusal_on_its_form_and_passes_access_refusals_on(app):
    with app.test_request_context():
        form = _Form()
        show_on_form(form, ServiceError("Too long."), "code")
        show_on_form(form, _Field("name", "Give it a name."), "code")  # the field the refusal names wins
        show_on_form(form, ServiceError("Somewhere."))  # no field named: the first
        assert form.code.errors == ["Too long."] and form.name.errors == ["Give it a name.", "Somewhere."]
        for refusal in (REFUSALS["missing"], REFUSALS["theirs"]):
            with pytest.raises(type(refusal)):
                show_on_form(form, refusal, "code")
            with pytest.raises(type(refusal)):
                flash_refusal(refusal)
        flash_refusal(REFUSALS["conflict"])
        from flask import get_flashed_messages

        assert get_flashed_messages(with_categories=True) == [("error", "This exam is already submitted.")]
        assert form.code.errors == ["Too long."]
