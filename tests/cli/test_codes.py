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


def test_codes_load_is_idempotent(runner):
    result = runner.invoke(args=["codes", "load"])
    assert result.exit_code == 0
    assert "already loaded" in result.output
