"""ICD-10-PCS over the loaded FY2026 set (loaded at setup from the derived files): existence and
titles in several sections, suggestions for codes that do not exist, the table pages' service, and
the loader's idempotence."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import CodeSetVersion, PcsAxisValue, PcsCode, PcsDefinition, PcsRow, PcsTable
from study.services import NotFound, code_loaders, codes, pcs_tables
from tests.support import count_statements


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach"),
        ("0SRC0J9", "Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach"),
        ("3E0336Z", "Introduction of Nutritional Substance into Peripheral Vein, Percutaneous Approach"),
        ("5A1955Z", "Respiratory Ventilation, Greater than 96 Consecutive Hours"),
        ("BW28ZZZ", "Computerized Tomography (CT Scan) of Head"),
        ("XW033K9", None),  # a new-technology code: valid, whatever its title says
    ],
)
def test_valid_codes_are_reportable_with_their_title(app, code, title):
    check = codes.check_code(code, "pcs")
    assert check.status == "reportable" and check.description
    if title:
        assert check.description == title


@pytest.mark.parametrize(
    ("code", "suggested"),
    [
        ("0DTJ3ZZ", ["0DTJ0ZZ", "0DTJ4ZZ", "0DTJ7ZZ", "0DTJ8ZZ", "0DTJ4ZG"]),
        ("0SHC0EZ", ["0SHC03Z", "0SHC04Z", "0SHC05Z", "0SHC08Z", "0SHC33Z"]),
        ("3E0336X", ["3E0336Z"]),
        ("5A1955X", ["5A1955Z", "5A1935Z"]),
        ("BW28ZZ1", ["BW28ZZZ"]),
        ("XW033X9", ["XW033K9", "XW033P9", "XW033Q9", "XW033R9", "XW03308"]),
    ],
)
def test_a_well_formed_code_that_does_not_exist_is_invalid_with_its_row(app, code, suggested):
    check = codes.check_code(code)
    assert check.system == "pcs" and check.status == "invalid"
    assert check.message.startswith(f"{code} is not a valid FY2026 ICD-10-PCS code; valid codes in the same table row:")
    assert list(check.suggestions[: len(suggested)]) == suggested
    assert all(codes.check_code(s, "pcs").reportable for s in check.suggestions)


def test_a_code_whose_table_does_not_exist(app):
    check = codes.check_code("0ZZZZZZ", "pcs")
    assert check.status == "invalid" and "there is no table 0ZZ" in check.message and check.suggestions == ()


def test_loaded_rows_and_versions(app):
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(PcsCode) == 79195 and count(PcsTable) == 917 and count(PcsRow) == 2642
    assert count(PcsAxisValue) > 15000 and count(PcsDefinition) == 13
    assert db.session.get(CodeSetVersion, "pcs").source == "cms-fy2026"
    assert db.session.get(PcsCode, "0DTJ4ZZ").source == "cms-fy2026"


def test_loading_again_is_skipped_and_quick(app):
    started = time.perf_counter()
    assert code_loaders.load_pcs_data() is None
    assert time.perf_counter() - started < 2


def test_index_lists_the_tables_by_section(app):
    with count_statements() as statements:
        sections = pcs_tables.index()
    assert len(statements) == 1
    assert [s.code for s in sections] == list("0123456789BCDFGHX")
    assert sum(len(s.tables) for s in sections) == 917
    medical = sections[0]
    assert medical.name == "Medical and Surgical"
    assert any(t.code == "0DT" and t.operation == "Resection" for t in medical.tables)


def test_a_table_view_with_a_code_built(app):
    with count_statements() as statements:
        view = pcs_tables.view("0DT", {4: "J", 5: "4", 6: "Z", 7: "Z"})
    assert len(statements) <= 5, statements
    assert view.table.operation == "Resection" and view.built.valid and view.built.code == "0DTJ4ZZ"
    assert view.description == "Resection of Appendix, Percutaneous Endoscopic Approach"
    body = {o.value: o for o in view.axes[0].options}
    assert body["J"].label == "Appendix" and body["J"].chosen
    assert ("4", "Percutaneous Endoscopic") == view.approaches[1][:2] and view.approaches[1][2].startswith("Entry, by puncture")
    assert view.partial == "0DTJ4ZZ"


def test_a_table_view_narrows_the_choices(app):
    view = pcs_tables.view("0dtj", {4: "J"})
    approaches = {o.value: o.allowed for o in view.axes[1].options}
    assert approaches == {"0": True, "4": True, "7": True, "8": True, "F": False}  # F only with other body parts
    assert view.built.code is None and view.partial == "0DTJ___"
    wrong = pcs_tables.view("0DT", {4: "J", 5: "F", 6: "Z", 7: "Z"})
    assert wrong.built.code == "0DTJFZZ" and not wrong.built.valid and wrong.description is None
    ignored = pcs_tables.view("0DT", {4: "!", 5: "I"})  # values the table does not have
    assert ignored.built.chosen == {}


def test_a_table_that_does_not_exist(app):
    with pytest.raises(NotFound):
        pcs_tables.view("0ZZ", {})
    assert not pcs_tables.exists("0ZZ") and pcs_tables.exists("0dt")


def test_every_pcs_code_in_the_bank_keys_is_valid_fy2026(app):
    """The 41 inpatient cases: every key PCS line and alternate is a valid FY2026 code; a
    not_reportable PCS code need only be well formed (a wrong combination learners build)."""
    from pathlib import Path

    from study.bank.parser import load_bank
    from study.bank.validate import validate_bank
    from study.codes.normalize import is_pcs_shape

    root = Path(__file__).resolve().parents[2] / "question_bank"
    bank, problems = load_bank(root)
    keyed = [i for i in bank.items if getattr(i, "key", None) is not None and i.key.pcs]
    assert len(keyed) >= 37  # of the 41 inpatient cases, 37 have PCS lines
    checker = codes.checker()
    invalid = [
        (i.id, code)
        for i in keyed
        for line in i.key.pcs
        for code in (line.code, *line.alternates)
        if not checker.check("pcs", code).reportable
    ]
    assert invalid == []
    assert not [p for p in validate_bank(bank, checker) if "ICD-10-PCS" in str(p)]
    # The validator lets a file name a well-formed PCS code no table allows as not reportable (see
    # validate._not_reportable_code); the shipped cases name real codes, so a trap line never
    # teaches a code that does not exist (case-ip-020 once named 0SHC0EZ).
    nonexistent = [
        (i.id, c)
        for i in keyed
        for c, _ in i.key.not_reportable
        if is_pcs_shape(c) and checker.check("pcs", c).status == "invalid"
    ]
    assert nonexistent == []
