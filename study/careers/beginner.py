"""The beginner's study plan: foundations, then the code sets, then exam practice. PURE.

No Flask, no database, no clock: today's date comes in as an argument.

The weeks from today to the target exam date are split over three phases in proportion to
``SHARES`` (30% foundations, 50% the code sets of the path, 20% exam practice), each phase at least
one week when there are three weeks or more (largest-remainder rounding, so they add up exactly).
Someone whose optional knowledge check shows the foundations are already there (terminology and
anatomy at 75% or more) gets ``SHARES_KNOWN`` instead: a shorter first phase.

Every phase lists its steps. A step that can be practised links to a practice set only when the
bank has published items for it (``practice``: exam -> topics with items); otherwise it says so.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from study.careers.recommend import PATH_CERTIFICATION, SURGERY_TOPICS

SHARES = (0.3, 0.5, 0.2)
SHARES_KNOWN = (0.15, 0.6, 0.25)
FOUNDATIONS_KNOWN = 0.75  # knowledge-check terminology score that shortens the foundations
SHORT_WEEKS = 26  # under six months is short for a newcomer
EXAM_ORDER = ("CPC", "CPB", "CCS", "CCS-P")  # where to look for a practice set the path's exam lacks


@dataclass(frozen=True)
class StepSpec:
    title: str
    detail: str
    topics: tuple[str, ...] = ()
    kind: str = "practice"  # practice | task | codebook | exam | review


@dataclass(frozen=True)
class Step:
    title: str
    detail: str
    kind: str
    topics: tuple[str, ...]  # the topics the linked practice set covers (those with items)
    exam: str | None  # the exam whose practice set covers them; None: no set exists yet

    @property
    def linked(self) -> bool:
        return self.exam is not None and bool(self.topics)


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    summary: str
    weeks: int
    first_week: int | None
    last_week: int | None
    starts: date | None
    ends: date | None
    hours: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class BeginnerPlan:
    path: str
    exam: str
    today: date
    target_date: date | None
    weeks: int
    weekly_hours: int
    phases: tuple[Phase, ...]
    notes: tuple[str, ...]
    foundations_known: bool

    @property
    def total_hours(self) -> int:
        return self.weeks * self.weekly_hours


LEARN_HOW: dict[str, str] = {
    "low": (
        "Self-study: buy this year's code books for the {exam} and a medical terminology textbook. "
        "See what the exam and books cost before you buy."
    ),
    "medium": "A self-paced online course that prepares you for the {exam}, with this year's code books.",
    "high": "A college certificate programme that prepares you for the {exam}; ask which code books it uses.",
    "": "A course or self-study with this year's code books for the {exam}: see what each costs first.",
}

FOUNDATION_STEPS: tuple[StepSpec, ...] = (
    StepSpec(
        "Medical terminology", "Word parts (prefixes, roots, suffixes) and the vocabulary of clinical notes.", ("medical-terminology",)
    ),
    StepSpec("Anatomy", "The body systems and structures that codes are organised by.", ("anatomy",)),
)
CODEBOOK_STEP: dict[str, StepSpec] = {
    "outpatient": StepSpec(
        "How the code books are organised",
        "The ICD-10-CM index and tabular list, CPT's sections and HCPCS Level II: look a few codes up in the built-in code book.",
        ("coding-guidelines",), "codebook",
    ),
    "inpatient": StepSpec(
        "How the code books are organised",
        "The ICD-10-CM index and tabular list and the ICD-10-PCS tables: look a few codes up in the built-in code book.",
        ("coding-guidelines",), "codebook",
    ),
    "billing": StepSpec(
        "How claims and the code books fit together",
        "The revenue cycle from registration to payment, and where ICD-10-CM, CPT and HCPCS codes appear on a claim.",
        ("insurance-types",), "codebook",
    ),
}
CODE_SET_STEPS: dict[str, tuple[StepSpec, ...]] = {
    "outpatient": (
        StepSpec(
            "ICD-10-CM diagnosis coding", "Conventions, the official guidelines and the chapters you meet most in clinics.", ("icd-10-cm",)
        ),
        StepSpec("Evaluation and management (E/M)", "Office and hospital visits: medical decision making and time.", ("em",)),
        StepSpec("CPT surgery", "Each body system's surgery section, from skin repairs to endoscopy.", SURGERY_TOPICS),
        StepSpec("Radiology, pathology and medicine", "The other CPT sections.", ("radiology", "pathology-lab", "medicine")),
        StepSpec(
            "HCPCS Level II and modifiers", "Supplies, drugs and the modifiers that change what a code means.", ("hcpcs", "modifiers")
        ),
        StepSpec("Anesthesia", "Base units, time and physical status.", ("anesthesia",)),
    ),
    "inpatient": (
        StepSpec(
            "ICD-10-CM diagnosis coding",
            "Conventions, the official guidelines and principal diagnosis selection.",
            ("icd-10-cm", "coding-guidelines"),
        ),
        StepSpec("ICD-10-PCS procedure coding", "Root operations, body parts, approaches and the tables.", ("icd-10-pcs",)),
        StepSpec("Documentation and queries", "When and how to ask the physician.", ("documentation-queries",)),
        StepSpec("MS-DRGs and inpatient payment", "How the codes decide the hospital's payment.", ("inpatient-reimbursement",)),
        StepSpec("Outpatient facility coding", "Hospital outpatient payment and its edits.", ("outpatient-reimbursement",)),
    ),
    "billing": (
        StepSpec("Insurance types", "Medicare, Medicaid, commercial plans and how they differ.", ("insurance-types",)),
        StepSpec("Claims", "Filling claims correctly and getting them accepted the first time.", ("claims",)),
        StepSpec("Payer rules", "Coverage, prior authorisation and coordination of benefits.", ("payer-rules",)),
        StepSpec("Payments and accounts receivable", "Posting payments and reading remittances.", ("payments-ar",)),
        StepSpec("Denials and appeals", "Why claims are denied and how to fix or appeal them.", ("denials-appeals", "billing-denials")),
        StepSpec("Patient collections", "Statements, payment plans and the collection rules.", ("patient-collections",)),
        StepSpec(
            "Coding for billers", "Enough ICD-10-CM, E/M, HCPCS and modifiers to check a claim.", ("icd-10-cm", "em", "hcpcs", "modifiers")
        ),
        StepSpec("Compliance", "HIPAA, fraud and abuse, and the billing laws.", ("compliance",)),
    ),
}


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` whole units in proportion to `weights`, summing exactly to `total`
    (largest remainder; equal remainders go to the earlier weight)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0 for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))[:left]:
        shares[i] += 1
    return shares


def phase_weeks(weeks: int, shares: Sequence[float]) -> list[int]:
    """Whole weeks per phase, adding up to `weeks`; every phase gets one when there are enough."""
    if weeks >= len(shares):
        return [1 + w for w in allocate(weeks - len(shares), shares)]
    return allocate(weeks, shares)


def weeks_until(today: date, target: date | None) -> int:
    """Whole weeks from today to the target date (0 when it has passed or is unknown)."""
    return max(0, (target - today).days) // 7 if target else 0


def _step(spec: StepSpec, exam: str, practice: Mapping[str, frozenset[str] | set[str]], **fmt: str) -> Step:
    candidates = [exam] + [e for e in EXAM_ORDER if e != exam]
    for candidate in candidates:
        have = tuple(t for t in spec.topics if t in practice.get(candidate, ()))
        if have:
            return Step(spec.title, spec.detail.format(**fmt), spec.kind, have, candidate)
    return Step(spec.title, spec.detail.format(**fmt), spec.kind, (), None)


def beginner_plan(
    path: str,
    *,
    today: date,
    target_date: date | None,
    weekly_hours: int,
    budget: str = "",
    knowledge: Mapping[str, float | None] | None = None,
    practice: Mapping[str, frozenset[str] | set[str]] | None = None,
    exam_sections: Sequence[str] = (),
) -> BeginnerPlan:
    """The plan for `path` from `today` to `target_date`. `knowledge` holds the optional knowledge
    check's area scores; `practice` the topics with published items per exam; `exam_sections` the
    titles of the exam's blueprint sections (for the exam-practice phase)."""
    exam = PATH_CERTIFICATION[path]
    knowledge = knowledge or {}
    practice = practice or {}
    terminology = knowledge.get("terminology")
    known = terminology is not None and terminology >= FOUNDATIONS_KNOWN
    weeks = weeks_until(today, target_date)
    weekly_hours = max(0, int(weekly_hours or 0))
    split = phase_weeks(weeks, SHARES_KNOWN if known else SHARES)

    foundations = (
        Step("Choose how you will learn", LEARN_HOW.get(budget, LEARN_HOW[""]).format(exam=exam), "task", (), None),
        *(_step(s, exam, practice) for s in FOUNDATION_STEPS),
        _step(CODEBOOK_STEP[path], exam, practice),
    )
    code_sets = tuple(_step(s, exam, practice) for s in CODE_SET_STEPS[path])
    all_topics = tuple(dict.fromkeys(t for s in CODE_SET_STEPS[path] for t in s.topics))
    sections = ", ".join(exam_sections) if exam_sections else f"every section of the {exam}"
    exam_steps = (
        _step(StepSpec("Practise by exam section", f"Mixed questions from {sections}, your weakest first.", all_topics), exam, practice),
        Step(
            f"Sit a full timed {exam} simulation",
            f"Under exam conditions, with the {exam}'s time limit and your code books.",
            "exam",
            (),
            exam,
        ),
        Step("Review what you missed", "Your review queue brings back each question you missed until you know it.", "review", (), None),
    )
    specs = (
        ("foundations", "Foundations", "The words, the body and the books: what every coder and biller builds on.", foundations),
        ("code-sets", "The code sets" if path != "billing" else "Billing and the codes on a claim",
         f"The content of the {exam}, one part at a time.", code_sets),
        ("exam-practice", "Exam practice", f"Questions in the {exam}'s format and timing, then a full simulation.", exam_steps),
    )
    phases = []
    elapsed = 0
    for (key, title, summary, steps), count in zip(specs, split, strict=True):
        first = last = starts = ends = None
        if count:
            first, last = elapsed + 1, elapsed + count
            starts = today + timedelta(weeks=elapsed)
            ends = today + timedelta(weeks=last) - timedelta(days=1)
            if target_date is not None and ends >= target_date:
                ends = target_date - timedelta(days=1)
        elapsed += count
        phases.append(Phase(key, title, summary, count, first, last, starts, ends, count * weekly_hours, tuple(steps)))

    notes = []
    if target_date is None:
        notes.append("You did not give a target date, so the plan shows the order to study in but no weeks.")
    elif weeks == 0:
        notes.append("Your target date is less than a week away: there is no time for a plan. Pick a later date.")
    elif weeks < SHORT_WEEKS:
        notes.append(
            f"{weeks} weeks is a short run-up for a newcomer: it is less than a certificate programme takes. "
            "Consider a later date unless you already work in healthcare."
        )
    if known and terminology is not None:
        notes.append(
            f"Your knowledge check shows the foundations are there (terminology and anatomy {round(terminology * 100)}%), "
            "so the first phase is shorter."
        )
    return BeginnerPlan(
        path=path,
        exam=exam,
        today=today,
        target_date=target_date,
        weeks=weeks,
        weekly_hours=weekly_hours,
        phases=tuple(phases),
        notes=tuple(notes),
        foundations_known=known,
    )
