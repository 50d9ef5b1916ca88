"""The bank list's stored figures (study/services/bank_stats.py): computed from the submitted exam
attempts of every learner with item analysis's definitions, the planted wrong key flagged, nothing
flagged below the minimum, recomputed only when stale, and read by the bank list."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from study.extensions import db
from study.models import BankStatsRun, Item, ItemStat
from study.services import bank_stats, item_analysis, reports
from study.services.bank_search import BankFilters, search_bank
from tests.factories import T0, make_user
from tests.services.test_item_analysis import exam_attempt, mcqs
from tests.services.test_item_analysis_signals import plant_miskeyed_mcq

NOW = T0 + timedelta(days=30)


def test_the_figures_are_the_item_analysis_figures_and_the_wrong_key_is_flagged(learning_bank):
    instructor = make_user("instructor")
    items, suspect = plant_miskeyed_mcq(instructor)
    run = bank_stats.refresh(NOW, min_responses=20)
    assert run is not None and run.attempts == 24 and run.items == 4
    stored = {s.item_id: s for s in db.session.scalars(sa.select(ItemStat))}
    admin_view = {row.item.id: row for row in item_analysis.analyse_exam(make_user("admin"), "CPC", min_responses=20).rows}
    for item in items:
        assert stored[item.id].attempts == admin_view[item.id].stats.attempts == 24
        assert stored[item.id].facility == admin_view[item.id].stats.facility
        assert stored[item.id].discrimination == admin_view[item.id].stats.discrimination
    assert stored[suspect.id].flagged and stored[suspect.id].wrong_key
    assert stored[suspect.id].flags.startswith("Possible wrong key")
    page = search_bank(instructor, BankFilters(flagged=True))
    assert [r.key for r in page.rows if r.wrong_key] == [suspect.key]
    assert all(r.flagged for r in page.rows) and page.total == db.session.scalar(
        sa.select(sa.func.count()).select_from(ItemStat).where(ItemStat.flagged.is_(True))
    )
    assert reports.notices(instructor).flagged_items == page.total


def test_nothing_is_flagged_below_the_minimum(learning_bank):
    plant_miskeyed_mcq(make_user("instructor"))
    bank_stats.refresh(NOW, min_responses=25)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemStat).where(ItemStat.flagged.is_(True))) == 0
    assert all(not s.enough and s.attempts == 24 for s in db.session.scalars(sa.select(ItemStat)))


def test_recomputed_only_when_stale_and_new_exams_were_submitted(learning_bank):
    learner = make_user()
    first = bank_stats.refresh_if_stale(NOW, max_age_minutes=60)
    assert first is not None and first.attempts == 0  # never computed: computed now
    assert bank_stats.refresh_if_stale(NOW + timedelta(minutes=5), 60).id == first.id  # fresh
    assert bank_stats.refresh_if_stale(NOW + timedelta(hours=2), 60).id == first.id  # old, but no new exam
    attempt = exam_attempt(learner, mcqs(4), [1, 0, 1, 1])
    attempt.submitted_at = NOW + timedelta(hours=1)
    db.session.commit()
    assert bank_stats.refresh_if_stale(NOW + timedelta(minutes=30), 60).id == first.id  # not old enough
    again = bank_stats.refresh_if_stale(NOW + timedelta(hours=2), 60)
    assert again.id != first.id and again.attempts == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BankStatsRun)) == 2
    row = search_bank(learner, BankFilters(q="hypertension")).rows[0]
    assert row.attempts == 1 and row.facility == 1.0 and not row.enough


def test_summaries_of_items_stored_before_the_bank_list_are_filled(learning_bank):
    item = db.session.scalar(sa.select(Item).where(Item.key == "learn-icd-001"))
    item.summary = ""
    db.session.commit()
    bank_stats.refresh(NOW)
    db.session.expire_all()
    assert db.session.get(Item, item.id).summary.startswith("Which code reports essential (primary) hypertension?")
