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
