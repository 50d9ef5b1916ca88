"""Command-line interface: one click group per domain; commands are thin wrappers over services."""
from __future__ import annotations

import json
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from study.models import Role
from study.services import ServiceError

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail address (the sign-in name).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value, show_default=True)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--password-env",
    default="CODEPREP_PASSWORD",
    show_default=True,
    help="Environment variable holding the password (for scripts); asked for when it is not set.",
)
def create_user_command(email: str, role: str, display_name: str, password_env: str) -> None:
    """Create an account."""
    from study.services import users

    password = os.environ.get(password_env)
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create_user(email, password, role=role, display_name=display_name)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role_command(email: str, role: str) -> None:
    """Change an account's role."""
    from study.extensions import db
    from study.services import users

    user = users.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    user.role = Role(role).value
    db.session.commit()
    click.echo(f"{user.email} is now {user.role}.")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="5000")
@click.option("--threads", default=8, show_default=True)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the site with the production WSGI server (waitress); DEBUG=1 uses Flask's debug server."""
    app = current_app._get_current_object()
    click.echo(f"CodePrep is running at http://{host}:{port}/  (Ctrl+C to stop)")
    if app.debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, ident="CodePrep")


@click.command("setup")
def setup_command() -> None:
    """Bring the database up to date: migrations, code sets (when empty) and the question bank (when changed)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")
    for step in SETUP_STEPS:
        step()
    click.echo(
        "Sign up at /account/signup, or create an admin with:\n"
        "  .venv/bin/flask --app app users create --email you@example.org --role admin"
    )


# later subsystems (code sets, question bank) append their idempotent setup steps here
SETUP_STEPS: list = []  # filled at the end of this module


def init_app(app: Flask) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(codes_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(exams_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(serve_command)


codes_cli = AppGroup("codes", help="Code sets: load them, look codes up.")


@codes_cli.command("load")
@click.option("--force", is_flag=True, help="Reload even when the table is already filled.")
def codes_load_command(force: bool) -> None:
    """Load ICD-10-CM (FY2026) from the simple-icd-10-cm package into the database."""
    from study.services import code_loaders

    count = code_loaders.load_icd10cm(force=force)
    version = code_loaders.code_set_version(code_loaders.ICD10CM)
    if count:
        click.echo(f"Loaded {count:,} ICD-10-CM entries ({code_loaders.reportable_count():,} valid for reporting): {version.version}.")
    else:
        click.echo(f"ICD-10-CM is already loaded ({version.count:,} entries, {version.version}); --force reloads.")


@codes_cli.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def codes_show_command(code: str, as_json: bool) -> None:
    """Check a code and show what the code book says about it."""
    from study.codebook.payloads import describe_payload
    from study.services import code_book

    payload = describe_payload(*code_book.describe(code))
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{payload['code'] or code}: {payload['status']} - {payload['message']}")
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
    """Search ICD-10-CM by code prefix or by words (prefix matching: "diab nephrop")."""
    from study.codebook.payloads import search_payload
    from study.services import code_search

    result = code_search.search(words, limit=limit)
    if as_json:
        click.echo(json.dumps(search_payload(result), indent=2, ensure_ascii=False))
        return
    for hit in result.hits:
        click.echo(f"{hit.code:<9} {'reportable' if hit.reportable else 'header    '}  {hit.description}")
    if not result.hits:
        click.echo("No codes found.")


def _load_code_file(loader_name: str, path: str) -> dict:
    from study.services import code_loaders

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


def _setup_code_sets() -> None:
    from study.services import code_loaders

    count = code_loaders.load_icd10cm()
    if count:
        click.echo(f"Loaded {count:,} ICD-10-CM entries.")
    code_loaders.load_project_lists()


bank_cli = AppGroup("bank", help="The question bank: validate, import, export, GIFT, check a key.")


def _bank_root(path: str | None) -> str:
    return path or current_app.config["QUESTION_BANK"]


def _print_problems(problems) -> int:
    errors = 0
    for problem in problems:
        label = "" if problem.is_error else "warning: "
        click.echo(f"{problem.path}:{problem.line}: {label}{problem.message}", err=problem.is_error)
        errors += problem.is_error
    return errors


@bank_cli.command("validate")
@click.argument("path", required=False)
def bank_validate_command(path: str | None) -> None:
    """Check a whole bank (default question_bank/) or one file; exit 1 on any error."""
    from study.services import bank

    target = _bank_root(path)
    problems = bank.validate(target)
    errors = _print_problems(problems)
    warnings = len(problems) - errors
    if errors:
        raise click.ClickException(f"{errors} error(s), {warnings} warning(s) in {target}.")
    click.echo(f"{target}: no errors ({warnings} warning(s)).")


@bank_cli.command("import")
@click.argument("path", required=False)
@click.option("--force", is_flag=True, help="Import even when the files have not changed since the last import.")
def bank_import_command(path: str | None, force: bool) -> None:
    """Validate, then import the bank in one transaction (nothing when anything is wrong)."""
    from study.services import bank

    try:
        summary = bank.import_bank(_bank_root(path), force=force)
    except bank.BankError as exc:
        _print_problems(exc.problems)
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.line())


@bank_cli.command("export")
@click.argument("dest")
def bank_export_command(dest: str) -> None:
    """Write the bank from the database into DEST in the bank format."""
    from study.services import bank

    counts = bank.export_bank(dest)
    click.echo(f"Exported {counts['items']} items, {counts['topics']} topics and {counts['blueprints']} blueprints to {dest}.")


@bank_cli.command("export-gift")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True))
@click.option("--exam", help="Only items of this exam (CPC, CPB, CCS, CCS-P).")
@click.option("--topic", help="Only items of this topic.")
def bank_export_gift_command(dest: str, exam: str | None, topic: str | None) -> None:
    """Export published multiple-choice items as a GIFT file for Moodle (rationale as general feedback)."""
    from study.services import bank

    text, count = bank.export_gift(exam=exam, topic=topic)
    with open(dest, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"Wrote {count} questions to {dest}.")


@bank_cli.command("import-gift")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--topic", required=True, help="Topic key for the imported questions.")
@click.option("--exam", "exams", multiple=True, required=True, help="Exam(s) the questions serve; repeat for several.")
@click.option("--prefix", default="gift", show_default=True, help="Id prefix for questions without a usable title.")
def bank_import_gift_command(source: str, topic: str, exams: tuple[str, ...], prefix: str) -> None:
    """Import a GIFT file's multiple-choice questions as drafts (all or nothing)."""
    from study.services import bank

    with open(source, encoding="utf-8-sig") as fh:
        text = fh.read()
    try:
        keys = bank.import_gift(text, path=source, topic=topic, exams=list(exams), id_prefix=prefix)
    except bank.BankError as exc:
        _print_problems(exc.problems)
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Imported {len(keys)} questions as drafts: {', '.join(keys[:10])}{' ...' if len(keys) > 10 else ''}")


