"""ICD-10-CM records built from simple-icd-10-cm, and the in-memory code source."""

from __future__ import annotations

from collections import Counter

import pytest

from study.codes.memory import (
    MemoryCodeSource,
    cached_icd10cm_records,
    levenshtein,
)
from study.codes.types import NOTE_KINDS, CodeRecord, CodeSource


@pytest.fixture(scope="module")
def records() -> tuple[CodeRecord, ...]:
    return cached_icd10cm_records()


def test_counts_match_the_fy2026_code_set(records: tuple[CodeRecord, ...]) -> None:
    kinds = Counter(r.kind for r in records)
    codes = [r for r in records if r.kind not in ("chapter", "block")]
    assert len(codes) == 98_186  # categories, subcategories and codes
    assert sum(r.reportable for r in codes) == 74_719
    assert kinds["chapter"] == 22
    assert kinds["block"] == 297
    assert not any(r.reportable for r in records if r.kind in ("chapter", "block"))


def test_every_code_is_unique_and_every_parent_exists(records: tuple[CodeRecord, ...]) -> None:
    by_code = {r.code: r for r in records}
    assert len(by_code) == len(records)
    for record in records:
        if record.kind == "chapter":
            assert record.parent is None
        else:
            assert record.parent in by_code


def test_blocks_named_like_their_category_get_a_range_code(icd_source: MemoryCodeSource) -> None:
    block = icd_source.get("B99-B99")
    category = icd_source.get("B99")
    assert block is not None and block.kind == "block"
    assert category is not None and category.kind == "category" and category.parent == "B99-B99"
    assert icd_source.get("E08-E13").kind == "block"  # type: ignore[union-attr]
    assert icd_source.get("4").kind == "chapter"  # type: ignore[union-attr]


def test_kinds_and_reportability(icd_source: MemoryCodeSource) -> None:
    expectations = {
        "E11": ("category", False),
        "E11.2": ("subcategory", False),
        "E11.22": ("code", True),
        "I10": ("category", True),
        "S72.21": ("subcategory", False),
        "S72.21XA": ("code", True),
    }
    for code, (kind, reportable) in expectations.items():
        record = icd_source.get(code)
        assert record is not None, code
        assert (record.kind, record.reportable) == (kind, reportable), code


def test_notes_are_the_records_own(icd_source: MemoryCodeSource) -> None:
    e11 = icd_source.get("E11")
    assert e11 is not None
    assert set(e11.notes) <= set(NOTE_KINDS)
    assert any("(E10.-)" in note for note in e11.notes["excludes1"])
    assert any("Z79.4" in note for note in e11.notes["use_additional_code"])
    e1122 = icd_source.get("E11.22")
    assert e1122 is not None
    assert "excludes1" not in e1122.notes  # inherited notes live on E11, not copied
    assert any("N18.1-N18.6" in note for note in e1122.notes["use_additional_code"])
    g63 = icd_source.get("G63")
    assert g63 is not None and g63.notes["code_first"]


def test_seventh_character_tables_are_inherited(icd_source: MemoryCodeSource) -> None:
    s72 = icd_source.get("S72")
    leaf_parent = icd_source.get("S72.21")
    code = icd_source.get("S72.21XA")
    assert s72 and leaf_parent and code
    assert s72.seventh["A"] == "initial encounter for closed fracture"
    assert leaf_parent.seventh == s72.seventh
    assert code.seventh["S"] == "sequela"
    assert icd_source.get("E11.22").seventh == {}  # type: ignore[union-attr]
    o31 = icd_source.get("O31.10")
    assert o31 is not None and o31.seventh["1"] == "fetus 1"


def test_malformed_seventh_character_descriptions_are_cleaned(records: tuple[CodeRecord, ...], icd_source: MemoryCodeSource) -> None:
    record = icd_source.get("S72.001B")
    assert record is not None
    assert record.description == ("Fracture of unspecified part of neck of right femur, initial encounter for open fracture type I or II")
    assert "initial encounter for open fracture NOS" in record.notes["inclusion_term"]
    assert icd_source.get("S72.001").seventh["B"] == "initial encounter for open fracture type I or II"  # type: ignore[union-attr]
    assert not any("/\t" in r.description for r in records)
    assert not any("/\t" in meaning for r in records for meaning in r.seventh.values())
    retinal = icd_source.get("H34.8112")
    assert retinal is not None and retinal.description.endswith("right eye, stable")
    cleaned = [r for r in records if any(n for n in r.notes.get("inclusion_term", ()) if n == "initial encounter for open fracture NOS")]
    assert len(cleaned) > 500  # the ~600 generated codes the package got wrong


def test_children_in_tabular_order(icd_source: MemoryCodeSource) -> None:
    assert icd_source.children("E11.2") == ["E11.21", "E11.22", "E11.29"]
    assert icd_source.children("E11.22") == []
    assert icd_source.children("NOPE") == []


def test_nearest_prefers_the_longest_common_prefix(icd_source: MemoryCodeSource) -> None:
    assert icd_source.nearest("E11.25")[:3] == ["E11.21", "E11.22", "E11.29"]
    assert icd_source.nearest("S72.21A")[0] == "S72.21XA"
    assert icd_source.nearest("E11.25") == icd_source.nearest("e1125")  # deterministic, normalized
    assert len(icd_source.nearest("Z99.999", limit=3)) == 3
    assert icd_source.nearest("") == []
    assert icd_source.nearest("!!!") == []
    for code in icd_source.nearest("E11.25"):
        record = icd_source.get(code)
        assert record is not None and record.reportable


def test_memory_source_tables() -> None:
    source = MemoryCodeSource(
        [CodeRecord("A00.0", "code", "Cholera", True, None)],
        hcpcs={"j1100": "Dexamethasone"},
        modifiers={"rt": "Right side"},
        cpt={"99214": "Licensed descriptor"},
    )
    assert isinstance(source, CodeSource)
    assert source.hcpcs("J1100") == "Dexamethasone" and not source.hcpcs_loaded()
    assert source.modifier("RT") == "Right side"
    assert source.cpt_loaded() and source.cpt("99214") == "Licensed descriptor" and source.cpt("99215") is None
    assert not source.pcs_loaded() and source.pcs("0SRC0J9") is None
    other = source.with_tables(pcs={"0SRC0J9": "Replacement"})
    assert other.get("A00.0") is source.get("A00.0")
    assert other.pcs_loaded() and not other.cpt_loaded()


def test_levenshtein() -> None:
    assert levenshtein("S7221A", "S7221XA") == 1
    assert levenshtein("", "abc") == 3
    assert levenshtein("kitten", "sitting") == 3
