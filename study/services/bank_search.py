"""The bank list: every item (shipped and authored; published, draft, retired), searched in full text
and filtered, one page at a time, in a fixed number of queries whatever the size of the bank.

    from study.services.bank_search import BankFilters, search_bank
    page = search_bank(viewer, BankFilters(q="modifier 25", exam="CPC", status="published", page=2))
    page.rows    # list[BankRow]: the page's items, in bank-id order, with their stored figures
    page.total   # items matching the filters (every page); page.pages, page.has_next ...

Three statements per call, whatever the filters and the bank's size: the count, the page's rows
(the item, its author's name, its stored figures, its number of open reports), and the page's exam
links. The figures are read from `item_stat` (study.services.bank_stats), never computed here.

Search: the words of the query (letters and digits only: `code_search.search_words`), every one
required, the last also as a prefix, over the current version's whole text (stem, options, case
record, key, rationales; `ItemSearch.search_text`): SQLite's FTS5 table `item_fts`, PostgreSQL's
stored tsvector `item_search.search_tsv` (GIN index), both stemmed ("fractures" finds "fracture"); PostgreSQL
keeps a code as one word ("g43.909"), so there the query as a whole is tried too. A query that is
an item's bank id finds that item too; one shaped like a bank id with a digit ("cpc-icd-0007",
"cpc-icd-00") lists the items whose id starts with it (and is not searched as words).

Who sees what: instructors and admins see every item, except another author's **draft** web item,
which stays private to its author until it is published (admins see every item). The same rule is
`visible(viewer, item)` for one item. "Has open reports" lists the items whose reports the viewer
handles (reports.can_manage: shipped items, their own, admins every item), as the report queue does.

`index_item` keeps the search text in step with the current version: study.services.bank calls it
whenever a version is saved (import, the browser editors, GIFT imports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.kinds import ItemStatus, ReportStatus
from study.models import Item, ItemExam, ItemReport, ItemSearch, ItemStat, User
from study.services.code_search import MAX_QUERY, _pg_tsquery, _sqlite_match, search_words

PER_PAGE = 25
_KEY_SHAPE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+-?$")  # a bank id, or its start ("cpc-icd-00")
MAX_PER_PAGE = 100
SUMMARY_CHARS = 240


@dataclass(frozen=True)
class BankFilters:
    """What the bank list asks for. Empty values (None, "", False) filter nothing.

    `origin`: "file" (shipped in the bank folder) or "web" (written in the browser); `author_id`:
    the instructor who wrote a web item; `open_reports`: only items with an open problem report;
    `flagged`: only items the stored item analysis flags (a flag or a possible wrong key)."""

    q: str = ""
    exam: str | None = None
    topic: str | None = None
    type: str | None = None
    difficulty: str | None = None
    status: str | None = None
    origin: str | None = None
    author_id: int | None = None
    open_reports: bool = False
    flagged: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class BankRow:
    id: int
    key: str
    type: str
    topic: str
    difficulty: str
    status: str
    origin: str
    author_id: int | None
    author_name: str | None
    summary: str
    title: str | None
    site_changed: bool
    open_reports: int
    exams: tuple[str, ...] = ()
    editable: bool = False  # the viewer may open it in the editor (the rule of authoring.can_edit)
    # the stored figures (None: never computed for this item, e.g. not served in a submitted exam)
    attempts: int | None = None
    facility: float | None = None
    discrimination: float | None = None
    enough: bool = False
    flagged: bool = False
    wrong_key: bool = False
    flags: str = ""


@dataclass(frozen=True)
class BankPage:
    rows: list[BankRow]
    total: int
    page: int
    per_page: int
    filters: BankFilters = field(default_factory=BankFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first_index(self) -> int:
        """The 1-based position of the page's first row in the whole list (0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0


# ---------------------------------------------------------------- who sees what
def _visible(viewer: User):
    """None (everything) for admins; else every item but another author's draft web item."""
    if viewer.is_admin:
        return None
    return sa.not_(
        sa.and_(Item.origin == "web", Item.status == ItemStatus.DRAFT, sa.or_(Item.author_id.is_(None), Item.author_id != viewer.id))
    )


