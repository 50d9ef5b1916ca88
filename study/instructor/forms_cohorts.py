"""Forms of the cohort pages: create a cohort, create an assignment, set a member's extra time."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from study.forms import DATE_MESSAGE, DIFFICULTY_CHOICES, DateTimeField, MultiCheckboxField
from study.services import assignments as assignment_service
from study.services import cohorts as cohort_service

MAX_DAYS, MAX_MINUTES = assignment_service.MAX_AVOID_DAYS, assignment_service.MAX_MINUTES


class CreateCohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired("Give the cohort a name."), Length(max=120)])
    exam = SelectField("Exam the class prepares for", choices=[], validators=[Optional()])
    submit = SubmitField("Create cohort")


class CreateAssignmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the assignment a title."), Length(max=200)])
    kind = RadioField(
        "What to assign",
        choices=[SelectChoice(k, v) for k, v in assignment_service.KINDS.items()],
        default="practice",
        validators=[DataRequired("Choose what to assign.")],
    )
    # the item picker: the chosen items (hidden fields, in order), what to search, the results' page
    picked = SelectMultipleField("Chosen items", choices=[], validate_choice=False)
    pick_q = SearchField(
        "Search the bank", description="Words of the question or case, or a bank id.", validators=[Optional(), Length(max=200)]
    )
    pick_exam = SelectField("Exam", choices=[], validators=[Optional()], validate_choice=False)
    pick_topic = SelectField("Topic", choices=[], validators=[Optional()], validate_choice=False)
    pick_type = SelectField(
        "Type", choices=[SelectChoice("", "Any"), SelectChoice("mcq", "Questions"), SelectChoice("case", "Cases")], validate_choice=False
    )
    pick_difficulty = SelectField("Difficulty", choices=DIFFICULTY_CHOICES, validate_choice=False)
    pick_page = HiddenField(default="1")
    items = TextAreaField(
        "Add items by id",
        description="Bank ids separated by spaces, commas or new lines, added after the chosen items.",
        validators=[Optional(), Length(max=5000)],
    )
    exam = SelectField("Exam", choices=[], validators=[Optional()])
    section = SelectField(
        "One section only", choices=[], validators=[Optional()], description="An exam simulation of this section of the blueprint."
    )
    topics = MultiCheckboxField("Topics (none ticked means all)", choices=[], validators=[Optional()])
    difficulties = MultiCheckboxField("Difficulties (none ticked means any)", choices=DIFFICULTY_CHOICES[1:], validators=[Optional()])
    size = IntegerField("Number of questions", default=10, validators=[Optional(), NumberRange(1, assignment_service.MAX_PRACTICE_SIZE)])
    avoid_recent_days = IntegerField(
        "Avoid questions the learner answered in the last N days",
        description=(
            "Applied to each learner when they start. Such questions are drawn only when the rule has too few others, "
            "so every learner gets the full number. Leave empty to draw from all."
        ),
        validators=[
            Optional(),
            NumberRange(1, MAX_DAYS, f"Give between 1 and {MAX_DAYS} days, or leave it empty."),
        ],
    )
    minutes = IntegerField(
        "Time limit (minutes)",
        description=(
            "Each learner's extra time in this cohort multiplies it (1.5 x 30 minutes = 45). Leave empty for an untimed practice set, "
            "or for an exam's own time."
        ),
        validators=[
            Optional(),
            NumberRange(1, MAX_MINUTES, f"Give a time limit between 1 and {MAX_MINUTES} minutes, or leave it empty."),
        ],
    )
    opens_at = DateTimeField("Opens", validators=[InputRequired(DATE_MESSAGE)])
    due_at = DateTimeField("Due", validators=[InputRequired(DATE_MESSAGE)])
    max_attempts = IntegerField(
        "Attempts allowed",
        default=1,
        description=f"1 to {assignment_service.MAX_ATTEMPTS}; per case in a case set. Leave empty for no limit.",
        validators=[
            Optional(),
            NumberRange(
                1,
                assignment_service.MAX_ATTEMPTS,
                f"Allow between 1 and {assignment_service.MAX_ATTEMPTS} attempts, or leave it empty for no limit.",
            ),
        ],
    )
    feedback = RadioField(
        "When learners see the answers and explanations",
        choices=[SelectChoice(k, v) for k, v in assignment_service.FEEDBACK.items()],
        default="attempt",
        validators=[DataRequired("Choose when the answers and explanations are shown.")],
    )
    counts = RadioField(
        "Which attempt counts",
        choices=[SelectChoice(k, v) for k, v in assignment_service.COUNTS.items()],
        default="first",
        validators=[DataRequired("Choose which attempt counts.")],
    )
    retake_fresh = BooleanField("A retake draws fresh questions (practice rules and exams)", default=False)
    submit = SubmitField("Create assignment")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.due_at.data <= self.opens_at.data:
            self.due_at.errors = list(self.due_at.errors) + ["The due date must be after the opening date."]
            return False
        return ok


class SetExtraTimeForm(FlaskForm):
    multiplier = DecimalField(
        "Extra time multiplier",
        places=2,
        validators=[
            InputRequired("Enter a number between 1.0 and 3.0."),
            NumberRange(cohort_service.MIN_EXTRA_TIME, cohort_service.MAX_EXTRA_TIME, "Enter a number between 1.0 and 3.0."),
        ],
    )
    submit = SubmitField("Save")
