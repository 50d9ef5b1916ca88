"""`flask bank ...`: validate, import and export the question bank, GIFT, check a case's key."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from study.cli.codes import ready_database
from study.services import ServiceError, bank_stats
from study.services import bank as bank_service

bank_cli = AppGroup("bank", help="The question bank: validate, import, export, GIFT, check a key.")


def _bank_root(path: str | None) -> str:
    return path or current_app.config["QUESTION_BANK"]


def print_problems(problems) -> int:
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
    ready_database()  # the code sets to check codes against, on a new checkout too
    target = _bank_root(path)
    problems = bank_service.validate(target)
    errors = print_problems(problems)
    warnings = len(problems) - errors
    if errors:
        raise click.ClickException(f"{errors} error(s), {warnings} warning(s) in {target}.")
    click.echo(f"{target}: no errors ({warnings} warning(s)).")


@bank_cli.command("import")
@click.argument("path", required=False)
@click.option(
    "--force",
    is_flag=True,
    help=(
        "Import even when the files have not changed since the last import, and replace the items "
        "edited on the site (diverged) with their files."
    ),
)
def bank_import_command(path: str | None, force: bool) -> None:
    """Validate, then import the bank in one transaction (nothing when anything is wrong)."""
    ready_database()
    try:
        summary = bank_service.import_bank(_bank_root(path), force=force)
    except bank_service.BankError as exc:
        print_problems(exc.problems)
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.line())


@bank_cli.command("export")
@click.argument("dest")
def bank_export_command(dest: str) -> None:
    """Write the bank from the database into DEST in the bank format."""
    counts = bank_service.export_bank(dest)
    click.echo(f"Exported {counts['items']} items, {counts['topics']} topics and {counts['blueprints']} blueprints to {dest}.")
    if counts["site_changed"]:
        click.echo(
            f"{counts['site_changed']} of them were edited on the site: commit the files and import them "
            "(flask bank import) to mark them as no longer diverged."
        )


@bank_cli.command("stats")
def bank_stats_command() -> None:
    """Recompute the bank list's stored figures (attempts, facility, discrimination, flags) now."""
    run = bank_stats.refresh(datetime.now(timezone.utc), current_app.config.get("ITEM_ANALYSIS_MIN_RESPONSES", 20))
    if run is None:
        raise click.ClickException("Another computation of the figures ran at the same time: try again.")
    click.echo(f"Computed the figures of {run.items} item(s) from {run.attempts} submitted exam attempt(s).")


@bank_cli.command("export-gift")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True))
@click.option("--exam", help="Only items of this exam (CPC, CPB, CCS, CCS-P).")
@click.option("--topic", help="Only items of this topic.")
def bank_export_gift_command(dest: str, exam: str | None, topic: str | None) -> None:
    """Export published multiple-choice items as a GIFT file for Moodle (rationale as general feedback)."""
    text, count = bank_service.export_gift(exam=exam, topic=topic)
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
    with open(source, encoding="utf-8-sig") as fh:
        text = fh.read()
    try:
        keys = bank_service.import_gift(text, path=source, topic=topic, exams=list(exams), id_prefix=prefix)
    except bank_service.BankError as exc:
        print_problems(exc.problems)
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
    ready_database()
    try:
        report = bank_service.check_answer(file_or_id, dx, px, pcs)
    except bank_service.BankError as exc:
        print_problems(exc.problems)
        raise click.ClickException(str(exc)) from exc
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_json(after_attempt=True), indent=2, ensure_ascii=False))
        return
    click.echo(f"{report.case_id}: {report.score_pct}% ({report.earned} earned, {report.penalties} penalties, {report.possible} possible)")
    for line in report.lines:
        click.echo(
            f"  {line.kind:<10} {line.verdict:<15} {line.points:>5}  {line.submitted or '-':<12} {line.expected or '-':<12} {line.message}"
        )


def setup_bank() -> None:
    """The setup step: import the question bank (nothing when its files have not changed)."""
    root = current_app.config["QUESTION_BANK"]
    try:
        summary = bank_service.import_bank(root)
    except bank_service.BankError as exc:
        print_problems(exc.problems)
        raise click.ClickException(f"{exc} Fix the files above and run again.") from exc
    click.echo(summary.line())
