"""Normalisation of typed codes and parsing of a learner's text submission.

Every function here accepts any string and never raises: a piece that cannot be a code is kept
(upper-cased) so that the checker or the grader can say what is wrong with it.

Submission text format (see the bank format, "Submissions"):

- diagnoses: ``E11.22, N18.31`` (commas, semicolons or whitespace; any case; the dot is
  optional: ``e1122`` means ``E11.22``);
- procedures: ``CODE[-MOD[-MOD...]][xUNITS]``, e.g. ``99214-25, 20610-RT, J1100x4, 64483-50``;
  spaces around ``-`` and ``x`` are tolerated (``J1100 x 4``, ``20610 - RT``);
- pcs: ``0SRC0J9``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from study.codes.types import ProcedureEntry, Submission

#: Units above this are kept but flagged as absurd.
MAX_UNITS = 999

_ICD10CM_RE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?", re.ASCII)
_CPT_RE = re.compile(r"[0-9]{5}|[0-9]{4}[FT]", re.ASCII)
_HCPCS_RE = re.compile(r"[A-V][0-9]{4}", re.ASCII)
#: ICD-10-PCS: 7 characters, digits and letters without I and O.
PCS_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PCS_RE = re.compile(r"[0-9A-HJ-NP-Z]{7}", re.ASCII)
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}", re.ASCII)

_SPLIT_RE = re.compile(r"[\s,;]+")
_WS_RE = re.compile(r"\s+")


def _clean(raw: object) -> str:
    """NFKC (full-width digits become ASCII), strip, upper case, no inner whitespace."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    text = unicodedata.normalize("NFKC", text)
    return _WS_RE.sub("", text).upper()


def normalize_icd10cm(raw: object) -> str:
    """``" e11.22 "`` -> ``"E11.22"``; ``"e1122"`` -> ``"E11.22"``; ``"s72.21xa"`` -> ``"S72.21XA"``.

    A missing dot is inserted after the third character; a trailing dot is dropped (``E11.`` ->
    ``E11``). A dot in any other place is left alone, so ``E112.2`` stays invalid rather than
    being "repaired" into a different code.
    """
    code = _clean(raw)
    if code.endswith(".") and code.count(".") == 1 and len(code) == 4:
        code = code[:3]
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code


def icd10cm_without_dot(code: str) -> str:
    """``E11.22`` -> ``E1122``."""
    return code.replace(".", "")


def icd10cm_with_dot(code: str) -> str:
    """``E1122`` -> ``E11.22`` (only the position of the dot; no other normalization)."""
    bare = code.replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def looks_like_icd10cm(raw: object) -> bool:
    """True when the text has the shape of an ICD-10-CM code (it may still not exist)."""
    return _ICD10CM_RE.fullmatch(normalize_icd10cm(raw)) is not None


def normalize_cpt(raw: object) -> str:
    """Strip, upper case, no whitespace: ``" 0075t "`` -> ``"0075T"``."""
    return _clean(raw)


def normalize_hcpcs(raw: object) -> str:
    """Strip, upper case, no whitespace: ``"j 1100"`` -> ``"J1100"``."""
    return _clean(raw)


def normalize_pcs(raw: object) -> str:
    """Strip, upper case, no whitespace: ``"0src0j9"`` -> ``"0SRC0J9"``."""
    return _clean(raw)


def normalize_modifier(raw: object) -> str:
    """Strip, upper case, no leading dash: ``"-rt"`` -> ``"RT"``."""
    return _clean(raw).lstrip("-")


def is_cpt_shape(code: str) -> bool:
    """5 digits, or 4 digits followed by F (Category II) or T (Category III)."""
    return _CPT_RE.fullmatch(code) is not None


def is_hcpcs_shape(code: str) -> bool:
    """HCPCS Level II: a letter A-V and four digits."""
    return _HCPCS_RE.fullmatch(code) is not None


def is_pcs_shape(code: str) -> bool:
    """Seven characters from the ICD-10-PCS alphabet (digits and letters except I and O)."""
    return _PCS_RE.fullmatch(code) is not None


def is_modifier_shape(code: str) -> bool:
    """Two letters or digits."""
    return _MODIFIER_RE.fullmatch(code) is not None


def classify_procedure_code(code: object) -> str | None:
    """``"cpt"`` for a CPT shape, ``"hcpcs"`` for HCPCS Level II, None otherwise."""
    norm = normalize_cpt(code)
    if is_cpt_shape(norm):
        return "cpt"
    if is_hcpcs_shape(norm):
        return "hcpcs"
    return None


# --- submissions -------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return [t for t in _SPLIT_RE.split(text) if t]


def _prepare_procedure_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    text = text.replace("\u00d7", "X").replace("*", "X")  # 'J1100 × 4', 'J1100*4'
    text = re.sub(r"\s*-\s*", "-", text)  # '20610 - RT'
    # 'J1100 x 4' / 'J1100 x4': an X followed by digits belongs to the previous token
    text = re.sub(r"(?<=[0-9A-Z])\s+X\s*(?=[0-9])", "X", text)
    text = re.sub(r"(?<=[0-9A-Z])X\s+(?=[0-9])", "X", text)
    return text


