"""Career facts for people considering billing and coding: roles, certifications, pay, training.

Plain, typed data (no Flask, no database). The ladders and settings come from one article,
named in ``SOURCE``; every figure (pay, costs, lengths) is a fact of ``data/facts.yaml`` (see
``study.careers.facts``); every sentence here is our own.
The exam formats are not kept here: they come from the question bank's blueprints.
"""
from __future__ import annotations

from dataclasses import dataclass

from study.careers import facts


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    caveat: str


SOURCE = Source(
    title="Medical Insurance Billing & Coding Job Description: Roles, Skills, & Career Opportunities",
    url=(
        "https://medicalbillingcertificationprograms.org/"
        "medical-insurance-billing-coding-job-description-roles-skills-career-opportunities/"
    ),
    caveat=(
        "These are approximate yearly ranges in US dollars. Actual pay depends on where you live, "
        "the credentials you hold and who employs you (a large urban hospital system pays differently "
        "from a small practice), as well as on experience and specialty."
    ),
)


# ------------------------------------------------------------------ pay
@dataclass(frozen=True)
class RoleSalary:
    """One row of the seed article's pay table: a role at entry level and at mid-career or
    advanced level, each a fact of ``data/facts.yaml``."""

    key: str
    role: str
    entry_key: str
    mid_key: str

    @property
    def entry(self) -> facts.Fact:
        return facts.fact(self.entry_key)

    @property
    def mid(self) -> facts.Fact:
        return facts.fact(self.mid_key)


SALARY_BY_ROLE: tuple[RoleSalary, ...] = (
    RoleSalary("biller", "Medical biller", "article.biller.entry", "article.biller.mid"),
    RoleSalary("coder", "Medical coder (CPC or CCS)", "article.coder.entry", "article.coder.mid"),
    RoleSalary("denials", "Denials specialist", "article.denials.entry", "article.denials.mid"),
    RoleSalary("analyst", "Revenue cycle analyst or auditor", "article.analyst.entry", "article.analyst.mid"),
)


def salary_row(key: str) -> RoleSalary:
    return next(row for row in SALARY_BY_ROLE if row.key == key)


# ------------------------------------------------------------------ work settings
SETTINGS: dict[str, str] = {
    "physician_practice": "Physician practices and outpatient clinics",
    "hospital": "Hospitals and health systems",
    "billing_company": "Medical billing companies and third-party payers",
    "remote": "From home, as a remote or hybrid employee or contractor",
}


# ------------------------------------------------------------------ roles
@dataclass(frozen=True)
class Role:
    slug: str
    title: str
    summary: str
    work: tuple[str, ...]
    skills: tuple[str, ...]
    settings: tuple[str, ...]  # keys of SETTINGS
    ladder: tuple[str, ...]  # job titles, first to last
    ladder_note: str
    remote: str
    salary_key: str  # a SALARY_BY_ROLE key
    salary_note: str
    certifications: tuple[str, ...]  # codes of CERTIFICATIONS


