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
    blueprint = db.session.get(ExamBlueprint, "CPC")
    assert sum(s["questions"] for s in blueprint.sections) == 100
    for section in blueprint.sections:
        have = sum(1 for i in cpc if i.topic in section["topics"])
        assert have >= 4 * section["questions"], f"CPC {section['key']}: {have} < 4 x {section['questions']}"
    # four complete CPC exams, and three of each other exam, without repeating an item
    cpc_exams = _assemble("CPC", copies=4)
    assert all(sum(len(v) for v in drawn.values()) == 100 for drawn in cpc_exams)
    drawn_items = [key for drawn in cpc_exams for keys in drawn.values() for key in keys]
    assert len(drawn_items) == len(set(drawn_items)) == 400
    for exam in ("CPB", "CCS", "CCS-P"):
        _assemble(exam, copies=3)

    mcqs = db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.type == "mcq", Item.status == "published"))
    assert mcqs >= 1000

    cpb = _published("CPB", "mcq")
    billing = {"insurance-types", "claims", "payer-rules", "denials-appeals", "payments-ar", "patient-collections", "compliance"}
    assert sum(1 for i in cpb if i.topic in billing) >= 300  # billing well represented, not just coding

    ccs = _published("CCS", "mcq")
    multiple = [i for i in ccs if bank.parsed_item(i).multiple]
    assert len(multiple) >= 5

    cases = list(db.session.scalars(sa.select(Item).where(Item.type == "case", Item.status == "published")))
    assert len(cases) >= 100
    parsed = [bank.parsed_item(c) for c in cases]
    by_setting = {s: [p for p in parsed if p.setting == s] for s in ("professional", "outpatient-facility", "inpatient")}
    assert len(by_setting["professional"]) >= 40
    assert len(by_setting["outpatient-facility"]) >= 25
    inpatient_with_pcs = [p for p in by_setting["inpatient"] if p.key.diagnoses and p.key.pcs]
    assert len(inpatient_with_pcs) >= 35  # ICD-10-CM and ICD-10-PCS keys
    pcs_sections = {line.code[0] for p in inpatient_with_pcs for line in p.key.pcs}
    assert {"0", "3", "4", "5", "B", "X"} <= pcs_sections, pcs_sections
    assert all(p.title and p.minutes for p in parsed), [p.id for p in parsed if not (p.title and p.minutes)]
    assert all(p.key.not_reportable for p in parsed), [p.id for p in parsed if not p.key.not_reportable]
    assert sum(1 for p in parsed if any(line.modifiers for line in p.key.procedures)) >= 20
    hcpcs_with_units = [p.id for p in parsed if any(ln.code[0].isalpha() and ln.units > 1 for ln in p.key.procedures)]
    assert len(hcpcs_with_units) >= 5
    for kind in ("em", "radiology", "pathology-lab", "medicine", "anesthesia"):
        assert any(p.topic == kind for p in by_setting["professional"]), kind
    # every case says whether external cause codes are expected: an injury case lists them as optional
    # (voluntary), any other case requires none (an unlisted one is an extra)
    for p in parsed:
        listed = [line for line in p.key.diagnoses if line.code[0] in "VWXY"]
        assert p.external_causes == "required" or listed or "external cause" in (p.task or "").lower(), p.id

    # a spread of difficulty in every CPC section: easy, medium and hard, none above 60%
    for section in blueprint.sections:
        levels = [i.difficulty for i in cpc if i.topic in section["topics"]]
        assert {"easy", "medium", "hard"} <= set(levels), f"CPC {section['key']}: {set(levels)}"
        assert max(levels.count(x) for x in set(levels)) <= 0.6 * len(levels), f"CPC {section['key']}: {levels}"

    # export is the same bank: importing it changes nothing
    bank.export_bank(tmp_path / "export")
    again = bank.import_bank(tmp_path / "export")
    assert again.created == again.new_versions == again.updated == again.retired == 0
