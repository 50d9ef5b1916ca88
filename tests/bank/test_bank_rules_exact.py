"""Bank rules at their edges: key lines normalized (alternates included), units and modifiers
read in every form, blueprint pass marks and paces checked at their bounds, and what the parser
and the validator say about a set of broken files, pinned in bank_problems.json beside this file
(messages are what authors read; after a deliberate change, regenerate with
`UPDATE_BANK_PROBLEMS=1 pytest tests/bank/test_bank_rules_exact.py` and review the diff)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from study.bank.model import KeyLine
from study.bank.parser import load_bank, normalize_any_code, parse_blueprint, parse_item, parse_topics
from study.bank.validate import check_bank, validate_blueprint
from study.codes.checking import CodeChecker
from tests.bank.test_validate import CASE as VALID_CASE
from tests.recorded import check_recorded

EXPECTED = Path(__file__).with_name("bank_problems.json")

# the validator tests' valid case, with a key block to fill in
_HEAD, _REST = VALID_CASE.split("key:\n", 1)
_TAIL = _REST[_REST.index("---\n") :]


def _case(dx="    - S52.501A", px='    - "25600"', pcs="    - 0SR9019", nr="    - M79.631"):
    key = f"key:\n  diagnoses:\n{dx}\n  procedures:\n{px}\n  pcs:\n{pcs}\n  not_reportable:\n{nr}\n"
    item, problems = parse_item(_HEAD + key + _TAIL, "case-test-001.md")
    assert item is not None, problems
    return item


def test_key_codes_and_their_alternates_are_normalized_by_kind():
    item = _case(
        dx="    - e1122\n    - {code: w010xxa, optional: true, alternates: [w010xxd, ' w01.0xxs ']}",
        px='    - {code: " j1100 ", units: 4, alternates: [j1200]}\n    - 25600',
        pcs="    - {code: 0sr9019, alternates: [0sr901z]}",
        nr="    - {code: m79631, why: Integral.}\n    - j3490\n    - {code: 'w19.xxxa'}",
    )
    assert item.key.diagnoses == (KeyLine("E11.22"), KeyLine("W01.0XXA", alternates=("W01.0XXD", "W01.0XXS"), optional=True))
    assert item.key.procedures == (KeyLine("J1100", alternates=("J1200",), units=4), KeyLine("25600"))
    assert item.key.pcs == (KeyLine("0SR9019", alternates=("0SR901Z",)),)
    # not reportable codes: any system; an ICD-10-CM code keeps (or gets) its dot only when typed with one
    assert item.key.not_reportable == (("M79631", "Integral."), ("J3490", ""), ("W19.XXXA", ""))


def test_normalize_any_code():
    assert [normalize_any_code(c) for c in (" m79.631 ", "m79631", "j3490", "0sr9019", "e11.")] == [
        "M79.631",
        "M79631",
        "J3490",
        "0SR9019",
        "E11",
    ]


@pytest.mark.parametrize(
    "written, units",
    [
        ("4", 4),
        ("' 4 '", 4),
        ("'12'", 12),
        ("'123456'", 123456),
        ("'1234567'", 1),
        ("'four'", 1),
        ("''", 1),
        ("true", 1),
        ("2.5", 1),
        ("0", 0),
        ("-2", -2),
        ("null", 1),
    ],
)
def test_units_in_every_form(written, units):
    item = _case(px=f'    - {{code: "J1100", units: {written}}}')
    assert item.key.procedures[0].units == units


def test_a_line_without_units_has_one():
    assert _case(px='    - {code: "J1100"}').key.procedures[0].units == 1


@pytest.mark.parametrize(
    "written, modifiers",
    [
        ("[RT, 59]", ("RT", "59")),
        ("[rt, ' lt ']", ("RT", "LT")),
        ("RT", ("RT",)),
        ("'25'", ("25",)),
        ("25", ("25",)),
        ("''", ()),
        ("null", ()),
        ("[]", ()),
        ("[RT, '', null]", ("RT",)),
    ],
)
def test_modifiers_in_every_form(written, modifiers):
    item = _case(px=f'    - {{code: "25600", modifiers: {written}}}')
    assert item.key.procedures[0].modifiers == modifiers


BLUEPRINT = """exam: CPC
title: Certified Professional Coder
minutes: 240
pass_percent: {pass_percent}
warn_at_minutes_left: 30
pace_minutes_per_question: {pace}
source: A test blueprint
sections:
  - key: icd-10-cm
    title: ICD-10-CM
    questions: 2
    topics: [icd-10-cm]
