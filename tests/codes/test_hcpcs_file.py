"""Tests for ``study.codes.hcpcs_file``: the real CMS 2020 file and synthetic variations.

The real file lives outside the repository, in ``../shared/data/hcpcs`` (see SOURCE.md there).
A clone without that folder skips the real-file tests; the synthetic ones always run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from study.codes.hcpcs_file import (
    RECORD_LENGTH,
    HcpcsParseResult,
    HcpcsRecord,
    decode_cms_text,
    parse_hcpcs_file,
    split_lines,
)

HCPCS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hcpcs"
REAL_FILE = HCPCS_DIR / "HCPC2020_ANWEB_w_disclaimer.txt"


# --- building synthetic records ------------------------------------------------------------


def record(
    code: str,
    record_id: str = "3",
    sequence: int = 100,
    long: str = "",
    short: str = "",
    added: str = "",
    effective: str = "",
    termination: str = "",
    action: str = "",
    width: int = RECORD_LENGTH,
) -> str:
    """One fixed-width record line (without its line break), cut or padded to ``width``."""
    line = [" "] * RECORD_LENGTH

    def put(start: int, text: str, length: int) -> None:  # start is 1-based, as in the layout
        text = text[:length].ljust(length)
        line[start - 1 : start - 1 + length] = list(text)

    put(1, code.rjust(5) if len(code) == 2 else code, 5)
    put(6, f"{sequence:05d}", 5)
    put(11, record_id, 1)
    put(12, long, 80)
    put(92, short, 28)
    put(269, added, 8)
    put(277, effective, 8)
    put(285, termination, 8)
    put(293, action, 1)
    return "".join(line)[:width].rstrip() if width < RECORD_LENGTH else "".join(line)


def join(lines: list[str], newline: str = "\r\n") -> bytes:
    return ("".join(line + newline for line in lines)).encode("cp1252")


SAMPLE = [
    record(
        "A4206",
        long="Syringe with needle, sterile, 1 cc or less, each",
        short="1 cc sterile syringe&needle",
        added="19850101",
        effective="20080101",
        action="N",
    ),
    record(
        "E0114",
        long="Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips",
        short="Crutch underarm pair no wood",
        added="19860101",
        effective="19970101",
        action="N",
    ),
    record("E0114", "4", 200, long="and handgrips", width=91),
    record("RT", "7", long="Right side", short="Right side", added="19840101", effective="19970101", action="N"),
    record(
        "GD",
        "7",
        long="Units of service exceeds medically unlikely edit value and represents reasonable",
        short="Unit of service > mue value",
        added="20080101",
        effective="20200101",
        termination="20191231",
        action="D",
    ),
    record("GD", "8", 200, long="and necessary services", width=91),
]


# --- synthetic files -------------------------------------------------------------------------


def test_synthetic_file_fields() -> None:
    result = parse_hcpcs_file(join(SAMPLE))
    assert result.problems == []
    assert [r.code for r in result.records] == ["A4206", "E0114", "RT", "GD"]
    a4206 = result.by_code()["A4206"]
    assert a4206 == HcpcsRecord(
        code="A4206",
        kind="code",
        long_description="Syringe with needle, sterile, 1 cc or less, each",
        short_description="1 cc sterile syringe&needle",
        effective_date=date(2008, 1, 1),
        added_date=date(1985, 1, 1),
        termination_date=None,
        action_code="N",
        line=1,
    )
    e0114 = result.by_code()["E0114"]
    assert e0114.long_description == ("Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips")
    gd = result.by_code()["GD"]
    assert gd.kind == "modifier"
    assert gd.long_description.endswith("represents reasonable and necessary services")
    assert gd.termination_date == date(2019, 12, 31)
    assert gd.action_code == "D"
    assert gd.active_on(date(2019, 12, 31)) and not gd.active_on(date(2020, 1, 1))
    assert [r.code for r in result.codes] == ["A4206", "E0114"]
    assert [r.code for r in result.modifiers] == ["RT", "GD"]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_endings_give_the_same_result(newline: str) -> None:
    reference = parse_hcpcs_file(join(SAMPLE, "\r\n"))
    result = parse_hcpcs_file(join(SAMPLE, newline))
    assert result == reference
    assert result.problems == []


def test_mixed_line_endings_and_no_final_line_break() -> None:
    data = join(SAMPLE[:3], "\n") + join(SAMPLE[3:], "\r\n").rstrip(b"\r\n")
    result = parse_hcpcs_file(data)
    assert result.problems == []
    assert len(result.records) == 4
    assert result.by_code()["GD"].long_description.endswith("and necessary services")


def test_cp1252_bytes_are_decoded_never_fatal() -> None:
    en_dash = record("A9999", long="Dressing X dressing", short="Dressing").encode("ascii")
    en_dash = en_dash.replace(b"X", b"\x96", 1)
    # 0x81 is one of the five bytes cp1252 leaves undefined
    undefined = record("A9998", long="Odd Y byte", short="Odd").encode("ascii")
    undefined = undefined.replace(b"Y", b"\x81", 1)
    result = parse_hcpcs_file(en_dash + b"\r\n" + undefined + b"\r\n")
    assert result.problems == []
    records = result.by_code()
    assert records["A9999"].long_description == "Dressing \u2013 dressing"
    assert records["A9998"].long_description == "Odd \ufffd byte"
    # one byte stayed one character: the short description is still read from 92-119
    assert records["A9999"].short_description == "Dressing"


def test_utf8_file_keeps_columns() -> None:
    line = record("A9999", long="Caf\u00e9 visit", short="Cafe", added="20200101")
    for data in (line.encode("utf-8"), b"\xef\xbb\xbf" + line.encode("utf-8")):
        parsed = parse_hcpcs_file(data).by_code()["A9999"]
        assert parsed.long_description == "Caf\u00e9 visit"
        assert parsed.short_description == "Cafe"
        assert parsed.added_date == date(2020, 1, 1)


def test_disclaimer_at_the_top_is_skipped() -> None:
    disclaimer = [
        "Note regarding coverage and payment indicators for codes in CMS\u2019 2020 HCPCS Update",
        "",
        "If specific Medicare coverage or payment indicators have not been established, 12345 3",
        "",
    ]
    result = parse_hcpcs_file(join(disclaimer + SAMPLE))
    assert result.problems == []
    assert result.preamble_lines == 4
    assert [r.code for r in result.records] == ["A4206", "E0114", "RT", "GD"]
    assert result.records[0].line == 5


def test_continuation_lines_cut_short_or_padded() -> None:
    first = record("E0114", long="Crutches underarm, other than wood,", short="Crutch underarm")
    lines = [
        first,
        record("E0114", "4", 200, long="adjustable or fixed", width=91),  # trimmed, like 2020
        record("E0114", "4", 300, long="pair, with pads", width=RECORD_LENGTH),  # padded, like 2026
        record("E0114", "4", 400, long="tips and handgrips", width=25),  # cut short inside the text
        record("E0114", "4", 500, long="", width=11),  # nothing but code, sequence and id
    ]
    result = parse_hcpcs_file(join(lines))
    assert result.problems == []
    assert result.records[0].long_description == ("Crutches underarm, other than wood, adjustable or fixed pair, with pads tips and handg")


def test_short_first_line_is_padded_and_blank_dates_are_none() -> None:
    line = record("Q0001", long="Something short", short="Short one", width=119)
    result = parse_hcpcs_file(join([line]))
    assert result.problems == []
    parsed = result.records[0]
    assert parsed.short_description == "Short one"
    assert (parsed.added_date, parsed.effective_date, parsed.termination_date) == (None, None, None)
    assert parsed.action_code == ""


def test_trailing_and_inner_blank_lines_are_ignored() -> None:
    data = join(SAMPLE[:2] + ["", "   "] + SAMPLE[2:] + ["", "", "\x1a"])
    result = parse_hcpcs_file(data)
    assert result.problems == []
    assert len(result.records) == 4
    assert result.by_code()["E0114"].long_description.endswith("tips and handgrips")


def test_garbage_line_becomes_a_problem_with_its_line_number() -> None:
    lines = ["Disclaimer line", ""] + SAMPLE[:2] + ["this is not a record at all"] + SAMPLE[2:]
    result = parse_hcpcs_file(join(lines))
    assert [(p.line, "not an HCPCS record" in p.message) for p in result.problems] == [(5, True)]
    assert "line 5:" in str(result.problems[0])
    # the records around the bad line are all there
    assert [r.code for r in result.records] == ["A4206", "E0114", "RT", "GD"]


def test_bad_code_bad_date_orphan_continuation_and_duplicate() -> None:
    lines = [
        record("A4206", long="Syringe", short="Syringe", added="19851301", effective="2008"),
        record("A42", long="A code that is too short", short="Too short"),  # line 2
        record("RT", "8", 200, long="continuation without its first line"),  # line 3
        record("A4206", long="Duplicate", short="Duplicate"),  # line 4
        record("A4206", "4", 200, long="continuation of the duplicate"),  # line 5: swallowed
        record("E0114", "4", 200, long="no first line either"),  # line 6
    ]
    result = parse_hcpcs_file(join(lines))
    messages = {(p.line, p.message.split(" ")[0]) for p in result.problems}
    assert {p.line for p in result.problems} == {1, 2, 3, 4, 6}
    assert (1, "code") in messages  # code added date / action effective date
    assert len([p for p in result.problems if p.line == 1]) == 2
    assert [r.code for r in result.records] == ["A4206"]
    kept = result.records[0]
    assert kept.long_description == "Syringe"
    assert kept.added_date is None and kept.effective_date is None


def test_nothing_to_parse_never_raises() -> None:
    assert parse_hcpcs_file(b"") == HcpcsParseResult()
    assert parse_hcpcs_file(b"\r\n\r\n").records == []
    not_hcpcs = parse_hcpcs_file(b"00001 0016070 1 Bypass Cereb Vent\r\nsome\xffbytes\r\n")
    assert not_hcpcs.records == []
    assert [p.line for p in not_hcpcs.problems] == [0]
    assert parse_hcpcs_file(bytes(range(256)) * 50).records == []


def test_decode_and_split_helpers() -> None:
    assert decode_cms_text(b"CMS\x92 file") == "CMS\u2019 file"
    assert decode_cms_text(b"\xef\xbb\xbfabc") == "abc"
    assert split_lines("a\r\nb\nc\rd\r\n") == ["a", "b", "c", "d"]
    assert split_lines("a\fb") == ["a\fb"]
    assert split_lines("") == []


# --- the real CMS file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> HcpcsParseResult:
    if not HCPCS_DIR.is_dir() or not REAL_FILE.is_file():
        pytest.skip(
            f"the CMS HCPCS test data is not here ({REAL_FILE}); it lives in ../shared/data/hcpcs "
            "next to the repository, which a plain clone does not have"
        )
    return parse_hcpcs_file(REAL_FILE.read_bytes())


@pytest.fixture(scope="module")
def real_by_code(real: HcpcsParseResult) -> dict[str, HcpcsRecord]:
    return real.by_code()


def test_real_file_counts(real: HcpcsParseResult) -> None:
    assert real.problems == []
    assert real.preamble_lines == 9  # the disclaimer, first record on line 10
    assert real.records[0].line == 10
    assert len(real.codes) == 6710
    assert len(real.modifiers) == 369
    assert len({r.code for r in real.records}) == 6710 + 369
    assert all(len(r.code) == 5 for r in real.codes)
    assert all(len(r.code) == 2 for r in real.modifiers)
    first_letters: dict[str, int] = {}
    for r in real.codes:
        first_letters[r.code[0]] = first_letters.get(r.code[0], 0) + 1
    assert first_letters == {
        "A": 678,
        "B": 50,
        "C": 350,
        "E": 608,
        "G": 1722,
        "H": 88,
        "J": 810,
        "K": 144,
        "L": 904,
        "M": 117,
        "P": 56,
        "Q": 336,
        "R": 3,
        "S": 526,
        "T": 109,
        "V": 209,
    }


def test_real_file_action_codes_and_dates(real: HcpcsParseResult) -> None:
    actions: dict[str, int] = {}
    for r in real.records:
        actions[r.action_code] = actions.get(r.action_code, 0) + 1
    assert actions == {"N": 6648, "A": 250, "D": 99, "C": 70, "P": 10, "S": 2}
    assert sum(1 for r in real.records if r.termination_date is not None) == 615
    assert all(r.added_date is not None for r in real.records)
    assert sum(1 for r in real.records if r.effective_date is None) == 115  # blank in the file
    assert max(r.added_date for r in real.records if r.added_date) == date(2020, 1, 1)
    assert max(r.effective_date for r in real.records if r.effective_date) == date(2020, 1, 1)
    # every discontinued record carries its termination date
    assert all(r.termination_date is not None for r in real.records if r.action_code == "D")


@pytest.mark.parametrize(
    ("code", "short", "long"),
    [
        ("J1100", "Dexamethasone sodium phos", "Injection, dexamethasone sodium phosphate, 1 mg"),
        ("A4206", "1 cc sterile syringe&needle", "Syringe with needle, sterile, 1 cc or less, each"),
        ("G0438", "Ppps, initial visit", "Annual wellness visit; includes a personalized prevention plan of service (pps), initial visit"),
        ("RT", "Right side", "Right side (used to identify procedures performed on the right side of the body)"),
        ("LT", "Left side", "Left side (used to identify procedures performed on the left side of the body)"),
        ("GA", "Liability waiver ind case", "Waiver of liability statement issued as required by payer policy, individual case"),
        ("JW", "Discarded drug not administe", "Drug amount discarded/not administered to any patient"),
    ],
)
def test_real_file_known_records(real_by_code: dict[str, HcpcsRecord], code: str, short: str, long: str) -> None:
    found = real_by_code[code]
    assert found.short_description == short
    assert found.long_description == long
    assert found.termination_date is None
    assert found.kind == ("modifier" if len(code) == 2 else "code")


def test_real_file_dates_of_j1100(real_by_code: dict[str, HcpcsRecord]) -> None:
    j1100 = real_by_code["J1100"]
    assert (j1100.added_date, j1100.effective_date, j1100.action_code) == (date(1982, 1, 1), date(2001, 1, 1), "N")


def test_real_file_has_no_cpt_modifiers(real: HcpcsParseResult) -> None:
    """CPT modifiers (25, 59, ...) are AMA's: the CMS Level II file does not carry them."""
    codes = {r.code for r in real.modifiers}
    assert "25" not in codes and "59" not in codes
    assert not any(code.isdigit() for code in codes)
    assert {"XE", "XP", "XS", "XU", "GA", "GY", "GZ", "KX", "TC", "QW"} <= codes


