"""The question bank in the database: validate, import (versions, retirement), export, GIFT, key checks.

The pure parsing, validation, writing and grading live in study.bank and study.grading; this module
joins them with the database and owns the transactions.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from study.bank.model import Bank, BillingItem, CaseItem, McqItem, Problem
from study.bank.parser import item_files, parse_item
from study.bank.validate import check_bank, has_errors, validate_path
from study.bank.writer import item_relative_path, write_item
from study.extensions import db
from study.grading.answers import as_mcq
from study.kinds import ItemStatus, ItemType
from study.models import BankImport, ExamBlueprint, Item, ItemExam, ItemVersion, Topic
from study.models.base import utcnow
from study.services import NotFound, ServiceError, audit, bank_search
from study.services import codes as code_service
from study.services import drg as drg_service
from study.services.grading import grade_response, parsed_version
from study.services.transactions import transaction


class BankError(ServiceError):
    """A bank that cannot be imported: every problem, as `path:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} problem(s) in the bank: nothing was imported.")


@dataclass
class ImportSummary:
    created: int = 0
    new_versions: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    topics: int = 0
    blueprints: int = 0
    skipped: bool = False
    warnings: int = 0
    # items edited on the site whose file says something else: left alone (docs/authoring.md)
    diverged: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.skipped:
            return "The question bank is unchanged since the last import: nothing to do." + self.diverged_line()
        return (
            f"Imported the question bank: {self.created} new, {self.new_versions} new version(s), "
            f"{self.updated} metadata update(s), {self.unchanged} unchanged, {self.retired} retired; "
            f"{self.topics} topics, {self.blueprints} blueprints." + self.diverged_line()
        )

    def diverged_line(self) -> str:
        if not self.diverged:
            return ""
        return (
            f"\n{len(self.diverged)} item(s) diverged (edited on the site; their files were left alone): "
            f"{', '.join(sorted(self.diverged))}. Run `flask bank export` and commit the files to keep the "
            "site's versions, or import with --force to replace them with the files'."
        )


# ---------------------------------------------------------------- validate
def validate(path: str | Path) -> list[Problem]:
    """Every problem of a bank directory or one file, with the code sets in the database."""
    return validate_path(path, code_service.checker())


# ---------------------------------------------------------------- import
def bank_hash(root: Path) -> str:
    """Fingerprint of every file an import reads (names and bytes)."""
    digest = hashlib.sha256()
    files = [root / "topics.yaml", *sorted((root / "blueprints").glob("*.y*ml")), *item_files(root)]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return Path(path).name


def import_bank(root: str | Path, *, force: bool = False) -> ImportSummary:
    """Validate, then import everything in one transaction, or nothing when any error is found.

    Idempotent: unchanged files change nothing. A changed item gets a new version (attempts keep
    theirs); metadata changes (topic, exams, tags, difficulty, status, reserve) update the item in place;
    items whose files are gone are retired, never deleted.
    """
    root = Path(root)
    fingerprint = bank_hash(root)
    last = db.session.scalar(
        sa.select(BankImport).where(BankImport.root == str(root.resolve())).order_by(BankImport.id.desc()).limit(1)
    )
    if not force and last is not None and last.bank_hash == fingerprint:
        diverged = db.session.scalars(sa.select(Item.key).where(Item.origin == "file", Item.site_changed.is_(True)).order_by(Item.key))
        return ImportSummary(skipped=True, diverged=list(diverged))
    bank, problems = check_bank(root, code_service.checker())
    if has_errors(problems):
        raise BankError(problems)
    summary = ImportSummary(warnings=sum(1 for p in problems if not p.is_error))
    with transaction():
        _import_topics(bank, summary)
        _import_blueprints(bank, root, summary)
        _import_items(bank, root, summary, force=force)
        db.session.add(BankImport(root=str(root.resolve()), bank_hash=fingerprint, summary_json=json.dumps(asdict(summary))))
        if summary.created or summary.new_versions or summary.updated or summary.retired or summary.diverged:
            counts = ("created", "new_versions", "updated", "retired", "diverged")
            audit.record(None, "bank.imported", details={"root": root.name, **{k: getattr(summary, k) for k in counts}})
    return summary


def _import_topics(bank: Bank, summary: ImportSummary) -> None:
    existing = {t.key: t for t in db.session.scalars(sa.select(Topic))}
    for key, topic in bank.topics.items():
        row = existing.get(key) or Topic(key=key)
        row.title, row.description = topic.title, topic.description or ""
        db.session.add(row)
        summary.topics += 1


def _import_blueprints(bank: Bank, root: Path, summary: ImportSummary) -> None:
    for name, bp in bank.blueprints.items():
        row = db.session.get(ExamBlueprint, bp.exam) or ExamBlueprint(exam=bp.exam)
        row.title, row.minutes, row.pass_percent = bp.title, bp.minutes, bp.pass_percent
        row.warn_at_minutes_left, row.pace_minutes_per_question, row.source = (
            bp.warn_at_minutes_left,
            bp.pace_minutes_per_question,
            bp.source,
        )
        row.sections_json = json.dumps(
            [
                {
                    "key": s.key,
                    "title": s.title,
                    "questions": s.questions,
                    "cases": s.cases,
                    "topics": list(s.topics),
                    "confirmed": s.confirmed,
                }
                for s in bp.sections
            ]
        )
        path = Path(bp.path) if bp.path else root / "blueprints" / f"{name}.yaml"
        row.source_text = path.read_text(encoding="utf-8") if path.is_file() else ""
        db.session.add(row)
        summary.blueprints += 1


def _metadata(parsed: McqItem | CaseItem | BillingItem) -> dict:
    """The item's columns that may change without a new version (exams aside), from a bank item."""
    return {
        "type": parsed.type,
        "topic": parsed.topic,
        "difficulty": parsed.difficulty,
        "status": parsed.status,
        "reserved": parsed.reserve,
        "setting": getattr(parsed, "setting", None),
        "title": getattr(parsed, "title", None),
        "minutes": getattr(parsed, "minutes", None),
        "tags_json": json.dumps(list(parsed.tags)),
    }


def apply_metadata(item: Item, parsed: McqItem | CaseItem | BillingItem, rel_path: str) -> bool:
    """Copy what may change without a new version; True when anything changed."""
    values = {**_metadata(parsed), "path": rel_path}
    changed = False
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    wanted = set(parsed.exams)
    have = {link.exam for link in item.exam_links}
    if wanted != have:
        item.exam_links[:] = [link for link in item.exam_links if link.exam in wanted]
        item.exam_links.extend(ItemExam(exam=exam) for exam in sorted(wanted - have))
        changed = True
    return changed


def save_item_version(item: Item, parsed: McqItem | CaseItem | BillingItem, text: str) -> str:
    """Make `text` the item's current content: "created", "new_version", "updated" or "unchanged".

    Versions are keyed by the content hash (what a learner sees and how it is graded); a change of
    metadata only rewrites the stored text of the current version.
    """
    if item.id is None:
        db.session.add(item)
        db.session.flush()
    bank_search.index_item(item, parsed, text)
    content_hash = parsed.content_hash
    current = item.current_version
    if current is not None and current.content_hash == content_hash:
        if current.source_text == text:
            return "unchanged"
        current.source_text = text
        return "updated"
    earlier = db.session.scalar(
        sa.select(ItemVersion).where(ItemVersion.item_id == item.id, ItemVersion.content_hash == content_hash)
    )
    if earlier is not None:  # back to content a learner may already have answered
        earlier.source_text = text
        item.current_version = earlier
        return "new_version"
    latest = db.session.scalar(sa.select(sa.func.max(ItemVersion.number)).where(ItemVersion.item_id == item.id)) or 0
    version = ItemVersion(item_id=item.id, number=latest + 1, content_hash=content_hash, source_text=text)
    db.session.add(version)
    db.session.flush()
    item.current_version = version
    if isinstance(parsed, CaseItem) and drg_service.groups(parsed):
        drg_service.group_key(version, parsed)  # the key's MS-DRG, once per version
    return "created" if latest == 0 else "new_version"


def same_as_site(item: Item, parsed: McqItem | CaseItem | BillingItem) -> bool:
    """The divergence rule's test: a file says what the site's current version says (the same
    content hash: what a learner sees and how it is graded; the same exams, topic, difficulty,
    status, reserve, tags, title, minutes)."""
    current = item.current_version
    if current is None or current.content_hash != parsed.content_hash:
        return False
    if set(parsed.exams) != {link.exam for link in item.exam_links}:
        return False
    return all(getattr(item, name) == value for name, value in _metadata(parsed).items())


def mark_site_changed(item: Item, before_hash: str | None) -> None:
    """An edit made in the browser: the item is site-changed from now on (docs/authoring.md, "Edits
    in the browser and the files in git"); `before_hash`, the content hash of the version it was
    edited from, is kept from the first such edit until an import clears the mark."""
    if not item.site_changed:
        item.site_changed = True
        item.diverged_from = before_hash


def _import_items(bank: Bank, root: Path, summary: ImportSummary, force: bool = False) -> None:
    existing = {item.key: item for item in db.session.scalars(sa.select(Item))}
    seen: set[str] = set()
    inpatient: list[tuple[ItemVersion, CaseItem]] = []
    for parsed in bank.items:
        seen.add(parsed.id)
        text = Path(parsed.path).read_text(encoding="utf-8")
        rel = _relative(parsed.path, root)
        item = existing.get(parsed.id)
        if item is not None and item.site_changed and not force:
            if not same_as_site(item, parsed):  # edited on the site: the file does not overwrite it
                summary.diverged.append(item.key)
                continue
            # the file now says what the site says (exported and committed): no longer diverged
            item.site_changed, item.diverged_from = False, None
        elif item is not None:
            item.site_changed, item.diverged_from = False, None
        if item is None:
            item = Item(key=parsed.id, origin="file")
            apply_metadata(item, parsed, rel)
            db.session.add(item)
            db.session.flush()
        metadata_changed = apply_metadata(item, parsed, rel)
        item.origin = "file"
        outcome = save_item_version(item, parsed, text)
        if outcome == "unchanged" and metadata_changed:
            outcome = "updated"
        if outcome != "unchanged":
            item.updated_at = utcnow()
        if isinstance(parsed, CaseItem) and drg_service.groups(parsed) and item.current_version is not None:
            inpatient.append((item.current_version, parsed))
        field_name = {"new_version": "new_versions"}.get(outcome, outcome)
        setattr(summary, field_name, getattr(summary, field_name) + 1)
    # versions stored before MS-DRG grouping existed (or by another grouper version): group them now
    drg_service.ensure_key_groupings(inpatient)
    for key, item in existing.items():
        if key not in seen and item.origin == "file" and item.site_changed and not force:
            summary.diverged.append(key)  # its file is gone, but it was edited on the site: kept
        elif key not in seen and item.origin == "file" and item.status != ItemStatus.RETIRED:
            item.status = "retired"
            item.updated_at = utcnow()
            summary.retired += 1


# ---------------------------------------------------------------- reading items back
def parsed_item(item: Item) -> McqItem | CaseItem | BillingItem:
    """The item's current version, parsed (once: see grading.parsed_version)."""
    if item.current_version is None:
        raise ServiceError(f"{item.key} has no stored version.")
    return parsed_version(item.current_version)


def get_item(key: str) -> Item:
    item = db.session.scalar(sa.select(Item).where(Item.key == key))
    if item is None:
        raise NotFound(f"No item with id {key}.")
    return item


# ---------------------------------------------------------------- export
def export_bank(dest: str | Path) -> dict:
    """Write the bank from the database in the bank format; importing the result changes nothing."""
    dest = Path(dest)
    (dest / "blueprints").mkdir(parents=True, exist_ok=True)
    topics = {t.key: {"title": t.title, "description": t.description} for t in db.session.scalars(sa.select(Topic).order_by(Topic.key))}
    (dest / "topics.yaml").write_text(yaml.safe_dump(topics, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    blueprints = list(db.session.scalars(sa.select(ExamBlueprint).order_by(ExamBlueprint.exam)))
    for bp in blueprints:
        (dest / "blueprints" / f"{bp.exam}.yaml").write_text(bp.source_text, encoding="utf-8")
    count = site_changed = 0
    for item in db.session.scalars(sa.select(Item).order_by(Item.key)):
        if item.current_version is None:
            continue
        if item.status == ItemStatus.RETIRED and item.origin == "file":
            continue  # retired because its file is gone: it stays gone
        rel = Path(item.path) if item.path else item_relative_path(parsed_item(item))
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.current_version.source_text, encoding="utf-8")
        count += 1
        site_changed += item.site_changed
    # the site's versions are written; the mark clears when these files are imported (same_as_site)
    return {"items": count, "topics": len(topics), "blueprints": len(blueprints), "site_changed": site_changed}


# ---------------------------------------------------------------- GIFT (Moodle)
def export_gift(exam: str | None = None, topic: str | None = None) -> tuple[str, int]:
    from study.bank.gift import export_gift as to_gift

    stmt = sa.select(Item).where(Item.type == ItemType.MCQ, Item.status == ItemStatus.PUBLISHED).order_by(Item.key)
    if exam:
        stmt = stmt.where(Item.exam_links.any(ItemExam.exam == exam))
    if topic:
        stmt = stmt.where(Item.topic == topic)
    items = [as_mcq(parsed_item(item)) for item in db.session.scalars(stmt)]
    return to_gift(items, category=f"CodePrep/{exam or 'all'}"), len(items)


def import_gift(text: str, *, path: str, topic: str, exams: list[str], id_prefix: str = "gift") -> list[str]:
    """Import GIFT multiple-choice questions as draft items authored on the site (all or nothing)."""
    from study.bank.gift import import_gift as from_gift
    from study.bank.validate import validate_item

    taken = set(db.session.scalars(sa.select(Item.key)))
    items, problems = from_gift(text, topic=topic, exams=exams, path=path, id_prefix=id_prefix, taken_ids=taken)
    known_topics = set(db.session.scalars(sa.select(Topic.key))) or None
    exam_names = tuple(db.session.scalars(sa.select(ExamBlueprint.exam))) or None
    written: list[tuple[McqItem, str]] = []
    for imported in items:
        # the bank-format text is what is stored: validate exactly that, as a bank file would be
        text_out = write_item(imported)
        parsed, parse_problems = parse_item(text_out, f"{path} ({imported.id})")
        problems.extend(parse_problems)
        if parsed is not None:
            problems.extend(validate_item(parsed, topics=known_topics, exams=exam_names, checker=code_service.checker()))
            written.append((as_mcq(parsed), text_out))
    if has_errors(problems) or not written:
        raise BankError(problems or [Problem(path, 1, "no multiple-choice questions found")])
    keys = []
    with transaction():
        for mcq, text_out in written:
            item = Item(key=mcq.id, origin="web")
            apply_metadata(item, mcq, str(item_relative_path(mcq)))
            db.session.add(item)
            db.session.flush()
            save_item_version(item, mcq, text_out)
            keys.append(mcq.id)
    return keys


# ---------------------------------------------------------------- checking a key
def check_answer(file_or_id: str, dx: str = "", px: str = "", pcs: str = ""):
    """Grade a submission against a case's key (a file path or a bank id): the full grade report."""
    path = Path(file_or_id)
    if path.is_file():
        parsed, problems = parse_item(path.read_text(encoding="utf-8"), str(path))
        if parsed is None:
            raise BankError(problems)
    else:
        parsed = parsed_item(get_item(file_or_id))
    if not isinstance(parsed, CaseItem):
        raise ServiceError(f"{parsed.id} is a multiple-choice item; check-answer grades coding cases.")
    return grade_response(parsed, {"dx": dx, "px": px, "pcs": pcs}).case_report
