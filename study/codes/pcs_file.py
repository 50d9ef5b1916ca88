"""Parser for the CMS ICD-10-PCS "order" file (``icd10pcs_order_<yyyy>.txt``; pure).

Every line is one table header or one code, in the order of the tables (1-based, inclusive):

========  =====================================================================
1-5       order number (digits, zero-padded)
6         blank
7-13      code, left-justified and padded with blanks (3 characters for a table header)
14        blank
15        header flag: ``0`` header (not valid for reporting), ``1`` valid code
16        blank
17-76     short description (60 characters)
77        blank
78-       long description (to the end of the line)
========  =====================================================================

Only a 7-character code flagged ``1`` is a reportable code (``PcsRecord.valid``). Header rows
are returned too, with ``valid=False``.

Accepted without complaint: CRLF/LF/CR line endings, cp1252 bytes (or UTF-8, see
``decode_cms_text``), blank lines, lines cut short after the code or inside the short description
(a missing long description falls back to the short one). Anything else becomes a
``PcsProblem`` (line number + message); ``parse_pcs_order_file`` never raises on bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.codes.hcpcs_file import decode_cms_text, split_lines
from study.codes.normalize import is_pcs_shape

__all__ = ["PcsProblem", "PcsRecord", "PcsParseResult", "parse_pcs_order_file"]

#: The fixed part of a line: order number, code, flag (0-based columns 0-15).
_HEAD_RE = re.compile(r"^([0-9]{5}) ([0-9A-Za-z ]{7}) ([01])(?: |$)", re.ASCII)
_CODE_RE = re.compile(r"[0-9A-Z]{1,7}", re.ASCII)
_SHORT = slice(16, 76)
_LONG_START = 77
_BLANK_CHARS = " \t\x00\x1a\ufeff"


@dataclass(frozen=True)
class PcsProblem:
    """A line the parser could not use (``line`` is 1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class PcsRecord:
    """One row of the order file: a reportable code (``valid``) or a table header."""

    code: str
    valid: bool
    short_description: str
    long_description: str
    #: The order number CMS gives the row (its position in the tabular order).
    order: int = 0
    line: int = 0


@dataclass(frozen=True)
class PcsParseResult:
    """The rows in file order, and the lines that could not be used."""

    records: list[PcsRecord] = field(default_factory=list)
    problems: list[PcsProblem] = field(default_factory=list)

    @property
    def codes(self) -> list[PcsRecord]:
        """Only the reportable 7-character codes."""
        return [r for r in self.records if r.valid]

    @property
    def headers(self) -> list[PcsRecord]:
        """Only the header rows."""
        return [r for r in self.records if not r.valid]


def _is_blank(line: str) -> bool:
    return not line.strip(_BLANK_CHARS)


def parse_pcs_order_file(data: bytes) -> PcsParseResult:
    """Parse a CMS ICD-10-PCS order file. Never raises on bad input.

    Problems: a line without the order number / code / flag columns, a code with characters
    outside ``0-9A-Z``, a row flagged valid whose code is not 7 characters of the PCS alphabet
    (kept as a header, ``valid=False``), and a code repeated (the first row is kept).
    """
    records: list[PcsRecord] = []
    problems: list[PcsProblem] = []
    seen: dict[str, int] = {}
    lines = split_lines(decode_cms_text(bytes(data)))
    for index, raw in enumerate(lines):
        line_no = index + 1
        line = raw.rstrip(_BLANK_CHARS)
        if index == 0:
            line = line.lstrip("\ufeff")
        if _is_blank(line):
            continue
        head = _HEAD_RE.match(line)
        if head is None:
            text = line.strip()[:60]
            problems.append(PcsProblem(line_no, f"not an ICD-10-PCS order line: {text!r}"))
            continue
        order_text, code_field, flag = head.groups()
        code = code_field.strip().upper()
        if _CODE_RE.fullmatch(code) is None:
            problems.append(PcsProblem(line_no, f"{code_field!r} is not a code"))
            continue
        valid = flag == "1"
        if valid and not is_pcs_shape(code):
            problems.append(
                PcsProblem(
                    line_no,
                    f"{code} is flagged as a valid code but is not 7 characters of the PCS "
                    "alphabet; kept as a header",
                )
            )
            valid = False
        short = line[_SHORT].strip()
        long = line[_LONG_START:].strip() or short
        if code in seen:
            message = f"{code} is repeated (first on line {seen[code]}); ignored"
            problems.append(PcsProblem(line_no, message))
            continue
        seen[code] = line_no
        records.append(
            PcsRecord(
                code=code,
                valid=valid,
                short_description=short,
                long_description=long,
                order=int(order_text),
                line=line_no,
            )
        )
    return PcsParseResult(records=records, problems=problems)
