"""Item analysis: Moodle's quiz statistics, computed with numpy on a score matrix. PURE: numpy only.

The input is a matrix of marks, one row per attempt and one column per item, with NaN where the
item was not served in that attempt (a served but unanswered item scores 0, not NaN). Notation
as in docs.moodle.org/dev/Quiz_statistics_calculations (and ../shared/guides/domain.md):

    x = the mark on one question, T = the attempt's total, r = T - x (the rest of the test),
    s = the number of attempts; variances and covariances divide by s - 1.

Per item (each over the attempts that were served the item, so s may differ between items):

- facility index F = mean(x) / max mark (0..1);
- standard deviation SD = sqrt(Var x) / max mark;
- discrimination index D = 100 * Cov(x, r) / sqrt(Var x * Var r);
- discriminative efficiency E = 100 * Cov(x, r) / Cov_max, Cov_max being Cov(x, r) after
  sorting x and r independently and pairing them (the largest covariance those marks allow).

Per test (over the attempts that have a mark in every column: a fixed form; for forms drawn
at random, pass one column per slot, which is what Moodle does with random questions):

- Cronbach's alpha CIC = 100 * p/(p - 1) * (1 - sum Var(x_i) / Var(T)), p = number of columns;
- error ratio ER = 100 * sqrt(1 - CIC/100);
- standard error SE = ER * SD / 100, SD being the standard deviation of the attempts' scores
  as a percentage of the maximum total (so SE is in percentage points, as Moodle shows it).

Anything that is undefined (fewer than two attempts, a variance of zero, CIC < 0 for nothing)
is None, never an exception or a NaN.

Flags for review (Moodle's docs call a discrimination index below 20 "very weak" and a negative
one a sign that the item is broken or its key wrong; we use these two bands):

- ``negative-discrimination``: D < 0;
- ``low-discrimination``: 0 <= D < 20 (LOW_DISCRIMINATION);
- ``too-hard``: F < 0.1; ``too-easy``: F > 0.9 (FACILITY_LOW, FACILITY_HIGH).

No flag is raised on fewer than a minimum number of attempts (``min_responses``; the site reads
ITEM_ANALYSIS_MIN_RESPONSES, 20 by default): a handful of attempts makes any item look broken.

Possible wrong key (``wrong_key_mcq``, ``wrong_key_case``): the answers of the strongest learners,
ranked by the rest of the test (r = T - x, as for the discrimination index, so the suspect item
itself cannot push the learners who answered it "wrongly" out of the group). The upper group is
the top 27% of the attempts that answered the item (Kelley's upper group), at least 10 of them,
and the upper half when there are fewer than 20: k = max(ceil(0.27 n), min(10, ceil(n / 2))).
Every attempt whose rest score ties the k-th best is in the group, so the group does not depend
on the order of the rows.

- MCQ: a distractor chosen by more of the upper group than the key (for a key of several
  letters, than the key letter they chose least often).
- Case: a required key line that more than half of the upper group contradicted: their grade
  report has no ``correct`` verdict on that line (they entered another code, a partial match, or
  left it out).

Neither signal is raised on fewer answers than the minimum.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

LOW_DISCRIMINATION = 20.0
FACILITY_LOW = 0.1
FACILITY_HIGH = 0.9
CIC_SATISFACTORY = 75.0
CIC_UNSATISFACTORY = 64.0
VARIANCE_EPS = 1e-12
MIN_RESPONSES = 20  # the default of ITEM_ANALYSIS_MIN_RESPONSES
UPPER_PERCENT = 27  # Kelley's upper group
UPPER_MIN = 10

FLAG_LABELS = {
    "negative-discrimination": "Negative discrimination: stronger learners do worse on it (check the key)",
    "low-discrimination": f"Very low discrimination (below {LOW_DISCRIMINATION:g})",
    "too-hard": f"Very hard (facility below {FACILITY_LOW:g})",
    "too-easy": f"Very easy (facility above {FACILITY_HIGH:g})",
}


@dataclass(frozen=True)
class ItemStats:
    attempts: int
    facility: float | None  # 0..1
    sd: float | None  # 0..1 of the max mark
    discrimination: float | None  # -100..100
    efficiency: float | None  # -100..100
    flags: tuple[str, ...] = field(default=())
    enough: bool = True  # attempts >= the minimum: flags are raised (else "not enough responses yet")


@dataclass(frozen=True)
class QuizStats:
    attempts: int  # complete attempts used
    items: int
    mean_percent: float | None
    sd_percent: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None

    @property
    def reliability(self) -> str | None:
        """Moodle's reading of CIC: above 75 satisfactory, below 64 unsatisfactory."""
        if self.cic is None:
            return None
        if self.cic > CIC_SATISFACTORY:
            return "satisfactory"
        if self.cic < CIC_UNSATISFACTORY:
            return "unsatisfactory"
        return "borderline"


