"""`wijkprofiel index`: index scores from a Wijkprofiel export, and the index configurations.

    wijkprofiel index EXPORT.csv --out scores.csv [--config FILE] [--previous OLD.csv]
    wijkprofiel index check [PATH...]
    wijkprofiel index import-published EXPORT.csv --edition 2014

`index EXPORT.csv` (no subcommand name) computes the scores, as it always did; the group
dispatches any first argument that is not a subcommand to it. The work is done by
`weighting.scores`, `weighting.index_check` and `weighting.export_format`; this module only
wires files to them. Our errors (`InputError`) are turned into one-line messages by the
`wijkprofiel` group, so a bad cell reads `export.csv row 5, column '...': '2,4,1' is not a
number ...`.
"""

from pathlib import Path

import click

from weighting.export_format import read_export, read_scores, write_scores
from weighting.index_check import check_index_file, index_files
from weighting.published import read_published, store_published
from weighting.scores import (DEFAULT_CONFIG_PATH, compute_scores, index_change, load_index_configs,
                              load_score_config)

COMPUTE = "compute"


class IndexGroup(click.Group):
    """A group whose first argument, when it names no subcommand, is the EXPORT of `compute`:
    `wijkprofiel index EXPORT.csv --out scores.csv` keeps working beside the subcommands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [COMPUTE, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "EXPORT.csv --out SCORES.csv [OPTIONS] | COMMAND [ARGS]...")


@click.group("index", cls=IndexGroup)
def index_group():
    """Index scores (Veiligheidsindex, Sociale index, Fysieke index).

    `wijkprofiel index EXPORT.csv --out scores.csv` computes the Veiligheidsindex, its parts and
    themes from the indicator values of a Wijkprofiel export (see `wijkprofiel index compute
    --help`); the subcommands check the index configurations and store published editions.
    """


@index_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths):
    """Check index configurations (default: every file in indices/): every problem with file
    and line."""
    files = [Path(p) for p in paths] or index_files()
    count = 0
    for path in files:
        problems = check_index_file(path)
        for problem in problems:
            click.echo(str(problem), err=True)
        count += len(problems)
        if not problems:
            click.echo(f"{path}: ok")
    if count:
        raise click.ClickException(f"{count} problem(s) in {len(files)} file(s)")


def published_dir():
    """Where published editions are stored: PUBLISHED_SCORES_DIR, else `published/` in the
    app's instance folder (beside the SQLite database)."""
    from flask import current_app

    configured = current_app.config.get("PUBLISHED_SCORES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "published"


@index_group.command("import-published")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--edition", required=True, type=int, help="The edition the export publishes, e.g. 2014.")
@click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of stored editions (default: PUBLISHED_SCORES_DIR, else "
                   "instance/published).")
@click.option("--replace", is_flag=True, help="Overwrite an edition that is stored already.")
def import_published_command(export, edition, store, replace):
    """Store the published index scores in EXPORT as edition EDITION, so that the report shows
    it in the series of every edition since 2014.

    Every index whose columns the export has is stored (the 2014 export: the Veiligheidsindex,
    its parts and its eleven themes), for every wijk, gebied and Rotterdam; a bad cell stops
    the import with file, row and column, and nothing is stored.
    """
    from flask.cli import ScriptInfo

    frame = read_published(export, load_index_configs(), edition)
    if store is None:
        with click.get_current_context().ensure_object(ScriptInfo).load_app().app_context():
            store = published_dir()
    path = store_published(frame, store, replace=replace)
    indices = [c for c in load_index_configs() if c in set(frame["column"])]
    click.echo(f"edition {edition}: {frame['wijknr'].nunique()} areas, {len(frame)} published "
               f"scores of {', '.join(indices)} stored in {path}")


@index_group.command(COMPUTE)
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the scores (semicolon-separated, as the export).")
@click.option("--config", "config_path", default=DEFAULT_CONFIG_PATH, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Score configuration: indicators per theme and part, baseline, constants.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Scores of an earlier edition (as written by this command, or an export with "
                   "its published index column): add the change of the index and flag moves of "
                   "--threshold points or more.")
@click.option("--threshold", default=5.0, show_default=True, type=float,
              help="Size of a flagged move of the index (the college target is 5 points).")
def index_command(export, out, config_path, previous, threshold):
    """Compute index, part and theme scores from the indicator values in EXPORT.

    EXPORT is a Wijkprofiel export (semicolon-separated, decimal commas, percentages with %,
    Dutch column names). Published score columns in it are ignored: the scores are computed
    from the indicator values. The output has `wijknr` and the scores under the published
    column names, rounded as published.
    """
    config = load_score_config(config_path)
    values = read_export(export, config)
    scores = compute_scores(values, config, source=str(export))
    if previous is not None:
        earlier = read_scores(previous, [config.index_column])
        change = index_change(earlier, scores, column=config.index_column, threshold=threshold)
        scores[f"{config.index_column} vorige editie"] = change["before"]
        scores[f"{config.index_column} verschil"] = change["change"]
        scores[f"{config.index_column} verschil >= {threshold:g}"] = change["flagged"]
    write_scores(scores, out)
    click.echo(f"{len(scores)} areas scored from {export}; written to {out}")
    if previous is not None:
        flagged = scores.index[scores[f"{config.index_column} verschil >= {threshold:g}"] == True]  # noqa: E712
        click.echo(f"{len(flagged)} with the index moved {threshold:g} points or more since {previous}"
                   + (f": {', '.join(str(key) for key in flagged)}" if len(flagged) else ""))
