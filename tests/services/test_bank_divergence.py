"""The divergence rule between edits made in the browser and the bank files in git
(docs/authoring.md, "Edits in the browser and the files in git"), in both directions:

* import after a browser edit: the item is reported as diverged and left alone (unless --force);
* export after a browser edit: the site's version is written, and importing that file clears the mark.
"""

from __future__ import annotations

import shutil

import pytest

from study.extensions import db
from study.models import AttemptItem, ItemVersion
from study.services import authoring, bank
from tests.factories import item_by_key, make_attempt, make_user

KEY = "learn-icd-002"
PATH = "cpc/icd-10-cm/learn-icd-002.md"


@pytest.fixture
def instructor(app):
    return make_user("instructor")


def edit_key_in_browser(user, key: str = KEY, answer: str = "C"):
    item = item_by_key(key)
    data = authoring.form_data(item)
    old = data["answer"][0]
    data.update({"answer": [answer], f"why_not_{answer}": "", f"why_not_{old}": f"{old} was the key before the fix."})
    item, outcome = authoring.update_item(user, item.id, data)
    assert outcome == "new_version"
    return item


def touch_file(root, key_text: str = "answer: B", new: str = "answer: B\ntags: [touched]"):
    """Change the file in git (metadata only), so that the next import is not skipped as unchanged."""
    path = root / PATH
    text = path.read_text(encoding="utf-8")
    assert key_text in text
    path.write_text(text.replace(key_text, new, 1), encoding="utf-8")


def test_a_browser_edit_marks_the_item_site_changed(learning_bank, instructor):
    before = item_by_key(KEY).current_version
    item = edit_key_in_browser(instructor)
    assert item.site_changed and item.diverged_from == before.content_hash
    assert item.origin == "file" and item.path == PATH  # still a shipped item, in its file
    again = edit_key_in_browser(instructor, answer="D")
    assert again.diverged_from == before.content_hash  # the file version it first diverged from


def test_import_after_a_browser_edit_reports_it_and_leaves_it_alone(learning_bank, instructor):
    item = edit_key_in_browser(instructor)
    site_version = item.current_version_id
    touch_file(learning_bank)
    summary = bank.import_bank(learning_bank)
    assert summary.diverged == [KEY]
    assert "1 item(s) diverged" in summary.line() and KEY in summary.line() and "--force" in summary.line()
    db.session.expire_all()
    item = item_by_key(KEY)
    assert item.current_version_id == site_version and item.site_changed
    assert item.tags == []  # not even the file's metadata: the item is left alone
    # an unchanged bank is skipped, and still says which items diverged
    skipped = bank.import_bank(learning_bank)
    assert skipped.skipped and skipped.diverged == [KEY] and KEY in skipped.line()


def test_import_with_force_puts_the_files_version_back(learning_bank, instructor):
    file_version = item_by_key(KEY).current_version
    edit_key_in_browser(instructor)
    summary = bank.import_bank(learning_bank, force=True)
    assert summary.diverged == [] and summary.new_versions == 1
    db.session.expire_all()
    item = item_by_key(KEY)
    assert item.current_version_id == file_version.id  # back to the file's content (its old version)
    assert not item.site_changed and item.diverged_from is None


def test_export_after_a_browser_edit_writes_the_sites_version_and_import_clears_the_mark(learning_bank, instructor, tmp_path):
    item = edit_key_in_browser(instructor)
    site_version = item.current_version
    exported = tmp_path / "exported"
    counts = bank.export_bank(exported)
    assert counts["site_changed"] == 1
    written = (exported / PATH).read_text(encoding="utf-8")
    assert written == site_version.source_text and "answer: C" in written
    # the exported file is committed to the bank folder, and imported
    shutil.copyfile(exported / PATH, learning_bank / PATH)
    summary = bank.import_bank(learning_bank)
    assert summary.diverged == []
    db.session.expire_all()
    item = item_by_key(KEY)
    assert item.current_version_id == site_version.id and not item.site_changed and item.diverged_from is None
    # from now on the file rules again: a later change in git is imported
    touch_file(learning_bank, "answer: C", "answer: C\ntags: [from-git]")
    bank.import_bank(learning_bank)
    db.session.expire_all()
    assert item_by_key(KEY).tags == ["from-git"]


def test_a_site_changed_item_whose_file_is_gone_is_not_retired(learning_bank, instructor):
    edit_key_in_browser(instructor)
    (learning_bank / PATH).unlink()
    summary = bank.import_bank(learning_bank)
    assert summary.retired == 0 and summary.diverged == [KEY]
    assert item_by_key(KEY).status == "published"
    assert bank.import_bank(learning_bank, force=True).retired == 1


def test_earlier_attempts_keep_the_version_they_answered(learning_bank, instructor):
    learner = make_user()
    old = item_by_key(KEY).current_version
    attempt = make_attempt(learner, [item_by_key(KEY)])
    answered = db.session.get(AttemptItem, attempt.items[0].id)
    assert answered.item_version_id == old.id
    edit_key_in_browser(instructor)
    bank.import_bank(learning_bank, force=True)
    edit_key_in_browser(instructor, answer="D")
    db.session.expire_all()
    assert db.session.get(AttemptItem, answered.id).item_version_id == old.id
    assert db.session.get(ItemVersion, old.id).source_text.count("answer: B") == 1


def test_the_commands_say_it(learning_bank, instructor, runner, tmp_path):
    edit_key_in_browser(instructor)
    touch_file(learning_bank)
    imported = runner.invoke(args=["bank", "import", str(learning_bank)])
    assert imported.exit_code == 0, imported.output
    assert f"1 item(s) diverged (edited on the site; their files were left alone): {KEY}." in imported.output
    exported = runner.invoke(args=["bank", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0 and "1 of them were edited on the site" in exported.output
    forced = runner.invoke(args=["bank", "import", str(learning_bank), "--force"])
    assert forced.exit_code == 0 and "diverged" not in forced.output
    stats = runner.invoke(args=["bank", "stats"])
    assert stats.exit_code == 0 and "from 0 submitted exam attempt(s)" in stats.output