@bank_cli.command("check-answer")
@click.argument("file_or_id")
@click.option("--dx", default="", help='Diagnoses in order, e.g. "E11.22, N18.31".')
@click.option("--px", default="", help='Procedures, e.g. "99214-25, 20610-RT, J1100x4".')
@click.option("--pcs", default="", help='ICD-10-PCS codes in order, e.g. "0SRC0J9".')
@click.option("--json", "as_json", is_flag=True, help="Print the grade report as JSON.")
def bank_check_answer_command(file_or_id: str, dx: str, px: str, pcs: str, as_json: bool) -> None:
    """Grade a submission against a case's key and print the grade report."""
    from study.services import ServiceError, bank

    try:
        report = bank.check_answer(file_or_id, dx, px, pcs)
    except bank.BankError as exc:
        _print_problems(exc.problems)
        raise click.ClickException(str(exc)) from exc
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_json(after_attempt=True), indent=2, ensure_ascii=False))
        return
    click.echo(f"{report.case_id}: {report.score_pct}% ({report.earned} earned, {report.penalties} penalties, {report.possible} possible)")
    for line in report.lines:
        click.echo(
            f"  {line.kind:<10} {line.verdict:<15} {line.points:>5}  "
            f"{line.submitted or '-':<12} {line.expected or '-':<12} {line.message}"
        )


exams_cli = AppGroup("exams", help="Exam simulations.")


@exams_cli.command("close-expired")
def exams_close_expired_command() -> None:
    """Submit every exam whose time is up (run from cron; pages also do it when they are opened)."""
    from datetime import datetime, timezone

    from study.services import exams

    count = exams.close_expired(datetime.now(timezone.utc))
    click.echo(f"Submitted {count} expired exam(s).")


def _setup_bank() -> None:
    from study.services import bank

    root = current_app.config["QUESTION_BANK"]
    try:
        summary = bank.import_bank(root)
    except bank.BankError as exc:
        _print_problems(exc.problems)
        raise click.ClickException(f"{exc} Fix the files above and run again.") from exc
    click.echo(summary.line())


SETUP_STEPS.extend([_setup_code_sets, _setup_bank])
