"""Which path and first certification fit someone, from their answers; and a study plan. PURE.

No Flask, no database, no clock: today's date comes in as an argument.

The recommendation
==================

Three paths, each with a first certification: ``billing`` → CPB, ``outpatient`` (physician and
outpatient coding) → CPC, ``inpatient`` (hospital inpatient coding) → CCS.

Every answer of the questionnaire is looked up in ``RULES``, a plain table of
``(question, answer, path, points, reason)``. A matching rule adds its points to its path and
its reason (written from the answer) to that path's list of reasons. Weights:

==========================  ==============================================  ======
question                    answer → path                                   points
==========================  ==============================================  ======
setting                     physician practice → outpatient                 2
setting                     hospital → inpatient                            2
setting                     billing company → billing                       2
setting                     remote → no path (every path has remote jobs)   0
work style                  detail (documents and rules) → outpatient,      1 each
                            inpatient
work style                  people (patients, payers) → billing             1
interest                    clinical reading → outpatient, inpatient        2 each
interest                    payer follow-up → billing                       2
diagnostic                  the best of the three path areas, when it is    1
                            at least 50% and 15 points ahead of the others
                            (at least two of them must have a score)
==========================  ==============================================  ======

The path with the most points is recommended.

**Ties.** When paths share the top score: the one whose own diagnostic area scored higher wins;
if the scores are equal or unknown, a fixed order decides: outpatient (CPC), then billing (CPB),
then inpatient (CCS). CPC comes first because outpatient coding overlaps most with the other two
(billers code for claims; inpatient coders also code ICD-10-CM diagnoses); CCS comes last because
its inpatient content (ICD-10-PCS, MS-DRGs) is the least shared. The result says that a tie was
broken and how.

**Contradictory answers.** Two answers contradict each other when each favours some path but
they favour no path in common (a hospital setting with an interest in payer follow-up; a
preference for people work with an interest in clinical reading). Nothing is discarded: every
answer keeps its weight and the points decide as usual (the work style and the diagnostic
usually settle it, else the tie rule). The result lists each contradiction in words, so the
learner can see why the recommendation is less clear-cut, and the path the other answer pointed
to appears among the alternatives with its reasons.

**Alternatives.** The other two paths, best first (same ordering as above), each with the
reasons from the answers that favoured it, or a sentence on when it could still suit.

The study plan
==============

``study_plan`` spreads the hours available (whole weeks to the target date × hours a week) over
the sections of the recommended exam's blueprint, in proportion to each section's size
(questions + cases) times its need, ``2 - score`` (a section in an area scored 0% gets twice the
time of one scored 100%). Hours are whole numbers (largest-remainder rounding, so they add up
exactly). Sections are ordered weakest first, larger sections first among equals; the first
three are where to start. A section's score is the mean score of the diagnostic areas its topics
belong to; a section with no scored area takes the mean of all scored areas (0.5 without any).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# ------------------------------------------------------------------ the questionnaire's answers
SETTING_CHOICES: tuple[tuple[str, str], ...] = (
    ("physician_practice", "A physician practice or outpatient clinic"),
    ("hospital", "A hospital"),
    ("billing_company", "A medical billing company"),
    ("remote", "From home (remote work)"),
)
WORK_STYLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("detail", "Quiet, focused work with documents, codes and rules"),
    ("people", "Work with people: talking to patients, payers and colleagues"),
)
INTEREST_CHOICES: tuple[tuple[str, str], ...] = (
    ("clinical", "Reading clinical notes and working out what was done and why"),
    ("payer", "Following up with insurance payers until a claim is paid"),
)
QUESTIONS: dict[str, str] = {
    "setting": "where you would like to work",
    "work_style": "the kind of work that suits you",
    "interest": "the task that interests you more",
}
ANSWER_LABELS: dict[str, dict[str, str]] = {
    "setting": dict(SETTING_CHOICES),
    "work_style": dict(WORK_STYLE_CHOICES),
    "interest": dict(INTEREST_CHOICES),
}

MIN_WEEKLY_HOURS = 1
MAX_WEEKLY_HOURS = 60


@dataclass(frozen=True)
class Preferences:
    setting: str
    work_style: str
    interest: str
    weekly_hours: int
    target_date: date | None = None

    def to_dict(self) -> dict:
        return {
            "setting": self.setting,
            "work_style": self.work_style,
            "interest": self.interest,
            "weekly_hours": self.weekly_hours,
            "target_date": self.target_date.isoformat() if self.target_date else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Preferences:
        target = data.get("target_date")
        return cls(
            setting=str(data.get("setting", "")),
            work_style=str(data.get("work_style", "")),
            interest=str(data.get("interest", "")),
            weekly_hours=int(data.get("weekly_hours") or 0),
            target_date=date.fromisoformat(target) if target else None,
        )

    def label(self, question: str) -> str:
        value = getattr(self, question)
        return ANSWER_LABELS.get(question, {}).get(value, str(value))


# ------------------------------------------------------------------ diagnostic areas
@dataclass(frozen=True)
class Area:
    key: str
    title: str
    topics: tuple[str, ...]  # topics drawn for the diagnostic (icd-10-cm is split by exam, see area_for)


SURGERY_TOPICS = (
    "surgery-integumentary",
    "surgery-musculoskeletal",
    "surgery-respiratory-cardiovascular",
    "surgery-digestive",
    "surgery-genitourinary-endocrine",
    "surgery-nervous-eye-ear",
)
AREAS: tuple[Area, ...] = (
    Area("terminology", "Terminology and anatomy", ("medical-terminology", "anatomy")),
    Area(
        "outpatient",
        "Outpatient coding",
        ("em", *SURGERY_TOPICS, "radiology", "pathology-lab", "medicine", "icd-10-cm", "hcpcs", "modifiers"),
    ),
    Area("inpatient", "Inpatient coding", ("icd-10-pcs", "inpatient-reimbursement", "documentation-queries", "icd-10-cm")),
    Area(
        "billing",
        "Billing and claims",
        ("insurance-types", "claims", "payer-rules", "denials-appeals", "payments-ar", "patient-collections"),
    ),
    Area("compliance", "Compliance", ("compliance",)),
)
AREA_TITLES: dict[str, str] = {a.key: a.title for a in AREAS}
# topics that belong to one area whatever the exam (icd-10-cm depends on the exam: see area_for)
_TOPIC_AREA: dict[str, str] = {t: a.key for a in AREAS for t in a.topics if t != "icd-10-cm"}
# topics not drawn for the diagnostic, placed in their nearest area for the study plan only
_PLAN_TOPIC_AREA: dict[str, str] = {
    "anesthesia": "outpatient",
    "outpatient-reimbursement": "outpatient",
    "billing-denials": "billing",
}
_EXAM_DEPENDENT = ("icd-10-cm", "coding-guidelines")


def area_for(topic: str, exams: Iterable[str]) -> str | None:
    """The diagnostic area of a bank item: ICD-10-CM items linked to the CPC count as outpatient
    coding, other ICD-10-CM items linked to the CCS as inpatient coding; topics outside the
    five areas (anesthesia, coding guidelines, outpatient reimbursement) are not drawn."""
    if topic == "icd-10-cm":
        exams = set(exams)
        if "CPC" in exams:
            return "outpatient"
        if "CCS" in exams:
            return "inpatient"
        return None
    return _TOPIC_AREA.get(topic)


def plan_area_for(topic: str, exam: str) -> str | None:
    """The area a blueprint topic is studied under for `exam` (wider than `area_for`)."""
    if topic in _EXAM_DEPENDENT:
        return "inpatient" if exam == "CCS" else "outpatient"
    return _TOPIC_AREA.get(topic) or _PLAN_TOPIC_AREA.get(topic)


@dataclass(frozen=True)
class AreaScore:
    area: str
    correct: int
    total: int

    @property
    def title(self) -> str:
        return AREA_TITLES.get(self.area, self.area)

    @property
    def fraction(self) -> float | None:
        return self.correct / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        fraction = self.fraction
        return None if fraction is None else round(fraction * 100)


def fractions(scores: Iterable[AreaScore]) -> dict[str, float | None]:
    return {s.area: s.fraction for s in scores}


# ------------------------------------------------------------------ the rules
PATH_CERTIFICATION: dict[str, str] = {"billing": "CPB", "outpatient": "CPC", "inpatient": "CCS"}
PATH_TITLES: dict[str, str] = {
    "billing": "medical billing",
    "outpatient": "outpatient and physician coding",
    "inpatient": "hospital inpatient coding",
}
TIE_ORDER: tuple[str, ...] = ("outpatient", "billing", "inpatient")
DIAGNOSTIC_MIN = 0.5  # the best path area must reach 50%...
DIAGNOSTIC_LEAD = 0.15  # ...and be 15 points ahead of the other two to earn its point
DIAGNOSTIC_POINTS = 1


@dataclass(frozen=True)
class Rule:
    question: str
    answer: str
    path: str | None  # None: the answer favours no path (the reason is still shown)
    points: int
    reason: str


RULES: tuple[Rule, ...] = (
    Rule(
        "setting", "physician_practice", "outpatient", 2,
        "You would most like to work in a physician practice or clinic. Coders there turn office "
        "visits and procedures into CPT and ICD-10-CM codes: the outpatient coding the CPC tests.",
    ),
    Rule(
        "setting", "hospital", "inpatient", 2,
        "You would most like to work in a hospital. Coding inpatient stays (principal diagnosis, "
        "ICD-10-PCS procedures, MS-DRGs) is hospital work, and it is what the CCS tests.",
    ),
    Rule(
        "setting", "billing_company", "billing", 2,
        "You would most like to work for a billing company, where the day is spent on claims, payers "
        "and accounts: the ground the CPB covers.",
    ),
    Rule(
        "setting", "remote", None, 0,
        "You would like to work from home. Billers and coders alike can work remotely, so this answer "
        "does not favour one path; expect to need some experience and a secure workspace first.",
    ),
    Rule(
        "work_style", "detail", "outpatient", 1,
        "You prefer quiet, focused work with documents and rules, which is most of a coder's day.",
    ),
    Rule(
        "work_style", "detail", "inpatient", 1,
        "You prefer quiet, focused work with documents and rules; inpatient records are long and "
        "reward that patience.",
    ),
    Rule(
        "work_style", "people", "billing", 1,
        "You prefer working with people. Billers talk with patients, payers and colleagues every day.",
    ),
    Rule(
        "interest", "clinical", "outpatient", 2,
        "Reading clinical notes interests you more than chasing payers: coding is reading the "
        "documentation and translating it into codes.",
    ),
    Rule(
        "interest", "clinical", "inpatient", 2,
        "Reading clinical notes interests you more than chasing payers: inpatient coders read whole "
        "hospital stays, from admission to discharge summary.",
    ),
    Rule(
        "interest", "payer", "billing", 2,
        "Following up with payers interests you more than reading clinical notes: getting claims "
        "paid, fixing denials and posting payments is billing work.",
    ),
)

WHEN_IT_SUITS: dict[str, str] = {
    "billing": "It could still suit you if you like seeing a claim through to payment and do not mind the phone.",
    "outpatient": "It could still suit you if you enjoy anatomy and procedures and want the widest choice of entry-level coding jobs.",
    "inpatient": "It could still suit you if you would enjoy long, detailed hospital records and a hospital career.",
}


@dataclass(frozen=True)
class Alternative:
    path: str
    certification: str
    points: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    path: str
    certification: str
    points: Mapping[str, int]
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    notes: tuple[str, ...] = ()  # answers that favoured no path (e.g. remote work)
    tied: tuple[str, ...] = ()  # the paths that shared the top score, when there was a tie
    tie_break: str = ""
    contradictions: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return PATH_TITLES[self.path]


def _answer_paths(preferences: Preferences) -> dict[str, set[str]]:
    """question -> the paths that question's answer favours."""
    favoured: dict[str, set[str]] = {}
    for rule in RULES:
        if getattr(preferences, rule.question, None) == rule.answer and rule.path and rule.points > 0:
            favoured.setdefault(rule.question, set()).add(rule.path)
    return favoured


