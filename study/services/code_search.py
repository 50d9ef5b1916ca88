"""Code-book search: by code ("E11.2", "e112", "J1100", "99213", "0SRC0J9") or by words ("diab
nephrop", "heart attack"), ranked, with the same contract on SQLite (FTS5, bm25) and PostgreSQL
(tsvector, ts_rank).

Words are matched three ways, best first: the project's lay-term table ("heart attack" -> I21, I22;
"uti" -> N39.0; loaded at setup into `code_lay_term`), then the code set's own titles and inclusion
terms (both in the full-text index: "stroke" finds I63.9 through its inclusion term "Stroke NOS"),
and when that leaves room on the page, HCPCS Level II short descriptions ("dexamethasone": J1100).
Results come grouped by category (the category of the best hit first) and in tabular order within
a category (N63.0, N63.2, N63.25).
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from study.codes.lay_terms import LayTerm, LayTermIndex, key_words, phrase_keys
from study.codes.normalize import (
    icd10cm_without_dot,
    is_cpt_shape,
    is_hcpcs_shape,
    is_pcs_shape,
    normalize_icd10cm,
)
from study.codes.word_index import WordStartIndex
from study.extensions import db
from study.models import CodeLayTerm, CodeSetVersion, HcpcsCode, Icd10cmCode, PcsCode
from study.services.code_source import bare_prefix, bare_range
from study.services.codes import checker

MAX_QUERY = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CODE_PREFIX = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?$")

#: What the code book says about a CPT code: the project ships no CPT text (README, `codes load-cpt`).
CPT_NOTICE = (
    "{code} is a CPT code. CPT descriptors are the American Medical Association's copyrighted text, "
    "used under licence, so CodePrep ships none: this code book searches ICD-10-CM, and CPT codes are "
    "checked by their shape only. A site that holds a CPT licence loads its file (a CSV of code and "
    "descriptor) with the command: flask --app app codes load-cpt FILE. CPT codes are then checked "
    "against it and shown here."
)

NO_PCS_TABLE = "No ICD-10-PCS table is loaded on this site, so only the code's structure is checked."


@dataclass(frozen=True)
class SearchHit:
    code: str
    description: str
    reportable: bool
    kind: str
    system: str = "icd10cm"  # or "hcpcs", "cpt", "pcs" for a code typed in full
    matched: str = ""  # the inclusion term that matched, when the title does not say the words

    @property
    def category(self) -> str:
        """The ICD-10-CM category (3 characters) a hit sits in; a header or another code set's code stands alone."""
        if self.system != "icd10cm" or self.kind in ("chapter", "block"):
            return self.code
        return self.code[:3]


#: a lay term the query used, and what it means ("heart attack" -> "acute myocardial infarction")
Synonym = LayTerm


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: str  # "code", "words" or "empty"
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0  # hits found (capped by the limit for word searches)
    synonyms: list[Synonym] = field(default_factory=list)  # the lay terms the query used
    suggestions: list[Synonym] = field(default_factory=list)  # lay terms that start with the query, to offer
    notices: list[str] = field(default_factory=list)  # what the code book says about a code-shaped query
    did_you_mean: list[SearchHit] = field(default_factory=list)  # the same characters in another code set
    system: str = "icd10cm"  # the code set searched: "cpt", "hcpcs" or "pcs" for a code of that set


def search_words(text: str) -> list[str]:
    """The words of a query as search terms: letters and digits only, so no operator reaches the engine."""
    return [w.lower() for w in _WORD.findall(text[:MAX_QUERY])][:8]


