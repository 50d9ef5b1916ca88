from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from study import zones
from study.services.users import MIN_PASSWORD_LENGTH, password_problem


def _strong(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignUpForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField("Display name (optional)", validators=[Length(max=80)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), _strong],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])
    # filled by static/js/time-zone.js from the browser (Intl); empty without JavaScript: UTC, changeable later
    time_zone = HiddenField(validators=[Optional(), Length(max=64)])
    submit = SubmitField("Create account")


class SignInForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    password = PasswordField(
        "New password", validators=[DataRequired(), _strong], description=f"At least {MIN_PASSWORD_LENGTH} characters."
    )
    confirm = PasswordField("Repeat the new password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Change password")


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out")


class TimeZoneForm(FlaskForm):
    time_zone = SelectField(
        "Time zone",
        choices=[],  # zones.names(), set on construction (no work at import time)
        description="Dates you set and see (assignments opening and due) are in this zone.",
        validate_choice=False,  # the service checks the name and says what to choose
        validators=[DataRequired("Choose a time zone.")],
    )
    submit = SubmitField("Save time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(zones.names())


class GoalForm(FlaskForm):
    exam = SelectField("The exam you are preparing for (optional)", choices=[], validate_choice=False)
    exam_date = DateField(
        "Exam date (optional)",
        validators=[Optional()],
        description="As YYYY-MM-DD. Your weekly plan runs to this date; without one it covers eight weeks.",
    )
    submit = SubmitField("Save")

    def set_exams(self, exams: list[str]) -> None:
        self.exam.choices = [("", "Not decided yet")] + [(e, e) for e in exams]
