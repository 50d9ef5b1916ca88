"""Import, versions, retirement, export, GIFT and key checks, on a small bank copied per test."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import BankImport, Item, ItemVersion, Topic
from study.services import bank


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_import_is_idempotent(mini):
    first = bank.import_bank(mini)
    items = _count(Item)
    assert first.created == items >= 4 and first.topics > 0 and first.blueprints == 2
    assert bank.import_bank(mini).skipped
    forced = bank.import_bank(mini, force=True)
    assert forced.unchanged == items and forced.created == forced.new_versions == forced.updated == 0
    assert _count(ItemVersion) == items


def test_changed_item_gets_a_new_version_and_keeps_the_old(mini):
    bank.import_bank(mini)
    item = bank.get_item("cpc-icd-0007")
    first_version = item.current_version_id
    path = mini / item.path
    _edit(path, "## Rationale\n", "## Rationale\nA clarified rationale sentence.\n")
    summary = bank.import_bank(mini)
    assert summary.new_versions == 1 and summary.unchanged == _count(Item) - 1
    db.session.refresh(item)
    versions = db.session.scalars(sa.select(ItemVersion).where(ItemVersion.item_id == item.id).order_by(ItemVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert item.current_version_id == versions[1].id != first_version
    assert "clarified rationale" in versions[1].source_text and "clarified" not in versions[0].source_text


def test_metadata_change_updates_without_a_new_version(mini):
    bank.import_bank(mini)
    item = bank.get_item("cpc-icd-0007")
    _edit(mini / item.path, "difficulty: medium", "difficulty: hard")
    summary = bank.import_bank(mini)
    assert summary.updated == 1 and summary.new_versions == 0
    db.session.refresh(item)
    assert item.difficulty == "hard" and item.current_version.number == 1
    assert "difficulty: hard" in item.current_version.source_text


def test_removed_item_is_retired_never_deleted(mini):
    bank.import_bank(mini)
    item = bank.get_item("cpc-icd-0008")
    (mini / item.path).unlink()
    summary = bank.import_bank(mini)
    assert summary.retired == 1
    db.session.refresh(item)
    assert item.status == "retired" and item.current_version is not None


def test_malformed_bank_names_file_and_line_and_imports_nothing(mini):
    bank.import_bank(mini)
    before = (_count(Item), _count(ItemVersion), _count(BankImport))
    item = bank.get_item("cpc-icd-0007")
    _edit(mini / item.path, "difficulty: medium", "dificulty: medium")
    _edit(mini / bank.get_item("cpc-icd-0008").path, "## Rationale\n", "## Rationale\nNew words.\n")
    with pytest.raises(bank.BankError) as caught:
        bank.import_bank(mini)
    messages = [str(p) for p in caught.value.problems if p.is_error]
    assert any(str(mini / item.path) in m and "dificulty" in m for m in messages), messages
    assert (_count(Item), _count(ItemVersion), _count(BankImport)) == before


def test_export_round_trips(mini, tmp_path):
    bank.import_bank(mini)
    out = tmp_path / "export"
    counts = bank.export_bank(out)
    assert counts["items"] == _count(Item)
    for item in db.session.scalars(sa.select(Item)):
        assert (out / item.path).read_text(encoding="utf-8") == (mini / item.path).read_text(encoding="utf-8")
    summary = bank.import_bank(out)
    assert summary.created == summary.new_versions == summary.updated == summary.retired == 0


def test_gift_export_then_import_as_drafts(mini, runner, tmp_path):
    bank.import_bank(mini)
    gift = tmp_path / "quiz.gift"
    result = runner.invoke(args=["bank", "export-gift", str(gift), "--exam", "CPC"])
    assert result.exit_code == 0, result.output
    text = gift.read_text(encoding="utf-8")
    assert "::cpc-icd-0007::" in text and "####" in text
    # a Moodle quiz of our own making, brought in by an instructor
    moodle = tmp_path / "moodle.gift"
    moodle.write_text(
        "// exported from a course\n"
        "::Hypertension first::Which ICD-10-CM code reports essential hypertension? "
        "{=I10#Right: essential hypertension. ~I11.9#That is hypertensive heart disease. ####I10"
        " is the code for essential (primary) hypertension.}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["bank", "import-gift", str(moodle), "--topic", "icd-10-cm", "--exam", "CPC"])
    assert result.exit_code == 0, result.output
    drafts = db.session.scalars(sa.select(Item).where(Item.origin == "web")).all()
    assert len(drafts) == 1 and drafts[0].status == "draft" and drafts[0].exams == ["CPC"]
    parsed = bank.parsed_item(drafts[0])
    assert [o.text for o in parsed.options][:2] == ["I10", "I11.9"] or "I10" in parsed.options[0].text
    assert "essential (primary) hypertension" in parsed.rationale
    # a file import never retires what was authored on the site
    assert bank.import_bank(mini, force=True).retired == 0


def test_gift_import_refuses_bad_codes_and_unsupported_types(mini, runner, tmp_path):
    bank.import_bank(mini)
    moodle = tmp_path / "bad.gift"
    moodle.write_text("::Essay::Describe the claim cycle. {}\n\n::Bad code::Pick one {=Q99.99 ~I10}\n", encoding="utf-8")
    before = _count(Item)
    result = runner.invoke(args=["bank", "import-gift", str(moodle), "--topic", "icd-10-cm", "--exam", "CPC"])
    assert result.exit_code != 0
    assert f"{moodle}:1:" in result.output and "nothing was imported" in result.output
    assert _count(Item) == before


def test_check_answer_cli_by_id_and_file(mini, runner):
    bank.import_bank(mini)
    case = db.session.scalar(sa.select(Item).where(Item.type == "case", Item.setting == "professional"))
    parsed = bank.parsed_item(case)
    dx = ", ".join(line.code for line in parsed.key.diagnoses if not line.optional)
    px = ", ".join(
        line.code + "".join(f"-{m}" for m in line.modifiers) + (f"x{line.units}" if line.units != 1 else "")
        for line in parsed.key.procedures
    )
    by_id = runner.invoke(args=["bank", "check-answer", case.key, "--dx", dx, "--px", px, "--json"])
    assert by_id.exit_code == 0, by_id.output
    assert json.loads(by_id.output)["score_pct"] == 100.0
    by_file = runner.invoke(args=["bank", "check-answer", str(mini / case.path), "--dx", "R52", "--px", px])
    assert by_file.exit_code == 0 and "%" in by_file.output and "R52" in by_file.output


def test_validate_cli_prints_path_line_message(mini, runner):
    good = runner.invoke(args=["bank", "validate", str(mini)])
    assert good.exit_code == 0, good.output
    item_path = next((mini / "cpc").rglob("*.md"))
    _edit(item_path, "topic: ", "topic: no-such-topic-")
    bad = runner.invoke(args=["bank", "validate", str(item_path)])
    assert bad.exit_code == 1
    assert f"{item_path}:" in bad.output and "topic" in bad.output
    assert _count(Topic) == 0  # validating imports nothing
