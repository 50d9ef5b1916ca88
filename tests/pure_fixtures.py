"""Fixtures shared by the pure-core tests (tests/codes, tests/grading): the full ICD-10-CM set in
memory, loaded once per process, with a few modifiers and HCPCS codes in our own words."""

from __future__ import annotations

import pytest

from study.codes.checking import CodeChecker
from study.codes.memory import MemoryCodeSource, icd10cm_memory_source

MODIFIERS = {
    "25": "Significant, separately identifiable E/M service",
    "50": "Bilateral procedure",
    "59": "Distinct procedural service",
    "LT": "Left side",
    "RT": "Right side",
    "XS": "Separate structure",
    "JW": "Drug amount discarded",
}
HCPCS = {"J1100": "Dexamethasone injection, per 1 mg", "G0008": "Flu vaccine administration"}


@pytest.fixture(scope="session")
def icd_source() -> MemoryCodeSource:
    return icd10cm_memory_source(modifiers=MODIFIERS, hcpcs=HCPCS)


@pytest.fixture(scope="session")
def checker(icd_source: MemoryCodeSource) -> CodeChecker:
    return CodeChecker(icd_source)
