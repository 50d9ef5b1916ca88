"""Loading the code sets into the database (setup time and `flask codes ...`): ICD-10-CM from the
`simple-icd-10-cm` package, the project's own lists, and the CMS and licensed files a site brings.

Each load is one transaction and records what was loaded in `CodeSetVersion`."""
from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
import yaml

from study.codes.hcpcs_file import parse_hcpcs_file
from study.codes.hcpcs_set import hcpcs_set_text, parse_hcpcs_set, read_version
from study.codes.lay_terms import lay_term_text, parse_lay_terms
from study.codes.loaders import load_modifier_list
from study.codes.normalize import icd10cm_without_dot, is_cpt_shape
from study.codes.pcs_file import parse_pcs_order_file
from study.codes.types import CodeRecord
from study.extensions import db
from study.models import (
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
from study.models.base import table_of, utcnow
from study.services.code_search import forget_lay_terms
from study.services.transactions import transaction

ICD10CM = "icd10cm"
_BATCH = 5000


def code_set_version(system: str) -> CodeSetVersion | None:
    return db.session.get(CodeSetVersion, system)


def _record_version(system: str, version: str, source: str, count: int) -> None:
    row = db.session.get(CodeSetVersion, system) or CodeSetVersion(system=system)
    row.version, row.source, row.count, row.loaded_at = version, source, count, utcnow()
    db.session.add(row)


def _search_text(record: CodeRecord) -> str:
    terms = record.notes.get("inclusion_term", ())
    return " ".join([record.description, *terms])


def load_icd10cm(records: Iterable[CodeRecord] | None = None, *, version: str = "custom records", force: bool = False) -> int:
    """Fill the ICD-10-CM table (one transaction). Skips when already loaded unless `force`.

    `records` defaults to the `simple-icd-10-cm` package, imported only here (setup time).
    """
    if not force and code_set_version(ICD10CM) is not None:
        return 0
    if records is None:
        from study.codes.memory import ICD10CM_SOURCE, load_icd10cm_records

        records, version = load_icd10cm_records(), ICD10CM_SOURCE
    table = table_of(Icd10cmCode)
    count = 0
    with transaction():
        db.session.execute(table.delete())
        batch: list[dict] = []
        for position, record in enumerate(records):
            batch.append(
                {
                    "code": record.code,
                    "bare": icd10cm_without_dot(record.code) if record.kind not in ("chapter", "block") else record.code,
                    "kind": record.kind,
                    "description": record.description,
                    "reportable": record.reportable,
                    "parent": record.parent,
                    "position": position,
                    "notes": json.dumps({k: list(v) for k, v in record.notes.items()}, ensure_ascii=False),
                    "seventh": json.dumps(dict(record.seventh), ensure_ascii=False),
                    "search_text": _search_text(record),
                }
            )
            if len(batch) >= _BATCH:
                db.session.execute(table.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            db.session.execute(table.insert(), batch)
            count += len(batch)
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("INSERT INTO icd10cm_fts(icd10cm_fts) VALUES ('rebuild')"))
        _record_version(ICD10CM, version, "package", count)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # VACUUM also moves the rows just inserted out of the GIN index's pending list, which
            # every word search would otherwise scan in full (30 ms instead of 0.5 ms)
            conn.execute(sa.text("VACUUM ANALYZE icd10cm_code"))
    return count


def reportable_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode).where(Icd10cmCode.reportable.is_(True))) or 0


# ---------------------------------------------------------------- the project's own lists
def _project_yaml(name: str) -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "codes" / "data" / name
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).upper(): str(v) for k, v in data.items()}


LAY_TERMS = "lay_terms"  # its CodeSetVersion row: the file's digest, so an unchanged file is not reloaded


def load_lay_terms(text: str | None = None) -> int:
    """Load the lay-term table into the database (one transaction); 0 when the file is unchanged.

    Web processes never parse the file: code-book search looks phrases up in the table.
    """
    if text is None:
        text = lay_term_text()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    loaded = code_set_version(LAY_TERMS)
    if loaded is not None and loaded.version == f"lay_terms.yaml {digest}":
        # the same file, and the table still holds it (a downgrade and upgrade empties the table)
        if db.session.scalar(sa.select(sa.func.count()).select_from(CodeLayTerm)) == loaded.count:
            return 0
    terms = parse_lay_terms(text)
    rows = [
        {"term": t.term, "kind": t.kind, "means": t.means, "families": " ".join(t.families), "position": i}
        for i, t in enumerate(terms)
    ]
    with transaction():
        db.session.execute(table_of(CodeLayTerm).delete())
        db.session.execute(table_of(CodeLayTerm).insert(), rows)
        _record_version(LAY_TERMS, f"lay_terms.yaml {digest}", "project", len(rows))
    forget_lay_terms()
    return len(rows)


