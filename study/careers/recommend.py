"""Which path and first certification fit someone, and whether the field suits them at all. PURE.

No Flask, no database, no clock.

What goes in
============

- **Preferences** (``Preferences``): where they would like to work, the kind of work, the task
  that interests them, how they feel about a day at a screen, and their background (healthcare
  exposure, customer-service work, schooling, budget, how soon they need income), plus the hours
  a week and the target date for the plan.
- **Aptitude** (skill -> fraction correct): the sample tasks of the self-assessment, which need no
  prior knowledge: reading a clinical note, applying a written rule, spotting a mismatch between
  two records, and the arithmetic of a bill (``study.careers.aptitude``). A skill is *strong* at
  75% or more, *fair* from 50%, *weak* below.
- **Knowledge** (area -> fraction correct, optional): the "already studying?" knowledge check,
  drawn from bank items reserved for it.

The path
========

Three paths, each with a first certification: ``billing`` → CPB, ``outpatient`` (physician and
outpatient coding) → CPC, ``inpatient`` (hospital inpatient coding) → CCS.

Every answer and every aptitude level is looked up in ``RULES``, a plain table of
``(question, answer, path, points, reason)``. A matching rule adds its points to its path and
its reason to that path's reasons; a rule with no path adds a note. The table, in short:

===========================  =================================================  =========
question                     answer → path                                      points
===========================  =================================================  =========
setting                      physician practice → outpatient; hospital →        2
                             inpatient; billing company → billing; remote →
                             none (a note)
work style                   documents and rules → outpatient, inpatient;       1 each
                             people → billing
interest                     clinical reading → outpatient, inpatient;          2 each
                             payer follow-up → billing
healthcare exposure          patient care → inpatient 2, outpatient 1;          as shown
                             office (front desk, billing) → billing 2,
                             outpatient 1; none → a note
customer service             yes → billing                                      1
schooling                    a degree → inpatient                               1
income needed                within three months → billing (its entry jobs      1
                             are the quickest door)
aptitude: reading            strong → outpatient, inpatient                     1 each
aptitude: rules              strong → outpatient, inpatient                     1 each
aptitude: detail             strong → outpatient, billing                       1 each
aptitude: numbers            strong → billing                                   2
knowledge check              the best of the three path areas, when it is at    1
                             least 50% and 15 points ahead of the others
===========================  =================================================  =========

The path with the most points is suggested.

**Ties.** When paths share the top score: the one whose knowledge-check area scored higher wins;
if the scores are equal or unknown, a fixed order decides: outpatient (CPC), then billing (CPB),
then inpatient (CCS). CPC comes first because outpatient coding overlaps most with the other two
(billers code for claims; inpatient coders also code ICD-10-CM diagnoses); CCS comes last because
its inpatient content (ICD-10-PCS, MS-DRGs) is the least shared. The result says that a tie was
broken and how.

**Contradictory preferences** (a hospital setting with an interest in payer follow-up) are listed
in words; every answer keeps its weight.

The fit
=======

``assess_fit`` says plainly whether the evidence suggests the field suits the person, from
``FIT_RULES`` (checked in order; every rule that matches adds its reason):

- *unlikely* when they would dislike a day at a screen (the work is reading and typing at one),
  or when fewer than half of the sample tasks were right: the field may not suit them, and we say
  so, with what might suit them better;
- *good* when at least 75% of the sample tasks were right, no skill was weak, and screen work
  suits them;
- *possible* otherwise, naming the weak skills to work on;
- *unknown* for results saved before the sample tasks existed.

Knowledge is never required: a newcomer who knows no coding but shows a strong aptitude is
told to start, with a plan that begins at the foundations.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
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
SCREEN_CHOICES: tuple[tuple[str, str], ...] = (
    ("enjoy", "I would enjoy it: long stretches of focused reading and typing suit me"),
    ("fine", "Fine, with short breaks"),
    ("dislike", "I would dislike it: I need to be on my feet or with people for much of the day"),
)
HEALTHCARE_CHOICES: tuple[tuple[str, str], ...] = (
    ("clinical", "Yes, in patient care (for example nursing assistant, medical assistant, EMT or pharmacy technician)"),
    ("office", "Yes, in a healthcare office (front desk, scheduling, billing or insurance)"),
    ("none", "No, none yet"),
)
CUSTOMER_SERVICE_CHOICES: tuple[tuple[str, str], ...] = (
    ("yes", "Yes (for example retail, hospitality or a call centre)"),
    ("no", "No"),
)
SCHOOLING_CHOICES: tuple[tuple[str, str], ...] = (
    ("high_school", "A high school diploma or equivalent"),
    ("some_college", "Some college, or a certificate"),
    ("degree", "An associate degree or higher"),
)
BUDGET_CHOICES: tuple[tuple[str, str], ...] = (
    ("low", "Only the essentials: the exam and the code books (self-study)"),
    ("medium", "A self-paced online course as well"),
    ("high", "A college certificate programme"),
)
INCOME_CHOICES: tuple[tuple[str, str], ...] = (
    ("soon", "Within three months"),
    ("year", "Within a year"),
    ("later", "I am not in a hurry"),
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
    "screen": dict(SCREEN_CHOICES),
    "healthcare": dict(HEALTHCARE_CHOICES),
    "customer_service": dict(CUSTOMER_SERVICE_CHOICES),
    "schooling": dict(SCHOOLING_CHOICES),
    "budget": dict(BUDGET_CHOICES),
    "income": dict(INCOME_CHOICES),
}

MIN_WEEKLY_HOURS = 1
MAX_WEEKLY_HOURS = 60


@dataclass(frozen=True)
class Preferences:
    """The questionnaire: preferences, work style and background. Fields added later default to
    "" so that results saved before them still load (their rules simply do not match)."""

    setting: str
    work_style: str
    interest: str
    weekly_hours: int
    target_date: date | None = None
    screen: str = ""
    healthcare: str = ""
    customer_service: str = ""
    schooling: str = ""
    budget: str = ""
    income: str = ""

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["target_date"] = self.target_date.isoformat() if self.target_date else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Preferences:
        target = data.get("target_date")
        text = {f.name: str(data.get(f.name) or "") for f in fields(cls) if f.name not in ("weekly_hours", "target_date")}
        return cls(
            weekly_hours=int(data.get("weekly_hours") or 0),
            target_date=date.fromisoformat(target) if target else None,
            **text,
        )

    def label(self, question: str) -> str:
        value = getattr(self, question)
        return ANSWER_LABELS.get(question, {}).get(value, str(value))


# ------------------------------------------------------------------ aptitude
SKILLS: tuple[tuple[str, str], ...] = (
    ("reading", "Reading a clinical note"),
    ("rules", "Applying a written rule"),
    ("detail", "Attention to detail"),
    ("numbers", "Numbers for billing"),
)
SKILL_TITLES: dict[str, str] = dict(SKILLS)
STRONG = 0.75  # a skill at or above this is strong
FAIR = 0.5  # ...at or above this fair, below it weak


class Tally:
    """Right answers out of a total (mixed into the score dataclasses below); no fraction when
    nothing was asked."""

    correct: int
    total: int

    @property
    def fraction(self) -> float | None:
        return self.correct / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        fraction = self.fraction
        return None if fraction is None else round(fraction * 100)


@dataclass(frozen=True)
class SkillScore(Tally):
    skill: str
    correct: int
    total: int

    @property
    def title(self) -> str:
        return SKILL_TITLES.get(self.skill, self.skill)

    @property
    def level(self) -> str:
        return level(self.fraction)


def level(fraction: float | None) -> str:
    """"strong", "fair", "weak", or "" when the skill was not measured."""
    if fraction is None:
        return ""
    return "strong" if fraction >= STRONG else "fair" if fraction >= FAIR else "weak"


def overall(aptitude: Iterable[SkillScore]) -> float | None:
    scores = [s for s in aptitude if s.total]
    total = sum(s.total for s in scores)
    return sum(s.correct for s in scores) / total if total else None


# ------------------------------------------------------------------ knowledge-check areas
@dataclass(frozen=True)
class Area:
    key: str
    title: str
    topics: tuple[str, ...]  # topics drawn for the knowledge check (icd-10-cm is split by exam, see area_for)


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


def area_for(topic: str, exams: Iterable[str]) -> str | None:
    """The knowledge-check area of a bank item: ICD-10-CM items linked to the CPC count as
    outpatient coding, other ICD-10-CM items linked to the CCS as inpatient coding; topics outside
    the five areas (anesthesia, coding guidelines, outpatient reimbursement) are not drawn."""
    if topic == "icd-10-cm":
        exams = set(exams)
        if "CPC" in exams:
            return "outpatient"
        if "CCS" in exams:
            return "inpatient"
        return None
    return _TOPIC_AREA.get(topic)


@dataclass(frozen=True)
class AreaScore(Tally):
    area: str
    correct: int
    total: int

    @property
    def title(self) -> str:
        return AREA_TITLES.get(self.area, self.area)


def fractions(scores: Iterable[AreaScore | SkillScore]) -> dict[str, float | None]:
    return {(s.area if isinstance(s, AreaScore) else s.skill): s.fraction for s in scores}


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
    question: str  # a Preferences field, or "aptitude:<skill>" (answer: a level)
    answer: str
    path: str | None  # None: the answer favours no path (the reason is shown as a note)
    points: int
    reason: str


RULES: tuple[Rule, ...] = (
    # where, how and what
    Rule("setting", "physician_practice", "outpatient", 2,
         "You would most like to work in a physician practice or clinic. Coders there turn office "
         "visits and procedures into CPT and ICD-10-CM codes: the outpatient coding the CPC tests."),
    Rule("setting", "hospital", "inpatient", 2,
         "You would most like to work in a hospital. Coding inpatient stays (principal diagnosis, "
         "ICD-10-PCS procedures, MS-DRGs) is hospital work, and it is what the CCS tests."),
    Rule("setting", "billing_company", "billing", 2,
         "You would most like to work for a billing company, where the day is spent on claims, payers "
         "and accounts: the ground the CPB covers."),
    Rule("setting", "remote", None, 0,
         "You would like to work from home. Billers and coders alike can work remotely, so this answer "
         "does not favour one path; expect to need some experience and a secure workspace first."),
    Rule("work_style", "detail", "outpatient", 1,
         "You prefer quiet, focused work with documents and rules, which is most of a coder's day."),
    Rule("work_style", "detail", "inpatient", 1,
         "You prefer quiet, focused work with documents and rules; inpatient records are long and "
         "reward that patience."),
    Rule("work_style", "people", "billing", 1,
         "You prefer working with people. Billers talk with patients, payers and colleagues every day."),
    Rule("interest", "clinical", "outpatient", 2,
         "Reading clinical notes interests you more than chasing payers: coding is reading the "
         "documentation and translating it into codes."),
    Rule("interest", "clinical", "inpatient", 2,
         "Reading clinical notes interests you more than chasing payers: inpatient coders read whole "
         "hospital stays, from admission to discharge summary."),
    Rule("interest", "payer", "billing", 2,
         "Following up with payers interests you more than reading clinical notes: getting claims "
         "paid, fixing denials and posting payments is billing work."),
    # background
    Rule("healthcare", "clinical", "inpatient", 2,
         "You have worked in patient care, so hospital words and routines are familiar: a real head "
         "start for reading whole inpatient stays."),
    Rule("healthcare", "clinical", "outpatient", 1,
         "Your patient-care experience helps you follow office notes and procedures."),
    Rule("healthcare", "office", "billing", 2,
         "You have worked in a healthcare office, so registration, insurance and accounts are "
         "familiar: billing builds straight on that."),
    Rule("healthcare", "office", "outpatient", 1,
         "Your healthcare office experience is a common first step towards outpatient coding."),
    Rule("healthcare", "none", None, 0,
         "You have no healthcare background yet, as most newcomers do. That is why your plan starts "
         "with medical terminology and anatomy."),
    Rule("customer_service", "yes", "billing", 1,
         "You have worked with customers. Billers explain bills to patients and talk with payers, "
         "so that experience counts."),
    Rule("schooling", "degree", "inpatient", 1,
         "You have a degree. Hospital coding is the most demanding path, and further college study "
         "(towards the RHIT or RHIA) builds on it."),
    Rule("income", "soon", "billing", 1,
         "You need an income soon. Billing's entry jobs (charge entry, payment posting, registration) "
         "are usually the quickest way into the field, and you can study for a coding credential while you work."),
    # aptitude (the sample tasks)
    Rule("aptitude:reading", "strong", "outpatient", 1,
         "You read the sample clinical notes accurately: coders read notes all day."),
    Rule("aptitude:reading", "strong", "inpatient", 1,
         "You read the sample clinical notes accurately, which long hospital records demand."),
    Rule("aptitude:rules", "strong", "outpatient", 1,
         "You applied the written rules correctly. Coding is applying the official guidelines to each record."),
    Rule("aptitude:rules", "strong", "inpatient", 1,
         "You applied the written rules correctly. Inpatient coding has the most guidelines to apply."),
    Rule("aptitude:detail", "strong", "outpatient", 1,
         "You spotted the mismatches between records: one wrong character changes a code."),
    Rule("aptitude:detail", "strong", "billing", 1,
         "You spotted the mismatches between records: a wrong member ID or date is a denied claim."),
    Rule("aptitude:numbers", "strong", "billing", 2,
         "You worked out the balances and percentages correctly: billers do that arithmetic on every account."),
)

WHEN_IT_SUITS: dict[str, str] = {
    "billing": "It could still suit you if you like seeing a claim through to payment and do not mind the phone.",
    "outpatient": "It could still suit you if you enjoy anatomy and procedures and want the widest choice of entry-level coding jobs.",
    "inpatient": "It could still suit you if you would enjoy long, detailed hospital records and a hospital career.",
}


# ------------------------------------------------------------------ the fit
FIT_GOOD, FIT_POSSIBLE, FIT_UNLIKELY, FIT_UNKNOWN = "good", "possible", "unlikely", "unknown"
FIT_MIN = 0.5  # below half of the sample tasks right: the field may not suit
FIT_GOOD_MIN = 0.75
FIT_HEADLINES: dict[str, str] = {
    FIT_GOOD: "The evidence suggests this field suits you.",
    FIT_POSSIBLE: "This field could suit you; the sample tasks show room to grow.",
    FIT_UNLIKELY: "The evidence suggests this field may not suit you.",
    FIT_UNKNOWN: "This result was saved before the sample tasks existed, so it says nothing about fit.",
}
ELSEWHERE = (
    "If you like healthcare but not a day at a desk, roles that work with patients face to face "
    "(such as front-desk registration) use some of the same knowledge and involve less screen time. "
    "If you still want to try, the plan below starts gently; take the sample tasks again after the foundations."
)


@dataclass(frozen=True)
class Fit:
    verdict: str
    reasons: tuple[str, ...]
    overall: float | None  # the share of sample tasks right

    @property
    def headline(self) -> str:
        return FIT_HEADLINES[self.verdict]

    @property
    def may_not_suit(self) -> bool:
        return self.verdict == FIT_UNLIKELY


def assess_fit(preferences: Preferences, aptitude: Sequence[SkillScore]) -> Fit:
    share = overall(aptitude)
    weak = [s for s in aptitude if s.level == "weak"]
    against = []
    if preferences.screen == "dislike":
        against.append(
            "You told us you would dislike a day at a screen. Billing and coding are reading and typing "
            "at a computer for most of the working day, at home or in an office."
        )
    if share is not None and share < FIT_MIN:
        right = sum(s.correct for s in aptitude)
        total = sum(s.total for s in aptitude)
        against.append(
            f"You got {right} of {total} sample tasks right. They use the everyday skills of the job "
            "(reading notes closely, applying rules, checking details, working out balances), and "
            "newcomers who enjoy this work usually get most of them."
        )
    if against:
        return Fit(FIT_UNLIKELY, (*against, ELSEWHERE), share)
    if share is None:
        return Fit(FIT_UNKNOWN, (), None)
    if share >= FIT_GOOD_MIN and not weak:
        strong = [s.title.lower() for s in aptitude if s.level == "strong"]
        return Fit(
            FIT_GOOD,
            (f"You got {round(share * 100)}% of the sample tasks right"
             + (f", with strong results in {_join(strong)}." if strong else "."),
             "Knowing no coding yet is normal: everyone starts with the foundations."),
            share,
        )
    reasons = [f"You got {round(share * 100)}% of the sample tasks right."]
    if weak:
        reasons.append(
            f"Work on {_join([s.title.lower() for s in weak])}: the plan's first weeks help, and you can take the sample tasks again."
        )
    if preferences.screen == "fine":
        reasons.append("You said a day at a screen is fine with breaks; most billers and coders work that way.")
    return Fit(FIT_POSSIBLE, tuple(reasons), share)


def cautions(preferences: Preferences) -> tuple[str, ...]:
    """What to know before starting, from the background answers (no figures here: the page
    links to the sourced costs and first-job pages)."""
    found = []
    if preferences.income == "soon":
        found.append(
            "Training takes months, and many coding job postings ask for experience even after you pass. "
            "Plan on an entry job (charge entry, payment posting, front-desk registration) first."
        )
    if preferences.budget == "low":
        found.append("On a tight budget, self-study works: the exam fee and the current year's code books are the essentials.")
    if preferences.healthcare == "none" and preferences.schooling == "high_school":
        found.append("Many employers prefer a certificate programme or some college; a course also helps you pass.")
    return tuple(found)


# ------------------------------------------------------------------ the recommendation
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
    fit: Fit
    notes: tuple[str, ...] = ()  # answers that favoured no path (e.g. remote work)
    cautions: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()  # the paths that shared the top score, when there was a tie
    tie_break: str = ""
    contradictions: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return PATH_TITLES[self.path]


def answers(preferences: Preferences, aptitude: Sequence[SkillScore]) -> dict[str, str]:
    """Every question the rules look at, with its answer: the questionnaire's fields and one
    "aptitude:<skill>" per measured skill, answered by its level."""
    found = {f.name: str(getattr(preferences, f.name)) for f in fields(preferences)}
    for score in aptitude:
        if score.total:
            found[f"aptitude:{score.skill}"] = score.level
    return found


def _answer_paths(preferences: Preferences) -> dict[str, set[str]]:
    """question -> the paths that question's answer favours (preferences only)."""
    favoured: dict[str, set[str]] = {}
    for rule in RULES:
        if rule.question in QUESTIONS and getattr(preferences, rule.question, None) == rule.answer and rule.path and rule.points > 0:
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
        f"In the knowledge check you did best in {AREA_TITLES[best].lower()} ({round(known[best] * 100)}%), "
        f"clearly ahead of the other coding and billing areas."
    )


