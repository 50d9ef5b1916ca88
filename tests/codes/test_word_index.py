"""The word-start index behind the HCPCS Level II word search."""

from study.codes.word_index import WordStartIndex, text_words

ENTRIES = [
    ("J1100", "Dexamethasone sodium phos"),
    ("J1094", "Inj dexamethasone acetate"),
    ("E0114", "Crutch underarm pair no wood"),
    ("J2506", "Inj,pegfilgrastim-bmez 0.5mg"),
    ("A4215", "Sterile needle"),
]


def test_words_split_at_blanks_and_the_separators_of_cms_short_descriptions():
    assert text_words("Inj,pegfilgrastim-bmez 0.5mg") == ["inj", "pegfilgrastim", "bmez", "0", "5mg"]
    assert text_words("Cath/needle (set).") == ["cath", "needle", "set"]


def test_every_word_must_start_a_word_of_the_text_shortest_text_first():
    index = WordStartIndex(ENTRIES)
    assert index.find(["sterile"]) == [("A4215", "Sterile needle")]
    # the same length (25): by code
    assert index.find(["dexameth"]) == [("J1094", "Inj dexamethasone acetate"), ("J1100", "Dexamethasone sodium phos")]
    assert index.find(["dexameth", "inj"]) == [("J1094", "Inj dexamethasone acetate")]
    assert index.find(["bmez"]) == [("J2506", "Inj,pegfilgrastim-bmez 0.5mg")]
    assert index.find(["underarm", "crutch"]) == [("E0114", "Crutch underarm pair no wood")]


def test_a_word_inside_a_word_or_a_missing_word_finds_nothing():
    index = WordStartIndex(ENTRIES)
    assert index.find(["methasone"]) == []  # not the start of a word
    assert index.find(["needle", "crutch"]) == []
    assert index.find([]) == []
    assert len(index) == 5