def test_real_file_multi_line_descriptions(real_by_code: dict[str, HcpcsRecord]) -> None:
    assert real_by_code["E0114"].long_description == (
        "Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips"
    )
    assert real_by_code["XE"].long_description == (
        "Separate encounter, a service that is distinct because it occurred during a separate encounter"
    )
    # G0503 is the longest: a first line and 16 continuation lines
    g0503 = real_by_code["G0503"]
    assert len(g0503.long_description) == 1251
    assert g0503.long_description.startswith("Subsequent psychiatric collaborative care management")
    assert g0503.long_description.endswith("are prepared for discharge from active treatment")
    assert "\n" not in g0503.long_description and "\r" not in g0503.long_description


def test_real_file_terminated_records(real_by_code: dict[str, HcpcsRecord]) -> None:
    gd = real_by_code["GD"]  # modifier discontinued in the 2020 update
    assert (gd.action_code, gd.termination_date, gd.effective_date) == ("D", date(2019, 12, 31), date(2020, 1, 1))
    c9035 = real_by_code["C9035"]  # a drug code deleted on a quarterly update
    assert (c9035.action_code, c9035.termination_date) == ("D", date(2019, 9, 30))
    a4466 = real_by_code["A4466"]  # terminated earlier, still in the file with action N
    assert (a4466.action_code, a4466.termination_date) == ("N", date(2016, 12, 31))
    assert not a4466.active_on(date(2020, 1, 1))
    assert a4466.active_on(date(2016, 12, 31))


def test_real_file_with_lf_endings_and_without_disclaimer(real: HcpcsParseResult) -> None:
    """The same data as Git would check it out (LF) and as the 2026 release ships it (no header)."""
    raw = REAL_FILE.read_bytes()
    lines = raw.split(b"\r\n")
    lf_no_header = b"\n".join(lines[9:])
    other = parse_hcpcs_file(lf_no_header)
    assert other.problems == []
    assert other.preamble_lines == 0
    assert [(r.code, r.long_description, r.termination_date) for r in other.records] == [
        (r.code, r.long_description, r.termination_date) for r in real.records
    ]
