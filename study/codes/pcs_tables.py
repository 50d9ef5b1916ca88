"""ICD-10-PCS tables as the code book prints them (pure).

A PCS table is named by a code's first three characters (section, body system, root operation:
``0DT``). Each of its rows lists the values of positions 4-7 (body part, approach, device,
qualifier) whose every combination is a valid code. ``rows_from_codes`` rebuilds such rows from a
list of valid codes (an exact cover: every code of the table is in exactly one row, no row makes
a code that is not valid); ``Builder`` answers what a learner building a code by choosing values
sees: the code so far, whether it is valid, and which values each later position still allows;
``suggest`` picks the valid codes nearest to a code that does not exist (same table, the row
sharing the most leading values).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["PcsRow", "Choices", "rows_from_codes", "row_codes", "suggest", "choices", "axis_names", "BUILD_POSITIONS", "AXIS_NAMES"]

#: positions 4-7 (1-based), the ones a table row lists
BUILD_POSITIONS: tuple[int, ...] = (4, 5, 6, 7)

#: what each position means in most sections (the medical and surgical names); a section's own
#: axis names, when they differ, come with the loaded tables
AXIS_NAMES: dict[int, str] = {1: "Section", 2: "Body System", 3: "Operation", 4: "Body Part", 5: "Approach", 6: "Device", 7: "Qualifier"}

#: positions 4-7 in the sections whose axes are named otherwise
_SECTION_AXES: dict[str, tuple[str, str, str, str]] = {
    "2": ("Body Region", "Approach", "Device", "Qualifier"),
    "3": ("Body System / Region", "Approach", "Substance", "Qualifier"),
    "4": ("Body System", "Approach", "Function / Device", "Qualifier"),
    "5": ("Body System", "Duration", "Function", "Qualifier"),
    "6": ("Body System", "Duration", "Qualifier", "Qualifier"),
    "7": ("Body Region", "Approach", "Method", "Qualifier"),
    "8": ("Body Region", "Approach", "Method", "Qualifier"),
    "9": ("Body Region", "Approach", "Method", "Qualifier"),
    "B": ("Body Part", "Contrast", "Qualifier", "Qualifier"),
    "C": ("Body Part", "Radionuclide", "Qualifier", "Qualifier"),
    "D": ("Treatment Site", "Modality Qualifier", "Isotope", "Qualifier"),
    "F": ("Body System / Region", "Type Qualifier", "Equipment", "Qualifier"),
    "G": ("Qualifier", "Qualifier", "Qualifier", "Qualifier"),
    "H": ("Qualifier", "Qualifier", "Qualifier", "Qualifier"),
    "X": ("Body Part", "Approach", "Device / Substance / Technology", "Qualifier"),
}


def axis_names(section: str) -> dict[int, str]:
    """What positions 4-7 mean in a section ("B": 5 is the contrast)."""
    names = _SECTION_AXES.get(section)
    return dict(zip(BUILD_POSITIONS, names, strict=True)) if names else {p: AXIS_NAMES[p] for p in BUILD_POSITIONS}


@dataclass(frozen=True)
class PcsRow:
    """One row of a table: the values allowed at positions 4, 5, 6 and 7 (each a string of value
    characters in PCS order, "0123")."""

    body_parts: str
    approaches: str
    devices: str
    qualifiers: str

    @property
    def axes(self) -> tuple[str, str, str, str]:
        return (self.body_parts, self.approaches, self.devices, self.qualifiers)

    def __contains__(self, tail: object) -> bool:
        """``"J4ZZ" in row``: the four characters after the table are a code of this row."""
        return isinstance(tail, str) and len(tail) == 4 and all(c in axis for c, axis in zip(tail, self.axes, strict=True))


def _sorted(values: Iterable[str]) -> str:
    return "".join(sorted(set(values)))


def _grouped(strings: Iterable[str]) -> dict[frozenset[str], list[str]]:
    """First characters grouped by the set of what follows them: {"J0", "J4", "K0", "K4", "L0"}
    gives {{"0", "4"}: ["J", "K"], {"0"}: ["L"]}."""
    following: dict[str, set[str]] = defaultdict(set)
    for s in strings:
        following[s[0]].add(s[1:])
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for first, rest in following.items():
        groups[frozenset(rest)].append(first)
    return groups


def rows_from_codes(tails: Iterable[str]) -> list[PcsRow]:
    """Rows covering exactly the given 4-character tails (positions 4-7) of one table's codes.

    Body parts with the same set of (approach, device, qualifier) combinations share rows; within
    them, approaches with the same (device, qualifier) set, then devices with the same qualifiers.
    """
    rows: list[PcsRow] = []
    for rests, bodies in _grouped(tails).items():
        for pairs, approaches in _grouped(rests).items():
            for qualifiers, devices in _grouped(pairs).items():
                rows.append(PcsRow(_sorted(bodies), _sorted(approaches), _sorted(devices), _sorted(qualifiers)))
    rows.sort(key=lambda r: r.axes)
    return rows


def row_codes(table: str, row: PcsRow) -> list[str]:
    """Every code of a row, in PCS order."""
    return [table + b + a + d + q for b in row.body_parts for a in row.approaches for d in row.devices for q in row.qualifiers]


def _shared_lead(tail: str, row: PcsRow) -> int:
    """How many leading positions (from 4) of ``tail`` the row allows."""
    count = 0
    for char, axis in zip(tail, row.axes, strict=False):
        if char not in axis:
            break
        count += 1
    return count


def suggest(code: str, rows: Sequence[PcsRow], limit: int = 5) -> list[str]:
    """Valid codes of the same table nearest to ``code``: from the row that allows the most of
    its leading values (4, then 5, ...), codes keeping those values first, then the fewest
    characters changed. Empty when the table has no rows."""
    table, tail = code[:3], code[3:7]
    if not rows:
        return []
    best = max(_shared_lead(tail, row) for row in rows)
    candidates: list[tuple[tuple[bool, ...], str]] = []
    for row in rows:
        if _shared_lead(tail, row) != best:
            continue
        for candidate in row_codes(table, row):
            # keeping an earlier value counts for more than keeping any later ones
            changed = tuple(a != b for a, b in zip(candidate[3:], tail.ljust(4), strict=True))
            candidates.append((changed, candidate))
    candidates.sort()
    return [c for _, c in candidates[:limit]]


@dataclass(frozen=True)
class Choices:
    """What a learner who chose ``chosen`` (position -> value) may still choose: for each of
    positions 4-7 the values that, with the other choices, still make a valid code."""

    chosen: dict[int, str]
    allowed: dict[int, str]
    code: str | None  # the 7 characters when all four positions are chosen
    valid: bool


def choices(table: str, rows: Sequence[PcsRow], chosen: dict[int, str]) -> Choices:
    """The values each position allows given the other positions' choices (a value chosen at a
    position does not narrow that position itself, so a learner can change it)."""
    picked = {p: v for p, v in chosen.items() if p in BUILD_POSITIONS and v}
    allowed: dict[int, str] = {}
    for position in BUILD_POSITIONS:
        index = position - 4
        values: set[str] = set()
        for row in rows:
            axes = row.axes
            if all(v in axes[p - 4] for p, v in picked.items() if p != position):
                values.update(axes[index])
        allowed[position] = _sorted(values)
    code = None
    valid = False
    if all(p in picked for p in BUILD_POSITIONS):
        code = table + "".join(picked[p] for p in BUILD_POSITIONS)
        valid = any(code[3:] in row for row in rows)
    return Choices(picked, allowed, code, valid)
