"""The lay-term and abbreviation table (study/codes/data/lay_terms.yaml), checked against the real
ICD-10-CM code set. Pure: no Flask, no database; the records come from study.codes.memory."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
import yaml

from study.codes.lay_terms import lay_term_text
from study.codes.memory import cached_icd10cm_records
from study.codes.types import CodeRecord

KEYS = {"term", "kind", "means", "families"}
KINDS = {"lay", "abbreviation", "synonym"}
#: a category (I21), subcategory (I48.9, J09.X) or code (E11.22, Z86.0100); never a block (I20-I25)
FAMILY_RE = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", re.ASCII)
MIN_ENTRIES = 400

#: (what a student types, a family the table must send it to). The seed of the later search test:
#: the issue's examples first, then the abbreviations and lay terms exam prep uses most.
SPOT_PAIRS: list[tuple[str, str]] = [
    # the examples
    ("heart attack", "I21"),
    ("uti", "N39.0"),
    ("afib", "I48"),
    ("broken hip", "S72.0"),
    ("flu", "J10"),
    ("flu", "J11"),
    ("bed sore", "L89"),
    ("hypertensive ckd", "I12"),
    ("hypertensive heart and kidney disease", "I13"),
    ("diabetic ckd", "E11.22"),
    # heart and circulation
    ("chf", "I50"),
    ("mi", "I21"),
    ("htn", "I10"),
    ("high blood pressure", "I10"),
    ("cad", "I25.1"),
    ("dvt", "I82.4"),
    ("pe", "I26"),
    ("stemi", "I21.0"),
    ("nstemi", "I21.4"),
    ("hld", "E78.5"),
    ("on blood thinners", "Z79.01"),
    # respiratory
    ("copd", "J44"),
    ("copd exacerbation", "J44.1"),
    ("uri", "J06.9"),
    ("pna", "J18"),
    ("sob", "R06.02"),
    ("osa", "G47.33"),
    ("strep throat", "J02.0"),
    ("covid", "U07.1"),
    # endocrine
    ("dm2", "E11"),
    ("t2dm", "E11"),
    ("dm1", "E10"),
    ("dka", "E11.1"),
    ("hypothyroid", "E03.9"),
    ("on insulin", "Z79.4"),
    ("bmi", "Z68"),
    # digestive
    ("gerd", "K21"),
    ("ibs", "K58"),
    ("gi bleed", "K92.2"),
    ("c diff", "A04.7"),
    ("n/v", "R11.2"),
    # kidney and urinary
    ("ckd", "N18"),
    ("esrd", "N18.6"),
    ("aki", "N17"),
    ("bph", "N40"),
    # injuries and musculoskeletal
    ("broken wrist", "S52.5"),
    ("sprained ankle", "S93.4"),
    ("torn acl", "S83.51"),
    ("rotator cuff tear", "M75.1"),
    ("oa", "M17"),
    ("ra", "M06"),
    ("lbp", "M54.5"),
    # skin and infections
    ("pressure sore", "L89"),
    ("skin infection", "L03"),
    ("mrsa", "A49.02"),
    # mental and behavioural
    ("adhd", "F90"),
    ("ocd", "F42"),
    ("ptsd", "F43.1"),
    ("mdd", "F32"),
    ("gad", "F41.1"),
    ("etoh abuse", "F10.1"),
    ("ams", "R41.82"),
    ("former smoker", "Z87.891"),
    # nervous system
    ("cva", "I63"),
    ("stroke", "I63"),
    ("tia", "G45.9"),
    ("migraine", "G43"),
    ("seizure", "R56.9"),
    # pregnancy
    ("gdm", "O24.4"),
    ("preeclampsia", "O14"),
    # eye and ear
    ("pink eye", "H10"),
    ("swimmer's ear", "H60.33"),
    ("ear infection", "H66"),
    # symptoms
    ("chest pain", "R07.9"),
    ("fever", "R50"),
    # neoplasms and status
    ("breast cancer", "C50"),
    ("history of stroke", "Z86.73"),
    ("flu shot", "Z23"),
    ("vaccination", "Z23"),
]


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def _duplicate_keys(node: yaml.Node) -> list[str]:
    """Keys written twice in one mapping anywhere in the document (PyYAML would keep the last)."""
    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        keys = Counter(key.value for key, _value in node.value)
        found += [f"{key!r} at line {node.start_mark.line + 1}" for key, n in keys.items() if n > 1]
        for _key, value in node.value:
            found += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item)
    return found


@pytest.fixture(scope="module")
def text() -> str:
    # the package resource setup reads, so the file is also proven to ship with study.codes
    return lay_term_text()


@pytest.fixture(scope="module")
def entries(text: str) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, list), "the file is a list of entries"
    return loaded


@pytest.fixture(scope="module")
def by_code() -> dict[str, CodeRecord]:
    return {r.code: r for r in cached_icd10cm_records()}


def test_no_key_is_written_twice(text: str) -> None:
    assert _duplicate_keys(yaml.compose(text)) == []


def test_there_are_enough_entries(entries: list[dict[str, Any]]) -> None:
    assert len(entries) >= MIN_ENTRIES


def test_every_entry_has_exactly_the_four_keys_and_an_allowed_kind(entries: list[dict[str, Any]]) -> None:
    bad_shape = [e for e in entries if not isinstance(e, dict) or set(e) != KEYS]
    assert bad_shape == []
    assert [e["term"] for e in entries if e["kind"] not in KINDS] == []


def test_terms_are_normalised_and_unique(entries: list[dict[str, Any]]) -> None:
    terms = [e["term"] for e in entries]
    assert [t for t in terms if not isinstance(t, str) or t != _normalised(t) or not t] == []
    repeated = [t for t, n in Counter(_normalised(t) for t in terms).items() if n > 1]
    assert repeated == []


def test_means_is_a_one_line_phrase_that_differs_from_the_term(entries: list[dict[str, Any]]) -> None:
    bad = [
        e["term"]
        for e in entries
        if not isinstance(e["means"], str)
        or not e["means"].strip()
        or "\n" in e["means"]
        or _normalised(e["means"]) == _normalised(e["term"])
    ]
    assert bad == []


def test_families_are_well_formed_lists_without_repeats_or_nesting(entries: list[dict[str, Any]]) -> None:
    bad: list[str] = []
    for e in entries:
        families = e["families"]
        if not isinstance(families, list) or not families:
            bad.append(f"{e['term']}: families must be a non-empty list")
            continue
        malformed = [f for f in families if not isinstance(f, str) or FAMILY_RE.fullmatch(f) is None]
        if malformed:
            bad.append(f"{e['term']}: not a category, subcategory or code: {malformed}")
            continue
        if len(set(families)) != len(families):
            bad.append(f"{e['term']}: a family is listed twice")
        nested = [(a, b) for a in families for b in families if a != b and b.startswith(a)]
        if nested:
            bad.append(f"{e['term']}: a family and its own child: {nested}")
    assert bad == []


def test_every_family_exists_in_the_real_code_set(entries: list[dict[str, Any]], by_code: dict[str, CodeRecord]) -> None:
    missing = [
        f"{e['term']}: {family}"
        for e in entries
        for family in e["families"]
        if (record := by_code.get(family)) is None or record.kind not in ("category", "subcategory", "code")
    ]
    assert missing == []


def test_there_are_at_least_sixty_spot_pairs() -> None:
    assert len(set(SPOT_PAIRS)) == len(SPOT_PAIRS)
    assert len(SPOT_PAIRS) >= 60


@pytest.mark.parametrize(("query", "family"), SPOT_PAIRS)
def test_spot_pair_is_in_the_table(entries: list[dict[str, Any]], query: str, family: str) -> None:
    families = {_normalised(e["term"]): e["families"] for e in entries}
    assert query in families, f"no entry for {query!r}"
    assert family in families[query], f"{query!r} -> {families[query]}, not {family}"
