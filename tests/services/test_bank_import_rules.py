"""Importing the bank: every key code is checked against the code sets before anything is written,
and an import that fails part-way leaves the database as it was (topics and blueprints included)."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import BankImport, ExamBlueprint, Item, ItemVersion, Topic
from study.services import bank

FIXTURE = Path(__file__).resolve().parents[1] / "bank" / "fixtures" / "mini_bank"
CASE = Path("cases") / "professional" / "case-pro-0003.md"


@pytest.fixture
def mini(tmp_path, app):
    root = tmp_path / "bank"
    shutil.copytree(FIXTURE, root)
    return root


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Topic, ExamBlueprint, Item, ItemVersion, BankImport)
    )


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("    - S52.501A\n", "    - S52.599Z\n", "S52.599Z"),  # the shape of a code, but no such code
        ('    - {code: "25600", modifiers: [RT]}\n', '    - {code: "25600", modifiers: [Q9]}\n', "Q9"),  # no such modifier
    ],
)
def test_an_unknown_key_code_stops_the_import_before_anything_is_written(mini, old, new, message):
    path = mini / CASE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(bank.BankError) as caught:
        bank.import_bank(mini)
    errors = [str(p) for p in caught.value.problems if p.is_error]
    assert len(errors) == 1 and str(CASE) in errors[0] and message in errors[0], errors
    assert _counts() == (0, 0, 0, 0, 0)


def test_an_import_that_fails_after_the_topics_leaves_nothing_behind(mini, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bank, "apply_metadata", broken)  # fails on the first item, after topics and blueprints
    with pytest.raises(RuntimeError):
        bank.import_bank(mini)
    db.session.rollback()
    assert _counts() == (0, 0, 0, 0, 0)
    monkeypatch.undo()
    summary = bank.import_bank(mini)
    assert not summary.skipped and _counts()[0] == summary.topics > 0


def test_an_import_that_fails_leaves_the_previous_import_as_it_was(mini, monkeypatch):
    bank.import_bank(mini)
    before = _counts()
    topics = mini / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\nnew-topic:\n  title: A new topic\n", encoding="utf-8")
    monkeypatch.setattr(bank, "apply_metadata", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        bank.import_bank(mini)
    db.session.rollback()
    assert _counts() == before
    assert db.session.get(Topic, "new-topic") is None
