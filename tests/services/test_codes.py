"""The code-set service on the real ICD-10-CM tables (loaded once per session from the package)."""
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import CodeSetVersion, Icd10cmCode
from study.services import codes

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("app")


def test_full_icd10cm_is_loaded_with_version():
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.kind.not_in(("chapter", "block"))))
    assert total == 98_186
    assert codes.reportable_count() == 74_719
    version = db.session.get(CodeSetVersion, "icd10cm")
    assert "simple-icd-10-cm 1.5.0" in version.version and version.count == 98_505


def test_malformed_seventh_character_descriptions_are_cleaned():
    row = db.session.get(Icd10cmCode, "S72.001B")
    assert "/" not in row.description and "\t" not in row.description
    assert row.description.endswith("initial encounter for open fracture type I or II")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.description.contains("/\t"))) == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ("diab nephrop", "E11.21"),
        ("Diabetes nephropathy type 2", "E11.21"),
        ("subtrochanteric fracture right femur displaced", "S72.21"),
        ("essential hypertension", "I10"),
        ("acute appendicitis peritonitis", "K35.2"),
    ],
)
def test_word_search_finds_codes(app, query, expected):
    result = codes.search(query, limit=10)
    assert result.mode == "words"
    assert any(h.code.startswith(expected) for h in result.hits), [h.code for h in result.hits]


def test_every_word_must_match(app):
    hits = codes.search("diab nephrop", limit=50).hits
    assert hits and all("nephropathy" in h.description.lower() for h in hits)


@pytest.mark.parametrize("query", ["E11.2", "e112", "E11 .2", "e11.2"])
def test_prefix_search_in_tabular_order(app, query):
    result = codes.search(query)
    assert result.mode == "code"
    assert [h.code for h in result.hits] == ["E11.2", "E11.21", "E11.22", "E11.29"]
    assert [h.reportable for h in result.hits] == [False, True, True, True]


@pytest.mark.parametrize(
    "query",
    ["", " ", "x" * 10_000, '"', "*", "NEAR", "a OR b", "'; DROP TABLE icd10cm_code; --", "ñandú café", "🙂", "NEAR(a b)", "-", "^", ":", "\x00"],
)
def test_hostile_queries_never_fail(app, query):
    result = codes.search(query)
    assert result.mode in {"empty", "words", "code"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode)) == 98_505


def test_check_payload_says_what_is_missing(app):
    assert codes.check_payload("e1122")["status"] == "reportable"
    sub = codes.check_payload("E11.2")
    assert sub["status"] == "incomplete" and "5th character" in sub["message"]
    seventh = codes.check_payload("S72.21")
    assert seventh["status"] == "incomplete" and seventh["missing"] == "7th character" and "S72.21XA" in seventh["message"]
    bad = codes.check_payload("Q99.99")
    assert bad["status"] == "invalid" and len(bad["suggestions"]) == 5 and all(s.startswith("Q99") for s in bad["suggestions"])


def test_conflicts_report_excludes1_and_manifestation_first(app):
    kinds = {c["kind"] for c in codes.conflicts_payload(["E11.9", "E10.9"])}
    assert "excludes1" in kinds
    # G63 (polyneuropathy in diseases classified elsewhere) is a manifestation: never first-listed
    first = codes.conflicts_payload(["G63", "E85.4"])
    assert any(c["kind"] == "code_first" for c in first), first


def test_code_detail_hierarchy_notes_and_seventh(app):
    detail = codes.code_detail("S72.21")
    assert [a.code for a in detail.ancestors] == ["19", "S70-S79", "S72", "S72.2", "S72.21"][: len(detail.ancestors)]
    assert [a.kind for a in detail.ancestors][:3] == ["chapter", "block", "category"]
    assert detail.record.seventh["A"] == "initial encounter for closed fracture"
    e11 = codes.code_detail("E11.22")
    assert any(kind == "excludes1" for owner, kind, lines in e11.inherited_notes)


def test_guess_system(app):
    assert codes.guess_system("99214") == "cpt"
    assert codes.guess_system("A4206") == "hcpcs"
    # J1100 is also ICD-10-CM J11.00 typed without its dot: the code set that has it wins
    assert codes.guess_system("J1100") == "icd10cm"
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
