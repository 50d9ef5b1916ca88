"""A small, valid bank written on the fly for learner tests: eight single-answer ICD-10-CM items,
one multiple-response item, the mini bank's two cases, and a short CPC blueprint."""

from __future__ import annotations

import shutil
from pathlib import Path

MINI = Path(__file__).resolve().parent / "bank" / "fixtures" / "mini_bank"

# (id, stem, options, answer letter) with real FY2026 ICD-10-CM codes
QUESTIONS = [
    ("learn-icd-001", "Which code reports essential (primary) hypertension?", ["I10", "I11.9", "I12.9", "I15.9"], "A"),
    ("learn-icd-002", "Which code reports type 2 diabetes mellitus without complications?", ["E10.9", "E11.9", "E13.9", "E11.65"], "B"),
    ("learn-icd-003", "Which code reports acute pharyngitis, unspecified?", ["J02.0", "J03.90", "J02.9", "J06.9"], "C"),
    ("learn-icd-004", "Which code reports a urinary tract infection, site not specified?", ["N30.00", "N10", "N34.1", "N39.0"], "D"),
    ("learn-icd-005", "Which code reports low back pain, unspecified?", ["M54.50", "M54.2", "M54.6", "M54.9"], "A"),
    ("learn-icd-006", "Which code reports iron deficiency anemia, unspecified?", ["D50.0", "D50.9", "D64.9", "D51.9"], "B"),
    (
        "learn-icd-007",
        "Which code reports gastro-esophageal reflux disease without esophagitis?",
        ["K21.00", "K20.90", "K21.9", "K25.9"],
        "C",
    ),
    (
        "learn-icd-008",
        "Which code reports a migraine, unspecified, not intractable, without status migrainosus?",
        ["G43.909", "G44.209", "G43.009", "G43.709"],
        "A",
    ),
]


def mcq_source(key: str, stem: str, options: list[str], answer: str) -> str:
    """A single-answer MCQ's bank file, with rationale and why-not markers naming `key`."""
    lines = [
        "---",
        f"id: {key}",
        "type: mcq",
        "exams: [CPC]",
        "topic: icd-10-cm",
        "difficulty: easy",
        f"answer: {answer}",
        "---",
        f"{stem} (Rationale marker: {key}-stem.)",
        "",
        "## Options",
        *[f"{'ABCD'[i]}. {code}" for i, code in enumerate(options)],
        "",
        "## Rationale",
        f"SECRET-RATIONALE-{key}: {options['ABCD'.index(answer)]} is the code the Index and Tabular lead to.",
        "",
        "## Why not the others",
        *[f"{'ABCD'[i]}. SECRET-WHY-{key}-{'ABCD'[i]} is a different condition." for i in range(4) if "ABCD"[i] != answer],
        "",
    ]
    return "\n".join(lines)


def write_learning_bank(root: Path, minutes: int = 60) -> Path:
    shutil.copytree(MINI, root)
    for path in (root / "cpc").rglob("*.md"):
        path.unlink()
    folder = root / "cpc" / "icd-10-cm"
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem, options, answer in QUESTIONS:
        (folder / f"{key}.md").write_text(mcq_source(key, stem, options, answer), encoding="utf-8")
    (folder / "learn-icd-009.md").write_text(
        "---\nid: learn-icd-009\ntype: mcq\nexams: [CPC]\ntopic: icd-10-cm\nanswer: [A, C]\n---\n"
        "Which two codes are reported for type 2 diabetes with diabetic chronic kidney disease, stage 3a? Select two.\n\n"
        "## Options\nA. E11.22\nB. E11.9\nC. N18.31\nD. N18.9\n\n##"
        " Rationale\nSECRET-RATIONALE-learn-icd-009: E11.22 with the CKD stage.\n",
        encoding="utf-8",
    )
    (root / "blueprints" / "CPC.yaml").write_text(
        "exam: CPC\ntitle: Certified Professional Coder (test)\nminutes: %d\npass_percent: 70\nwarn_at_minutes_left: 1\n"
        "pace_minutes_per_question: 2.4\nsource: test blueprint\nsections:\n"
        "  - key: icd-10-cm\n    title: ICD-10-CM\n    questions: 4\n    topics: [icd-10-cm]\n    confirmed: false\n"
        "  - key: modifiers\n    title: Modifiers\n    questions: 2\n    topics: [modifiers]\n    confirmed: true\n"
        "  - key: cases\n    title: Coding cases\n    cases: 1\n    topics: [surgery-musculoskeletal, em]\n    confirmed: false\n"
        % minutes,
        encoding="utf-8",
    )
    return root
