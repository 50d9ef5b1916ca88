"""Learner pages: no key before the attempt ends, ownership, forms that say what is wrong."""

import re

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, Item, ItemReport, Response
from study.services import bank
from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import sign_in, start_case

SECRETS = re.compile(r"SECRET-(RATIONALE|WHY)")


def _attempt_id(location: str) -> int:
    return int(re.search(r"/(\d+)/q/", location).group(1))


def test_practice_page_hides_the_key_until_answered(client, login_as, learning_bank):
    login_as("learner")
    start = client.post("/practice", data={"exam": "CPC", "size": "3", "mode": "all", "topics": ["icd-10-cm"]})
    assert start.status_code == 302
    question = client.get(start.headers["Location"]).get_data(as_text=True)
    assert not SECRETS.search(question)
    client.post(start.headers["Location"], data={"answer": "A", "seconds": "12"})
    after = client.get(start.headers["Location"]).get_data(as_text=True)
    assert "SECRET-RATIONALE" in after and ("Correct" in after or "Not quite" in after)


def test_practice_form_errors_are_shown(client, login_as, learning_bank):
    login_as("learner")
    bad = client.post("/practice", data={"size": "0", "mode": "all"})
    assert bad.status_code == 400 and "Number must be between 1 and 100" in bad.get_data(as_text=True)
    none = client.post("/practice", data={"size": "5", "mode": "due"})
    assert none.status_code == 400 and "Nothing is due for review" in none.get_data(as_text=True)


def test_every_page_and_json_of_an_open_exam_is_free_of_the_key(client, login_as, learning_bank):
    login_as("learner")
    start = client.post("/exams/CPC")
    attempt_id = _attempt_id(start.headers["Location"])
    attempt = db.session.get(Attempt, attempt_id)
    pages = [f"/exams/attempts/{attempt_id}/q/{ai.position}" for ai in attempt.items]
    pages += [f"/exams/attempts/{attempt_id}/review", f"/api/exams/{attempt_id}/clock", "/"]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert not SECRETS.search(body), url
        assert "Rationale" not in body.replace("Rationale marker", ""), url
    saved = client.post(f"/api/exams/{attempt_id}/answers", json={"position": 1, "letters": ["A"]})
    assert saved.status_code == 200 and set(saved.get_json()) == {"saved", "seconds_left", "answered"}
    # after submission the full review with rationales is there
    client.post(f"/exams/attempts/{attempt_id}/submit")
    result = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "SECRET-RATIONALE" in result and "score report" in result


def test_other_learners_get_403(client, login_as, learning_bank, app):
    owner = make_user()
    other_client = app.test_client()
    sign_in(other_client, owner)
    practice = other_client.post("/practice", data={"size": "2", "mode": "all"})
    practice_id = _attempt_id(practice.headers["Location"])
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    case_url = start_case(other_client, case_item.key)  # before the exam, which may draw this case
    case_id = int(case_url.rsplit("/", 1)[1])
    start = other_client.post("/exams/CPC")
    attempt_id = _attempt_id(start.headers["Location"])

    login_as("learner")
    assert client.get(f"/exams/attempts/{attempt_id}/q/1").status_code == 403
    assert client.post(f"/api/exams/{attempt_id}/answers", json={"position": 1, "letters": ["A"]}).status_code == 403
    assert client.post(f"/exams/attempts/{attempt_id}/submit").status_code == 403
    assert client.get(f"/practice/{practice_id}/q/1").status_code == 403
    assert client.post(f"/practice/{practice_id}/q/1", data={"answer": "A"}).status_code == 403
    assert client.get(f"/cases/attempts/{case_id}").status_code == 403
    assert client.post(f"/cases/attempts/{case_id}", data={"dx": "I10"}).status_code == 403
    assert client.post(f"/cases/attempts/{case_id}", data={"dx": "I10", "action": "grade-now"}).status_code == 403
    assert client.post(f"/api/cases/attempts/{case_id}/draft", json={"dx": ["I10"]}).status_code == 403
    assert client.get(f"/cases/attempts/{case_id}/confirm").status_code == 403
    assert client.post(f"/cases/attempts/{case_id}/grade").status_code == 403
    assert db.session.get(Attempt, attempt_id).is_open


