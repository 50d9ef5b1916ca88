"""The code lists carry only the codes the bank's exercises use (in the project's own words, with
the source named in each file's header), and every code an exercise uses is in its list."""

from __future__ import annotations

from pathlib import Path

from study.bank.parser import parse_item_file
from study.billing import exercise
from study.billing.claim import load_place_of_service
from study.billing.codes import carc, rarc

BILLING = Path(__file__).resolve().parents[2] / "question_bank" / "billing"
DATA = Path(__file__).resolve().parents[2] / "study" / "billing" / "data"


def _used() -> tuple[set[str], set[str], set[str]]:
    places, reasons, remarks = set(), set(), set()
    for path in BILLING.rglob("*.md"):
        item, _ = parse_item_file(path)
        found = exercise.exercise_of(item)
        if isinstance(found, exercise.RemittanceExercise):
            for line in found.remit.lines:
                reasons.update(a.carc for a in line.adjustments)
                remarks.update(line.remarks)
            reasons.update(a.carc for a in found.remit.claim_adjustments)
        else:
            claim = found.key if isinstance(found, exercise.ClaimExercise) else found.claim
            places.update(line.pos for line in claim.lines)
            if isinstance(found, exercise.ScrubberExercise):
                for error in found.errors:
                    if error.path.endswith(".pos"):
                        places.update(c for c in error.corrections if isinstance(c, str))
    return places, reasons, remarks


def test_each_list_holds_exactly_the_codes_the_exercises_use():
    places, reasons, remarks = _used()
    assert set(load_place_of_service()) == places
    assert set(carc()) == reasons
    assert set(rarc()) == remarks


def test_each_list_names_its_source_and_says_the_words_are_our_own():
    for name, source in (("pos.yaml", "CMS Place of Service Code Set"), ("carc.yaml", "X12"), ("rarc.yaml", "X12")):
        header = (DATA / name).read_text(encoding="utf-8").split("\n\n")[0]
        assert source in header and "own" in header, name
