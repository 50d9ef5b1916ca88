"""Billing exercises for the learner pages: what a page shows before grading (the remittance to
work, the claim to scrub, the form's format problems) and after it (the stored report).

The pure rules live in study.billing (the claim, the remittance, the exercise) and study.grading
(the graders); this module wires them to the code sets of the database (``codes.checker``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from study.bank.model import BillingItem
from study.billing import codes
from study.billing import exercise as exercises
from study.billing.claim import (
    MAX_LINES,
    box_of,
    claim_from_form,
    display,
    field_paths,
    format_problems,
    label_of,
    load_place_of_service,
    value_at,
)
from study.billing.remittance import ACTIONS, EVIDENCE, parse_amount_text
from study.codes.loaders import load_modifier_list

ACTION_LABELS: dict[str, str] = {
    "accept": "Accept (nothing to do)",
    "correct-resubmit": "Correct the claim and resubmit",
    "appeal": "Appeal",
    "bill-secondary": "Bill the secondary payer",
    "bill-patient": "Bill the patient",
    "write-off": "Write off",
}
EVIDENCE_LABELS: dict[str, str] = {
    "medical-records": "Medical records",
    "prior-authorization": "Proof of prior authorization",
    "timely-filing-proof": "Proof of timely filing",
    "primary-eob": "The primary payer's EOB",
    "corrected-claim": "A corrected claim",
    "referral": "The referral",
}
KIND_TITLES: dict[str, str] = {"claim": "Claim form (CMS-1500)", "remittance": "Remittance (ERA/EOB)", "scrubber": "Claim scrubber"}


@dataclass
class ScrubField:
    path: str
    box: str
    label: str
    value: str


@dataclass
class BillingView:
    """What the exercise's page needs besides the item."""

    kind: str
    title: str
    line_count: int = MAX_LINES  # claim: the form's service lines
    remit: Any = None  # remittance: the EOB to work
    scrub_fields: list[ScrubField] = field(default_factory=list)  # scrubber: the claim as submitted
    context: Mapping[str, Any] = field(default_factory=dict)
    actions: Mapping[str, str] = field(default_factory=lambda: ACTION_LABELS)
    evidence: Mapping[str, str] = field(default_factory=lambda: EVIDENCE_LABELS)
    marked: Mapping[str, str] = field(default_factory=dict)  # scrubber, answered: the fields marked
    places: list[str] = field(default_factory=list)  # claim: the place-of-service codes, for the live format check
    modifiers: list[str] = field(default_factory=list)  # claim: the modifier list, likewise
    groups: list[tuple[str, str]] = field(default_factory=list)  # remittance: the group codes used, explained
    carc_used: list[tuple[str, str]] = field(default_factory=list)
    rarc_used: list[tuple[str, str]] = field(default_factory=list)


def view(item: BillingItem, answer: Mapping[str, Any] | None) -> BillingView:
    exercise = exercises.exercise_of(item)
    result = BillingView(kind=item.kind, title=KIND_TITLES[item.kind])
    if isinstance(exercise, exercises.ClaimExercise):
        result.places = sorted(load_place_of_service())
        result.modifiers = sorted(load_modifier_list())
    if isinstance(exercise, exercises.RemittanceExercise):
        remit = exercise.remit
        result.remit = remit
        adjustments = [a for line in remit.lines for a in line.adjustments] + list(remit.claim_adjustments)
        groups = dict.fromkeys(a.group for a in adjustments)
        result.groups = [(g, codes.GROUPS.get(g, "")) for g in groups]
        result.carc_used = [(c, codes.carc().get(c, "")) for c in dict.fromkeys(a.carc for a in adjustments)]
        result.rarc_used = [(r, codes.rarc().get(r, "")) for r in dict.fromkeys(r for line in remit.lines for r in line.remarks)]
    elif isinstance(exercise, exercises.ScrubberExercise):
        claim = exercise.claim
        result.scrub_fields = [
            ScrubField(path, box_of(path), label_of(path), display(path, value_at(claim, path))) for path in field_paths(claim)
        ]
        result.context = exercise.context
        result.marked = dict((answer or {}).get("marked") or {})
    return result


def form_problems(item: BillingItem, form: Mapping[str, str]) -> dict[str, str]:
    """Format problems of a submitted form, by field path: a claim's NPIs, dates, places of service,
    pointers, modifiers and codes (through the code sets); a remittance's amounts. Empty: grade."""
    from study.services import codes as code_service

    exercise = exercises.exercise_of(item)
    if isinstance(exercise, exercises.ClaimExercise):
        return format_problems(claim_from_form(form), exercises.code_problem_with(code_service.checker()))
    if isinstance(exercise, exercises.RemittanceExercise):
        found = {}
        for n in range(1, len(exercise.remit.lines) + 1):
            for name in ("patient_responsibility", "write_off"):
                text = str(form.get(f"lines-{n}-{name}", "")).strip()
                if text and parse_amount_text(text) is None:
                    found[f"lines.{n}.{name}"] = "Not an amount: write dollars and cents, for example 16.40."
            action = str(form.get(f"lines-{n}-action", "")).strip()
            if action and action not in ACTIONS:
                found[f"lines.{n}.action"] = "Choose one of the actions."
            evidence = str(form.get(f"lines-{n}-evidence", "")).strip()
            if evidence and evidence not in EVIDENCE:
                found[f"lines.{n}.evidence"] = "Choose one of the kinds of evidence."
        return found
    return {}