def search(query: str, limit: int = 25) -> SearchResult:
    """Code search ("E11.2", "e112", "J1100", "99213") or word search ("diab nephrop"), ranked.

    A code typed in full goes to its code set: a HCPCS Level II code this site knows ("J1100", also
    ICD-10-CM J11.00 without its dot: said as "did you mean"), a CPT code (its descriptor only from a
    site's licensed file), an ICD-10-PCS code; otherwise the start of an ICD-10-CM code lists the
    codes under it in tabular order. Words: lay terms first (`_synonym_rows`), then every word as a
    whole (stemmed) word and the last one also as a prefix; when that finds nothing, every word as a
    prefix ("diab nephrop" finds diabetic nephropathy).
    """
    query = (query or "")[:MAX_QUERY].strip()
    limit = max(1, min(limit, 100))
    if not query:
        return SearchResult(query="", mode="empty")
    other = other_code_set(query)
    if other is not None:
        return other
    compact = query.replace(" ", "")
    notices = [_unknown_hcpcs(compact.upper())] if "." not in compact and is_hcpcs_shape(compact.upper()) else []
    if _CODE_PREFIX.match(compact) and any(c.isdigit() for c in compact[:3]):
        hits = _prefix_hits(compact, limit)
        if hits:
            return SearchResult(query=query, mode="code", hits=hits, total=len(hits), notices=notices)
    if " " not in query and _is_lettered_pcs(query.upper()):  # typed as one code, not words ("chest pa")
        return _pcs_result(query, query.upper())
    words = search_words(query)
    if not words:
        return SearchResult(query=query, mode="words", notices=notices)
    hits, synonyms, suggestions = _word_hits(words, limit)
    if len(hits) < limit and not synonyms:  # lay terms mean diagnoses ("uti" is not "utility services")
        hits += _hcpcs_word_hits(words, limit - len(hits))
    return SearchResult(
        query=query, mode="words", hits=hits, total=len(hits), synonyms=synonyms, suggestions=suggestions, notices=notices
    )


# ---------------------------------------------------------------- codes of other code sets
def _icd10cm_exact(code: str) -> SearchHit | None:
    row = db.session.get(Icd10cmCode, normalize_icd10cm(code))
    return None if row is None else SearchHit(row.code, row.description, row.reportable, row.kind)


def other_code_set(query: str) -> SearchResult | None:
    """A CPT, HCPCS Level II or ICD-10-PCS code typed in full, without a dot, as the code book shows
    it; None for anything else (ICD-10-CM, words). A HCPCS-shaped code this site does not know is
    left to ICD-10-CM ("J1000" is J10.00)."""
    code = (query or "")[:MAX_QUERY].replace(" ", "").upper()
    if "." in code:
        return None
    if is_cpt_shape(code):
        if not checker().source.cpt_loaded():
            return SearchResult(query=query, mode="code", system="cpt", notices=[CPT_NOTICE.format(code=code)])
        check = checker().check("cpt", code)
        if check.status != "reportable":
            return SearchResult(query=query, mode="code", system="cpt", notices=[f"{code} is not in this site's licensed CPT file."])
        hit = SearchHit(code, check.description or "", True, "code", "cpt")
        return SearchResult(query=query, mode="code", hits=[hit], total=1, system="cpt")
    if is_hcpcs_shape(code):
        check = checker().check("hcpcs", code)
        if check.status != "reportable":
            return None
        also = _icd10cm_exact(code)
        hit = SearchHit(code, check.description or "", True, "code", "hcpcs")
        return SearchResult(query=query, mode="code", hits=[hit], total=1, system="hcpcs", did_you_mean=[also] if also else [])
    if is_pcs_shape(code) and code[0].isdigit() and len(query.split()) == 1:  # "3 weeks 2" are words
        return _pcs_result(query, code)
    return None


def _unknown_hcpcs(code: str) -> str:
    where = "the HCPCS Level II codes this site knows (no CMS HCPCS file is loaded)"
    if checker().source.hcpcs_loaded():
        # read by hcpcs_loaded() in this session already: no further query
        loaded = db.session.get(CodeSetVersion, "hcpcs")
        where = "this site's HCPCS Level II file" if loaded is None or loaded.source == "cms" else loaded.version
    return f"{code} has the shape of a HCPCS Level II code, but it is not in {where}; it is searched as ICD-10-CM."


#: the ICD-10-PCS sections that start with a letter (imaging, nuclear medicine, radiation therapy,
#: rehabilitation, mental health, substance abuse, new technology)
_PCS_LETTER_SECTIONS = "BCDFGHX"


def _is_lettered_pcs(code: str) -> bool:
    """A PCS code of a lettered section ("BW28ZZZ"); asked only once no ICD-10-CM code starts with it.
    Seven letters are a word being typed ("fractur"), not a code: a code has a digit."""
    return is_pcs_shape(code) and code[0] in _PCS_LETTER_SECTIONS and any(c.isdigit() for c in code)


