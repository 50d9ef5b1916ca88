"""Loaders for the data files the project ships itself (pure: no Flask, no database).

``load_modifier_list()`` reads ``study/codes/data/modifiers.yaml``: the project's own one-line
descriptions of the common CPT and HCPCS Level II modifiers (never AMA or CMS text). The file is
read once per process and cached; every call returns a fresh ``dict``.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

import yaml

__all__ = ["MODIFIER_FILE", "MAX_DESCRIPTION_LENGTH", "load_modifier_list", "parse_modifier_yaml"]

#: The resource read by ``load_modifier_list`` (inside the ``study.codes`` package).
MODIFIER_FILE = "data/modifiers.yaml"
#: A description must fit on one short line.
MAX_DESCRIPTION_LENGTH = 90

_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}", re.ASCII)


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # SafeLoader itself rejects an unhashable key
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_modifier_yaml(text: str) -> dict[str, str]:
    """Parse the modifier YAML (a mapping code -> description) and check every entry.

    Raises ``ValueError`` naming the bad entry: the file is the project's own, so a mistake in it
    is a bug to fix, not input to tolerate. An unquoted numeric key (``25:``) is accepted and
    read as the two-digit string.
    """
    try:
        loaded = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ValueError(f"modifier list is not valid YAML: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError("modifier list must be a mapping of code -> description")
    result: dict[str, str] = {}
    for key, value in loaded.items():
        if isinstance(key, bool):
            raise ValueError(f"modifier {key!r}: quote the key (YAML read it as a boolean)")
        code = f"{key:02d}" if isinstance(key, int) else str(key).strip().upper()
        if _MODIFIER_RE.fullmatch(code) is None:
            raise ValueError(f"modifier {key!r}: a modifier is two letters or digits")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"modifier {code}: the description must be a non-empty string")
        description = " ".join(value.split())
        if len(description) >= MAX_DESCRIPTION_LENGTH:
            raise ValueError(
                f"modifier {code}: description longer than {MAX_DESCRIPTION_LENGTH - 1} characters"
            )
        if code in result:
            raise ValueError(f"modifier {code} is listed twice")
        result[code] = description
    return result


@functools.lru_cache(maxsize=1)
def _modifiers() -> Mapping[str, str]:
    text = resources.files("study.codes").joinpath(MODIFIER_FILE).read_text(encoding="utf-8")
    return MappingProxyType(parse_modifier_yaml(text))


def load_modifier_list() -> dict[str, str]:
    """``{"25": "Significant, separately identifiable E/M ...", "RT": "Right side ...", ...}``.

    Codes are upper case, two characters; descriptions are single lines under 90 characters.
    """
    return dict(_modifiers())