def _contradictions(preferences: Preferences) -> tuple[str, ...]:
    favoured = _answer_paths(preferences)
    found = []
    questions = [q for q in QUESTIONS if q in favoured]
    for i, first in enumerate(questions):
        for second in questions[i + 1:]:
            if favoured[first] and favoured[second] and not favoured[first] & favoured[second]:
                first_paths = " or ".join(PATH_TITLES[p] for p in _ordered(favoured[first]))
                second_paths = " or ".join(PATH_TITLES[p] for p in _ordered(favoured[second]))
                found.append(
                    f"Your answer on {QUESTIONS[first]} (“{preferences.label(first)}”) points to "
                    f"{first_paths}, but your answer on {QUESTIONS[second]} "
                    f"(“{preferences.label(second)}”) points to {second_paths}."
                )
    return tuple(found)


def _ordered(paths: Iterable[str]) -> list[str]:
    return sorted(paths, key=TIE_ORDER.index)


def _diagnostic_point(area_scores: Mapping[str, float | None]) -> tuple[str | None, str]:
    known = {p: score for p in TIE_ORDER if (score := area_scores.get(p)) is not None}
    if not known:
        return None, ""
    best = max(known, key=lambda p: (known[p], -TIE_ORDER.index(p)))
    others = [v for p, v in known.items() if p != best]
    if not others or known[best] < DIAGNOSTIC_MIN or known[best] - max(others) < DIAGNOSTIC_LEAD:
        return None, ""
    return best, (
        f"In the diagnostic you did best in {AREA_TITLES[best].lower()} ({round(known[best] * 100)}%), "
        f"clearly ahead of the other coding and billing areas."
    )


