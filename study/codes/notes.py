"""The codes printed in a tabular note, for the code book to link them (pure: no Flask, no database).

The tabular list prints the codes a note refers to in parentheses: "traumatic amputation of hip and
thigh (S78.-)", "burns and corrosions (T20-T32)", "snake bite (T63.0-)". Words outside parentheses
("hemoglobin A1C") are never taken for codes.
"""
from __future__ import annotations

import re

__all__ = ["note_parts"]

_PAREN = re.compile(r"\([^()]*\)")
_CODE_TOKEN = re.compile(r"(?<![0-9A-Za-z.])[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?(?![0-9A-Za-z])", re.ASCII)


def note_parts(text: str) -> list[tuple[str, str | None]]:
    """The note as pieces of text, each with the code it names (None for plain text), in order.

    ``"snake bite (T63.0-)"`` -> ``[("snake bite (", None), ("T63.0", "T63.0"), ("-)", None)]``.
    Joined, the pieces are the note unchanged.
    """
    parts: list[tuple[str, str | None]] = []
    done = 0
    for group in _PAREN.finditer(text):
        for token in _CODE_TOKEN.finditer(text, group.start(), group.end()):
            if token.start() > done:
                parts.append((text[done : token.start()], None))
            parts.append((token.group(), token.group()))
            done = token.end()
    if done < len(text) or not parts:
        parts.append((text[done:], None))
    return parts
