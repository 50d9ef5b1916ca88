"""The layer rules fail on a deliberate violation: a view that imports the database session, a
service that imports Flask's request, a pure-core module that imports SQLAlchemy. (`make lint`
runs the same tools over the real tree.)"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[dev]')")
    return str(path)


def test_ruff_refuses_the_database_session_in_a_view():
    code = "from study.extensions import db\n\n\ndef page():\n    return db.session.get(object, 1)\n"
    run = subprocess.run(
        [_tool("ruff"), "check", "--stdin-filename", "study/learner/routes_example.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1 and "TID251" in run.stdout, run.stdout
    # the same import in a service is allowed
    allowed = subprocess.run(
        [_tool("ruff"), "check", "--stdin-filename", "study/services/example.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert allowed.returncode == 0, allowed.stdout


@pytest.mark.parametrize(
    "module, line, contract",
    [
        ("study/services/_violation.py", "from flask import request\n", "Services never import Flask"),
        ("study/grading/_violation.py", "import sqlalchemy\n", "The pure core imports neither"),
        ("study/bank/_violation.py", "from study.extensions import db\n", "The pure core imports neither"),
    ],
)
def test_import_contracts_fail_on_a_violation(tmp_path, module, line, contract):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "study", tree / "study", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    clean = subprocess.run([_tool("lint-imports")], capture_output=True, text=True, cwd=tree, env={"PYTHONPATH": str(tree)})
    assert clean.returncode == 0, clean.stdout
    (tree / module).write_text(line)
    broken = subprocess.run([_tool("lint-imports")], capture_output=True, text=True, cwd=tree, env={"PYTHONPATH": str(tree)})
    assert broken.returncode == 1 and "BROKEN" in broken.stdout and contract in broken.stdout, broken.stdout
