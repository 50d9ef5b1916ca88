"""The audit log pages: /admin/audit (admins, everything) and /teach/audit (an instructor's own
actions, cohorts and items); roles, filters, pages, the <time> elements, the links to them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from study.services import audit, cohorts
from study.services.transactions import transaction
from tests.factories import make_cohort, make_user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_role_change_made_on_the_users_page_is_on_the_admin_log(client, login_as):
    admin = login_as("admin")
    target = make_user(email="teach@example.org")
    assert client.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "instructor"}).status_code == 302
    page = client.get("/admin/audit")
    html = _text(page)
    assert page.status_code == 200
    assert "Role changed" in html and "user.role_changed" in html and "teach@example.org" in html and admin.email in html
    assert "learner → instructor" in html
    assert '<time datetime="' in html and " UTC</time>" in html
    assert 'href="/admin/audit"' in _text(client.get("/admin/users"))  # the admin's navigation


def test_learners_get_403_on_both_logs_and_instructors_on_the_admin_log(client, login_as):
    login_as("learner")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/teach/audit").status_code == 403
    login_as("instructor")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/teach/audit").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/admin/audit", "/teach/audit"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


def test_an_instructor_sees_their_cohorts_entries_and_not_another_instructors(client, login_as):
    ann = login_as("instructor")
    bob, learner = make_user("instructor"), make_user(email="lee@example.org")
    ann_cohort = make_cohort(ann, [learner], name="Ann's evening class")
    bob_cohort = make_cohort(bob, [learner], name="Bob's <b>morning</b> class")
    cohorts.set_extra_time(ann, ann_cohort.id, learner.id, 1.5)
    cohorts.set_extra_time(bob, bob_cohort.id, learner.id, 2.5)
    html = _text(client.get("/teach/audit"))
    assert "Ann&#39;s evening class" in html and "1.0 → 1.5" in html
    assert "Bob" not in html and "2.5" not in html
    assert 'href="/teach/audit"' in _text(client.get("/teach/"))  # the instructor's tools
    admin_client = client.application.test_client()
    from tests.support import sign_in

    sign_in(admin_client, make_user("admin"))
    everything = _text(admin_client.get("/admin/audit"))
    assert "Bob&#39;s &lt;b&gt;morning&lt;/b&gt; class" in everything and "Ann&#39;s evening class" in everything


def _entries(actor, count, action="user.role_changed", start=T0):
    targets = [make_user() for _ in range(count)]
    with transaction():
        for n, target in enumerate(targets):
            audit.record(actor, action, target, at=start + timedelta(minutes=n), details={"before": "learner", "after": "instructor"})
    return targets


def test_the_admin_log_filters_by_action_who_and_day_and_keeps_the_filters_across_pages(client, login_as):
    admin = login_as("admin", email="boss@example.org")
    deputy = make_user("admin", email="deputy@example.org")
    first = _entries(deputy, audit.PER_PAGE + 1)
    [late] = _entries(admin, 1, "user.deleted", start=T0 + timedelta(days=3))
    page1 = _text(client.get("/admin/audit?action=user.role_changed&actor=deputy"))
    assert f"{audit.PER_PAGE + 1} entries" in page1 and "Page 1 of 2" in page1
    assert first[-1].email in page1 and first[0].email not in page1  # newest first
    assert "/admin/audit?page=2&amp;action=user.role_changed&amp;actor=deputy" in page1
    page2 = _text(client.get("/admin/audit?page=2&action=user.role_changed&actor=deputy"))
    assert first[0].email in page2 and "Page 2 of 2" in page2
    by_day = _text(client.get(f"/admin/audit?since={(T0 + timedelta(days=3)).date()}&until={(T0 + timedelta(days=3)).date()}"))
    assert "1 entry" in by_day and late.email in by_day
    assert "No entries match these filters" in _text(client.get("/admin/audit?actor=nobody"))


def test_a_date_that_does_not_parse_is_reported_and_the_other_filters_still_apply(client, login_as):
    admin = login_as("admin")
    _entries(admin, 2)
    response = client.get("/admin/audit?since=2026-13-45&action=user.role_changed")
    assert response.status_code == 400
    html = _text(response)
    assert "Not a valid date value" in html and "2 entries" in html


def test_the_csv_download_keeps_the_filters_and_the_scope(client, login_as):
    ann = login_as("instructor")
    make_cohort(ann, name="Mine")
    cohorts.create_cohort(ann, "Ann's new class", None)
    cohorts.create_cohort(make_user("instructor"), "Someone else's class", None)
    page = _text(client.get("/teach/audit?action=cohort.created"))
    assert 'href="/teach/audit.csv?action=cohort.created"' in page
    response = client.get("/teach/audit.csv?action=cohort.created")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="audit-log.csv"' in response.headers["Content-Disposition"]
    body = _text(response)
    assert body.startswith("at_utc,actor,action") and "Ann's new class" in body and "Someone else" not in body
    assert client.get("/admin/audit.csv").status_code == 403
    login_as("learner")
    assert client.get("/teach/audit.csv").status_code == 403


def test_a_page_number_too_large_for_the_database_shows_an_empty_page_not_an_error(client, login_as):
    admin = login_as("admin")
    _entries(admin, 1)
    for url in ("/admin/audit?page=99999999999999999999999", "/teach/audit?page=9223372036854775807"):
        assert client.get(url).status_code == 200, url


def test_the_last_day_a_date_field_takes_is_no_upper_bound_not_an_error(client, login_as):
    admin = login_as("admin")
    _entries(admin, 2)
    for url in ("/admin/audit?until=9999-12-31", "/teach/audit?until=9999-12-31", "/admin/audit.csv?until=9999-12-31"):
        assert client.get(url).status_code == 200, url
    assert "2 entries" in _text(client.get("/admin/audit?since=2026-11-27&until=9999-12-31"))


def test_a_page_past_the_last_says_so_and_links_to_the_last_page(client, login_as):
    """Page 5 of a one-page log said "No entries", as if the log were empty."""
    admin = login_as("admin")
    _entries(admin, 2)
    html = _text(client.get("/admin/audit?page=5&action=user.role_changed"))
    assert "No entries" not in html
    assert "There is no page 5" in html and "2 entries on 1 page" in html
    assert 'href="/admin/audit?action=user.role_changed&amp;page=1"' in html
