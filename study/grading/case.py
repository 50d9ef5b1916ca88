"""The coding-case grader: the bank format's "Grading" rules, exactly.

``grade_case(case, submission, checker) -> GradeReport``

Every submitted code gets exactly one verdict (``correct``, ``partial``, ``incomplete``,
``invalid``, ``wrong_system``, ``not_reportable``, ``extra``, ``accepted_voluntary``); every required key
line nothing matched gets a
``missing`` line; ``sequencing``, ``modifiers`` and ``units`` lines are ``correct``, ``wrong``
or ``missing``.

Matching is one-to-one, exact matches first (required key lines before optional ones), then
partial ones: a diagnosis that is a valid code with the same first three characters as an
unmatched key line, a PCS code with the same first four. Procedures match by code only; when a
code appears on several key lines, the pairing that gets modifiers and units right wins, so the
order in which procedures are written never changes the score.

Weights (``DEFAULT_WEIGHTS`` in ``study.bank.model``; each may be overridden per case under
``scoring``):

- ``diagnosis`` (1): a correct diagnosis line;
- ``procedure`` (1): a correct procedure line (CPT or HCPCS Level II);
- ``pcs`` (1): a correct ICD-10-PCS line;
- ``partial`` (0.5): a partial match (never more than the line's own weight);
- ``sequencing`` (1): the key's first diagnosis (or PCS code) listed first, scored when the key
  has two or more diagnosis (or PCS) lines, optional ones included;
- ``modifiers`` (0.5): per procedure key line that lists modifiers or whose matched submission
  adds any: the sets are equal (order ignored);
- ``units`` (0.5): per procedure key line whose units differ from 1: the units are equal;
- ``extra_penalty`` (0.5): deducted for each ``extra``, ``invalid``, ``wrong_system`` or
  ``not_reportable`` code.

External cause codes (ICD-10-CM V00-Y99) are voluntary unless the case says
``external_causes: required``: a reportable one that no key line matches (exactly or partly), that
is not under ``not_reportable`` and not listed twice, is ``accepted_voluntary`` (no points, no
penalty, ``VOLUNTARY_MESSAGE``) instead of ``extra``.

Optional key lines earn nothing and cost nothing. ``score_pct = 100 * max(0, earned -
penalties) / possible``, rounded half up to one decimal (a key with nothing to score gives 100
when nothing wrong was submitted, else 0). Excludes1 conflicts among the submitted diagnoses and
a manifestation code listed first add an explanation to the lines concerned; they cost nothing
beyond the rules above.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from study.bank.model import DEFAULT_WEIGHTS, CaseItem, KeyLine
from study.codes.checking import CodeChecker, wrong_system
from study.codes.normalize import (
    classify_procedure_code,
    normalize_cpt,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
)
from study.codes.types import CodeCheck, ProcedureEntry, Submission
from study.grading.explain import explain_icd10cm, explain_pcs, unit_basis
from study.grading.results import GradeLine, GradeReport, percent, round_half_up

ZERO = Fraction(0)
#: ICD-10-CM chapter 20, external causes of morbidity: V00-Y99
EXTERNAL_CAUSE_LETTERS = ("V", "W", "X", "Y")
VOLUNTARY_MESSAGE = "accepted: voluntary — external cause codes are optional for this case"


def _fraction(value: float) -> Fraction:
    try:
        result = Fraction(Decimal(repr(float(value))))
    except (ValueError, ArithmeticError):
        return ZERO
    return result if result > 0 else ZERO


def weights_of(case: CaseItem) -> dict[str, Fraction]:
    """The case's weights as exact fractions (0.1 is 1/10), negatives treated as 0."""
    weights = {name: _fraction(value) for name, value in DEFAULT_WEIGHTS.items()}
    for name, value in case.scoring:
        if name in weights:
            weights[name] = _fraction(value)
    return weights


def _points_text(value: Fraction) -> str:
    number = float(value)
    return f"{number:g}"


@dataclass
class _Sub:
    """A submitted code while it is being graded."""

    index: int
    code: str
    check: CodeCheck
    entry: ProcedureEntry | None = None
    verdict: str = ""
    key_index: int | None = None
    points: Fraction = ZERO
    message: str = ""
    during: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class _Lines:
    lines: list[GradeLine] = field(default_factory=list)
    earned: Fraction = ZERO
    penalties: Fraction = ZERO
    possible: Fraction = ZERO

    def add(self, line: GradeLine, points: Fraction) -> None:
        self.lines.append(line)
        if points > 0:
            self.earned += points
        elif points < 0:
            self.penalties += -points