_UNITS_RE = re.compile(r"(.+?)X([0-9]+)", re.ASCII)


def _split_units(part: str) -> tuple[str, str | None]:
    match = _UNITS_RE.fullmatch(part)
    if match is None:
        return part, None
    return match.group(1), match.group(2)


def parse_procedure(token: str) -> ProcedureEntry:
    """Parse one ``CODE[-MOD...][xUNITS]`` piece (already upper-case, no spaces)."""
    raw = token
    problem: str | None = None
    parts = token.split("-")
    bare_units = re.fullmatch(r"X([0-9]+)", parts[0], re.ASCII)
    if bare_units:  # 'x4' on its own: units without a code
        code, units_text = "", bare_units.group(1)
    else:
        code, units_text = _split_units(parts[0])
    modifiers: list[str] = []
    for index, part in enumerate(parts[1:], start=1):
        if index == len(parts) - 1:
            part, last_units = _split_units(part)
            if last_units is not None:
                if units_text is not None:
                    problem = f"{raw}: units are written twice"
                units_text = last_units
        if part:
            modifiers.append(part)
    if not code:
        problem = problem or f"{raw}: a modifier or units without a procedure code"
    units = 1
    units_problem: str | None = None
    if units_text is not None:
        digits = units_text.lstrip("0") or "0"
        units = int(digits) if len(digits) <= 6 else 10**6
        if units == 0:
            units_problem = f"x{units_text} is not a number of units: units start at 1"
        elif units > MAX_UNITS:
            units_problem = f"x{units_text} is not a plausible number of units"
    return ProcedureEntry(
        raw=raw,
        code=code,
        modifiers=tuple(modifiers),
        units=units,
        units_written=units_text is not None,
        problem=problem,
        units_problem=units_problem,
    )


def parse_diagnoses(text: object) -> tuple[str, ...]:
    """``"e1122, N18.31"`` -> ``("E11.22", "N18.31")``."""
    if not text:
        return ()
    clean = unicodedata.normalize("NFKC", text if isinstance(text, str) else str(text))
    return tuple(code for code in (normalize_icd10cm(t) for t in _tokens(clean)) if code)


def parse_procedures(text: object) -> tuple[ProcedureEntry, ...]:
    """``"99214-25, J1100x4"`` -> two ``ProcedureEntry`` values."""
    if not text:
        return ()
    prepared = _prepare_procedure_text(text if isinstance(text, str) else str(text))
    return tuple(parse_procedure(t) for t in _tokens(prepared))


def format_procedure(code: str, modifiers: str = "", units: str = "") -> str:
    """One row of the procedure entry form as text in the format ``parse_procedure`` reads,
    ``CODE[-MOD...][xUNITS]``: ``("20610", "rt, 59", "2")`` -> ``"20610-rt-59x2"``. Modifiers as
    typed (separated by spaces, commas or dashes); units of 1 are left out, as they are assumed."""
    text = code.strip() + "".join(f"-{m}" for m in modifiers.replace(",", " ").replace("-", " ").split())
    units = units.strip()
    return f"{text}x{units}" if units and units != "1" else text


def procedure_fields(text: object) -> tuple[str, str, str]:
    """The entry form's row for one procedure's text, the inverse of ``format_procedure``:
    ``"20610-RT-59x2"`` -> ``("20610", "RT 59", "2")`` (code, modifiers, units; "" where none)."""
    entries = parse_procedures(text)
    if not entries:
        return "", "", ""
    entry = entries[0]
    return entry.code, " ".join(entry.modifiers), str(entry.units) if entry.units_written else ""


def parse_pcs(text: object) -> tuple[str, ...]:
    """``"0src0j9 0SRB0J9"`` -> ``("0SRC0J9", "0SRB0J9")``."""
    if not text:
        return ()
    clean = unicodedata.normalize("NFKC", text if isinstance(text, str) else str(text))
    return tuple(code for code in (normalize_pcs(t) for t in _tokens(clean)) if code)


def parse_submission(dx_text: object = "", px_text: object = "", pcs_text: object = "") -> Submission:
    """Parse the three text boxes of a case answer. Never raises."""
    return Submission(
        diagnoses=parse_diagnoses(dx_text),
        procedures=parse_procedures(px_text),
        pcs=parse_pcs(pcs_text),
    )


def submission_from_lists(diagnoses: object = (), procedures: object = (), pcs: object = ()) -> Submission:
    """Build a ``Submission`` from lists of strings (one code per entry, e.g. a web form)."""

    def as_list(value: object) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, Iterable):
            return [v if isinstance(v, str) else str(v) for v in value]
        return [str(value)]

    return Submission(
        diagnoses=tuple(c for c in (normalize_icd10cm(v) for v in as_list(diagnoses)) if c),
        procedures=tuple(entry for v in as_list(procedures) for entry in parse_procedures(v)),
        pcs=tuple(c for c in (normalize_pcs(v) for v in as_list(pcs)) if c),
    )