def _rank(points: Mapping[str, int], area_scores: Mapping[str, float | None]) -> list[str]:
    """Paths best first: by points; among equal points by diagnostic score when every one of them
    has a score, else (and among equal scores) by TIE_ORDER."""
    ranked: list[str] = []
    for value in sorted(set(points.values()), reverse=True):
        group = [p for p in TIE_ORDER if points[p] == value]
        scores = {p: s for p in group if (s := area_scores.get(p)) is not None}
        if len(scores) == len(group):
            group.sort(key=lambda p: (-scores[p], TIE_ORDER.index(p)))
        ranked.extend(group)
    return ranked


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def recommend(preferences: Preferences, area_scores: Mapping[str, float | None]) -> Recommendation:
    """The recommended path and first certification, with reasons, alternatives, ties and
    contradictions spelled out. `area_scores` maps diagnostic areas to 0..1 (None: not scored)."""
    points = {p: 0 for p in TIE_ORDER}
    reasons: dict[str, list[str]] = {p: [] for p in TIE_ORDER}
    notes: list[str] = []
    for rule in RULES:
        if getattr(preferences, rule.question, None) != rule.answer:
            continue
        if rule.path is None:
            notes.append(rule.reason)
            continue
        points[rule.path] += rule.points
        reasons[rule.path].append(rule.reason)
    best_area, diagnostic_reason = _diagnostic_point(area_scores)
    if best_area:
        points[best_area] += DIAGNOSTIC_POINTS
        reasons[best_area].append(diagnostic_reason)

    ranked = _rank(points, area_scores)
    chosen = ranked[0]
    top = points[chosen]
    tied = tuple(p for p in ranked if points[p] == top) if sum(points[p] == top for p in ranked) > 1 else ()
    tie_break = _explain_tie(chosen, tied, top, area_scores) if tied else ""

    alternatives = tuple(
        Alternative(
            path=p,
            certification=PATH_CERTIFICATION[p],
            points=points[p],
            reasons=tuple(reasons[p]) or (WHEN_IT_SUITS[p],),
        )
        for p in ranked[1:]
    )
    return Recommendation(
        path=chosen,
        certification=PATH_CERTIFICATION[chosen],
        points=points,
        reasons=tuple(reasons[chosen]) or (
            "None of your answers pointed clearly to one path, so we suggest the most common starting point.",
        ),
        alternatives=alternatives,
        notes=tuple(notes),
        tied=tied,
        tie_break=tie_break,
        contradictions=_contradictions(preferences),
    )


