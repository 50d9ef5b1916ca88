"""National Provider Identifier (NPI) check digits.

An NPI is 10 digits; the last is a Luhn check digit computed over the first nine digits prefixed
with ``80840`` (the issuer prefix the NPI standard prescribes, so an NPI is also a valid 15-digit
card-style number ``80840NNNNNNNNNC``).

NPPES issues NPIs starting with 1 or 2. CodePrep's bank files use *fictional* NPIs: valid check
digit, but starting with 9 (no issued NPI starts with 9), so a real provider's NPI never appears.
"""

from __future__ import annotations

import random

__all__ = ["PREFIX", "check_digit", "is_valid", "is_fictional", "make_fictional"]

#: The issuer prefix the Luhn check digit is computed with.
PREFIX = "80840"


def _luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    # the check digit will be at the far right, so the payload's rightmost digit is doubled
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def check_digit(first9: str) -> str:
    """The NPI check digit of the first nine digits: ``check_digit("123456789") == "3"``.

    Raises ``ValueError`` unless ``first9`` is exactly nine ASCII digits.
    """
    if len(first9) != 9 or not first9.isascii() or not first9.isdigit():
        raise ValueError(f"an NPI's first part is 9 digits, not {first9!r}")
    return _luhn_check_digit(PREFIX + first9)


def is_valid(npi: str) -> bool:
    """Ten ASCII digits whose last is the check digit of the first nine (no spaces, no hyphens)."""
    if not isinstance(npi, str) or len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    return check_digit(npi[:9]) == npi[9]


def is_fictional(npi: str) -> bool:
    """A CodePrep NPI: valid and starting with 9 (NPPES never issues one that does)."""
    return is_valid(npi) and npi.startswith("9")


def make_fictional(seed: int) -> str:
    """A valid NPI starting with 9, the same for the same ``seed`` (for tests and authors)."""
    rng = random.Random(seed)
    first9 = "9" + "".join(str(rng.randrange(10)) for _ in range(8))
    return first9 + check_digit(first9)
