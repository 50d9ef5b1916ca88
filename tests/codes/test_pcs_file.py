"""Tests for ``study.codes.pcs_file`` with a small order file written here.

The codes are real ICD-10-PCS codes; the descriptions are the project's own words.
"""

from __future__ import annotations

import pytest

from study.codes.pcs_file import PcsParseResult, PcsRecord, parse_pcs_order_file


def row(order: int, code: str, flag: str, short: str, long: str | None = None) -> str:
    """One order-file line in the CMS column layout (trailing blanks trimmed, like CMS)."""
    line = f"{order:05d} {code:<7} {flag} {short:<60}"
    if long is not None:
        line += f" {long}"
    return line.rstrip()


ROWS = [
    row(1, "0DT", "0", "Resection of gastrointestinal organs", "Resection of gastrointestinal organs"),
    row(2, "0DTJ4ZZ", "1", "Remove appendix, laparoscopic", "Removal of the whole appendix through a laparoscope"),
    row(3, "0FT", "0", "Resection of hepatobiliary organs", "Resection of hepatobiliary organs"),
    row(4, "0FT44ZZ", "1", "Remove gallbladder, laparoscopic", "Removal of the whole gallbladder through a laparoscope"),
    row(5, "10D", "0", "Extraction, products of conception", "Extraction, products of conception"),
    row(6, "10D00Z1", "1", "Low cesarean delivery", "Cesarean delivery through a low incision in the uterus"),
    row(7, "5A1", "0", "Performance, physiological systems", "Performance, physiological systems"),
    row(8, "5A19", "0", "Ventilation header (4 characters)", "Ventilation header with four characters"),
    row(9, "5A1955", "0", "Ventilation header (6 characters)", "Ventilation header with six characters"),
    row(10, "5A1955Z", "1", "Mechanical ventilation, over 96 hours", "Mechanical breathing support for more than 96 hours in a row"),
]

VALID = ["0DTJ4ZZ", "0FT44ZZ", "10D00Z1", "5A1955Z"]


def encode(lines: list[str], newline: str = "\r\n") -> bytes:
    return "".join(line + newline for line in lines).encode("cp1252")


def test_columns_of_the_layout() -> None:
    line = ROWS[3]
    assert line[0:5] == "00004" and line[5] == " "
    assert line[6:13] == "0FT44ZZ" and line[13] == " "
    assert line[14] == "1" and line[15] == " "
    assert line[16:76].rstrip() == "Remove gallbladder, laparoscopic"
    assert line[76] == " " and line[77:].startswith("Removal of the whole gallbladder")


def test_codes_and_headers() -> None:
    result = parse_pcs_order_file(encode(ROWS))
    assert result.problems == []
    assert [r.code for r in result.codes] == VALID
    assert [r.code for r in result.headers] == ["0DT", "0FT", "10D", "5A1", "5A19", "5A1955"]
    assert result.records[3] == PcsRecord(
        code="0FT44ZZ",
        valid=True,
        short_description="Remove gallbladder, laparoscopic",
        long_description="Removal of the whole gallbladder through a laparoscope",
        order=4,
        line=4,
    )
    assert all(not r.valid for r in result.headers)


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_endings(newline: str) -> None:
    assert parse_pcs_order_file(encode(ROWS, newline)) == parse_pcs_order_file(encode(ROWS))


def test_blank_lines_and_no_final_line_break() -> None:
    lines = [""] + ROWS[:4] + ["", "   "] + ROWS[4:] + ["", "\x1a"]
    data = encode(lines).rstrip(b"\r\n")
    result = parse_pcs_order_file(data)
    assert result.problems == []
    assert [r.code for r in result.codes] == VALID
    assert result.codes[0].line == 3  # line numbers count the blank lines


def test_cp1252_and_utf8_bytes() -> None:
    line = row(2, "0DTJ4ZZ", "1", "Remove appendix X laparoscopic", "Removal of the appendix X laparoscope")
    cp1252 = line.encode("ascii").replace(b"X", b"\x96")
    result = parse_pcs_order_file(cp1252 + b"\r\n" + b"00099 0FT44ZZ 1 Odd \x81 byte")
    assert result.problems == []
    first = result.records[0]
    assert first.short_description == "Remove appendix \u2013 laparoscopic"
    assert first.long_description == "Removal of the appendix \u2013 laparoscope"
    assert result.records[1].short_description == "Odd \ufffd byte"
    utf8 = b"\xef\xbb\xbf" + line.replace("X", "\u2013").encode("utf-8")
    from_utf8 = parse_pcs_order_file(utf8).records[0]
    assert from_utf8.long_description == "Removal of the appendix \u2013 laparoscope"


def test_lines_cut_short() -> None:
    lines = [
        "00001 0DTJ4ZZ 1",  # nothing after the flag
        "00002 0FT44ZZ 1 Remove gallbladder",  # short description only
    ]
    result = parse_pcs_order_file(encode(lines))
    assert result.problems == []
    assert [(r.code, r.valid, r.short_description, r.long_description) for r in result.records] == [
        ("0DTJ4ZZ", True, "", ""),
        ("0FT44ZZ", True, "Remove gallbladder", "Remove gallbladder"),
    ]


def test_problems_with_line_numbers() -> None:
    lines = [
        "ICD-10-PCS order file, for testing",  # 1: not a row
        ROWS[1],  # 2
        row(3, "0FT44Z", "1", "Six characters flagged valid"),  # 3: kept as a header
        row(4, "0FT4IZZ", "1", "Letter I is not in the PCS alphabet"),  # 4: kept as a header
        row(5, "0DTJ4ZZ", "1", "Repeated code"),  # 5: ignored
        "00006 0D-J4ZZ 1 Bad character",  # 6: not a code
        "00007 0DTJ4ZZ 2 Unknown flag",  # 7: not a row
    ]
    result = parse_pcs_order_file(encode(lines))
    assert [p.line for p in result.problems] == [1, 3, 4, 5, 6, 7]
    assert "line 3:" in str(result.problems[1])
    assert [r.code for r in result.codes] == ["0DTJ4ZZ"]
    assert [(r.code, r.valid) for r in result.headers] == [("0FT44Z", False), ("0FT4IZZ", False)]


def test_lower_case_code_is_upper_cased() -> None:
    result = parse_pcs_order_file(encode([row(1, "0ft44zz", "1", "Remove gallbladder")]))
    assert [r.code for r in result.codes] == ["0FT44ZZ"]


def test_nothing_to_parse_never_raises() -> None:
    assert parse_pcs_order_file(b"") == PcsParseResult()
    assert parse_pcs_order_file(b"\r\n\n").records == []
    noise = parse_pcs_order_file(bytes(range(256)) * 20)
    assert noise.records == [] and noise.problems