def _explain_tie(chosen: str, tied: tuple[str, ...], top: int, area_scores: Mapping[str, float | None]) -> str:
    names = _join([PATH_TITLES[p] for p in tied])
    start = f"{names[0].upper()}{names[1:]} scored the same ({top} points each). "
    scores = [s for p in tied if (s := area_scores.get(p)) is not None]
    if len(scores) == len(tied) and scores[0] > scores[1]:
        return start + (
            f"We chose {PATH_TITLES[chosen]} because your diagnostic score there was higher "
            f"({round(scores[0] * 100)}% against {round(scores[1] * 100)}% in {PATH_TITLES[tied[1]]})."
        )
    return start + (
        "Your diagnostic did not separate them, so we followed our fixed order: outpatient coding "
        f"(CPC) first, then billing (CPB), then inpatient coding (CCS). We chose {PATH_TITLES[chosen]}."
    )


# ------------------------------------------------------------------ study plan
START_COUNT = 3
SHORT_TIMELINE_WEEKS = 26  # certificate programmes take 6-12 months


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    size: int  # questions + cases in the blueprint
    topics: tuple[str, ...]
    areas: tuple[str, ...]
    score: float  # 0..1, the estimate used for the plan
    scored: bool  # False when no diagnostic area covered this section
    hours: int
    first_week: int | None
    last_week: int | None
    start_here: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class StudyPlan:
    exam: str
    today: date
    target_date: date | None
    days: int
    weeks: int
    weekly_hours: int
    total_hours: int
    sections: tuple[PlanSection, ...]
    notes: tuple[str, ...]

    @property
    def start_with(self) -> tuple[PlanSection, ...]:
        return tuple(s for s in self.sections if s.start_here)