ROLES: tuple[Role, ...] = (
    Role(
        slug="billing-specialist",
        title="Medical billing specialist",
        summary=(
            "Billers turn coded visits into claims and make sure the practice or hospital is paid. "
            "They often work at the front of the revenue cycle, where the patient's details and "
            "insurance are first checked."
        ),
        work=(
            "Check each patient's demographic and insurance details before a claim goes out.",
            "Prepare claims that pass the payer's edits the first time (clean claims) and send them.",
            "Work out which plan pays first when a patient has more than one (coordination of benefits).",
            "Post the payments that payers and patients send, and record adjustments.",
            "Chase accounts that are still unpaid and answer questions about bills.",
        ),
        skills=(
            "Claim forms, claim edits and the steps from visit to payment",
            "Payer rules and the privacy rules of HIPAA",
            "Billing software such as Kareo, AdvancedMD, DrChrono or PracticeSuite",
            "Careful, accurate data entry and tidy records",
            "Clear, polite conversations with patients, payers and colleagues",
        ),
        settings=("physician_practice", "hospital", "billing_company", "remote"),
        ladder=("Medical billing specialist", "Senior biller", "Billing supervisor"),
        ladder_note=(
            "With data skills a biller can move on to revenue cycle analysis or practice management; "
            "training and mentoring new staff is another step up."
        ),
        remote=(
            "Billing is one of the easier jobs to do from home, full time or hybrid, as long as you "
            "have a compliant, secure workspace. Part-time and contract billing work exists too."
        ),
        salary_key="biller",
        salary_note="",
        certifications=("CPB",),
    ),
    Role(
        slug="medical-coder",
        title="Medical coder",
        summary=(
            "Coders read what the clinician documented and express it as standard codes: ICD-10-CM "
            "for diagnoses, CPT for procedures and HCPCS Level II for supplies and some services."
        ),
        work=(
            "Read office notes, operative reports and discharge summaries.",
            "Choose the diagnosis and procedure codes the documentation supports, following the official guidelines.",
            "Check that the codes show medical necessity and meet the payer's rules.",
            "Ask the provider when the documentation is unclear or incomplete.",
            "Keep up with the yearly code and guideline updates.",
        ),
        skills=(
            "ICD-10-CM, CPT and HCPCS Level II, and their conventions and guidelines",
            "Medical terminology and anatomy, to follow clinical documentation",
            "An eye for detail and for documentation that does not add up",
            "Electronic health record systems such as Epic, Cerner, Allscripts, MEDENT or NextGen",
            "Self-discipline and time management when working remotely",
        ),
        settings=("physician_practice", "hospital", "billing_company", "remote"),
        ladder=("Medical coder", "Senior coder", "Coding auditor", "Coding manager"),
        ladder_note=(
            "Coders can also specialise (for example in pediatrics, oncology or anesthesia), which "
            "can affect pay and job stability, or move into compliance and health information "
            "management with further credentials."
        ),
        remote=(
            "Much coding work can be done securely from home once you have experience and a "
            "compliant workspace; remote and hybrid coding jobs are increasingly common."
        ),
        salary_key="coder",
        salary_note="",
        certifications=("CPC", "CPC-A", "CCS", "CCS-P", "CIC"),
    ),
    Role(
        slug="denials-specialist",
        title="Denials specialist",
        summary=(
            "When a payer refuses a claim, the denials specialist finds out why, fixes what can be "
            "fixed and sends the claim back, so that money owed is not written off."
        ),
        work=(
            "Read denial notices and find the root cause: a coding error, missing information, a payer rule.",
            "Ask providers or patients for the missing documents or details.",
            "Correct the claim and resubmit it, or appeal the decision.",
            "Report patterns so that the same denial stops happening.",
        ),
        skills=(
            "Payer policies, denial reasons and appeal steps",
            "Enough coding knowledge to spot a wrong code or modifier",
            "Persistence and a problem-solving habit",
            "Clear written and spoken communication with payers",
            "Denial dashboards and reports",
        ),
        settings=("physician_practice", "hospital", "billing_company", "remote"),
        ladder=("Medical biller", "Denials specialist", "Revenue cycle analyst"),
        ladder_note=(
            "Our source gives no ladder of its own for denials work. It sits between billing and "
            "analysis, so the usual next steps are the billing supervisor route or revenue cycle "
            "analysis; the source's example career moves from billing through denial management "
            "to coding and then to a revenue cycle analyst role."
        ),
        remote=(
            "Following up with payers happens by phone, portal and mail, so it suits remote and hybrid "
            "arrangements well."
        ),
        salary_key="denials",
        salary_note="",
        certifications=("CPB", "CPC"),
    ),
    Role(
        slug="revenue-cycle-analyst",
        title="Revenue cycle analyst",
        summary=(
            "Analysts study the coding and billing data of an organisation to find where accuracy, "
            "speed or payment can improve, and help change the way the work is done."
        ),
        work=(
            "Pull and analyse data on claims, denials, payments and coding accuracy.",
            "Find bottlenecks in the work from the patient's visit to the final payment.",
            "Suggest and track changes to workflows, edits and training.",
            "Report results to managers.",
        ),
        skills=(
            "The whole revenue cycle, from registration to collection",
            "Numbers, spreadsheets and reporting tools",
            "Coding and billing knowledge to understand what the data mean",
            "Explaining findings to people who are not analysts",
        ),
        settings=("hospital", "physician_practice", "billing_company", "remote"),
        ladder=("Revenue cycle analyst", "Revenue cycle manager", "Director of revenue cycle management"),
        ladder_note=(
            "Analysts can also move into healthcare data analytics or practice management. Most reach "
            "this role after some years as billers or coders rather than straight from training."
        ),
        remote=(
            "Analysis work is largely done at a computer, so remote and hybrid arrangements are common."
        ),
        salary_key="analyst",
        salary_note="",
        certifications=("CPC", "CPB", "CCS"),
    ),
    Role(
        slug="compliance-audit-specialist",
        title="Compliance and audit specialist",
        summary=(
            "These specialists check that coding and billing follow the law and the payers' rules, "
            "run internal audits, and put corrective actions in place when something is wrong."
        ),
        work=(
            "Audit samples of coded records and claims against the documentation.",
            "Check practice against HIPAA, payer policies and federal and state law.",
            "Write up findings and agree corrective actions with the teams involved.",
            "Train staff on the rules and on what the audits found.",
        ),
        skills=(
            "Deep coding knowledge and the official guidelines",
            "HIPAA, privacy and security rules, fraud and abuse laws, payer policies",
            "Audit tools and methodical record-keeping",
            "Tact when reporting other people's errors",
        ),
        settings=("hospital", "physician_practice", "billing_company", "remote"),
        ladder=("Medical coder", "Senior coder", "Coding auditor", "Compliance or HIM role"),
        ladder_note=(
            "This is usually a later step rather than a first job: coders move into auditing, and "
            "from there into compliance or health information management (HIM), often with an "
            "advanced credential such as the RHIA or RHIT."
        ),
        remote=(
            "Audits of electronic records can often be done remotely; some compliance work needs time "
            "on site with the teams."
        ),
        salary_key="analyst",
        salary_note=(
            "Our source has no separate figure for compliance specialists; the closest row is the "
            "revenue cycle analyst or auditor, shown here."
        ),
        certifications=("CPC", "CCS", "CIC", "RHIA/RHIT"),
    ),
)