def _describe(checker: CodeChecker, system: str, code: str) -> str:
    check = checker.check(system, code)
    return f" ({check.description})" if check.description else ""


def _without_suggestions(message: str) -> str:
    return message.split(" Nearest codes:")[0]


class _CaseGrader:
    def __init__(self, case: CaseItem, submission: Submission, checker: CodeChecker) -> None:
        self.case = case
        self.submission = submission
        self.checker = checker
        self.w = weights_of(case)
        self.out = _Lines()
        self.penalty = self.w["extra_penalty"]
        self.principal = "principal" if case.setting == "inpatient" else "first-listed"

    # --- shared verdicts for unmatched codes ---
    def _penalise(self, sub: _Sub, verdict: str, message: str, during: str | None = None) -> None:
        sub.verdict = verdict
        sub.points = -self.penalty
        cost = f" (-{_points_text(self.penalty)} points)" if self.penalty else ""
        sub.message = message + cost
        sub.during = (during if during is not None else message) + cost

    def _not_reportable(self, normalize: Callable[[object], str]) -> dict[str, str]:
        result: dict[str, str] = {}
        for code, why in self.case.key.not_reportable:
            result.setdefault(normalize(code), why)
        return result

    # --- diagnoses and PCS: ordered lists with partial matches ---
    def ordered(self, kind: str) -> list[_Sub]:
        if kind == "diagnosis":
            system, key_lines, submitted, width = (
                "icd10cm",
                self.case.key.diagnoses,
                self.submission.diagnoses,
                3,
            )
            normalize = normalize_icd10cm
        else:
            system, key_lines, submitted, width = "pcs", self.case.key.pcs, self.submission.pcs, 4
            normalize = normalize_pcs
        weight = self.w[kind]
        not_reportable = self._not_reportable(normalize)
        subs = []
        for index, raw in enumerate(submitted):
            check = self.checker.check(system, raw)
            subs.append(_Sub(index, check.code or str(raw).strip().upper(), check))
        order = sorted(range(len(key_lines)), key=lambda j: (key_lines[j].optional, j))
        taken = _exact_matches(subs, key_lines, order, weight)
        self._unmatched_codes(subs, not_reportable, system)
        self._partial_matches(kind, subs, key_lines, order, taken, width)
        for sub in subs:
            if not sub.verdict and kind == "diagnosis" and self._voluntary_external_cause(sub):
                sub.verdict = "accepted_voluntary"
                sub.message = sub.during = VOLUNTARY_MESSAGE
            elif not sub.verdict:
                description = f" ({sub.check.description})" if sub.check.description else ""
                self._penalise(
                    sub,
                    "extra",
                    f"{sub.code}{description} is a valid code, but this case does not support reporting it.",
                )
        sequencing_note = self._conflict_notes(subs) if kind == "diagnosis" else ""
        for sub in subs:
            self._add_submitted(kind, sub, key_lines, sub.notes)
        self._missing_codes(kind, system, key_lines, taken, weight)
        if len(key_lines) >= 2:
            self._sequencing(kind, key_lines, subs, taken, sequencing_note)
        return subs

    def _voluntary_external_cause(self, sub: _Sub) -> bool:
        """A reportable ICD-10-CM external cause code (V00-Y99) the key does not list, on a case
        whose external causes are voluntary (codes under ``not_reportable`` were judged before)."""
        return self.case.external_causes != "required" and sub.check.reportable and sub.code[:1] in EXTERNAL_CAUSE_LETTERS

    def _unmatched_codes(self, subs: list[_Sub], not_reportable: dict[str, str], row: str) -> None:
        """Codes without an exact match that are not reportable for the case, of another code
        set than the row's (``wrong_system``), invalid, incomplete or listed twice."""
        seen: set[str] = {s.code for s in subs if s.verdict}
        for sub in subs:
            if sub.verdict:
                continue
            if sub.code in not_reportable:
                why = not_reportable[sub.code] or f"{sub.code} is not reported for this case."
                self._penalise(sub, "not_reportable", why)
            elif misplaced := wrong_system(row, sub.code, self.case.setting):
                self._penalise(sub, "wrong_system", misplaced)
            elif sub.check.status == "invalid":
                self._penalise(sub, "invalid", sub.check.message, _without_suggestions(sub.check.message))
            elif sub.check.status == "incomplete":
                sub.verdict = "incomplete"
                sub.message = sub.during = f"{sub.check.message} No points, no penalty."
            elif sub.code in seen:
                self._penalise(sub, "extra", f"{sub.code} is listed twice; a code is reported once.")
            seen.add(sub.code)

    def _partial_matches(
        self,
        kind: str,
        subs: list[_Sub],
        key_lines: Sequence[KeyLine],
        order: list[int],
        taken: dict[int, _Sub],
        width: int,
    ) -> None:
        """Pair each code still without a verdict with the first free key line (required ones
        first) that shares its first ``width`` characters."""
        partial_weight = min(self.w["partial"], self.w[kind])
        for sub in subs:
            if sub.verdict:
                continue
            for j in order:
                line = key_lines[j]
                if j in taken or not any(c[:width] == sub.code[:width] for c in line.codes):
                    continue
                taken[j] = sub
                _mark_partial(kind, sub, line, j, partial_weight)
                matched = next(c for c in line.codes if c[:width] == sub.code[:width])
                detail = self._difference(kind, sub, matched)
                if detail:
                    sub.message = f"{sub.message} {detail}"
                break

    def _difference(self, kind: str, sub: _Sub, key_code: str) -> str:
        """What exactly differs from the key's code, from the two codes' descriptions (shown with
        the key, never during the attempt)."""
        system = "icd10cm" if kind == "diagnosis" else "pcs"
        key_description = self.checker.check(system, key_code).description or ""
        ours = sub.check.description or ""
        if not (ours and key_description):
            return ""
        explain = explain_icd10cm if kind == "diagnosis" else explain_pcs
        return explain(sub.code, key_code, ours, key_description)

    def _conflict_notes(self, subs: list[_Sub]) -> str:
        """Excludes1 notes on the diagnoses concerned (the ones not credited, else the last);
        returns the "code first" note when the first diagnosis is a manifestation code."""
        sequencing_note = ""
        valid = [s for s in subs if s.check.exists]
        for conflict in self.checker.conflicts([s.code for s in valid]):
            involved = [s for s in valid if s.code in conflict.codes]
            if conflict.kind == "excludes1":
                targets = [s for s in involved if s.verdict not in ("correct", "partial")] or involved[-1:]
                for s in targets:
                    s.notes.append(conflict.message)
            elif conflict.kind == "code_first" and subs and subs[0].code in conflict.codes:
                sequencing_note = conflict.message
        return sequencing_note

    def _add_submitted(self, kind: str, sub: _Sub, key_lines: Sequence[KeyLine], notes: list[str]) -> None:
        """The grade line of a submitted code, its notes appended to both messages."""
        expected = key_lines[sub.key_index].code if sub.key_index is not None else None
        extra_text = "".join(f" {n}" for n in notes)
        self.out.add(
            GradeLine(
                kind,
                sub.code,
                expected,
                sub.verdict,
                float(sub.points),
                sub.message + extra_text,
                sub.during + extra_text,
            ),
            sub.points,
        )

    def _missing_codes(
        self, kind: str, system: str, key_lines: Sequence[KeyLine], taken: dict[int, _Sub], weight: Fraction
    ) -> None:
        """Every required key line counts towards the possible points; a ``missing`` line for
        each one that nothing matched."""
        noun = "diagnosis" if kind == "diagnosis" else "ICD-10-PCS code"
        for j, line in enumerate(key_lines):
            if line.optional:
                continue
            self.out.possible += weight
            if j in taken:
                continue
            where = (
                f" (the {self.principal} {noun})"
                if j == 0 and kind == "diagnosis"
                else (" (the principal procedure)" if j == 0 and kind == "pcs" else "")
            )
            self.out.add(
                GradeLine(
                    kind,
                    None,
                    line.code,
                    "missing",
                    0.0,
                    f"Missing {noun}: {line.code}{_describe(self.checker, system, line.code)}.",
                    f"A required {noun} is missing{where}.",
                ),
                ZERO,
            )

    def _sequencing(
        self, kind: str, key_lines: Sequence[KeyLine], subs: list[_Sub], taken: dict[int, _Sub], note: str
    ) -> None:
        weight = self.w["sequencing"]
        self.out.possible += weight
        first_key = key_lines[0].code
        what = f"{self.principal} diagnosis" if kind == "diagnosis" else "principal procedure"
        suffix = f" {note}" if note else ""
        if not subs:
            self.out.add(
                GradeLine(
                    "sequencing",
                    None,
                    first_key,
                    "missing",
                    0.0,
                    f"Nothing was submitted; the {what} is {first_key}.",
                    f"Nothing was submitted, so the {what} could not be scored.",
                ),
                ZERO,
            )
            return
        first = subs[0]
        if taken.get(0) is first:
            self.out.add(
                GradeLine(
                    "sequencing",
                    first.code,
                    first_key,
                    "correct",
                    float(weight),
                    f"{first.code} is correctly listed first ({what}).{suffix}",
                    f"{first.code} is correctly listed first ({what}).{suffix}",
                ),
                weight,
            )
        else:
            self.out.add(
                GradeLine(
                    "sequencing",
                    first.code,
                    first_key,
                    "wrong",
                    0.0,
                    f"The {what} is {first_key}; {first.code} was listed first.{suffix}",
                    f"{first.code} is not the {what}: check the sequencing.{suffix}",
                ),
                ZERO,
            )

    # --- procedures: CPT/HCPCS lines with modifiers and units ---
    def procedures(self) -> None:
        key_lines = self.case.key.procedures
        weight = self.w["procedure"]
        not_reportable = self._not_reportable(normalize_cpt)
        subs: list[_Sub] = []
        for index, entry in enumerate(self.submission.procedures):
            code = normalize_cpt(entry.code)
            if entry.problem:
                check = CodeCheck("procedure", entry.raw, code, "invalid", entry.problem)
            else:
                check = self.checker.check("procedure", code)
            subs.append(_Sub(index, code, check, entry))
        taken = self._pair_procedures(subs, key_lines, weight)
        self._unmatched_procedures(subs, not_reportable)
        for sub in subs:
            self._add_submitted("procedure", sub, key_lines, self._procedure_notes(sub, key_lines))
            if sub.key_index is not None and not key_lines[sub.key_index].optional:
                self._modifiers_and_units(key_lines[sub.key_index], sub)
        self._missing_procedures(key_lines, taken, weight)

    def _pair_procedures(self, subs: list[_Sub], key_lines: Sequence[KeyLine], weight: Fraction) -> dict[int, _Sub]:
        """Exact matches, best pairing first so that the order of the submission never matters:
        required lines first, then the pairs that get modifiers and units right. Returns the key
        lines taken, by index."""
        pairs = []
        for sub in subs:
            assert sub.entry is not None
            for j, line in enumerate(key_lines):
                if sub.code in line.codes:
                    quality = (self._mods(sub.entry) == set(line.modifiers)) + (sub.entry.units == line.units)
                    content = (sub.code, tuple(sorted(self._mods(sub.entry))), sub.entry.units, sub.entry.raw)
                    pairs.append(((line.optional, -quality, j, content), sub, j))
        pairs.sort(key=lambda p: p[0])
        taken: dict[int, _Sub] = {}
        for _, sub, j in pairs:
            if sub.verdict or j in taken:
                continue
            taken[j] = sub
            _mark_exact(sub, key_lines[j], j, weight)
        return taken

    def _unmatched_procedures(self, subs: list[_Sub], not_reportable: dict[str, str]) -> None:
        """Procedures without an exact match: not reportable for the case, invalid, listed twice
        (same code and modifiers as one already graded) or extra."""
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for sub in sorted(subs, key=lambda s: (s.verdict == "", s.index)):
            assert sub.entry is not None
            signature = (sub.code, tuple(sorted(self._mods(sub.entry))))
            if sub.verdict:
                seen.add(signature)
                continue
            if sub.code in not_reportable:
                self._penalise(
                    sub,
                    "not_reportable",
                    not_reportable[sub.code] or f"{sub.code} is not reported for this case.",
                )
            elif not sub.entry.problem and (misplaced := wrong_system("procedure", sub.code, self.case.setting)):
                self._penalise(sub, "wrong_system", misplaced)
            elif sub.check.status != "reportable":
                self._penalise(sub, "invalid", sub.check.message)
            elif signature in seen:
                self._penalise(
                    sub,
                    "extra",
                    f"{sub.entry.raw} is listed twice; report it once (with units if it was done more than once).",
                )
            else:
                self._penalise(
                    sub, "extra", f"{sub.code} is a valid code, but this case does not support reporting it."
                )
            seen.add(signature)

    def _procedure_notes(self, sub: _Sub, key_lines: Sequence[KeyLine]) -> list[str]:
        """Notes on a submitted procedure: implausible units, modifiers that are not valid, units
        on a line scored on the code alone."""
        assert sub.entry is not None
        notes = []
        if sub.entry.units_problem:
            notes.append(sub.entry.units_problem + ".")
        for modifier in sub.entry.modifiers:
            check = self.checker.check("modifier", modifier)
            if not check.reportable:
                notes.append(check.message)
        if sub.key_index is not None:
            line = key_lines[sub.key_index]
            if line.units == 1 and sub.entry.units != 1:
                notes.append(f"{sub.entry.units} units were reported; this line is scored on the code alone.")
        return notes

    def _missing_procedures(self, key_lines: Sequence[KeyLine], taken: dict[int, _Sub], weight: Fraction) -> None:
        """Every required procedure line counts towards the possible points; a ``missing`` line
        (and missing modifiers and units) for each one that nothing matched."""
        for j, line in enumerate(key_lines):
            if line.optional:
                continue
            self.out.possible += weight
            if j in taken:
                continue
            self.out.add(
                GradeLine(
                    "procedure",
                    None,
                    line.code,
                    "missing",
                    0.0,
                    f"Missing procedure: {line.code}"
                    + (f"-{'-'.join(line.modifiers)}" if line.modifiers else "")
                    + (f" x{line.units}" if line.units != 1 else "")
                    + _procedure_description(self.checker, line.code)
                    + ".",
                    "A required procedure (CPT or HCPCS Level II) is missing.",
                ),
                ZERO,
            )
            self._modifiers_and_units(line, None)

    def _named(self, modifiers: Sequence[str]) -> str:
        """ "RT (Right side), 59 (Distinct procedural service)": each with its meaning from the
        project's modifier list where it has one."""
        named = []
        for m in modifiers:
            meaning = self.checker.check("modifier", m).description
            named.append(f"{m} ({meaning})" if meaning else m)
        return ", ".join(named)

    def _modifier_difference(self, submitted: Sequence[str], expected: Sequence[str]) -> str:
        """Which modifiers are missing and which are extra, each with its meaning."""
        missing = [m for m in expected if m not in submitted]
        extra = [m for m in submitted if m not in expected]
        parts = []
        if missing:
            parts.append(f"missing: {self._named(missing)}")
        if extra:
            parts.append(f"not supported here: {self._named(extra)}")
        said = "; ".join(parts)
        return f" {said[:1].upper()}{said[1:]}." if said else ""

    @staticmethod
    def _mods(entry: ProcedureEntry) -> set[str]:
        return {normalize_modifier(m) for m in entry.modifiers if normalize_modifier(m)}

    def _modifiers_and_units(self, line: KeyLine, sub: _Sub | None) -> None:
        entry = sub.entry if sub is not None else None
        submitted_mods = [normalize_modifier(m) for m in entry.modifiers] if entry else []
        expected = "-".join(line.modifiers)
        if line.modifiers or submitted_mods:
            weight = self.w["modifiers"]
            self.out.possible += weight
            if sub is None or entry is None:
                self.out.add(
                    GradeLine(
                        "modifiers",
                        None,
                        expected,
                        "missing",
                        0.0,
                        f"Modifiers of {line.code}: {expected} (the procedure was not reported).",
                        "The modifiers of a missing procedure cannot score.",
                    ),
                    ZERO,
                )
            elif set(submitted_mods) == set(line.modifiers):
                self.out.add(
                    GradeLine(
                        "modifiers",
                        "-".join(submitted_mods),
                        expected,
                        "correct",
                        float(weight),
                        f"Modifiers {'-'.join(submitted_mods)} on {sub.code} are correct.",
                        f"Modifiers {'-'.join(submitted_mods)} on {sub.code} are correct.",
                    ),
                    weight,
                )
            elif not submitted_mods:
                self.out.add(
                    GradeLine(
                        "modifiers",
                        "",
                        expected,
                        "missing",
                        0.0,
                        f"{sub.code} needs modifier {self._named(line.modifiers)}.",
                        f"{sub.code} needs a modifier.",
                    ),
                    ZERO,
                )
            else:
                wanted = expected or "no modifier"
                self.out.add(
                    GradeLine(
                        "modifiers",
                        "-".join(submitted_mods),
                        expected,
                        "wrong",
                        0.0,
                        f"{sub.code}: modifiers {'-'.join(submitted_mods)} were reported; the key has {wanted}."
                        + self._modifier_difference(submitted_mods, line.modifiers),
                        f"{sub.code}: the modifiers {'-'.join(submitted_mods)} are not right for this case.",
                    ),
                    ZERO,
                )
        if line.units != 1:
            weight = self.w["units"]
            self.out.possible += weight
            if sub is None or entry is None:
                self.out.add(
                    GradeLine(
                        "units",
                        None,
                        str(line.units),
                        "missing",
                        0.0,
                        f"{line.code} x{line.units}: the procedure was not reported.",
                        "The units of a missing procedure cannot score.",
                    ),
                    ZERO,
                )
            elif entry.units == line.units:
                self.out.add(
                    GradeLine(
                        "units",
                        str(entry.units),
                        str(line.units),
                        "correct",
                        float(weight),
                        f"{entry.units} units of {sub.code} is correct.",
                        f"{entry.units} units of {sub.code} is correct.",
                    ),
                    weight,
                )
            else:
                self.out.add(
                    GradeLine(
                        "units",
                        str(entry.units),
                        str(line.units),
                        "wrong",
                        0.0,
                        f"{sub.code}: {entry.units} unit(s) reported; the key has {line.units}."
                        + (" " + unit_basis(sub.code, sub.check.description or "")).rstrip(),
                        f"{sub.code}: the number of units is not right (write units as {sub.code}xN).",
                    ),
                    ZERO,
                )

    def report(self) -> GradeReport:
        self.ordered("diagnosis")
        self.procedures()
        self.ordered("pcs")
        out = self.out
        return GradeReport(
            case_id=self.case.id,
            score_pct=percent(out.earned, out.penalties, out.possible),
            earned=float(out.earned),
            penalties=float(out.penalties),
            possible=float(out.possible),
            lines=tuple(out.lines),
        )


