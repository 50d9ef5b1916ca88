from datetime import datetime, timedelta, timezone

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from study.careers.recommend import (
    BUDGET_CHOICES,
    CUSTOMER_SERVICE_CHOICES,
    HEALTHCARE_CHOICES,
    INCOME_CHOICES,
    INTEREST_CHOICES,
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    SCHOOLING_CHOICES,
    SCREEN_CHOICES,
    SETTING_CHOICES,
    WORK_STYLE_CHOICES,
)

MIN_WEEKS_AHEAD = 1
MAX_YEARS_AHEAD = 3


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def _radio(label: str, choices, error: str) -> RadioField:
    return RadioField(label, choices=_choices(choices), validators=[InputRequired(error)])


class StartAssessmentForm(FlaskForm):
    """Step 1: background, preferences and the time available."""

    healthcare = _radio(
        "Have you worked in healthcare?", HEALTHCARE_CHOICES, "Say whether you have worked in healthcare."
    )
    customer_service = _radio(
        "Have you worked with customers?", CUSTOMER_SERVICE_CHOICES, "Say whether you have worked with customers."
    )
    schooling = _radio("Your schooling so far", SCHOOLING_CHOICES, "Choose the schooling you have so far.")
    budget = _radio(
        "What could you spend on training?", BUDGET_CHOICES, "Choose what you could spend on training."
    )
    income = _radio(
        "How soon do you need an income from this work?", INCOME_CHOICES, "Say how soon you need an income from this work."
    )
    screen = _radio(
        "How would you feel about reading and typing at a screen for most of the working day?",
        SCREEN_CHOICES,
        "Say how you would feel about a day at a screen.",
    )
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
    submit = SubmitField("Continue to the sample tasks")

    def validate_target_date(self, field):
        if field.data is None:  # not a date: the field already says so
            return
        today = datetime.now(timezone.utc).date()
        if field.data < today + timedelta(weeks=MIN_WEEKS_AHEAD):
            raise ValidationError("Choose a date at least a week from today.")
        if field.data > today + timedelta(days=366 * MAX_YEARS_AHEAD):
            raise ValidationError("Choose a date within the next three years.")


# the form's fields that make up recommend.Preferences
PREFERENCE_FIELDS: tuple[str, ...] = (
    "setting", "work_style", "interest", "weekly_hours", "target_date",
    "screen", "healthcare", "customer_service", "schooling", "budget", "income",
)


class SubmitDiagnosticForm(FlaskForm):
    """The answers are radio groups built in the template; this form carries the CSRF token."""

    submit = SubmitField("See my updated result")