def test_case_form_without_javascript_and_paste_format(client, login_as, learning_bank):
    login_as("learner")
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    page = client.get(f"/cases/{case_item.key}").get_data(as_text=True)
    assert 'name="dx"' in page and 'name="paste_px"' in page and not SECRETS.search(page)
    url = start_case(client, case_item.key)
    parsed = bank.parsed_item(case_item)
    px = ", ".join(ln.code + "".join(f"-{m}" for m in ln.modifiers) for ln in parsed.key.procedures)
    dx = ", ".join(ln.code.replace(".", "").lower() for ln in parsed.key.diagnoses if not ln.optional)
    client.post(url, data={"paste_dx": dx, "paste_px": px, "action": "grade-now"})
    report = client.get(url).get_data(as_text=True)
    assert "Score: <strong>100.0%</strong>" in report and "Grade report" in report


def test_report_a_problem(client, login_as, learning_bank):
    user = login_as("learner")
    bad = client.post("/items/learn-icd-001/report", data={"comment": "x"})
    assert bad.status_code == 400
    ok = client.post("/items/learn-icd-001/report", data={"kind": "wrong-key", "comment": "I think B", "back": "/practice"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/practice"
    report = db.session.scalar(sa.select(ItemReport))
    assert (report.user_id, report.kind, report.comment) == (user.id, "wrong-key", "I think B")
    assert client.post("/items/no-such-item/report", data={"kind": "typo"}).status_code == 404


def test_pages_give_no_key_of_an_item_in_the_learners_open_exam(client, login_as, app, tmp_path):
    """A practice set and a case attempt from before the exam, an earlier exam's score report:
    while an exam is open, none of them shows the key of an item that exam drew."""
    root = write_learning_bank(tmp_path / "bank")
    blueprint = root / "blueprints" / "CPC.yaml"
    blueprint.write_text(blueprint.read_text().replace("questions: 4", "questions: 8"), encoding="utf-8")  # exams overlap
    bank.import_bank(root)
    user = login_as("learner")
    practice = client.post("/practice", data={"exam": "CPC", "size": "9", "mode": "all", "topics": ["icd-10-cm"]})
    practice_id = _attempt_id(practice.headers["Location"])
    for position in range(1, 10):
        client.post(f"/practice/{practice_id}/q/{position}", data={"answer": "A"})
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    case_url = start_case(client, case_item.key)
    client.post(case_url, data={"dx": "R52", "action": "grade-now"})
    first = _attempt_id(client.post("/exams/CPC").headers["Location"])
    client.post(f"/exams/attempts/{first}/submit")

    exam_id = _attempt_id(client.post("/exams/CPC").headers["Location"])
    exam = db.session.get(Attempt, exam_id)
    exam_keys = {db.session.get(Item, ai.item_id).key for ai in exam.items}
    practice_items = db.session.get(Attempt, practice_id).items
    locked = [ai.position for ai in practice_items if ai.item_id in {x.item_id for x in exam.items}]
    assert locked and case_item.key in exam_keys
    for position in locked:
        page = client.get(f"/practice/{practice_id}/q/{position}")
        assert page.status_code == 409 and "whose answers are not released yet" in page.get_data(as_text=True)
        assert not SECRETS.search(page.get_data(as_text=True))
        again = client.post(f"/practice/{practice_id}/q/{position}", data={"answer": "B"})
        assert again.status_code == 409
    case_page = client.get(case_url)
    assert case_page.status_code == 409 and "whose answers are not released yet" in case_page.get_data(as_text=True)
    assert "Grade report" not in case_page.get_data(as_text=True)
    refused = client.post(f"/api/cases/{case_item.key}/draft", json={"dx": ["R52"]})
    assert refused.status_code == 409 and "whose answers are not released yet" in refused.get_json()["error"]
    opened = client.get(f"/cases/{case_item.key}")
    assert opened.status_code == 409 and "whose answers are not released yet" in opened.get_data(as_text=True)
    earlier = client.get(f"/exams/attempts/{first}/result").get_data(as_text=True)
    first_keys = {db.session.get(Item, ai.item_id).key for ai in db.session.get(Attempt, first).items}
    assert len(first_keys & exam_keys) >= 8
    for key in exam_keys:
        assert f"SECRET-RATIONALE-{key}" not in earlier and f"SECRET-WHY-{key}" not in earlier
    assert "closed distal radius fracture, initial encounter" not in earlier  # the case's rationale
    assert "whose answers are not released yet" in earlier

    client.post(f"/exams/attempts/{exam_id}/submit")
    assert client.get(f"/practice/{practice_id}/q/{locked[0]}").status_code == 200
    assert "Grade report" in client.get(case_url).get_data(as_text=True)
    assert user.id == exam.user_id


# ------------------------------------------------------------------ bad input: 400/413 with a message, nothing changed
def _exam_state(attempt_id):
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    return attempt.status, [(ai.flagged, ai.response.answer_json if ai.response else None) for ai in attempt.items]


BAD_AUTOSAVES = [
    ("a JSON list", b'[{"position": 1, "letters": ["A"]}]', "application/json"),
    ("a JSON string", b'"A"', "application/json"),
    ("null", b"null", "application/json"),
    ("a number", b"1", "application/json"),
    ("deeply nested JSON", b'{"position": 1, "letters": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json"),
    ("position Infinity", b'{"position": Infinity, "letters": ["A"]}', "application/json"),
    ("position NaN", b'{"position": NaN, "letters": ["A"]}', "application/json"),
    ("a huge position", b'{"position": 1e400, "letters": ["A"]}', "application/json"),
    ("a huge integer position", b'{"position": 100000000000000000000000000000, "letters": ["A"]}', "application/json"),
    ("a negative position", b'{"position": -1, "letters": ["A"]}', "application/json"),
    ("a fractional position", b'{"position": 1.5, "letters": ["A"]}', "application/json"),
    ("a text position", b'{"position": "1", "letters": ["A"]}', "application/json"),
    ("a true position", b'{"position": true, "letters": ["A"]}', "application/json"),
    ("no position", b'{"letters": ["A"]}', "application/json"),
    ("nothing to save", b'{"position": 1}', "application/json"),
    ("an unknown field", b'{"position": 1, "letters": ["A"], "score": 100}', "application/json"),
    ("letters not a list", b'{"position": 1, "letters": "A"}', "application/json"),
    ("letters of numbers", b'{"position": 1, "letters": [1]}', "application/json"),
    ("no letters", b'{"position": 1, "letters": []}', "application/json"),
    ("too many letters", b'{"position": 1, "letters": ["A", "B", "C", "D", "E", "F", "A"]}', "application/json"),
    ("a flag that is not true or false", b'{"position": 1, "flag": "yes"}', "application/json"),
    ("a case that is not an object", b'{"position": 1, "case": ["I10"]}', "application/json"),
    ("a case list that is text", b'{"position": 1, "case": {"diagnoses": "I10"}}', "application/json"),
    ("a case with an unknown list", b'{"position": 1, "case": {"modifiers": ["RT"]}}', "application/json"),
    ("letters and a case", b'{"position": 1, "letters": ["A"], "case": {"diagnoses": ["I10"]}}', "application/json"),
    ("invalid JSON", b'{"position": 1, "letters": ["A"]', "application/json"),
    ("an empty body", b"", "application/json"),
    ("a form-encoded body", b"position=1&letters=A", "application/x-www-form-urlencoded"),
    ("text/plain", b'{"position": 1, "letters": ["A"]}', "text/plain"),
    ("no content type", b'{"position": 1, "letters": ["A"]}', None),
]


@pytest.mark.parametrize("what, body, content_type", BAD_AUTOSAVES, ids=[b[0] for b in BAD_AUTOSAVES])
def test_malformed_autosaves_are_refused_and_change_nothing(client, login_as, learning_bank, what, body, content_type):
    login_as("learner")
    attempt_id = _attempt_id(client.post("/exams/CPC").headers["Location"])
    before = _exam_state(attempt_id)
    headers = {"Content-Type": content_type} if content_type else {}
    answer = client.post(f"/api/exams/{attempt_id}/answers", data=body, headers=headers)
    assert answer.status_code == 400, (what, answer.status_code, answer.get_data(as_text=True)[:200])
    assert answer.is_json and answer.get_json()["error"] and "saved" not in answer.get_json()
    assert _exam_state(attempt_id) == before


def test_an_oversized_autosave_gets_413(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _attempt_id(client.post("/exams/CPC").headers["Location"])
    before = _exam_state(attempt_id)
    body = {"position": 1, "case": {"diagnoses": ["I10" + " " * 40_000]}}
    answer = client.post(f"/api/exams/{attempt_id}/answers", json=body)
    assert answer.status_code == 413 and "too large" in answer.get_json()["error"]
    assert _exam_state(attempt_id) == before


def test_a_case_answer_with_too_many_codes_is_refused(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _attempt_id(client.post("/exams/CPC").headers["Location"])
    case_position = next(ai.position for ai in db.session.get(Attempt, attempt_id).items if ai.section_key == "cases")
    before = _exam_state(attempt_id)
    many = client.post(f"/api/exams/{attempt_id}/answers", json={"position": case_position, "case": {"diagnoses": ["I10"] * 31}})
    assert many.status_code == 400 and "at most 30 codes" in many.get_json()["error"]
    page = client.post(f"/exams/attempts/{attempt_id}/q/{case_position}", data={"paste_dx": ", ".join(["I10"] * 31)})
    assert page.status_code == 400 and "at most 30 codes" in page.get_data(as_text=True)
    long = client.post(f"/exams/attempts/{attempt_id}/q/{case_position}", data={"paste_px": "99213 " * 2000})
    assert long.status_code == 413 and "at most 2000 characters" in long.get_data(as_text=True)
    assert _exam_state(attempt_id) == before


def test_case_practice_paste_is_capped_before_it_is_parsed(client, login_as, learning_bank):
    login_as("learner")
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    url = start_case(client, case_item.key)
    long = client.post(url, data={"paste_dx": "I10," * 100_000})
    assert long.status_code == 413 and "at most 2000 characters" in long.get_data(as_text=True)
    many = client.post(url, data={"dx": ["I10"] * 31})
    assert many.status_code == 400 and "at most 30 codes" in many.get_data(as_text=True)
    rows = client.post(url, data={"px_mod": ["RT"] * 500})
    assert rows.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.scalar(sa.select(Attempt.status)) == "open"


@pytest.mark.parametrize("seconds", ["nan", "NaN", "inf", "-inf", "-5", "1e400", "abc", ""])
def test_practice_and_case_time_taken_that_is_not_a_number_is_ignored(client, login_as, learning_bank, seconds):
    login_as("learner")
    url = client.post("/practice", data={"exam": "CPC", "size": "2", "mode": "all", "topics": ["icd-10-cm"]}).headers["Location"]
    assert client.post(url, data={"answer": "A", "seconds": seconds}).status_code == 302
    case_item = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    case_url = start_case(client, case_item.key)
    assert client.post(case_url, data={"dx": "I10", "seconds": seconds, "action": "grade-now"}).status_code == 302
    assert db.session.scalars(sa.select(Response.seconds)).all() == [None, None]


def test_exam_starts_are_rate_limited_per_learner(app, database_url, instance_path, tmp_path):
    from study.extensions import limiter
    from tests.support import make_app

    limited = make_app(database_url, instance_path, RATELIMIT_ENABLED=True, EXAM_START_LIMIT="2 per hour")
    with limited.app_context():
        limiter.reset()
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        ann, bob = limited.test_client(), limited.test_client()
        sign_in(ann, make_user())
        sign_in(bob, make_user())
        codes = [ann.post("/exams/CPC").status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert "Too many attempts" in ann.post("/exams/CPC").get_data(as_text=True)
        assert ann.get("/exams/CPC").status_code == 200  # reading the start page is not limited
        assert bob.post("/exams/CPC").status_code == 302  # another learner (same address) is not
        # ann's second start found her first exam still open: offered to resume it, no second attempt
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2
        limiter.reset()
