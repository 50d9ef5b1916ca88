"""Parser for the CMS HCPCS Level II "alpha-numeric" fixed-width file (pure: bytes in, records out).

CMS publishes HCPCS Level II every year as ``HCPC<yyyy>_..._ANWEB_....txt``: one 320-character
record per line. A code or modifier starts with a *first line* and may go on over
*continuation lines* that carry nothing but the next 80 characters of the long description.

Layout used here (1-based, inclusive; the CMS "RIF report" record layout, checked against the
2020 release in ``../shared/data/hcpcs``):

=========  ==========================================================================
1-5        HCPCS code (a modifier sits in 4-5, with 1-3 blank)
6-10       sequence number (00100, 00200, ... within one code)
11         record identification: 3 code first line, 4 code continuation,
           7 modifier first line, 8 modifier continuation
12-91      long description (80 characters; continued on the 4/8 lines)
92-119     short description (28 characters; first lines only)
269-276    code added date (YYYYMMDD)
277-284    action effective date (YYYYMMDD)
285-292    termination date (YYYYMMDD; blank while the code is active)
293        action code (A add, B, C, D discontinued, F, N no maintenance, P, R, S, T)
=========  ==========================================================================

Variations the parser accepts without complaint:

- a disclaimer or any other preamble before the first line that looks like a record;
- cp1252 bytes (the 2020 file has a 0x92 quote in its disclaimer); bytes cp1252 leaves
  undefined become U+FFFD. A file that is valid UTF-8 (for example re-saved by an editor, with
  or without a BOM) is read as UTF-8 so that a non-ASCII character stays one column wide;
- CRLF, LF or CR line endings, and blank lines anywhere after the preamble (trailing ones too);
- lines shorter than 320 characters (continuation lines are trimmed to 91 in the 2020 file,
  padded to 320 in later ones): every line is padded with blanks before it is sliced;
- blank dates (``None``).

Anything else that cannot be understood becomes a ``HcpcsProblem`` (line number + message);
``parse_hcpcs_file`` never raises on bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from study.codes.normalize import normalize_hcpcs, normalize_modifier

__all__ = [
    "RECORD_LENGTH",
    "HcpcsProblem",
    "HcpcsRecord",
    "HcpcsParseResult",
    "decode_cms_text",
    "parse_hcpcs_file",
    "split_lines",
]

#: Width of one CMS record; shorter lines are padded to it before slicing.
RECORD_LENGTH = 320

Kind = Literal["code", "modifier"]

# 0-based slices of the fields (the module docstring gives them 1-based).
_CODE = slice(0, 5)
_SEQUENCE = slice(5, 10)
_RECORD_ID = 10
_LONG = slice(11, 91)
_SHORT = slice(91, 119)
_ADDED = slice(268, 276)
_EFFECTIVE = slice(276, 284)
_TERMINATION = slice(284, 292)
_ACTION = 292

#: Record identification code -> (kind, is the first line of its code).
_RECORD_IDS: dict[str, tuple[Kind, bool]] = {
    "3": ("code", True),
    "4": ("code", False),
    "7": ("modifier", True),
    "8": ("modifier", False),
}

#: Shape of a line that is a record: anything in 1-5, digits in 6-10, 3/4/7/8 in 11.
_RECORD_RE = re.compile(r"^.{5}[0-9]{5}[3478]", re.ASCII)
_CODE_RE = re.compile(r"[A-Z0-9]{5}", re.ASCII)
_MODIFIER_RE = re.compile(r"[A-Z0-9]{2}", re.ASCII)
_LINE_BREAK_RE = re.compile(r"\r\n|\n|\r")
#: Characters that make a line count as blank (DOS end-of-file mark and NUL padding included).
_BLANK_CHARS = " \t\x00\x1a\ufeff"


@dataclass(frozen=True)
class HcpcsProblem:
    """A line the parser could not use.

    ``line`` is 1-based and counts every line of the file, the preamble included; 0 means the
    file as a whole.
    """

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class HcpcsRecord:
    """One HCPCS Level II code or modifier.

    ``kind`` is ``"code"`` (five characters, ``J1100``) or ``"modifier"`` (two, ``RT``).
    ``long_description`` is the first line's text and every continuation line's, each stripped
    and joined with a single space. ``effective_date`` is the *action* effective date (the date
    the latest change to the code took effect); ``termination_date`` is the last day the code may
    be used (``None`` while it is active). ``action_code`` is one letter, ``""`` when blank.
    ``line`` is the line number of the record's first line.
    """

    code: str
    kind: Kind
    long_description: str
    short_description: str
    effective_date: date | None
    added_date: date | None
    termination_date: date | None
    action_code: str
    line: int = 0

    def active_on(self, day: date) -> bool:
        """True when the code may be reported on ``day`` (not terminated before it).

        The termination date is the last day of use, so the code is still active on it.
        """
        return self.termination_date is None or day <= self.termination_date


@dataclass(frozen=True)
class HcpcsParseResult:
    """Everything ``parse_hcpcs_file`` understood, in file order, and what it could not."""

    records: list[HcpcsRecord] = field(default_factory=list)
    problems: list[HcpcsProblem] = field(default_factory=list)
    #: Number of lines skipped before the first record (the disclaimer).
    preamble_lines: int = 0

    @property
    def codes(self) -> list[HcpcsRecord]:
        """The procedure codes (``kind == "code"``)."""
        return [r for r in self.records if r.kind == "code"]

    @property
    def modifiers(self) -> list[HcpcsRecord]:
        """The modifiers (``kind == "modifier"``)."""
        return [r for r in self.records if r.kind == "modifier"]

    def by_code(self) -> dict[str, HcpcsRecord]:
        """``{code: record}``; codes and modifiers never collide (5 vs 2 characters)."""
        return {r.code: r for r in self.records}


def decode_cms_text(data: bytes) -> str:
    """Bytes of a CMS text file -> text. Never raises.

    UTF-8 (with or without a BOM) when the bytes are valid UTF-8, which includes plain ASCII;
    otherwise cp1252, the encoding CMS uses, with its five undefined bytes read as U+FFFD.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def split_lines(text: str) -> list[str]:
    """Split on CRLF, LF or a lone CR (nothing else: a form feed stays inside its line)."""
    lines = _LINE_BREAK_RE.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it does not start a new one
    return lines


