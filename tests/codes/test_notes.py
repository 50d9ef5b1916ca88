"""The codes printed in tabular notes, for the code book's links (study.codes.notes). Pure."""

import pytest

from study.codes.notes import note_parts


@pytest.mark.parametrize(
    ("note", "codes"),
    [
        ("burns and corrosions (T20-T32)", ["T20", "T32"]),
        ("snake bite (T63.0-)", ["T63.0"]),
        ("traumatic amputation of hip and thigh (S78.-)", ["S78"]),
        ("code to identify stage (N18.1-N18.6)", ["N18.1", "N18.6"]),
        ("hemoglobin A1C above normal (R73.09)", ["R73.09"]),  # A1C is outside the parentheses
        ("diabetes NOS", []),
        ("(E08-E13 with .51-.52)", ["E08", "E13"]),
        ("", []),
    ],
)
def test_note_parts(note, codes):
    parts = note_parts(note)
    assert "".join(text for text, _ in parts) == note
    assert [code for _, code in parts if code] == codes
