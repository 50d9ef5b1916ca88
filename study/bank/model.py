"""Typed objects of the question bank (see docs/authoring.md, the bank format).

Pure and immutable. Items compare by content: where a file came from (``path``, ``source``:
line numbers and the raw front matter, used by the validator) is not part of equality, so
``parse(write(item)) == item``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from study.kinds import ItemStatus

ITEM_TYPES = ("mcq", "case", "claim", "remittance", "scrubber")
#: The billing exercises (docs/authoring.md, "Billing exercises"): a scenario to work and a key.
BILLING_TYPES = ("claim", "remittance", "scrubber")
#: Each billing type's own front matter keys: (required, optional).
BILLING_KEYS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "claim": (("key",), ("weights", "rules")),
    "remittance": (("remit", "key"), ("rules",)),
    "scrubber": (("claim", "key"), ("context",)),
}
DIFFICULTIES = ("easy", "medium", "hard")
ITEM_STATUSES = ("published", "draft", "retired")
SETTINGS = ("professional", "outpatient-facility", "inpatient")
#: Reserved pools (``reserve:``; absent = the open pool): ``exam`` items are served only in exam
#: simulations and exam assignments, ``diagnostic`` items only in the careers diagnostic.
RESERVES = ("exam", "diagnostic")
#: Exams named by the format; the bank's blueprints are the authority when they are loaded.
DEFAULT_EXAMS = ("CPC", "CPB", "CCS", "CCS-P")
DEFAULT_TASK = "Code the diagnoses and services for this encounter"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,63}$"

#: Default grading weights of a coding case; every one may be overridden under ``scoring``.
#:
#: - ``diagnosis``: points for a correct diagnosis line
#: - ``procedure``: points for a correct procedure (CPT/HCPCS) line
#: - ``pcs``: points for a correct ICD-10-PCS line
#: - ``partial``: points for a partial match (diagnosis: same category; pcs: same first four)
#: - ``sequencing``: points for listing the key's first diagnosis (or PCS) first
#: - ``modifiers``: points per procedure line whose modifiers are scored
#: - ``units``: points per procedure line whose units are scored
#: - ``extra_penalty``: deducted for each extra, invalid or not-reportable code
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "diagnosis": 1.0,
    "procedure": 1.0,
    "pcs": 1.0,
    "partial": 0.5,
    "sequencing": 1.0,
    "modifiers": 0.5,
    "units": 0.5,
    "extra_penalty": 0.5,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class SourceInfo:
    """Where an object came from: the file, the line of every YAML key and Markdown heading.

    ``keys`` maps a path in the front matter to a line: ``("answer",)`` is the line of the key
    ``answer``; ``("key", "diagnoses", 0)`` the line of the first diagnosis line;
    ``("key", "diagnoses", 0, "code")`` the line of its ``code`` key. ``raw`` is the front matter
    as YAML loaded it (the validator checks types on it).
    """

    path: str
    front_line: int = 1
    body_line: int = 1
    keys: Mapping[tuple[Any, ...], int] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    headings: Mapping[str, int] = field(default_factory=dict)
    option_lines: Mapping[str, int] = field(default_factory=dict)
    why_not_lines: Mapping[str, int] = field(default_factory=dict)
    end_line: int = 1

    def line(self, *path: Any) -> int:
        """The line of ``path``, else of its nearest ancestor, else of the front matter."""
        parts = tuple(path)
        while parts:
            if parts in self.keys:
                return self.keys[parts]
            parts = parts[:-1]
        return self.front_line


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class BlueprintSection:
    key: str
    title: str
    questions: int = 0
    cases: int = 0
    topics: tuple[str, ...] = ()
    confirmed: bool = False


@dataclass(frozen=True)
class Blueprint:
    exam: str
    title: str
    minutes: int
    pass_percent: float
    warn_at_minutes_left: int
    source: str
    sections: tuple[BlueprintSection, ...] = ()
    pace_minutes_per_question: float | None = None
    path: str = field(default="", compare=False)
    source_info: SourceInfo | None = field(default=None, compare=False, repr=False)

    @property
    def total_questions(self) -> int:
        return sum(s.questions for s in self.sections)


@dataclass(frozen=True)
class McqOption:
    letter: str
    text: str


@dataclass(frozen=True)
class KeyLine:
    """One line of a case key. ``units`` and ``modifiers`` matter for procedures only."""

    code: str
    alternates: tuple[str, ...] = ()
    optional: bool = False
    modifiers: tuple[str, ...] = ()
    units: int = 1

    @property
    def codes(self) -> tuple[str, ...]:
        """The code and its alternates."""
        return (self.code, *self.alternates)


#: ``patient.discharge`` names and their two-digit UB-04 patient discharge status codes.
DISCHARGE_STATUSES: Mapping[str, str] = {
    "home": "01",
    "short-term-hospital": "02",
    "snf": "03",
    "custodial": "04",
    "other-facility": "05",
    "home-health": "06",
    "against-advice": "07",
    "expired": "20",
    "law-enforcement": "21",
    "hospice-home": "50",
    "hospice-facility": "51",
    "swing-bed": "61",
    "rehab": "62",
    "ltch": "63",
    "nursing-facility": "64",
    "psych": "65",
    "cah": "66",
}
PATIENT_SEXES = ("female", "male")
MAX_PATIENT_AGE = 124


@dataclass(frozen=True)
class Patient:
    """An inpatient case's patient facts for the MS-DRG grouper: ``age`` in whole years at
    admission, ``sex`` (female | male), ``discharge`` the two-digit UB-04 discharge status code."""

    age: int
    sex: str
    discharge: str

    @property
    def discharge_name(self) -> str | None:
        """The format's name of the discharge status ("snf"), None when the code has none."""
        return next((name for name, code in DISCHARGE_STATUSES.items() if code == self.discharge), None)


