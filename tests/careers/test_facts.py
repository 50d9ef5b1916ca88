"""The career facts file and the sample tasks file: every figure sourced and dated, every task
well formed. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import date

import pytest

from study.careers import aptitude, facts
from study.careers.recommend import SKILLS


def test_every_fact_has_a_source_a_read_date_and_a_unit():
    loaded = facts.all_facts()
    assert len(loaded) >= 30
    for fact in loaded.values():
        assert fact.source.url.startswith(("https://", "http://")) and fact.source.publisher and fact.source.title
        assert fact.source.read <= date(2026, 12, 7) and fact.unit in facts.UNITS
        assert fact.reference, fact.key
        assert fact.text


def test_figures_are_formatted_one_way():
    assert facts.fact("pay.mrs.median_annual").text == "$50,250 a year"
    assert facts.fact("pay.mrs.median_hourly").text == "$24.16 an hour"
    assert facts.fact("article.coder.entry").text == "$45,000–$60,000 a year"
    assert facts.fact("time.programme.certificate_months").text == "6–12 months"
    assert facts.fact("outlook.mrs.growth_percent").text == "7%"
    assert facts.fact("cost.aapc.cpc_exam").text == "$499"


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"sources": {}, "facts": {"x": {"value": 1, "unit": "usd", "source": "nope"}}}, "unknown source"),
        ({"sources": {"s": {"publisher": "p", "title": "t", "url": "https://x", "read": "2026-12-07"}},
          "facts": {"x": {"value": [5, 1], "unit": "usd", "source": "s"}}}, "low first"),
        ({"sources": {"s": {"publisher": "p", "title": "t", "url": "https://x", "read": "2026-12-07"}},
          "facts": {"x": {"value": "ten", "unit": "usd", "source": "s"}}}, "must be a number"),
        ({"sources": {"s": {"publisher": "p", "title": "t", "url": "https://x", "read": "2026-12-07"}},
          "facts": {"x": {"value": 1, "unit": "furlongs", "source": "s"}}}, "unknown unit"),
        ({"sources": {"s": {"publisher": "p", "title": "t", "url": "https://x"}}, "facts": {}}, "source s"),
    ],
)
def test_a_bad_facts_file_names_the_problem(data, problem):
    with pytest.raises(facts.FactsError, match=problem):
        facts.parse(data, "facts.yaml")


def test_the_sample_tasks_cover_every_skill_evenly_with_spread_answers():
    tasks = aptitude.tasks()
    assert len(tasks) == 16
    for skill, _ in SKILLS:
        assert sum(t.skill == skill for t in tasks) == 4
    letters = [t.answer for t in tasks]
    assert max(letters.count(x) for x in "ABCD") <= 5
    assert all(t.why and t.prompt and len(t.options) == 4 for t in tasks)


def test_grading_the_sample_tasks():
    tasks = aptitude.tasks()
    answers = {t.key: t.answer for t in tasks}
    answers[tasks[0].key] = "Z"
    scores, review = aptitude.grade(answers)
    assert [s.skill for s in scores] == [k for k, _ in SKILLS]
    assert sum(s.correct for s in scores) == 15 and review[0].chosen is None and not review[0].correct
    assert [t.key for t in aptitude.missing(answers)] == [tasks[0].key]


def test_a_bad_task_file_names_the_item_and_the_problem():
    good = {"key": "k", "skill": "reading", "question": "q", "why": "w", "answer": "A",
            "options": [{"letter": "A", "text": "a"}, {"letter": "B", "text": "b"}]}
    with pytest.raises(aptitude.TasksError, match="item 1 .k.: answer 'C' is not an option"):
        aptitude.parse({"items": [good | {"answer": "C"}]}, "aptitude.yaml")
    with pytest.raises(aptitude.TasksError, match="unknown skill"):
        aptitude.parse({"items": [good | {"skill": "juggling"}]})
    with pytest.raises(aptitude.TasksError, match="repeated key"):
        aptitude.parse({"items": [good, good]})
