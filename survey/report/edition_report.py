"""From the fieldwork database to the report: weight the edition per wijk to its register
margins, estimate every questionnaire indicator for the city, each gebied and each wijk, and
write the report.

The two questionnaires are answered by random halves of the same stratified sample, so one
calibration of all respondents serves both: an indicator of one questionnaire is estimated over
the respondents who got it (the others are out of its base), an indicator the two share is
estimated over both halves.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from survey import edition_data
from survey.demo.export import answers_frame
from survey.questionnaire.loader import load_all
from survey.report.build import write_report
from survey.report.indicator_values import indicator_values
from weighting import calibration, diagnostics, estimation
from weighting.design import Design
from weighting.io import read_margin

LEVELS = (("stad", None), ("gebied", "gebied"), ("wijk", "wijk"))
SPARSE_CELL = 10  # fewer respondents than this in a margin cell: merge it with a neighbour

METHOD_TEXT = [
    "Steekproef: per wijk een enkelvoudige aselecte steekproef van inwoners van 15 jaar en ouder "
    "uit de Basisregistratie Personen (gestratificeerd naar wijk); het designgewicht is het aantal "
    "inwoners gedeeld door de bruto steekproef in de wijk, met eindige-populatiecorrectie.",
    "Weging: per wijk gekalibreerd (raking, iteratieve proportionele aanpassing) op de "
    "registertotalen naar leeftijd, geslacht, migratieachtergrond en huishoudtype. Cellen met "
    "minder dan {sparse} respondenten zijn samengevoegd met een naburige categorie.",
    "Schatting: gewogen gemiddelden en aandelen per wijk, gebied en voor heel Rotterdam; elk "
    "niveau wordt geschat uit zijn eigen respondenten, niet gemiddeld over wijken.",
    "Onzekerheid: standaardfouten door Taylor-linearisatie, rekening houdend met de strata, de "
    "eindige-populatiecorrectie en de kalibratie (residuen van het kalibratiemodel), zoals R "
    "survey (Lumley 2010); 95%-intervallen voor aandelen op de logit-schaal.",
]


@dataclass
class EditionReport:
    html: Path
    indicators: pd.DataFrame
    weights: pd.DataFrame
    diagnostics: pd.DataFrame


def _unweighted(values: pd.Series, frame: pd.DataFrame, by):
    data = pd.DataFrame({"y": values})
    if by is None:
        return pd.DataFrame({"domain": ["Rotterdam"], "unweighted": [data["y"].mean()]})
    data["domain"] = frame[by].to_numpy()
    return data.groupby("domain")["y"].mean().rename("unweighted").reset_index()


def indicator_table(frame: pd.DataFrame, questionnaires) -> tuple[pd.DataFrame, dict]:
    """One column per indicator (its value per respondent, NaN outside its base) and the
    definition of each. An indicator that several questionnaires define (same id) takes its
    value from each respondent's own questionnaire."""
    groups = {qid: frame.index[frame["questionnaire_id"] == qid] for qid in questionnaires}
    columns, definitions = {}, {}
    for questionnaire in questionnaires.values():
        rows = frame.loc[groups[questionnaire.id]]
        for indicator in questionnaire.indicators:
            values = columns.setdefault(indicator.id, pd.Series(np.nan, index=frame.index))
            values.loc[groups[questionnaire.id]] = indicator_values(indicator, questionnaire, rows)
            sharers = definitions.setdefault(indicator.id, (indicator, []))[1]
            sharers.append(questionnaire.id)
    return pd.DataFrame(columns), definitions


def estimate_indicators(design: Design, definitions: dict) -> pd.DataFrame:
    """Every indicator in `definitions` (columns of the design's frame) for the city, each
    gebied and each wijk.

    Returns one row per indicator and domain: questionnaire, indicator, label, kind, index,
    theme, direction, level, domain, estimate, se, ci_low, ci_high, n, deff, df, unweighted.
    """
    frame = design.frame
    rows = []
    for name, (indicator, sharers) in definitions.items():
        values = frame[name]
        for level, by in LEVELS:
            if indicator.kind == "proportion":
                table = estimation.proportion(design, name, [1], by=by, ci="logit")
            else:
                table = estimation.mean(design, name, by=by)
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            table = table.merge(_unweighted(values, frame, by), on="domain", how="left")
            table.insert(0, "level", level)
            rows.append(table.assign(
                questionnaire="+".join(sharers), indicator=indicator.id, label=indicator.label,
                kind=indicator.kind, index=indicator.index, theme=indicator.theme,
                direction=indicator.direction))
    columns = ["questionnaire", "indicator", "label", "kind", "index", "theme", "direction",
               "level", "domain", "estimate", "se", "ci_low", "ci_high", "n", "deff", "df",
               "unweighted"]
    return pd.concat(rows, ignore_index=True)[columns]


def weight_edition(frame: pd.DataFrame, margin_paths) -> Design:
    """Rake the respondents per wijk to the register margins (one margin file per variable,
    each with the stratum column `wijk_code`)."""
    design = Design(frame, strata="wijk_code", design_weight="design_weight",
                    fpc="stratum_population", source="fieldwork database")
    margins = [read_margin(path) for path in margin_paths]
    return calibration.rake(design, margins, collapse_min=SPARSE_CELL)


def build_edition_report(url: str, out_dir: Path, *, year: int | None = None) -> EditionReport:
    """Weight the edition in the database at `url`, estimate its indicators and write the
    report (index.html, indicators.csv, weights.csv, diagnostics.csv, margins/) to `out_dir`."""
    year = edition_data.edition_year(url, year)
    frame = answers_frame(url, year)
    margin_paths = edition_data.write_margin_files(url, out_dir / "margins", year)
    edition_data.write_plan(out_dir, margin_paths)
    values, definitions = indicator_table(frame, load_all())
    design_columns = ["sample_unit_id", "wijk_code", "wijk", "gebied", "questionnaire_id",
                      "design_weight", "stratum_population", *edition_data.MARGIN_VARIABLES]
    design = weight_edition(pd.concat([frame[design_columns], values], axis=1), margin_paths)
    indicators = estimate_indicators(design, definitions)

    weights = frame[["sample_unit_id", "wijk_code", "questionnaire_id", "design_weight"]].copy()
    weights["weight"] = design.weights
    weights.to_csv(out_dir / "weights.csv", index=False)
    weight_table = diagnostics.weight_diagnostics(design)
    weight_table.to_csv(out_dir / "diagnostics.csv", index=False)
    diagnostics.collapse_log(design).to_csv(out_dir / "collapsed_cells.csv", index=False)

    summary = []
    for qid, group in weights.groupby("questionnaire_id"):
        w, g = group["weight"], group["weight"] / group["design_weight"]
        summary.append({"questionnaire": qid, "n": len(group), "weight_min": w.min(),
                        "weight_max": w.max(), "g_min": g.min(), "g_max": g.max(),
                        "deff_kish": len(w) * (w**2).sum() / w.sum() ** 2,
                        "n_effective": w.sum() ** 2 / (w**2).sum()})
    html = write_report(
        out_dir, title=f"Wijkprofiel {year}: bewonersoordelen per wijk", edition=year,
        indicators=indicators,
        weights={qid: group["weight"] for qid, group in weights.groupby("questionnaire_id")},
        weight_summary=pd.DataFrame(summary),
        fieldwork=edition_data.fieldwork_summary(url, year),
        method=[p.format(sparse=SPARSE_CELL) for p in METHOD_TEXT],
        areas=edition_data.areas(url),
    )
    return EditionReport(html=html, indicators=indicators, weights=weights,
                         diagnostics=weight_table)
