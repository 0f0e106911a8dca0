"""`wijkprofiel publish`: the public site of an edition.

    wijkprofiel publish [--edition YEAR] [--out DIR] [--report DIR] [--postcodes FILE]
                        [--register FILE] [--previous-register FILE] [--factsheets/--no-factsheets]
                        [--lonely-psu fail|remove|certainty|adjust]

With `--report DIR` the site is published from that report's tables (`wijkprofiel report --out
DIR`); without it the report's computation runs first (`build_edition_report`, without its
PDF, into a temporary directory that is removed afterwards), so the site always shows the
report's figures.
"""

import tempfile
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey import edition_data, storage
from survey.paths import PROJECT_ROOT
from survey.publish.inputs import read_report
from survey.publish.postcodes import DEMO_POSTCODES, read_postcodes
from survey.publish.site import publish_site
from weighting.design import LONELY_PSU_RULES

__all__ = ["publish_command", "publish_from_report"]


def publish_from_report(db, report_dir: Path, out_dir: Path, *, edition=None,
                        postcodes: Path | None = None, factsheets: bool = True):
    """Publish the site from a report directory; the areas come from the database, read in a
    transaction of their own on `db` (a session outside any transaction).
    Returns (`SiteData`, `PublishedSite`)."""
    storage.require_fieldwork_tables(db)
    with db.begin():
        areas = edition_data.areas(db)
    table = read_postcodes(postcodes or DEMO_POSTCODES, areas)
    data = read_report(report_dir, areas=areas, postcodes=table, edition=edition)
    return data, publish_site(data, out_dir, factsheets=factsheets)


@click.command("publish")
@click.option("--edition", "year", type=int, default=None,
              help="Edition year (default: the newest in the database, or the report's).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "out" / "site", show_default=True,
              help="Directory for the site.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Publish from this report's tables (wijkprofiel report --out "
                                 "DIR) instead of running the report's computation.")
@click.option("--postcodes", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PC4 -> wijk table of the edition (CSV: postcode, wijk_code[, wijk]); "
                   "default: the table shipped for the demo.")
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Register file of the edition, for the objective part (as for report).")
@click.option("--previous-register", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Register file of the previous edition (as for report).")
@click.option("--factsheets/--no-factsheets", default=True, show_default=True,
              help="Also write the PDF factsheet of every wijk (printed by chromium, headless).")
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU_RULES), envvar="REPORT_LONELY_PSU",
              default="fail", show_default=True,
              help="A wijk with one respondent, as for report --lonely-psu (REPORT_LONELY_PSU); "
                   "without --report only.")
@click.option("--database-url", envvar="DATABASE_URL", default=None,
              help="Database (default: DATABASE_URL, else the app's SQLite file).")
@with_appcontext
def publish_command(year, out_dir, report_dir, postcodes, register, previous_register,
                    factsheets, lonely_psu, database_url):
    """Write the public Wijkprofiel site: pages for Rotterdam, every gebied and every wijk in
    Dutch and English, open data and a factsheet per wijk."""
    started = time.perf_counter()
    if factsheets:
        from survey import pdf_engine

        missing = pdf_engine.unavailable()
        if missing:
            raise click.ClickException(
                f"cannot write the factsheets: {missing}; {pdf_engine.INSTALL_HINT}, or use "
                "--no-factsheets")
    if report_dir is not None and (register or previous_register):
        raise click.UsageError("--register and --previous-register belong to the report; "
                               "with --report the report's own scores are used")
    with storage.session_at(database_url) as db:
        if report_dir is None:
            from survey.report.edition_report import build_edition_report

            with tempfile.TemporaryDirectory(prefix="wijkprofiel-report-") as work:
                click.echo("estimating the edition as the report does ...")
                build_edition_report(db, Path(work), year=year, pdf=False, register=register,
                                     previous_register=previous_register, lonely_psu=lonely_psu)
                data, site = publish_from_report(db, Path(work), out_dir, edition=year,
                                                 postcodes=postcodes, factsheets=factsheets)
        else:
            data, site = publish_from_report(db, report_dir, out_dir, edition=year,
                                             postcodes=postcodes, factsheets=factsheets)
    click.echo(f"site:        {out_dir / 'index.html'} ({len(site.pages)} pages, Dutch and English)")
    click.echo(f"open data:   {out_dir / 'data'} ({len(site.data_files)} files)")
    if factsheets:
        click.echo(f"factsheets:  {out_dir / 'factsheets'} ({len(site.factsheets)} PDFs)")
    click.echo(f"  edition {data.edition}" + (f", compared with {data.previous}" if data.previous else "")
               + f"; {site.size_bytes / 1e6:.1f} MB")
    click.echo("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in site.seconds.items()))
    click.echo(f"done in {time.perf_counter() - started:.1f} s")
