"""The pure core imports neither Flask, SQLAlchemy nor the application's database layer, and does
not load the ICD-10-CM package (a web worker must never pay for it).

The real packages are imported (no stubbed `study` package) in a fresh interpreter, one module at
a time, so a package `__init__` that pulls in the web layer is caught too, and the module to blame
is named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PURE_MODULES = [
    "study.codes.types",
    "study.codes.normalize",
    "study.codes.checking",
    "study.codes.memory",
    "study.codes.hcpcs_file",
    "study.codes.pcs_file",
    "study.codes.lay_terms",
    "study.codes.notes",
    "study.bank.model",
    "study.bank.parser",
    "study.bank.validate",
    "study.bank.writer",
    "study.bank.gift",
    "study.bank.forms",
    "study.grading.results",
    "study.grading.case",
    "study.grading.mcq",
    "study.grading.registry",
    "study.grading.remittance",
    "study.billing.codes",
    "study.billing.remittance",
    "study.grading.claim",
    "study.grading.scrubber",
    "study.billing.npi",
    "study.billing.claim",
    "study.billing.exercise",
    "study.scheduling",
    "study.readiness",
    "study.analysis",
    "study.deidentify",
    "study.careers.recommend",
    "study.careers.content",
    "study.careers.beginner",
    "study.careers.aptitude",
    "study.careers.facts",
    "study.zones",
    "study.planning",
]

# third-party packages by their top-level name, and the application's own web and database layers
FORBIDDEN_PACKAGES = ("flask", "flask_sqlalchemy", "flask_wtf", "flask_login", "sqlalchemy", "werkzeug", "wtforms", "simple_icd_10_cm")
FORBIDDEN_MODULES = ("study.extensions", "study.models", "study.services")

SCRIPT = """
import importlib, json, sys
packages, modules = json.loads(sys.argv[1]), json.loads(sys.argv[2])

def forbidden():
    return sorted(
        m for m in sys.modules
        if m.split(".")[0] in packages or any(m == f or m.startswith(f + ".") for f in modules)
    )

blame = {}
for name in sys.argv[3:]:
    importlib.import_module(name)
    found = forbidden()
    if found:
        blame[name] = found
        break
print(json.dumps(blame))
"""


def _modules_to_blame(*modules: str) -> dict[str, list[str]]:
    """Import `modules` in order in a fresh interpreter: {the first that loads a forbidden module: them}."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(FORBIDDEN_PACKAGES), json.dumps(FORBIDDEN_MODULES), *modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_pure_core_loads_no_web_or_database_layer() -> None:
    assert _modules_to_blame(*PURE_MODULES) == {}


def test_the_check_would_catch_a_module_that_loads_flask() -> None:
    """The same script names the web layer when a module pulls it in (the blueprint routes here)."""
    blame = _modules_to_blame("study.careers.routes")
    assert list(blame) == ["study.careers.routes"]
    assert "flask" in blame["study.careers.routes"] and "study.extensions" in blame["study.careers.routes"]