def weeks_until(today: date, target: date | None) -> tuple[int, int]:
    """(days, whole weeks) from today to the target date; zero when it has passed or is unknown."""
    if target is None:
        return 0, 0
    days = max(0, (target - today).days)
    return days, days // 7


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` whole units in proportion to `weights`, summing exactly to `total`
    (largest remainder; equal remainders go to the earlier weight)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0 for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    left = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares


def study_plan(
    exam: str,
    sections: Sequence[Mapping],
    area_scores: Mapping[str, float | None],
    weekly_hours: int,
    target_date: date | None,
    today: date,
) -> StudyPlan:
    """Hours to the target date spread over the blueprint's sections, weakest areas first.

    `sections` are blueprint sections as stored (dicts with key, title, questions, cases, topics).
    """
    days, weeks = weeks_until(today, target_date)
    weekly_hours = max(0, int(weekly_hours or 0))
    total = weeks * weekly_hours
    known = [v for v in area_scores.values() if v is not None]
    fallback = sum(known) / len(known) if known else 0.5

    rows = []
    for order, section in enumerate(sections):
        size = int(section.get("questions") or 0) + int(section.get("cases") or 0)
        if size <= 0:
            continue
        topics = tuple(section.get("topics") or ())
        areas = tuple(dict.fromkeys(a for a in (plan_area_for(t, exam) for t in topics) if a))
        scores = [s for a in areas if (s := area_scores.get(a)) is not None]
        score = sum(scores) / len(scores) if scores else fallback
        rows.append((order, section, size, topics, areas, score, bool(scores)))
    rows.sort(key=lambda r: (r[5], -r[2], r[0]))
    hours = allocate(total, [r[2] * (2 - r[5]) for r in rows])

    out = []
    elapsed = 0
    for index, ((_, section, size, topics, areas, score, scored), h) in enumerate(zip(rows, hours, strict=True)):
        first = last = None
        if h and weekly_hours:
            first = elapsed // weekly_hours + 1
            last = math.ceil((elapsed + h) / weekly_hours)
        elapsed += h
        out.append(
            PlanSection(
                key=str(section.get("key", "")),
                title=str(section.get("title", "")),
                size=size,
                topics=topics,
                areas=areas,
                score=score,
                scored=scored,
                hours=h,
                first_week=first,
                last_week=last,
                start_here=index < START_COUNT,
            )
        )

    notes = []
    if target_date is None:
        notes.append("You did not give a target date, so the plan shows the order to study in but no hours.")
    elif weeks == 0:
        notes.append("Your target date is less than a week away: there is no time for a plan. Pick a later date.")
    elif weeks < SHORT_TIMELINE_WEEKS:
        notes.append(
            f"{weeks} weeks is a short run-up. Certificate programmes usually take 6 to 12 months, so "
            "a date under six months away is ambitious unless you already work in healthcare."
        )
    if not known:
        notes.append("We have no diagnostic scores, so every section counts as average.")
    return StudyPlan(
        exam=exam,
        today=today,
        target_date=target_date,
        days=days,
        weeks=weeks,
        weekly_hours=weekly_hours,
        total_hours=total,
        sections=tuple(out),
        notes=tuple(notes),
    )
