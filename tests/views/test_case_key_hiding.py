"""Key hiding on case pages, for EVERY case of the real bank (question_bank/): while a case attempt
is open, and while an open exam serves the case, no page or JSON the learner can reach shows a
code of the case's key (the diagnoses, procedures and PCS codes, their alternates, and the codes
the key says not to report) or a phrase of its rationale or of a not-reportable explanation.

A case's secrets are what the learner cannot know before an answer: key codes that the case's own
documentation and task do not show, and eight-word runs of the rationale and the explanations
that the documentation and task do not contain. Codes that every case page shows whatever the case
(the entry form's examples of the paste format) cannot be told apart from a leak and are left out.
The MCQ fixtures carry SECRET- markers for this;
the real cases do not, so their secrets are computed from the parsed key."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import ExamBlueprint, Item
from study.services import bank
from tests.factories import make_attempt
from tests.support import start_case

WINDOW = 8  # words: a run this long from the rationale does not turn up in a page by chance
CODE = re.compile(r"(?<![A-Z0-9.])[A-Z0-9][A-Z0-9.]{2,7}(?![A-Z0-9])")  # with a digit: see _codes


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(text: str) -> set[str]:
    words = _words(text)
    return {" ".join(words[i : i + WINDOW]) for i in range(len(words) - WINDOW + 1)}


@functools.lru_cache(maxsize=64)
def _joined_words(text: str) -> str:
    return " ".join(_words(text))


@functools.lru_cache(maxsize=4096)
def _codes(text: str) -> frozenset[str]:
    return frozenset( {token.rstrip(".") for token in CODE.findall(text.upper()) if any(c.isdigit() for c in token)})


def _page_text(body: str) -> str:
    """What a page shows or carries: its text, attribute values and any script, unescaped."""
    return html.unescape(body)


@dataclass
class Secrets:
    key: str
    codes: set[str]
    runs: set[str]

    def found_in(self, body: str, chrome: frozenset[str] = frozenset()) -> list[str]:
        text = _page_text(body)
        words = _joined_words(text)
        leaks = sorted(code for code in self.codes - chrome if code in _codes(text))
        leaks += sorted(run for run in self.runs if run in words)[:3]
        return leaks


def _secrets(item: Item) -> Secrets:
    case = bank.parsed_item(item)
    public = "\n".join(t for t in (case.documentation, case.task or "") if t)
    public_codes = set(CODE.findall(public.upper()))
    codes = {code for lines in (case.key.diagnoses, case.key.procedures, case.key.pcs) for line in lines for code in line.codes}
    codes |= {code for code, _ in case.key.not_reportable}
    explanations = "\n".join([case.rationale, *(why for _, why in case.key.not_reportable)])
    return Secrets(item.key, {c.upper() for c in codes} - public_codes, _runs(explanations) - _runs(public))


class Pages:
    """The pages fetched, each with the secrets it must not show; checked once all are fetched."""

    def __init__(self, client) -> None:
        self.client = client
        self.fetched: list[tuple[str, str, str, list[Secrets]]] = []

    def get(self, kind: str, url: str, secrets: list[Secrets], status: int = 200) -> None:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        self.fetched.append((kind, url, response.get_data(as_text=True), secrets))

    def chrome(self, kind: str, secret_codes: set[str]) -> frozenset[str]:
        """The key codes every page of this kind shows, whatever its case: the entry form's
        examples, and no more than those few (else the check would be hollow)."""
        shown = frozenset.intersection(*[_codes(_page_text(body)) for k, _, body, _ in self.fetched if k == kind])
        codes = frozenset(shown & secret_codes)
        assert len(codes) <= 8, (kind, codes)
        return codes

    def leaks(self) -> dict[str, list[str]]:
        secret_codes = {code for _, _, _, secrets in self.fetched for s in secrets for code in s.codes}
        # once per kind of page (not once per page: that made the check quadratic in the bank)
        kinds = {kind for kind, _, _, secrets in self.fetched if len(secrets) == 1}
        chrome = {kind: self.chrome(kind, secret_codes) for kind in kinds}
        return {
            f"{url} ({s.key})": found
            for kind, url, body, secrets in self.fetched
            for s in secrets
            if (found := s.found_in(body, chrome.get(kind, frozenset())))
        }


def _exam_config(blueprint: ExamBlueprint, cases: int) -> dict:
    """The config start_exam writes, for an exam whose only section is these cases."""
    return {
        "title": blueprint.title,
        "minutes": blueprint.minutes,
        "pass_percent": blueprint.pass_percent,
        "warn_at_minutes_left": blueprint.warn_at_minutes_left,
        "pace_minutes_per_question": blueprint.pace_minutes_per_question,
        "sections": [{"key": "cases", "title": "Coding cases", "kind": "case", "needed": cases, "drawn": cases, "confirmed": True}],
    }


@pytest.fixture
def real_bank(app):
    bank.import_bank(app.config["QUESTION_BANK"])
    cases = list(db.session.scalars(sa.select(Item).where(Item.type == "case", Item.status == "published").order_by(Item.key)))
    assert len(cases) >= 40
    return cases


def test_secrets_are_found_where_the_key_is_shown(real_bank):
    """The check itself: a graded case's page shows its key, and the secrets say so."""
    secrets = [_secrets(item) for item in real_bank]
    assert all(s.codes for s in secrets), [s.key for s in secrets if not s.codes]
    assert all(len(s.runs) >= 20 for s in secrets)
    case = bank.parsed_item(real_bank[0])
    shown = f"<p>{case.key.diagnoses[0].code}</p><div>{html.escape(case.rationale)}</div>"
    assert secrets[0].found_in(shown)


