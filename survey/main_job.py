"""`wijkprofiel demo run`: the main job end to end on the embedded default.

Seed the demo edition (or reuse it), create demo staff accounts, then weight the edition to
its register margins, write the report and the public site, and serve the web app.

With `--serve` the app serves as soon as the demo edition is in the database: the rest (the
previous edition 2022 for comparison, the weighting, the report and the public site) runs
in a background thread of the same process, its output printed as it goes; the public site
appears under /wijkprofiel/ once it is written, and a failure is printed with its cause (and
makes the command exit with an error when the server stops). With `--no-serve` everything
runs in order and the command ends when the report and site are written. Either way the
previous edition is generated in a worker process while the demo edition is written.
"""

import secrets
import sys
import threading
import time
import traceback
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey import storage
from survey.paths import PROJECT_ROOT
from survey.demo.commands import demo, print_summary, seed_and_report
from survey.demo.register_indicators import EXPORT_2014, write_register
from survey.demo.seed import EDITION_YEAR, seed_edition
from survey.demo.worker import EditionInBackground
from weighting.design import LONELY_PSU_RULES
from weighting.errors import WijkprofielError
from weighting.published import read_published, store_published
from weighting.scores import load_index_configs
from survey.models import Edition, IdentityLink, IdentityPerson, SampleUnit, StaffUser
from survey.publish.commands import publish_from_report
from survey.report.edition_report import LONELY_PSU_HELP, build_edition_report
from survey.pdf_engine import INSTALL_HINT
from survey.report.pdf import pdf_unavailable
from survey.staff.auth import add_user
from survey.staff.roles import ROLES

DEMO_YEAR = EDITION_YEAR  # the demo's edition, stated once in survey/demo/seed.py
PREVIOUS_YEAR = DEMO_YEAR - 2


def demo_codes(db, per_group: int = 2) -> dict[tuple[str, str], list[str]]:
    """A few personal codes per (questionnaire, status) of the demo edition, for trying out."""
    codes: dict[tuple[str, str], list[str]] = {}
    rows = db.execute(
        select(SampleUnit.questionnaire_id, SampleUnit.status, IdentityLink.access_code)
        .join(IdentityLink, IdentityLink.sample_unit_id == SampleUnit.id)
        .join(Edition, Edition.id == SampleUnit.edition_id)
        .where(Edition.year == DEMO_YEAR)
        .order_by(SampleUnit.id)
        .limit(5000)
    ).all()
    for questionnaire_id, status, code in rows:
        group = codes.setdefault((questionnaire_id, status), [])
        if len(group) < per_group:
            group.append(code)
    return codes


def ensure_demo_staff() -> dict[str, str]:
    """One demo account per role with a fresh random password (printed, never stored plain);
    existing accounts are left alone. Returns {username: password} of the new ones."""
    created = {}
    for role in ROLES:
        username = f"demo-{role.replace('_', '-')}"
        password = secrets.token_urlsafe(12)
        try:
            with storage.transaction() as db:
                add_user(db, username, password, role)
        except ValueError:
            continue  # exists from an earlier run; its password was printed then
        created[username] = password
    return created


@demo.command("run")
@click.option("--seed", "seed", type=int, default=2024, show_default=True)
@click.option("--scale", type=click.FloatRange(0, 1, min_open=True), default=1.0,
              show_default=True, help="Fraction of Rotterdam to seed.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "out" / "demo", show_default=True,
              help="Where the report, weights, register files, the stored published 2014 "
                   "edition (unless PUBLISHED_SCORES_DIR is set) and the public site go.")
@click.option("--reseed", is_flag=True, help="Rebuild the demo edition even if it exists.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the web app as soon as the demo edition is seeded, while the report "
                   "is written (Ctrl-C stops it); --no-serve writes the report and ends.")
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU_RULES), envvar="REPORT_LONELY_PSU",
              default="fail", show_default=True,
              help=LONELY_PSU_HELP + "; as `wijkprofiel report --lonely-psu` (REPORT_LONELY_PSU). "
                   "A small --scale can leave a wijk with one respondent.")
