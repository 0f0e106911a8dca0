"""`wijkprofiel weight PLAN`: run a weighting plan (see `weighting.plan`).

Only click here, no Flask: `survey/cli.py` adds this command to the `wijkprofiel` group.
Our own errors become a one-line message and exit status 1.
"""

import click

from weighting.errors import WijkprofielError
from weighting.plan import load_plan, run_plan, write_outputs


@click.command("weight")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: the plan's `output`, relative to the plan).")
def weight_command(plan, output):
    """Weight respondents and estimate as the weighting plan PLAN (YAML) says.

    Writes weights.csv (the data plus `weight`), estimates.csv and diagnostics.csv.
    """
    try:
        parsed = load_plan(plan)
        result = run_plan(parsed)
    except WijkprofielError as exc:
        _warn(exc.warnings_before)  # a Windows-1252 file read before the error, say
        raise click.ClickException(str(exc)) from None
    _warn(result.warnings)
    try:
        written = write_outputs(result, output if output is not None else parsed.base / parsed.output)
    except WijkprofielError as exc:
        raise click.ClickException(str(exc)) from None
    d = result.design
    diag = d.diagnostics
    click.echo(f"weighted {d.n} respondents in {len(d.stratum_labels)} strata by {parsed.method}"
               f" ({diag.get('iterations', 1)} iterations); {len(result.estimates)} estimates;"
               f" {len(result.collapsed)} cells collapsed")
    for path in written:
        click.echo(f"wrote {path}")


def _warn(messages) -> None:
    for message in messages:
        click.echo(f"warning: {message}", err=True)
