"""Fixtures the service tests share."""

import shutil
from pathlib import Path

import pytest

MINI_BANK = Path(__file__).resolve().parents[1] / "bank" / "fixtures" / "mini_bank"


@pytest.fixture
def mini(tmp_path, app):
    """A copy of the small fixture bank, to edit and import."""
    root = tmp_path / "bank"
    shutil.copytree(MINI_BANK, root)
    return root
