"""The lay-term table (``study/codes/data/lay_terms.yaml``) as search keys (pure: no Flask, no database).

A key is what a typed phrase and a term are compared by: its letters-and-digits words in lower
case, without a possessive "s" and with a plural "s" dropped, so "swimmers ear", "swimmer's ear"
and "Swimmer's  Ear" are one key, as are "bed sores" and "bed sore", "n/v" and "n v". The table is
parsed at setup time only (study.services.code_loaders); web processes look keys up in the database.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import yaml

__all__ = [
    "LAY_TERM_FILE", "MAX_TERM_WORDS", "LayTerm", "LayTermIndex", "lay_term_key", "key_words", "phrase_keys", "parse_lay_terms",
    "lay_term_text", "read_lay_terms",
]

#: The resource read by ``lay_term_text`` (inside the ``study.codes`` package).
LAY_TERM_FILE = "data/lay_terms.yaml"
#: No term has more words than this (checked when the table is parsed), so longer phrases are never looked up.
MAX_TERM_WORDS = 6

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FAMILY = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", re.ASCII)
_KINDS = ("lay", "abbreviation", "synonym")


@dataclass(frozen=True)
class LayTerm:
    term: str
    kind: str  # lay | abbreviation | synonym
    means: str
    families: tuple[str, ...]  # ICD-10-CM categories, subcategories or codes, most likely first

    @property
    def key(self) -> str:
        return lay_term_key(self.term)


class LayTermIndex:
    """The table by key, in the table's order: the terms a phrase is, and the terms that start with one."""

    def __init__(self, terms: Iterable[LayTerm]) -> None:
        self._by_key: dict[str, list[tuple[int, LayTerm]]] = {}
        for position, term in enumerate(terms):
            self._by_key.setdefault(term.key, []).append((position, term))
        self._keys = sorted(self._by_key)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def get(self, key: str) -> list[LayTerm]:
        return [t for _, t in self._by_key.get(key, ())]

    def starting_with(self, prefix: str, limit: int) -> list[tuple[str, LayTerm]]:
        """(key, term) of the terms whose key starts with `prefix` and is longer, in the table's order."""
        if not prefix:
            return []
        found: list[tuple[int, str, LayTerm]] = []
        for key in self._keys[bisect.bisect_right(self._keys, prefix) :]:
            if not key.startswith(prefix):
                break
            found += [(position, key, t) for position, t in self._by_key[key]]
        return [(key, t) for _, key, t in sorted(found, key=lambda f: f[0])[:limit]]


def _fold(word: str) -> str:
    # "sores" -> "sore", "hips" -> "hip"; never "ss" (abscess), short words ("ms") or "us"/"is" endings
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def key_words(words: Sequence[str]) -> list[str]:
    """Lower-case words (as ``code_search.search_words`` gives them) as key words."""
    return [_fold(w) for w in words if w != "s"]


def lay_term_key(text: str) -> str:
    return " ".join(key_words([w.lower() for w in _WORD.findall(text)]))


def phrase_keys(words: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Every run of up to ``MAX_TERM_WORDS`` consecutive key words, as key -> (start, end)."""
    folded = key_words(words)
    found: dict[str, tuple[int, int]] = {}
    for start in range(len(folded)):
        for end in range(start + 1, min(len(folded), start + MAX_TERM_WORDS) + 1):
            found.setdefault(" ".join(folded[start:end]), (start, end))
    return found


def parse_lay_terms(text: str) -> list[LayTerm]:
    """Parse and check the table; a ``ValueError`` names the first bad entry (the file is the project's own)."""
    loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    if not isinstance(loaded, list):
        raise ValueError("the lay-term table is a list of entries")
    terms: list[LayTerm] = []
    for entry in loaded:
        if not isinstance(entry, dict) or set(entry) != {"term", "kind", "means", "families"}:
            raise ValueError(f"lay-term entry needs exactly term, kind, means, families: {entry!r}")
        families = entry["families"]
        if not isinstance(families, list) or not families or not all(isinstance(f, str) and _FAMILY.fullmatch(f) for f in families):
            raise ValueError(f"lay term {entry['term']!r}: families must be ICD-10-CM categories or codes")
        term = LayTerm(str(entry["term"]), str(entry["kind"]), str(entry["means"]), tuple(families))
        if term.kind not in _KINDS or not term.key or len(term.key.split()) > MAX_TERM_WORDS:
            raise ValueError(f"lay term {term.term!r}: bad kind or too many words")
        terms.append(term)
    return terms


def lay_term_text() -> str:
    """The project's table as shipped in the package (setup loads it into the database)."""
    return resources.files("study.codes").joinpath(LAY_TERM_FILE).read_text(encoding="utf-8")


def read_lay_terms() -> list[LayTerm]:
    return parse_lay_terms(lay_term_text())