"""


def _blueprint_errors(pass_percent="70", pace="2.4"):
    blueprint, problems = parse_blueprint(BLUEPRINT.format(pass_percent=pass_percent, pace=pace), "CPC.yaml")
    assert blueprint is not None and problems == []
    return [p.message for p in validate_blueprint(blueprint, name="CPC", topics={"icd-10-cm"}) if p.is_error]


PASS = "pass_percent must be a number above 0 and at most 100"
PACE = "pace_minutes_per_question must be a positive number"


@pytest.mark.parametrize(
    "value, errors",
    [
        ("70", []),
        ("100", []),
        ("0.5", []),
        ("99.9", []),
        ("0", [PASS]),
        ("-1", [PASS]),
        ("100.5", [PASS]),
        ("101", [PASS]),
        ("'70'", [PASS]),
        ("true", [PASS]),
        ("null", ["missing required key 'pass_percent'"]),
    ],
)
def test_pass_percent_range(value, errors):
    assert _blueprint_errors(pass_percent=value) == errors


@pytest.mark.parametrize(
    "value, errors",
    [
        ("2.4", []),
        ("1", []),
        ("0.01", []),
        ("100", []),
        ("0", [PACE]),
        ("-0.5", [PACE]),
        ("'2'", [PACE]),
        ("true", [PACE]),
        ("null", [PACE]),
    ],
)
def test_pace_range(value, errors):
    assert _blueprint_errors(pace=value) == errors


def test_blueprint_fields_are_read_as_written():
    blueprint, _ = parse_blueprint(BLUEPRINT.format(pass_percent="72.5", pace="2"), "CPC.yaml")
    assert (blueprint.exam, blueprint.title, blueprint.minutes, blueprint.pass_percent, blueprint.warn_at_minutes_left) == (
        "CPC",
        "Certified Professional Coder",
        240,
        72.5,
        30,
    )
    assert blueprint.pace_minutes_per_question == 2.0 and blueprint.source == "A test blueprint"
    assert [(s.key, s.title, s.questions, s.cases, s.topics, s.confirmed) for s in blueprint.sections] == [
        ("icd-10-cm", "ICD-10-CM", 2, 0, ("icd-10-cm",), False)
    ]
    no_pace, _ = parse_blueprint(BLUEPRINT.format(pass_percent="70", pace="true"), "CPC.yaml")
    assert no_pace.pace_minutes_per_question is None


# --- what the parser and validator say about broken files ------------------------------------

BROKEN = {
    "empty blueprint": ("blueprints/CPC.yaml", None, ""),
    "blueprint as a list": ("blueprints/CPC.yaml", None, "- a\n- b\n"),
    "blueprint with tabs": ("blueprints/CPC.yaml", "minutes: 240", "minutes:\t240"),
    "blueprint sections not a list": (
        "blueprints/CPC.yaml",
        None,
        "exam: CPC\ntitle: T\nminutes: 10\npass_percent: 70\nwarn_at_minutes_left: 1\nsource: s\nsections: 3\n",
    ),
    "topics not a mapping": ("topics.yaml", None, "- icd-10-cm\n"),
    "topic without a title": (
        "topics.yaml",
        None,
        "icd-10-cm:\n  description: x\nmodifiers: {title: M}\n"
        "surgery-musculoskeletal: {title: S}\nem: {title: E}\nicd-10-pcs: {title: P}\n",
    ),
    "topics.yaml missing": ("topics.yaml", None, None),
    "item without front matter": ("cpc/icd-10-cm/cpc-icd-0007.md", None, "Just a stem.\n"),
    "front matter not closed": ("cpc/icd-10-cm/cpc-icd-0007.md", "answer: B\n---\n", "answer: B\n"),
    "front matter is a list": ("cpc/icd-10-cm/cpc-icd-0007.md", None, "---\n- a\n---\nStem.\n"),
    "duplicate key in front matter": ("cpc/icd-10-cm/cpc-icd-0007.md", "difficulty: medium", "difficulty: medium\ndifficulty: hard"),
    "options out of order": ("cpc/icd-10-cm/cpc-icd-0007.md", "B. ", "D. "),
    "unknown section": ("cpc/icd-10-cm/cpc-icd-0007.md", "## Rationale", "## Explanation"),
    "case key not a mapping": ("cases/professional/case-pro-0003.md", "key:\n", "key: S52.501A\nold_key:\n"),
    "case key code missing": ("cases/professional/case-pro-0003.md", "    - S52.501A\n", "    - {optional: true}\n"),
    "case units and modifiers malformed": (
        "cases/professional/case-pro-0003.md",
        '{code: "25600", modifiers: [RT]}',
        '{code: "25600", modifiers: {RT: 1}, units: many}',
    ),
    "case not reportable malformed": ("cases/professional/case-pro-0003.md", "{code: M79.631, why:", "{cod: M79.631, why:"),
    "not utf-8": ("cpc/icd-10-cm/cpc-icd-0008.md", None, b"\xff\xfe---\n"),
    "topics.yaml empty": ("topics.yaml", None, "# nothing\n"),
    "topics.yaml invalid": ("topics.yaml", None, "icd-10-cm: {title: x\nmodifiers: [\n"),
    "topic a plain string": (
        "topics.yaml",
        None,
        "icd-10-cm: ICD-10-CM coding\nmodifiers: {title: M, notes: x}\n"
        "surgery-musculoskeletal: {title: S}\nem: {title: E}\nicd-10-pcs: 5\n",
    ),
    "a second blueprint for an exam": (
        "blueprints/CPC.yml",
        None,
        "exam: CPC\ntitle: T\nminutes: 10\npass_percent: 70\n"
        "warn_at_minutes_left: 1\nsource: s\nsections:\n  - {key: a, title: A, questions: 1, topics: [em]}\n",
    ),
    "a .yml blueprint": (
        "blueprints/CPB.yml",
        None,
        "exam: CPB\ntitle: T\nminutes: 10\npass_percent: 70\n"
        "warn_at_minutes_left: 1\nsource: s\nsections:\n  - {key: a, title: A, questions: 1, topics: [em]}\n",
    ),
    "blueprint not utf-8": ("blueprints/CCS.yaml", None, b"exam: \xff\n"),
    "a README in the root and a hidden folder": (".drafts/cpc-icd-0099.md", None, "not an item\n"),
}


def _apply(root: Path, target: str, old, new) -> None:
    path = root / target
    path.parent.mkdir(parents=True, exist_ok=True)
    if new is None:
        path.unlink()
    elif isinstance(new, bytes):
        path.write_bytes(new)
    elif old is None:
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, (target, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path, checker: CodeChecker) -> list[str]:
    _, found = check_bank(root, checker)
    return [f"{Path(p.path).relative_to(root)}:{p.line}: {'error' if p.is_error else 'warning'}: {p.message}" for p in found]


def test_broken_files_are_reported_as_recorded(tmp_path: Path, mini_bank: Path, checker: CodeChecker) -> None:
    actual = {}
    for name, (target, old, new) in BROKEN.items():
        root = tmp_path / name.replace(" ", "-")
        shutil.copytree(mini_bank, root)
        _apply(root, target, old, new)
        actual[name] = _problems(root, checker)
    clean = tmp_path / "clean"
    shutil.copytree(mini_bank, clean)
    actual["the mini bank as it is"] = _problems(clean, checker)
    bank, _ = load_bank(clean)
    actual["the mini bank parsed"] = json.loads(
        json.dumps(
            {
                "topics": {k: dataclasses.asdict(v) for k, v in bank.topics.items()},
                "blueprints": {
                    k: {f: v for f, v in dataclasses.asdict(b).items() if f not in ("path", "source_info")}
                    for k, b in bank.blueprints.items()
                },
                "items": [{f: v for f, v in dataclasses.asdict(i).items() if f not in ("path", "source")} for i in bank.items],
            },
            default=str,
        )
    )
    check_recorded(actual, EXPECTED, "UPDATE_BANK_PROBLEMS")


def test_parse_topics_reads_titles_and_descriptions():
    topics, problems = parse_topics("a:\n  title: ' A '\n  description: About A.\nb: {title: B}\n", "topics.yaml")
    assert problems == []
    assert [(t.key, t.title, t.description) for t in topics.values()] == [("a", "A", "About A."), ("b", "B", "")]


# --- what the validator says about one blueprint or one item file, at many edges -------------

BLUEPRINT_EDITS = {
    "minutes 0": ("minutes: 240", "minutes: 0"),
    "minutes negative": ("minutes: 240", "minutes: -5"),
    "minutes as text": ("minutes: 240", "minutes: '240'"),
    "minutes a fraction": ("minutes: 240", "minutes: 1.5"),
    "minutes 1": ("minutes: 240", "minutes: 1\nwarn_at_minutes_left: 0"),
    "warn negative": ("warn_at_minutes_left: 30", "warn_at_minutes_left: -1"),
    "warn 0": ("warn_at_minutes_left: 30", "warn_at_minutes_left: 0"),
    "warn equal to minutes": ("warn_at_minutes_left: 30", "warn_at_minutes_left: 240"),
    "warn as text": ("warn_at_minutes_left: 30", "warn_at_minutes_left: soon"),
    "title empty": ("title: Certified Professional Coder", "title: ''"),
    "title a number": ("title: Certified Professional Coder", "title: 5"),
    "source blank": ("source: A test blueprint", "source: '  '"),
    "exam not the file name": ("exam: CPC", "exam: CCS"),
    "sections empty": (
        "sections:\n  - key: icd-10-cm\n    title: ICD-10-CM\n    questions: 2\n    topics: [icd-10-cm]\n",
        "sections: []\n",
    ),
    "section not a mapping": ("  - key: icd-10-cm\n", "  - just text\n  - key: icd-10-cm\n"),
    "questions negative": ("questions: 2", "questions: -1"),
    "questions as text": ("questions: 2", "questions: '2'"),
    "cases a fraction": ("questions: 2", "questions: 2\n    cases: 1.5"),
    "no questions or cases": ("questions: 2", "questions: 0\n    cases: 0"),
    "confirmed not a boolean": ("questions: 2", "questions: 2\n    confirmed: 'yes'"),
    "topics empty": ("topics: [icd-10-cm]", "topics: []"),
    "topics a string": ("topics: [icd-10-cm]", "topics: icd-10-cm"),
    "topic unknown": ("topics: [icd-10-cm]", "topics: [icd-10-cm, icd10cm]"),
    "section key twice": (
        "    topics: [icd-10-cm]\n",
        "    topics: [icd-10-cm]\n  - key: icd-10-cm\n    title: Again\n    questions: 1\n    topics: [icd-10-cm]\n",
    ),
    "section key missing": ("  - key: icd-10-cm\n    title", "  - title"),
    "section unknown key": ("    questions: 2", "    questions: 2\n    question: 3"),
}


def test_blueprint_problems_are_reported_as_recorded():
    actual = {}
    for name, (old, new) in BLUEPRINT_EDITS.items():
        text = BLUEPRINT.format(pass_percent="70", pace="2.4")
        assert old in text, name
        blueprint, problems = parse_blueprint(text.replace(old, new, 1), "CPC.yaml")
        found = problems + (validate_blueprint(blueprint, name="CPC", topics={"icd-10-cm", "em"}) if blueprint else [])
        actual[name] = [f"{p.line}: {'error' if p.is_error else 'warning'}: {p.message}" for p in found]
    check_recorded(actual, EXPECTED.with_name("blueprint_problems.json"), "UPDATE_BANK_PROBLEMS")


ITEM_EDITS = {
    "mcq: answer lower case": ("mcq", "answer: B", "answer: b"),
    "mcq: answer a list of one": ("mcq", "answer: B", "answer: [B]"),
    "mcq: answer a letter past the options": ("mcq", "answer: B", "answer: F"),
    "mcq: answer a list with a bad letter": ("mcq", "answer: B", "answer: [B, '1']"),
    "mcq: one option": ("mcq", "B. E11.22\nC. E11.65\n", ""),
    "mcq: seven options": ("mcq", "C. E11.65\n", "C. E11.65\nD. d\nE. e\nF. f\nG. g\n"),
    "mcq: why not for the answer": ("mcq", "C. Hyperglycemia is not documented.", "C. Hyperglycemia is not documented.\nB. It is right."),
    "mcq: why not for no option": ("mcq", "C. Hyperglycemia is not documented.", "C. Hyperglycemia is not documented.\nE. There is no E."),
    "mcq: stem asks for two, one answer": ("mcq", "Which code is reported", "Which two codes are reported"),
    "mcq: an option code that does not exist": ("mcq", "C. E11.65", "C. E11.99"),
    "mcq: exams a string": ("mcq", "exams: [CPC]", "exams: CPC"),
    "mcq: exams unknown": ("mcq", "exams: [CPC]", "exams: [CPC, XYZ]"),
    "mcq: topic a list": ("mcq", "topic: icd-10-cm", "topic: [icd-10-cm]"),
    "mcq: id a number": ("mcq", "id: cpc-test-001", "id: 12"),
    "mcq: minutes 0": ("mcq", "difficulty: medium", "difficulty: medium\nminutes: 0"),
    "mcq: scoring on an mcq": ("mcq", "difficulty: medium", "difficulty: medium\nscoring: {diagnosis: 2}"),
    "case: key missing": (
        "case",
        "key:\n  diagnoses:\n    - S52.501A\n    - {code: W01.0XXA, optional: true}\n  procedures:\n"
        '    - {code: "25600", modifiers: [RT]}\n    - {code: J1100, units: 4}\n  not_reportable:\n'
        '    - {code: M79.631, why: "Pain is integral to the fracture."}\n',
        "",
    ),
    "case: empty code": ("case", "    - S52.501A", "    - ''"),
    "case: diagnosis not a code": ("case", "    - S52.501A", "    - S52.5O1A"),
    "case: diagnosis incomplete": ("case", "    - S52.501A", "    - S52.501"),
    "case: procedure an ICD-10-CM code": ("case", "{code: J1100, units: 4}", "{code: E11.9}"),
    "case: procedure shaped like both": ("case", "{code: J1100, units: 4}", "{code: 'J1100'}\n    - {code: 'A0100'}"),
    "case: pcs not a code": ("case", "  not_reportable:", "  pcs:\n    - 0SR9O19\n  not_reportable:"),
    "case: pcs on a professional case": ("case", "  not_reportable:", "  pcs:\n    - 0SR9019\n  not_reportable:"),
    "case: units 0": ("case", "units: 4", "units: 0"),
    "case: units text": ("case", "units: 4", "units: four"),
    "case: optional not a boolean": ("case", "optional: true", "optional: 'yes'"),
    "case: modifiers a string": ("case", "modifiers: [RT]", "modifiers: RT"),
    "case: modifier unknown and numeric": ("case", "modifiers: [RT]", "modifiers: [RT, Q9, 5]"),
    "case: modifier on a diagnosis": ("case", "{code: W01.0XXA, optional: true}", "{code: W01.0XXA, optional: true, modifiers: [RT]}"),
    "case: alternates a string": ("case", "{code: W01.0XXA, optional: true}", "{code: W01.0XXA, optional: true, alternates: W01.0XXD}"),
    "case: alternate not a code": ("case", "{code: W01.0XXA, optional: true}", "{code: W01.0XXA, optional: true, alternates: [W01.0XXQ]}"),
    "case: not reportable without why": ("case", '{code: M79.631, why: "Pain is integral to the fracture."}', "{code: M79.631}"),
    "case: not reportable why blank": ("case", '{code: M79.631, why: "Pain is integral to the fracture."}', "{code: M79.631, why: ' '}"),
    "case: not reportable a plain code": ("case", '{code: M79.631, why: "Pain is integral to the fracture."}', "M79.631"),
    "case: not reportable no code set": ("case", '{code: M79.631, why: "Pain is integral to the fracture."}', "{code: QQQ, why: x}"),
    "case: only optional lines": ("case", "    - S52.501A\n", ""),
    "case: scoring unknown and negative": (
        "case",
        "setting: professional",
        "setting: professional\nscoring: {diagnosis: -1, dx: 2, units: two}",
    ),
    "case: scoring a list": ("case", "setting: professional", "setting: professional\nscoring: [1, 2]"),
    "case: minutes negative": ("case", "setting: professional", "setting: professional\nminutes: -3"),
    "case: setting unknown": ("case", "setting: professional", "setting: clinic"),
    "case: no documentation": ("case", "## Documentation\nThe record.\n\n", ""),
    "case: empty rationale": ("case", "## Rationale\nBecause.\n", "## Rationale\n"),
    # block style: every key on its own line, so each problem names its own line
    "case: block style lines": (
        "case",
        "    - {code: W01.0XXA, optional: true}\n",
        "    - code: W01.0XXA\n      optional: 'yes'\n"
        "      alternates:\n        - W01.0XXD\n        - W01.0XXQ\n    - code: e11.99\n      alternates: E11.9\n",
    ),
    "case: block style procedure": (
        "case",
        "    - {code: J1100, units: 4}\n",
        "    - code: J1100\n      units: 0\n      modifiers:\n        - RT\n        - Q9\n    - code: A0100\n",
    ),
    "case: block style pcs": (
        "case",
        "  not_reportable:",
        "  pcs:\n    - code: 0SR9019\n      alternates:\n        - 0SR9O19\n    - 0SR9I19X\n  not_reportable:",
    ),
    "case: block style not reportable": (
        "case",
        '    - {code: M79.631, why: "Pain is integral to the fracture."}\n',
        "    - code: M79.631\n      why: ''\n    - code: E11.99\n      why: x\n    - code: QQ\n      why: y\n",
    ),
    "case: not reportable codes of every set": (
        "case",
        '    - {code: M79.631, why: "Pain is integral to the fracture."}\n',
        "    - {code: E1100, why: a}\n    - {code: J9999, why: b}\n    - {code: '99215', why: c}\n"
        "    - {code: 0SR9019, why: d}\n    - {code: m79.631, why: e}\n    - {code: 0SR9O19, why: f}\n",
    ),
    "case: an ICD-10-CM code shaped like HCPCS among procedures": ("case", "{code: J1100, units: 4}", "{code: 'E1100'}"),
    "mcq: two options": ("mcq", "C. E11.65\n", ""),
    "mcq: invalid yaml": ("mcq", "answer: B", "answer: [B"),
    "mcq: yaml error with a context": ("mcq", "topic: icd-10-cm", "topic: icd-10-cm: x"),
    "mcq: yaml error past the front matter": ("mcq", "answer: B", "answer: B\nx: 'unclosed"),
    "mcq: why-not letter twice": ("mcq", "C. Hyperglycemia is not documented.", "C. Hyperglycemia is not documented.\nA. Again."),
    "mcq: why-not lettered badly": ("mcq", "C. Hyperglycemia is not documented.", "c) Hyperglycemia is not documented."),
    "mcq: why-not line without a letter": ("mcq", "A. No complication is coded.", "No complication is coded."),
    "mcq: option continued on the next line": ("mcq", "B. E11.22\n", "B. E11.22\n   and more\n"),
    "mcq: deep nesting": ("mcq", "difficulty: medium", "difficulty: medium\ntags: " + "[" * 60 + "]" * 60),
    "mcq: merge keys": ("mcq", "difficulty: medium", "difficulty: medium\nx: &a {t: 1}\ny:\n  <<: *a\n  <<: *a"),
    "mcq: a key that is a list": ("mcq", "difficulty: medium", "difficulty: medium\n? [a, b]\n: c"),
    "mcq: text before the first heading and an empty heading": ("mcq", "## Rationale\n", "Loose text.\n## \n## Rationale\n"),
    "mcq: heading in another case": ("mcq", "## Rationale", "## RATIONALE"),
    "mcq: topic and tags as booleans and numbers": ("mcq", "topic: icd-10-cm", "topic: true\ntags: [yes, 12, no]"),
    "mcq: answer false": ("mcq", "answer: B", "answer: false"),
    "mcq: indented text before the first option": ("mcq", "## Options\nA. E11.9", "## Options\n  stray\nA. E11.9"),
    "mcq: option lettered in lower case with a dot": ("mcq", "B. E11.22", "b. E11.22"),
    "case: duplicate key inside the key": ("case", "  procedures:\n", "  diagnoses:\n    - I10\n  procedures:\n"),
    "case: modifiers as numbers and booleans": ("case", "modifiers: [RT]", "modifiers: [59, true, 5]"),
    "case: minutes as text and a boolean": ("case", "setting: professional", "setting: professional\nminutes: true"),
    "mcq: block style answer list": ("mcq", "answer: B", "answer:\n  - B\n  - x"),
    "mcq: why not without its section line": (
        "mcq",
        "## Why not the others\nA. No complication is coded.\nC. Hyperglycemia is not documented.\n",
        "## Why not the others\nB. It is right.\n",
    ),
}


def test_item_problems_are_reported_as_recorded(tmp_path: Path, checker: CodeChecker):
    from study.bank.validate import validate_item_file
    from tests.bank.test_validate import EXAMS, MCQ, TOPICS

    actual = {}
    for name, (kind, old, new) in ITEM_EDITS.items():
        base = MCQ if kind == "mcq" else VALID_CASE
        assert old in base, name
        path = tmp_path / ("cpc-test-001.md" if kind == "mcq" else "case-test-001.md")
        path.write_text(base.replace(old, new, 1), encoding="utf-8")
        for label, using in (("", checker), (" (no code checker)", None)):
            actual[name + label] = [
                f"{p.line}: {'error' if p.is_error else 'warning'}: {p.message}"
                for p in validate_item_file(path, using, topics=TOPICS, exams=EXAMS)
            ]
    check_recorded(actual, EXPECTED.with_name("item_problems.json"), "UPDATE_BANK_PROBLEMS")


def test_one_file_is_validated_against_the_topics_and_exams_of_its_bank(tmp_path: Path, mini_bank: Path, checker: CodeChecker):
    """`bank validate FILE`: the bank is found by the topics.yaml above the file; its topics and the
    exams of its blueprints apply; outside a bank, any topic and the four exams do."""
    from study.bank.validate import validate_path

    root = tmp_path / "bank"
    shutil.copytree(mini_bank, root)
    item = root / "cpc" / "icd-10-cm" / "cpc-icd-0007.md"
    item.write_text(
        item.read_text(encoding="utf-8").replace("exams: [CPC, CCS]", "exams: [CPC, CPB]").replace("topic: icd-10-cm", "topic: icd10cm"),
        encoding="utf-8",
    )
    blueprint = root / "blueprints" / "CPC.yaml"
    blueprint.write_text(blueprint.read_text(encoding="utf-8").replace("topics: [modifiers]", "topics: [modifier]"), encoding="utf-8")
    loose = tmp_path / "loose" / "cpc-icd-0007.md"
    loose.parent.mkdir()
    loose.write_text(item.read_text(encoding="utf-8").replace("exams: [CPC, CPB]", "exams: [CPC, CPB, XYZ]"), encoding="utf-8")
    topics = root / "topics.yaml"

    def messages(path):
        return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in validate_path(path, checker)]

    assert messages(item) == [
        "cpc-icd-0007.md:4: unknown exam 'CPB' (exams: CCS, CPC)",
        "cpc-icd-0007.md:5: unknown topic 'icd10cm' (not in topics.yaml) (did you mean 'icd-10-cm'?)",
    ]
    assert messages(blueprint) == ["CPC.yaml:17: unknown topic 'modifier' (not in topics.yaml) (did you mean 'modifiers'?)"]
    assert messages(loose) == ["cpc-icd-0007.md:4: unknown exam 'XYZ' (exams: CPC, CPB, CCS, CCS-P)"]
    shutil.rmtree(root / "blueprints")
    assert messages(item) == ["cpc-icd-0007.md:5: unknown topic 'icd10cm' (not in topics.yaml) (did you mean 'icd-10-cm'?)"]
    topics.write_text("{}\n", encoding="utf-8")  # no topics at all: any topic goes
    assert messages(item) == []
    topics.write_text("icd-10-cm: {title: x}\n: [\n", encoding="utf-8")
    assert messages(topics)[0].startswith("topics.yaml:")