def _rank(points: Mapping[str, int], area_scores: Mapping[str, float | None]) -> list[str]:
    """Paths best first: by points; among equal points by knowledge-check score when every one of
    them has a score, else (and among equal scores) by TIE_ORDER."""
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


def recommend(
    preferences: Preferences,
    area_scores: Mapping[str, float | None],
    aptitude: Sequence[SkillScore] = (),
) -> Recommendation:
    """The suggested path and first certification, with reasons, alternatives, ties,
    contradictions, the fit and the cautions spelled out. `area_scores` maps knowledge-check
    areas to 0..1 (None or absent: not taken); `aptitude` holds the sample tasks' scores."""
    given = answers(preferences, aptitude)
    points = {p: 0 for p in TIE_ORDER}
    reasons: dict[str, list[str]] = {p: [] for p in TIE_ORDER}
    notes: list[str] = []
    for rule in RULES:
        if given.get(rule.question) != rule.answer:
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
        fit=assess_fit(preferences, aptitude),
        notes=tuple(notes),
        cautions=cautions(preferences),
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
            f"We chose {PATH_TITLES[chosen]} because your knowledge-check score there was higher "
            f"({round(scores[0] * 100)}% against {round(scores[1] * 100)}% in {PATH_TITLES[tied[1]]})."
        )
    return start + (
        "Nothing else separated them, so we followed our fixed order: outpatient coding "
        f"(CPC) first, then billing (CPB), then inpatient coding (CCS). We chose {PATH_TITLES[chosen]}."
    )
