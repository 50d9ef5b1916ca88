"""Code-set tables: loaded at setup time (study.services.code_loaders), read by every process afterwards.

ICD-10-CM comes from the `simple-icd-10-cm` package (`flask codes load`); HCPCS Level II from a
CMS file (`flask codes load-hcpcs`) or, by default, the project's derived set of the codes valid in
2026 (study/codes/hcpcs_set.py; `source` "derived"); modifiers from the project's list, overlaid
by a CMS HCPCS file's; CPT only from a site's licensed file (`flask codes load-cpt`); ICD-10-PCS
only from a CMS order file (`flask codes load-pcs`): the project has no PCS list, so without that
file the table is empty and PCS codes are checked by their structure alone. The lay-term table comes from the project's file at setup.
`CodeSetVersion` records what was loaded, from where and when.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from study.models.base import Model, UTCDateTime, utcnow


class Icd10cmCode(Model):
    __tablename__ = "icd10cm_code"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    # the code without its dot ("E1122"): prefix lookups and "nearest" suggestions
    bare: Mapped[str] = mapped_column(sa.String(12), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    description: Mapped[str] = mapped_column(sa.Text)
    reportable: Mapped[bool] = mapped_column(sa.Boolean)
    parent: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    # position in the tabular list: chapters, blocks and codes in book order
    position: Mapped[int] = mapped_column(sa.Integer, index=True)
    # JSON: {"excludes1": [...], ...} own notes only; {} when none
    notes: Mapped[str] = mapped_column(sa.Text, default="{}")
    # JSON: the 7th-character table that applies (inherited); {} when none
    seventh: Mapped[str] = mapped_column(sa.Text, default="{}")
    # what word search looks at: the description and the inclusion terms
    search_text: Mapped[str] = mapped_column(sa.Text)


class CodeSetVersion(Model):
    __tablename__ = "code_set_version"

    system: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(20))  # "package", "cms", "licensed", "project"
    count: Mapped[int] = mapped_column(sa.Integer)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HcpcsCode(Model):
    __tablename__ = "hcpcs_code"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    short_description: Mapped[str] = mapped_column(sa.String(200), default="")
    long_description: Mapped[str] = mapped_column(sa.Text, default="")
    effective_date: Mapped[date | None] = mapped_column(sa.Date)
    termination_date: Mapped[date | None] = mapped_column(sa.Date)
    action_code: Mapped[str] = mapped_column(sa.String(1), default="")
    source: Mapped[str] = mapped_column(sa.String(20))  # "cms" (a site's file) or "derived" (the project's set)


class Modifier(Model):
    """CPT and HCPCS modifiers: the project's own short descriptions, overlaid by a CMS file's."""

    __tablename__ = "code_modifier"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    description: Mapped[str] = mapped_column(sa.String(300))
    source: Mapped[str] = mapped_column(sa.String(20))


class CptCode(Model):
    """Only a site's own licensed CPT file ever fills this table; the project ships no CPT text."""

    __tablename__ = "cpt_code"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")


class PcsCode(Model):
    __tablename__ = "pcs_code"

    code: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(20))


class CodeLayTerm(Model):
    """The project's lay-term table (study/codes/data/lay_terms.yaml), loaded at setup: what people type
    ("heart attack", "uti") and the ICD-10-CM families it means. Each process reads it once
    (study.services.code_search.lay_terms) and looks phrases up by their key (study.codes.lay_terms)."""

    __tablename__ = "code_lay_term"

    term: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    means: Mapped[str] = mapped_column(sa.String(300))
    # the families, space-separated, most likely first: "I21 I22"
    families: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(sa.Integer)  # the order of the file


CODE_TABLES = {"icd10cm_code", "code_set_version", "hcpcs_code", "code_modifier", "cpt_code", "pcs_code", "code_lay_term"}