def role(slug: str) -> Role | None:
    return next((r for r in ROLES if r.slug == slug), None)


# ------------------------------------------------------------------ certifications
ORGANISATIONS: dict[str, str] = {
    "AAPC": "American Academy of Professional Coders",
    "AHIMA": "American Health Information Management Association",
}


@dataclass(frozen=True)
class Certification:
    code: str
    name: str
    body: str  # who offers it: a key of ORGANISATIONS
    covers: str
    suits: str  # the settings it fits
    blueprint: str | None  # the exam whose blueprint describes its format, if we have one
    notes: tuple[str, ...] = ()
    fact_keys: tuple[str, ...] = ()  # sourced figures and rules shown with it (data/facts.yaml)

    @property
    def offered_by(self) -> str:
        return f"{self.body} ({ORGANISATIONS[self.body]})"

    @property
    def anchor(self) -> str:
        return self.code.lower().replace("/", "-")


CERTIFICATIONS: tuple[Certification, ...] = (
    Certification(
        code="CPC",
        name="Certified Professional Coder",
        body="AAPC",
        covers=(
            "Outpatient and physician coding: procedures (CPT), diagnoses (ICD-10-CM), supplies "
            "(HCPCS Level II), and the payer and compliance rules around them."
        ),
        suits="Physician practices and outpatient clinics; the usual first credential for outpatient coders.",
        blueprint="CPC",
        notes=(
            "Open book: the AMA CPT Professional book, an ICD-10-CM book and a HCPCS Level II book, "
            "with handwritten notes and tabs.",
        ),
        fact_keys=('cost.aapc.cpc_exam', 'cost.aapc.cpc_exam_single_attempt', 'ceu.aapc.single_credential'),
    ),
    Certification(
        code="CPC-A",
        name="Certified Professional Coder – Apprentice",
        body="AAPC",
        covers=(
            "The same exam as the CPC. Someone who passes without two years of coding experience "
            "holds the CPC-A, the entry-level form of the credential."
        ),
        suits="Newcomers to the field who pass the CPC exam before they have work experience.",
        blueprint="CPC",
        notes=(
            "Many job postings ask for experience, so a CPC-A's first job is often an entry role: see Your first job.",
        ),
        fact_keys=("first_job.cpca_removal",),
    ),
    Certification(
        code="CCS",
        name="Certified Coding Specialist",
        body="AHIMA",
        covers=(
            "Hospital inpatient coding (ICD-10-CM and ICD-10-PCS, MS-DRGs) and wider health "
            "information management topics, plus outpatient facility coding."
        ),
        suits="Hospitals and health systems; the usual first credential for inpatient coders.",
        blueprint="CCS",
        notes=(
            "Items are single-answer, multiple-response (the item says how many to choose) and "
            "case scenarios. AHIMA reports a scaled score.",
        ),
        fact_keys=('cost.ahima.ccs_exam_member', 'cost.ahima.ccs_exam_nonmember', 'first_job.ccs_experience', 'ceu.ahima.ccs'),
    ),
    Certification(
        code="CCS-P",
        name="Certified Coding Specialist – Physician-based",
        body="AHIMA",
        covers="Coding for physician services: E/M, surgery and the other CPT sections, ICD-10-CM and HCPCS.",
        suits="Physician practices and outpatient settings: AHIMA's counterpart to the CPC.",
        blueprint="CCS-P",
        fact_keys=(),
    ),
    Certification(
        code="CPB",
        name="Certified Professional Biller",
        body="AAPC",
        covers=(
            "The billing side: insurance plan types, coverage rules (LCDs and NCDs), HIPAA, the False "
            "Claims Act, the Fair Debt Collection Practices Act, Stark, the claim life cycle, "
            "resolving denials and the coding a biller needs."
        ),
        suits="Billing companies and the billing offices of practices and hospitals.",
        blueprint="CPB",
        fact_keys=('cost.aapc.cpb_exam', 'ceu.aapc.single_credential'),
    ),
    Certification(
        code="CIC",
        name="Certified Inpatient Coder",
        body="AAPC",
        covers=(
            "Inpatient hospital coding. Our source lists the CIC among other useful credentials "
            "(it spells it out as “Coding Integrity Certified”; AAPC's name for it is Certified "
            "Inpatient Coder)."
        ),
        suits="Hospitals: an AAPC alternative or addition to the CCS.",
        blueprint=None,
    ),
    Certification(
        code="RHIA/RHIT",
        name="Registered Health Information Administrator / Technician",
        body="AHIMA",
        covers=(
            "Health information management as a whole rather than coding alone: a step towards "
            "broader HIM and compliance roles."
        ),
        suits="Health information management departments, compliance teams and leadership roles.",
        blueprint=None,
    ),
)


