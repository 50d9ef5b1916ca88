"""The CARC and RARC lists the remittance exercises use, and the adjustment group codes.

``carc()`` and ``rarc()`` read ``study/billing/data/carc.yaml`` and ``rarc.yaml``: only the codes
CodePrep's exercises use, each described in the project's own words (the codes come from the X12
code lists at x12.org; the wording is never X12's). Each file is read once per process; every call
returns a fresh ``dict``. Pure: no Flask, no database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

import yaml

__all__ = ["CARC_FILE", "GROUPS", "RARC_FILE", "carc", "parse_code_yaml", "rarc"]

CARC_FILE = "data/carc.yaml"
RARC_FILE = "data/rarc.yaml"

#: Claim adjustment group codes -> what they mean, in plain words.
GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "CO": "contractual obligation",
        "PR": "patient responsibility",
        "OA": "other adjustment",
        "PI": "payer-initiated reduction",
    }
)

_CODE_RE = re.compile(r"[A-Z]{0,2}[0-9]{1,4}", re.ASCII)


def parse_code_yaml(text: str, what: str) -> dict[str, str]:
    """Parse a code list (a mapping code -> description); raise ``ValueError`` naming a bad entry.

    The files are the project's own, so a mistake in one is a bug to fix, not input to tolerate.
    """
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{what} list is not valid YAML: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{what} list must be a mapping of code -> description")
    result: dict[str, str] = {}
    for key, value in loaded.items():
        if isinstance(key, bool) or not isinstance(key, str | int):
            raise ValueError(f"{what} {key!r}: quote the key")
        code = str(key).strip().upper()
        if _CODE_RE.fullmatch(code) is None:
            raise ValueError(f"{what} {key!r}: not a code")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{what} {code}: the description must be a non-empty string")
        result[code] = " ".join(value.split())
    return result


@functools.cache
def _load(name: str, what: str) -> Mapping[str, str]:
    text = resources.files("study.billing").joinpath(name).read_text(encoding="utf-8")
    return MappingProxyType(parse_code_yaml(text, what))


def carc() -> dict[str, str]:
    """CARC code -> the project's description (e.g. ``"45"`` -> "The charge is above ...")."""
    return dict(_load(CARC_FILE, "CARC"))


def rarc() -> dict[str, str]:
    """RARC code -> the project's description (e.g. ``"N130"`` -> "See the plan's ...")."""
    return dict(_load(RARC_FILE, "RARC"))
