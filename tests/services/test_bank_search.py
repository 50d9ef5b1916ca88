"""The bank list's search and filters (study/services/bank_search.py): full text over the current
version, the filters, who sees another author's draft, pagination, and a fixed number of statements
whatever the bank's size."""

from __future__ import annotations

import pytest

from study.extensions import db
from study.models import ItemStat
from study.services import attempts, authoring
from study.services.bank_search import BankFilters, search_bank, visible
from tests.factories import item_by_key, make_mcqs, make_user
from tests.services.test_authoring import mcq_data
from tests.support import count_statements


def keys(viewer, **filters) -> list[str]:
    return [row.key for row in search_bank(viewer, BankFilters(per_page=100, **filters)).rows]


@pytest.fixture
def instructor(app):
    return make_user("instructor")


def test_lists_every_item_in_bank_id_order(learning_bank, instructor):
    page = search_bank(instructor, BankFilters())
    listed = [row.key for row in page.rows]
    assert page.total == len(listed) == 11  # nine questions, two cases
    assert listed == sorted(listed) and {row.origin for row in page.rows} == {"file"}
    mcq = next(r for r in page.rows if r.key == "learn-icd-001")
    assert mcq.summary.startswith("Which code reports essential (primary) hypertension?")
    assert mcq.exams == ("CPC",) and mcq.attempts is None and mcq.open_reports == 0


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("hypertension", ["learn-icd-001"]),
        ("pharyng", ["learn-icd-003"]),  # the last word is also a prefix
        ("urinary infections", ["learn-icd-004"]),  # stemmed: "infections" finds "infection"
        ("SECRET-WHY-learn-icd-006-A", ["learn-icd-006"]),  # rationales and why-not text are searched
        ("G43.909", ["learn-icd-008"]),  # an option
        ("learn-icd-005", ["learn-icd-005"]),  # a bank id
        ("nothing-like-this-anywhere", []),
    ],
)
def test_full_text_search(learning_bank, instructor, query, found):
    assert keys(instructor, q=query) == found


@pytest.mark.parametrize("query", ['"', "NEAR(", "a* OR b", "-", "'; drop table item; --", "*", ":*", "&|!"])
def test_operators_are_words_never_syntax(learning_bank, instructor, query):
    search_bank(instructor, BankFilters(q=query))  # no error from the engine


def test_case_records_are_searched(learning_bank, instructor):
    case = item_by_key("case-pro-0003")
    word = next(w for w in case.search_text.split("## ")[1].split() if w.isalpha() and len(w) > 6)
    assert "case-pro-0003" in keys(instructor, q=word)


def test_search_follows_the_current_version(app, instructor):
    item = authoring.create_item(instructor, "mcq", mcq_data())
    assert keys(instructor, q="complications") == ["web-mcq-001"]
    authoring.update_item(instructor, item.id, mcq_data(stem="Which code reports **type 2 diabetes** with hyperglycemia?"))
    assert keys(instructor, q="hyperglycemia") == ["web-mcq-001"]
    assert keys(instructor, q="complications") == ["web-mcq-001"]  # still in the rationale
    authoring.update_item(instructor, item.id, mcq_data(stem="Pick the code for hyperglycemia.", rationale="E11.65."))
    assert keys(instructor, q="complications") == []


def test_filters(learning_bank, instructor):
    assert keys(instructor, type="case") == ["case-ip-0001", "case-pro-0003"]
    assert all(k.startswith("learn-icd") for k in keys(instructor, topic="icd-10-cm", exam="CPC"))
    assert keys(instructor, exam="CCS") == sorted(k for k in keys(instructor) if "CCS" in item_by_key(k).exams)
    assert keys(instructor, exam="CCS")
    assert keys(instructor, status="draft") == []
    assert keys(instructor, origin="web") == []
    assert len(keys(instructor, origin="file")) == 11
    assert keys(instructor, difficulty="easy", q="hypertension") == ["learn-icd-001"]


def test_open_reports_and_flagged(learning_bank, instructor):
    learner = make_user()
    attempts.report_problem(learner, "learn-icd-002", "wrong-key", "B?")
    attempts.report_problem(learner, "learn-icd-002", "typo", "typo")
    page = search_bank(instructor, BankFilters(open_reports=True))
    assert [(r.key, r.open_reports) for r in page.rows] == [("learn-icd-002", 2)]
    db.session.add(
        ItemStat(item_id=item_by_key("learn-icd-007").id, attempts=30, facility=0.2, discrimination=-0.1, enough=True, flagged=True)
    )
    db.session.commit()
    flagged = search_bank(instructor, BankFilters(flagged=True)).rows
    assert [(r.key, r.attempts, r.facility, r.flagged) for r in flagged] == [("learn-icd-007", 30, 0.2, True)]


def test_another_authors_draft_is_private(app):
    author, other, admin = make_user("instructor"), make_user("instructor"), make_user("admin")
    item = authoring.create_item(author, "mcq", mcq_data())
    assert keys(author) == ["web-mcq-001"] and keys(admin) == ["web-mcq-001"]
    assert keys(other) == [] and keys(other, q="diabetes") == []
    assert not visible(other, item) and visible(author, item) and visible(admin, item)
    assert keys(author, author_id=author.id) == ["web-mcq-001"] and keys(admin, author_id=other.id) == []
    authoring.publish_item(author, item.id)
    assert keys(other) == ["web-mcq-001"] and visible(other, item)


def test_pagination(app, instructor):
    make_mcqs(60)
    first = search_bank(instructor, BankFilters(page=1))
    last = search_bank(instructor, BankFilters(page=3))
    assert first.total == last.total == 60 and first.pages == 3
    assert [r.key for r in first.rows][:2] == ["bulk-icd-0001", "bulk-icd-0002"] and len(first.rows) == 25
    assert len(last.rows) == 10 and last.first_index == 51 and not last.has_next and last.has_prev
    beyond = search_bank(instructor, BankFilters(page=99))  # clamped to the last page
    assert beyond.page == 3 and len(beyond.rows) == 10
    assert search_bank(instructor, BankFilters(q="migraine", per_page=5)).total == 7  # copies 7, 15, ... of 60


def _statements(viewer, filters: BankFilters) -> int:
    db.session.expire_all()
    db.session.refresh(viewer)  # the caller's user is in hand, as in a request
    with count_statements() as statements:
        search_bank(viewer, filters)
    return len(statements)


def test_statement_count_does_not_grow_with_the_bank(app, instructor):
    make_mcqs(3, prefix="few")
    filters = BankFilters(q="code", exam="CPC", topic="icd-10-cm", open_reports=False, per_page=50)
    small = _statements(instructor, filters)
    make_mcqs(120)
    assert search_bank(instructor, filters).total == 123
    assert _statements(instructor, filters) == small == 3
    everything = BankFilters(
        q="code", exam="CPC", type="mcq", difficulty="easy", status="published", origin="file", open_reports=True, flagged=True
    )
    assert _statements(instructor, everything) == 2  # nothing found: no exam links to read
