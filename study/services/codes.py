"""Code sets: loading (setup time), checking, word and prefix search, and the code-book detail."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g

from study.codes.checking import CodeChecker
from study.codes.normalize import icd10cm_without_dot, normalize_icd10cm
from study.codes.types import CodeRecord
from study.extensions import db
from study.models import CodeSetVersion, Icd10cmCode
from study.models.base import utcnow
from study.services.code_source import DbCodeSource, bare_prefix, record_from_row

ICD10CM = "icd10cm"
_BATCH = 5000


# ---------------------------------------------------------------- loading (setup time only)
def code_set_version(system: str) -> CodeSetVersion | None:
    return db.session.get(CodeSetVersion, system)


def _record_version(system: str, version: str, source: str, count: int) -> None:
    row = db.session.get(CodeSetVersion, system) or CodeSetVersion(system=system)
    row.version, row.source, row.count, row.loaded_at = version, source, count, utcnow()
    db.session.add(row)


def _search_text(record: CodeRecord) -> str:
    terms = record.notes.get("inclusion_term", ())
    return " ".join([record.description, *terms])


def load_icd10cm(records: Iterable[CodeRecord] | None = None, *, version: str = "custom records", force: bool = False) -> int:
    """Fill the ICD-10-CM table (one transaction). Skips when already loaded unless `force`.

    `records` defaults to the `simple-icd-10-cm` package, imported only here (setup time).
    """
    if not force and code_set_version(ICD10CM) is not None:
        return 0
    if records is None:
        from study.codes.memory import ICD10CM_SOURCE, load_icd10cm_records

        records, version = load_icd10cm_records(), ICD10CM_SOURCE
    table = Icd10cmCode.__table__
    count = 0
    try:
        db.session.execute(table.delete())
        batch: list[dict] = []
        for position, record in enumerate(records):
            batch.append(
                {
                    "code": record.code,
                    "bare": icd10cm_without_dot(record.code) if record.kind not in ("chapter", "block") else record.code,
                    "kind": record.kind,
                    "description": record.description,
                    "reportable": record.reportable,
                    "parent": record.parent,
                    "position": position,
                    "notes": json.dumps({k: list(v) for k, v in record.notes.items()}, ensure_ascii=False),
                    "seventh": json.dumps(dict(record.seventh), ensure_ascii=False),
                    "search_text": _search_text(record),
                }
            )
            if len(batch) >= _BATCH:
                db.session.execute(table.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            db.session.execute(table.insert(), batch)
            count += len(batch)
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("INSERT INTO icd10cm_fts(icd10cm_fts) VALUES ('rebuild')"))
        _record_version(ICD10CM, version, "package", count)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE icd10cm_code"))
    return count


# ---------------------------------------------------------------- checking
def checker() -> CodeChecker:
    """The code checker for this request (one per request: its cache never outlives the data)."""
    if "code_checker" not in g:
        g.code_checker = CodeChecker(DbCodeSource())
    return g.code_checker


# ---------------------------------------------------------------- search
MAX_QUERY = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CODE_PREFIX = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?$")


@dataclass(frozen=True)
class SearchHit:
    code: str
    description: str
    reportable: bool
    kind: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: str  # "code", "words" or "empty"
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0  # hits found (capped by the limit for word searches)


def search_words(text: str) -> list[str]:
    """The words of a query as search terms: letters and digits only, so no operator reaches the engine."""
    return [w.lower() for w in _WORD.findall(text[:MAX_QUERY])][:8]


def search(query: str, limit: int = 25) -> SearchResult:
    """Code-prefix search ("E11.2", "e112") or word search ("diab nephrop"), ranked.

    Every word must match; each word matches as a prefix ("nephrop" finds nephropathy). Results are
    ordered by relevance, then reportable codes first, then tabular order; the same contract on SQLite
    (FTS5, bm25) and PostgreSQL (tsvector, ts_rank).
    """
    query = (query or "")[:MAX_QUERY].strip()
    limit = max(1, min(limit, 100))
    if not query:
        return SearchResult(query="", mode="empty")
    compact = query.replace(" ", "")
    if _CODE_PREFIX.match(compact) and any(c.isdigit() for c in compact[:3]):
        hits = _prefix_hits(compact, limit)
        if hits:
            return SearchResult(query=query, mode="code", hits=hits, total=len(hits))
    words = search_words(query)
    if not words:
        return SearchResult(query=query, mode="words")
    hits = _word_hits(words, limit)
    return SearchResult(query=query, mode="words", hits=hits, total=len(hits))


def _prefix_hits(compact: str, limit: int) -> list[SearchHit]:
    bare = icd10cm_without_dot(normalize_icd10cm(compact))
    if not bare:
        return []
    rows = db.session.execute(
        sa.select(Icd10cmCode.code, Icd10cmCode.description, Icd10cmCode.reportable, Icd10cmCode.kind)
        .where(*bare_prefix(bare), Icd10cmCode.kind.not_in(("chapter", "block")))
        .order_by(Icd10cmCode.position)
        .limit(limit)
    ).all()
    return [SearchHit(*row) for row in rows]


def _word_hits(words: list[str], limit: int) -> list[SearchHit]:
    if db.engine.dialect.name == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        stmt = sa.text(
            "SELECT code, description, reportable, kind FROM icd10cm_code, to_tsquery('english', :q) query "
            "WHERE to_tsvector('english', search_text) @@ query "
            "ORDER BY ts_rank(to_tsvector('english', search_text), query) DESC, reportable DESC, position "
            "LIMIT :limit"
        )
        rows = db.session.execute(stmt, {"q": tsquery, "limit": limit}).all()
    else:
        match = " ".join(f'"{w}"*' for w in words)
        stmt = sa.text(
            "SELECT c.code, c.description, c.reportable, c.kind FROM icd10cm_fts f "
            "JOIN icd10cm_code c ON c.rowid = f.rowid "
            "WHERE icd10cm_fts MATCH :q "
            "ORDER BY f.rank, c.reportable DESC, c.position LIMIT :limit"
        )
        rows = db.session.execute(stmt, {"q": f"search_text : ({match})", "limit": limit}).all()
    return [SearchHit(code, description, bool(reportable), kind) for code, description, reportable, kind in rows]


# ---------------------------------------------------------------- code-book detail
@dataclass(frozen=True)
class CodeDetail:
    record: CodeRecord
    ancestors: list[CodeRecord]  # chapter first
    children: list[SearchHit]
    inherited_notes: list[tuple[CodeRecord, str, tuple[str, ...]]]  # (owner, kind, lines) from ancestors


def code_detail(raw: str) -> CodeDetail | None:
    source = checker().source
    code = raw.strip().upper()
    row = db.session.get(Icd10cmCode, code)
    if row is None and code and code[0].isalpha() and "-" not in code:
        row = db.session.get(Icd10cmCode, normalize_icd10cm(code))
    if row is None:
        return None
    record = record_from_row(row)
    ancestors: list[CodeRecord] = []
    parent = record.parent
    while parent:
        parent_record = source.get(parent)
        if parent_record is None:
            break
        ancestors.append(parent_record)
        parent = parent_record.parent
    ancestors.reverse()
    children = [
        SearchHit(*r)
        for r in db.session.execute(
            sa.select(Icd10cmCode.code, Icd10cmCode.description, Icd10cmCode.reportable, Icd10cmCode.kind)
            .where(Icd10cmCode.parent == record.code)
            .order_by(Icd10cmCode.position)
        ).all()
    ]
    inherited = [
        (a, kind, lines)
        for a in ancestors
        if a.kind not in ("chapter",)
        for kind, lines in a.notes.items()
        if kind in ("excludes1", "excludes2", "code_first", "use_additional_code", "code_also", "includes")
    ]
    return CodeDetail(record=record, ancestors=ancestors, children=children, inherited_notes=inherited)


def loaded_versions() -> list[CodeSetVersion]:
    return list(db.session.scalars(sa.select(CodeSetVersion).order_by(CodeSetVersion.system)))


def reportable_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.reportable.is_(True))) or 0




# ---------------------------------------------------------------- payloads (CLI and JSON API)
_PCS_SHAPE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


def guess_system(raw: str) -> str:
    """Which code set a typed code most likely belongs to (ICD-10-CM unless the shape says otherwise)."""
    from study.codes.normalize import classify_procedure_code

    compact = (raw or "").strip().upper().replace(" ", "")
    if classify_procedure_code(compact) in ("cpt", "hcpcs") and "." not in compact:
        if classify_procedure_code(compact) == "cpt" or not db.session.get(Icd10cmCode, normalize_icd10cm(compact)):
            return classify_procedure_code(compact)
    if _PCS_SHAPE.match(compact) and compact[0].isdigit():
        return "pcs"
    return "icd10cm"


def check_payload(raw: str, system: str | None = None) -> dict:
    check = checker().check(system or guess_system(raw), raw)
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


def describe_code(raw: str) -> dict:
    payload = check_payload(raw)
    if payload["system"] == "icd10cm" and payload["status"] != "invalid":
        detail = code_detail(payload["code"])
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
    return {
        "query": result.query,
        "mode": result.mode,
        "total": result.total,
        "results": [
            {"code": h.code, "description": h.description, "reportable": h.reportable, "kind": h.kind} for h in result.hits
        ],
    }


def conflicts_payload(diagnoses: list[str]) -> list[dict]:
    return [{"kind": c.kind, "codes": list(c.codes), "message": c.message} for c in checker().conflicts(diagnoses)]


# ---------------------------------------------------------------- the project's own lists
def _project_yaml(name: str) -> dict[str, str]:
    import yaml
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "codes" / "data" / name
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).upper(): str(v) for k, v in data.items()}


def load_project_lists() -> None:
    """Modifiers, and the HCPCS and PCS codes the bank uses, with the project's own descriptions.

    Idempotent and quick. A CMS file loaded with `load-hcpcs`/`load-pcs` takes precedence: its rows
    are never replaced by the project's lists.
    """
    from study.models import HcpcsCode, Modifier, PcsCode

    modifiers = _project_yaml("modifiers.yaml")
    existing = {m.code: m for m in db.session.scalars(sa.select(Modifier))}
    for code, description in modifiers.items():
        row = existing.get(code)
        if row is None:
            db.session.add(Modifier(code=code, description=description, source="project"))
        elif row.source == "project" and row.description != description:
            row.description = description
    for system, model, filename in (("hcpcs", HcpcsCode, "hcpcs_project.yaml"), ("pcs", PcsCode, "pcs_project.yaml")):
        version = code_set_version(system)
        if version is not None and version.source == "cms":
            continue
        listed = _project_yaml(filename)
        db.session.execute(model.__table__.delete().where(model.source == "project"))
        for code, description in listed.items():
            if model is HcpcsCode:
                db.session.add(HcpcsCode(code=code, short_description=description, long_description=description, source="project"))
            else:
                db.session.add(PcsCode(code=code, description=description, source="project"))
        _record_version(system, f"CodePrep's own list of the {len(listed)} codes its bank uses", "project", len(listed))
    db.session.commit()
