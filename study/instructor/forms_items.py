"""Forms of the item editor. Field names match study.bank.forms (MCQ_FIELDS, CASE_FIELDS);
the bank rules are checked by the service (validate_item), these forms only shape the input."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from study.bank.forms import LETTERS, ROW_FORMAT_HELP
from study.bank.model import DIFFICULTIES, SETTINGS
from study.forms import MultiCheckboxField


class AnyChoiceCheckboxField(MultiCheckboxField):
    """Checkboxes whose values the service judges, not the form."""

    def pre_validate(self, form):  # the bank rules judge the values (e.g. an answer that is no option)
        pass


class ItemFormBase(FlaskForm):
    item_id = StringField(
        "Item id",
        description="3-64 characters: lower-case letters, digits and hyphens, e.g. cpc-icd-0101. It cannot change later.",
        validators=[Length(max=64)],
    )
    exams = AnyChoiceCheckboxField("Exams", choices=[])
    topic = SelectField("Topic", choices=[], validate_choice=False)
    difficulty = SelectField(
        "Difficulty", choices=[SelectChoice(d, d.capitalize()) for d in DIFFICULTIES], default="medium", validate_choice=False
    )
    tags = StringField("Tags", description="Comma-separated, e.g. diabetes, ckd", validators=[Optional(), Length(max=400)])
    rationale = TextAreaField("Rationale (Markdown)", validators=[Length(max=20000)])
    save = SubmitField("Save")
    preview = SubmitField("Preview")

    def set_choices(self, exams, topics):
        self.exams.choices = [SelectChoice(e, e) for e in exams]
        self.topic.choices = [SelectChoice("", "Choose a topic")] + [SelectChoice(key, label) for key, label in topics]


class McqItemForm(ItemFormBase):
    stem = TextAreaField("Stem (Markdown)", validators=[Length(max=20000)])
    answer = AnyChoiceCheckboxField(
        "Answer",
        choices=[SelectChoice(c, c) for c in LETTERS],
        description="Tick one letter for a single best answer, several for a multiple-response item.",
    )


for _c in LETTERS:
    setattr(McqItemForm, f"option_{_c}", StringField(f"Option {_c}", validators=[Length(max=2000)]))
    setattr(McqItemForm, f"why_not_{_c}", TextAreaField(f"Why not {_c} (Markdown, optional)", validators=[Length(max=5000)]))


class CaseItemForm(ItemFormBase):
    setting = SelectField(
        "Setting",
        choices=[SelectChoice("", "Choose a setting")] + [SelectChoice(s, s.replace("-", " ")) for s in SETTINGS],
        validate_choice=False,
    )
    documentation = TextAreaField(
        "Documentation (Markdown)",
        description="De-identified: no real names, dates of birth, record numbers, phone numbers or e-mail addresses.",
        validators=[Length(max=50000)],
    )
    task = TextAreaField(
        "Task (Markdown, optional)",
        description="Leave empty for: Code the diagnoses and services for this encounter.",
        validators=[Length(max=10000)],
    )
    diagnoses = TextAreaField("Key: diagnoses", description=ROW_FORMAT_HELP["diagnoses"], validators=[Length(max=5000)])
    procedures = TextAreaField("Key: procedures (CPT/HCPCS)", description=ROW_FORMAT_HELP["procedures"], validators=[Length(max=5000)])
    pcs = TextAreaField("Key: ICD-10-PCS", description=ROW_FORMAT_HELP["pcs"], validators=[Length(max=5000)])
    not_reportable = TextAreaField("Key: not reportable", description=ROW_FORMAT_HELP["not_reportable"], validators=[Length(max=5000)])


class BillingItemForm(ItemFormBase):
    """A claim, remittance or scrubber exercise: the type's own front matter is one YAML field."""

    title = StringField("Title", description="Shown to learners above the scenario (optional).", validators=[Optional(), Length(max=200)])
    minutes = StringField("Suggested minutes", description="A whole number, e.g. 10 (optional).", validators=[Optional(), Length(max=4)])
    scenario = TextAreaField(
        "Scenario (Markdown)",
        description="What the biller works from: the note or superbill, the patient, the insurance card(s), the practice. All fictional.",
        validators=[Length(max=50000)],
    )
    spec = TextAreaField("Spec (YAML)", validators=[Length(max=50000)])


SPEC_HELP = {
    "claim": "key: the correct claim (every CMS-1500 field; \"\" for a box left blank); weights: field path -> points "
    "(optional); rules: field path -> the rule shown with that field's verdict (optional).",
    "remittance": "remit: the payer's remittance the learner works (payer, claim_number, patient, paid_date, check_number, lines); "
    "key: lines (patient_responsibility, write_off, action, evidence); rules: lines.N.FIELD -> the rule (optional).",
    "scrubber": "claim: the completed claim as submitted; context: submitted, filing_limit_days, payers (optional); "
    "key: errors (field, kind, correction, why), one per planted error.",
}

FORMS = {"mcq": McqItemForm, "case": CaseItemForm, "claim": BillingItemForm, "remittance": BillingItemForm, "scrubber": BillingItemForm}


class TryMcqForm(FlaskForm):
    selected = AnyChoiceCheckboxField("Your answer", choices=[])
    submit = SubmitField("Check this answer")


class TryCaseForm(FlaskForm):
    dx = TextAreaField(
        "Diagnoses (ICD-10-CM)", description="Codes separated by commas or new lines, in order.", validators=[Length(max=2000)]
    )
    px = TextAreaField("Procedures (CPT/HCPCS)", description="e.g. 99214-25, 20610-RT x2", validators=[Length(max=2000)])
    pcs = TextAreaField("ICD-10-PCS", validators=[Length(max=2000)])
    submit = SubmitField("Grade this answer")