def _pcs_result(query: str, code: str) -> SearchResult:
    """A PCS code typed in full: the code and its title; a code that does not exist says so, and its
    table's nearest valid codes are the hits (with their titles), so each opens its own page."""
    check = checker().check("pcs", code)
    if check.status != "reportable":
        titles = dict(db.session.execute(sa.select(PcsCode.code, PcsCode.description).where(PcsCode.code.in_(check.suggestions))).all())
        hits = [SearchHit(c, titles.get(c, ""), True, "code", "pcs") for c in check.suggestions]
        return SearchResult(query=query, mode="code", hits=hits, total=len(hits), system="pcs", notices=[check.message])
    hit = SearchHit(code, check.description or check.message, True, "code", "pcs")
    notices = [] if checker().source.pcs_loaded() else [NO_PCS_TABLE]
    return SearchResult(query=query, mode="code", hits=[hit], total=1, system="pcs", notices=notices)


def pcs_result(code: str) -> SearchResult | None:
    """A lettered-section PCS code ("BW28ZZZ") that is no ICD-10-CM code, as the code book shows it."""
    code = code.replace(" ", "").upper()
    return _pcs_result(code, code) if _is_lettered_pcs(code) else None


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


# ---------------------------------------------------------------- words
# up to this many matches are ordered by entry length; more are ranked with bm25 (SQLite)
_SHORT_LIST = 300
_COLUMNS = "c.code, c.description, c.reportable, c.kind, c.position, c.search_text, c.notes"
# a lay term's families with up to this many codes are searched for the query's other words here
_FAMILY_SCAN = 400


@dataclass
class _Row:
    code: str
    description: str
    reportable: bool
    kind: str
    position: int
    search_text: str = ""
    notes: str = "{}"  # JSON, read only for a row whose title lacks the words (`_explain`)
    matched: str = ""

    def hit(self) -> SearchHit:
        return SearchHit(self.code, self.description, bool(self.reportable), self.kind, matched=self.matched)


def _word_hits(words: list[str], limit: int) -> tuple[list[SearchHit], list[Synonym], list[Synonym]]:
    synonyms, suggestions, rows, whole = _synonym_rows(words, limit)
    # lay terms and other words ("afib paroxysmal") that found codes of the terms' families: those are
    # the answer. A query that is lay terms only lists the families, then the text's other matches,
    # as whole words ("uti" is a finished word, not the start of "utility").
    if (whole or not rows) and len(rows) < limit:
        seen = {r.code for r in rows}
        rows += [r for r in _text_rows(words, limit, prefix=not whole) if r.code not in seen][: limit - len(rows)]
    _explain(rows, words)
    return _grouped(rows), synonyms, suggestions


def _text_rows(words: list[str], limit: int, *, prefix: bool = True) -> list[_Row]:
    """Whole (stemmed) words, the last one also as a prefix; when that finds nothing, every word
    as a prefix ("diab nephrop"). Prefix matches of common words are costly, so they come second.
    Without `prefix`, whole words only."""
    rows = _word_query(words, limit, prefix_all=False, prefix_last=prefix)
    if prefix and not rows and len(words) > 1:
        rows = _word_query(words, limit, prefix_all=True)
    return rows


def _terms(words: Sequence[str], prefix_all: bool, prefix: str, exact: str, prefix_last: bool = True) -> list[str]:
    # one- and two-character words ("d", "2") never as prefixes: they would match most of the table
    last = len(words) - 1 if prefix_last else -1
    return [prefix.format(w) if len(w) >= 3 and (prefix_all or i == last) else exact.format(w) for i, w in enumerate(words)]


def _sqlite_match(words: Sequence[str], prefix_all: bool, prefix_last: bool = True) -> str:
    return "search_text : ({})".format(" ".join(_terms(words, prefix_all, '"{}"*', '"{}"', prefix_last)))


def _pg_tsquery(words: Sequence[str], prefix_all: bool, prefix_last: bool = True) -> str:
    return " & ".join(_terms(words, prefix_all, "{}:*", "{}", prefix_last))


