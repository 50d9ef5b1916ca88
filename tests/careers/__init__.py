"""Helpers for the career tests: a small question bank covering the five diagnostic areas.

Every item's rationale carries RATIONALE_MARKER so that a test can prove no rationale reaches a
page (or the session) before the diagnostic is submitted. The items are reserved for the
diagnostic (`reserve: diagnostic`), except NEVER_DRAWN: an open-pool item and an exam item in the
diagnostic's topics, which the diagnostic must never show."""

from __future__ import annotations

import shutil
from pathlib import Path

REAL_BANK = Path(__file__).resolve().parents[2] / "question_bank"
RATIONALE_MARKER = "Rationale-marker-7d1f"

# (id, topic, exams, answer, status); every one single-answer unless the answer is a list
SMALL_BANK_ITEMS: list[tuple[str, str, list[str], str | list[str], str]] = [
    ("car-term-001", "medical-terminology", ["CPC"], "A", "published"),
    ("car-term-002", "medical-terminology", ["CPC"], "B", "published"),
    ("car-anat-001", "anatomy", ["CPC"], "C", "published"),
    ("car-anat-002", "anatomy", ["CPC"], "D", "published"),
    ("car-em-001", "em", ["CPC"], "A", "published"),
    ("car-em-002", "em", ["CPC"], "B", "published"),
    ("car-rad-001", "radiology", ["CPC"], "C", "published"),
    ("car-icdo-001", "icd-10-cm", ["CPC", "CCS"], "D", "published"),  # CPC wins: outpatient
    ("car-hcpcs-001", "hcpcs", ["CPC"], "A", "published"),
    ("car-dig-001", "surgery-digestive", ["CPC"], "B", "published"),
    ("car-pcs-001", "icd-10-pcs", ["CCS"], "C", "published"),
    ("car-pcs-002", "icd-10-pcs", ["CCS"], "D", "published"),
    ("car-icdi-001", "icd-10-cm", ["CCS"], "A", "published"),  # CCS only: inpatient
    ("car-doc-001", "documentation-queries", ["CCS"], "B", "published"),
    ("car-clm-001", "claims", ["CPB"], "C", "published"),
    ("car-clm-002", "claims", ["CPB"], "D", "published"),
    ("car-den-001", "denials-appeals", ["CPB"], "A", "published"),
    ("car-pay-001", "payments-ar", ["CPB"], "B", "published"),
    ("car-comp-001", "compliance", ["CPC", "CPB"], "C", "published"),
    ("car-comp-002", "compliance", ["CPB"], "D", "published"),
    # never drawn: multiple response, draft, a topic outside the five areas
    ("car-comp-multi", "compliance", ["CPB"], ["A", "C"], "published"),
    ("car-clm-draft", "claims", ["CPB"], "A", "draft"),
    ("car-anes-001", "anesthesia", ["CPC"], "A", "published"),
    # never drawn: served in practice and exams (open pool), or reserved for exams
    ("car-open-001", "claims", ["CPB"], "A", "published"),
    ("car-exam-001", "medical-terminology", ["CPC"], "B", "published"),
]
# the pool of each item (`reserve:`); every other item is reserved for the diagnostic
POOLS: dict[str, str | None] = {"car-open-001": None, "car-exam-001": "exam"}
NEVER_DRAWN = {"car-open-001", "car-exam-001"}


def _item_text(key: str, topic: str, exams: list[str], answer, status: str) -> str:
    multiple = isinstance(answer, list)
    answer_yaml = "[" + ", ".join(answer) + "]" if multiple else answer
    stem = f"Sample question {key} about {topic.replace('-', ' ')}."
    if multiple:
        stem += " Select two."
    return (
        "---\n"
        f"id: {key}\n"
        "type: mcq\n"
        f"exams: [{', '.join(exams)}]\n"
        f"topic: {topic}\n"
        f"status: {status}\n" + (f"reserve: {pool}\n" if (pool := POOLS.get(key, "diagnostic")) else "") + f"answer: {answer_yaml}\n"
        "---\n"
        f"{stem}\n\n"
        "## Options\n"
        "A. The first choice\n"
        "B. The second choice\n"
        "C. The third choice\n"
        "D. The fourth choice\n\n"
        "## Rationale\n"
        f"{RATIONALE_MARKER} for {key}: the key is {answer_yaml}.\n"
    )


def write_small_bank(root: Path) -> Path:
    """The real topics and blueprints, and SMALL_BANK_ITEMS as item files."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL_BANK / "topics.yaml", root / "topics.yaml")
    shutil.copytree(REAL_BANK / "blueprints", root / "blueprints", dirs_exist_ok=True)
    for key, topic, exams, answer, status in SMALL_BANK_ITEMS:
        folder = root / "careers" / topic
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.md").write_text(_item_text(key, topic, exams, answer, status), encoding="utf-8")
    return root


def answers_of(keys) -> dict[str, str]:
    """The right answer of each small-bank key."""
    return {key: answer for key, _, _, answer, _ in SMALL_BANK_ITEMS if key in set(keys) and isinstance(answer, str)}
