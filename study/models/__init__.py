"""Typed SQLAlchemy 2 models. Importing this package registers every table on db.metadata."""
from study.models.codes import CodeSetVersion, CptCode, HcpcsCode, Icd10cmCode, Modifier, PcsCode
from study.models.users import Role, User

__all__ = ["CodeSetVersion", "CptCode", "HcpcsCode", "Icd10cmCode", "Modifier", "PcsCode", "Role", "User"]
