"""`wijkprofiel demo run`: the main job end to end on the embedded default.

Seed the demo edition (or reuse it), create demo staff accounts, weight the edition to its
register margins, write the report, then serve the web app and print where to look.
"""

import secrets
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey import storage
from survey.paths import PROJECT_ROOT
from survey.demo.commands import demo, seed_and_report
from survey.demo.register_indicators import EXPORT_2014, write_register
from survey.index_command import published_dir
from weighting.published import read_published, store_published
from weighting.scores import load_index_configs
from survey.demo.seed import seed_edition
from survey.models import Edition, IdentityLink, SampleUnit
from survey.publish.commands import publish_from_report
from survey.report.edition_report import build_edition_report
from survey.pdf_engine import INSTALL_HINT
from survey.report.pdf import pdf_unavailable
from survey.staff.auth import add_user
from survey.staff.roles import ROLES

DEMO_YEAR = 2024


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
    """One demo account per role with a fresh random password (printed, never stored plain),
    each in a transaction of its own on the app's database; existing accounts are left
    alone. Returns {username: password} of the new ones."""
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
              help="Where the report and weights go.")
@click.option("--reseed", is_flag=True, help="Rebuild the demo edition even if it exists.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the web app at the end (Ctrl-C stops it).")
@with_appcontext
def run_command(seed, scale, out_dir, reseed, host, port, serve):
    """The main job: seed the demo edition, weight it, write the report, serve the app."""
    url = storage.database_url()
    started = time.perf_counter()
    storage.upgrade(url)
    with storage.transaction() as session:
        exists = session.scalar(select(Edition.id).where(Edition.year == DEMO_YEAR)) is not None
    if exists and not reseed:
        click.echo(f"demo edition {DEMO_YEAR} is in the database already (use --reseed to rebuild)")
    else:
        # the codes are listed once, at the end, with the addresses to use them at
        seed_and_report(url, seed=seed, scale=scale, replace=exists, show_codes=False)
        # the previous edition, so that the report can show change over editions
        click.echo(f"seeding the previous edition {DEMO_YEAR - 2} for comparison ...")
        seed_edition(url, seed=seed - 2, scale=scale, year=DEMO_YEAR - 2, replace=True)
    staff = ensure_demo_staff()

    click.echo("weighting the edition per wijk and estimating every indicator ...")
    t0 = time.perf_counter()
    missing_pdf = pdf_unavailable()
    if missing_pdf:
        # the HTML report is the main product; a machine without the PDF engine still gets it
        click.echo(f"  no PDF on this machine ({missing_pdf}); {INSTALL_HINT}")
    # police and municipal counts per wijk for the objective part of the Veiligheidsindex
    registers = [write_register(out_dir / "register" / f"register-{year}.csv", year, seed=year_seed)
                 for year, year_seed in ((DEMO_YEAR, seed), (DEMO_YEAR - 2, seed - 2))]
    # the published 2014 edition (the shared export) opens the series since 2014
    published = published_dir()
    stored = store_published(read_published(EXPORT_2014, load_index_configs(), 2014), published,
                             replace=True)
    click.echo(f"published edition 2014 (Veiligheidsindex) stored in {stored}")
    report = build_edition_report(storage.session(), out_dir, year=DEMO_YEAR, pdf=missing_pdf is None,
                                  register=registers[0], previous_register=registers[1],
                                  published=published)
    click.echo(f"  {len(report.weights):,} respondents raked in "
               f"{report.diagnostics['stratum'].ne('(all)').sum()} wijken; "
               f"{report.indicators['indicator'].nunique()} indicators x "
               f"{len(report.indicators):,} domain estimates in {time.perf_counter() - t0:.1f} s")
    click.echo(f"report:  {report.html}" + (f", {report.pdf}" if report.pdf else ""))
    click.echo(f"indices, series and college targets: {out_dir / 'indices.html'}")
    click.echo(f"tables:  {out_dir / 'indicators.csv'}, {out_dir / 'index_scores.csv'}, "
               f"{out_dir / 'weights.csv'}, {out_dir / 'diagnostics.csv'}")
    click.echo(f"register (objective indicators): {registers[0]}, {registers[1]}")
    # the public site from the report's own tables (wijkprofiel publish --report)
    site_dir = out_dir / "site"
    _, site = publish_from_report(storage.session(), out_dir, site_dir, edition=DEMO_YEAR,
                                  factsheets=missing_pdf is None)
    click.echo(f"public site: {site_dir / 'index.html'} ({len(site.pages)} pages, "
               f"{len(site.factsheets)} factsheets, {site.size_bytes / 1e6:.1f} MB)")
    current_app.config["PUBLIC_SITE_DIR"] = str(site_dir)
    click.echo(f"main job done in {time.perf_counter() - started:.1f} s")

    base = f"http://{host}:{port}"
    click.echo("")
    click.echo(f"respondent start page:  {base}/")
    click.echo(f"staff login:            {base}/staff/login")
    click.echo(f"health check:           {base}/healthz")
    click.echo(f"public Wijkprofiel:     {base}/wijkprofiel/")
    click.echo("demo personal codes (questionnaire, status):")
    with storage.transaction() as db:
        codes_by_group = demo_codes(db)
    for (questionnaire_id, status), codes in sorted(codes_by_group.items()):
        click.echo(f"  {questionnaire_id:<20} {status:<12} {'  '.join(codes)}")
    if staff:
        click.echo("demo staff accounts (shown once):")
        for username, password in staff.items():
            click.echo(f"  {username:<22} {password}")
    if serve:
        from werkzeug.serving import run_simple

        app = current_app._get_current_object()
        # the demo serves plain http on this machine: a Secure-only cookie would not come back
        # in every browser; production sits behind TLS and keeps the default (deploy/README.md)
        app.config["SESSION_COOKIE_SECURE"] = False
        click.echo(f"serving on {base}  (Ctrl-C stops)")
        run_simple(host, port, app, threaded=True)
