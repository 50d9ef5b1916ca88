"""MS-DRG feedback on inpatient cases, pure: the claim a case key or a learner's codes make, the
grouper's answer in a compact stored form, and why two groupings differ, in plain words.

The grouper itself runs behind ``study.codes.msdrg_adapter`` (native code, imported lazily);
this module never imports it, nor Flask nor the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from study.bank.model import CaseItem, Patient

#: The one grouper version: MS-DRG v43.0, FY 2026, effective 2025-10-01 (msdrg's ``version`` 430;
#: msdrg picks its version from this argument, not from a discharge date).
GROUPER_VERSION = 430
GROUPER_LABEL = "MS-DRG v43.0 (FY 2026)"
WEIGHTS_FILE = Path(__file__).with_name("data") / "msdrg_fy2026_weights.tsv"
#: Present on admission: every diagnosis is assumed POA "Y" (the cases document conditions present
#: on admission; a hospital-acquired condition would need a POA field in the bank format).
POA = "Y"
SEVERITIES = ("MCC", "CC")


def grouper_code(code: str) -> str:
    """A code as the grouper takes it: upper case, no dot."""
    return code.replace(".", "").strip().upper()


def dotted(code: str) -> str:
    """An ICD-10-CM code with its dot (J9601 -> J96.01); other codes unchanged."""
    code = grouper_code(code)
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 and code[:1].isalpha() else code


@dataclass(frozen=True)
class Claim:
    """What the grouper is asked: the patient and the codes (principal first), grouper form."""

    patient: Patient
    pdx: str
    sdx: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Weight:
    drg: int
    title: str
    weight: float
    gmlos: float | None
    amlos: float | None


@lru_cache(maxsize=1)
def weights(path: str = str(WEIGHTS_FILE)) -> Mapping[int, Weight]:
    """The FY 2026 relative weights (CMS Table 5, derived by scripts/derive_drg_weights.py)."""
    table: dict[int, Weight] = {}
    header: list[str] | None = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=False))

        def number(name: str, row: dict[str, str] = row) -> float | None:
            try:
                return float(row[name])
            except (KeyError, ValueError):
                return None

        table[int(row["drg"])] = Weight(int(row["drg"]), row["title"], number("weight") or 0.0, number("gmlos"), number("amlos"))
    return table


@dataclass(frozen=True)
class SeverityCode:
    """A secondary diagnosis that is a CC or an MCC, and whether it set the DRG's severity here."""

    code: str  # dotted
    level: str  # "MCC" | "CC"
    counted: bool = True  # False: excluded with this principal diagnosis, or the DRG has no split
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "level": self.level, "counted": self.counted, "title": self.title}


