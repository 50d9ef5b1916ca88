"""The home page of a signed-in learner: each open attempt links to where it is resumed."""

from datetime import datetime, timezone

from study.services import bank, cases, exams, practice
from tests.learning_bank import write_learning_bank


def test_open_attempts_link_to_their_own_pages(client, login_as, tmp_path):
    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    learner = login_as("learner")
    now = datetime.now(timezone.utc)
    case = cases.start_case(learner, "case-pro-0003", now)
    drill = practice.start_practice(learner, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 2, "all"), now)
    exam = exams.start_exam(learner, "CPC", now)
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/exams/attempts/{exam.id}/q/1">resume (0:59 left)</a>' in html  # the exam's clock runs
    assert f'href="/cases/attempts/{case.id}">resume</a>' in html
    assert f'href="/practice/{drill.id}">resume</a>' in html
