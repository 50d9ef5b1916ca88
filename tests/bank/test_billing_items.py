"""Billing exercises in the bank format: every shipped file parses, validates (structure and formats,
without the code sets here), round-trips through the writer (what `flask bank export` writes), and its
key graded against itself scores 100%."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.bank.model import BillingItem
from study.bank.parser import parse_item, parse_item_file
from study.bank.validate import validate_item
from study.bank.writer import item_relative_path, write_item
from study.billing import exercise
from study.billing.claim import form_values

FILES = sorted((Path(__file__).resolve().parents[2] / "question_bank" / "billing").rglob("*.md"))


def test_the_bank_ships_the_promised_numbers_of_each_type():
    kinds = [parse_item_file(f)[0].kind for f in FILES]
    assert (kinds.count("claim"), kinds.count("remittance"), kinds.count("scrubber")) == (30, 20, 15)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_exercise_validates_round_trips_and_its_key_scores_full_marks(path):
    item, problems = parse_item_file(path)
    assert isinstance(item, BillingItem) and problems == []
    assert validate_item(item) == []
    again, problems = parse_item(write_item(item), str(item_relative_path(item)))
    assert again == item and again.content_hash == item.content_hash and problems == []
    found = exercise.exercise_of(item)
    if isinstance(found, exercise.ClaimExercise):
        answer = {"fields": form_values(found.key)}
    elif isinstance(found, exercise.ScrubberExercise):
        answer = {"marked": {e.path: (e.corrections[0] if e.corrections else "") for e in found.errors}}
    else:
        fields = {}
        for n, key in enumerate(found.key, 1):
            fields |= {
                f"lines-{n}-patient_responsibility": f"{key.patient_responsibility:.2f}",
                f"lines-{n}-write_off": f"{key.write_off:.2f}",
                f"lines-{n}-action": key.best_action,
                f"lines-{n}-evidence": key.evidence or "",
            }
        answer = {"fields": fields}
    assert exercise.grade(item, answer).score_pct == 100


def test_a_bad_exercise_names_the_file_the_line_and_the_problem():
    text = FILES[0].read_text(encoding="utf-8")
    item, _ = parse_item(text, "billing/claims/claim-0001.md")
    npi = exercise.exercise_of(item).key.billing_npi
    broken = text.replace(f'billing_npi: "{npi}"', 'billing_npi: "1234567893"').replace('pos: "11"', 'pos: "77"', 1)
    bad, _ = parse_item(broken, "billing/claims/claim-0001.md")
    messages = [str(p) for p in validate_item(bad)]
    npi_line = next(i for i, line in enumerate(broken.splitlines(), 1) if line.strip().startswith("billing_npi:"))
    assert f"billing/claims/claim-0001.md:{npi_line}: billing_npi: NPIs in bank files are fictional" in " ".join(messages), messages
    assert any("lines.1.pos" in m and "'77'" in m for m in messages), messages
    assert all(m.startswith("billing/claims/claim-0001.md:") for m in messages)


def test_a_scrubber_correction_with_alternatives_accepts_each_of_them():
    """Regression: scrub-0007's correction "XS or 59" was read as both modifiers together."""
    path = next(f for f in FILES if f.stem == "scrub-0007")
    item, _ = parse_item_file(path)
    found = exercise.exercise_of(item)
    ncci = next(e for e in found.errors if e.path.endswith(".modifiers") and e.kind == "ncci")
    others = {e.path: (e.corrections[0] if e.corrections else "") for e in found.errors if e is not ncci}
    for modifier in ("XS", "59"):
        report = exercise.grade(item, {"marked": others | {ncci.path: modifier}})
        assert report.score_pct == 100, (modifier, report.to_json())
