"""Every inpatient case key of the real bank, grouped by msdrg (the site's grouper) and cross-checked
with a second grouper, drgpy (dev only). A disagreement is accepted only when the case explains it in
its `drg_note` front matter. Also prints each key's MS-DRG for a content check (pytest -s)."""
from __future__ import annotations

from pathlib import Path

import pytest

from study.bank.model import CaseItem
from study.bank.parser import load_bank
from study.codes import drg as core
from study.codes import msdrg_adapter

BANK = Path(__file__).resolve().parents[2] / "question_bank"


def _inpatient() -> list[CaseItem]:
    bank, _ = load_bank(BANK)
    return [i for i in bank.items if isinstance(i, CaseItem) and i.setting == "inpatient"]


def test_every_inpatient_case_has_patient_facts_and_a_groupable_key() -> None:
    cases = _inpatient()
    assert len(cases) >= 41
    for case in cases:
        claim = core.key_claim(case)
        assert claim is not None, case.id
        grouping = msdrg_adapter.group(claim)
        assert grouping.return_code == "OK" and grouping.drg not in (998, 999), (case.id, grouping)
        assert grouping.weight is not None, (case.id, grouping.drg)
        print(f"{case.id}: {grouping.label} (MDC {grouping.mdc}, {grouping.severity}, weight {grouping.weight})")


def test_a_second_grouper_agrees_unless_the_case_says_why() -> None:
    drgpy_msdrg = pytest.importorskip("drgpy.msdrg", reason="drgpy is a dev dependency (pip install -e '.[dev]')")
    engine = drgpy_msdrg.DRGEngine(version="v43")  # MS-DRG v43.0, as GROUPER_VERSION 430
    undocumented = []
    for case in _inpatient():
        claim = core.key_claim(case)
        assert claim is not None and case.patient is not None
        ours = msdrg_adapter.group(claim).drg
        theirs = engine.get_drg(
            [claim.pdx, *claim.sdx],
            list(claim.procedures),
            gender="F" if case.patient.sex == "female" else "M",
            is_alive=case.patient.discharge != "20",
            discharge_status=case.patient.discharge,
        )
        if int(theirs) != ours and not case.drg_note:
            undocumented.append(f"{case.id}: msdrg {ours}, drgpy {theirs}")
    assert undocumented == [], "explain each disagreement in the case's drg_note: front matter"
