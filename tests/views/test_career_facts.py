"""Every pay, cost and time figure on the career pages comes from data/facts.yaml, and no two
pages disagree: a figure written into a template (or a second, different copy of one) fails here."""

from __future__ import annotations

import re

import pytest

from study.careers import aptitude, facts
from study.services import bank

MONEY = re.compile(r"\$\d[\d,]*(?:\.\d\d)?(?!\d|k)")  # "$20k" chart ticks are axis labels, not figures
MONTHS = re.compile(r"\b\d+(?:–\d+)? months\b")
PAGES = (
    "/careers/",
    "/careers/roles/billing-specialist",
    "/careers/roles/medical-coder",
    "/careers/roles/denials-specialist",
    "/careers/roles/revenue-cycle-analyst",
    "/careers/roles/compliance-audit-specialist",
    "/careers/certifications",
    "/careers/salaries",
    "/careers/education",
    "/careers/costs",
    "/careers/first-job",
)


REVIEWS = re.compile(r'<section aria-labelledby="(?:tasks-review|review)-title">.*?</section>', re.S)


def _text(html: str, reviews: bool = True) -> str:
    """The page's text; without the reviews of the sample tasks and the knowledge check (their
    made-up bills are exercises, not figures about the career) when `reviews` is False."""
    if not reviews:
        html = REVIEWS.sub(" ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _allowed() -> tuple[set[str], set[str]]:
    """The amounts the data file holds: each fact's figures, and those its notes mention."""
    money, months = set(), set()
    for fact in facts.all_facts().values():
        for text in (fact.text, fact.note, str(fact.value) if fact.unit == "text" else ""):
            money.update(MONEY.findall(text))
            months.update(MONTHS.findall(text))
    return money, months


def _result_pages(client) -> list[str]:
    pages = []
    for answers in ({"setting": "physician_practice"}, {"setting": "billing_company", "interest": "payer", "work_style": "people"},
                    {"setting": "hospital", "healthcare": "clinical"}):
        data = {
            "healthcare": "none", "customer_service": "no", "schooling": "some_college", "budget": "low", "income": "soon",
            "screen": "fine", "setting": "remote", "work_style": "detail", "interest": "clinical", "weekly_hours": "5",
            "target_date": "2027-09-01",
        } | answers
        client.post("/careers/assessment", data=data)
        client.post("/careers/assessment/tasks", data={t.field_name: t.answer for t in aptitude.tasks()})
        pages.append(client.get("/careers/assessment/result").get_data(as_text=True))
    return pages


@pytest.fixture
def pages(app, client):
    bank.import_bank(app.config["QUESTION_BANK"])
    found = {url: client.get(url).get_data(as_text=True) for url in PAGES}
    for number, html in enumerate(_result_pages(client)):
        found[f"result {number}"] = html
    return found


def test_every_figure_on_a_career_page_is_in_the_facts_file(pages):
    money, months = _allowed()
    for url, html in pages.items():
        text = _text(html, reviews=False)
        assert "Review the sample tasks" in _text(html) or not url.startswith("result")
        stray = set(MONEY.findall(text)) - money
        assert not stray, f"{url} shows {sorted(stray)}, which data/facts.yaml does not hold"
        stray_months = set(MONTHS.findall(text)) - months
        assert not stray_months, f"{url} shows {sorted(stray_months)}, which data/facts.yaml does not hold"


def test_pages_that_show_the_same_fact_show_the_same_figure(pages):
    """Each fact is printed by one formatter, so wherever its label or figure appears it is the
    same text; and the pages that name the BLS median all give the one figure."""
    median = facts.fact("pay.mrs.median_annual").text
    names = ("median for medical records specialists", "Median yearly pay, medical records")
    naming = [url for url, html in pages.items() if any(name in _text(html) for name in names)]
    assert len(naming) >= 2
    for url in naming:
        assert median in _text(pages[url]), url
    entry = facts.fact("article.coder.entry").text
    for url in ("/careers/salaries", "/careers/roles/medical-coder", "result 0"):
        assert entry in _text(pages[url]), url
    assert "$45,000–$65,000 a year" not in " ".join(_text(h) for h in pages.values())  # the article's disagreeing list


def test_every_figure_shown_names_its_source_and_the_day_it_was_read(pages):
    for url in ("/careers/salaries", "/careers/costs", "/careers/first-job", "/careers/certifications"):
        text = _text(pages[url])
        assert "read 7 December 2026" in text, url
