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
from study.services.code_source import DbCodeSource, bare_prefix, record_from_row  # noqa: F401 (re-exported)

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

    Every word must match, as a whole (stemmed) word and the last one also as a prefix; when that
    finds nothing, every word as a prefix ("diab nephrop" finds diabetic nephropathy). Results are
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
        # the index order of the bare code is the tabular order within a prefix: no sort needed
        .order_by(Icd10cmCode.bare)
        .limit(limit)
    ).all()
    return [SearchHit(*row) for row in rows]


# up to this many matches are ordered by entry length; more are ranked with bm25 (SQLite)
_SHORT_LIST = 300


def _word_hits(words: list[str], limit: int) -> list[SearchHit]:
    """Whole (stemmed) words, the last one also as a prefix; when that finds nothing, every word
    as a prefix ("diab nephrop"). Prefix matches of common words are costly, so they come second."""
    hits = _word_query(words, limit, prefix_all=False)
    if not hits and len(words) > 1:
        hits = _word_query(words, limit, prefix_all=True)
    return hits


def _terms(words: list[str], prefix_all: bool, prefix: str, exact: str) -> list[str]:
    # one- and two-character words ("d", "2") never as prefixes: they would match most of the table
    last = len(words) - 1
    return [prefix.format(w) if len(w) >= 3 and (prefix_all or i == last) else exact.format(w) for i, w in enumerate(words)]


def _word_query(words: list[str], limit: int, *, prefix_all: bool) -> list[SearchHit]:
    if db.engine.dialect.name == "postgresql":
        tsquery = " & ".join(_terms(words, prefix_all, "{}:*", "{}"))
        stmt = sa.text(
            "SELECT code, description, reportable, kind FROM icd10cm_code, to_tsquery('english', :q) query "
            "WHERE to_tsvector('english', search_text) @@ query "
            "ORDER BY ts_rank(to_tsvector('english', search_text), query) DESC, reportable DESC, position "
            "LIMIT :limit"
        )
        rows = db.session.execute(stmt, {"q": tsquery, "limit": limit}).all()
    else:
        terms = " ".join(_terms(words, prefix_all, '"{}"*', '"{}"'))
        match = f"search_text : ({terms})"
        matches = db.session.execute(
            sa.text("SELECT count(*) FROM (SELECT rowid FROM icd10cm_fts WHERE icd10cm_fts MATCH :q LIMIT :cap)"),
            {"q": match, "cap": _SHORT_LIST + 1},
        ).scalar()
        if matches <= _SHORT_LIST:
            # a short list: the shortest entries are the closest matches (what bm25 favours on text this
            # short), without the cost of bm25's index statistics, which dominate small queries
            stmt = sa.text(
                "SELECT c.code, c.description, c.reportable, c.kind FROM icd10cm_code c "
                "WHERE c.rowid IN (SELECT rowid FROM icd10cm_fts WHERE icd10cm_fts MATCH :q) "
                "ORDER BY length(c.search_text), c.reportable DESC, c.position LIMIT :limit"
            )
        else:
            # rank inside FTS5 first (bm25 over the matches only), then join the few rows kept
            stmt = sa.text(
                "SELECT c.code, c.description, c.reportable, c.kind FROM "
                "(SELECT rowid, rank FROM icd10cm_fts WHERE icd10cm_fts MATCH :q ORDER BY rank LIMIT :limit) f "
                "JOIN icd10cm_code c ON c.rowid = f.rowid "
                "ORDER BY f.rank, c.reportable DESC, c.position"
            )
        rows = db.session.execute(stmt, {"q": match, "limit": limit}).all()
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

    from study.codes.loaders import load_modifier_list

    modifiers = load_modifier_list()
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


