"""Browser items without an author (imported with `flask bank import-gift` from the command line)
belong to the admins: no instructor sees their reports, regrades them or, while they are drafts,
sees their content in the item analysis; an admin does all of it."""

from datetime import datetime, timezone

import pytest

from study.extensions import db
from study.services import Forbidden, NotFound, item_analysis, regrades, reports
from study.services import attempts as attempt_service
from tests.factories import item_by_key, make_user

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def authorless(learning_bank):
    item = item_by_key("learn-icd-002")
    item.origin, item.author_id = "web", None
    db.session.commit()
    return item


def test_reports_on_an_authorless_item_are_for_admins_only(authorless):
    instructor, admin, learner = make_user("instructor"), make_user("admin"), make_user()
    report = attempt_service.report_problem(learner, authorless.key, "typo", "A typo")
    assert not reports.can_manage(instructor, authorless) and reports.can_manage(admin, authorless)
    assert [v.report.id for v in reports.list_reports(instructor)] == []
    assert [v.report.id for v in reports.list_reports(admin)] == [report.id]
    with pytest.raises(Forbidden):
        reports.get_report(instructor, report.id)
    with pytest.raises(Forbidden):
        reports.resolve_report(instructor, report.id, "dismissed", "no", NOW)
    assert reports.get_report(admin, report.id).report.id == report.id


def test_an_authorless_item_is_regraded_by_admins_only(authorless):
    instructor, admin = make_user("instructor"), make_user("admin")
    for call in (regrades.plan_regrade, lambda u, k, m: regrades.regrade(u, k, m, NOW)):
        with pytest.raises(Forbidden):
            call(instructor, authorless.key, "new-key")
    assert regrades.plan_regrade(admin, authorless.key, "new-key").changes == []


def test_an_authorless_draft_is_hidden_from_instructors_in_the_analysis(authorless):
    instructor, admin = make_user("instructor"), make_user("admin")
    authorless.status = "draft"
    db.session.commit()
    assert not item_analysis.can_view(instructor, authorless)
    assert item_analysis.can_view(admin, authorless)
    with pytest.raises(NotFound):
        item_analysis.item_breakdown(instructor, item_analysis.exam_scope("CPC"), authorless.id)
