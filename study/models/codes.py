"""Code-set tables: loaded at setup time (study.services.code_loaders), read by every process afterwards.

ICD-10-CM comes from the `simple-icd-10-cm` package (`flask codes load`); HCPCS Level II from a
CMS file (`flask codes load-hcpcs`) or, by default, the project's derived set of the codes valid in
2026 (study/codes/hcpcs_set.py; `source` "derived"); modifiers from the project's list, overlaid
by a CMS HCPCS file's; CPT only from a site's licensed file (`flask codes load-cpt`); ICD-10-PCS
only from a CMS order file (`flask codes load-pcs`) or, by default, the project's derived FY2026 list
(study/codes/data/pcs_codes_fy2026.tsv.xz, loaded at setup; a CMS file keeps precedence); the PCS tables
(`PcsTable`, `PcsRow`, `PcsAxisValue`, `PcsDefinition`) always come from the derived tables file. The
lay-term table comes from the project's file at setup.
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


class PcsTable(Model):
    """One ICD-10-PCS table, named by the first three characters of its codes ("0DT"): its section,
    body system and operation, and the operation's definition (the medical and surgical and the
    obstetrics sections have one)."""

    __tablename__ = "pcs_table"

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    section: Mapped[str] = mapped_column(sa.String(120), default="")
    body_system: Mapped[str] = mapped_column(sa.String(120), default="")
    operation: Mapped[str] = mapped_column(sa.String(200), default="")
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    examples: Mapped[str] = mapped_column(sa.Text, default="")


class PcsRow(Model):
    """A row of a table: the values of positions 4-7 (strings of value characters, "0478"); every
    combination is a valid code."""

    __tablename__ = "pcs_row"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(3), sa.ForeignKey("pcs_table.code"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)  # the order of the rows in the table
    body_parts: Mapped[str] = mapped_column(sa.String(34))
    approaches: Mapped[str] = mapped_column(sa.String(34))
    devices: Mapped[str] = mapped_column(sa.String(34))
    qualifiers: Mapped[str] = mapped_column(sa.String(34))


class PcsAxisValue(Model):
    """What a value means at a position (4-7) of a table's codes ("0DT", 4, "J": "Appendix")."""

    __tablename__ = "pcs_axis_value"

    table_code: Mapped[str] = mapped_column(sa.String(3), sa.ForeignKey("pcs_table.code"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(300), default="")


class PcsDefinition(Model):
    """A section's definition of an axis value (the approaches: "0", "approach", "4")."""

    __tablename__ = "pcs_definition"

    section: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    axis: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120), default="")
    definition: Mapped[str] = mapped_column(sa.Text, default="")


CODE_TABLES = {"icd10cm_code", "code_set_version", "hcpcs_code", "code_modifier", "cpt_code", "pcs_code", "code_lay_term"}
CODE_TABLES |= {"pcs_table", "pcs_row", "pcs_axis_value", "pcs_definition"}
