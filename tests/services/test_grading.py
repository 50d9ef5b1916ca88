"""The one grading path (services.grading), the parsed-version cache and the transaction helper."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.bank.model import CaseItem, McqItem
from study.extensions import db
from study.grading.results import GradeReport
from study.models import Item, ItemVersion, Response, User
from study.services import ServiceError, authoring, bank, regrades
from study.services import cases as case_service
from study.services.grading import grade_response, parsed_version
from study.services.transactions import transaction
from tests.factories import make_user
from tests.learning_bank import write_learning_bank

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
FULL_CASE = {"diagnoses": ["S52.501A"], "procedures": ["25600-RT"], "pcs": []}
PADDED_CASE = {"diagnoses": ["", *[" "] * 30, " S52.501A "], "procedures": ["", "25600-RT", "  "], "pcs": [""]}


@pytest.fixture
def learning_bank(app, tmp_path):
    root = write_learning_bank(tmp_path / "bank")
    bank.import_bank(root)
    return root


def _version(key: str) -> ItemVersion:
    item = db.session.scalar(sa.select(Item).where(Item.key == key))
    return item.current_version


# ------------------------------------------------------------------ grade_response
def test_every_form_of_a_case_answer_grades_the_same(learning_bank):
    version = _version("case-pro-0003")
    stored = grade_response(version, FULL_CASE)
    assert stored.score == 1.0 and stored.correct and stored.report["score_pct"] == 100.0
    assert grade_response(version, PADDED_CASE) == stored  # blank rows: the stored form's one normalization
    text_boxes = grade_response(parsed_version(version), {"dx": "\n\n s52.501a \n", "px": "\n25600-RT\n\n", "pcs": ""})
    assert text_boxes == stored
    assert isinstance(stored.case_report, GradeReport)
    with pytest.raises(TypeError):
        _ = stored.mcq_result


def test_an_mcq_answer_grades_from_its_stored_form(learning_bank):
    version = _version("learn-icd-001")  # answer A
    right, wrong = grade_response(version, {"selected": ["A"]}), grade_response(version, {"selected": ["B"]})
    assert (right.score, right.correct, right.report) == (1.0, True, None)
    assert (wrong.score, wrong.correct) == (0.0, False)
    with pytest.raises(TypeError):
        _ = right.case_report


def test_try_an_answer_and_check_answer_grade_through_the_same_path(learning_bank):
    """The instructor's try-an-answer and `flask bank check-answer` give the learner's grade, blank lines ignored."""
    version = _version("case-pro-0003")
    case = parsed_version(version)
    learner = grade_response(version, PADDED_CASE).case_report
    assert authoring.try_case(case, dx="\n\nS52.501A\n\n", px="\n25600-RT\n", pcs="\n") == learner
    assert bank.check_answer("case-pro-0003", "S52.501A", "25600-RT") == learner
    mcq = parsed_version(_version("learn-icd-001"))
    assert authoring.try_mcq(mcq, ["A"]) == grade_response(mcq, {"selected": ["A"]}).mcq_result


def test_a_regrade_grades_a_stored_answer_with_blank_rows_as_the_clean_one(learning_bank):
    """An answer stored with blank rows (as exams stored them before) regrades like the clean answer."""
    inst, learner = make_user("instructor"), make_user()
    attempt = case_service.start_case(learner, "case-pro-0003", T0)
    case_service.submit_case(learner, attempt.id, {"diagnoses": ["S52.501A"], "procedures": ["25600-LT"]}, T0)
    response = attempt.items[0].response
    response.answer_json = '{"diagnoses": ["", " ", "S52.501A"], "procedures": ["", "25600-LT", ""], "pcs": [""]}'
    db.session.commit()
    path = learning_bank / "cases" / "professional" / "case-pro-0003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("modifiers: [RT]", "modifiers: [LT]"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1
    plan, log = regrades.regrade(inst, "case-pro-0003", "new-key", T0 + timedelta(days=1))
    assert log is not None and log.responses_changed == 1
    db.session.refresh(attempt)
    assert attempt.score_pct == 100.0 and attempt.items[0].response.report["score_pct"] == 100.0


# ------------------------------------------------------------------ the parsed-version cache
def test_a_version_is_parsed_once_and_its_text_keys_the_cache(learning_bank, monkeypatch):
    from study.services import grading

    version = _version("learn-icd-002")
    grading._parse.cache_clear()
    first = parsed_version(version)
    assert isinstance(first, McqItem) and parsed_version(version) is first
    assert grading._parse.cache_info().hits == 1 and grading._parse.cache_info().misses == 1
    # the latest version's metadata is rewritten in place: the new text is parsed again
    version.source_text = version.source_text.replace("difficulty: easy", "difficulty: hard")
    assert parsed_version(version).difficulty == "hard"
    assert grading._parse.cache_info().maxsize == grading.PARSED_CACHE_SIZE


def test_a_version_that_no_longer_parses_is_a_service_error(learning_bank):
    version = _version("learn-icd-003")
    version.source_text = "not an item"
    with pytest.raises(ServiceError, match="no longer parses"):
        parsed_version(version)
    db.session.rollback()


def test_typed_accessors_refuse_the_other_item_type(learning_bank):
    from study.grading.answers import as_case, as_mcq

    mcq, case = parsed_version(_version("learn-icd-001")), parsed_version(_version("case-pro-0003"))
    assert as_mcq(mcq) is mcq and as_case(case) is case and isinstance(case, CaseItem)
    with pytest.raises(TypeError, match="expected a coding case"):
        as_case(mcq)
    with pytest.raises(TypeError, match="expected a multiple-choice item"):
        as_mcq(case)


# ------------------------------------------------------------------ transaction()
def test_the_outermost_transaction_commits_once_and_nested_ones_only_flush(app):
    commits = []
    sa.event.listen(db.session(), "after_commit", lambda session: commits.append(1))
    user = make_user()
    commits.clear()
    with transaction():
        user.display_name = "Outer"
        with transaction():
            user.display_name = "Inner"
        assert commits == []  # the inner block flushed, nothing committed yet
        assert db.session.scalar(sa.select(User.display_name).where(User.id == user.id)) == "Inner"
    assert commits == [1]
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Inner"


def test_a_transaction_rolls_back_and_re_raises(app):
    user = make_user(display_name="Before")
    with pytest.raises(ServiceError):
        with transaction():
            user.display_name = "After"
            with transaction():
                raise ServiceError("refused")
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Before"
    with transaction():  # the depth was restored: this one commits again
        user.display_name = "Again"
    db.session.rollback()
    assert db.session.get(User, user.id).display_name == "Again"


def test_a_response_is_counted_once_per_graded_answer(learning_bank):
    learner = make_user()
    attempt = case_service.start_case(learner, "case-pro-0003", T0)
    case_service.submit_case(learner, attempt.id, FULL_CASE, T0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
