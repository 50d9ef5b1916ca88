"""MS-DRG feedback over the real bank: every inpatient key is grouped once at import and stored;
a learner's answer is grouped once at grading and compared with the key in plain words."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.bank.model import CaseItem
from study.codes import drg as core
from study.codes import msdrg_adapter
from study.extensions import db
from study.models import Attempt, Item, ItemVersionDrg
from study.services import bank
from study.services import cases as case_service
from study.services import drg as drg_service
from study.services.grading import parsed_version
from tests.factories import make_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def real_bank(app, tmp_path):
    """The real bank's inpatient cases (with its topics and blueprints), imported."""
    source, root = Path(app.config["QUESTION_BANK"]), tmp_path / "bank"
    shutil.copytree(source / "cases" / "inpatient", root / "cases" / "inpatient")
    shutil.copytree(source / "blueprints", root / "blueprints")
    shutil.copy(source / "topics.yaml", root / "topics.yaml")
    bank.import_bank(root)
    return root


def _case(key: str) -> tuple[Item, CaseItem]:
    item = db.session.scalar(sa.select(Item).where(Item.key == key))
    parsed = parsed_version(item.current_version)
    assert isinstance(parsed, CaseItem)
    return item, parsed


def _key_lists(case: CaseItem) -> dict[str, list[str]]:
    return {
        "diagnoses": [k.code for k in case.key.diagnoses if not k.optional],
        "procedures": [],
        "pcs": [k.code for k in case.key.pcs if not k.optional],
    }


def _grade(key: str, lists: dict[str, list[str]]) -> Attempt:
    user = make_user()
    rows = {name: list(codes) for name, codes in lists.items()}
    attempt = case_service.grade_draft(user, T0, key=key, rows=rows)
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def test_every_inpatient_key_is_grouped_once_at_import_and_matches_the_grouper(real_bank):
    inpatient = list(db.session.scalars(sa.select(Item).where(Item.setting == "inpatient")))
    assert len(inpatient) >= 41
    for item in inpatient:
        case = parsed_version(item.current_version)
        row = db.session.get(ItemVersionDrg, item.current_version_id)
        assert row is not None, item.key
        fresh = msdrg_adapter.group(core.key_claim(case))
        assert (row.drg, row.severity, row.grouper_version) == (fresh.drg, fresh.severity, 430), item.key
        assert row.title and row.weight == core.weights()[row.drg].weight, item.key
        assert [c["code"] for c in json.loads(row.cc_mcc_json)] == [s.code for s in fresh.counted], item.key
    # a second import changes nothing and groups nothing again
    before = db.session.scalar(sa.select(sa.func.max(ItemVersionDrg.grouped_at)))
    bank.import_bank(real_bank, force=True)
    assert db.session.scalar(sa.select(sa.func.max(ItemVersionDrg.grouped_at))) == before


def test_a_missing_mcc_drops_the_drg_and_the_reason_names_it(real_bank):
    item, case = _case("case-ip-009")  # heart failure: I50.33 acute on chronic diastolic HF is the MCC
    lists = _key_lists(case)
    lists["diagnoses"].remove("I50.33")
    attempt = _grade("case-ip-009", lists)
    ai = attempt.items[0]
    assert ai.response.report["drg"]["grouping"]["drg"] != 291  # stored at grading
    found = drg_service.attempt_comparison(ai)
    assert found is not None and found.key.drg == 291 and found.yours.drg in (292, 293)
    assert any("I50.33" in r and "an MCC" in r and "missing" in r for r in found.reasons), found.reasons
    assert any(r.startswith("Relative weight") and "1.2838" in r for r in found.reasons), found.reasons


def test_the_key_itself_groups_the_same(real_bank):
    _, case = _case("case-ip-028")
    ai = _grade("case-ip-028", _key_lists(case)).items[0]
    found = drg_service.attempt_comparison(ai)
    assert found.same and found.yours.drg == found.key.drg == 482


def test_a_wrong_principal_diagnosis_is_named_with_its_mdc(real_bank):
    _, case = _case("case-ip-009")
    lists = _key_lists(case)
    lists["diagnoses"].remove("N18.32")
    lists["diagnoses"].insert(0, "N18.32")  # CKD (MDC 11) sequenced first instead of the heart disease
    found = drg_service.attempt_comparison(_grade("case-ip-009", lists).items[0])
    assert found.yours.mdc == 11 and found.key.mdc == 5
    assert any(r.startswith("Your principal diagnosis N18.32") and "MDC 11" in r for r in found.reasons), found.reasons


def test_a_missing_principal_procedure_is_named(real_bank):
    _, case = _case("case-ip-028")  # hip fracture fixed with screws: surgical DRG 482
    lists = _key_lists(case)
    lists["pcs"] = []
    found = drg_service.attempt_comparison(_grade("case-ip-028", lists).items[0])
    assert not found.yours.surgical and found.yours.drg != 482
    assert any("principal procedure 0QH734Z" in r for r in found.reasons), found.reasons


def test_invalid_learner_codes_are_left_out_and_said(real_bank):
    _, case = _case("case-ip-009")
    lists = _key_lists(case)
    lists["diagnoses"].append("I50.99")  # not a code
    found = drg_service.attempt_comparison(_grade("case-ip-009", lists).items[0])
    assert found.same
    assert any(r.startswith("Left out of grouping") and "I50.99" in r for r in found.reasons)
