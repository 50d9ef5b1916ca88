import json


def test_codes_show_json(runner):
    result = runner.invoke(args=["codes", "show", "e1122", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["code"] == "E11.22" and data["status"] == "reportable"
    assert data["hierarchy"][0]["kind"] == "chapter"
    assert any(n["kind"] == "excludes1" for n in data["inherited_notes"])


def test_codes_show_exits_nonzero_for_a_header(runner):
    result = runner.invoke(args=["codes", "show", "E11.2"])
    assert result.exit_code == 1
    assert "5th character" in result.output


def test_codes_search_json(runner):
    result = runner.invoke(args=["codes", "search", "diab nephrop", "--json", "--limit", "3"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["results"]) == 3 and all("nephropathy" in r["description"].lower() for r in data["results"])


def test_codes_search_json_keeps_its_contract_with_lay_terms(runner):
    result = runner.invoke(args=["codes", "search", "heart attack", "--json"])
    data = json.loads(result.output)
    assert {"query", "mode", "total", "results"} <= set(data) and data["mode"] == "words"
    assert {"code", "description", "reportable", "kind"} <= set(data["results"][0])
    assert data["results"][0]["code"] == "I21" and data["synonyms"][0]["means"] == "acute myocardial infarction"
    text = runner.invoke(args=["codes", "search", "heart attack"]).output
    assert text.startswith("heart attack -> acute myocardial infarction (I21, I22)")


def test_codes_show_json_for_a_hcpcs_code(runner):
    result = runner.invoke(args=["codes", "show", "J1100", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["system"] == "hcpcs" and data["code"] == "J1100" and data["status"] == "reportable"
    assert [d["code"] for d in data["did_you_mean"]] == ["J11.00"]
    assert "did you mean ICD-10-CM J11.00" in runner.invoke(args=["codes", "show", "J1100"]).output
    cpt = json.loads(runner.invoke(args=["codes", "show", "99213", "--json"]).output)
    assert cpt["system"] == "cpt" and "American Medical Association" in cpt["notices"][0]


def test_codes_load_is_idempotent(runner):
    result = runner.invoke(args=["codes", "load"])
    assert result.exit_code == 0
    assert "already loaded" in result.output