@dataclass(frozen=True)
class Grouping:
    """One grouper result, compact: what the page and the comparison need (stored as JSON)."""

    drg: int
    title: str
    mdc: int | None
    mdc_title: str
    severity: str  # "MCC" | "CC" | "NONE"
    pdx: str  # dotted
    pdx_title: str = ""
    severity_codes: tuple[SeverityCode, ...] = ()
    or_procedures: tuple[str, ...] = ()  # procedures that moved the DRG (O.R. or DRG-affecting)
    procedures: tuple[str, ...] = ()
    weight: float | None = None
    surgical: bool = False
    return_code: str = "OK"
    left_out: tuple[str, ...] = ()  # codes not grouped (invalid), as typed
    version: int = GROUPER_VERSION
    diagnoses: tuple[str, ...] = ()  # every grouped diagnosis, dotted, principal first

    @property
    def counted(self) -> tuple[SeverityCode, ...]:
        return tuple(s for s in self.severity_codes if s.counted)

    @property
    def label(self) -> str:
        return f"{self.drg:03d} {self.title}"

    def to_json(self) -> dict[str, Any]:
        return {
            "drg": self.drg,
            "title": self.title,
            "mdc": self.mdc,
            "mdc_title": self.mdc_title,
            "severity": self.severity,
            "pdx": self.pdx,
            "pdx_title": self.pdx_title,
            "severity_codes": [s.to_json() for s in self.severity_codes],
            "or_procedures": list(self.or_procedures),
            "procedures": list(self.procedures),
            "weight": self.weight,
            "surgical": self.surgical,
            "return_code": self.return_code,
            "left_out": list(self.left_out),
            "version": self.version,
            "diagnoses": list(self.diagnoses),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Grouping:
        return cls(
            drg=int(data["drg"]),
            title=str(data.get("title", "")),
            mdc=data.get("mdc"),
            mdc_title=str(data.get("mdc_title", "")),
            severity=str(data.get("severity", "NONE")),
            pdx=str(data.get("pdx", "")),
            pdx_title=str(data.get("pdx_title", "")),
            severity_codes=tuple(
                SeverityCode(str(s["code"]), str(s["level"]), bool(s.get("counted", True)), str(s.get("title", "")))
                for s in data.get("severity_codes", [])
            ),
            or_procedures=tuple(data.get("or_procedures", [])),
            procedures=tuple(data.get("procedures", [])),
            weight=data.get("weight"),
            surgical=bool(data.get("surgical", False)),
            return_code=str(data.get("return_code", "OK")),
            left_out=tuple(data.get("left_out", [])),
            version=int(data.get("version", GROUPER_VERSION)),
            diagnoses=tuple(data.get("diagnoses", [])),
        )


def grouping_from_result(result: Mapping[str, Any], describe: Callable[[str], str] | None = None) -> Grouping:
    """A Grouping from msdrg's result dict (``MsdrgGrouper.group``), with the FY 2026 weight."""
    describe = describe or (lambda code: "")
    drg = int(result.get("final_drg") or 0)
    weight = weights().get(drg)
    severity_codes = []
    for sdx in result.get("sdx_output") or []:
        level = str(sdx.get("severity") or "NONE")
        if level in SEVERITIES:
            code = dotted(str(sdx.get("code")))
            counted = str(sdx.get("drg_impact") or "NONE") != "NONE"
            severity_codes.append(SeverityCode(code, level, counted, describe(code)))
    severity_codes.sort(key=lambda s: (not s.counted, SEVERITIES.index(s.level), s.code))
    procs = result.get("proc_output") or []
    pdx = dotted(str((result.get("pdx_output") or {}).get("code") or ""))
    return Grouping(
        drg=drg,
        title=str(result.get("final_drg_description") or "") or (weight.title if weight else ""),
        mdc=result.get("final_mdc"),
        mdc_title=str(result.get("final_mdc_description") or ""),
        severity=str(result.get("final_severity") or "NONE"),
        pdx=pdx,
        pdx_title=describe(pdx) if pdx else "",
        severity_codes=tuple(severity_codes),
        or_procedures=tuple(str(p["code"]) for p in procs if p.get("is_or") or str(p.get("drg_impact") or "NONE") != "NONE"),
        procedures=tuple(str(p["code"]) for p in procs),
        weight=weight.weight if weight else None,
        surgical=any(p.get("is_or") for p in procs),
        return_code=str(result.get("return_code") or "OK"),
        diagnoses=(pdx, *(dotted(str(d.get("code"))) for d in result.get("sdx_output") or [])) if pdx else (),
    )


# --- the claims -------------------------------------------------------------------------------


def key_claim(case: CaseItem) -> Claim | None:
    """The key's claim: every scored (not optional) line's first code, in key order (the first
    diagnosis is the principal one, the first PCS line the principal procedure). None for a case
    without patient facts or diagnoses."""
    dx = [grouper_code(k.code) for k in case.key.diagnoses if not k.optional]
    pcs = [grouper_code(k.code) for k in case.key.pcs if not k.optional]
    if case.patient is None or not dx:
        return None
    return Claim(case.patient, dx[0], tuple(dx[1:]), tuple(pcs))


def answer_claim(case: CaseItem, answer: Mapping[str, Sequence[str]], invalid: set[str]) -> tuple[Claim | None, tuple[str, ...]]:
    """The learner's claim from their code lists (their first diagnosis is their principal one),
    leaving out the codes in ``invalid`` (grouper form: not valid codes, or of another code set);
    returns (claim or None when no valid diagnosis is left, the codes left out)."""
    left_out: list[str] = []

    def keep(codes: Sequence[str]) -> list[str]:
        kept = []
        for code in codes:
            if grouper_code(code) in invalid:
                left_out.append(code)
            elif grouper_code(code) not in kept:
                kept.append(grouper_code(code))
        return kept

    dx, pcs = keep(answer.get("diagnoses", [])), keep(answer.get("pcs", []))
    left_out.extend(answer.get("procedures", []))  # CPT/HCPCS lines are not part of an inpatient claim
    if case.patient is None or not dx:
        return None, tuple(left_out)
    return Claim(case.patient, dx[0], tuple(dx[1:]), tuple(pcs)), tuple(left_out)


# --- why two groupings differ -----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    key: Grouping
    yours: Grouping | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def same(self) -> bool:
        return self.yours is not None and self.yours.drg == self.key.drg


def _named(code: str, title: str) -> str:
    return f"{code} {title}" if title else code


def _severity_word(level: str) -> str:
    return {"MCC": "an MCC (major complication or comorbidity)", "CC": "a CC (complication or comorbidity)"}.get(level, level)


def _weights_line(key: Grouping, yours: Grouping) -> str | None:
    if key.weight is None or yours.weight is None:
        return None
    return f"Relative weight {yours.weight:.4f} (yours) vs {key.weight:.4f} (the key's)."


def compare(key: Grouping, yours: Grouping | None) -> Comparison:
    """Why the learner's grouping differs from the key's, most important first: the principal
    diagnosis (MDC), the principal and other O.R. procedures, then the CCs and MCCs that set the
    severity; invalid codes left out are said too."""
    if yours is None:
        return Comparison(key, None, ("Your codes cannot be grouped: there is no valid principal diagnosis.",))
    reasons: list[str] = []
    if yours.left_out:
        reasons.append(f"Left out of grouping (not valid ICD-10-CM or ICD-10-PCS codes for this case): {', '.join(yours.left_out)}.")
    if yours.drg == key.drg:
        if yours.severity_codes != key.severity_codes:
            reasons.append("Your CCs and MCCs differ from the key's, but not in a way that changes the MS-DRG.")
        return Comparison(key, yours, tuple(reasons))
    reasons.extend(_principal_reasons(key, yours))
    reasons.extend(_procedure_reasons(key, yours))
    reasons.extend(_severity_reasons(key, yours))
    if not any(r for r in reasons if not r.startswith("Left out")):
        reasons.append(f"Your codes group to {yours.label} instead of the key's {key.label}.")
    line = _weights_line(key, yours)
    if line:
        reasons.append(line)
    return Comparison(key, yours, tuple(reasons))


def _principal_reasons(key: Grouping, yours: Grouping) -> list[str]:
    if yours.pdx == key.pdx:
        return []
    where = (
        f"moves the case to MDC {yours.mdc} ({yours.mdc_title}), MS-DRG {yours.label}"
        if yours.mdc != key.mdc
        else f"keeps MDC {yours.mdc} but groups to MS-DRG {yours.label}"
    )
    return [
        f"Your principal diagnosis {_named(yours.pdx, yours.pdx_title)} {where}; the key's principal diagnosis is "
        f"{_named(key.pdx, key.pdx_title)} (MDC {key.mdc}, MS-DRG {key.label})."
    ]


def _procedure_reasons(key: Grouping, yours: Grouping) -> list[str]:
    reasons = []
    missing = [p for p in key.or_procedures if p not in yours.procedures]
    for i, code in enumerate(missing):
        which = "principal procedure" if key.procedures[:1] == (code,) and i == 0 else "procedure"
        reasons.append(
            f"The key's {which} {code} is missing from your codes; it is what groups the case to "
            f"{'a surgical' if key.surgical else 'this'} MS-DRG ({key.label})."
        )
    for code in yours.or_procedures:
        if code not in key.procedures:
            reasons.append(f"Your procedure {code}, which the key does not have, groups the case to MS-DRG {yours.label}.")
    return reasons


def _severity_reasons(key: Grouping, yours: Grouping) -> list[str]:
    reasons = []
    your_codes = set(yours.diagnoses) or {s.code for s in yours.severity_codes}
    key_codes = set(key.diagnoses) or {s.code for s in key.severity_codes}
    your_counted = {s.code for s in yours.counted}
    for s in key.counted:
        if s.code not in your_codes:
            reasons.append(f"{_named(s.code, s.title)}, {_severity_word(s.level)}, is missing from your codes.")
        elif s.code not in your_counted and s.code != yours.pdx:
            reasons.append(
                f"{_named(s.code, s.title)} is in your codes but does not count as {_severity_word(s.level)} "
                "with your principal diagnosis (a CC exclusion, or your MS-DRG has no severity levels)."
            )
    for s in yours.counted:
        if s.code not in key_codes:
            reasons.append(f"{_named(s.code, s.title)}, {_severity_word(s.level)} you reported, is not in the key.")
    if not reasons and yours.severity != key.severity:
        reasons.append(
            f"Your codes set the severity to {yours.severity.replace('NONE', 'no CC/MCC')}; "
            f"the key's to {key.severity.replace('NONE', 'no CC/MCC')}."
        )
    return reasons
