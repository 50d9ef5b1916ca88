"""The ICD-10-PCS table pages: the index, a table with its rows and definitions, the code builder
without JavaScript (a GET form), the JSON it uses with JavaScript, links from the code book."""

from __future__ import annotations

import re

from tests.support import count_statements


def test_index_lists_tables_by_section(client):
    page = client.get("/codes/pcs")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="section-B"' in body and "Imaging" in body and 'href="/codes/pcs/0DT"' in body
    jump = client.get("/codes/pcs?t=0dtj4zz")
    assert jump.status_code == 302 and jump.headers["Location"].endswith("/codes/pcs/0DTJ4ZZ#build")


def test_a_table_page_shows_rows_and_definitions(client):
    with count_statements() as statements:
        page = client.get("/codes/pcs/0DT")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(statements) <= 12, statements
    assert "Cutting out or off, without replacement, all of a body part" in body
    assert "<caption>Row 1 of table 0DT</caption>" in body and '<th scope="col">4. Body Part</th>' in body
    assert "Appendix" in body and "Via Natural or Artificial Opening Endoscopic" in body
    assert '<label for="c4">4. Body Part</label>' in body and 'src="/static/js/pcs-table.js"' in body
    assert "Incomplete" in body and "0DT____" in body


def test_building_a_code_without_javascript(client):
    # choose the body part: the approaches that cannot go with it are marked
    step = client.get("/codes/pcs/0DT?c4=J").get_data(as_text=True)
    assert "0DTJ___" in step
    assert re.search(r'<option value="F" data-blocked>F Via Natural[^<]*\(not with the other choices\)</option>', step)
    assert re.search(r'<option value="4">4 Percutaneous Endoscopic</option>', step)
    # all four chosen: the code, its validity and its title
    with count_statements() as statements:
        done = client.get("/codes/pcs/0DT?c4=J&c5=4&c6=Z&c7=Z").get_data(as_text=True)
    assert len(statements) <= 12
    assert "Valid for reporting" in done and 'href="/codes/0DTJ4ZZ"' in done
    assert "Resection of Appendix, Percutaneous Endoscopic Approach" in done
    wrong = client.get("/codes/pcs/0DT?c4=J&c5=F&c6=Z&c7=Z").get_data(as_text=True)
    assert "0DTJFZZ" in wrong and "Not a valid code" in wrong
    # a full code in the address chooses its values
    assert 'value="J" selected' in client.get("/codes/pcs/0DTJ4ZZ").get_data(as_text=True)


def test_the_builder_json(client):
    partial = client.get("/api/codes/pcs/0DT?c4=J").get_json()
    assert partial["partial"] == "0DTJ___" and partial["code"] is None and partial["allowed"]["5"] == "0478"
    done = client.get("/api/codes/pcs/0DT?c4=J&c5=4&c6=Z&c7=G").get_json()
    assert done["valid"] and done["code"] == "0DTJ4ZG" and done["description"].endswith("Hand-Assisted")
    assert client.get("/api/codes/pcs/0ZZ").status_code == 404


def test_other_sections_have_tables(client):
    body = client.get("/codes/pcs/BW2?c4=8&c5=Z&c6=Z&c7=Z").get_data(as_text=True)
    assert "Computerized Tomography (CT Scan) of Head" in body and "5. Contrast" in body
    assert client.get("/codes/pcs/0ZZ").status_code == 404


def test_code_pages_and_search_link_to_the_table(client):
    code_page = client.get("/codes/0DTJ4ZZ").get_data(as_text=True)
    assert 'href="/codes/pcs/0DTJ4ZZ#build"' in code_page
    results = client.get("/codes?q=0DTJ3ZZ").get_data(as_text=True)
    assert 'href="/codes/pcs/0DTJ3ZZ#build"' in results and 'href="/codes/0DTJ4ZZ"' in results
    assert 'href="/codes/pcs"' in client.get("/codes").get_data(as_text=True)
