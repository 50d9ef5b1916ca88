"""NPI check digits (Luhn with the 80840 prefix) and CodePrep's fictional NPIs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.billing import npi


def test_the_cms_example_npi_is_valid() -> None:
    assert npi.check_digit("123456789") == "3"
    assert npi.is_valid("1234567893")
    assert not npi.is_fictional("1234567893")


@pytest.mark.parametrize("bad", ["1234567890", "123456789", "12345678931", "12345 67893", "123456789X", "", "１２３４５６７８９３"])
def test_invalid_npis(bad: str) -> None:
    assert not npi.is_valid(bad)


def test_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError):
        npi.check_digit("12345678")
    with pytest.raises(ValueError):
        npi.check_digit("12345678a")


def test_a_fictional_npi_starts_with_9_and_is_stable() -> None:
    assert npi.make_fictional(7) == npi.make_fictional(7)
    assert npi.make_fictional(7).startswith("9")
    assert npi.is_fictional(npi.make_fictional(7))


@given(st.integers())
def test_every_fictional_npi_is_valid(seed: int) -> None:
    value = npi.make_fictional(seed)
    assert len(value) == 10 and npi.is_valid(value) and npi.is_fictional(value)


@given(st.integers(), st.integers(0, 9), st.integers(1, 9))
def test_changing_one_digit_makes_it_invalid(seed: int, position: int, shift: int) -> None:
    value = npi.make_fictional(seed)
    digit = (int(value[position]) + shift) % 10
    changed = value[:position] + str(digit) + value[position + 1 :]
    assert not npi.is_valid(changed)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_check_digit_completes_any_nine_digits(first9: str) -> None:
    assert npi.is_valid(first9 + npi.check_digit(first9))