# ---------------------------------------------------------------- files a site loads itself
class CodeFileError(Exception):
    """A code file that cannot be imported; `problems` are `path:line: message` strings."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_hcpcs_file(path: str) -> dict:
    """Import a CMS HCPCS Level II alpha-numeric file (codes and modifiers), replacing the project's list.

    All or nothing: any line the parser cannot understand stops the import with its line number.
    """
    from pathlib import Path

    from study.codes.hcpcs_file import parse_hcpcs_file
    from study.models import HcpcsCode, Modifier

    data = Path(path).read_bytes()
    result = parse_hcpcs_file(data)
    if result.problems or not result.records:
        problems = [f"{path}:{p.line}: {p.message}" for p in result.problems] or [f"{path}:1: no HCPCS records found"]
        raise CodeFileError(problems)
    try:
        db.session.execute(HcpcsCode.__table__.delete())
        db.session.execute(Modifier.__table__.delete().where(Modifier.source == "cms"))
        project_modifiers = {m.code: m for m in db.session.scalars(sa.select(Modifier))}
        rows = [
            {
                "code": r.code,
                "short_description": r.short_description[:200],
                "long_description": r.long_description,
                "effective_date": r.effective_date,
                "termination_date": r.termination_date,
                "action_code": r.action_code[:1],
                "source": "cms",
            }
            for r in result.codes
        ]
        for start in range(0, len(rows), _BATCH):
            db.session.execute(HcpcsCode.__table__.insert(), rows[start : start + _BATCH])
        for m in result.modifiers:
            description = m.long_description or m.short_description
            if m.code in project_modifiers:
                project_modifiers[m.code].description = description[:300]
                project_modifiers[m.code].source = "cms"
            else:
                db.session.add(Modifier(code=m.code, description=description[:300], source="cms"))
        latest = max((r.effective_date for r in result.records if r.effective_date), default=None)
        version = f"CMS HCPCS file {Path(path).name}" + (f", effective through {latest.isoformat()}" if latest else "")
        _record_version("hcpcs", version, "cms", len(rows))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"codes": len(result.codes), "modifiers": len(result.modifiers), "version": version}


def load_pcs_file(path: str) -> dict:
    """Import a CMS ICD-10-PCS order file: afterwards PCS codes are checked for existence."""
    from pathlib import Path

    from study.codes.pcs_file import parse_pcs_order_file
    from study.models import PcsCode

    result = parse_pcs_order_file(Path(path).read_bytes())
    if result.problems or not result.codes:
        problems = [f"{path}:{p.line}: {p.message}" for p in result.problems] or [f"{path}:1: no valid PCS codes found"]
        raise CodeFileError(problems)
    try:
        db.session.execute(PcsCode.__table__.delete())
        rows = [{"code": r.code, "description": r.long_description or r.short_description, "source": "cms"} for r in result.codes]
        for start in range(0, len(rows), _BATCH):
            db.session.execute(PcsCode.__table__.insert(), rows[start : start + _BATCH])
        _record_version("pcs", f"CMS ICD-10-PCS order file {Path(path).name}", "cms", len(rows))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"codes": len(rows)}


def load_cpt_file(path: str) -> dict:
    """Import a site's own licensed CPT file (CSV: code,description). The project ships none."""
    import csv
    from pathlib import Path

    from study.codes.normalize import is_cpt_shape
    from study.models import CptCode

    problems: list[str] = []
    rows: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.reader(fh), start=1):
            if not row or not "".join(row).strip():
                continue
            code = row[0].strip().upper()
            if line_no == 1 and not is_cpt_shape(code):
                continue  # a header row
            if not is_cpt_shape(code):
                problems.append(f"{path}:{line_no}: {code!r} is not a CPT code (5 digits, or 4 digits and F or T)")
            elif code in rows:
                problems.append(f"{path}:{line_no}: {code} appears twice")
            else:
                rows[code] = (row[1] if len(row) > 1 else "").strip()
    if problems or not rows:
        raise CodeFileError(problems or [f"{path}:1: no CPT codes found"])
    try:
        db.session.execute(CptCode.__table__.delete())
        db.session.execute(CptCode.__table__.insert(), [{"code": c, "description": d} for c, d in rows.items()])
        _record_version("cpt", f"licensed CPT file {Path(path).name}", "licensed", len(rows))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"codes": len(rows)}
