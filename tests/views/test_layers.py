"""The layer rule for views: a view validates, calls a service and renders; it never touches the
database. No module of a blueprint package (nor the web layer's shared modules) imports
`study.extensions.db` or reaches it through `study.extensions`; database work lives in
study/services. Read from the source (AST), so a violation fails here without running anything."""

from __future__ import annotations

import ast
from pathlib import Path

STUDY = Path(__file__).resolve().parents[2] / "study"
#: the web layer's modules outside the blueprint packages
WEB_MODULES = ("errors.py", "security.py", "forms.py", "templating.py")


def _creates_blueprint(tree: ast.AST) -> bool:
    """Whether a module makes a flask Blueprint (the model is ExamBlueprint)."""
    flask_blueprint = any(
        isinstance(node, ast.ImportFrom) and node.module == "flask" and any(a.name == "Blueprint" and a.asname is None for a in node.names)
        for node in ast.walk(tree)
    )
    return flask_blueprint and any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Blueprint" for node in ast.walk(tree)
    )


def view_modules() -> list[Path]:
    """Every module of every package under study/ that makes a flask Blueprint, and the shared web modules."""
    packages = {
        init.parent
        for init in STUDY.glob("*/__init__.py")
        if any(_creates_blueprint(ast.parse(p.read_text(encoding="utf-8"))) for p in init.parent.glob("*.py"))
    }
    return sorted({p for package in packages for p in package.glob("*.py")} | {STUDY / name for name in WEB_MODULES})


def database_access(source: str) -> list[str]:
    """How `source` reaches the database handle: imports of `db` from study.extensions, imports of
    study.extensions itself (whose `.db` is then one attribute away), and any `db.session` use."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "study.extensions":
            found += [f"line {node.lineno}: from study.extensions import db" for a in node.names if a.name in ("db", "*")]
        elif isinstance(node, ast.ImportFrom) and node.module == "study":
            found += [f"line {node.lineno}: from study import extensions" for a in node.names if a.name == "extensions"]
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name == "study.extensions"]
        elif isinstance(node, ast.Attribute) and node.attr == "session" and isinstance(node.value, ast.Name) and node.value.id == "db":
            found.append(f"line {node.lineno}: db.session")
    return found


def test_the_scan_covers_every_blueprint_package():
    names = {p.relative_to(STUDY).as_posix() for p in view_modules()}
    for package in ("learner", "instructor", "admin", "auth", "codebook", "main", "careers"):
        assert f"{package}/__init__.py" in names, package
    assert {"learner/routes_practice.py", "learner/routes_exams.py", "instructor/routes_cohorts.py", "errors.py"} <= names
    assert not any(name.startswith(("services/", "models/")) for name in names)


def test_no_view_imports_the_database():
    offenders = {
        p.relative_to(STUDY).as_posix(): found for p in view_modules() if (found := database_access(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "views must call a service, not the database: " + repr(offenders)


def test_the_scan_sees_each_way_to_the_database():
    assert database_access("from study.extensions import limiter\n") == []
    for source in (
        "from study.extensions import db\n",
        "from study.extensions import limiter, db as database\n",
        "from study import extensions\n",
        "import study.extensions\n",
        "def view():\n    return db.session.get(Item, 1)\n",
    ):
        assert database_access(source), source
