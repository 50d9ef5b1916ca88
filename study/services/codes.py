"""Checking typed codes in the application: the checker over the database's code sets, which code
set a typed code belongs to, and the conflicts within a set of diagnosis codes.

Loading the code sets is in `code_loaders`, word and prefix search in `code_search`, the code
book's detail of a code in `code_book`; the JSON shapes are the code book's (study.codebook.payloads).
"""
from __future__ import annotations

import re

from study.codes.checking import CodeChecker
from study.codes.normalize import classify_procedure_code, normalize_icd10cm
from study.codes.types import CodeCheck, Conflict
from study.extensions import db
from study.models import Icd10cmCode
from study.services.code_source import DbCodeSource

_CHECKER = "codeprep.code_checker"  # its key in the database session's `info`
_PCS_SHAPE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


def checker() -> CodeChecker:
    """The code checker of the current database session: one per request, CLI command or app
    context (the session's lifetime), so its caches never outlive the data they were read from."""
    info = db.session.info
    found = info.get(_CHECKER)
    if found is None:
        found = info[_CHECKER] = CodeChecker(DbCodeSource())
    return found


def guess_system(raw: str) -> str:
    """Which code set a typed code most likely belongs to (ICD-10-CM unless the shape says otherwise).

    "J1100" is both a HCPCS Level II code and ICD-10-CM J11.00 typed without its dot: typed without
    a dot, the HCPCS code wins when this site knows it (the code book says "did you mean J11.00?").
    """
    compact = (raw or "").strip().upper().replace(" ", "")
    procedure = classify_procedure_code(compact)
    if procedure in ("cpt", "hcpcs") and "." not in compact:
        if (
            procedure == "cpt"
            or checker().source.hcpcs(compact) is not None
            or not db.session.get(Icd10cmCode, normalize_icd10cm(compact))
        ):
            return procedure
    if _PCS_SHAPE.match(compact) and compact[0].isdigit():
        return "pcs"
    lettered = _PCS_SHAPE.match(compact) and compact[0] in "BCDFGHX" and any(c.isdigit() for c in compact)
    if lettered and db.session.get(Icd10cmCode, normalize_icd10cm(compact)) is None:
        return "pcs"  # BW28ZZZ: an imaging code, when no ICD-10-CM code is written so
    return "icd10cm"


def check_code(raw: str, system: str | None = None) -> CodeCheck:
    """The verdict on a typed code, in `system` or the code set its shape suggests."""
    return checker().check(system or guess_system(raw), raw)


def conflicts(diagnoses: list[str]) -> list[Conflict]:
    return checker().conflicts(diagnoses)