EXAM_CASES = 8  # cases served by one open exam in the test below


def test_no_page_of_an_open_case_attempt_or_open_exam_shows_a_key(client, login_as, real_bank):
    learner = login_as("learner")
    secrets = {item.key: _secrets(item) for item in real_bank}
    everything = list(secrets.values())
    pages = Pages(client)

    # 1. an open case attempt for every case
    case_attempts = {}
    for item in real_bank:
        pages.get("case before any draft", f"/cases/{item.key}", [secrets[item.key]])
        case_attempts[item.key] = start_case(client, item.key, {"dx": ["R69"], "pcs": ["99213"]})
        pages.get("case", case_attempts[item.key], [secrets[item.key]])
        pages.get("case with its draft", f"/cases/{item.key}", [secrets[item.key]])
        pages.get("grading confirmation", case_attempts[item.key] + "/confirm", [secrets[item.key]])
    assert len(set(case_attempts.values())) == len(real_bank)

    # 2. open exams serving every case once (each case in an exam of one of its blueprints, at most
    #    EXAM_CASES to an exam, so the page count grows linearly with the bank), half of them
    #    answered (with a code of no key) and some flagged
    now = datetime.now(timezone.utc)
    exams = {}
    unserved = list(real_bank)
    for blueprint in db.session.scalars(sa.select(ExamBlueprint).order_by(ExamBlueprint.exam)):
        mine = [item for item in unserved if any(link.exam == blueprint.exam for link in item.exam_links)]
        unserved = [item for item in unserved if item not in mine]
        for start in range(0, len(mine), EXAM_CASES):
            items = mine[start : start + EXAM_CASES]
            attempt = make_attempt(
                learner,
                [(item, "cases") for item in items],
                "exam",
                now,
                _exam_config(blueprint, len(items)),
                exam=blueprint.exam,
                deadline_at=now + timedelta(hours=2),
            )
            exams[attempt.id] = items
            for position in range(1, len(items) + 1, 2):
                answer = {"position": position, "case": {"diagnoses": ["R69"]}, "flag": position % 4 == 1}
                saved = client.post(f"/api/exams/{attempt.id}/answers", json=answer)
                assert saved.status_code == 200, saved.get_data(as_text=True)
    assert {item.key for items in exams.values() for item in items} == {item.key for item in real_bank}

    for attempt_id, items in exams.items():
        for position, item in enumerate(items, start=1):
            pages.get("exam question", f"/exams/attempts/{attempt_id}/q/{position}", [secrets[item.key]])
        in_exam = [secrets[item.key] for item in items]
        pages.get("exam review", f"/exams/attempts/{attempt_id}/review", in_exam)
        pages.get("clock", f"/api/exams/{attempt_id}/clock", in_exam)

    # 3. the case attempts again, now that open exams hold the cases: refused, and still no key
    for key, url in case_attempts.items():
        pages.get("locked case", url, [secrets[key]], status=409)
        assert client.post(f"/api/cases/{key}/draft", json={"dx": ["R69"]}).status_code == 409
        pages.get("locked case", f"/cases/{key}", [secrets[key]], status=409)

    # 4. the pages that list the learner's work
    for url in ("/", "/progress", "/account/data.json", "/cases", "/exams", "/my/reports"):
        pages.get("list", url, everything)
    assert pages.leaks() == {}
