"""The assignment form's item picker: search the bank, preview an item, and show the items chosen so
far, so that an instructor builds a set of questions or cases without typing bank ids.

The search is the bank list's (`bank_search.search_bank`), always of published items: the page
shows what the filters match, `total` is what the pager pages through. An item reserved for exams
or the diagnostic cannot be assigned; the page says so (`reserved`) instead of hiding it, so the
count and the rows agree. The selection itself lives in the form (the page's hidden fields), not
here: nothing is stored until the assignment is created, which validates the keys again."""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa

from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.kinds import ItemStatus
from study.models import Item, User
from study.services import NotFound, bank_search
from study.services.attempts import in_pool
from study.services.grading import parsed_version

PER_PAGE = 10
MAX_CHOSEN = 100  # the assignment's limit (assignments.MAX_PRACTICE_SIZE)


@dataclass(frozen=True)
class PickerPage:
    page: bank_search.BankPage
    reserved: frozenset[int]  # ids of the page's items that cannot be assigned (a reserved pool)


def search(viewer: User, filters: bank_search.BankFilters) -> PickerPage:
    """A page of published items matching `filters` (four statements: the bank list's three and
    the page's reserved items)."""
    page = bank_search.search_bank(viewer, replace(filters, status=ItemStatus.PUBLISHED.value, per_page=PER_PAGE))
    ids = [row.id for row in page.rows]
    reserved = frozenset(db.session.scalars(sa.select(Item.id).where(Item.id.in_(ids), sa.not_(in_pool("open"))))) if ids else frozenset()
    return PickerPage(page, reserved)


@dataclass(frozen=True)
class Chosen:
    key: str
    type: str | None  # None: no such published, assignable item (shown so it can be removed)
    summary: str = ""
    topic: str = ""
    difficulty: str = ""

    @property
    def found(self) -> bool:
        return self.type is not None


def chosen(keys: list[str]) -> list[Chosen]:
    """The chosen items in the chosen order (one query), each with what the list shows of it."""
    keys = list(dict.fromkeys(keys))[:MAX_CHOSEN]
    if not keys:
        return []
    stmt = sa.select(Item.key, Item.type, Item.summary, Item.topic, Item.difficulty).where(
        Item.key.in_(keys), Item.status == ItemStatus.PUBLISHED, in_pool("open")
    )
    found = {row[0]: Chosen(*row) for row in db.session.execute(stmt)}
    return [found.get(key, Chosen(key, None)) for key in keys]


def preview(viewer: User, key: str) -> tuple[Item, McqItem | CaseItem | BillingItem]:
    """A published item the viewer may see, with its current version parsed (NotFound otherwise)."""
    item = db.session.scalar(sa.select(Item).where(Item.key == key, Item.status == ItemStatus.PUBLISHED))
    if item is None or item.current_version is None or not bank_search.visible(viewer, item):
        raise NotFound("No such published item.")
    return item, parsed_version(item.current_version)


def apply(keys: list[str], action: str) -> tuple[list[str], str | None]:
    """The selection after one of the picker's buttons: ``add:<key>``, ``remove:<key>``,
    ``up:<key>``, ``down:<key>`` (pure list work: the keys are checked when the assignment is
    created). Returns the new order and the key to preview (``preview:<key>``), if any."""
    keys = list(dict.fromkeys(k for k in keys if k))
    verb, _, key = action.partition(":")
    if verb == "add" and key and key not in keys and len(keys) < MAX_CHOSEN:
        keys.append(key)
    elif verb == "remove" and key in keys:
        keys.remove(key)
    elif verb in ("up", "down") and key in keys:
        i = keys.index(key)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(keys):
            keys[i], keys[j] = keys[j], keys[i]
    return keys, key if verb == "preview" and key else None