def _is_blank(line: str) -> bool:
    return not line.strip(_BLANK_CHARS)


def _parse_date(raw: str, what: str, line_no: int, problems: list[HcpcsProblem]) -> date | None:
    """``"20200101"`` -> ``date(2020, 1, 1)``; blank or all zeros -> None; else a problem."""
    text = raw.strip()
    if not text or set(text) == {"0"}:
        return None
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    problems.append(HcpcsProblem(line_no, f"{what} {text!r} is not a date (YYYYMMDD); left blank"))
    return None


@dataclass
class _Builder:
    """A record being assembled from its first line and continuation lines."""

    code: str
    kind: Kind
    line: int
    pieces: list[str]
    short: str
    added: date | None
    effective: date | None
    termination: date | None
    action: str
    keep: bool = True  # False for a duplicate: its continuation lines are swallowed

    def build(self) -> HcpcsRecord:
        return HcpcsRecord(
            code=self.code,
            kind=self.kind,
            long_description=" ".join(p for p in self.pieces if p),
            short_description=self.short,
            effective_date=self.effective,
            added_date=self.added,
            termination_date=self.termination,
            action_code=self.action,
            line=self.line,
        )


def _record_code(raw: str, kind: Kind) -> str | None:
    """The code of a record line, or None when it has the wrong shape for its kind."""
    if kind == "code":
        code = normalize_hcpcs(raw)
        return code if _CODE_RE.fullmatch(code) else None
    code = normalize_modifier(raw)
    return code if _MODIFIER_RE.fullmatch(code) else None


def _looks_like_record(line: str) -> bool:
    """True for a line with a record's shape and a code of the right shape for its kind."""
    if _RECORD_RE.match(line) is None:
        return False
    kind, _first = _RECORD_IDS[line[_RECORD_ID]]
    return _record_code(line[_CODE], kind) is not None


def parse_hcpcs_file(data: bytes) -> HcpcsParseResult:
    """Parse a CMS HCPCS Level II alpha-numeric file. Never raises on bad input.

    Returns the codes and modifiers in file order and a problem for every line after the
    preamble that is neither blank nor a usable record line: a line that is not a record, a
    record whose code has the wrong shape, a continuation line without its first line, a second
    first line for a code already seen (the first one is kept), or a date that is not a date
    (left ``None``). A file without a single record line gets one problem on line 0 (the
    whole file).
    """
    lines = split_lines(decode_cms_text(bytes(data)))
    records: list[HcpcsRecord] = []
    problems: list[HcpcsProblem] = []
    seen: dict[tuple[Kind, str], int] = {}
    current: _Builder | None = None

    def finish() -> None:
        nonlocal current
        if current is not None and current.keep:
            records.append(current.build())
        current = None

    start = next((i for i, line in enumerate(lines) if _looks_like_record(line)), len(lines))
    for index in range(start, len(lines)):
        line_no = index + 1
        raw_line = lines[index]
        if _is_blank(raw_line):
            continue
        if _RECORD_RE.match(raw_line) is None:
            text = raw_line.strip()[:60]
            problems.append(HcpcsProblem(line_no, f"not an HCPCS record: {text!r}"))
            continue
        line = raw_line.ljust(RECORD_LENGTH)
        kind, is_first = _RECORD_IDS[line[_RECORD_ID]]
        code = _record_code(line[_CODE], kind)
        if code is None:
            message = f"{line[_CODE].strip()!r} is not a valid {kind} in a {kind} record"
            problems.append(HcpcsProblem(line_no, message))
            continue
        piece = line[_LONG].strip()

        if not is_first:
            if current is None or current.kind != kind or current.code != code:
                problems.append(
                    HcpcsProblem(
                        line_no,
                        f"continuation line for {kind} {code} does not follow its first line",
                    )
                )
                continue
            current.pieces.append(piece)
            continue

        finish()
        builder = _Builder(
            code=code,
            kind=kind,
            line=line_no,
            pieces=[piece],
            short=line[_SHORT].strip(),
            added=_parse_date(line[_ADDED], "code added date", line_no, problems),
            effective=_parse_date(line[_EFFECTIVE], "action effective date", line_no, problems),
            termination=_parse_date(line[_TERMINATION], "termination date", line_no, problems),
            action=line[_ACTION].strip(),
        )
        key = (kind, code)
        if key in seen:
            message = f"{kind} {code} is repeated (first on line {seen[key]}); ignored"
            problems.append(HcpcsProblem(line_no, message))
            builder.keep = False
        else:
            seen[key] = line_no
        current = builder
    finish()
    if start == len(lines) and not all(_is_blank(line) for line in lines):
        message = "no HCPCS record found: is this the CMS alpha-numeric file?"
        problems.append(HcpcsProblem(0, message))
    return HcpcsParseResult(records=records, problems=problems, preamble_lines=start)