def _word_query(words: list[str], limit: int, *, prefix_all: bool, prefix_last: bool = True) -> list[_Row]:
    if db.engine.dialect.name == "postgresql":
        stmt = sa.text(
            f"SELECT {_COLUMNS} FROM icd10cm_code c, to_tsquery('english', :q) query "
            "WHERE search_tsv @@ query "
            "ORDER BY ts_rank(search_tsv, query) DESC, reportable DESC, position "
            "LIMIT :limit"
        )
        rows = db.session.execute(stmt, {"q": _pg_tsquery(words, prefix_all, prefix_last), "limit": limit}).all()
    else:
        match = _sqlite_match(words, prefix_all, prefix_last)
        matches = db.session.execute(
            sa.text("SELECT count(*) FROM (SELECT rowid FROM icd10cm_fts WHERE icd10cm_fts MATCH :q LIMIT :cap)"),
            {"q": match, "cap": _SHORT_LIST + 1},
        ).scalar_one()
        if matches <= _SHORT_LIST:
            # a short list: the shortest entries are the closest matches (what bm25 favours on text this
            # short), without the cost of bm25's index statistics, which dominate small queries
            stmt = sa.text(
                f"SELECT {_COLUMNS} FROM icd10cm_code c "
                "WHERE c.rowid IN (SELECT rowid FROM icd10cm_fts WHERE icd10cm_fts MATCH :q) "
                "ORDER BY length(c.search_text), c.reportable DESC, c.position LIMIT :limit"
            )
        else:
            # rank inside FTS5 first (bm25 over the matches only), then join the few rows kept
            stmt = sa.text(
                f"SELECT {_COLUMNS} FROM "
                "(SELECT rowid, rank FROM icd10cm_fts WHERE icd10cm_fts MATCH :q ORDER BY rank LIMIT :limit) f "
                "JOIN icd10cm_code c ON c.rowid = f.rowid "
                "ORDER BY f.rank, c.reportable DESC, c.position"
            )
        rows = db.session.execute(stmt, {"q": match, "limit": limit}).all()
    return [_Row(*row) for row in rows]


# ---------------------------------------------------------------- HCPCS Level II by words
# each database's HCPCS words, read once per process and again when the code set's version row
# changes (a site loading its own CMS file): about 8,000 short descriptions, 2 MB. A scan of the
# table with LIKE took 21 ms a search; the index answers in microseconds after one key lookup.
_HCPCS_WORDS: dict[str, tuple[tuple, WordStartIndex, dict[str, date | None]]] = {}


def _hcpcs_index() -> tuple[WordStartIndex, dict[str, date | None]]:
    url = db.engine.url.render_as_string(hide_password=True)
    loaded = db.session.get(CodeSetVersion, "hcpcs")
    version = (loaded.version, loaded.count, loaded.loaded_at) if loaded is not None else ()
    cached = _HCPCS_WORDS.get(url)
    if cached is None or cached[0] != version:
        rows = db.session.execute(sa.select(HcpcsCode.code, HcpcsCode.short_description, HcpcsCode.termination_date)).all()
        index = WordStartIndex((code, description) for code, description, _ in rows if description)
        cached = _HCPCS_WORDS[url] = (version, index, {code: ended for code, _, ended in rows})
    return cached[1], cached[2]


def _hcpcs_word_hits(words: list[str], limit: int) -> list[SearchHit]:
    """HCPCS Level II codes whose short description has every word as the start of one of its words
    ("dexameth" finds J1100 "Dexamethasone sodium phos"), shortest first; not the terminated ones."""
    if not words or limit <= 0:
        return []
    index, ends = _hcpcs_index()
    today = date.today()
    found = [(code, text) for code, text in index.find(words) if (ends.get(code) or today) >= today]
    return [SearchHit(code, description, True, "code", "hcpcs") for code, description in found[:limit]]


# ---------------------------------------------------------------- the lay-term layer
# lay terms that start with the query: offered from this many characters, and at most this many
_MIN_START = 3
_SUGGESTIONS = 6
# the lay-term table of each database, read once per process (916 rows, about 0.4 MB): a lookup per
# word search costs microseconds instead of a query. Setup reloads the table only when the file
# changed, which comes with a new release and so with new processes; `forget_lay_terms` is for the
# process that reloaded it.
_LAY_TERMS: dict[str, LayTermIndex] = {}