def _as_matrix(scores) -> np.ndarray:
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("scores must be a 2-D matrix: attempts x items")
    return matrix


def _clean(values: np.ndarray, ok: np.ndarray) -> list[float | None]:
    return [float(v) if k and np.isfinite(v) else None for v, k in zip(values.tolist(), ok.tolist(), strict=True)]


def enough_responses(count: int, min_responses: int) -> bool:
    """Whether `count` responses are enough to raise a flag (at least one, and the minimum)."""
    return count >= max(1, min_responses)


def flags_for(facility: float | None, discrimination: float | None, attempts: int | None = None, min_responses: int = 0) -> tuple[str, ...]:
    """The review flags of one item; none when `attempts` is given and below `min_responses`."""
    if attempts is not None and not enough_responses(attempts, min_responses):
        return ()
    flags = []
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative-discrimination")
        elif discrimination < LOW_DISCRIMINATION:
            flags.append("low-discrimination")
    if facility is not None:
        if facility < FACILITY_LOW:
            flags.append("too-hard")
        elif facility > FACILITY_HIGH:
            flags.append("too-easy")
    return tuple(flags)


def item_statistics(scores, max_marks=None, *, min_responses: int = 0) -> list[ItemStats]:
    """Per-column statistics of an attempts x items matrix (NaN = not served), vectorised; no flags
    on a column served to fewer than `min_responses` attempts."""
    X = _as_matrix(scores)
    _, p = X.shape
    maxm = np.ones(p) if max_marks is None else np.asarray(max_marks, dtype=float).reshape(p)
    served = ~np.isnan(X)
    X0 = np.where(served, X, 0.0)
    n = served.sum(axis=0).astype(float)
    T = X0.sum(axis=1)  # each attempt's total over the items it was served
    Tm = served * T[:, None]  # T where served, else 0
    R = np.where(served, Tm - X0, np.nan)  # rest of the test, NaN where not served

    with np.errstate(divide="ignore", invalid="ignore"):
        sx = X0.sum(axis=0)
        sr = Tm.sum(axis=0) - sx
        sxx = (X0 * X0).sum(axis=0)
        sxt = (X0 * Tm).sum(axis=0)
        stt = (Tm * Tm).sum(axis=0)
        sxr = sxt - sxx
        srr = stt - 2 * sxt + sxx
        mean_x = sx / n
        dof = n - 1
        # sums of squares can leave rounding dust (1e-17) where the true variance is 0
        var_x = (sxx - sx * mean_x) / dof
        var_x = np.where(var_x > VARIANCE_EPS, var_x, 0.0)
        var_r = (srr - sr * sr / n) / dof
        var_r = np.where(var_r > VARIANCE_EPS, var_r, 0.0)
        cov = (sxr - sx * sr / n) / dof
        # Cov_max: sort x and r independently (NaNs sort last, and both columns have the same
        # number of them), pair them, take the covariance
        xs = np.sort(np.where(served, X, np.nan), axis=0)
        rs = np.sort(R, axis=0)
        cov_max = (np.nansum(xs * rs, axis=0) - sx * sr / n) / dof

        facility = mean_x / maxm
        sd = np.sqrt(var_x) / maxm
        denom = np.sqrt(var_x * var_r)
        tiny = 1e-12
        discrimination = 100 * cov / denom
        efficiency = 100 * cov / cov_max

    has_one = n >= 1
    has_two = n >= 2
    facilities = _clean(facility, has_one)
    sds = _clean(sd, has_two)
    varies = has_two & (var_x > 0) & (var_r > 0)
    discs = _clean(discrimination, varies & (denom > tiny))
    effs = _clean(efficiency, varies & (cov_max > tiny))
    out = []
    for j, (disc, eff) in enumerate(zip(discs, effs, strict=True)):
        d = None if disc is None else float(np.clip(disc, -100.0, 100.0))
        e = None if eff is None else float(np.clip(eff, -100.0, 100.0))
        count = int(n[j])
        flags = flags_for(facilities[j], d, count, min_responses)
        out.append(ItemStats(count, facilities[j], sds[j], d, e, flags, enough_responses(count, min_responses)))
    return out


