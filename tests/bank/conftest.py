"""Fixtures of the bank tests: the fixture bank, and the code checker over the full ICD-10-CM set
shared with the other pure-core tests (tests/pure_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pure_fixtures import HCPCS, MODIFIERS, checker, icd_source  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_bank() -> Path:
    return FIXTURES / "mini_bank"
