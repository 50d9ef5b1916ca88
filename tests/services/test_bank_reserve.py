"""`reserve:` in the database: import sets Item.reserved, a change of pool is metadata (updated in
place, no new version), export writes it back, and the pools decide where an item is served."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Item, ItemVersion
from study.services import bank
from study.services.attempts import published_items


def _set_reserve(path: Path, value: str | None) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("reserve:")]
    if value:
        lines.insert(lines.index("type: mcq" if "type: mcq" in lines else "type: case") + 1, f"reserve: {value}")
    path.write_text("\n".join(lines), encoding="utf-8")


def _keys(kind: str, pool: str) -> set[str]:
    return {i.key for i in db.session.scalars(published_items(kind, pool=pool))}


def test_import_sets_the_pool_and_a_change_is_metadata(mini):
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0007.md", "exam")
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0008.md", "diagnostic")
    _set_reserve(mini / "cases/professional/case-pro-0003.md", "exam")
    bank.import_bank(mini)
    reserved = {i.key: i.reserved for i in db.session.scalars(sa.select(Item))}
    assert reserved["cpc-icd-0007"] == "exam" and reserved["cpc-icd-0008"] == "diagnostic"
    assert reserved["case-pro-0003"] == "exam" and reserved["cpc-mod-0001"] is None
    # the serving rule: practice sees the open pool, exams add their own, the diagnostic only its own
    assert "cpc-icd-0007" not in _keys("mcq", "open") and "cpc-icd-0008" not in _keys("mcq", "open")
    assert "cpc-icd-0007" in _keys("mcq", "exam") and "cpc-icd-0008" not in _keys("mcq", "exam")
    assert _keys("mcq", "diagnostic") == {"cpc-icd-0008"}
    assert "case-pro-0003" not in _keys("case", "open") and "case-pro-0003" in _keys("case", "exam")

    versions = db.session.scalar(sa.select(sa.func.count()).select_from(ItemVersion))
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0007.md", None)  # back to the open pool
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0008.md", "exam")
    summary = bank.import_bank(mini)
    assert summary.updated == 2 and summary.new_versions == summary.created == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemVersion)) == versions
    item = bank.get_item("cpc-icd-0008")
    assert item.reserved == "exam" and item.current_version.number == 1
    assert "reserve: exam" in item.current_version.source_text
    assert bank.get_item("cpc-icd-0007").reserved is None


def test_export_keeps_the_pool_and_imports_back_unchanged(mini, tmp_path):
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0007.md", "exam")
    bank.import_bank(mini)
    out = tmp_path / "export"
    bank.export_bank(out)
    assert "reserve: exam" in (out / "cpc/icd-10-cm/cpc-icd-0007.md").read_text(encoding="utf-8")
    summary = bank.import_bank(out)
    assert summary.created == summary.new_versions == summary.updated == summary.retired == 0
    assert bank.get_item("cpc-icd-0007").reserved == "exam"


def test_an_unknown_pool_imports_nothing(mini):
    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0007.md", "secret")
    with pytest.raises(bank.BankError) as error:
        bank.import_bank(mini)
    assert any("reserve must be exam or diagnostic" in str(p) for p in error.value.problems)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 0


def test_editing_a_reserved_item_in_the_browser_keeps_its_pool(mini):
    """The web form has no pool field: an edit must not move an exam item into the open pool."""
    from study.services import authoring
    from tests.factories import make_user

    _set_reserve(mini / "cpc/icd-10-cm/cpc-icd-0007.md", "exam")
    bank.import_bank(mini)
    admin = make_user(role="admin")
    item = bank.get_item("cpc-icd-0007")
    data = authoring.form_data(item)
    data["rationale"] += " Clarified."
    authoring.update_item(admin, item.id, data)
    db.session.refresh(item)
    assert item.current_version.number == 2 and "Clarified." in item.current_version.source_text
    assert item.reserved == "exam" and "reserve: exam" in item.current_version.source_text
    assert "cpc-icd-0007" not in _keys("mcq", "open")
