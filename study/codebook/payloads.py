"""The JSON shapes of the code book's answers (the /api/codes endpoints and `flask codes ... --json`):
plain dicts built from what the code services return."""

from __future__ import annotations

from collections.abc import Iterable

from study.codes.types import CodeCheck, Conflict
from study.services.code_book import CodeDetail
from study.services.code_search import SearchHit, SearchResult, Synonym


def check_payload(check: CodeCheck) -> dict:
    return {
        "input": check.input,
        "system": check.system,
        "code": check.code,
        "status": check.status,
        "reportable": check.reportable,
        "message": check.message,
        "description": check.description,
        "missing": check.missing,
        "suggestions": list(check.suggestions),
    }


def _hit(h: SearchHit) -> dict:
    return {"code": h.code, "description": h.description, "reportable": h.reportable, "kind": h.kind, "system": h.system}


def _synonym(s: Synonym) -> dict:
    return {"term": s.term, "kind": s.kind, "means": s.means, "families": list(s.families)}


def describe_payload(check: CodeCheck, detail: CodeDetail | None, other: SearchResult | None = None) -> dict:
    """The check and, when there is one, the code book's detail of the code; for a code of another
    code set (`other`), what the code book says about it and the ICD-10-CM code it may have meant."""
    payload = check_payload(check)
    if other is not None:
        payload["notices"] = list(other.notices)
        payload["did_you_mean"] = [_hit(h) for h in other.did_you_mean]
    if detail is not None:
        payload["hierarchy"] = [{"code": a.code, "kind": a.kind, "description": a.description} for a in detail.ancestors]
        payload["notes"] = {k: list(v) for k, v in detail.record.notes.items()}
        payload["inherited_notes"] = [
            {"from": owner.code, "kind": kind, "lines": list(lines)} for owner, kind, lines in detail.inherited_notes
        ]
        payload["seventh_characters"] = dict(detail.record.seventh)
        payload["children"] = [{"code": c.code, "description": c.description, "reportable": c.reportable} for c in detail.children]
    return payload


def search_payload(result: SearchResult) -> dict:
    """`query`, `mode`, `total` and `results` (code, description, reportable, kind) as always; then
    each result's `system` and `matched` (the inclusion term that matched), the lay terms the query
    used (`synonyms`) and those that start with it (`suggestions`), what the code book says about a
    code-shaped query (`notices`) and the same characters in another code set (`did_you_mean`)."""
    return {
        "query": result.query,
        "mode": result.mode,
        "total": result.total,
        "results": [{**_hit(h), "matched": h.matched} for h in result.hits],
        "system": result.system,
        "synonyms": [_synonym(s) for s in result.synonyms],
        "suggestions": [_synonym(s) for s in result.suggestions],
        "notices": list(result.notices),
        "did_you_mean": [_hit(h) for h in result.did_you_mean],
    }


def conflicts_payload(conflicts: Iterable[Conflict]) -> list[dict]:
    return [{"kind": c.kind, "codes": list(c.codes), "message": c.message} for c in conflicts]


def pcs_payload(code: str, other: SearchResult | None, table_exists: bool) -> dict:
    """An ICD-10-PCS code's table (`table`, `table_url`: the table page with the code's values
    chosen; None when no such table is loaded) and, for a code that does not exist, the valid codes
    of its table row with their titles (`suggested`)."""
    hits = other.hits if other is not None and other.system == "pcs" else []
    return {
        "table": code[:3] if table_exists else None,
        "table_url": f"/codes/pcs/{code}#build" if table_exists else None,
        "suggested": [_hit(h) for h in hits if h.code != code],
    }
