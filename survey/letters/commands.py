"""`wijkprofiel letters ...`: print invitation and reminder letters for the print house, and
register letters the post brought back."""

import csv
import getpass
import os
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from survey import storage
from survey.errors import WijkprofielError
from survey.fieldwork.exports import safe_cell
from survey.letters import batches, returned
from survey.letters.compose import KINDS, settings_from_config
from survey.letters.render import BatchJob, render_batches
from survey.staff import audit

MANIFEST_COLUMNS = ("batch", "sequence", "sample_unit_id", "wijk", "postcode", "kind", "pages")


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
    url = current_app.config["DATABASE_URL"]
    printed_at = datetime.now().replace(microsecond=0)
    with storage.transaction(url) as session:
        selection = batches.select_recipients(session, kind, wave, year)
        first_number = batches.next_batch_number(session, selection.edition_year, wave, kind)
    skipped = ", ".join(f"{n} {batches.SKIP_REASONS[r]}" for r, n in selection.skipped.items())
    if not selection.recipients:
        click.echo(f"no {kind} letters to print for wave {wave}"
                   + (f" (skipped: {skipped})" if skipped else ""))
        return

    settings = settings_from_config(current_app.config, selection.edition_year,
                                    (letter_date.date() if letter_date else date.today()))
    chunks = batches.split_batches(selection.recipients, batch_size)
    labels = [batches.batch_label(selection.edition_year, wave, kind, first_number + i)
              for i in range(len(chunks))]
    span = labels[0] + (f"_to_{labels[-1][-3:]}" if len(labels) > 1 else "")
    manifest = out_dir / f"{span}-manifest.csv"
    paths = [out_dir / f"{label}.pdf" for label in labels]
    existing = [p for p in [manifest, *paths] if p.exists()]
    if existing:
        raise WijkprofielError(f"--out: {existing[0]} already exists; choose another folder or "
                               "move the earlier export away")
    # names and addresses: the PDFs and the manifest are for the app's user alone (0600), as
    # the sample uploads are; the print house gets them by a channel of its own
    private = os.umask(0o077)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)

        jobs = [BatchJob(path, label, kind, settings, tuple(chunk))
                for path, label, chunk in zip(paths, labels, chunks)]
        # worker processes are forked: close the pooled database connections first, so that no
        # child inherits (and, on exit, closes) a connection the parent still uses
        storage.get_engine(url).dispose()
        results = render_batches(jobs, processes=processes)
        printed = [letter for result in results for letter in result]

        with manifest.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(MANIFEST_COLUMNS)
            for p in printed:
                # the print house opens it in a spreadsheet: no cell may run as a formula
                writer.writerow([safe_cell(value) for value in (
                    p.batch, p.sequence, p.sample_unit_id, p.wijk, p.postcode, p.kind, p.pages)])
    finally:
        os.umask(private)
    try:
        with storage.transaction(url) as session:
            batches.record_letters(session, printed, wave, printed_at)
    except IntegrityError:
        for path in [manifest, *paths]:
            path.unlink(missing_ok=True)
        raise WijkprofielError(
            f"another print run recorded {kind} letters for wave {wave} at the same time; the "
            "files of this run were removed. Run the command again to print what is left"
        ) from None

    # the PDFs hold names and addresses: the audit log says who made them, and where
    audit.record("print_letters", target=str(out_dir.resolve()), username=_who(),
                 role="command line",
                 detail=f"{len(printed)} {kind} letters, wave {wave}, edition "
                        f"{selection.edition_year}, batches {labels[0]} to {labels[-1]}")
    for path, result in zip(paths, results):
        click.echo(f"{path}: {len(result)} letters")
    click.echo(f"{manifest}: {len(printed)} rows")
    click.echo(f"{len(printed)} {kind} letters for wave {wave} in {len(paths)} batch(es)"
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
    url = current_app.config["DATABASE_URL"]
    with storage.transaction(url) as session:
        outcome = returned.register_returns(session, csv_path,
                                            datetime.now().replace(microsecond=0))
    audit.record("register_returns", target=str(csv_path.resolve()), username=_who(),
                 role="command line",
                 detail=f"{outcome.registered} returned letters registered, "
                        f"{outcome.kept} kept their disposition")
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
    url = current_app.config["DATABASE_URL"]
    with storage.transaction(url) as session:
        rows = batches.letters_sent(session, year)
    if not rows:
        click.echo("no letters printed yet")
        return
    click.echo(f"{'wave':>4}  {'kind':<10} {'batch':<18} {'letters':>8} {'returned':>8}  printed")
    for wave, kind, batch, count, returns, printed_at in rows:
        click.echo(f"{wave:>4}  {kind:<10} {batch:<18} {count:>8} {returns:>8}  "
                   f"{printed_at:%Y-%m-%d %H:%M}")
