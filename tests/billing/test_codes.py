"""The CARC and RARC lists: the codes the exercises need, in the project's own words, source named."""

from __future__ import annotations

from importlib import resources

import pytest

from study.billing.codes import GROUPS, carc, parse_code_yaml, rarc


def test_the_lists_carry_the_commonest_codes() -> None:
    assert {"1", "2", "3", "45", "50", "97", "253"} <= set(carc())  # every code used: tests/billing/test_code_lists.py
    assert {"M15", "N20", "MA130"} <= set(rarc())


@pytest.mark.parametrize("name", ["carc.yaml", "rarc.yaml"])
def test_each_file_names_its_source_and_says_it_lists_only_the_codes_used(name: str) -> None:
    text = resources.files("study.billing").joinpath("data", name).read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "x12.org" in header and "X12" in header
    assert "Only the codes" in header and "own" in header


def test_descriptions_are_short_plain_lines() -> None:
    for code, text in {**carc(), **rarc()}.items():
        assert text and len(text) < 90, code
        assert "\n" not in text


def test_a_few_meanings() -> None:
    assert "deductible" in carc()["1"].lower()
    assert "fee schedule" in carc()["45"].lower()
    assert "sequestration" in carc()["253"].lower()
    assert "authorization" in carc()["197"].lower()
    assert "recovery audit" in rarc()["N432"].lower()


def test_groups() -> None:
    assert dict(GROUPS) == {
        "CO": "contractual obligation",
        "PR": "patient responsibility",
        "OA": "other adjustment",
        "PI": "payer-initiated reduction",
    }


def test_each_call_returns_a_fresh_dict() -> None:
    first = carc()
    first["1"] = "changed"
    assert carc()["1"] != "changed"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("[1, 2]", "mapping"), ('"1": ""', "non-empty"), ('"1-2": x', "not a code"), ("yes: x", "quote"), ("a: [b", "YAML")],
)
def test_a_broken_list_is_refused_naming_the_entry(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_code_yaml(text, "CARC")


def test_an_unquoted_number_key_is_read_as_text() -> None:
    assert parse_code_yaml("45: over the fee schedule\nn4: x", "CARC") == {"45": "over the fee schedule", "N4": "x"}