def visible(viewer: User, item: Item) -> bool:
    """The rule of `_visible` for one item."""
    if viewer.is_admin or item.origin != "web" or item.status != ItemStatus.DRAFT:
        return True
    return item.author_id is not None and item.author_id == viewer.id


# ---------------------------------------------------------------- search
def _text_match(q: str):
    """The full-text condition for a query (None when it has no words), or the item whose bank id
    is the query. A query shaped like a bank id with a digit ("cpc-icd-0007", "cpc-icd-00") lists
    the items whose id starts with it, and is not searched as words: every item's text holds words
    such as "cpc" and "icd", so the words would ask the index for most of the bank."""
    key = q.strip().lower()
    if _KEY_SHAPE.match(key) and any(c.isdigit() for c in key):
        return Item.key.like(key + "%")  # the shape leaves no LIKE wildcard in it
    words = search_words(q)
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL keeps a code as one token ("g43.909"): the query's words, or the query as a whole
        query = sa.func.to_tsquery("english", _pg_tsquery(words, prefix_all=False)).op("||")(
            sa.func.plainto_tsquery("english", q[:MAX_QUERY])
        )
        matches = sa.select(ItemSearch.item_id).where(sa.literal_column("item_search.search_tsv").op("@@")(query))
        condition = Item.id.in_(matches)
    else:
        fts = sa.text("SELECT rowid FROM item_fts WHERE item_fts MATCH :match").bindparams(match=_sqlite_match(words, prefix_all=False))
        condition = Item.id.in_(fts.columns(sa.column("rowid", sa.Integer)))
    return sa.or_(condition, Item.key == key)


def _open_reports():
    return (
        sa.select(sa.func.count())
        .select_from(ItemReport)
        .where(ItemReport.item_id == Item.id, ItemReport.status == ReportStatus.OPEN)
        .correlate(Item)
        .scalar_subquery()
    )


def _conditions(viewer: User, f: BankFilters) -> list:
    conditions = []
    clause = _visible(viewer)
    if clause is not None:
        conditions.append(clause)
    if f.q.strip():
        match = _text_match(f.q)
        conditions.append(match if match is not None else sa.false())
    for column, value in (
        (Item.topic, f.topic),
        (Item.type, f.type),
        (Item.difficulty, f.difficulty),
        (Item.status, f.status),
        (Item.origin, f.origin),
    ):
        if value:
            conditions.append(column == value)
    if f.author_id:
        conditions.append(Item.author_id == f.author_id)
    if f.exam:
        conditions.append(sa.exists().where(ItemExam.item_id == Item.id, ItemExam.exam == f.exam).correlate(Item))
    if f.open_reports:
        conditions.append(sa.exists().where(ItemReport.item_id == Item.id, ItemReport.status == ReportStatus.OPEN).correlate(Item))
        if not viewer.is_admin:  # the reports this viewer handles (reports.can_manage): the queue's
            conditions.append(sa.or_(Item.origin == "file", Item.author_id == viewer.id))
    if f.flagged:
        conditions.append(sa.exists().where(ItemStat.item_id == Item.id, ItemStat.flagged.is_(True)).correlate(Item))
    return conditions


