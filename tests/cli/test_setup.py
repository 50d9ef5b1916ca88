"""`flask setup` (what `make run` does first) and the registration of every command group."""

from pathlib import Path

import sqlalchemy as sa

from study.extensions import db
from study.models import Item
from tests.learning_bank import write_learning_bank


def test_every_command_group_is_registered(app):
    assert {"setup", "serve", "users", "codes", "bank", "exams", "backup"} <= set(app.cli.commands)
    assert set(app.cli.commands["codes"].commands) == {"load", "show", "search", "load-hcpcs", "load-pcs", "load-cpt"}
    assert set(app.cli.commands["bank"].commands) == {"validate", "import", "export", "export-gift", "import-gift", "check-answer", "stats"}
    assert set(app.cli.commands["users"].commands) == {"create", "set-role"}
    assert set(app.cli.commands["exams"].commands) == {"close-expired"}
    assert set(app.cli.commands["backup"].commands) == {"create", "restore"}


def test_setup_migrates_keeps_the_code_sets_and_imports_the_bank(app, runner, tmp_path):
    app.config["QUESTION_BANK"] = str(write_learning_bank(tmp_path / "bank"))
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Database schema is up to date." in result.output
    assert "ICD-10-CM entries" not in result.output  # already loaded: not loaded again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 11
    again = runner.invoke(args=["setup"])
    assert again.exit_code == 0, again.output


def test_setup_stops_on_a_broken_bank(app, runner, tmp_path):
    root = write_learning_bank(tmp_path / "bank")
    next(Path(root).rglob("learn-icd-001.md")).write_text("not an item", encoding="utf-8")
    app.config["QUESTION_BANK"] = str(root)
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 1
    assert "Fix the files above and run again." in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 0


def test_bank_validate_on_a_new_checkout_sets_the_database_up_first(tmp_path):
    """Regression: `flask bank validate` before `flask setup` stopped on "no such table: icd10cm_code".
    It now brings the schema and the code sets up first (what `flask setup` does), then validates."""
    from tests.learning_bank import write_learning_bank
    from tests.support import make_app

    app = make_app(f"sqlite:///{tmp_path / 'new.sqlite'}", str(tmp_path / "instance"))
    root = write_learning_bank(tmp_path / "bank")
    result = app.test_cli_runner().invoke(args=["bank", "validate", str(root)])
    assert result.exit_code == 0, result.output
    assert "Loaded" in result.output and "ICD-10-CM entries" in result.output
    assert f"{root}: no errors" in result.output
    again = app.test_cli_runner().invoke(args=["bank", "validate", str(root)])
    assert again.exit_code == 0 and "ICD-10-CM entries" not in again.output  # loaded once


def test_check_answer_json_is_json_alone_on_a_new_checkout(tmp_path):
    """`bank check-answer --json` keeps stdout for the report: what setting the database up loads is
    said on stderr (a first run on a new checkout loads the code sets)."""
    import json

    from tests.learning_bank import write_learning_bank
    from tests.support import make_app

    app = make_app(f"sqlite:///{tmp_path / 'new.sqlite'}", str(tmp_path / "instance"))
    root = write_learning_bank(tmp_path / "bank")
    case = next(root.rglob("learn-case-*.md"), None) or next(p for p in root.rglob("*.md") if "type: case" in p.read_text())
    result = app.test_cli_runner().invoke(args=["bank", "check-answer", str(case), "--dx", "R52", "--json"])
    assert result.exit_code == 0, result.output
    assert "ICD-10-CM entries" in result.stderr
    assert "score_pct" in json.loads(result.stdout)
