"""The item editor's form <-> bank item mapping and the validation of a draft (pure: the topics,
exams, code checker and ids taken come in as arguments)."""

from __future__ import annotations

import pytest

from study.bank import forms
from study.bank.model import CaseItem, McqItem
from tests.services.test_authoring import case_data, mcq_data

TOPICS = {"icd-10-cm", "em", "modifiers"}
EXAMS = ["CPC", "CPB", "CCS", "CCS-P"]


def _validate(kind: str, data: dict, checker, *, taken=()) -> forms.Draft:
    return forms.validate_draft(forms.item_from_form(kind, data), topics=TOPICS, exams=EXAMS, checker=checker, taken_ids=taken)


def test_row_formats_parse_and_print_back():
    rows, errors = forms.parse_key_rows("procedures", "20610 | modifiers: rt, 59 | units: 2 | alternates: 20611 | optional")
    assert errors == []
    (row,) = rows
    assert (row.code, row.modifiers, row.units, row.alternates, row.optional) == ("20610", ("RT", "59"), 2, ("20611",), True)
    assert forms.key_rows_text("procedures", rows) == "20610 | modifiers: RT, 59 | units: 2 | alternates: 20611 | optional"
    _, errors = forms.parse_key_rows("diagnoses", "E11.22 | units: 2")
    assert errors == ["line 1: unknown part 'units: 2' (the parts are alternates, optional)"]
    _, errors = forms.parse_key_rows("procedures", "\n99214 | units: 0")
    assert errors == ["line 2: units must be a whole number, 1 or more"]
    rows, errors = forms.parse_not_reportable("R73.9 | part of the diabetes\nR73.9 without a reason")
    assert rows == (("R73.9", "part of the diabetes"),)
    assert errors == ["line 2: write CODE | why it is not reported"]
    assert forms.key_rows_text("not_reportable", rows) == "R73.9 | part of the diabetes"


def test_a_form_makes_an_item_and_the_item_fills_the_form_back():
    mcq = forms.item_from_form("mcq", mcq_data()).item
    assert isinstance(mcq, McqItem) and (mcq.id, mcq.answer, mcq.multiple, mcq.tags) == ("web-mcq-001", ("A",), False, ("diabetes", "web"))
    assert [o.letter for o in mcq.options] == ["A", "B", "C"] and mcq.why_not == (("B", "E10.9 is type 1."),)
    back = forms.form_from_item(mcq)
    assert forms.item_from_form("mcq", back).item == mcq
    assert back["option_D"] == "" and back["why_not_B"] == "E10.9 is type 1." and back["tags"] == "diabetes, web"
    case = forms.item_from_form("case", case_data()).item
    assert isinstance(case, CaseItem) and [k.code for k in case.key.diagnoses] == ["E11.22", "N18.31"]
    back = forms.form_from_item(case)
    assert back["diagnoses"] == "E11.22\nN18.31 | optional" and back["procedures"] == "99214 | modifiers: 25 | alternates: 99213"
    assert forms.item_from_form("case", back).item == case


def test_an_edited_item_keeps_its_id_status_and_pool():
    item = forms.item_from_form("mcq", mcq_data(item_id="typed-over"), item_id="kept-id", status="published", reserve="exam").item
    assert (item.id, item.status, item.reserve) == ("kept-id", "published", "exam")


def test_unreadable_rows_and_unknown_types():
    draft = forms.item_from_form("case", case_data(procedures="99214 | units: x", not_reportable="R73.9"))
    assert draft.errors == {
        "procedures": ["line 1: units must be a whole number, 1 or more"],
        "not_reportable": ["line 1: write CODE | why it is not reported"],
    }
    with pytest.raises(ValueError):
        forms.item_from_form("essay", {})


def test_problems_go_to_the_field_they_came_from(checker):
    draft = _validate("mcq", mcq_data(answer=["D"], topic="no-such-topic"), checker)
    assert not draft.ok
    assert any("not an option" in e for e in draft.errors["answer"])
    assert any("unknown topic" in e for e in draft.errors["topic"])
    assert draft.text.startswith("---\n") and "id: web-mcq-001" in draft.text
    case = _validate("case", case_data(diagnoses="E11.22\nE11"), checker)
    assert any("E11" in e for e in case.errors["diagnoses"])
    empty = _validate("mcq", {}, checker)
    assert set(empty.errors) >= {"item_id", "exams", "topic", "answer", "stem", "option_A", "rationale"} and empty.general == []
    assert empty.errors["answer"][0].startswith("tick the correct answer")


def test_a_valid_draft_gets_the_parsed_item_and_an_id_taken_is_an_error(checker):
    draft = _validate("case", case_data(diagnoses="e11.22\nn18.31 | optional"), checker)
    assert draft.ok, (draft.errors, draft.general)
    assert [k.code for k in draft.item.key.diagnoses] == ["E11.22", "N18.31"]  # the parser's normalized item
    taken = _validate("mcq", mcq_data(), checker, taken={"web-mcq-001"})
    assert taken.errors == {"item_id": ["an item with the id 'web-mcq-001' already exists"]}


def test_identifiers_in_a_case_are_warnings_only(checker):
    data = case_data(documentation="Patient DOB 03/14/1962, MRN 00482913, seen for diabetes.")
    draft = _validate("case", data, checker)
    assert draft.ok and len(draft.warnings["documentation"]) == 2
    assert len(forms.identifier_warnings(forms.item_from_form("case", data).item)) == 2
    assert forms.identifier_warnings(forms.item_from_form("mcq", mcq_data()).item) == []
