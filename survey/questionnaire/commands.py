"""`wijkprofiel questionnaire ...`: check questionnaire files, import an XLSForm."""

from pathlib import Path

import click

from survey.errors import QuestionnaireError


@click.group()
def questionnaire():
    """Questionnaire files: check them, import an XLSForm."""


@questionnaire.command("check")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def check_command(paths):
    """Check questionnaire files against the schema and their own references.

    PATHS default to every questionnaire in questionnaires/. Every problem is listed as
    `file line N: what is wrong`; the exit status is 1 if any file has one.
    """
    from survey.questionnaire.check import check_paths

    results = check_paths(list(paths))
    if not results:
        raise click.ClickException("no questionnaire files found")
    failed = 0
    for result in results:
        if result.ok:
            click.echo(result.summary())
        else:
            failed += 1
            for problem in result.problems:
                click.echo(str(problem), err=True)
    if failed:
        raise click.ClickException(
            f"{failed} of {len(results)} questionnaire file(s) failed the check")


@questionnaire.command("import-xlsform")
@click.argument("xlsform", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the YAML (default: questionnaires/<form id>.yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--partial", is_flag=True,
              help="Write the YAML even if some parts could not be translated (they are listed).")
@click.option("--edition", type=int, help="Wijkprofiel edition (default: year in the form version).")
def import_xlsform_command(xlsform, out, force, partial, edition):
    """Convert an ODK XLSForm (survey/choices/settings sheets) into our YAML format.

    What cannot be translated is listed with its sheet, row and column; the YAML is written
    only when everything was translated (unless --partial), and then checked like any
    questionnaire.
    """
    from survey.paths import QUESTIONNAIRES_DIR
    from survey.questionnaire.check import check_file
    from survey.questionnaire.xlsform import convert_xlsform
    from survey.questionnaire.xlsform.names import snake

    if out is not None and snake(out.stem) != out.stem:
        # the check wants the id to equal the file name, and an id is snake_case
        raise QuestionnaireError(out, f"--out: the file name must be the questionnaire id, in "
                                      f"lower case with _ between words: {snake(out.stem)}.yaml")
    result = convert_xlsform(xlsform, questionnaire_id=out.stem if out else None, edition=edition)
    for note in result.notes:
        click.echo(note)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if result.problems and not partial:
        raise click.ClickException(
            f"{xlsform}: {len(result.problems)} part(s) could not be translated; nothing written "
            f"(--partial writes the rest)")
    out = out or QUESTIONNAIRES_DIR / f"{result.questionnaire_id}.yaml"
    if out.exists() and not force:
        raise QuestionnaireError(out, "exists already; use --force to overwrite it")
    # checked under its own name in a scratch folder first: a file that fails the check is
    # never left where the app would load it (unless --partial)
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / out.name
        draft.write_text(result.yaml_text, encoding="utf-8")
        checked = check_file(draft)
        if not checked.ok:
            for problem in checked.problems:
                click.echo(str(problem).replace(str(draft), str(out)), err=True)
            if not partial:
                raise click.ClickException(f"{xlsform}: the converted questionnaire does not pass "
                                           "the check; nothing written")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(draft, out)
    if not checked.ok:
        raise click.ClickException(f"{out}: written, but it does not pass the check")
    click.echo(f"wrote {out}")
    click.echo(checked.summary().replace(str(draft), str(out)))
    if result.problems:
        raise click.ClickException(f"{out}: written without the {len(result.problems)} part(s) "
                                   f"listed above; complete it by hand")
