"""Code-book search on the real tables (loaded once per session from the package): words, lay terms,
codes of every code set."""

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Icd10cmCode
from study.services import code_search
from study.services.code_source import DbCodeSource
from tests.codes.test_lay_terms import SPOT_PAIRS

pytestmark = pytest.mark.usefixtures("app")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("diab nephrop", "E11.21"),
        ("Diabetes nephropathy type 2", "E11.21"),
        ("subtrochanteric fracture right femur displaced", "S72.21"),
        ("essential hypertension", "I10"),
        ("acute appendicitis peritonitis", "K35.2"),
    ],
)
def test_word_search_finds_codes(app, query, expected):
    result = code_search.search(query, limit=10)
    assert result.mode == "words"
    assert any(h.code.startswith(expected) for h in result.hits), [h.code for h in result.hits]


def test_every_word_must_match(app):
    hits = code_search.search("diab nephrop", limit=50).hits
    assert hits and all("nephropathy" in h.description.lower() for h in hits)


@pytest.mark.parametrize("query", ["E11.2", "e112", "E11 .2", "e11.2"])
def test_prefix_search_in_tabular_order(app, query):
    result = code_search.search(query)
    assert result.mode == "code"
    assert [h.code for h in result.hits] == ["E11.2", "E11.21", "E11.22", "E11.29"]
    assert [h.reportable for h in result.hits] == [False, True, True, True]


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x" * 10_000,
        '"',
        "*",
        "NEAR",
        "a OR b",
        "'; DROP TABLE icd10cm_code; --",
        "ñandú café",
        "🙂",
        "NEAR(a b)",
        "-",
        "^",
        ":",
        "\x00",
    ],
)
def test_hostile_queries_never_fail(app, query):
    result = code_search.search(query)
    assert result.mode in {"empty", "words", "code"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Icd10cmCode)) == 98_505


# ---------------------------------------------------------------- what people type (issue 16)

#: the issue's words as people type them (case, hyphens, plurals, possessives), and lay terms with
#: more words, which narrow the families down
TYPED_PAIRS = [
    ("Heart Attack", "I21"),
    ("UTI", "N39.0"),
    ("A-Fib", "I48"),
    ("Flu", "J10"),
    ("bed sores", "L89"),
    ("swimmers ear", "H60.33"),
    ("Hypertensive CKD", "I12"),
    ("afib paroxysmal", "I48.0"),
    ("hypertensive ckd stage 4", "I12.9"),
    ("low back pain", "M54.5"),
    ("broken hip right", "S72.001"),
    ("stroke", "I63.9"),
    ("fx right radius", "S52.101"),  # a large family (fx: 17,000 codes): the words through the full-text index
]


@pytest.mark.parametrize(("query", "family"), SPOT_PAIRS + TYPED_PAIRS)
def test_lay_terms_find_their_family_on_the_first_page(app, query, family):
    """The lay table's spot pairs, through search: the family is on the first page (25, the JSON's default)."""
    result = code_search.search(query)
    assert result.mode == "words"
    assert family in [h.code for h in result.hits], (query, [h.code for h in result.hits])


def test_the_synonym_used_is_shown(app):
    result = code_search.search("heart attack")
    assert [(s.term, s.means) for s in result.synonyms] == [("heart attack", "acute myocardial infarction")]
    assert [h.code for h in result.hits][:2] == ["I21", "I21.0"]
    assert {h.category for h in result.hits} == {"I21", "I22"}


def test_a_lay_term_is_a_finished_word(app):
    # "uti" is not the start of "utility" (T58.11 carbon monoxide from utility gas)
    assert [h.code for h in code_search.search("uti").hits] == ["N39.0"]
    # "c diff" and "c. diff" mean the same: said once
    assert [s.term for s in code_search.search("c diff").synonyms] == ["c diff"]


def test_lay_terms_with_other_words_narrow_the_families(app):
    result = code_search.search("afib paroxysmal")
    assert [h.code for h in result.hits] == ["I48.0"]
    assert [s.term for s in result.synonyms] == ["afib"]
    # the other words in no family: the words are searched as text, and no lay term is claimed
    other = code_search.search("hypertensive heart kidney failure")
    assert other.synonyms == [] and any(h.code.startswith("I13") for h in other.hits)


def test_lay_terms_that_start_with_the_query_are_offered(app):
    assert "broken hip" in [s.term for s in code_search.search("broken").suggestions]
    assert [s.term for s in code_search.search("heart att").suggestions] == ["heart attack"]
    # a term itself: only longer phrases of it ("flu shot"), not other words ("fluid on the lungs")
    assert all(s.term.startswith("flu ") for s in code_search.search("flu").suggestions)


