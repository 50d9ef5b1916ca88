"""Tests for ``study.codes.loaders``: the project's own modifier list."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.codes.loaders import MAX_DESCRIPTION_LENGTH, load_modifier_list, parse_modifier_yaml
from study.codes.normalize import is_modifier_shape

HCPCS_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hcpcs" / "HCPC2020_ANWEB_w_disclaimer.txt"

CPT_MODIFIERS = ("22 24 25 26 27 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 80 81 82 90 91 92 93 95 96 97 99").split()
HCPCS_MODIFIERS = (
    "AS LT RT E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 "
    "LC LD LM RC RI XE XP XS XU GA GX GY GZ GC GW GV KX JW JZ QW TC QK QX QY QZ AA AD QS G8 G9 "
    "P1 P2 P3 P4 P5 P6 PT Q5 Q6 CR FX FY SA SB AI NU RR"
).split()
#: Added to HCPCS after the 2020 file (JZ: July 2022).
NEWER_THAN_2020 = {"JZ"}


def test_the_list_holds_exactly_the_chosen_modifiers() -> None:
    modifiers = load_modifier_list()
    assert sorted(modifiers) == sorted(CPT_MODIFIERS + HCPCS_MODIFIERS)
    assert len(modifiers) == 111
    # retired or uncertain ones are left out on purpose
    assert not {"GT", "JG", "UA"} & set(modifiers)


def test_every_entry_is_a_short_single_line() -> None:
    for code, description in load_modifier_list().items():
        assert is_modifier_shape(code), code
        assert code == code.upper()
        assert description == description.strip() and "\n" not in description, code
        assert 5 <= len(description) < MAX_DESCRIPTION_LENGTH, code


def test_known_entries() -> None:
    modifiers = load_modifier_list()
    assert "same day" in modifiers["25"]
    assert modifiers["RT"] == "Right side of the body"
    assert modifiers["LT"] == "Left side of the body"
    assert "discarded" in modifiers["JW"]
    assert "Coronary artery" in modifiers["LD"]  # a value with a colon survives YAML


def test_each_call_returns_a_fresh_dict() -> None:
    first = load_modifier_list()
    first["25"] = "changed"
    first["ZZ"] = "added"
    second = load_modifier_list()
    assert second["25"] != "changed" and "ZZ" not in second


def test_hcpcs_modifiers_exist_in_the_cms_file_with_our_own_wording() -> None:
    """Every Level II modifier of the list is in the CMS 2020 file (bar later additions), none is
    terminated there, and no description is a copy of CMS's short or long text."""
    if not HCPCS_FILE.is_file():
        pytest.skip(f"the CMS HCPCS test data is not here ({HCPCS_FILE}); a plain clone has no ../shared")
    from study.codes.hcpcs_file import parse_hcpcs_file

    cms = {r.code: r for r in parse_hcpcs_file(HCPCS_FILE.read_bytes()).modifiers}
    ours = load_modifier_list()
    for code in HCPCS_MODIFIERS:
        if code in NEWER_THAN_2020:
            assert code not in cms
            continue
        assert code in cms, code
        assert cms[code].termination_date is None, code
        texts = {cms[code].short_description.lower(), cms[code].long_description.lower()}
        assert ours[code].lower() not in texts, code
    # the CPT modifiers are not in a CMS Level II file at all
    assert not set(CPT_MODIFIERS) & set(cms)


def test_parse_accepts_unquoted_numbers_and_normalizes_text() -> None:
    parsed = parse_modifier_yaml('25: "  Separate   visit "\nrt: Right side\n5: Odd\n')
    assert parsed == {"25": "Separate visit", "RT": "Right side", "05": "Odd"}
    assert parse_modifier_yaml("") == {}
    assert parse_modifier_yaml("# only a comment\n") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 25\n- RT\n", "mapping"),
        ("25: [not, text]\n", "non-empty string"),
        ("25: ''\n", "non-empty string"),
        ("ABC: Too long a code\n", "two letters or digits"),
        ("Y: Yes\n", "two letters or digits"),
        ("yes: A boolean key\n", "boolean"),
        ('"25": First\n"25": Second\n', "twice"),
        ('25: First\n"25": Second\n', "twice"),
        (f"RT: {'x' * MAX_DESCRIPTION_LENGTH}\n", "longer than"),
        ("RT: [unclosed\n", "not valid YAML"),
    ],
)
def test_parse_rejects_a_broken_file(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_modifier_yaml(text)
