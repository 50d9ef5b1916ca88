"""Authoring service: form -> bank item -> validated with the bank's rules; drafts, versions,
publish/retire, ownership, "try an answer", and the export round trip."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from study.bank.parser import parse_item
from study.bank.validate import check_bank, has_errors
from study.extensions import db
from study.models import Item, ItemVersion
from study.services import Forbidden, NotFound, ServiceError, authoring
from study.services import bank as bank_service
from tests.factories import make_user
from tests.learning_bank import write_learning_bank


@pytest.fixture
def bank(app, tmp_path):
    bank_service.import_bank(write_learning_bank(tmp_path / "bank"))


def mcq_data(**over):
    data = {
        "item_id": "web-mcq-001",
        "exams": ["CPC"],
        "topic": "icd-10-cm",
        "difficulty": "easy",
        "tags": "diabetes, web",
        "stem": "Which code reports **type 2 diabetes** without complications?",
        "option_A": "E11.9",
        "option_B": "E10.9",
        "option_C": "E13.9",
        "answer": ["A"],
        "rationale": "E11.9 is type 2 diabetes without complications.",
        "why_not_B": "E10.9 is type 1.",
    }
    data.update(over)
    return data


def case_data(**over):
    data = {
        "item_id": "web-case-001",
        "exams": ["CPC"],
        "topic": "em",
        "setting": "professional",
        "difficulty": "medium",
        "documentation": "Established patient seen for type 2 diabetes with diabetic CKD stage 3a.",
        "task": "",
        "rationale": "Code the diabetes with the CKD stage.",
        "diagnoses": "E11.22\nN18.31 | optional",
        "procedures": "99214 | modifiers: 25 | alternates: 99213",
        "pcs": "",
        "not_reportable": "R73.9 | hyperglycemia is part of the diabetes",
    }
    data.update(over)
    return data


def test_create_mcq_draft_as_web_item(bank):
    author = make_user("instructor")
    item = authoring.create_item(author, "mcq", mcq_data())
    assert (item.key, item.origin, item.author_id, item.status, item.type) == ("web-mcq-001", "web", author.id, "draft", "mcq")
    parsed = authoring.current(item)
    assert parsed.answer == ("A",) and parsed.why_not_map == {"B": "E10.9 is type 1."}
    assert "status: draft" in item.current_version.source_text


def test_validation_errors_are_mapped_to_fields_and_nothing_is_saved(bank):
    author = make_user("instructor")
    data = mcq_data(answer=["D"], topic="no-such-topic", option_B="", why_not_B="")
    with pytest.raises(authoring.ItemInvalid) as caught:
        authoring.create_item(author, "mcq", data)
    errors = caught.value.errors
    assert any("not an option" in e for e in errors["answer"])
    assert any("unknown topic" in e for e in errors["topic"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.origin == "web")) == 0


def test_case_key_code_errors_go_to_the_key_field(bank):
    author = make_user("instructor")
    with pytest.raises(authoring.ItemInvalid) as caught:
        authoring.create_item(author, "case", case_data(diagnoses="E11.22\nXYZ.1", procedures="99214 | units: x"))
    errors = caught.value.errors
    assert "diagnoses" in errors or "procedures" in errors
    assert any("units" in e for e in errors["procedures"])
    with pytest.raises(authoring.ItemInvalid) as caught:
        authoring.create_item(author, "case", case_data(diagnoses="E11.22\nE11"))
    assert any("E11" in e for e in caught.value.errors["diagnoses"])


def test_markdown_headings_that_would_split_the_file_are_refused(bank):
    with pytest.raises(authoring.ItemInvalid) as caught:
        authoring.create_item(make_user("instructor"), "case", case_data(documentation="Note\n## Options\nA. x"))
    assert "documentation" in caught.value.errors


def test_deidentification_warnings_do_not_block(bank):
    draft = authoring.check_form("case", case_data(documentation="Patient DOB 03/14/1962, MRN 00482913, seen for diabetes."))
    assert draft.ok
    assert len(draft.warnings["documentation"]) == 2


def test_duplicate_id_is_an_error(bank):
    author = make_user("instructor")
    with pytest.raises(authoring.ItemInvalid) as caught:
        authoring.create_item(author, "mcq", mcq_data(item_id="learn-icd-001"))
    assert "already exists" in caught.value.errors["item_id"][0]


def test_publish_edit_makes_a_new_version_and_retire(bank):
    author = make_user("instructor")
    item = authoring.create_item(author, "mcq", mcq_data())
    first_version = item.current_version_id
    authoring.publish_item(author, item.id)
    assert item.status == "published" and item.current_version_id == first_version  # status is metadata
    item, outcome = authoring.update_item(author, item.id, mcq_data(stem="Which code reports type 2 diabetes, no complications?"))
    assert outcome == "new_version" and item.current_version_id != first_version
    assert db.session.get(ItemVersion, first_version) is not None  # past attempts keep theirs
    assert authoring.version_count(item) == 2
    assert item.status == "published"
    item, outcome = authoring.update_item(author, item.id, mcq_data(tags="renamed"))
    assert item.tags == ["renamed"]
    authoring.retire_item(author, item.id)
    assert item.status == "retired"


def test_ownership(bank):
    author, other, admin = make_user("instructor"), make_user("instructor"), make_user("admin")
    item = authoring.create_item(author, "mcq", mcq_data())
    with pytest.raises(Forbidden):
        authoring.get_editable(other, item.id)
    with pytest.raises(Forbidden):
        authoring.publish_item(other, item.id)
    with pytest.raises(NotFound):
        authoring.get_editable(author, 999999)
    assert authoring.get_editable(admin, item.id) is item
    assert [i.key for i in authoring.list_items(other)] == []
    assert [i.key for i in authoring.list_items(author)] == ["web-mcq-001"]
    # issue 17: the shipped items are the course team's: every instructor may edit them (as new versions)
    file_item = bank_service.get_item("learn-icd-001")
    assert authoring.get_editable(author, file_item.id) is file_item
    assert authoring.get_editable(admin, file_item.id) is file_item


def test_admin_edits_a_file_item_keeps_its_origin_and_path(bank):
    admin = make_user("admin")
    item = bank_service.get_item("learn-icd-001")
    path = item.path
    data = authoring.form_data(item)
    data["rationale"] = "Edited in the browser."
    item, outcome = authoring.update_item(admin, item.id, data)
    assert outcome == "new_version" and item.origin == "file" and item.path == path and item.status == "published"


def test_form_data_round_trips(bank):
    author = make_user("instructor")
    item = authoring.create_item(author, "case", case_data())
    data = authoring.form_data(item)
    assert data["procedures"] == "99214 | modifiers: 25 | alternates: 99213"
    _, outcome = authoring.update_item(author, item.id, data)
    assert outcome == "saved" and authoring.version_count(item) == 1


def test_an_unknown_item_type_is_refused(bank):
    with pytest.raises(ServiceError) as caught:
        authoring.check_form("essay", {})
    assert caught.value.status == 400 and "Unknown item type 'essay'" in str(caught.value)


def test_try_an_answer(bank):
    author = make_user("instructor")
    mcq = authoring.current(authoring.create_item(author, "mcq", mcq_data()))
    assert authoring.try_mcq(mcq, ["A"]).correct and not authoring.try_mcq(mcq, ["B"]).correct
    case = authoring.current(authoring.create_item(author, "case", case_data()))
    right = authoring.try_case(case, dx="E11.22, N18.31", px="99214-25")
    assert right.score_pct == 100
    wrong = authoring.try_case(case, dx="E11.9", px="99214")
    assert wrong.score_pct < 100 and wrong.lines


def test_authored_items_export_and_round_trip(bank, tmp_path, runner):
    author = make_user("instructor")
    mcq = authoring.create_item(author, "mcq", mcq_data())
    case = authoring.create_item(author, "case", case_data())
    authoring.publish_item(author, case.id)
    result = runner.invoke(args=["bank", "export", str(tmp_path / "out")])  # `flask bank export`
    assert result.exit_code == 0, result.output
    for item in (mcq, case):
        path = tmp_path / "out" / item.path
        parsed, problems = parse_item(path.read_text(encoding="utf-8"), str(path))
        assert parsed == authoring.current(item) and not [p for p in problems if p.is_error]
    _, problems = check_bank(tmp_path / "out")
    assert not has_errors(problems), [str(p) for p in problems if p.is_error]
    summary = bank_service.import_bank(tmp_path / "out")
    assert summary.created == 0 and summary.new_versions == 0


def test_an_empty_form_gets_an_error_on_each_field_and_none_left_over(bank):
    draft = authoring.check_form("mcq", {})
    assert set(draft.errors) >= {"item_id", "exams", "topic", "answer", "stem", "option_A", "rationale"}
    assert draft.general == [] and not draft.ok
    assert "tick the correct answer" in draft.errors["answer"][0]
    draft = authoring.check_form("case", {})
    assert set(draft.errors) >= {"item_id", "exams", "topic", "setting", "documentation", "rationale", "diagnoses"}
    assert draft.general == []
    draft = authoring.check_form("mcq", mcq_data(why_not_F="F is wrong.", stem="Which two codes are reported? Select two."))
    assert "why_not_F" in draft.errors and "answer" in draft.errors


def test_past_attempts_keep_the_version_they_answered(bank):
    from datetime import datetime, timezone

    from study.services import attempts as attempt_service
    from study.services import practice

    author, learner = make_user("instructor"), make_user("learner")
    item = authoring.create_item(author, "mcq", mcq_data(topic="modifiers"))
    authoring.publish_item(author, item.id)
    old_version = item.current_version_id
    now = datetime.now(timezone.utc)
    attempt = practice.start_practice(learner, practice.PracticeChoice(None, ["modifiers"], None, 1, "all"), now)
    (answered,) = attempt.items
    assert answered.item_id == item.id and answered.item_version_id == old_version
    authoring.update_item(author, item.id, mcq_data(topic="modifiers", rationale="A corrected rationale."))
    assert item.current_version_id != old_version
    db.session.refresh(answered)
    assert answered.item_version_id == old_version
    assert attempt_service.version_item(answered).rationale == "E11.9 is type 2 diabetes without complications."


def test_tables_and_lowercase_codes_are_not_refused(bank):
    draft = authoring.check_form(
        "case", case_data(documentation="Vitals:\n\n| BP | HR |\n|---|---|\n| 120/80 | 72 |", diagnoses="e11.22\nn18.31 | optional")
    )
    assert draft.ok, (draft.errors, draft.general)
    assert [k.code for k in draft.item.key.diagnoses] == ["E11.22", "N18.31"]


def test_text_the_file_cannot_hold_as_typed_is_an_error_on_its_field(bank):
    draft = authoring.check_form("mcq", mcq_data(why_not_B="E10.9 is type 1.\n    indented continuation"))
    assert "cannot be stored as written" in draft.errors["why_not_B"][0]