@with_appcontext
def run_command(seed, scale, out_dir, reseed, host, port, serve, lonely_psu):
    """The main job: seed the demo edition, serve the app, weight it, write the report."""
    url = storage.database_url()
    started = time.perf_counter()
    storage.upgrade(url)
    with storage.transaction() as session:
        exists = session.scalar(select(Edition.id).where(Edition.year == DEMO_YEAR)) is not None
        # a database with nothing in it yet (an empty folder) is loaded without disk syncs:
        # a power cut then costs only the demo being built (`seed_edition(durable=False)`)
        durable = any(session.scalar(select(table.id).limit(1)) is not None
                      for table in (Edition, IdentityPerson, StaffUser))
    previous = None
    if exists and not reseed:
        click.echo(f"demo edition {DEMO_YEAR} is in the database already (use --reseed to rebuild)")
    else:
        # the previous edition, for the report's change over editions, is generated on the
        # other core while this one is written
        previous = EditionInBackground(seed - 2, scale, PREVIOUS_YEAR)
        try:
            # the codes are listed once, at the end, with the addresses to use them at
            # an empty folder's database has no other user before it serves: loaded alone
            seed_and_report(url, seed=seed, scale=scale, replace=exists, show_codes=False,
                            durable=durable, alone=not durable)
        except BaseException:
            previous.cancel()
            raise
    staff = ensure_demo_staff()
    job = _MainJob(url, seed, out_dir, previous, started, durable, lonely_psu)

    base = f"http://{host}:{port}"
    if not serve:
        job.run()
        _print_addresses(url, base, staff, site_pending=False)
        return
    app = current_app._get_current_object()
    # the addresses and codes first, so that the job's output does not run through them
    _print_addresses(url, base, staff, site_pending=True)
    job.start(app)
    from werkzeug.serving import run_simple

    # the demo serves plain http on this machine: a Secure-only cookie would not come back
    # in every browser; production sits behind TLS and keeps the default (deploy/README.md)
    app.config["SESSION_COOKIE_SECURE"] = False
    click.echo(f"serving on {base}  (Ctrl-C stops)")
    run_simple(host, port, app, threaded=True)
    job.finish()


