"""Every message the code checker gives, pinned: one typed code per branch of each system, sets of
diagnoses with each kind of conflict, and the note references the conflicts are read from. The
messages are what learners read while they code, so a changed word is a visible change. The
expected values are in checker_messages.json beside this file; after a deliberate change,
regenerate them with `UPDATE_CHECKER_MESSAGES=1 pytest tests/codes/test_checker_messages_exact.py`
and review the diff."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from study.codes.checking import CodeChecker, _groups, _strip_lead, ordinal, parse_references
from study.codes.memory import MemoryCodeSource, icd10cm_memory_source
from tests.recorded import check_recorded

EXPECTED = Path(__file__).with_name("checker_messages.json")

CODES = {
    "icd10cm": [
        "",
        "E11.22",
        "e1122",
        " e11.22 ",
        "E11",
        "E11.2",
        "E11.",
        "I10",
        "O09",
        "O09.0",
        "S72.21",
        "S72.21X",
        "S72.21XA",
        "S7221A",
        "S72.21A",
        "S72.2A",
        "T36.0X1",
        "T36.0X1A",
        "T360X1A",
        "S06.0X1",
        "S02.0",
        "S02.0XXA",
        "S020A",
        "E11.99",
        "Z99.999",
        "ZZZ",
        "11.2",
        "E1",
        "A00-A09",
        "E11.2.2",
        "W01.0XXA",
        "W01.0XXD",
        "W010A",
        "O",
        "R52",
        "M16",
        "A05",
        "A04",
        "T36.0XX",
        "T360",
        "S02.XX",
        "S02XXXA",
        "S0A",
        "S72A",
        "M16A",
        "W01A",
        "W0XA",
        "S06.0XA",
        "S060X1X",
        "S72.21XX",
        "T36.0X1Z",
        "S72.2XXA",
        "S7221XA",
        "O09.A",
        "Z3A.01",
        None,
        250,
    ],
    "procedure": ["", None, 99214, "99214", "0075T", "3074F", "J1100", "J9999", "2560", "ABCDE", "W1234", "99214-25"],
    "cpt": ["", "9921", "99214", "0075T", "J1100"],
    "hcpcs": ["", "J1100", "J9999", "W1234", "j1100 ", "99214"],
    "pcs": ["", "0SR9019", "0SR901", "0SR9O19", "0SR9I19", "0SR9!19", "0sr9019", "0SR90190"],
    "modifier": ["", "RT", "rt", "Q9", "R", "RTX", "25"],
    "loinc": ["1234-5"],
}
CONFLICTS = [
    ["E10.9", "E11.9"],
    ["E11.9", "E10.9"],
    ["E11.22", "N18.31"],
    ["E11.22"],
    ["F02.80", "G30.9"],
    ["G30.9", "F02.80"],
    ["F02.80"],
    ["I10", "I12.9"],
    ["I12.9"],
    ["J44.1", "J44.0"],
    ["K70.30", "F10.20"],
    ["O24.410", "Z79.4"],
    ["S72.001A", "W01.0XXA", "Y92.009"],
    ["T36.0X1A"],
    ["N18.31", "E11.22", "I12.9"],
    ["E11.9", "e119", "XYZ"],
    ["", "F02.80", "G30.9"],
    ["XYZ", "F02.80"],
    ["A00.0", "A01.00", "B20"],
    ["K50.00", "K51.00"],
    ["E66.9", "Z68.41"],
    ["O24.410", "E11.9"],
    ["Z79.4", "E10.9"],
    ["I12.9", "N18.31", "I10"],
    ["F10.20", "F10.10"],
]
NOTES = [
    "(E10.-)",
    "(O24.4-)",
    "(P70.2)",
    "(N18.1-N18.6)",
    "(E08.-, E09.-)",
    "(K85-K86.-)",
    "(E08-E13 with .44)",
    "(S06.0X- with seventh character A)",
    "(E08-E13 with .51-.52)",
    "(T36-T65 with fifth or sixth character 5)",
    "(T36-T65 with fifth or sixth character 1-4)",
    "(S72.0-, with seventh character A-C)",
    "(words E11.9)",
    "(E11.9 E11.8)",
    "(T38.3X with sixth character x)",
    "(E08-E13 with .3)",
    "(T36-T65 with 8th character 5)",
    "(A00-A09, with fourth character 1)",
    "no references here",
    "(E11.9) and (I10, I11.-)",
    "(E11.9, with something odd)",
    "(E11.9 with .xy-.xz)",
    "(E11.9 with .4)",
    "(E11.9 - E11.8)",
    "(S06.0X1-S06.0X9 with seventh character A or D)",
]
PROBES = [
    "E10.9",
    "E08.44",
    "E13.44",
    "E08.51",
    "E08.52",
    "E08.53",
    "S06.0X1A",
    "S06.0X1D",
    "T36.0X5A",
    "T36.0X1A",
    "T38.3X5A",
    "N18.3",
    "N18.31",
    "N18.6",
    "K85.9",
    "K86.1",
    "O24.41",
    "P70.2",
    "A00.1",
    "A01.0",
    "E11.9",
    "I11.0",
    "E11.8",
]
GROUPS = [
    ["use additional code to identify:", "stage of chronic kidney disease (N18.1-N18.6)", "code also something (Z99.2)"],
    ["code first underlying disease, such as:", "Alzheimer's disease (G30.-)", "Huntington's disease (G10)", "use additional code (Z79.4)"],
    ["use additional code for any associated condition"],
    ["additional note:", "a"],
    ["first:", "second:", "x"],
    ["x", "y:"],
    ["note:", "additional code for x", "z"],
    ["note:", "Code also y", "w"],
]


def _checks(checker: CodeChecker) -> dict:
    return {f"{system} {raw!r}": dataclasses.asdict(checker.check(system, raw)) for system, raws in CODES.items() for raw in raws}


def _conflicts(checker: CodeChecker) -> dict:
    return {", ".join(codes): [dataclasses.asdict(c) for c in checker.conflicts(codes)] for codes in CONFLICTS}


def _references() -> dict:
    return {note: {str(ref): [p for p in PROBES if ref.matches(p)] for ref in parse_references(note)} for note in NOTES}


LOADED = {"cpt": ["99214", "99215", "0075T"], "pcs": ["0SR9019", "0SR901Z"], "hcpcs": ["J1100", "J9999"], "procedure": ["99215", "J9999"]}


def _actual(checker: CodeChecker) -> dict:
    loaded = CodeChecker(
        icd10cm_memory_source(
            cpt={"99214": "Office visit (our words)", "0075T": "Stent (our words)"},
            pcs={"0SR9019": "Hip replacement (our words)"},
            hcpcs={"J1100": "Dexamethasone (our words)"},
            hcpcs_loaded=True,
        )
    )
    return {
        "checks": _checks(checker),
        "conflicts": _conflicts(checker),
        "references": _references(),
        "groups": [_groups(lines) for lines in GROUPS],
        "strip_lead": [
            _strip_lead(t)
            for t in (
                "use additional code to identify x",
                "Use additional x",
                "code for y",
                " z ",
                "USE ADDITIONAL CODE x",
                "use additionalcode",
            )
        ],
        "loaded code sets": {
            f"{system} {raw!r}": dataclasses.asdict(loaded.check(system, raw)) for system, raws in LOADED.items() for raw in raws
        },
        "ordinals": [ordinal(n) for n in range(1, 8)],
    }


def test_messages_match_the_recorded_ones(checker: CodeChecker) -> None:
    flat = {}
    for part, values in _actual(checker).items():
        flat.update({f"{part}: {key}": value for key, value in values.items()} if isinstance(values, dict) else {part: values})
    check_recorded(flat, EXPECTED, "UPDATE_CHECKER_MESSAGES")


def test_the_checker_caches_are_bounded(icd_source: MemoryCodeSource) -> None:
    checker = CodeChecker(icd_source)
    checker.CACHE_LIMIT = 3
    for code in ("E11.9", "E11.22", "I10", "R52"):
        assert checker.chain(code)
    assert list(checker._chains) == ["R52"]
    for note in ("(E10.-)", "(E11.-)", "(E12.-)", "(E13.-)"):
        assert checker.references(note)
    assert list(checker._refs) == ["(E13.-)"]
    assert checker.chain("E11.22")[0].code == "E11.22" and [r.code for r in checker.chain("E11.22")][1:3] == ["E11.2", "E11"]
    assert checker.chain("NOPE") == ()


def test_the_code_first_hint_reads_as_a_sentence(checker: CodeChecker) -> None:
    (conflict,) = checker.conflicts(["F02.80", "G30.9"])
    assert conflict.kind == "code_first"
    assert "the the " not in conflict.message


class _Cycle:
    """A corrupt code source whose every record is its own parent."""

    def get(self, code):
        from study.codes.types import CodeRecord

        return CodeRecord(code=code, kind="category", description="x", reportable=False, parent=code)


def test_a_cyclic_source_gives_a_chain_of_twenty() -> None:
    chain = CodeChecker(_Cycle()).chain("A00")  # type: ignore[arg-type]
    assert len(chain) == 20 and {r.code for r in chain} == {"A00"}