@dataclass(frozen=True)
class CaseKey:
    diagnoses: tuple[KeyLine, ...] = ()
    procedures: tuple[KeyLine, ...] = ()
    pcs: tuple[KeyLine, ...] = ()
    not_reportable: tuple[tuple[str, str], ...] = ()  # (code, why)


def _norm_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _digest(payload: Mapping[str, Any]) -> str:
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class McqItem:
    """A multiple-choice item: single best answer, or multiple response (``multiple``)."""

    id: str
    exams: tuple[str, ...]
    topic: str
    stem: str
    options: tuple[McqOption, ...]
    answer: tuple[str, ...]
    rationale: str
    multiple: bool = False
    why_not: tuple[tuple[str, str], ...] = ()  # (letter, text), in file order
    allow_invalid_distractors: bool = False
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    status: str = "published"
    reserve: str | None = None  # a pool of RESERVES; None: the open pool
    extra_sections: tuple[tuple[str, str], ...] = ()  # other "## Heading" sections, kept as is
    path: str = field(default="", compare=False)
    source: SourceInfo | None = field(default=None, compare=False, repr=False)

    @property
    def type(self) -> str:
        return "mcq"

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(o.letter for o in self.options)

    @property
    def why_not_map(self) -> dict[str, str]:
        return dict(self.why_not)

    def option(self, letter: str) -> McqOption | None:
        return next((o for o in self.options if o.letter == letter), None)

    @property
    def content_hash(self) -> str:
        """Changes only when what a learner sees or how it is graded changes (not metadata:
        exams, topic, difficulty, tags, status, reserve)."""
        return _digest(
            {
                "type": "mcq",
                "stem": _norm_text(self.stem),
                "options": [[o.letter, _norm_text(o.text)] for o in self.options],
                "answer": list(self.answer),
                "multiple": self.multiple,
                "rationale": _norm_text(self.rationale),
                "why_not": [[k, _norm_text(v)] for k, v in self.why_not],
                "allow_invalid_distractors": self.allow_invalid_distractors,
                "extra": [[h, _norm_text(t)] for h, t in self.extra_sections],
            }
        )


