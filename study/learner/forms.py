from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from study.services.attempts import REPORT_KINDS

EXAMS = ["CPC", "CPB", "CCS", "CCS-P"]


class CsrfForm(FlaskForm):
    """For forms whose fields are built in the template (answers, code rows): CSRF only."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartPracticeForm(FlaskForm):
    exam = SelectField("Exam", choices=[SelectChoice("", "Any exam")] + [SelectChoice(e, e) for e in EXAMS], validators=[Optional()])
    topics = MultiCheckboxField("Topics (none ticked means all)", choices=[], validators=[Optional()])
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("", "Any"), SelectChoice("easy", "Easy"), SelectChoice("medium", "Medium"), SelectChoice("hard", "Hard")],
        validators=[Optional()],
    )
    size = IntegerField("Number of questions", default=10, validators=[InputRequired(), NumberRange(1, 100)])
    mode = RadioField(
        "Which questions",
        choices=[
            SelectChoice("all", "Any matching question"),
            SelectChoice("missed", "Only questions I missed"),
            SelectChoice("due", "Review due (spaced repetition)"),
        ],
        default="all",
    )
    submit = SubmitField("Start practice")


class ReportProblemForm(FlaskForm):
    kind = RadioField("What is wrong?", choices=[SelectChoice(k, v) for k, v in REPORT_KINDS.items()], validators=[DataRequired()])
    comment = TextAreaField("Tell us more (optional)", validators=[Length(max=2000)])
    attempt_item = StringField(validators=[Optional()])
    submit = SubmitField("Send report")