def quiz_statistics(scores, max_marks=None) -> QuizStats:
    """Cronbach's alpha, error ratio and standard error over the complete rows of the matrix."""
    X = _as_matrix(scores)
    complete = X[~np.isnan(X).any(axis=1)] if X.size else X
    s, p = complete.shape
    maxm = np.ones(p) if max_marks is None else np.asarray(max_marks, dtype=float).reshape(p)
    max_total = float(maxm.sum())
    if s == 0 or p == 0 or max_total <= 0:
        return QuizStats(s, p, None, None, None, None, None)
    totals = complete.sum(axis=1)
    mean_percent = float(100 * totals.mean() / max_total)
    if s < 2:
        return QuizStats(s, p, mean_percent, None, None, None, None)
    var_t = float(totals.var(ddof=1))
    sd_percent = float(100 * np.sqrt(var_t) / max_total)
    if p < 2 or var_t <= VARIANCE_EPS:
        return QuizStats(s, p, mean_percent, sd_percent, None, None, None)
    sum_var = float(complete.var(axis=0, ddof=1).sum())
    cic = 100 * p / (p - 1) * (1 - sum_var / var_t)
    error_ratio = 100 * float(np.sqrt(1 - cic / 100)) if cic <= 100 else None
    standard_error = error_ratio * sd_percent / 100 if error_ratio is not None else None
    return QuizStats(s, p, mean_percent, sd_percent, float(cic), error_ratio, standard_error)


# ------------------------------------------------------------------ possible wrong key
@dataclass(frozen=True)
class WrongKey:
    """A possible wrong key: `suspect` (a distractor's letter, or a key line's code) against the key.

    MCQ: `suspect_count` of the `upper` learners chose the distractor, `key_count` chose the key.
    Case: `suspect_count` of the `upper` learners contradicted the key line `suspect`, `key_count`
    agreed with it (and `key` is the line's kind)."""

    kind: str  # distractor | key-line
    suspect: str
    suspect_count: int
    key: str
    key_count: int
    upper: int

    @property
    def message(self) -> str:
        if self.kind == "distractor":
            return (
                f"Possible wrong key: {self.suspect_count} of the {self.upper} strongest learners chose {self.suspect}, "
                f"{self.key_count} chose the key {self.key}."
            )
        return (
            f"Possible wrong key: {self.suspect_count} of the {self.upper} strongest learners did not enter the "
            f"{self.key} key line {self.suspect} (only {self.key_count} did)."
        )


