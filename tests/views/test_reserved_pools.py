"""Items reserved for exams (`reserve: exam`) are reachable only through an exam: a learner who was
never served one cannot start it as a case, nor report it (which would confirm it exists)."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import AttemptItem, Item, ItemReport
from study.services import bank
from study.services import exams as exam_service
from tests.learning_bank import write_learning_bank

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
REPORT = {"kind": "typo", "comment": "a typo"}


def _reserve(path, value):
    text = path.read_text(encoding="utf-8")
    kind = "type: case" if "type: case" in text else "type: mcq"
    path.write_text(text.replace(kind, f"{kind}\nreserve: {value}", 1), encoding="utf-8")


@pytest.fixture
def reserved_bank(app, tmp_path):
    root = write_learning_bank(tmp_path / "bank")
    _reserve(root / "cases/professional/case-pro-0003.md", "exam")
    _reserve(root / "cpc/icd-10-cm/learn-icd-001.md", "exam")
    bank.import_bank(root)
    assert bank.get_item("case-pro-0003").reserved == "exam"
    return root


def _reports() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ItemReport))


def test_an_exam_case_cannot_be_started_as_case_practice(client, login_as, reserved_bank):
    login_as("learner")
    assert "case-pro-0003" not in client.get("/cases").get_data(as_text=True)
    assert client.get("/cases/case-pro-0003").status_code == 404
    assert client.post("/api/cases/case-pro-0003/draft", json={}).status_code == 404
    # an open-pool case still starts
    assert client.post("/api/cases/case-ip-0001/draft", json={}).status_code == 200


def test_an_exam_item_cannot_be_reported_by_a_learner_never_served_it(client, login_as, reserved_bank):
    login_as("learner")
    for key in ("learn-icd-001", "case-pro-0003"):
        assert client.post(f"/items/{key}/report", data=REPORT).status_code == 404
    assert _reports() == 0
    assert client.post("/items/learn-icd-002/report", data=REPORT).status_code == 302  # open pool
    assert _reports() == 1


def test_a_learner_served_an_exam_item_may_report_it_from_their_attempt(client, login_as, reserved_bank):
    user = login_as("learner")
    attempt = exam_service.start_exam(user, "CPC", T0)
    db.session.commit()
    served = db.session.scalar(
        sa.select(AttemptItem)
        .join(Item, Item.id == AttemptItem.item_id)
        .where(AttemptItem.attempt_id == attempt.id, Item.reserved == "exam")
    )
    assert served is not None  # the exam drew a reserved item
    key = db.session.get(Item, served.item_id).key
    response = client.post(f"/items/{key}/report", data={**REPORT, "attempt_item": str(served.id)})
    assert response.status_code == 302 and _reports() == 1
