"""`wijkprofiel sample ...`: import a register extract or a drawn sample, and draw the sample.

    wijkprofiel sample import brp-2023.csv --kind register --edition 2024
    wijkprofiel sample import steekproef.xlsx --kind sample --map register_id=BSN
    wijkprofiel sample import telefoonnummers.csv --kind contact --edition 2024
    wijkprofiel sample draw --edition 2024 --seed 20240101 --targets targets.csv

A file with bad rows stops the import with every error listed (file, row, column, what is
wrong and what was expected; the header is row 1) and nothing is stored.
"""

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey import settings
from survey.errors import InputError
from survey.fieldwork import targets as edition_targets
from survey.population.targets import DEFAULT_TARGET, targets_setting
from survey.sampling import draw as drawing
from survey.sampling import checks, fields
from survey.sampling import import_file as importing
from survey.staff import audit
from weighting import tables


def _who():
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return None


def _edition(year):
    return year if year is not None else int(current_app.config.get("EDITION_YEAR")
                                             or settings.default("EDITION_YEAR"))


def _mapping(pairs):
    mapping = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or not name.strip():
            raise InputError("--map", f"{pair!r} is not field=header, such as "
                             "birth_date=Geboortedatum")
        mapping[name.strip()] = header.strip() or None
    return mapping


@click.group()
def sample():
    """The sample: import a register or a drawn sample, or draw one from the register."""


@sample.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--kind", type=click.Choice(fields.KINDS), default="register",
              show_default=True, help="register: the extract to draw from; sample: already "
              "drawn; contact: phone numbers or corrected addresses of drawn persons (never "
              "touches the margins)")
@click.option("--edition", "year", type=int, default=None,
              help="edition year; EDITION_YEAR (2024) by default")
@click.option("--map", "pairs", multiple=True, metavar="FIELD=HEADER",
              help="which column holds a field, where the guess is wrong (repeatable); "
                   "an empty header unmaps it")
@click.option("--reference-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="date of the register extract, for ages (default 1 January of the year "
                   "before the edition)")
@click.option("--show-mapping", is_flag=True, help="print the mapping and check, store nothing")
@with_appcontext
def import_command(file, kind, year, pairs, reference_date, show_mapping):
    """Import FILE (CSV or Excel): all rows, or none when any row is bad."""
    from survey import storage

    year = _edition(year)
    mapping = _mapping(pairs)
    on = reference_date.date() if reference_date else None
    if show_mapping:
        table = tables.read_path(file)
        guessed = fields.guess_mapping(table.headers, kind)
        guessed.update(mapping)
        for field in fields.fields_for(kind):
            click.echo(f"{field.name:22} <- {guessed.get(field.name) or '(none)'}")
        with storage.transaction() as db:
            context = checks.load_context(db, kind, year, on)
        result = checks.check(table, guessed, kind, context)
        click.echo("unused columns: " + (", ".join(result.unused_columns) or "(none)"))
        for notice in result.notices:
            click.echo(f"note: {notice}")
        if not result.ok:
            raise checks.FileErrors(result)
        click.echo(f"{file}: {result.rows} rows, no errors")
        return
    with storage.transaction() as db:
        summary = importing.import_file(db, file, kind, year, mapping=mapping,
                                        reference_date=on, created_by=_who())
    audit.record("sample_import", target=file, username=_who(), role="command line",
                 detail=f"{kind}, edition {year}, {summary.rows} rows, batch {summary.batch_id}")
    for notice in summary.notices:
        click.echo(f"note: {notice}")
    if kind == "contact":
        click.echo(f"{file}: contact data of {summary.contacts_updated} drawn persons updated "
                   f"in edition {year}; the margins are unchanged")
        return
    click.echo(f"{file}: {summary.rows} rows imported as {kind} of edition {year} "
               f"(persons added {summary.persons_added}, updated {summary.persons_updated}"
               + (f"; sample units {summary.units}" if kind == "sample" else
                  f"; margins {summary.margins}")
               + (f"; {summary.left_out_young} under 15 left out" if summary.left_out_young
                  else "") + ")")


@sample.command("targets")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--edition", "year", type=int, default=None,
              help="edition year; EDITION_YEAR (2024) by default")
