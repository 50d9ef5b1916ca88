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


def test_codes_show_json_for_pcs_codes(runner):
    valid = json.loads(runner.invoke(args=["codes", "show", "bw28zzz", "--json"]).output)
    assert {"input", "system", "code", "status", "reportable", "message", "description", "missing", "suggestions"} <= set(valid)
    assert (valid["system"], valid["code"], valid["status"]) == ("pcs", "BW28ZZZ", "reportable")
    assert valid["description"] == "Computerized Tomography (CT Scan) of Head"
    assert valid["table"] == "BW2" and valid["table_url"] == "/codes/pcs/BW28ZZZ#build" and valid["suggested"] == []
    missing = json.loads(runner.invoke(args=["codes", "show", "0DTJ3ZZ", "--json"]).output)
    assert missing["status"] == "invalid" and "is not a valid FY2026 ICD-10-PCS code" in missing["message"]
    assert missing["suggestions"][:2] == ["0DTJ0ZZ", "0DTJ4ZZ"]
    assert missing["suggested"][0] == {
        "code": "0DTJ0ZZ", "description": "Resection of Appendix, Open Approach", "reportable": True, "kind": "code", "system": "pcs",
    }
    result = runner.invoke(args=["codes", "show", "0DTJ3ZZ"])
    text = result.output
    assert result.exit_code == 1
    assert "valid in the same table row: 0DTJ4ZZ Resection of Appendix, Percutaneous Endoscopic Approach" in text
    assert "ICD-10-PCS table 0DT: /codes/pcs/0DTJ3ZZ#build" in text


def test_codes_search_json_for_a_pcs_code(runner):
    data = json.loads(runner.invoke(args=["codes", "search", "0DTJ3ZZ", "--json"]).output)
    assert data["system"] == "pcs" and data["mode"] == "code" and "0DTJ3ZZ" in data["notices"][0]
    assert [r["code"] for r in data["results"]][:2] == ["0DTJ0ZZ", "0DTJ4ZZ"] and data["results"][0]["system"] == "pcs"