@dataclass(frozen=True)
class CaseItem:
    """A coding case: documentation to code, an answer key and a rationale."""

    id: str
    exams: tuple[str, ...]
    topic: str
    setting: str
    key: CaseKey
    documentation: str
    rationale: str
    task: str | None = None
    scoring: tuple[tuple[str, float], ...] = ()  # overrides of DEFAULT_WEIGHTS, in file order
    minutes: int | None = None
    title: str | None = None  # a human title for lists ("Office visit: elbow pain"); None: the id
    external_causes: str = "voluntary"  # EXTERNAL_CAUSE_POLICIES: may unlisted V00-Y99 codes be added?
    patient: Patient | None = None  # inpatient cases: the facts the MS-DRG grouper needs
    drg_note: str | None = None  # why a second grouper may disagree with the key's MS-DRG
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    status: str = "published"
    reserve: str | None = None  # a pool of RESERVES; None: the open pool
    extra_sections: tuple[tuple[str, str], ...] = ()
    path: str = field(default="", compare=False)
    source: SourceInfo | None = field(default=None, compare=False, repr=False)

    @property
    def type(self) -> str:
        return "case"

    @property
    def task_text(self) -> str:
        return self.task or DEFAULT_TASK

    @property
    def display_title(self) -> str:
        return self.title or self.id

    @property
    def weights(self) -> dict[str, float]:
        """DEFAULT_WEIGHTS with this case's known overrides applied."""
        weights = dict(DEFAULT_WEIGHTS)
        for name, value in self.scoring:
            if name in weights:
                weights[name] = float(value)
        return weights

    @property
    def content_hash(self) -> str:
        """Changes only when the documentation, task, key, scoring or rationale changes."""

        def line(k: KeyLine) -> list[Any]:
            return [k.code, list(k.alternates), k.optional, list(k.modifiers), k.units]

        payload: dict[str, Any] = {}
        # only when present: the hash of a case without them stays what it always was
        if self.patient is not None:
            payload["patient"] = [self.patient.age, self.patient.sex, self.patient.discharge]
        if self.drg_note:
            payload["drg_note"] = _norm_text(self.drg_note)
        return _digest(
            {
                **payload,
                "type": "case",
                "setting": self.setting,
                "documentation": _norm_text(self.documentation),
                "task": _norm_text(self.task) if self.task else None,
                "rationale": _norm_text(self.rationale),
                "key": {
                    "diagnoses": [line(k) for k in self.key.diagnoses],
                    "procedures": [line(k) for k in self.key.procedures],
                    "pcs": [line(k) for k in self.key.pcs],
                    "not_reportable": [list(p) for p in self.key.not_reportable],
                },
                "scoring": [[k, float(v)] for k, v in self.scoring],
                "extra": [[h, _norm_text(t)] for h, t in self.extra_sections],
            }
        )


@dataclass(frozen=True)
class BillingItem:
    """A billing exercise (``claim``, ``remittance`` or ``scrubber``): a scenario, the type's own
    front matter (``spec``: the claim key, the remittance and its key, or the claim with its planted
    errors) and a rationale. The spec is kept as the file gives it (canonical JSON, dates written
    MM/DD/YYYY); ``study.billing.exercise`` reads it into the billing core's objects."""

    id: str
    kind: str  # one of BILLING_TYPES
    exams: tuple[str, ...]
    topic: str
    spec_json: str
    scenario: str
    rationale: str
    minutes: int | None = None
    title: str | None = None
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    status: str = "published"
    reserve: str | None = None
    extra_sections: tuple[tuple[str, str], ...] = ()
    path: str = field(default="", compare=False)
    source: SourceInfo | None = field(default=None, compare=False, repr=False)

    @property
    def type(self) -> str:
        return self.kind

    @property
    def spec(self) -> dict[str, Any]:
        return json.loads(self.spec_json)

    @property
    def display_title(self) -> str:
        return self.title or self.id

    @property
    def content_hash(self) -> str:
        """Changes when the scenario, the spec (key, remittance, claim, rules, weights) or the
        rationale changes; not with metadata."""
        return _digest(
            {
                "type": self.kind,
                "scenario": _norm_text(self.scenario),
                "spec": self.spec,
                "rationale": _norm_text(self.rationale),
                "extra": [[h, _norm_text(t)] for h, t in self.extra_sections],
            }
        )


Item = McqItem | CaseItem | BillingItem


@dataclass(frozen=True)
class Bank:
    """A whole bank directory: topics, blueprints by exam, and items in path order."""

    topics: Mapping[str, Topic] = field(default_factory=dict)
    blueprints: Mapping[str, Blueprint] = field(default_factory=dict)
    items: tuple[Item, ...] = ()
    root: str = ""

    @property
    def exams(self) -> tuple[str, ...]:
        """Known exam names: the blueprints' when any are loaded, else the format's four."""
        return tuple(self.blueprints) or DEFAULT_EXAMS

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def published(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.status == ItemStatus.PUBLISHED)
