"""What exactly differs between a submitted code and the key's code of the same family (pure).

A partial match (the same ICD-10-CM category, or the same first four ICD-10-PCS characters) is
explained from the code set itself: which characters differ, what the axis is (the 7th character,
laterality, an unspecified code; a PCS approach or device), and what each code says there. The
words come from the two codes' descriptions: the words they do not share are what the differing
characters mean ("D ... subsequent encounter for closed fracture with routine healing" against
"A ... initial encounter for closed fracture").
"""

from __future__ import annotations

import re

# ICD-10-PCS section 0 (Medical and Surgical) and most other sections: the meaning of each place
PCS_AXES = ("section", "body system", "root operation", "body part", "approach", "device", "qualifier")
_SIDES = {"right", "left", "bilateral", "unspecified"}


def _characters(code: str) -> str:
    return code.replace(".", "").strip().upper()


def differing_positions(submitted: str, key: str) -> list[int]:
    """The 1-based character positions where two codes differ (a longer code's extra places too)."""
    a, b = _characters(submitted), _characters(key)
    return [i + 1 for i in range(max(len(a), len(b))) if (a[i : i + 1] or None) != (b[i : i + 1] or None)]


def _words(text: str) -> list[str]:
    return text.replace(",", " ,").split()


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" ,", ",").strip(" ,")


def _shared_words(a: list[str], b: list[str]) -> int:
    """How many words two word lists start with alike (case aside)."""
    n = 0
    while n < min(len(a), len(b)) and a[n].lower() == b[n].lower():
        n += 1
    return n


def description_difference(submitted: str, key: str) -> tuple[str, str]:
    """The part of each description between the words both start with and the words both end with:
    ("left", "right"), ("stage 3 unspecified", "stage 3a"), ("" , "Cemented"). A part that starts
    with a number takes the word before it too ("stage 3a", not "3a")."""
    a, b = _words(submitted), _words(key)
    p = _shared_words(a, b)
    q = min(_shared_words(a[::-1], b[::-1]), min(len(a), len(b)) - p)  # the shared ending, not overlapping
    ours, theirs = a[p : len(a) - q], b[p : len(b) - q]
    if not ours and not theirs:
        return "", ""
    first = (ours or theirs)[0]
    if p > 0 and first[:1].isdigit() and a[p - 1] != ",":
        ours, theirs = [a[p - 1], *ours], [b[p - 1], *theirs]
    return _join(ours), _join(theirs)


def last_clause_difference(submitted: str, key: str) -> tuple[str, str]:
    """Each description from the start of the clause where they part to the end: what a 7th
    character adds ("subsequent encounter", not "subsequent")."""
    a, b = _words(submitted), _words(key)
    p = _shared_words(a, b)
    while p > 0 and a[p - 1] != ",":
        p -= 1
    return _join(a[p:]), _join(b[p:])


# the measure one unit of a drug or supply code stands for, as its descriptor writes it
_DOSE = re.compile(r"\b(?:per\s+)?(\d[\d.,]*\s?(?:mg|mcg|g|ml|cc|units?|iu|sq cm|cm))\b", re.IGNORECASE)


def unit_basis(code: str, description: str) -> str:
    """What one unit of a code is, where its descriptor says ("5mg", "per 1 mg"); "" otherwise."""
    dose = _DOSE.search(description or "")
    if dose is None:
        return ""
    return f"One unit of {code} is {dose.group(1)} ({description}): count the units from the dose given."


def _quote(words: str) -> str:
    return f"“{words}”" if words else "nothing more"


def explain_icd10cm(submitted: str, key: str, submitted_description: str, key_description: str) -> str:
    """One sentence on how a same-category ICD-10-CM code differs from the key's ("" if it cannot
    be said from the descriptions)."""
    positions = differing_positions(submitted, key)
    ours, theirs = description_difference(submitted_description, key_description)
    if not positions or not (ours or theirs):
        return ""
    a, b = _characters(submitted), _characters(key)
    if positions == [7] and len(a) == len(b) == 7:
        ours, theirs = last_clause_difference(submitted_description, key_description)
        return f"Right code, wrong 7th character: {a[6]} is {_quote(ours)}; the key's {b[6]} is {_quote(theirs)}."
    place = positions[0]
    character = f"character {place}" if len(positions) == 1 else "characters " + ", ".join(str(p) for p in positions)
    if {w.lower() for w in ours.split()} & _SIDES and {w.lower() for w in theirs.split()} & _SIDES and len(positions) == 1:
        mine, keys = a[place - 1 : place] or "-", b[place - 1 : place] or "-"
        return f"Laterality ({character}): {mine} is {_quote(ours)}; the key's {keys} is {_quote(theirs)}."
    if "unspecified" in ours.lower() and "unspecified" not in theirs.lower():
        return f"Specificity ({character}): {submitted} is unspecified ({_quote(ours)}); the documentation supports {_quote(theirs)}."
    return f"They differ at {character}: {submitted} says {_quote(ours)}; the key's code says {_quote(theirs)}."


def explain_pcs(submitted: str, key: str, submitted_description: str, key_description: str) -> str:
    """One sentence naming each PCS axis that differs, with both values and their meanings ("" if
    the codes are not comparable)."""
    a, b = _characters(submitted), _characters(key)
    if len(a) != 7 or len(b) != 7:
        return ""
    positions = differing_positions(a, b)
    if not positions:
        return ""
    ours, theirs = description_difference(submitted_description, key_description)
    axes = ", ".join(f"{PCS_AXES[p - 1]} {a[p - 1]} vs the key's {b[p - 1]}" for p in positions)
    if ours or theirs:
        return f"Different {axes}: {submitted} says {_quote(ours)}; the key's code says {_quote(theirs)}."
    return f"Different {axes}."


__all__ = [
    "PCS_AXES",
    "description_difference",
    "differing_positions",
    "explain_icd10cm",
    "explain_pcs",
    "last_clause_difference",
    "unit_basis",
]
