"""What a signed-in learner sees first: reviews due, work to resume, the answers to their problem
reports not read yet and their saved career result (the home page links them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from study.extensions import db
from study.kinds import AttemptKind, AttemptStatus
from study.models import Attempt, User
from study.models.careers import CareerAssessment
from study.services import careers, reports
from study.services import exams as exam_service
from study.services.practice import due_count


@dataclass
class HomePanel:
    due: int
    open_attempts: list[Attempt]  # newest first
    exam_time_left: dict[int, str] = field(default_factory=dict)  # open exam's id -> h:mm left
    answered_reports: list[reports.AnsweredReport] = field(default_factory=list)  # "your report was answered"
    career: CareerAssessment | None = None  # the latest career self-assessment result they saved


def home_panel(user: User, now: datetime) -> HomePanel:
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.OPEN)
            .order_by(Attempt.started_at.desc())
            .limit(10)
        )
    )
    for attempt in attempts:
        if attempt.kind == AttemptKind.EXAM:
            exam_service.refresh(attempt, now)  # an exam past its deadline is submitted now
    still_open = [a for a in attempts if a.is_open]
    time_left = {a.id: exam_service.time_left_text(exam_service.seconds_left(a, now)) for a in still_open if a.kind == AttemptKind.EXAM}
    return HomePanel(
        due=due_count(user, now),
        open_attempts=still_open,
        exam_time_left=time_left,
        answered_reports=reports.unread_answers(user, now),
        career=careers.latest_saved(user),
    )
