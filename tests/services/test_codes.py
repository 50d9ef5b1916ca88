"""Checking typed codes in the application, on the real ICD-10-CM tables (loaded once per session)."""

import subprocess
import sys
from pathlib import Path

import pytest

from study.extensions import db
from study.services import codes

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("app")


def test_check_code_says_what_is_missing(app):
    assert codes.check_code("e1122").status == "reportable"
    sub = codes.check_code("E11.2")
    assert sub.status == "incomplete" and "5th character" in sub.message
    seventh = codes.check_code("S72.21")
    assert seventh.status == "incomplete" and seventh.missing == "7th character" and "S72.21XA" in seventh.message
    bad = codes.check_code("Q99.99")
    assert bad.status == "invalid" and len(bad.suggestions) == 5 and all(s.startswith("Q99") for s in bad.suggestions)


def test_check_code_in_a_given_system(app):
    # 99214 looks like CPT; asked as ICD-10-CM it is not a diagnosis code
    assert codes.check_code("99214").system == "cpt"
    assert (codes.check_code("99214", "icd10cm").system, codes.check_code("99214", "icd10cm").status) == ("icd10cm", "invalid")


def test_conflicts_report_excludes1_and_manifestation_first(app):
    kinds = {c.kind for c in codes.conflicts(["E11.9", "E10.9"])}
    assert "excludes1" in kinds
    # G63 (polyneuropathy in diseases classified elsewhere) is a manifestation: never first-listed
    first = codes.conflicts(["G63", "E85.4"])
    assert any(c.kind == "code_first" for c in first), first


def test_one_checker_per_database_session(app):
    """The checker's caches live as long as the session (a request, a CLI command), never longer."""
    first = codes.checker()
    assert codes.checker() is first
    db.session.remove()
    assert codes.checker() is not first


def test_guess_system(app):
    assert codes.guess_system("99214") == "cpt"
    assert codes.guess_system("A4206") == "hcpcs"
    # J1100 is also ICD-10-CM J11.00 typed without its dot: a HCPCS code the site knows wins (issue 16)
    assert codes.guess_system("J1100") == "hcpcs"
    assert codes.guess_system("J11.00") == "icd10cm"
    # J1001 is no HCPCS Level II code of 2026: ICD-10-CM J10.01 is what the site knows
    assert codes.guess_system("J1001") == "icd10cm"
    assert codes.guess_system("0FT44ZZ") == "pcs"
    assert codes.guess_system("E1122") == "icd10cm"
    assert codes.guess_system("I10") == "icd10cm"


def test_web_process_never_imports_the_package(app, database_url, instance_path):
    """A web worker reads the tables; the package (2 s, 190 MiB) is for setup time only."""
    script = (
        "import sys\n"
        "from tests.support import make_app\n"
        f"app = make_app({database_url!r}, {instance_path!r})\n"
        "c = app.test_client()\n"
        "for url in ['/codes?q=diab+nephrop', '/codes/E11.22', '/api/codes/check?code=S7221A', '/api/codes/conflicts?dx=E11.9,E10.9']:\n"
        "    assert c.get(url).status_code == 200, url\n"
        "print('LOADED' if 'simple_icd_10_cm' in sys.modules else 'CLEAN')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("CLEAN")
