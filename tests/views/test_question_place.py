"""Every practice question shows its exam section and topic (issue 18)."""

from __future__ import annotations

from datetime import datetime, timezone

from study.services import practice


def _page(client, learner, exam):
    attempt = practice.start_practice(learner, practice.PracticeChoice(exam, ["icd-10-cm"], None, 2, "all"), datetime.now(timezone.utc))
    return client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)


def test_a_practice_question_names_its_exam_section_and_topic(client, login_as, learning_bank):
    html = _page(client, login_as("learner"), "CPC")
    assert '<p class="question-place">CPC · section: ICD-10-CM · topic: ICD-10-CM diagnosis coding</p>' in html


def test_without_an_exam_only_the_topic_is_named(client, login_as, learning_bank):
    html = _page(client, login_as("learner"), None)
    assert '<p class="question-place">topic: ICD-10-CM diagnosis coding</p>' in html
