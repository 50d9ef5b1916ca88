"""Warnings for text that looks like real patient identifiers (case documentation must be
de-identified). PURE: no flask, no database.

``find_identifiers(text)`` returns one ``Finding`` per suspicious span: SSN-like numbers
(ddd-dd-dddd), telephone numbers, e-mail addresses, MRN-like numbers ("MRN" followed by digits, or a
6+ digit number near "record"/"account"/"chart"), and full dates of birth ("DOB" followed by a full
date, or a full date with a year 1900-2026 near "born"/"DOB"/"birth"). Codes (E11.22, 99214,
0DTJ4ZZ), doses and vitals are not flagged: they are short, or lack the context words.
These are warnings for the author, never errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str  # "ssn" | "phone" | "email" | "mrn" | "dob"
    text: str
    start: int
    end: int

    @property
    def message(self) -> str:
        return f"{LABELS[self.kind]}: '{self.text}'. Replace it with a made-up or generic value."


LABELS = {
    "ssn": "Looks like a Social Security number",
    "phone": "Looks like a telephone number",
    "email": "Looks like an e-mail address",
    "mrn": "Looks like a medical record or account number",
    "dob": "Looks like a full date of birth",
}

_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
# (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567
_PHONE = re.compile(
    r"(?<![\w.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_MRN = re.compile(r"\b(?:MRN|M\.R\.N\.|medical record (?:number|no\.?|#))\s*[:#]?\s*([A-Z]{0,3}\d{4,})", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<![\w.-])[A-Z]{0,3}\d{6,}(?![\w.])")
_RECORD_WORDS = re.compile(r"\b(?:record|account|acct|chart|patient id|member id|policy)\b", re.IGNORECASE)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19\d{2}|20[01]\d|202[0-6])"
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]" + _YEAR + r"|" + _YEAR + r"-\d{1,2}-\d{1,2}"
    r"|" + _MONTHS + r"\s+\d{1,2},?\s+" + _YEAR + r"|\d{1,2}\s+" + _MONTHS + r",?\s+" + _YEAR + r")\b",
    re.IGNORECASE,
)
_DOB_WORDS = re.compile(r"\b(?:DOB|D\.O\.B\.?|date of birth|born|birth ?date)\b", re.IGNORECASE)
_NEAR = 40  # characters either side that count as "near"


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return bool(pattern.search(text[max(0, start - _NEAR) : end + _NEAR]))


def find_identifiers(text: str | None) -> list[Finding]:
    """Every span of `text` that looks like a real identifier, in text order, without overlaps."""
    if not text:
        return []
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(f.start < end and start < f.end for f in found):
            return
        found.append(Finding(kind, text[start:end], start, end))

    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _SSN.finditer(text):
        add("ssn", m.start(), m.end())
    for m in _DATE.finditer(text):
        if _near(_DOB_WORDS, text, m.start(), m.end()):
            add("dob", m.start(), m.end())
    for m in _PHONE.finditer(text):
        add("phone", m.start(), m.end())
    for m in _MRN.finditer(text):
        add("mrn", m.start(1), m.end(1))
    for m in _LONG_NUMBER.finditer(text):
        if _near(_RECORD_WORDS, text, m.start(), m.end()):
            add("mrn", m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


def warnings_for(text: str | None) -> list[str]:
    """The findings as messages for the author."""
    return [f.message for f in find_identifiers(text)]
