"""The item editor's form <-> billing exercise mapping (claim, remittance, scrubber): the spec as
one YAML field, its errors on that field, the validator's problems mapped back, the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.bank import forms
from study.bank.model import BillingItem
from study.bank.parser import parse_item_file

TOPICS = {"claims", "payments-ar"}
EXAMS = ["CPC", "CPB", "CCS", "CCS-P"]
BILLING = Path(__file__).resolve().parents[2] / "question_bank" / "billing"


def billing_data(kind: str = "claim", **overrides) -> dict:
    data = {
        "item_id": f"web-{kind}-001",
        "exams": ["CPB"],
        "topic": "payments-ar" if kind == "remittance" else "claims",
        "difficulty": "easy",
        "tags": "web, sample",
        "title": f"A sample {kind}",
        "minutes": "10",
        "scenario": "You are the biller at **Lakeview Family Medicine** (fictional).",
        "spec": forms.SPEC_TEMPLATES[kind],
        "rationale": "Every box follows from the scenario.",
    }
    data.update(overrides)
    return data


def _validate(kind: str, data: dict, checker) -> forms.Draft:
    return forms.validate_draft(forms.item_from_form(kind, data), topics=TOPICS, exams=EXAMS, checker=checker)


@pytest.mark.parametrize("kind", forms.BILLING_KINDS)
def test_the_templates_make_valid_exercises_that_fill_the_form_back(kind, checker):
    draft = _validate(kind, billing_data(kind), checker)
    assert draft.ok, (draft.errors, draft.general)
    item = draft.item
    assert isinstance(item, BillingItem)
    assert (item.kind, item.minutes, item.title, item.tags) == (kind, 10, f"A sample {kind}", ("web", "sample"))
    back = forms.form_from_item(item)
    assert set(forms.BILLING_FIELDS) <= set(back)
    assert forms.item_from_form(kind, back).item == item
    assert forms.MARKDOWN_FIELDS[kind] == ("scenario", "rationale")
    assert forms.fields_of(kind) == forms.BILLING_FIELDS


@pytest.mark.parametrize("path", sorted(BILLING.rglob("*.md"))[::7], ids=lambda p: p.stem)
def test_bank_exercises_round_trip_through_the_form(path):
    item, _ = parse_item_file(path)
    assert isinstance(item, BillingItem)
    back = forms.form_from_item(item)
    again = forms.item_from_form(item.kind, back, item_id=item.id, status=item.status, reserve=item.reserve).item
    assert again is not None and again.content_hash == item.content_hash and again.spec == item.spec


def test_a_yaml_error_is_on_the_spec_field_with_its_line():
    draft = forms.item_from_form("claim", billing_data(spec="key:\n  insurance_type: group\n  lines: [\n  tax_id: 1\n"))
    assert draft.item is None and list(draft.errors) == ["spec"]
    (message,) = draft.errors["spec"]
    assert message.startswith("line ") and "not valid YAML" in message


def test_unknown_top_level_keys_and_non_mappings_are_spec_errors():
    draft = forms.item_from_form("remittance", billing_data("remittance", spec=forms.SPEC_TEMPLATES["remittance"] + "weights: {}\n"))
    assert draft.item is None and "unknown key 'weights'" in draft.errors["spec"][0]
    assert forms.item_from_form("claim", billing_data(spec="- a list\n")).errors["spec"] == [
        "the spec must be a mapping of keys (for example key: ...)"
    ]
    assert "required: key" in forms.item_from_form("claim", billing_data(spec="  ")).errors["spec"][0]


def test_minutes_and_headings_are_checked_on_their_fields():
    draft = forms.item_from_form("claim", billing_data(minutes="ten", scenario="## Task\nfill it"))
    assert set(draft.errors) == {"minutes", "scenario"}


def test_validator_problems_go_to_spec_scenario_and_rationale(checker):
    spec = forms.SPEC_TEMPLATES["claim"].replace('npi: "9273615044"', 'npi: "9273615045"').replace("pointers: [A],", "pointers: [B],")
    draft = _validate("claim", billing_data(spec=spec, scenario="", rationale="", topic="nowhere"), checker)
    assert not draft.ok
    assert any("lines.1.npi" in m for m in draft.errors["spec"]), draft.errors
    assert any("lines.1.pointers" in m for m in draft.errors["spec"]), draft.errors
    assert "scenario" in draft.errors and "rationale" in draft.errors and "topic" in draft.errors
    moved = forms.SPEC_TEMPLATES["scrubber"].replace("field: lines.1.pos", "field: lines.4.pos")
    draft = _validate("scrubber", billing_data("scrubber", spec=moved), checker)
    assert any("lines.4.pos" in m for m in draft.errors["spec"]), draft.errors
    bad_key = forms.SPEC_TEMPLATES["remittance"].replace("patient_responsibility: 25.00", "patient_responsibility: 20.00")
    draft = _validate("remittance", billing_data("remittance", spec=bad_key), checker)
    assert draft.errors.get("spec") and not draft.general, (draft.errors, draft.general)
