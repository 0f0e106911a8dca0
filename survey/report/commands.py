"""`wijkprofiel report`: the statistician's report of an edition from the fieldwork database.

    wijkprofiel report [--edition YEAR] [--previous YEAR] [--out DIR] [--pdf/--no-pdf]
                       [--register FILE] [--previous-register FILE]
                       [--min-n N] [--indicative-n N] [--multiple-testing fdr|none]
                       [--lonely-psu fail|remove|certainty|adjust]
"""

import gc
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey import storage
from survey.paths import PROJECT_ROOT
from survey.index_command import published_dir
from survey.report.edition_report import LONELY_PSU_HELP, build_edition_report
from weighting.design import LONELY_PSU_RULES
from survey.report.publication import MULTIPLE_TESTING, PublicationRule

__all__ = ["report_command"]


@contextmanager
def fewer_collections():
    """Python's cycle collector, tuned for the report: it allocates millions of short-lived
    objects, and each full collection walked every object of the imported libraries too (about
    1 s of a 20 s report). The objects that exist now (the modules) are set aside for the
    block (`gc.freeze`) and the young generations are collected less often; both are restored
    afterwards (tests run commands in one process)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@click.command("report")
@click.option("--edition", "year", type=int, default=None,
              help="Edition year (default: the newest in the database).")
@click.option("--previous", type=int, default=None,
              help="Edition to compare with (default: the newest before --edition, if any).")
@click.option("--no-previous", is_flag=True, help="Do not compare with an earlier edition.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "out" / "report", show_default=True,
              help="Directory for the report and its tables.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also write report.pdf (printed by chromium, headless).")
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Register file of the edition: police and municipal counts per wijk for the "
                   "objective part of the Veiligheidsindex (docs/register-indicators.md). "
                   "Without it the objective part and the index are missing.")
@click.option("--previous-register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Register file of the previous edition, for the change of the full index.")
@click.option("--min-n", type=click.IntRange(min=1), envvar="REPORT_MIN_N",
              default=PublicationRule.min_n, show_default=True,
              help="Estimates on fewer respondents are not published (REPORT_MIN_N).")
@click.option("--indicative-n", type=click.IntRange(min=1), envvar="REPORT_INDICATIVE_N",
              default=PublicationRule.indicative_n, show_default=True,
              help="Estimates on fewer respondents are marked indicative (REPORT_INDICATIVE_N).")
@click.option("--multiple-testing", type=click.Choice(MULTIPLE_TESTING), envvar="REPORT_MULTIPLE_TESTING",
              default=PublicationRule.multiple_testing, show_default=True,
              help="fdr: flag changes by Benjamini-Hochberg per level; none: by their own p "
                   "(REPORT_MULTIPLE_TESTING).")
@click.option("--index-replicates", type=click.IntRange(min=0), envvar="REPORT_INDEX_REPLICATES",
              default=PublicationRule.index_replicates, show_default=True,
              help="Bootstrap replicates for the index scores' standard errors and intervals; "
                   "0 leaves them out (REPORT_INDEX_REPLICATES).")
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU_RULES), envvar="REPORT_LONELY_PSU",
              default="fail", show_default=True, help=LONELY_PSU_HELP + " (REPORT_LONELY_PSU).")
@click.option("--published", "published",
              type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Directory of published editions stored by `wijkprofiel index "
                   "import-published`: they join the series since 2014. Default: where that "
                   "command stores them, PUBLISHED_SCORES_DIR, else published/ in the app's "
                   "instance folder beside its SQLite database (not the current folder). "
                   "`demo run` stores its 2014 edition in its --out folder instead and prints "
                   "the --published to give.")
@click.option("--database-url", envvar="DATABASE_URL", default=None,
              help="Database to report on (default: DATABASE_URL, else the app's SQLite file).")
@with_appcontext
def report_command(year, previous, no_previous, out_dir, pdf, register, previous_register,
                   min_n, indicative_n, multiple_testing, index_replicates, lonely_psu, published,
                   database_url):
    """Weight an edition, estimate every indicator per wijk, gebied and city, score the
    Veiligheidsindex (objective part from --register), compare with the previous edition, and
    write the report (HTML, PDF), its tables (CSV, Excel, SPSS) and a
    labelled SPSS file with codebook per edition."""
    if no_previous and previous is not None:
        raise click.UsageError("--previous and --no-previous exclude each other")
    if indicative_n < min_n:
        raise click.UsageError(f"--indicative-n ({indicative_n}) must be at least --min-n ({min_n})")
    if index_replicates == 1:
        raise click.UsageError("--index-replicates: 0 (none) or at least 2")
    rule = PublicationRule(min_n=min_n, indicative_n=indicative_n, multiple_testing=multiple_testing,
                           index_replicates=index_replicates)
    started = time.perf_counter()
    with fewer_collections(), storage.session_at(database_url) as db:
        report = build_edition_report(db, out_dir, year=year, previous=previous,
                                      compare=not no_previous, pdf=pdf, register=register,
                                      previous_register=previous_register, rule=rule,
                                      published=published or published_dir(),
                                      lonely_psu=lonely_psu)
    click.echo(f"report:  {report.html}")
    if report.pdf:
        click.echo(f"pdf:     {report.pdf}")
    compared = f", compared with {report.previous_year}" if report.previous_year else ""
    click.echo(f"  {len(report.weights):,} respondents, {report.indicators['indicator'].nunique()} "
               f"indicators x {len(report.indicators):,} domain estimates{compared}")
    click.echo(f"  {len(report.files)} files in {out_dir}")
    click.echo("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))
    click.echo(f"done in {time.perf_counter() - started:.1f} s")
