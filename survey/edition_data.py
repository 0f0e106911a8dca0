"""The fieldwork database as a source for weighting: the current edition's answers and its
register margins, in the shapes a weighting plan reads (a data frame and margin CSV files).

Identity never leaves here: the answers frame holds the opaque sample unit id, the stratum, the
design and the register auxiliaries, and the answers; no names, addresses or codes.
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from survey.errors import WijkprofielError
from survey.fieldwork import aapor
from survey.fieldwork.dispositions import disposition_column
from survey.models import Area, Edition, PopulationMargin, SampleUnit

MARGIN_VARIABLES = ("age_group", "sex", "migration_background", "household_type")


@dataclass(frozen=True)
class EditionDesign:
    """How an edition is weighted, stated once: the report weights with it
    (`survey.report.edition_report.weight_edition`) and the plan it writes next to the margins
    says the same (`write_plan`). A stratified sample per wijk (design weight N_h / n_h, fpc
    from N_h), raked within each wijk to the register margins of `MARGIN_VARIABLES`.

    `lonely_psu` is what a wijk with a single respondent (a stratum with one PSU) adds to a
    variance, as R survey's `options(survey.lonely.psu=)`: one of
    `weighting.design.LONELY_PSU_RULES`; 'fail' stops the report (`wijkprofiel report
    --lonely-psu` chooses another rule, `dataclasses.replace` makes the design with it)."""

    strata: str = "wijk_code"
    design_weight: str = "design_weight"
    fpc: str = "stratum_population"
    method: str = "raking"
    collapse_min: int = 10  # fewer respondents than this in a margin cell: merge it with a neighbour
    lonely_psu: str = "fail"


EDITION_DESIGN = EditionDesign()


def edition_year(db, year: int | None = None) -> int:
    """`year` if that edition exists, else the newest edition; raises if there is none."""
    years = db.scalars(select(Edition.year).order_by(Edition.year)).all()
    if not years:
        raise WijkprofielError(
            "the database holds no edition yet; run `wijkprofiel demo seed` or import a sample"
        )
    if year is None:
        return years[-1]
    if year not in years:
        raise WijkprofielError(f"no edition {year} in the database; editions: {years}")
    return year


def write_margin_files(db, directory: Path, year: int | None = None) -> list[Path]:
    """Write one margin CSV per register variable, by wijk: columns `wijk_code`, the variable,
    `total`. A margin that contains the stratum variable calibrates within each wijk.

    Returns the paths written, in MARGIN_VARIABLES order. A register without migration
    background or household type (a plain BRP extract) has no margins for them: those are
    left out, and the plan calibrates on the margins that exist (age group and sex at least).
    """
    year = edition_year(db, year)
    margins = pd.read_sql(
        select(PopulationMargin.wijk_code, PopulationMargin.variable,
               PopulationMargin.category, PopulationMargin.total)
        .join(Edition, Edition.id == PopulationMargin.edition_id)
        .where(Edition.year == year),
        db.connection(),
    )
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for variable in MARGIN_VARIABLES:
        table = margins[margins["variable"] == variable]
        if table.empty:
            if variable in ("age_group", "sex"):
                raise WijkprofielError(f"edition {year} has no register margins for "
                                       f"{variable!r}")
            continue
        path = directory / f"margin_{variable}.csv"
        (table.rename(columns={"category": variable})[["wijk_code", variable, "total"]]
         .sort_values(["wijk_code", variable])
         .to_csv(path, index=False))
        paths.append(path)
    return paths


def areas(db) -> pd.DataFrame:
    """The wijken with their gebied, in wijk code order: columns wijk_code, wijk, gebied."""
    return pd.read_sql(select(Area.wijk_code, Area.wijk, Area.gebied).order_by(Area.wijk_code),
                       db.connection())


def fieldwork_summary(db, year: int) -> dict:
    """Gross sample, completes, the response rate (AAPOR RR1, with the dispositions the
    dashboard shows, so that units screened out as not eligible leave the denominator) and
    completes by mode, formatted for the report."""
    disposition = disposition_column()
    rows = db.execute(
        select(SampleUnit.status, SampleUnit.mode, disposition, func.count())
        .join(Edition, Edition.id == SampleUnit.edition_id)
        .where(Edition.year == year)
        .group_by(SampleUnit.status, SampleUnit.mode, disposition)
    ).all()
    gross = sum(count for *_, count in rows)
    completed = {}
    dispositions = {}
    for status, mode, code, count in rows:
        dispositions[code] = dispositions.get(code, 0) + count
        if status == "completed":
            completed[mode] = completed.get(mode, 0) + count
    completed_count = sum(completed.values())
    outcomes = aapor.OutcomeCounts.from_dispositions(dispositions)
    rr1 = outcomes.rates()["RR1"]
    mode_names = {"web": "via internet", "paper": "op papier", "phone": "telefonisch"}
    return {
        "gross": f"{gross:,}".replace(",", "."),
        "completed": f"{completed_count:,}".replace(",", "."),
        "completed_count": completed_count,
        "not_eligible": f"{outcomes.NE:,}".replace(",", "."),
        "response_rate": f"{100 * rr1:.1f}%".replace(".", ",") if rr1 is not None else "–",
        "by_mode": [(mode_names.get(m, m), f"{c:,}".replace(",", "."))
                    for m, c in sorted(completed.items(), key=lambda kv: -kv[1])],
    }


def register_database_source(transaction) -> None:
    """Make `data: db` in a weighting plan read the answers of the newest edition in the
    session that `with transaction() as db:` opens (called only when a plan asks for it)."""
    from survey.fieldwork.answers import answers_frame
    from weighting.plan import DATA_SOURCES

    def read(plan):
        with transaction() as db:
            return answers_frame(db)

    DATA_SOURCES["db"] = read


DEMO_PLAN = """\
# Weighting plan for the current edition in the fieldwork database (`wijkprofiel weight PLAN`).
data: db
strata: {design.strata}
design_weight: {design.design_weight}
fpc: {design.fpc}
method: {design.method}
collapse_min: {design.collapse_min}            # merge margin cells with fewer respondents into a neighbour
lonely_psu: {design.lonely_psu}              # a wijk with one respondent: fail | remove | certainty | adjust (R's survey.lonely.psu)
margins: [{margins}]
estimates:
  - {{name: tevreden_buurt, variable: tevreden_buurt, kind: proportion, values: [zeer_tevreden, tevreden], by: [wijk], ci: logit, missing: [weet_niet]}}
  - {{name: tevreden_buurt, variable: tevreden_buurt, kind: proportion, values: [zeer_tevreden, tevreden], by: [gebied], ci: logit, missing: [weet_niet]}}
  - {{name: tevreden_buurt, variable: tevreden_buurt, kind: proportion, values: [zeer_tevreden, tevreden], ci: logit, missing: [weet_niet]}}
  - {{name: buurt_cijfer, variable: buurt_cijfer, kind: mean, by: [wijk], missing: [weet_niet]}}
  - {{name: buurt_cijfer, variable: buurt_cijfer, kind: mean, missing: [weet_niet]}}
output: weighting/
"""


def write_plan(directory: Path, margin_paths, design: EditionDesign = EDITION_DESIGN) -> Path:
    """A ready-to-run weighting plan for the database edition next to its margin files, with
    `design` (the report's: its lonely-PSU rule too, so that the plan gives the report's
    standard errors)."""
    names = ", ".join(str(Path(p).relative_to(directory)) for p in margin_paths)
    path = directory / "plan.yaml"
    path.write_text(DEMO_PLAN.format(margins=names, design=design), encoding="utf-8")
    return path
