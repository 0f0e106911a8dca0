"""`wijkprofiel demo ...`: the demo edition.

    wijkprofiel demo seed [--seed N] [--scale F] [--database-url URL] [--replace]
"""

import click
from flask import current_app
from flask.cli import with_appcontext

from survey import storage
from survey.demo.seed import EDITION_YEAR, seed_edition
from survey.population.targets import database_targets_path, write_targets

__all__ = ["demo", "print_summary", "seed_and_report"]

_STEPS = 1000


@click.group()
def demo():
    """The demo edition: a realistic synthetic Wijkprofiel 2024."""


@demo.command("seed")
@click.option("--seed", "seed", type=int, default=2024, show_default=True,
              help="Seed of the random generator; the same seed gives the same edition.")
@click.option("--scale", type=click.FloatRange(0, 1, min_open=True), default=1.0,
              show_default=True,
              help="Fraction of Rotterdam: 1 gives ~535,000 residents, 75,000 sampled.")
@click.option("--database-url", envvar="DATABASE_URL", default=None,
              help="Database to seed (default: DATABASE_URL, else the app's SQLite file).")
@click.option("--replace", is_flag=True,
              help=f"Delete an existing edition {EDITION_YEAR} and its demo register first.")
@with_appcontext
def seed_command(seed, scale, database_url, replace):
    """Seed the demo edition: register, margins, sample, fieldwork and answers."""
    seed_and_report(database_url or storage.database_url(), seed=seed, scale=scale,
                    replace=replace)


def seed_and_report(url, *, seed, scale, replace, show_codes=True, durable=True, alone=False):
    """Seed the demo edition with a progress bar, print what was made, and write the
    dashboard's targets for it. `show_codes=False` leaves the demo login codes to the caller
    (`wijkprofiel demo run` lists them once, at the end, with the addresses); `durable` and
    `alone` as for `seed_edition`."""
    with click.progressbar(
        length=_STEPS,
        label="demo seed",
        show_eta=False,
        item_show_func=lambda stage: stage or "",
    ) as bar:
        shown = 0

        def progress(stage, fraction):
            nonlocal shown
            target = int(fraction * _STEPS)
            bar.update(max(target - shown, 0), current_item=stage)
            shown = max(shown, target)

        summary = seed_edition(url, seed=seed, scale=scale, progress=progress, replace=replace,
                               durable=durable, alone=alone)
        bar.update(_STEPS - shown, current_item="done")
    print_summary(summary, show_codes=show_codes)
    # the dashboard's targets scale with the sample (survey.population.targets)
    path = write_targets(database_targets_path(url, current_app.instance_path), summary.targets)
    configured = current_app.config.get("FIELDWORK_TARGETS")
    click.echo(f"fieldwork targets: {sum(summary.targets.values()):,} net responses over "
               f"{len(summary.targets)} wijken in {path}"
               + (" (FIELDWORK_TARGETS names other targets; set it to this file to use these)"
                  if configured not in (None, str(path)) else ""))


def print_summary(summary, show_codes=True):
    """Print what `seed_edition` made: counts, times and (unless told not to) demo login
    codes."""
    c = summary.counts
    click.echo(
        f"edition {summary.edition_year} (seed {summary.seed}, scale {summary.scale:g}) "
        f"seeded in {summary.seconds.get('total', 0):.1f} s"
    )
    click.echo(
        f"  {c['areas']} wijken, {c['persons']:,} register persons, {c['margins']:,} margins"
    )
    click.echo(
        f"  {c['sample_units']:,} sampled: {c['completed']:,} completed, "
        f"{c['screened_out']:,} screened out (no longer at the address), "
        f"{c['started']:,} started, {c['invited']:,} not started"
    )
    click.echo(f"  {c['answers']:,} answers, {c['page_visits']:,} page visits")
    click.echo(f"  {c['call_attempts']:,} phone calls, {c['phone_interviews']:,} phone interviews")
    stages = ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items() if k != "total")
    click.echo(f"  seconds: {stages}")
    if not show_codes:
        return
    click.echo("demo login codes:")
    for questionnaire_id, by_status in summary.demo_codes.items():
        for status, codes in by_status.items():
            click.echo(f"  {questionnaire_id:<20} {status:<10} {' '.join(codes)}")