def search_bank(viewer: User, filters: BankFilters) -> BankPage:
    """One page of the bank list for `viewer` (see the module docstring): three statements."""
    per_page = max(1, min(filters.per_page or PER_PAGE, MAX_PER_PAGE))
    conditions = _conditions(viewer, filters)
    total = count_items(viewer, filters)
    pages = max(1, -(-total // per_page))
    page = max(1, min(filters.page or 1, pages))
    stmt = (
        sa.select(
            Item.id,
            Item.key,
            Item.type,
            Item.topic,
            Item.difficulty,
            Item.status,
            Item.origin,
            Item.author_id,
            User.display_name,
            Item.summary,
            Item.title,
            Item.site_changed,
            _open_reports(),
            ItemStat.attempts,
            ItemStat.facility,
            ItemStat.discrimination,
            ItemStat.enough,
            ItemStat.flagged,
            ItemStat.wrong_key,
            ItemStat.flags,
        )
        .outerjoin(User, User.id == Item.author_id)
        .outerjoin(ItemStat, ItemStat.item_id == Item.id)
        .where(*conditions)
        .order_by(Item.key)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    found = db.session.execute(stmt).all()
    exams: dict[int, list[str]] = {}
    if found:
        links = sa.select(ItemExam.item_id, ItemExam.exam).where(ItemExam.item_id.in_([r[0] for r in found])).order_by(ItemExam.exam)
        for item_id, exam in db.session.execute(links):
            exams.setdefault(item_id, []).append(exam)
    rows = [
        BankRow(
            id=r[0],
            key=r[1],
            type=r[2],
            topic=r[3],
            difficulty=r[4],
            status=r[5],
            origin=r[6],
            author_id=r[7],
            author_name=r[8],
            summary=r[9],
            title=r[10],
            site_changed=bool(r[11]),
            open_reports=int(r[12] or 0),
            exams=tuple(exams.get(r[0], ())),
            attempts=r[13],
            facility=r[14],
            discrimination=r[15],
            enough=bool(r[16]),
            flagged=bool(r[17]),
            wrong_key=bool(r[18]),
            flags=r[19] or "",
            editable=viewer.is_admin or r[6] == "file" or (r[7] is not None and r[7] == viewer.id),
        )
        for r in found
    ]
    return BankPage(rows=rows, total=total, page=page, per_page=per_page, filters=filters)


def count_items(viewer: User, filters: BankFilters) -> int:
    """How many items `search_bank` lists for these filters (one statement: the /teach notices)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(*_conditions(viewer, filters))) or 0


def authors() -> list[tuple[int, str]]:
    """The users who wrote web items (for the author filter): (id, name), by name."""
    stmt = (
        sa.select(User.id, User.display_name, User.email)
        .where(sa.exists().where(Item.author_id == User.id))
        .order_by(User.display_name, User.email)
    )
    return [(uid, name or email) for uid, name, email in db.session.execute(stmt)]


# ---------------------------------------------------------------- keeping the search text
def summary_of(parsed: McqItem | CaseItem | BillingItem) -> str:
    """One line for the list: the MCQ stem, or the case's (exercise's) title, else the start of its
    record (scenario)."""
    if isinstance(parsed, McqItem):
        text = parsed.stem
    elif isinstance(parsed, BillingItem):
        text = parsed.title or parsed.scenario
    else:
        text = parsed.title or parsed.documentation
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1].rstrip() + "…"


def index_item(item: Item, parsed: McqItem | CaseItem | BillingItem, text: str) -> None:
    """Make `text` (the current version's file text) the item's searched text (called by
    save_item_version in the same transaction). SQLite's FTS5 table is written here; PostgreSQL's
    tsvector column is generated from `item_search.search_text` by the database."""
    item.summary = summary_of(parsed)
    if item.id is None:
        db.session.flush()  # the item has its id
    row = db.session.get(ItemSearch, item.id)
    if row is not None and row.search_text == text:
        return
    if row is None:
        db.session.add(ItemSearch(item_id=item.id, search_text=text))
    else:
        row.search_text = text
    if _sqlite():
        db.session.execute(sa.text("DELETE FROM item_fts WHERE rowid = :id"), {"id": item.id})
        db.session.execute(sa.text("INSERT INTO item_fts(rowid, search_text) VALUES (:id, :text)"), {"id": item.id, "text": text})


def rebuild_index() -> None:
    """Rebuild SQLite's FTS5 table from every item's ItemSearch row (after rows were written in
    bulk, as the benchmarks and test factories do); nothing to do on PostgreSQL (generated column)."""
    if _sqlite():
        db.session.execute(sa.text("DELETE FROM item_fts"))
        db.session.execute(sa.text("INSERT INTO item_fts(rowid, search_text) SELECT item_id, search_text FROM item_search"))


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"
