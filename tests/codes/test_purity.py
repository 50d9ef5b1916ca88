"""The pure core (study.codes, study.bank, study.grading) imports neither Flask nor SQLAlchemy,
and importing it does not load the ICD-10-CM package (a web worker must never pay for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PURE_MODULES = [
    "study.codes.types",
    "study.codes.normalize",
    "study.codes.checking",
    "study.codes.memory",
    "study.bank.model",
    "study.bank.parser",
    "study.bank.validate",
    "study.bank.writer",
    "study.bank.gift",
    "study.scheduling",
    "study.readiness",
    "study.analysis",
    "study.deidentify",
    "study.codes.hcpcs_file",
    "study.codes.pcs_file",
    "study.grading.results",
    "study.grading.case",
    "study.grading.mcq",
    "study.grading.registry",
]

SCRIPT = """
import importlib, pathlib, sys, types
root = pathlib.Path(sys.argv[1])
# an empty 'study' package: only the modules under test are imported, not the app factory
package = types.ModuleType("study")
package.__path__ = [str(root / "study")]
sys.modules["study"] = package
for name in sys.argv[2:]:
    importlib.import_module(name)
forbidden = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "simple_icd_10_cm")
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in forbidden)))
"""


def test_pure_core_imports_neither_flask_nor_sqlalchemy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), *PURE_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
