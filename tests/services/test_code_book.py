"""The code book's detail of a code, on the real ICD-10-CM tables (loaded once per session)."""

import pytest

from study.services import code_book

pytestmark = pytest.mark.usefixtures("app")


def test_code_detail_hierarchy_notes_and_seventh(app):
    detail = code_book.code_detail("S72.21")
    assert [a.code for a in detail.ancestors] == ["19", "S70-S79", "S72", "S72.2", "S72.21"][: len(detail.ancestors)]
    assert [a.kind for a in detail.ancestors][:3] == ["chapter", "block", "category"]
    assert detail.record.seventh["A"] == "initial encounter for closed fracture"
    e11 = code_book.code_detail("E11.22")
    assert any(kind == "excludes1" for owner, kind, lines in e11.inherited_notes)


def test_describe_adds_the_detail_of_icd10cm_codes_only(app):
    check, detail = code_book.describe("e1122")
    assert (check.code, check.status) == ("E11.22", "reportable") and detail.record.code == "E11.22"
    header, header_detail = code_book.describe("E11.2")
    assert header.status == "incomplete" and header_detail.record.code == "E11.2"
    assert code_book.describe("Q99.99")[1] is None  # invalid: no detail
    procedure, none = code_book.describe("99214")
    assert procedure.system == "cpt" and none is None
    assert code_book.code_detail("Q99.99") is None
