"""Typed SQLAlchemy 2 models. Importing this package registers every table on db.metadata."""
from study.models.attempts import (
    AnswerRollup,
    Attempt,
    AttemptItem,
    CaseRollup,
    ItemReport,
    Response,
    ReviewCard,
    ReviewLog,
)
from study.models.audit import AuditEvent
from study.models.careers import CareerAssessment, CareerRun  # noqa: F401
from study.models.codes import (
    CodeLayTerm,
    CodeSetVersion,
    CptCode,
    HcpcsCode,
    Icd10cmCode,
    Modifier,
    PcsAxisValue,
    PcsCode,
    PcsDefinition,
    PcsRow,
    PcsTable,
)
from study.models.content import BankImport, BankStatsRun, ExamBlueprint, Item, ItemExam, ItemStat, ItemVersion, Topic
from study.models.drg import ItemVersionDrg
from study.models.teaching import Assignment, Cohort, CohortMember, RegradeLog
from study.models.users import Role, User, UserSession

__all__ = [
    "AnswerRollup", "Attempt", "AttemptItem", "CaseRollup", "ItemReport", "Response", "ReviewCard", "ReviewLog",
    "Assignment", "Cohort", "CohortMember", "RegradeLog",
    "BankImport", "BankStatsRun", "ExamBlueprint", "ItemStat", "Item", "ItemExam", "ItemVersion", "ItemVersionDrg", "Topic",
    "CodeSetVersion", "CptCode", "HcpcsCode", "Icd10cmCode", "CodeLayTerm", "Modifier", "PcsCode",
    "PcsAxisValue", "PcsDefinition", "PcsRow", "PcsTable",
    "Role", "User", "UserSession", "CareerAssessment", "CareerRun", "AuditEvent"]