def upper_group_size(n: int) -> int:
    """k = max(ceil(0.27 n), min(10, ceil(n / 2))): Kelley's 27%, at least 10, the upper half below 20."""
    if n <= 0:
        return 0
    return max(-(-UPPER_PERCENT * n // 100), min(UPPER_MIN, -(-n // 2)))  # integer ceilings: no float dust


def upper_group(rest_scores: Sequence[float]) -> list[bool]:
    """Which attempts are in the upper group: rest score at least the k-th best (ties are all in)."""
    scores = np.asarray(rest_scores, dtype=float).reshape(-1)
    k = upper_group_size(len(scores))
    if k == 0:
        return []
    cut = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th best
    return (scores >= cut - VARIANCE_EPS).tolist()


def mcq_suspects(upper_choices: Sequence[Collection[str]], key: Collection[str]) -> list[WrongKey]:
    """The distractors the upper group (the letters each of them chose) chose more often than the
    key (for a key of several letters, than its least chosen letter), strongest suspect first."""
    if not key:
        return []
    counts: dict[str, int] = {}
    for chosen in upper_choices:
        for letter in set(chosen):
            counts[letter] = counts.get(letter, 0) + 1
    key_letter = min(sorted(key), key=lambda letter: counts.get(letter, 0))
    key_count = counts.get(key_letter, 0)
    suspects = [
        WrongKey("distractor", letter, count, "/".join(sorted(key)), key_count, len(upper_choices))
        for letter, count in sorted(counts.items())
        if letter not in key and count > key_count
    ]
    return sorted(suspects, key=lambda w: -w.suspect_count)


def case_suspects(upper_agreed: Sequence[Collection[tuple[str, str]]], key_lines: Iterable[tuple[str, str]]) -> list[WrongKey]:
    """The key lines (kind, code) more than half of the upper group (the key lines each of them
    got right) contradicted."""
    out = []
    for kind, code in key_lines:
        agree = sum((kind, code) in a for a in upper_agreed)
        against = len(upper_agreed) - agree
        if 2 * against > len(upper_agreed):
            out.append(WrongKey("key-line", code, against, kind, agree, len(upper_agreed)))
    return out


def wrong_key_mcq(
    choices: Sequence[Collection[str]], rest_scores: Sequence[float], key: Collection[str], *, min_responses: int = 0
) -> list[WrongKey]:
    """The distractors the upper group chose more often than the key (`choices`: the letters each
    answering attempt selected; `rest_scores`: its rest of the test), strongest suspect first."""
    if len(choices) != len(rest_scores):
        raise ValueError("one rest score per answer")
    if not key or not enough_responses(len(choices), min_responses):
        return []
    return mcq_suspects([c for c, up in zip(choices, upper_group(rest_scores), strict=True) if up], key)


def wrong_key_case(
    agreed: Sequence[Collection[tuple[str, str]]],
    rest_scores: Sequence[float],
    key_lines: Iterable[tuple[str, str]],
    *,
    min_responses: int = 0,
) -> list[WrongKey]:
    """The required key lines (kind, code) that more than half of the upper group contradicted
    (`agreed`: the key lines each answering attempt's report marks ``correct``)."""
    if len(agreed) != len(rest_scores):
        raise ValueError("one rest score per answer")
    if not enough_responses(len(agreed), min_responses):
        return []
    return case_suspects([a for a, up in zip(agreed, upper_group(rest_scores), strict=True) if up], key_lines)


def item_statistics_loop(
    rows: list[list[float | None]],
) -> list[tuple[float | None, float | None, float | None, float | None]]:
    """The same per-item formulas as plain Python loops (no numpy): the benchmark's baseline and
    a cross-check in the tests. Returns (facility, sd, discrimination, efficiency) per column."""
    if not rows:
        return []
    p = len(rows[0])
    totals = [sum(v for v in row if v is not None) for row in rows]
    out: list[tuple[float | None, float | None, float | None, float | None]] = []
    for j in range(p):
        xs, rs = [], []
        for row, total in zip(rows, totals, strict=True):
            v = row[j]
            if v is not None:
                xs.append(v)
                rs.append(total - v)
        n = len(xs)
        if n < 2:
            out.append((sum(xs) / n if n else None, None, None, None))
            continue
        mx, mr = sum(xs) / n, sum(rs) / n
        vx = sum((a - mx) ** 2 for a in xs) / (n - 1)
        vr = sum((b - mr) ** 2 for b in rs) / (n - 1)
        cov = sum((a - mx) * (b - mr) for a, b in zip(xs, rs, strict=True)) / (n - 1)
        cmax = sum((a - mx) * (b - mr) for a, b in zip(sorted(xs), sorted(rs), strict=True)) / (n - 1)
        disc = 100 * cov / (vx * vr) ** 0.5 if vx * vr > 1e-12 else None
        eff = 100 * cov / cmax if cmax > 1e-12 else None
        out.append((mx, vx**0.5, disc, eff))
    return out