@with_appcontext
def targets_command(file, year):
    """Store FILE (CSV wijk_code;target[;response_rate]) as the edition's targets: the one set
    the draw, the dashboard and the call list use."""
    from survey import storage
    from survey.editions import edition_for

    year = _edition(year)
    with storage.transaction() as db:
        read = edition_targets.read_targets(file.read_bytes(), file.name, checks.wijk_names(db))
        importing.add_areas(db, set(read.targets))
        edition = edition_for(db, year)
        stored = edition_targets.store_targets(db, edition.id, read.targets, read.rates,
                                               source_name=file.name, stored_by=_who())
    audit.record("store_targets", target=f"edition {year}", username=_who(),
                 role="command line", detail=f"{file.name}: {read.in_file} wijken in the file")
    for notice in read.notices:
        click.echo(f"note: {notice}")
    click.echo(f"{file.name}: targets of {stored} wijken stored with edition {year} "
               f"(total {sum(read.targets.values())})")


@sample.command("period")
@click.option("--edition", "year", type=int, default=None,
              help="edition year; EDITION_YEAR (2024) by default")
@click.option("--start", required=True, help="first day of fieldwork, such as 01-03-2023")
@click.option("--end", required=True, help="last day of fieldwork, such as 30-11-2023")
@with_appcontext
def period_command(year, start, end):
    """Set the edition's fieldwork period (the dashboard's time axis; privacy purge-identity
    waits until it has ended)."""
    from survey import storage
    from survey.fieldwork import dates
    from survey.fieldwork.period import set_period

    year = _edition(year)
    days = []
    for option, text in (("--start", start), ("--end", end)):
        try:
            days.append(dates.parse_date(text))
        except ValueError as exc:
            raise InputError(option, str(exc)) from None
    with storage.transaction() as db:
        set_period(db, year, *days)
    audit.record("set_period", target=f"edition {year}", username=_who(), role="command line",
                 detail=f"{days[0].isoformat()} to {days[1].isoformat()}")
    click.echo(f"edition {year}: fieldwork from {days[0]:%d-%m-%Y} to {days[1]:%d-%m-%Y}")


@sample.command("draw")
@click.option("--edition", "year", type=int, default=None,
              help="edition year; EDITION_YEAR (2024) by default")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), required=True,
              help="seed of the random generator: the same register and seed draw the same "
                   "persons")
@click.option("--targets", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CSV wijk_code;target[;response_rate], stored with the edition; default "
                   "the edition's stored targets, else FIELDWORK_TARGETS "
                   f"({DEFAULT_TARGET} per wijk)")
@click.option("--response-rate", type=float, default=drawing.DEFAULT_RESPONSE_RATE,
              show_default=True, help="expected response rate where the targets file has none")
@click.option("--dry-run", is_flag=True, help="print the sizes per wijk, draw nothing")
@with_appcontext
def draw_command(year, seed, targets, response_rate, dry_run):
    """Draw the stratified sample per wijk from the edition's newest register import."""
    from survey import storage

    year = _edition(year)
    fallback = targets_setting(current_app.config, storage.database_url(),
                               current_app.instance_path)
    if targets:
        with storage.transaction() as db:
            targets = edition_targets.read_targets(Path(targets).read_bytes(),
                                                   Path(targets).name, checks.wijk_names(db))
        for notice in targets.notices:
            click.echo(f"note: {notice}")
    if dry_run:
        with storage.transaction() as db:
            table, _batch = drawing.plan(db, year, targets, response_rate, fallback=fallback)
        click.echo(table.to_string(index=False))
        click.echo(f"total {int(table.sample_size.sum())} of {int(table.population.sum())}")
        return
    with storage.transaction() as db:  # all units or none
        summary = drawing.draw(db, year, seed, targets=targets, response_rate=response_rate,
                               created_by=_who(), fallback=fallback)
    audit.record("sample_draw", target=f"edition {year}", username=_who(), role="command line",
                 detail=f"seed {seed}, {summary.units} units from {summary.frame} persons, "
                        f"batch {summary.batch_id}")
    drawn = summary.per_wijk
    click.echo(f"edition {year}: drew {summary.units} units from {summary.frame} persons in "
               f"{int((drawn.sample_size > 0).sum())} wijken (seed {seed}); "
               f"{summary.margins} margin rows written")
