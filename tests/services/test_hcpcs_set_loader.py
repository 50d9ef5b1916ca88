"""The HCPCS Level II set of 2026 in the database: loaded at setup (the test session's database is
set up the same way), skipped when already loaded, never over a site's own CMS file; what the
checker, the code book and `flask codes` say with it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from study.codes.hcpcs_set import hcpcs_set_text, parse_hcpcs_set
from study.extensions import db
from study.models import CodeSetVersion, HcpcsCode, Modifier
from study.services import code_loaders, code_search, codes

VERSION = "CMS HCPCS Level II 2026 (I/OCE tables via pyoce 0.1.0, through April 2026)"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HcpcsCode)) or 0


@pytest.fixture
def restore_hcpcs(app):
    """These tests replace the session-wide HCPCS table: put the 2026 set back afterwards."""
    yield
    db.session.rollback()
    db.session.execute(HcpcsCode.__table__.delete())
    db.session.execute(Modifier.__table__.delete())
    db.session.execute(CodeSetVersion.__table__.delete().where(CodeSetVersion.system == "hcpcs"))
    db.session.commit()
    code_loaders.load_project_lists()


def test_setup_loaded_the_2026_set(app):
    version = code_loaders.code_set_version("hcpcs")
    assert (version.version, version.source) == (VERSION, "derived")
    assert version.count == _count() == len(parse_hcpcs_set(hcpcs_set_text()).rows)
    j1100 = db.session.get(HcpcsCode, "J1100")
    assert (j1100.short_description, j1100.source) == ("Dexamethasone sodium phos", "derived")
    assert db.session.get(HcpcsCode, "A2040").effective_date.isoformat() == "2026-04-01"
    assert db.session.get(HcpcsCode, "J2920") is None  # deleted in 2024


def test_loading_again_is_a_no_op_until_the_file_or_the_table_changes(app, restore_hcpcs):
    assert code_loaders.load_hcpcs_set() == 0
    loaded = code_loaders.code_set_version("hcpcs").count
    db.session.execute(HcpcsCode.__table__.delete().where(HcpcsCode.code == "J1100"))
    db.session.commit()
    assert code_loaders.load_hcpcs_set() == loaded  # a table that lost rows is filled again
    assert db.session.get(HcpcsCode, "J1100") is not None
    newer = hcpcs_set_text().replace("through April 2026", "through July 2026", 1)
    assert code_loaders.load_hcpcs_set(newer) == loaded  # a regenerated file is loaded
    assert "through July 2026" in code_loaders.code_set_version("hcpcs").version
    assert code_loaders.load_hcpcs_set(force=True) == loaded == _count()


def test_a_site_cms_file_is_never_replaced(app, runner, tmp_path, restore_hcpcs):
    line = "J1100" + "00100" + "3" + "Injection, dexamethasone sodium phosphate, 1mg".ljust(80) + "Dexameth (site file)".ljust(28)
    path = tmp_path / "HCPC2026_site.txt"
    path.write_bytes((line.ljust(320) + "\r\n").encode("cp1252"))
    result = runner.invoke(args=["codes", "load-hcpcs", str(path)])
    assert result.exit_code == 0, result.output
    assert code_loaders.load_hcpcs_set(force=True) == 0
    code_loaders.load_project_lists()
    assert _count() == 1 and db.session.get(HcpcsCode, "J1100").short_description == "Dexameth (site file)"
    assert code_loaders.code_set_version("hcpcs").source == "cms"
    fresh = codes.checker()
    assert fresh.check("hcpcs", "G2211").message == "G2211 is not in the loaded HCPCS Level II table."
    assert "this site's HCPCS Level II file" in code_search.search("J1001").notices[0]


def test_the_checker_with_the_2026_set(app):
    checker = codes.checker()
    j1100 = checker.check("hcpcs", "j1100")
    assert (j1100.status, j1100.description) == ("reportable", "Dexamethasone sodium phos")
    assert checker.check("procedure", "G2211").description == "Complex e/m visit add on"
    gone = checker.check("hcpcs", "J2920")
    assert gone.status == "invalid" and gone.message == "J2920 is not in the loaded HCPCS Level II table."
    dental = checker.check("hcpcs", "D0120")
    assert dental.status == "reportable" and "CDT book" in dental.message and dental.description is None


def test_setup_says_what_it_loaded(app, capsys, restore_hcpcs):
    from study.cli.codes import setup_code_sets

    db.session.execute(CodeSetVersion.__table__.delete().where(CodeSetVersion.system == "hcpcs"))
    db.session.commit()
    setup_code_sets()
    assert f"HCPCS Level II codes: {VERSION}." in capsys.readouterr().err  # progress goes to stderr
    setup_code_sets()
    again = capsys.readouterr()
    assert "HCPCS" not in again.out + again.err  # nothing loaded the second time, nothing said


def test_codes_show_and_search_json(runner):
    shown = json.loads(runner.invoke(args=["codes", "show", "J1100", "--json"]).output)
    assert (shown["system"], shown["status"], shown["description"]) == ("hcpcs", "reportable", "Dexamethasone sodium phos")
    assert [d["code"] for d in shown["did_you_mean"]] == ["J11.00"]
    found = json.loads(runner.invoke(args=["codes", "search", "dexamethasone", "--json"]).output)
    assert {"query", "mode", "total", "results"} <= set(found) and found["mode"] == "words"
    hcpcs = {r["code"]: r for r in found["results"] if r["system"] == "hcpcs"}
    assert hcpcs["J1100"]["description"] == "Dexamethasone sodium phos" and hcpcs["J1100"]["reportable"] is True
    assert {"code", "description", "reportable", "kind", "system", "matched"} <= set(found["results"][0])
    assert found["total"] == len(found["results"])
    # any 2026 code, not only the bank's: E0114 was never in the bank's list
    crutch = json.loads(runner.invoke(args=["codes", "show", "E0114", "--json"]).output)
    assert crutch["description"] == "Crutch underarm pair no wood"


def test_word_search_finds_hcpcs_by_the_start_of_words(app):
    codes_found = [h.code for h in code_search.search("crutch underarm").hits if h.system == "hcpcs"]
    assert "E0114" in codes_found and all(c.startswith(("E", "A", "L")) for c in codes_found)
    # words joined by punctuation in CMS's abbreviations: "Cath, hemodialysis,long-term"
    assert "C1750" in [h.code for h in code_search.search("long-term hemodialysis cath").hits]
    # diagnoses first: a search that fills the page with ICD-10-CM lists no HCPCS code
    assert all(h.system == "icd10cm" for h in code_search.search("diabetes").hits)
    # lay terms mean diagnoses: "uti" is not "utility"
    assert [h.code for h in code_search.search("uti").hits] == ["N39.0"]


def test_code_book_page_for_j1100(client, login_as):
    login_as("learner")
    page = client.get("/codes/J1100").get_data(as_text=True)
    assert "HCPCS Level II" in page and "Dexamethasone sodium phos" in page and 'href="/codes/J11.00"' in page
    listed = client.get("/codes", query_string={"q": "dexamethasone"}).get_data(as_text=True)
    assert "J1100" in listed and "Dexamethasone sodium phos" in listed


@pytest.mark.parametrize("query", ["dexamethasone", "crutch underarm", "J1100", "J1001"])
def test_the_code_book_page_keeps_its_query_budget(client, login_as, query):
    from tests.support import count_statements

    login_as("learner")
    client.get("/codes", query_string={"q": "warm up"})  # the session's first reads
    with count_statements() as statements:
        page = client.get("/codes", query_string={"q": query})
    assert page.status_code == 200 and len(statements) <= 12, statements


def test_word_search_sees_a_site_file_loaded_after_the_first_search(app, tmp_path, restore_hcpcs):
    """Each process keeps the HCPCS words in memory: a CMS file loaded later must not leave them stale."""
    assert any(h.code == "J1100" for h in code_search.search("dexamethasone sodium").hits)
    line = "J1100" + "00100" + "3" + "Injection, dexamethasone sodium phosphate, 1mg".ljust(80) + "Dexameth (site file)".ljust(28)
    path = tmp_path / "HCPC2026_site.txt"
    path.write_bytes((line.ljust(320) + "\r\n").encode("cp1252"))
    code_loaders.load_hcpcs_file(str(path))
    found = code_search.search("dexameth site").hits
    assert [(h.code, h.description) for h in found if h.system == "hcpcs"] == [("J1100", "Dexameth (site file)")]
