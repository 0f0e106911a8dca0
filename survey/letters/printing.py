"""One print run: select who gets a letter, render the batches, write the print house's
manifest and record every letter; and the reprint of one letter. The command line
(`wijkprofiel letters print`) and the coordinator's letters page share it.

A reprint is the same letter again, with the same kenmerk and code (a lost or damaged one);
it is recorded in `letter_reprint`, and the original `letter` row stays the letter of record.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from survey import clock
from survey.errors import WijkprofielError
from survey.fieldwork.exports import safe_cell
from survey.letters import batches
from survey.letters.compose import compose_letter, settings_from_config
from survey.letters.render import BatchJob, LetterPdf, render_batches
from survey.models import LetterReprint, MailedLetter

MANIFEST_COLUMNS = ("batch", "sequence", "sample_unit_id", "wijk", "postcode", "kind", "pages",
                    "huisnummer", "woonplaats")

__all__ = ["MANIFEST_COLUMNS", "PrintRun", "print_run", "reprint"]


@dataclass
class PrintRun:
    kind: str
    wave: int
    edition_year: int
    letters: int = 0
    labels: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    per_batch: list[int] = field(default_factory=list)
    manifest: Path | None = None
    skipped: dict[str, int] = field(default_factory=dict)

    def skipped_text(self, reasons=batches.SKIP_REASONS) -> str:
        """How many were skipped and why, in the words of `reasons` (English for the command
        line, `batches.SKIP_REASONS_DUTCH` for the web page)."""
        return ", ".join(f"{n} {reasons[r]}" for r, n in self.skipped.items())


def print_run(db, config, kind: str, wave: int, out_dir: Path, *,
              year: int | None = None, letter_date: date | None = None,
              batch_size: int = 5000, processes: int = 2, wijk_codes=None,
              now: datetime | None = None) -> PrintRun:
    """Print the letters of `kind` for `wave` (optionally only in `wijk_codes`) into
    `out_dir`: one PDF per batch and one manifest, and record them.

    `db` is a session outside any transaction (the app context's, `storage.session()`): the
    run reads who gets a letter in one transaction and records the letters in another,
    committed before it returns; the rendering between them, minutes for a full wave, holds
    no transaction and no connection.

    Raises:
        WijkprofielError: a bad kind or wave, files that already exist, or another run that
            recorded the same letters at the same time (its files are removed then).
    """
    printed_at = now or datetime.utcnow().replace(microsecond=0)
    with db.begin():
        selection = batches.select_recipients(db, kind, wave, year, wijk_codes)
        first_number = batches.next_batch_number(db, selection.edition_year, wave, kind)
    run = PrintRun(kind, wave, selection.edition_year, skipped=selection.skipped)
    if not selection.recipients:
        return run
    settings = settings_from_config(config, selection.edition_year,
                                    letter_date or clock.today())
    chunks = batches.split_batches(selection.recipients, batch_size)
    run.labels = [batches.batch_label(selection.edition_year, wave, kind, first_number + i)
                  for i in range(len(chunks))]
    span = run.labels[0] + (f"_to_{run.labels[-1][-3:]}" if len(run.labels) > 1 else "")
    out_dir = Path(out_dir)
    run.manifest = out_dir / f"{span}-manifest.csv"
    run.paths = [out_dir / f"{label}.pdf" for label in run.labels]
    existing = [p for p in [run.manifest, *run.paths] if p.exists()]
    if existing:
        raise WijkprofielError(f"--out: {existing[0]} already exists; choose another folder or "
                               "move the earlier export away")
    # names and addresses: a new folder for the app's user alone (0700), the files 0600 below
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    jobs = [BatchJob(path, label, kind, settings, tuple(chunk))
            for path, label, chunk in zip(run.paths, run.labels, chunks)]
    # worker processes are forked: close the pooled database connections first, so that no
    # child inherits (and, on exit, closes) a connection the parent still uses
    db.get_bind().dispose()
    results = render_batches(jobs, processes=processes)
    printed = [letter for result in results for letter in result]
    run.per_batch = [len(result) for result in results]

    with run.manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANIFEST_COLUMNS)
        for p in printed:
            # the print house opens it in a spreadsheet: no cell may run as a formula
            writer.writerow([safe_cell(value) for value in (
                p.batch, p.sequence, p.sample_unit_id, p.wijk, p.postcode, p.kind, p.pages,
                p.house_number, p.city)])
    for path in [run.manifest, *run.paths]:
        path.chmod(0o600)
    try:
        with db.begin():
            batches.record_letters(db, printed, wave, printed_at)
    except IntegrityError:
        for path in [run.manifest, *run.paths]:
            path.unlink(missing_ok=True)
        raise WijkprofielError(
            f"another print run recorded {kind} letters for wave {wave} at the same time; the "
            "files of this run were removed. Run it again to print what is left"
        ) from None
    run.letters = len(printed)
    return run


def reprint(db, config, letter_id: int, path: Path, *, printed_by: str,
            reason: str | None = None, letter_date: date | None = None) -> MailedLetter:
    """Render letter `letter_id` again (same kenmerk, same code) into `path` and record it in
    the caller's transaction `db`.

    Raises:
        WijkprofielError: no such letter, or its unit's identity has been deleted.
    """
    letter = db.get(MailedLetter, letter_id)
    if letter is None:
        raise WijkprofielError(f"no letter {letter_id}")
    recipient = batches.recipient_of(db, letter.sample_unit_id)
    if recipient is None:
        raise WijkprofielError(f"letter {letter.batch}/{letter.sequence:05d}: the name and "
                               "address of its unit have been deleted; it cannot be printed")
    edition_year = int(letter.batch[:4])
    settings = settings_from_config(config, edition_year, letter_date or clock.today())
    composed = compose_letter(letter.kind, recipient, settings, batch=letter.batch,
                              sequence=letter.sequence)
    with LetterPdf(path, title=f"Wijkprofiel {edition_year}, herdruk {composed.reference}")\
            as pdf:
        pdf.add(composed)
    Path(path).chmod(0o600)
    db.add(LetterReprint(letter_id=letter.id, reason=reason or None, printed_by=printed_by,
                         printed_at=datetime.utcnow().replace(microsecond=0)))
    db.expunge(letter)
    return letter