def _procedure_description(checker: CodeChecker, code: str) -> str:
    system = classify_procedure_code(code)
    if system is None:
        return ""
    check = checker.check(system, code)
    return f" ({check.description})" if check.description else ""


def _mark_exact(sub: "_Sub", line: KeyLine, index: int, weight: Fraction) -> None:
    """A submitted code that matches key line `index` exactly (its code or an alternate)."""
    sub.key_index, sub.verdict = index, "correct"
    sub.points = ZERO if line.optional else weight
    detail = f": {sub.check.description}" if sub.check.description else ""
    if line.optional:
        sub.message = sub.during = f"{sub.code} is correct{detail}. It is optional in this case and scores no points."
    elif sub.code != line.code:
        sub.message = f"{sub.code} is accepted{detail} (the key lists {line.code}; {sub.code} is an accepted alternate)."
        sub.during = f"{sub.code} is accepted{detail}."
    else:
        sub.message = sub.during = f"{sub.code} is correct{detail}."


def _exact_matches(subs: list[_Sub], key_lines: Sequence[KeyLine], order: list[int], weight: Fraction) -> dict[int, _Sub]:
    """Pair each submitted code with the first free key line (required ones first) that lists
    it; returns the key lines taken, by index."""
    taken: dict[int, _Sub] = {}
    for sub in subs:
        for j in order:
            if j not in taken and sub.code in key_lines[j].codes:
                taken[j] = sub
                _mark_exact(sub, key_lines[j], j, weight)
                break
    return taken


def _mark_partial(kind: str, sub: _Sub, line: KeyLine, index: int, weight: Fraction) -> None:
    """A submitted code that partly matches key line `index` (same category, or same first four
    PCS characters): partial credit on a required line."""
    sub.key_index, sub.verdict = index, "partial"
    sub.points = ZERO if line.optional else weight
    if kind == "diagnosis":
        shared = f"is in the right category ({sub.code[:3]})"
    else:
        shared = "shares the first four characters (section, body system, root operation and body part)"
    credit = "" if line.optional else ": partial credit"
    sub.message = f"{sub.code} {shared} but the key has {line.code}{credit}."
    sub.during = f"{sub.code} {shared} but is not the most accurate code{credit}."


def grade_case(case: CaseItem, submission: Submission, checker: CodeChecker) -> GradeReport:
    """Grade a submission against the case's key (pure; never raises on any submission)."""
    return _CaseGrader(case, submission, checker).report()


__all__ = ["grade_case", "round_half_up", "weights_of"]
