from datetime import datetime, timedelta, timezone

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from study.careers.recommend import (
    INTEREST_CHOICES,
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    SETTING_CHOICES,
    WORK_STYLE_CHOICES,
)

MIN_WEEKS_AHEAD = 1
MAX_YEARS_AHEAD = 3


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class StartAssessmentForm(FlaskForm):
    setting = RadioField(
        "Where would you most like to work?",
        choices=_choices(SETTING_CHOICES),
        validators=[InputRequired("Choose the setting you would most like to work in.")],
    )
    work_style = RadioField(
        "Which kind of work suits you better?",
        choices=_choices(WORK_STYLE_CHOICES),
        validators=[InputRequired("Choose the kind of work that suits you better.")],
    )
    interest = RadioField(
        "Which task sounds more interesting?",
        choices=_choices(INTEREST_CHOICES),
        validators=[InputRequired("Choose the task that sounds more interesting.")],
    )
    weekly_hours = IntegerField(
        "Hours a week you can study",
        validators=[
            InputRequired("Say how many hours a week you can study."),
            NumberRange(
                MIN_WEEKLY_HOURS,
                MAX_WEEKLY_HOURS,
                f"Give a whole number of hours from {MIN_WEEKLY_HOURS} to {MAX_WEEKLY_HOURS}.",
            ),
        ],
        description=f"A whole number from {MIN_WEEKLY_HOURS} to {MAX_WEEKLY_HOURS}.",
    )
    target_date = DateField(
        "When would you like to sit the exam?",
        validators=[InputRequired("Give the date you are aiming for.")],
        description="A date at least a week from today and within three years.",
    )
    submit = SubmitField("Continue to the diagnostic")

    def validate_target_date(self, field):
        if field.data is None:  # not a date: the field already says so
            return
        today = datetime.now(timezone.utc).date()
        if field.data < today + timedelta(weeks=MIN_WEEKS_AHEAD):
            raise ValidationError("Choose a date at least a week from today.")
        if field.data > today + timedelta(days=366 * MAX_YEARS_AHEAD):
            raise ValidationError("Choose a date within the next three years.")


class SubmitDiagnosticForm(FlaskForm):
    """The answers are radio groups built in the template; this form carries the CSRF token."""

    submit = SubmitField("See my result")


class SaveResultForm(FlaskForm):
    submit = SubmitField("Save my result")
