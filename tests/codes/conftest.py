"""Fixtures of the codes tests: see tests/pure_fixtures.py."""

from tests.pure_fixtures import HCPCS, MODIFIERS, checker, icd_source  # noqa: F401
