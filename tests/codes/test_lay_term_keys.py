"""How typed phrases meet the lay-term table (study.codes.lay_terms): keys, phrases, the index. Pure."""

from __future__ import annotations

import pytest

from study.codes.lay_terms import LayTerm, LayTermIndex, lay_term_key, parse_lay_terms, phrase_keys, read_lay_terms


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Swimmer's  Ear", "swimmer ear"),
        ("swimmers ear", "swimmer ear"),
        ("bed sores", "bed sore"),
        ("n/v", "n v"),
        ("A-Fib", "a fib"),
        ("abscess", "abscess"),  # never "abscesse" or "absces"
        ("ms", "ms"),
        ("sinusitis", "sinusitis"),
    ],
)
def test_keys(typed, key):
    assert lay_term_key(typed) == key


def test_phrase_keys_are_every_run_of_words_with_its_span():
    spans = phrase_keys(["acute", "mi", "anterior"])
    assert spans["mi"] == (1, 2) and spans["acute mi anterior"] == (0, 3) and len(spans) == 6


def test_the_index_finds_terms_and_terms_that_start_with_a_phrase():
    index = LayTermIndex(
        [
            LayTerm("broken wrist", "lay", "fracture of the wrist", ("S52.5",)),
            LayTerm("broken hip", "lay", "fracture of the upper femur", ("S72.0",)),
            LayTerm("bronchitis", "synonym", "x", ("J20",)),
        ]
    )
    assert [t.term for t in index.get("broken hip")] == ["broken hip"]
    assert [t.term for _, t in index.starting_with("broken", 5)] == ["broken wrist", "broken hip"]  # the table's order
    assert index.starting_with("broken hip", 5) == [] and index.starting_with("", 5) == []


def test_the_projects_table_parses():
    terms = read_lay_terms()
    assert len(terms) >= 400 and len(LayTermIndex(terms)) == len(terms)


@pytest.mark.parametrize(
    "text",
    [
        "term: x",
        "- {term: x, kind: lay, means: y}",
        "- {term: x, kind: slang, means: y, families: [I21]}",
        "- {term: x, kind: lay, means: y, families: [I20-I25]}",
        "- {term: a b c d e f g, kind: lay, means: y, families: [I21]}",
    ],
)
def test_a_bad_table_is_refused(text):
    with pytest.raises(ValueError):
        parse_lay_terms(text)