def load_project_lists() -> None:
    """Modifiers, the HCPCS Level II code set of the current year (`load_hcpcs_set`) and the
    lay-term table (the ICD-10-PCS set and tables: `load_pcs_data`).

    Idempotent and quick. A CMS file loaded with `load-hcpcs`/`load-pcs` takes precedence: its rows
    are never replaced by the project's lists.
    """
    modifiers = load_modifier_list()
    with transaction():
        existing = {m.code: m for m in db.session.scalars(sa.select(Modifier))}
        for code, description in modifiers.items():
            row = existing.get(code)
            if row is None:
                db.session.add(Modifier(code=code, description=description, source="project"))
            elif row.source == "project" and row.description != description:
                row.description = description
    load_hcpcs_set()
    load_lay_terms()


HCPCS = "hcpcs"
#: `CodeSetVersion.source` and `HcpcsCode.source` of the project's derived HCPCS set (study/codes/hcpcs_set.py)
DERIVED = "derived"


def load_hcpcs_set(text: str | None = None, *, force: bool = False) -> int:
    """Load the project's HCPCS Level II set of the current year (study/codes/data/hcpcs_2026.tsv)
    into `hcpcs_code`, replacing any older project rows; the number of codes loaded, 0 when skipped.

    A site's own CMS file (`flask codes load-hcpcs`, source "cms") is never replaced. Skipped, after
    one small query, when the recorded version is the file's and the table still holds its rows
    (setup runs at every `make run`); `force` reloads anyway.
    """
    loaded = code_set_version(HCPCS)
    if loaded is not None and loaded.source == "cms":
        return 0
    text = hcpcs_set_text() if text is None else text
    if text is None:
        return 0
    if not force and loaded is not None and loaded.source == DERIVED and loaded.version == read_version(text):
        held = db.session.scalar(sa.select(sa.func.count()).select_from(HcpcsCode).where(HcpcsCode.source == DERIVED))
        if held == loaded.count:
            return 0
    code_set = parse_hcpcs_set(text)
    rows = [
        {
            "code": r.code,
            "short_description": r.short_description,
            "long_description": "",
            "effective_date": r.effective_date,
            "termination_date": r.termination_date,
            "action_code": "",
            "source": DERIVED,
        }
        for r in code_set.rows
    ]
    with transaction():
        db.session.execute(table_of(HcpcsCode).delete())
        for start in range(0, len(rows), _BATCH):
            db.session.execute(table_of(HcpcsCode).insert(), rows[start : start + _BATCH])
        _record_version(HCPCS, code_set.version, DERIVED, len(rows))
    return len(rows)


# ---------------------------------------------------------------- ICD-10-PCS: the derived FY2026 set
PCS_TABLES = "pcs_tables"  # its CodeSetVersion row: the derived files' digest


def load_pcs_data(*, force: bool = False) -> dict | None:
    """Load the project's derived ICD-10-PCS files (study/codes/data/pcs_*): the FY2026 codes with
    their titles into `pcs_code` (source "cms-fy2026") unless a site's own CMS order file was loaded
    (`load-pcs`, source "cms": it keeps precedence), and the PCS tables. One transaction.

    None (nothing read) when the same files are already loaded, unless `force`: quick at every setup.
    """
    from study.codes.pcs_data import SOURCE, files_digest, read_pcs_data

    loaded = code_set_version(PCS_TABLES)
    if not force and loaded is not None and loaded.version.endswith(files_digest()) and code_set_version("pcs") is not None:
        if db.session.scalar(sa.select(sa.func.count()).select_from(PcsRow)) == loaded.count:
            return None
    data = read_pcs_data()
    pcs = code_set_version("pcs")
    load_codes = pcs is None or pcs.source != "cms"
    with transaction():
        if load_codes:
            db.session.execute(table_of(PcsCode).delete())
            rows = [{"code": c, "description": d, "source": SOURCE} for c, d in data.codes]
            for start in range(0, len(rows), _BATCH):
                db.session.execute(table_of(PcsCode).insert(), rows[start : start + _BATCH])
            _record_version("pcs", data.version, SOURCE, len(rows))
        for model in (PcsAxisValue, PcsRow, PcsDefinition, PcsTable):
            db.session.execute(table_of(model).delete())
        db.session.execute(
            table_of(PcsTable).insert(),
            [
                {"code": t.code, "section": t.section, "body_system": t.body_system, "operation": t.operation,
                 "definition": t.definition, "explanation": t.explanation, "examples": t.examples}
                for t in data.tables
            ],
        )
        pcs_rows = [
            {"table_code": t.code, "position": i, "body_parts": r.body_parts, "approaches": r.approaches,
             "devices": r.devices, "qualifiers": r.qualifiers}
            for t in data.tables
            for i, r in enumerate(t.rows)
        ]
        db.session.execute(table_of(PcsRow).insert(), pcs_rows)
        values = [
            {"table_code": t.code, "position": p, "value": v, "label": label[:300]}
            for t in data.tables
            for p, labels in t.values.items()
            for v, label in labels.items()
        ]
        for start in range(0, len(values), _BATCH):
            db.session.execute(table_of(PcsAxisValue).insert(), values[start : start + _BATCH])
        db.session.execute(
            table_of(PcsDefinition).insert(),
            [
                {"section": section, "axis": axis, "value": v, "label": label, "definition": definition}
                for section, axes in data.definitions.items()
                for axis, entries in axes.items()
                for v, (label, definition) in entries.items()
            ],
        )
        _record_version(PCS_TABLES, f"{data.version} {data.digest}", "project", len(pcs_rows))
    return {"codes": len(data.codes) if load_codes else 0, "tables": len(data.tables), "rows": len(pcs_rows), "values": len(values)}


