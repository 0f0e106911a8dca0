"""`wijkprofiel letters ...`: print invitation and reminder letters for the print house, and
register letters the post brought back."""

import getpass
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey import storage
from survey.letters import batches, printing, returned
from survey.letters.compose import KINDS
from survey.staff import audit

MANIFEST_COLUMNS = printing.MANIFEST_COLUMNS


@click.group()
def letters():
    """Invitation and reminder letters: print, and register returns."""


@letters.command("print")
@click.option("--kind", type=click.Choice(KINDS), required=True,
              help="invitation, or reminder1 / reminder2 (only to units not yet completed)")
@click.option("--wave", type=click.IntRange(min=1), required=True, help="fieldwork wave")
@click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True,
              help="letters per PDF")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("letters"), show_default=True, help="folder for the PDFs and manifest")
@click.option("--year", type=int, default=None, help="edition; the newest by default")
@click.option("--date", "letter_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="date printed on the letters (YYYY-MM-DD); today by default")
@click.option("--processes", type=click.IntRange(min=1), default=2, show_default=True,
              help="worker processes, one per core")
@with_appcontext
def print_letters(kind, wave, batch_size, out_dir, year, letter_date, processes):
    """Write one PDF per batch of letters and a CSV manifest for the print house, and record
    which letter went to which unit."""
    run = printing.print_run(storage.session(), current_app.config, kind, wave, out_dir,
                             year=year,
                             letter_date=letter_date.date() if letter_date else None,
                             batch_size=batch_size, processes=processes)
    skipped = run.skipped_text()
    if not run.letters:
        click.echo(f"no {kind} letters to print for wave {wave}"
                   + (f" (skipped: {skipped})" if skipped else ""))
        return
    # the PDFs hold names and addresses: the audit log says who made them, and where
    audit.record("print_letters", target=str(out_dir.resolve()), username=_who(),
                 role="command line",
                 detail=f"{run.letters} {kind} letters, wave {wave}, edition "
                        f"{run.edition_year}, batches {run.labels[0]} to {run.labels[-1]}")
    for path, count in zip(run.paths, run.per_batch):
        click.echo(f"{path}: {count} letters")
    click.echo(f"{run.manifest}: {run.letters} rows")
    click.echo(f"{run.letters} {kind} letters for wave {wave} in {len(run.paths)} batch(es)"
               + (f"; skipped: {skipped}" if skipped else ""))


@letters.command("returned")
@click.argument("csv_path", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def returned_letters(csv_path):
    """Register letters the post brought back and set each unit's AAPOR disposition.

    FILE.csv has the columns `kenmerk` (printed in the envelope window, e.g.
    2024-W1-INV-001/00042; or `batch` and `sequence`), `outcome` and optionally `date`
    (YYYY-MM-DD). Outcomes: """
    with storage.transaction() as session:
        outcome = returned.register_returns(session, csv_path,
                                            datetime.now().replace(microsecond=0))
    audit.record("register_returns", target=str(csv_path.resolve()), username=_who(),
                 role="command line",
                 detail=f"{outcome.registered} returned letters registered, "
                        f"{outcome.kept} kept their disposition")
    for notice in outcome.notices:
        click.echo(notice)
    for code, n in sorted(outcome.by_disposition.items()):
        click.echo(f"disposition {code}: {n} unit(s)")
    click.echo(f"{outcome.registered} returned letter(s) registered"
               + (f"; {outcome.kept} unit(s) had completed or had a final disposition "
                  "already and keep it" if outcome.kept else "")
               + (f"; {outcome.already_registered} were registered before"
                  if outcome.already_registered else ""))


returned_letters.help = ((returned_letters.help or "") + ", ".join(returned.REASONS)
                         + "; or in Dutch " + ", ".join(returned.DUTCH_ALIASES) + ".")


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


@letters.command("sent")
@click.option("--year", type=int, default=None, help="edition; the newest by default")
@with_appcontext
def sent(year):
    """What was printed: letters and returns per wave, kind and batch."""
    with storage.transaction() as session:
        rows = batches.letters_sent(session, year)
    if not rows:
        click.echo("no letters printed yet")
        return
    click.echo(f"{'wave':>4}  {'kind':<10} {'batch':<18} {'letters':>8} {'returned':>8}  printed")
    for wave, kind, batch, count, returns, printed_at in rows:
        click.echo(f"{wave:>4}  {kind:<10} {batch:<18} {count:>8} {returns:>8}  "
                   f"{printed_at:%Y-%m-%d %H:%M}")