def certification(code: str) -> Certification | None:
    return next((c for c in CERTIFICATIONS if c.code == code), None)


# ------------------------------------------------------------------ education
@dataclass(frozen=True)
class EducationPath:
    key: str
    name: str
    length_key: str | None  # a fact of data/facts.yaml; None: it varies
    description: str

    @property
    def length(self) -> facts.Fact | None:
        return facts.fact(self.length_key) if self.length_key else None


EDUCATION_PATHS: tuple[EducationPath, ...] = (
    EducationPath(
        key="certificate",
        name="Certificate programme",
        length_key="time.programme.certificate_months",
        description=(
            "The shortest route into an entry-level job. Good programmes mix coding and billing "
            "coursework with hands-on practice in an electronic health record and in practice "
            "management software, and prepare you for a certification exam."
        ),
    ),
    EducationPath(
        key="associate",
        name="Associate degree",
        length_key="time.programme.associate_months",
        description=(
            "A longer, broader programme. Employers hiring for advanced coding or auditor posts "
            "often prefer a college degree together with professional certification."
        ),
    ),
    EducationPath(
        key="on-the-job",
        name="On-the-job training with a certification course",
        length_key=None,
        description=(
            "Some employers train new staff at work while they follow a certification programme. "
            "How long it takes depends on the employer and the course."
        ),
    ),
)

EDUCATION_TIPS: tuple[str, ...] = (
    "Pick one certification to aim for first, based on where you want to work: CPC or CCS for coding, CPB for billing.",
    "Choose training with real practice in ICD-10-CM, CPT and HCPCS coding and in payer rules.",
    "Get time on an electronic health record and a billing system, for example through an internship or externship.",
    "Keep examples of your accurate coding, clean claims and resolved denials to show employers.",
    "Join AAPC or AHIMA for networking, continuing education and help with credentials.",
    "Expect to keep learning every year: payer policies, codes and guidelines change annually.",
)


# ------------------------------------------------------------------ paths the self-assessment recommends
@dataclass(frozen=True)
class CareerPath:
    key: str  # "billing", "outpatient" or "inpatient" (the same keys as the diagnostic areas)
    title: str
    certification: str  # the first certification to aim for (a blueprint exam)
    role_slug: str
    salary_key: str
    ladder: tuple[str, ...]
    summary: str
    related: tuple[str, ...] = ()  # other credentials worth knowing on this path


PATHS: dict[str, CareerPath] = {
    "billing": CareerPath(
        key="billing",
        title="Medical billing",
        certification="CPB",
        role_slug="billing-specialist",
        salary_key="biller",
        ladder=("Medical billing specialist", "Senior biller", "Billing supervisor", "Revenue cycle analyst"),
        summary="Claims, payers, payments and accounts: getting providers paid for the care they give.",
        related=(),
    ),
    "outpatient": CareerPath(
        key="outpatient",
        title="Outpatient and physician coding",
        certification="CPC",
        role_slug="medical-coder",
        salary_key="coder",
        ladder=("Medical coder (CPC-A, then CPC)", "Senior coder", "Coding auditor", "Coding manager"),
        summary="Coding office visits, procedures, imaging and tests for physician practices and clinics.",
        related=("CPC-A", "CCS-P"),
    ),
    "inpatient": CareerPath(
        key="inpatient",
        title="Hospital inpatient coding",
        certification="CCS",
        role_slug="medical-coder",
        salary_key="coder",
        ladder=("Medical coder", "Senior coder", "Coding auditor", "Coding manager"),
        summary="Coding hospital stays: diagnoses, ICD-10-PCS procedures and the data behind MS-DRG payment.",
        related=("CIC", "RHIA/RHIT"),
    ),
}
