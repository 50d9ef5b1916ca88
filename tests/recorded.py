"""Recorded expectations: a test builds a dict of what the code produces (messages, reports) and
compares it, key by key, with the JSON file recorded beside the test. After a deliberate change,
run the test with its environment variable set to 1 to record the new values, and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path


def check_recorded(actual: dict, path: Path, env_var: str) -> None:
    actual = json.loads(json.dumps(actual, default=str))
    if os.environ.get(env_var) == "1":
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert list(actual) == list(expected)
    for key in actual:
        assert actual[key] == expected[key], key