# ---------------------------------------------------------------- files a site loads itself
class CodeFileError(Exception):
    """A code file that cannot be imported; `problems` are `path:line: message` strings."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_hcpcs_file(path: str) -> dict:
    """Import a CMS HCPCS Level II alpha-numeric file (codes and modifiers), replacing the project's list.

    All or nothing: any line the parser cannot understand stops the import with its line number.
    """
    data = Path(path).read_bytes()
    result = parse_hcpcs_file(data)
    if result.problems or not result.records:
        problems = [f"{path}:{p.line}: {p.message}" for p in result.problems] or [f"{path}:1: no HCPCS records found"]
        raise CodeFileError(problems)
    with transaction():
        db.session.execute(table_of(HcpcsCode).delete())
        db.session.execute(table_of(Modifier).delete().where(Modifier.source == "cms"))
        project_modifiers = {m.code: m for m in db.session.scalars(sa.select(Modifier))}
        rows = [
            {
                "code": r.code,
                "short_description": r.short_description[:200],
                "long_description": r.long_description,
                "effective_date": r.effective_date,
                "termination_date": r.termination_date,
                "action_code": r.action_code[:1],
                "source": "cms",
            }
            for r in result.codes
        ]
        for start in range(0, len(rows), _BATCH):
            db.session.execute(table_of(HcpcsCode).insert(), rows[start : start + _BATCH])
        for m in result.modifiers:
            description = m.long_description or m.short_description
            if m.code in project_modifiers:
                project_modifiers[m.code].description = description[:300]
                project_modifiers[m.code].source = "cms"
            else:
                db.session.add(Modifier(code=m.code, description=description[:300], source="cms"))
        latest = max((r.effective_date for r in result.records if r.effective_date), default=None)
        version = f"CMS HCPCS file {Path(path).name}" + (f", effective through {latest.isoformat()}" if latest else "")
        _record_version("hcpcs", version, "cms", len(rows))
    return {"codes": len(result.codes), "modifiers": len(result.modifiers), "version": version}


def load_pcs_file(path: str) -> dict:
    """Import a CMS ICD-10-PCS order file: afterwards PCS codes are checked for existence."""
    result = parse_pcs_order_file(Path(path).read_bytes())
    if result.problems or not result.codes:
        problems = [f"{path}:{p.line}: {p.message}" for p in result.problems] or [f"{path}:1: no valid PCS codes found"]
        raise CodeFileError(problems)
    with transaction():
        db.session.execute(table_of(PcsCode).delete())
        rows = [{"code": r.code, "description": r.long_description or r.short_description, "source": "cms"} for r in result.codes]
        for start in range(0, len(rows), _BATCH):
            db.session.execute(table_of(PcsCode).insert(), rows[start : start + _BATCH])
        _record_version("pcs", f"CMS ICD-10-PCS order file {Path(path).name}", "cms", len(rows))
    return {"codes": len(rows)}


def load_cpt_file(path: str) -> dict:
    """Import a site's own licensed CPT file (CSV: code,description). The project ships none."""
    problems: list[str] = []
    rows: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.reader(fh), start=1):
            if not row or not "".join(row).strip():
                continue
            code = row[0].strip().upper()
            if line_no == 1 and not is_cpt_shape(code):
                continue  # a header row
            if not is_cpt_shape(code):
                problems.append(f"{path}:{line_no}: {code!r} is not a CPT code (5 digits, or 4 digits and F or T)")
            elif code in rows:
                problems.append(f"{path}:{line_no}: {code} appears twice")
            else:
                rows[code] = (row[1] if len(row) > 1 else "").strip()
    if problems or not rows:
        raise CodeFileError(problems or [f"{path}:1: no CPT codes found"])
    with transaction():
        db.session.execute(table_of(CptCode).delete())
        db.session.execute(table_of(CptCode).insert(), [{"code": c, "description": d} for c, d in rows.items()])
        _record_version("cpt", f"licensed CPT file {Path(path).name}", "licensed", len(rows))
    return {"codes": len(rows)}