class _MainJob:
    """The part of the main job after the demo edition is seeded: the previous edition, the
    weighting and report, the public site. `run()` in this thread, or `start()` in a
    background one and `finish()` when the server has stopped."""

    def __init__(self, url, seed, out_dir, previous, started, durable, lonely_psu="fail"):
        self.url, self.seed, self.out_dir = url, seed, out_dir
        self.lonely_psu = lonely_psu
        self.previous, self.durable = previous, durable
        self.started = started
        self.published = _published_dir(out_dir)
        self.thread = None
        self.finished = threading.Event()
        self.error = None

    def start(self, app):
        def work():
            with app.app_context():
                try:
                    self.run(app)
                except BaseException as error:  # reported here and again when serving stops
                    self.error = error
                    _report_failure(error, self.out_dir)
                finally:
                    self.finished.set()

        self.thread = threading.Thread(target=work, name="main job", daemon=True)
        self.thread.start()

    def finish(self):
        """After the server stopped: wait for the background part (a second Ctrl-C gives
        up on it) and fail the command if it failed."""
        if self.thread is not None:
            if not self.finished.is_set():
                click.echo("waiting for the main job to finish (Ctrl-C again to abandon it) ...")
            try:
                self.thread.join()
            except KeyboardInterrupt:
                raise click.ClickException(
                    f"main job abandoned: the report and site in {self.out_dir} are incomplete")
        if self.error is not None:
            raise click.ClickException(f"main job failed: {_describe(self.error)}")

    def run(self, app=None):
        url, out_dir = self.url, self.out_dir
        if self.previous is not None:
            click.echo(f"seeding the previous edition {PREVIOUS_YEAR} for comparison ...")
            try:
                # beside the serving app: short transactions, so that a respondent's page
                # save waits well under a second for SQLite's lock, not for the whole load
                serving = app is not None
                summary = seed_edition(url, seed=self.seed - 2, scale=self.previous.scale,
                                       year=PREVIOUS_YEAR, replace=True, generated=self.previous,
                                       durable=self.durable, short_transactions=serving,
                                       alone=not serving and not self.durable)
            except BaseException:
                self.previous.cancel()
                raise
            print_summary(summary, show_codes=False)

        click.echo("weighting the edition per wijk and estimating every indicator ...")
        t0 = time.perf_counter()
        missing_pdf = pdf_unavailable()
        if missing_pdf:
            # the HTML report is the main product; a machine without the PDF engine still gets it
            click.echo(f"  no PDF on this machine ({missing_pdf}); {INSTALL_HINT}")
        # police and municipal counts per wijk for the objective part of the Veiligheidsindex
        years = ((DEMO_YEAR, self.seed), (PREVIOUS_YEAR, self.seed - 2))
        registers = [write_register(out_dir / "register" / f"register-{year}.csv", year,
                                    seed=year_seed) for year, year_seed in years]
        # the published 2014 edition (the shared export) opens the series since 2014
        stored = store_published(read_published(EXPORT_2014, load_index_configs(), 2014),
                                 self.published, replace=True)
        click.echo(f"published edition 2014 (Veiligheidsindex) stored in {stored} "
                   f"(`wijkprofiel report --published {self.published}` uses it too)")
        report = build_edition_report(storage.session(), out_dir, year=DEMO_YEAR,
                                      pdf=missing_pdf is None, register=registers[0],
                                      previous_register=registers[1], published=self.published,
                                      lonely_psu=self.lonely_psu)
        click.echo(f"  {len(report.weights):,} respondents raked in "
                   f"{report.diagnostics['stratum'].ne('(all)').sum()} wijken; "
                   f"{report.indicators['indicator'].nunique()} indicators x "
                   f"{len(report.indicators):,} domain estimates in "
                   f"{time.perf_counter() - t0:.1f} s")
        click.echo(f"report:  {report.html}" + (f", {report.pdf}" if report.pdf else ""))
        click.echo(f"indices, series and college targets: {out_dir / 'indices.html'}")
        click.echo(f"tables:  {out_dir / 'indicators.csv'}, {out_dir / 'index_scores.csv'}, "
                   f"{out_dir / 'weights.csv'}, {out_dir / 'diagnostics.csv'}")
        click.echo(f"register (objective indicators): {registers[0]}, {registers[1]}")
        # the public site from the report's own tables (wijkprofiel publish --report)
        site_dir = out_dir / "site"
        _, site = publish_from_report(storage.session(), out_dir, site_dir, edition=DEMO_YEAR,
                                      factsheets=missing_pdf is None)
        # served from here on (only once it is written in full)
        (app or current_app).config["PUBLIC_SITE_DIR"] = str(site_dir)
        click.echo(f"public site: {site_dir / 'index.html'} ({len(site.pages)} pages, "
                   f"{len(site.factsheets)} factsheets, {site.size_bytes / 1e6:.1f} MB)")
        click.echo(f"main job done in {time.perf_counter() - self.started:.1f} s")


def _published_dir(out_dir: Path) -> Path:
    """Where the demo stores the published 2014 edition: PUBLISHED_SCORES_DIR when the app
    is configured with one, else `published/` in the --out folder (with the demo's register
    files), never the code folder; `wijkprofiel report --published DIR` reuses it."""
    configured = current_app.config.get("PUBLISHED_SCORES_DIR")
    return Path(configured) if configured else Path(out_dir) / "published"


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _report_failure(error: BaseException, out_dir: Path):
    """Print a background failure where the user sees it: the cause, and the traceback when
    it is not one of the tool's own errors (which name file, row and problem)."""
    click.echo("", err=True)
    click.echo(f"main job FAILED: {_describe(error)}", err=True)
    if not isinstance(error, (WijkprofielError, click.ClickException)):
        click.echo("".join(traceback.format_exception(error)).rstrip(), err=True)
    click.echo(f"the report and public site in {out_dir} are not complete; the app keeps "
               "serving the seeded data", err=True)
    sys.stderr.flush()


def _print_addresses(url, base, staff, site_pending):
    click.echo("")
    click.echo(f"respondent start page:  {base}/")
    click.echo(f"staff login:            {base}/staff/login")
    click.echo(f"health check:           {base}/healthz")
    click.echo(f"public Wijkprofiel:     {base}/wijkprofiel/"
               + ("  (once the main job has written it; until then 404)" if site_pending else ""))
    click.echo("demo personal codes (questionnaire, status):")
    with storage.transaction() as db:
        codes_by_group = demo_codes(db)
    for (questionnaire_id, status), codes in sorted(codes_by_group.items()):
        click.echo(f"  {questionnaire_id:<20} {status:<12} {'  '.join(codes)}")
    if staff:
        click.echo("demo staff accounts (shown once):")
        for username, password in staff.items():
            click.echo(f"  {username:<22} {password}")
