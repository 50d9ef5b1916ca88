"""ICD-10-CM search: by code prefix ("E11.2", "e112") or by words ("diab nephrop"), ranked, with
the same contract on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from study.codes.normalize import icd10cm_without_dot, normalize_icd10cm
from study.extensions import db
from study.models import Icd10cmCode
from study.services.code_source import bare_prefix

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
        ).scalar_one()
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
