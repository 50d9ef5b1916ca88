"""The real question bank: it imports cleanly and is large enough for real exam practice."""

import sqlalchemy as sa

from study.extensions import db
from study.models import ExamBlueprint, Item, ItemExam
from study.services import bank


def _published(exam: str, kind: str) -> list[Item]:
    return list(
        db.session.scalars(sa.select(Item).where(Item.status == "published", Item.type == kind, Item.exam_links.any(ItemExam.exam == exam)))
    )


def _assemble(exam: str, copies: int) -> list[dict[str, list[str]]]:
    """Draw `copies` full exams without reusing an item; sections with the fewest candidates first."""
    blueprint = db.session.get(ExamBlueprint, exam)
    pool = {"mcq": _published(exam, "mcq"), "case": _published(exam, "case")}
    used: set[str] = set()
    exams: list[dict[str, list[str]]] = [{} for _ in range(copies)]
    needs = []
    for section in blueprint.sections:
        for kind, count in (("mcq", section["questions"]), ("case", section["cases"])):
            if count:
                candidates = [i.key for i in pool[kind] if i.topic in section["topics"]]
                needs.append((len(candidates) / count, section["key"], kind, count, candidates))
    for _, key, kind, count, candidates in sorted(needs):
        for drawn in exams:
            free = [c for c in candidates if c not in used][:count]
            assert len(free) == count, f"{exam} section {key}: only {len(free)} of {count} {kind} items left"
            used.update(free)
            drawn[f"{key}:{kind}"] = free
    return exams


def test_real_bank_imports_and_meets_the_volume_targets(app, tmp_path):
    summary = bank.import_bank(app.config["QUESTION_BANK"])
    assert not summary.skipped and summary.created > 0
    assert bank.import_bank(app.config["QUESTION_BANK"]).skipped  # idempotent

    cpc = _published("CPC", "mcq")
    assert len(cpc) >= 200
    blueprint = db.session.get(ExamBlueprint, "CPC")
    assert sum(s["questions"] for s in blueprint.sections) == 100
    for section in blueprint.sections:
        have = sum(1 for i in cpc if i.topic in section["topics"])
        assert have >= 2 * section["questions"], f"CPC {section['key']}: {have} < 2 x {section['questions']}"
    first, second = _assemble("CPC", copies=2)
    assert sum(len(v) for v in first.values()) == 100
    assert not set(sum(first.values(), [])) & set(sum(second.values(), []))

    cpb = _published("CPB", "mcq")
    assert len(cpb) >= 135
    billing = {"insurance-types", "claims", "payer-rules", "denials-appeals", "payments-ar", "patient-collections", "compliance"}
    assert sum(1 for i in cpb if i.topic in billing) >= 100  # billing well represented, not just coding
    _assemble("CPB", copies=1)

    ccs = _published("CCS", "mcq")
    assert len(ccs) >= 100
    multiple = [i for i in ccs if bank.parsed_item(i).multiple]
    assert len(multiple) >= 5
    _assemble("CCS", copies=1)
    _assemble("CCS-P", copies=1)

    cases = list(db.session.scalars(sa.select(Item).where(Item.type == "case", Item.status == "published")))
    assert len(cases) >= 40
    parsed = [bank.parsed_item(c) for c in cases]
    professional = [p for p in parsed if p.setting == "professional"]
    inpatient = [p for p in parsed if p.setting == "inpatient"]
    assert len(professional) >= 16
    assert sum(1 for p in inpatient if p.key.diagnoses and p.key.pcs) >= 12  # ICD-10-CM and ICD-10-PCS keys
    assert all(p.key.not_reportable for p in parsed), [p.id for p in parsed if not p.key.not_reportable]
    assert sum(1 for p in parsed if any(line.modifiers for line in p.key.procedures)) >= 5
    hcpcs_with_units = [p.id for p in parsed if any(ln.code[0].isalpha() and ln.units > 1 for ln in p.key.procedures)]
    assert len(hcpcs_with_units) >= 2
    for kind in ("em", "radiology", "pathology-lab", "medicine", "anesthesia"):
        assert any(p.topic == kind for p in professional), kind

    # a spread of difficulty in every CPC section
    for section in blueprint.sections:
        levels = {i.difficulty for i in cpc if i.topic in section["topics"]}
        assert len(levels) >= 2, f"CPC {section['key']} has one difficulty only: {levels}"

    # export is the same bank: importing it changes nothing
    bank.export_bank(tmp_path / "export")
    again = bank.import_bank(tmp_path / "export")
    assert again.created == again.new_versions == again.updated == again.retired == 0
