"""The JSON shapes of the code book (the /api/codes endpoints and `flask codes ... --json`), built
from the services' values without a database."""

from types import MappingProxyType

from study.codebook.payloads import check_payload, conflicts_payload, describe_payload, search_payload
from study.codes.lay_terms import LayTerm
from study.codes.types import CodeCheck, CodeRecord, Conflict
from study.services.code_book import CodeDetail
from study.services.code_search import SearchHit, SearchResult

CHECK = CodeCheck(
    "icd10cm", "s7221", "S72.21", "incomplete", "Add the 7th character.", "Displaced fracture", ("S72.21XA",), "7th character"
)
CHAPTER = CodeRecord(code="19", kind="chapter", description="Injury", reportable=False, parent=None)
CATEGORY = CodeRecord(
    code="S72",
    kind="category",
    description="Fracture of femur",
    reportable=False,
    parent="19",
    notes=MappingProxyType({"excludes1": ("traumatic amputation",)}),
)
RECORD = CodeRecord(
    code="S72.21",
    kind="subcategory",
    description="Displaced fracture",
    reportable=False,
    parent="S72",
    notes=MappingProxyType({"includes": ("subtrochanteric",)}),
    seventh=MappingProxyType({"A": "initial encounter"}),
)


def test_check_payload():
    assert check_payload(CHECK) == {
        "input": "s7221",
        "system": "icd10cm",
        "code": "S72.21",
        "status": "incomplete",
        "reportable": False,
        "message": "Add the 7th character.",
        "description": "Displaced fracture",
        "missing": "7th character",
        "suggestions": ["S72.21XA"],
    }


def test_describe_payload_adds_the_detail_when_there_is_one():
    assert describe_payload(CHECK, None) == check_payload(CHECK)
    detail = CodeDetail(
        record=RECORD,
        ancestors=[CHAPTER, CATEGORY],
        children=[SearchHit("S72.21XA", "initial", True, "code")],
        inherited_notes=[(CATEGORY, "excludes1", ("traumatic amputation",))],
    )
    assert describe_payload(CHECK, detail) == check_payload(CHECK) | {
        "hierarchy": [
            {"code": "19", "kind": "chapter", "description": "Injury"},
            {"code": "S72", "kind": "category", "description": "Fracture of femur"},
        ],
        "notes": {"includes": ["subtrochanteric"]},
        "inherited_notes": [{"from": "S72", "kind": "excludes1", "lines": ["traumatic amputation"]}],
        "seventh_characters": {"A": "initial encounter"},
        "children": [{"code": "S72.21XA", "description": "initial", "reportable": True}],
    }


def test_search_and_conflicts_payloads():
    result = SearchResult("e112", "code", [SearchHit("E11.21", "Nephropathy", True, "code")], total=1)
    payload = search_payload(result)
    # the contract's fields, unchanged
    assert {k: payload[k] for k in ("query", "mode", "total")} == {"query": "e112", "mode": "code", "total": 1}
    assert [{k: r[k] for k in ("code", "description", "reportable", "kind")} for r in payload["results"]] == [
        {"code": "E11.21", "description": "Nephropathy", "reportable": True, "kind": "code"}
    ]
    # and the fields added since (issue 16)
    assert (payload["results"][0]["system"], payload["results"][0]["matched"]) == ("icd10cm", "")
    assert {k: payload[k] for k in ("system", "synonyms", "suggestions", "notices", "did_you_mean")} == {
        "system": "icd10cm", "synonyms": [], "suggestions": [], "notices": [], "did_you_mean": []
    }
    words = SearchResult("uti", "words", synonyms=[LayTerm("uti", "abbreviation", "urinary tract infection", ("N39.0",))])
    assert search_payload(words)["synonyms"] == [
        {"term": "uti", "kind": "abbreviation", "means": "urinary tract infection", "families": ["N39.0"]}
    ]
    assert conflicts_payload([Conflict("excludes1", ("E11.9", "E10.9"), "Never together.")]) == [
        {"kind": "excludes1", "codes": ["E11.9", "E10.9"], "message": "Never together."}
    ]