def lay_terms() -> LayTermIndex:
    url = db.engine.url.render_as_string(hide_password=True)
    index = _LAY_TERMS.get(url)
    if index is None:
        rows = db.session.execute(
            sa.select(CodeLayTerm.term, CodeLayTerm.kind, CodeLayTerm.means, CodeLayTerm.families).order_by(CodeLayTerm.position)
        ).all()
        index = _LAY_TERMS[url] = LayTermIndex(LayTerm(t, k, m, tuple(f.split())) for t, k, m, f in rows)
    return index


def forget_lay_terms() -> None:
    _LAY_TERMS.clear()


def _synonym_rows(words: list[str], limit: int) -> tuple[list[Synonym], list[Synonym], list[_Row], bool]:
    """The lay terms in the query (longest first, not overlapping) and the codes of their families.

    A query that is only lay terms ("heart attack", "dm2 ckd") lists each family and the codes
    directly under it; a query with other words too ("afib paroxysmal", "broken hip right") lists
    the codes of the families that have those words, or nothing from the lay terms when none has.
    Also the lay terms that start with the whole query, to offer ("broken" -> "broken hip"; "heart
    att" -> "heart attack"); the flag says whether lay terms were the whole query.
    """
    index = lay_terms()
    kept = [w for w in words if w != "s"]  # phrase_keys' spans index the words without a possessive "s"
    spans = phrase_keys(kept)
    by_key = {key: found for key in spans if (found := index.get(key))}
    whole = " ".join(key_words(kept))
    suggestions: list[Synonym] = []
    if len(whole) >= _MIN_START:
        # a query that is a term itself ("flu") is a finished word: offer "flu shot", not "fluid on the lungs"
        finished = whole in by_key
        started = index.starting_with(whole + " " if finished else whole, _SUGGESTIONS)
        suggestions = [term for _, term in started]
    if not by_key:
        return [], suggestions, [], False
    covered: set[int] = set()
    synonyms: list[Synonym] = []
    for key in sorted(by_key, key=lambda k: (spans[k][0] - spans[k][1], spans[k][0])):
        start, end = spans[key]
        if covered.isdisjoint(range(start, end)):
            covered.update(range(start, end))
            # "c diff" and "c. diff" share a key and a meaning: one line
            for synonym in by_key[key]:
                if all((synonym.means, synonym.families) != (o.means, o.families) for o in synonyms):
                    synonyms.append(synonym)
    families = list(dict.fromkeys(f for s in synonyms for f in s.families))
    rest = [w for i, w in enumerate(kept) if i not in covered]
    rows = _family_rows(families, rest, limit)
    return (synonyms, suggestions, rows, not rest) if rows else ([], suggestions, [], False)


