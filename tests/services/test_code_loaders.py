"""Loading the code sets: ICD-10-CM from the package (loaded once per test session), and the code
files a site brings: the real CMS HCPCS file, a PCS order file, a licensed CPT CSV."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from study.codes.checking import CodeChecker
from study.extensions import db
from study.models import CodeSetVersion, CptCode, HcpcsCode, Icd10cmCode, Modifier, PcsCode
from study.services import code_loaders, codes
from study.services.code_source import DbCodeSource

ROOT = Path(__file__).resolve().parents[2]
HCPCS_DIR = ROOT.parent / "shared" / "data" / "hcpcs"
HCPCS_FILE = HCPCS_DIR / "HCPC2020_ANWEB_w_disclaimer.txt"
needs_cms_file = pytest.mark.skipif(
    not HCPCS_FILE.exists(),
    reason="the CMS HCPCS test file lives in ../shared/data/hcpcs, which only the project's CI and developers have",
)


def test_full_icd10cm_is_loaded_with_version(app):
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.kind.not_in(("chapter", "block"))))
    assert total == 98_186
    assert code_loaders.reportable_count() == 74_719
    version = db.session.get(CodeSetVersion, "icd10cm")
    assert "simple-icd-10-cm 1.5.0" in version.version and version.count == 98_505


def test_malformed_seventh_character_descriptions_are_cleaned(app):
    row = db.session.get(Icd10cmCode, "S72.001B")
    assert "/" not in row.description and "\t" not in row.description
    assert row.description.endswith("initial encounter for open fracture type I or II")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.description.contains("/\t"))) == 0


@pytest.fixture
def restore_code_lists(app):
    """These tests replace session-wide reference tables: put the project's lists back afterwards."""
    yield
    db.session.rollback()
    for model in (HcpcsCode, PcsCode, CptCode):
        db.session.execute(model.__table__.delete())
    db.session.execute(Modifier.__table__.delete())
    db.session.execute(CodeSetVersion.__table__.delete().where(CodeSetVersion.system.in_(("hcpcs", "pcs", "cpt"))))
    db.session.commit()
    code_loaders.load_project_lists()
    code_loaders.load_pcs_data()  # the derived FY2026 codes again (no "pcs" version: they are reloaded)


@needs_cms_file
def test_load_real_cms_hcpcs_file(app, runner, restore_code_lists):
    result = runner.invoke(args=["codes", "load-hcpcs", str(HCPCS_FILE)])
    assert result.exit_code == 0, result.output
    assert "6,710 HCPCS codes and 369 modifiers" in result.output
    j1100 = db.session.get(HcpcsCode, "J1100")
    assert j1100.short_description == "Dexamethasone sodium phos" and j1100.source == "cms"
    g0438 = db.session.get(HcpcsCode, "G0438")
    assert len(g0438.long_description) > len(g0438.short_description)  # continuation lines joined
    assert db.session.get(Modifier, "RT").source == "cms"
    assert db.session.get(Modifier, "25").source == "project"  # CPT modifiers stay ours
    checker = codes.checker()
    assert checker.check("hcpcs", "j1100").status == "reportable"
    # A4466 was terminated at the end of 2016: known to the file, not reportable now
    assert db.session.get(HcpcsCode, "A4466").termination_date.year == 2016
    assert checker.check("hcpcs", "A4466").status == "invalid"
    assert code_loaders.code_set_version("hcpcs").source == "cms"
    # setup does not overwrite a CMS load with the project's list
    code_loaders.load_project_lists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HcpcsCode)) == 6710


def test_bad_hcpcs_file_imports_nothing(app, runner, tmp_path, restore_code_lists):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(HcpcsCode))
    bad = tmp_path / "bad.txt"
    good_line = "J1100" + "00100" + "3" + "Injection, dexamethasone sodium phosphate, 1mg".ljust(80) + "Dexamethasone sodium phos".ljust(28)
    bad.write_bytes((good_line.ljust(320) + "\r\n" + "this is not a record at all\r\n").encode("cp1252"))
    result = runner.invoke(args=["codes", "load-hcpcs", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}:2:" in result.output and "nothing was imported" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HcpcsCode)) == before


def test_a_site_pcs_order_file_takes_precedence_over_the_derived_set(app, runner, tmp_path, restore_code_lists):
    assert code_loaders.code_set_version("pcs").source == "cms-fy2026"
    assert codes.checker().check("pcs", "0DTJ4ZZ").description == "Resection of Appendix, Percutaneous Endoscopic Approach"
    lines = [
        "00001 0FT     0 Resection of hepatobiliary system and pancreas",
        "00002 0FT44ZZ 1 Resection of gallbladder, perc endo approach                Resection"
        " of Gallbladder, Percutaneous Endoscopic Approach (site file)",
        "00003 10D00Z1 1 Extraction of POC, low, open approach                      "
        " Extraction of Products of Conception, Low, Open Approach",
    ]
    path = tmp_path / "icd10pcs_order_2026.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    result = runner.invoke(args=["codes", "load-pcs", str(path)])
    assert result.exit_code == 0, result.output
    fresh = CodeChecker(DbCodeSource())
    assert fresh.check("pcs", "0ft44zz").description.endswith("(site file)")
    assert fresh.check("pcs", "0FT44ZY").status == "invalid"
    assert fresh.check("pcs", "0DTJ4ZZ").status == "invalid"  # not in the site's file
    # setup again (and even a forced reload of the derived files) keeps the site's file
    assert code_loaders.load_pcs_data() is None
    assert code_loaders.load_pcs_data(force=True)["codes"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PcsCode)) == 2
    assert CodeChecker(DbCodeSource()).check("pcs", "0ft44zz").description.endswith("(site file)")
    assert "ICD-10-PCS (this site's CMS file)" in CodeChecker(DbCodeSource()).check("pcs", "0FT44ZY").message


def test_load_licensed_cpt_csv(app, runner, tmp_path, restore_code_lists):
    path = tmp_path / "cpt.csv"
    path.write_text("code,description\n99213,Site-licensed descriptor A\n0001T,Site-licensed descriptor B\n", encoding="utf-8")
    result = runner.invoke(args=["codes", "load-cpt", str(path)])
    assert result.exit_code == 0, result.output
    fresh = CodeChecker(DbCodeSource())
    assert fresh.check("cpt", "99213").status == "reportable"
    assert fresh.check("cpt", "99999").status == "invalid"
    bad = tmp_path / "bad.csv"
    bad.write_text("99213,A\n9921,B\n", encoding="utf-8")
    result = runner.invoke(args=["codes", "load-cpt", str(bad)])
    assert result.exit_code != 0 and f"{bad}:2:" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CptCode)) == 2


def test_lay_terms_are_loaded_once_and_again_when_the_file_changes(app):
    from study.models import CodeLayTerm
    from study.services import code_search

    loaded = db.session.scalar(sa.select(sa.func.count()).select_from(CodeLayTerm))
    assert loaded == code_loaders.code_set_version("lay_terms").count >= 400
    assert code_loaders.load_lay_terms() == 0  # setup again: the same file is not reloaded
    try:
        changed = "- {term: heart attack, kind: lay, means: a test meaning, families: [I21]}\n"
        assert code_loaders.load_lay_terms(changed) == 1
        # a process that reloaded the table reads it again
        assert [s.means for s in code_search.search("heart attack").synonyms] == ["a test meaning"]
        assert code_search.search("uti").synonyms == []
    finally:
        assert code_loaders.load_lay_terms() == loaded
    assert code_search.search("uti").synonyms[0].families == ("N39.0",)
