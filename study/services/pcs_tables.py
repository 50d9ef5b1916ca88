"""The ICD-10-PCS tables of the code book: the index of tables by section, one table with its rows
and definitions, and building a code by choosing values (study.codes.pcs_tables does the logic).

A table page reads four small tables by primary key or index and, when a code is built, its title:
at most five statements, whatever the table's size."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from study.codes.normalize import normalize_pcs
from study.codes.pcs_tables import BUILD_POSITIONS, Choices, PcsRow, axis_names, choices
from study.extensions import db
from study.models import PcsAxisValue, PcsCode, PcsDefinition, PcsTable
from study.models import PcsRow as PcsRowModel
from study.services import NotFound


@dataclass(frozen=True)
class TableEntry:
    code: str
    operation: str
    body_system: str


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    tables: list[TableEntry]


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    allowed: bool  # still makes a valid code with the other choices
    chosen: bool


@dataclass(frozen=True)
class Axis:
    position: int
    name: str
    options: list[Option]


@dataclass(frozen=True)
class TableView:
    table: PcsTable
    rows: list[list[list[tuple[str, str]]]]  # row -> position 4..7 -> (value, label)
    axes: list[Axis]
    approaches: list[tuple[str, str, str]]  # (value, label, definition) of the approaches the table uses
    built: Choices
    description: str | None  # the built code's title, when it is valid
    partial: str  # the code so far: "0DTJ" + "_" for each position not chosen
    labels: dict[int, dict[str, str]] = field(default_factory=dict)


def index() -> list[Section]:
    """Every table, by section (one statement)."""
    rows = db.session.execute(
        sa.select(PcsTable.code, PcsTable.section, PcsTable.operation, PcsTable.body_system).order_by(PcsTable.code)
    ).all()
    sections: dict[str, Section] = {}
    for code, section, operation, body_system in rows:
        entry = sections.setdefault(code[0], Section(code[0], section, []))
        entry.tables.append(TableEntry(code, operation, body_system))
    return list(sections.values())


def exists(code: str) -> bool:
    """A loaded table ("0DT")."""
    return len(code) == 3 and db.session.get(PcsTable, code.upper()) is not None


def table_code(raw: str) -> str:
    """The table a typed code or table belongs to ("0dtj4zz" -> "0DT")."""
    return normalize_pcs(raw)[:3]


def view(raw_table: str, chosen: dict[int, str]) -> TableView:
    """One table and a code being built in it; `chosen` maps positions 4-7 to the values chosen
    (values the table does not have are ignored). NotFound for a table that does not exist."""
    code = table_code(raw_table)
    table = db.session.get(PcsTable, code) if len(code) == 3 else None
    if table is None:
        raise NotFound(f"There is no ICD-10-PCS table {code or raw_table[:8]!r}.")
    rows = [
        PcsRow(*r)
        for r in db.session.execute(
            sa.select(PcsRowModel.body_parts, PcsRowModel.approaches, PcsRowModel.devices, PcsRowModel.qualifiers)
            .where(PcsRowModel.table_code == code)
            .order_by(PcsRowModel.position)
        ).all()
    ]
    labels: dict[int, dict[str, str]] = {p: {} for p in BUILD_POSITIONS}
    for position, value, label in db.session.execute(
        sa.select(PcsAxisValue.position, PcsAxisValue.value, PcsAxisValue.label).where(PcsAxisValue.table_code == code)
    ).all():
        labels.setdefault(position, {})[value] = label
    used_approaches = sorted({a for r in rows for a in r.approaches})
    definitions = {
        value: (label, definition)
        for value, label, definition in db.session.execute(
            sa.select(PcsDefinition.value, PcsDefinition.label, PcsDefinition.definition).where(
                PcsDefinition.section == code[0], PcsDefinition.axis == "approach"
            )
        ).all()
    }
    approaches = [(v, labels[5].get(v) or definitions[v][0], definitions[v][1]) for v in used_approaches if v in definitions]
    known = {p: {v for r in rows for v in r.axes[p - 4]} for p in BUILD_POSITIONS}
    picked = {p: v for p, v in chosen.items() if p in known and v in known[p]}
    built = choices(code, rows, picked)
    names = axis_names(code[0])
    axes = [
        Axis(
            p,
            names[p],
            [Option(v, labels[p].get(v, ""), v in built.allowed[p], picked.get(p) == v) for v in sorted(known[p])],
        )
        for p in BUILD_POSITIONS
    ]
    description = None
    if built.code is not None and built.valid:
        description = db.session.scalar(sa.select(PcsCode.description).where(PcsCode.code == built.code))
    partial = code + "".join(picked.get(p, "_") for p in BUILD_POSITIONS)
    row_labels = [[[(v, labels[p].get(v, "")) for v in axis] for p, axis in zip(BUILD_POSITIONS, r.axes, strict=True)] for r in rows]
    return TableView(table, row_labels, axes, approaches, built, description, partial, labels)
