"""`flask codes ...`: load the code sets, look codes up."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from study.codebook.payloads import describe_payload, pcs_payload, search_payload
from study.services import backups, code_book, code_loaders, code_search, pcs_tables

codes_cli = AppGroup("codes", help="Code sets: load them, look codes up.")


@codes_cli.command("load")
@click.option("--force", is_flag=True, help="Reload even when the table is already filled.")
def codes_load_command(force: bool) -> None:
    """Load ICD-10-CM (FY2026) from the simple-icd-10-cm package into the database."""
    count = code_loaders.load_icd10cm(force=force)
    version = code_loaders.code_set_version(code_loaders.ICD10CM)
    if version is None:  # loaded just now, or before
        raise click.ClickException("ICD-10-CM is not loaded.")
    if count:
        click.echo(f"Loaded {count:,} ICD-10-CM entries ({code_loaders.reportable_count():,} valid for reporting): {version.version}.")
    else:
        click.echo(f"ICD-10-CM is already loaded ({version.count:,} entries, {version.version}); --force reloads.")


@codes_cli.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def codes_show_command(code: str, as_json: bool) -> None:
    """Check a code and show what the code book says about it."""
    other = code_search.other_code_set(code)
    payload = describe_payload(*code_book.describe(code), other)
    if payload["system"] == "pcs":
        payload.update(pcs_payload(payload["code"], other, pcs_tables.exists(payload["code"][:3])))
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{payload['code'] or code}: {payload['status']} - {payload['message']}")
    for notice in payload.get("notices", []):
        if notice != payload["message"]:
            click.echo(f"  {notice}")
    for hit in payload.get("suggested", []):
        click.echo(f"  valid in the same table row: {hit['code']} {hit['description']}")
    if payload.get("table_url"):
        click.echo(f"  ICD-10-PCS table {payload['table']}: {payload['table_url']}")
    for other in payload.get("did_you_mean", []):
        click.echo(f"  did you mean ICD-10-CM {other['code']} ({other['description']})?")
    for ancestor in payload.get("hierarchy", []):
        click.echo(f"  in {ancestor['code']}: {ancestor['description']}")
    for kind, lines in payload.get("notes", {}).items():
        for line in lines:
            click.echo(f"  {kind}: {line}")
    if payload["status"] != "reportable":
        raise SystemExit(1)


@codes_cli.command("search")
@click.argument("words")
@click.option("--limit", default=25, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def codes_search_command(words: str, limit: int, as_json: bool) -> None:
    """Search ICD-10-CM by code prefix or by words (prefix matching: "diab nephrop"; lay terms: "heart attack"),
    then HCPCS Level II short descriptions ("dexamethasone")."""
    result = code_search.search(words, limit=limit)
    if as_json:
        click.echo(json.dumps(search_payload(result), indent=2, ensure_ascii=False))
        return
    for synonym in result.synonyms:
        click.echo(f"{synonym.term} -> {synonym.means} ({', '.join(synonym.families)})")
    if result.suggestions:
        click.echo("Everyday terms: " + "; ".join(f"{s.term} ({s.means})" for s in result.suggestions))
    for notice in result.notices:
        click.echo(notice)
    for hit in result.hits:
        matched = f"  [matched: {hit.matched}]" if hit.matched else ""
        click.echo(f"{hit.code:<9} {'reportable' if hit.reportable else 'header    '}  {hit.description}{matched}")
    for other in result.did_you_mean:
        click.echo(f"Did you mean ICD-10-CM {other.code} ({other.description})?")
    if not result.hits and not result.notices:
        click.echo("No codes found.")


def _load_code_file(loader_name: str, path: str) -> dict:
    try:
        return getattr(code_loaders, loader_name)(path)
    except code_loaders.CodeFileError as exc:
        for problem in exc.problems[:50]:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s): nothing was imported.") from exc


@codes_cli.command("load-hcpcs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def codes_load_hcpcs_command(path: str) -> None:
    """Import a CMS HCPCS Level II alpha-numeric file (fixed width)."""
    summary = _load_code_file("load_hcpcs_file", path)
    click.echo(f"Loaded {summary['codes']:,} HCPCS codes and {summary['modifiers']} modifiers ({summary['version']}).")


@codes_cli.command("load-pcs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def codes_load_pcs_command(path: str) -> None:
    """Import a CMS ICD-10-PCS order file (icd10pcs_order_YYYY.txt)."""
    summary = _load_code_file("load_pcs_file", path)
    click.echo(f"Loaded {summary['codes']:,} ICD-10-PCS codes; PCS codes are now checked for existence.")


@codes_cli.command("load-cpt")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def codes_load_cpt_command(path: str) -> None:
    """Import your site's licensed CPT file (CSV: code,description). CodePrep ships no CPT text."""
    summary = _load_code_file("load_cpt_file", path)
    click.echo(f"Loaded {summary['codes']:,} CPT codes; CPT codes are now checked for existence.")


def ready_database() -> None:
    """The database as `flask setup` leaves it, before the bank is read: the migrations and the code
    sets the validator checks codes against (idempotent, and quick once done). Commands that check
    codes call it first, so that they work on a new checkout without `flask setup` having run. Quiet
    when there is nothing to do (`check-answer --json` prints JSON alone)."""
    if not backups.schema_is_current():
        upgrade()
    setup_code_sets()


def setup_code_sets() -> None:
    """The setup step: ICD-10-CM when the table is empty, and the project's own lists (with the
    HCPCS Level II set of the current year when it is not loaded yet). What it loads is said on
    stderr: stdout stays the command's own output (`bank check-answer --json`)."""
    count = code_loaders.load_icd10cm()
    if count:
        click.echo(f"Loaded {count:,} ICD-10-CM entries.", err=True)
    count = code_loaders.load_hcpcs_set()  # load_project_lists asks again: then it is a no-op
    hcpcs = code_loaders.code_set_version(code_loaders.HCPCS)
    if count and hcpcs is not None:
        click.echo(f"Loaded {count:,} HCPCS Level II codes: {hcpcs.version}.", err=True)
    code_loaders.load_project_lists()
    pcs = code_loaders.load_pcs_data()
    if pcs:
        codes = f" and {pcs['codes']:,} FY2026 codes" if pcs["codes"] else ""
        click.echo(f"Loaded {pcs['tables']:,} ICD-10-PCS tables ({pcs['rows']:,} rows){codes}.", err=True)