def test_results_are_grouped_by_category_in_code_order(app):
    hits = code_search.search("lump breast", limit=50).hits
    codes = [h.code for h in hits]
    assert codes.index("N63.0") < codes.index("N63.2") < codes.index("N63.25")
    runs = [h.category for i, h in enumerate(hits) if i == 0 or hits[i - 1].category != h.category]
    assert len(runs) == len(set(runs)), runs  # each category in one run


def test_the_inclusion_term_that_matched_is_said(app):
    hits = {h.code: h for h in code_search.search("congestive heart failure").hits}
    assert hits["I50.9"].matched == "Congestive heart failure NOS"
    assert hits["I50.21"].matched == ""  # its title says the words


def test_an_exact_code_comes_first(app):
    assert code_search.search("I10").hits[0].code == "I10"
    assert code_search.search("e11.22").hits[0].code == "E11.22"


def test_a_hcpcs_code_is_the_hcpcs_code_with_did_you_mean(app):
    result = code_search.search("J1100")
    assert [(h.code, h.system) for h in result.hits] == [("J1100", "hcpcs")]
    assert [h.code for h in result.did_you_mean] == ["J11.00"]
    # with its dot it is the ICD-10-CM code; a HCPCS shape the site does not know is searched as ICD-10-CM
    assert code_search.search("J11.00").hits[0].code == "J11.00"
    unknown = code_search.search("J1001")  # J1000 is a HCPCS code of 2026; J1001 is not
    assert unknown.hits[0].code == "J10.01" and "HCPCS Level II" in unknown.notices[0]
    assert "it is not in CMS HCPCS Level II 2026" in unknown.notices[0] and "no CMS HCPCS file" not in unknown.notices[0]


def test_a_cpt_code_says_why_there_is_no_descriptor(app):
    result = code_search.search("99213")
    assert result.mode == "code" and result.hits == [] and result.system == "cpt"
    assert "American Medical Association" in result.notices[0] and "codes load-cpt" in result.notices[0]


def test_a_cpt_code_from_a_licensed_file(app, monkeypatch):
    monkeypatch.setattr(DbCodeSource, "cpt_loaded", lambda self: True)
    monkeypatch.setattr(DbCodeSource, "cpt", lambda self, code: "Site-licensed descriptor" if code == "99213" else None)
    assert [(h.code, h.description) for h in code_search.search("99213").hits] == [("99213", "Site-licensed descriptor")]
    assert "not in this site's licensed CPT file" in code_search.search("99299").notices[0]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("0SRC0J9", "Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach"),
        ("0src0j9", "Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach"),
        ("BW28ZZZ", "Computerized Tomography (CT Scan) of Head"),
    ],
)
def test_a_pcs_code_goes_to_pcs(app, query, title):
    result = code_search.search(query)
    assert [(h.code, h.system, h.description) for h in result.hits] == [(query.upper(), "pcs", title)]
    assert result.notices == []  # the FY2026 set is loaded at setup


def test_a_pcs_code_that_does_not_exist_lists_its_table_row(app):
    result = code_search.search("0DTJ3ZZ")
    assert result.system == "pcs" and "0DTJ3ZZ is not a valid FY2026 ICD-10-PCS code" in result.notices[0]
    assert [h.code for h in result.hits] == ["0DTJ0ZZ", "0DTJ4ZZ", "0DTJ7ZZ", "0DTJ8ZZ", "0DTJ4ZG"]
    assert result.hits[0].description == "Resection of Appendix, Open Approach"


def test_an_icd10cm_code_shaped_like_pcs_stays_icd10cm(app):
    assert code_search.search("S7221XA").hits[0].code == "S72.21XA"


@pytest.mark.parametrize("query", ["fractur", "chest pa", "Chest Pa"])
def test_words_being_typed_are_never_taken_for_pcs_codes(app, query):
    # seven letters of the PCS alphabet, starting with a PCS section letter (F, C): still words
    result = code_search.search(query)
    assert result.mode == "words" and all(h.system == "icd10cm" for h in result.hits)


def test_postgres_word_search_reads_a_stored_vector(app):
    """On PostgreSQL the words are matched and ranked on a stored tsvector column with its own GIN
    index: an index on an expression made every ranked query compute the vector again for each
    matching row (24 ms median, 40 ms p95 in benchmarks/code_search.py --postgres)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the stored vector is PostgreSQL's; SQLite searches its FTS5 table")
    missing = db.session.scalar(sa.text("SELECT count(*) FROM icd10cm_code WHERE search_tsv IS NULL"))
    indexes = db.session.scalars(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'icd10cm_code'")).all()
    assert missing == 0
    assert any("gin (search_tsv)" in i for i in indexes), indexes
    assert code_search.search("atrial fibrillation").hits[0].code.startswith("I48")
