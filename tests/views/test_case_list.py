"""/cases as a proper list (issue 18): each case with a human title, setting, exam, difficulty,
minutes and the learner's status (not started / draft saved / best score), filtered by exam,
setting, topic and status with a GET form; its statements do not grow with the attempts."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from study.services import cases as case_service
from tests.support import count_statements, start_case

PRO, IP = "case-pro-0003", "case-ip-0001"
NOW = datetime.now(timezone.utc)


def _statuses(html: str) -> dict[str, str]:
    """Case key -> the status text shown beside it."""
    found = {}
    for block in html.split("<li>")[1:]:
        key = re.search(r'href="/cases/([a-z0-9-]+)"', block)
        status = re.search(r"(Not started|Draft saved|Best score \d+%)", block)
        if key and status:
            found[key.group(1)] = status.group(1)
    return found


def _grade(learner, key: str) -> None:
    attempt = case_service.start_case(learner, key, NOW)
    case_service.submit_case(learner, attempt.id, {"diagnoses": ["I10"]}, NOW)


def test_each_case_shows_the_learners_status_and_the_filters_narrow_the_list(client, login_as, learning_bank):
    lee = login_as("learner")
    assert _statuses(client.get("/cases").get_data(as_text=True)) == {PRO: "Not started", IP: "Not started"}
    start_case(client, PRO)  # a draft
    _grade(lee, IP)
    html = client.get("/cases").get_data(as_text=True)
    shown = _statuses(html)
    assert shown[PRO] == "Draft saved" and shown[IP].startswith("Best score ")
    assert "Resume" in html and "Try again" in html and "2 cases." in html
    assert _statuses(client.get("/cases?status=graded").get_data(as_text=True)).keys() == {IP}
    assert _statuses(client.get("/cases?status=draft").get_data(as_text=True)).keys() == {PRO}
    assert _statuses(client.get("/cases?setting=professional").get_data(as_text=True)).keys() == {PRO}
    assert _statuses(client.get("/cases?setting=inpatient&status=draft").get_data(as_text=True)) == {}
    empty = client.get("/cases?status=new").get_data(as_text=True)
    assert "No case matches these filters" in empty and 'href="/cases"' in empty
    assert client.get("/cases?status=nonsense&setting=<b>").status_code == 200  # an unknown value filters nothing


def test_the_filter_form_has_labels_and_keeps_the_choice(client, login_as, learning_bank):
    login_as("learner")
    html = client.get("/cases?setting=inpatient").get_data(as_text=True)
    for name in ("exam", "setting", "topic", "status"):
        assert f'<label for="{name}"' in html
    assert re.search(r'<option selected value="inpatient">|<option value="inpatient" selected>', html)


def test_the_list_runs_the_same_statements_with_more_attempts(app, client, login_as, learning_bank):
    lee = login_as("learner")
    client.get("/cases")
    with count_statements() as few:
        client.get("/cases")
    for _ in range(3):
        _grade(lee, IP)
        _grade(lee, PRO)
    with count_statements() as many:
        assert "Best score" in client.get("/cases").get_data(as_text=True)
    assert len(many) == len(few)


def test_a_graded_case_offers_similar_cases_same_setting_and_topic_first(app, client, login_as, tmp_path):
    """The case report's next step (issue 18): "try this case again" and similar cases."""
    import shutil
    from pathlib import Path

    from study.services import bank

    source, root = Path(app.config["QUESTION_BANK"]), tmp_path / "bank"
    shutil.copytree(source / "cases" / "inpatient", root / "cases" / "inpatient")
    shutil.copytree(source / "blueprints", root / "blueprints")
    shutil.copy(source / "topics.yaml", root / "topics.yaml")
    bank.import_bank(root)
    similar = case_service.similar_cases(bank.parsed_item(bank.get_item("case-ip-020")))
    assert len(similar) == 3 and all(i.setting == "inpatient" and i.key != "case-ip-020" for i in similar)
    assert all(i.topic == "icd-10-pcs" for i in similar)  # the same topic first
    lee = login_as("learner")
    attempt = case_service.start_case(lee, "case-ip-020", NOW)
    case_service.submit_case(lee, attempt.id, {"diagnoses": ["I10"]}, NOW)
    html = client.get(f"/cases/attempts/{attempt.id}").get_data(as_text=True)
    assert "Try this case again" in html and "Similar cases" in html
    assert all(f'href="/cases/{i.key}"' in html for i in similar)