def _family_rows(families: list[str], rest: list[str], limit: int) -> list[_Row]:
    if not rest:
        # each family and the codes directly under it, as many as fit the page for every family
        per_family = max(0, limit // len(families) - 1)
        rows = [
            _Row(*r)
            for r in db.session.execute(
                sa.select(
                    Icd10cmCode.code, Icd10cmCode.description, Icd10cmCode.reportable, Icd10cmCode.kind, Icd10cmCode.position,
                    Icd10cmCode.search_text, Icd10cmCode.notes,
                )
                .where(sa.or_(Icd10cmCode.code.in_(families), Icd10cmCode.parent.in_(families)))
                .order_by(Icd10cmCode.position)
            ).all()
        ]
        heads = {r.code: r for r in rows if r.code in families}
        under: dict[str, list[_Row]] = {}
        for r in rows:
            if r.code not in heads:
                under.setdefault(_family_of(r.code, families), []).append(r)
        ordered = []
        for family in families:
            if family in heads:
                ordered.append(heads[family])
                ordered += under.get(family, [])[:per_family]
        return ordered[:limit]
    # the other words, within the families' codes: the shortest (closest) entries first. Most
    # families are small (half have 4 codes or fewer): their rows are read and the words looked
    # for here; a large one ("fx": S02, S12, ... 17,000 codes) asks the full-text index.
    in_families = sa.or_(*(sa.and_(*bare_prefix(icd10cm_without_dot(f))) for f in families))
    small = db.session.execute(
        sa.select(
            Icd10cmCode.code, Icd10cmCode.description, Icd10cmCode.reportable, Icd10cmCode.kind, Icd10cmCode.position,
            Icd10cmCode.search_text,
        )
        .where(in_families)
        .limit(_FAMILY_SCAN + 1)
    ).all()
    if len(small) <= _FAMILY_SCAN:
        found = [_Row(*r) for r in small if _says(r.search_text, rest)]
        return sorted(found, key=lambda r: (len(r.search_text), not r.reportable, r.position))[:limit]
    params: dict[str, object] = {"limit": limit}
    where = []
    for i, family in enumerate(families):
        params[f"lo{i}"], params[f"hi{i}"] = bare_range(icd10cm_without_dot(family))
        where.append(f"(c.bare >= :lo{i} AND c.bare < :hi{i})")
    if db.engine.dialect.name == "postgresql":
        params["q"] = _pg_tsquery(rest, prefix_all=True)
        condition = "c.search_tsv @@ to_tsquery('english', :q)"
    else:
        params["q"] = _sqlite_match(rest, prefix_all=True)
        condition = "c.rowid IN (SELECT rowid FROM icd10cm_fts WHERE icd10cm_fts MATCH :q)"
    stmt = sa.text(
        f"SELECT {_COLUMNS} FROM icd10cm_code c WHERE ({' OR '.join(where)}) AND {condition} "
        "ORDER BY length(c.search_text), c.reportable DESC, c.position LIMIT :limit"
    )
    return [_Row(*r) for r in db.session.execute(stmt, params).all()]


def _family_of(code: str, families: list[str]) -> str:
    # a child row was selected by its parent, which is one of the families
    bare = icd10cm_without_dot(code)
    return next((f for f in families if bare.startswith(icd10cm_without_dot(f))), "")


# ---------------------------------------------------------------- presenting the hits
def _mentions(text: str, words: Sequence[str]) -> bool:
    """Quick and loose: is every word (less a two-letter ending when long) somewhere in the text?"""
    low = text.lower()
    return all((w[:-2] if len(w) >= 5 else w) in low for w in words)


def _says(text: str, words: Sequence[str]) -> bool:
    """Does the text have every word? A word of one or two characters whole ("2", "mi"), a longer
    one also as the start of a word ("nephrop"), where the last two letters may differ ("infections")."""
    if not _mentions(text, words):
        return False  # most rows end here, without splitting the text into words
    tokens = _WORD.findall(text.lower())
    return all(
        any(t == w or (len(w) >= 3 and t.startswith(w)) or (len(w) >= 5 and t.startswith(w[:-2])) for t in tokens)
        for w in words
    )


def _explain(rows: list[_Row], words: list[str]) -> None:
    """For a hit whose title lacks a word of the query, the inclusion term that has them all."""
    for r in rows:
        # the inclusion terms follow the title in search_text: parse a row's notes only when they can tell
        if not _mentions(r.description, words) and _mentions(r.search_text[len(r.description) :], words):
            terms = json.loads(r.notes or "{}").get("inclusion_term", [])
            r.matched = next((t for t in terms if _says(t, words)), "")


def _grouped(rows: list[_Row]) -> list[SearchHit]:
    """Categories in the order of their best hit; tabular order within a category."""
    hits = [r.hit() for r in rows]
    rank: dict[str, int] = {}
    for hit in hits:
        rank.setdefault(hit.category, len(rank))
    position = {r.code: r.position for r in rows}
    return sorted(hits, key=lambda h: (rank[h.category], position[h.code]))


@dataclass(frozen=True)
class HitGroup:
    category: str  # "I21"; a header's or another code set's code stands alone
    title: str  # the category's title ("" when it is not a category)
    hits: list[SearchHit]


def grouped(result: SearchResult) -> list[HitGroup]:
    """The hits of a result by category, as the code book lists them (the hits are already in that order)."""
    groups: list[HitGroup] = []
    for hit in result.hits:
        if not groups or groups[-1].category != hit.category:
            groups.append(HitGroup(hit.category, "", []))
        groups[-1].hits.append(hit)
    categories = [g.category for g in groups if len(g.category) == 3 and g.hits[0].system == "icd10cm"]
    if not categories:
        return groups
    titles = dict(
        db.session.execute(
            sa.select(Icd10cmCode.code, Icd10cmCode.description).where(
                Icd10cmCode.code.in_(categories), Icd10cmCode.kind == "category"
            )
        ).all()
    )
    return [HitGroup(g.category, titles.get(g.category, ""), g.hits) for g in groups]
