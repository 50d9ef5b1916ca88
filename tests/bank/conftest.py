"""Fixtures of the bank tests: the fixture bank, a helper that writes a bank file and returns
its problems as ``path:line: message`` strings, and a code checker over the full ICD-10-CM set."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.codes.checking import CodeChecker
from study.codes.memory import MemoryCodeSource, icd10cm_memory_source

FIXTURES = Path(__file__).parent / "fixtures"
MODIFIERS = {
    "25": "Significant, separately identifiable E/M service",
    "50": "Bilateral procedure",
    "59": "Distinct procedural service",
    "LT": "Left side",
    "RT": "Right side",
}
HCPCS = {"J1100": "Dexamethasone injection, per 1 mg"}


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_bank() -> Path:
    return FIXTURES / "mini_bank"


@pytest.fixture(scope="session")
def icd_source() -> MemoryCodeSource:
    return icd10cm_memory_source(modifiers=MODIFIERS, hcpcs=HCPCS)


@pytest.fixture(scope="session")
def checker(icd_source: MemoryCodeSource) -> CodeChecker:
    return CodeChecker(icd_source)
