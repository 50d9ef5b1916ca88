import pytest


def test_search_page_without_javascript(client):
    page = client.get("/codes", query_string={"q": "diab nephrop"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "E11.21" in body and "Reportable" in body
    assert 'role="search"' in body and 'for="code-q"' in body


def test_partial_results_for_search_as_you_type(client):
    body = client.get("/codes", query_string={"q": "E11.2", "partial": "1"}).get_data(as_text=True)
    assert "<html" not in body and "E11.29" in body and "Not reportable: header" in body


def test_code_page_shows_hierarchy_notes_and_seventh_characters(client):
    body = client.get("/codes/S72.21").get_data(as_text=True)
    assert "Not valid for reporting" in body and "7th character" in body
    assert "initial encounter for closed fracture" in body
    assert 'aria-label="Breadcrumb"' in body and "S70-S79" in body
    e11 = client.get("/codes/e1122").get_data(as_text=True)
    assert "Valid for reporting" in e11 and "Excludes1" in e11


def test_chapter_and_block_pages(client):
    assert client.get("/codes/4").status_code == 200
    assert client.get("/codes/E08-E13").status_code == 200


def test_unknown_code_suggests_nearest(client):
    page = client.get("/codes/S7221A")
    assert page.status_code == 404
    assert "S72.21XA" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["", "x" * 10_240, '"', "*", "NEAR", "OR", "'; DROP TABLE icd10cm_code; --", "ñandú", "\u202e", "%00", "a AND (b"]
)
def test_search_box_survives_hostile_input(client, query):
    page = client.get("/codes", query_string={"q": query})
    assert page.status_code == 200
    api = client.get("/api/codes/search", query_string={"q": query})
    assert api.status_code == 200 and "results" in api.get_json()


def test_json_search_and_check(client):
    data = client.get("/api/codes/search", query_string={"q": "diab nephrop", "limit": 5}).get_json()
    assert data["mode"] == "words" and len(data["results"]) == 5
    assert {"code", "description", "reportable", "kind"} <= set(data["results"][0])
    check = client.get("/api/codes/check", query_string={"code": "e11.2", "with": "E10.9"}).get_json()
    assert check["status"] == "incomplete" and check["missing"] == "more characters"
    assert client.get("/api/codes/check", query_string={"code": "X", "system": "bogus"}).status_code == 400
    conflicts = client.get("/api/codes/conflicts", query_string={"dx": "E11.9,E10.9"}).get_json()
    assert conflicts["conflicts"][0]["kind"] == "excludes1"


def test_search_page_shows_the_lay_term_it_used(client):
    body = client.get("/codes", query_string={"q": "heart attack"}).get_data(as_text=True)
    assert "<strong>heart attack</strong>" in body and "acute myocardial infarction" in body
    assert 'href="/codes/I21"' in body and 'aria-label="I21 Acute myocardial infarction"' in body


def test_search_page_offers_lay_terms_and_says_which_inclusion_term_matched(client):
    body = client.get("/codes", query_string={"q": "broken"}).get_data(as_text=True)
    assert "Everyday terms:" in body and 'href="/codes?q=broken+hip"' in body
    body = client.get("/codes", query_string={"q": "congestive heart failure", "partial": "1"}).get_data(as_text=True)
    assert "(matches “Congestive heart failure NOS”)" in body


def test_code_shaped_searches_go_to_their_code_set(client):
    j1100 = client.get("/codes", query_string={"q": "J1100", "partial": "1"}).get_data(as_text=True)
    assert "HCPCS Level II" in j1100 and "Dexamethasone" in j1100
    assert 'Did you mean ICD-10-CM <a href="/codes/J11.00">' in j1100
    cpt = client.get("/codes", query_string={"q": "99213"}).get_data(as_text=True)
    assert "No codes found" not in cpt and "American Medical Association" in cpt and "codes load-cpt" in cpt


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("J1100", ["HCPCS Level II", "Dexamethasone", 'href="/codes/J11.00"']),
        ("99213", ["CPT", "American Medical Association"]),
        ("0SRC0J9", ["ICD-10-PCS", "Replacement of Right Knee Joint", 'href="/codes/pcs/0SRC0J9#build"']),
        ("0DTJ3ZZ", ["Not valid", "Valid codes in the same table row", 'href="/codes/0DTJ4ZZ"', 'href="/codes/pcs/0DTJ3ZZ#build"']),
    ],
)
def test_codes_of_other_code_sets_have_a_page(client, code, says):
    page = client.get(f"/codes/{code}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and all(s in body for s in says), body
    assert "Influenza" in client.get("/codes/J11.00").get_data(as_text=True)


def test_codes_in_notes_are_links(client):
    body = client.get("/codes/E11.22").get_data(as_text=True)
    assert '(<a href="/codes/N18.1">N18.1</a>-<a href="/codes/N18.6">N18.6</a>)' in body
    assert 'type 1 diabetes mellitus (<a href="/codes/E10">E10</a>.-)' in body


def test_the_seventh_character_requirement_is_said_once(client):
    body = client.get("/codes/S72.21").get_data(as_text=True)
    # said by the table, not again as the checker's sentence that lists every character
    assert "needs a 7th character from" in body and "A initial encounter for closed fracture, B" not in body
    assert body.count("<td>subsequent encounter for closed fracture with routine healing</td>") == 1
    category = client.get("/codes/S72").get_data(as_text=True)
    assert category.count("The appropriate 7th character is to be added") == 1
    assert category.index("The appropriate 7th character") > category.index('id="seventh"')


def test_json_search_keeps_its_fields_and_adds_new_ones(client):
    data = client.get("/api/codes/search", query_string={"q": "heart attack"}).get_json()
    assert {"query", "mode", "total", "results"} <= set(data)
    assert {"code", "description", "reportable", "kind"} <= set(data["results"][0])
    assert data["synonyms"][0]["term"] == "heart attack" and data["synonyms"][0]["families"] == ["I21", "I22"]
    j1100 = client.get("/api/codes/search", query_string={"q": "J1100"}).get_json()
    assert j1100["results"][0]["system"] == "hcpcs" and j1100["did_you_mean"][0]["code"] == "J11.00"
