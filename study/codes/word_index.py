"""Pure: find short texts by the starts of their words ("dexameth" -> "Dexamethasone sodium phos"),
from a sorted list of the words; built once per process from a small code set's descriptions (the
HCPCS Level II short descriptions: about 8,000 texts, 30,000 words)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

# what separates words besides blanks ("Inj,pegfilgrastim-bmez", "Cath/needle")
SEPARATORS = ",/-()."
_SPLIT = str.maketrans({mark: " " for mark in SEPARATORS})


def text_words(text: str) -> list[str]:
    return text.lower().translate(_SPLIT).split()


class WordStartIndex:
    """Entries (key, text) found by words that start words of their text; every word must match."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        postings: dict[str, set[int]] = {}
        self._entries: list[tuple[str, str]] = []
        for number, (key, text) in enumerate(entries):
            self._entries.append((key, text))
            for word in text_words(text):
                postings.setdefault(word, set()).add(number)
        self._words = sorted(postings)
        self._postings = [tuple(sorted(postings[w])) for w in self._words]  # tuples: a third of a set's memory

    def __len__(self) -> int:
        return len(self._entries)

    def _starting(self, start: str) -> set[int]:
        found: set[int] = set()
        i = bisect_left(self._words, start)
        while i < len(self._words) and self._words[i].startswith(start):
            found.update(self._postings[i])
            i += 1
        return found

    def find(self, words: Sequence[str]) -> list[tuple[str, str]]:
        """The entries whose text has a word starting with each of `words` (lower case), shortest
        text first, then by key."""
        if not words:
            return []
        numbers: set[int] | None = None
        for word in sorted(set(words), key=len, reverse=True):  # the longest word narrows most
            found = self._starting(word)
            numbers = found if numbers is None else numbers & found
            if not numbers:
                return []
        entries = [self._entries[n] for n in numbers or ()]
        return sorted(entries, key=lambda e: (len(e[1]), e[0]))
