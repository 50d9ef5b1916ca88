"""Every page a learner, an instructor and a career changer can reach holds at 390 px and at
1280 px (issue 18): the page never scrolls sideways (`scrollWidth <= innerWidth`) at either width,
and axe finds no serious or critical violation (checked at 390 px, where scrolling regions appear;
the other browser tests run axe at desktop widths). The pages are seeded with real state: a
practice set, a graded case, a submitted and an open exam, a cohort with an assignment, an
answered report."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.factories import make_assignment, make_cohort, make_user
from tests.learning_bank import write_learning_bank
from tests.support import sign_in_page

WIDTHS = (390, 1280)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def site(live_app, tmp_path):
    """Seed the site; returns the URLs per role."""
    from study.careers import aptitude
    from study.careers.recommend import Preferences
    from study.services import attempts as attempt_service
    from study.services import bank, careers, cases, exams, practice, reports

    now = datetime.now(timezone.utc)
    with live_app.app_context():
        root = write_learning_bank(tmp_path / "bank")
        real = Path(live_app.config["QUESTION_BANK"])
        billing_root = real / "billing"
        shutil.copy(real / "topics.yaml", root / "topics.yaml")  # the billing topics, and the CPB
        shutil.copy(real / "blueprints" / "CPB.yaml", root / "blueprints" / "CPB.yaml")
        for key in ("claim-0001", "remit-0001", "scrub-0001"):  # one billing exercise of each type
            (root / "billing").mkdir(exist_ok=True)
            shutil.copy(next(billing_root.rglob(f"{key}.md")), root / "billing" / f"{key}.md")
        bank.import_bank(root)
        lee = make_user("learner", email="lee@example.org", target_exam="CPC", exam_date=date.today() + timedelta(days=45))
        eve = make_user("learner", email="eve@example.org")
        ian = make_user("instructor", email="ian@example.org")
        drill = practice.start_practice(lee, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 2, "all"), now)
        for ai in drill.items:
            item = attempt_service.version_item(ai)
            practice.answer(lee, drill.id, ai.position, attempt_service.to_shown(ai, item, [item.options[0].letter]), 40, now)
        case = cases.start_case(lee, "case-pro-0003", now)
        cases.submit_case(lee, case.id, {"diagnoses": ["S52.501D"], "procedures": ["25600"]}, now)
        done = exams.start_exam(lee, "CPC", now - timedelta(hours=2))
        exams.submit(lee, done.id, now - timedelta(hours=1))
        running = exams.start_exam(eve, "CPC", now)
        first = drill.items[0]
        report = attempt_service.report_problem(lee, attempt_service.version_item(first).id, "unclear", "Which first?", first.id)
        reports.resolve_report(ian, report.id, "replied", "Sequence the etiology first.", now)
        cohort = make_cohort(ian, [lee], name="Evening class")
        rule = {"exam": "CPC", "topics": ["icd-10-cm"], "size": 2}
        assignment = make_assignment(cohort, "practice", "Week 1", rule, opens_at=now - timedelta(days=1))
        career_run = careers.get_run(careers.start_run(Preferences("remote", "detail", "clinical", 6, date.today() + timedelta(weeks=30))))
        careers.submit_tasks(career_run, {t.key: t.answer for t in aptitude.tasks()})
        career = careers.save_result(lee, career_run, date.today())
        billing_set = practice.start_practice(lee, practice.PracticeChoice("CPB", [], None, 3, "all", kind="billing"), now)
        urls = {
            "learner": (
                "lee@example.org",
                [
                    "/",
                    "/plan",
                    "/progress?exam=CPC",
                    "/practice",
                    f"/practice/{drill.id}/q/1",
                    f"/practice/{drill.id}/summary",
                    "/cases",
                    "/cases/case-pro-0003",
                    f"/cases/attempts/{case.id}",
                    "/exams",
                    "/exams/CPC",
                    f"/exams/attempts/{done.id}/result",
                    "/assignments",
                    "/cohorts/join",
                    "/my/reports",
                    "/codes?q=heart+attack",
                    "/codes/I21.4",
                    "/codes/pcs",
                    "/codes/pcs/0DT",
                    "/account/password",
                    "/account/goal",
                    "/account/time-zone",
                    "/account/sessions",
                    "/careers/results",
                    f"/careers/results/{career.id}",
                    f"/practice/{billing_set.id}/q/1",
                    f"/practice/{billing_set.id}/q/2",
                    f"/practice/{billing_set.id}/q/3",
                ],
            ),
            "learner in an exam": (
                "eve@example.org",
                [f"/exams/attempts/{running.id}/q/1", f"/exams/attempts/{running.id}/review", f"/exams/attempts/{running.id}/abandon"],
            ),
            "instructor": (
                "ian@example.org",
                [
                    "/teach/",
                    "/teach/bank",
                    "/teach/bank?q=fracture",
                    "/teach/items",
                    "/teach/items/new/mcq",
                    "/teach/items/new/case",
                    "/teach/items/new/claim",
                    "/teach/items/new/remittance",
                    "/teach/items/new/scrubber",
                    "/teach/reports",
                    f"/teach/reports/{report.id}",
                    "/teach/cohorts",
                    f"/teach/cohorts/{cohort.id}",
                    f"/teach/cohorts/{cohort.id}/assignments/new",
                    f"/teach/cohorts/{cohort.id}/learners/{lee.id}",
                    "/teach/analysis",
                    f"/teach/analysis/assignment/{assignment.id}",
                ],
            ),
            "career changer": (
                None,
                [
                    "/",
                    "/careers/",
                    "/careers/roles/medical-coder",
                    "/careers/certifications",
                    "/careers/salaries",
                    "/careers/education",
                    "/careers/costs",
                    "/careers/first-job",
                    "/careers/assessment",
                    "/account/signup",
                    "/account/signin",
                ],
            ),
        }
    return urls


@pytest.mark.parametrize("role", ["learner", "learner in an exam", "instructor", "career changer"])
def test_every_page_fits_390_and_1280_px_and_is_axe_clean(page, axe_check, site, role):
    email, urls = site[role]
    if email:
        sign_in_page(page, email)
    problems = []
    for url in urls:
        response = page.goto(url)
        if response is None or response.status >= 400:
            problems.append(f"{url}: HTTP {response.status if response else '?'}")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if not page.evaluate(FITS):
                wide = page.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                    ".slice(-3).map(e => e.tagName + '.' + e.className)"
                )
                problems.append(f"{url} at {width} px scrolls sideways: {wide}")
            if width == WIDTHS[0]:  # axe once per page, at the phone width where scrolling regions appear
                try:
                    axe_check(page)
                except AssertionError as exc:
                    problems.append(f"{url} at {width} px: {exc}")
    assert not problems, "\n".join(problems)
    assert page.js_errors == []
