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
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LOW_DISCRIMINATION = 20.0
FACILITY_LOW = 0.1
FACILITY_HIGH = 0.9
CIC_SATISFACTORY = 75.0
CIC_UNSATISFACTORY = 64.0
VARIANCE_EPS = 1e-12

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


def flags_for(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
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


def item_statistics(scores, max_marks=None) -> list[ItemStats]:
    """Per-column statistics of an attempts x items matrix (NaN = not served), vectorised."""
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
        out.append(ItemStats(int(n[j]), facilities[j], sds[j], d, e, flags_for(facilities[j], d)))
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
