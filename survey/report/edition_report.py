"""From the fieldwork database to the report: weight an edition per wijk to its register
margins, estimate every questionnaire indicator for the city, each gebied and each wijk, compare
with the previous edition, and write the report with its tables, codebooks and PDF.

The two questionnaires are answered by random halves of the same stratified sample, so one
calibration of all respondents serves both: an indicator of one questionnaire is estimated over
the respondents who got it (the others are out of its base), an indicator the two share is
estimated over both halves.

`build_edition_report` is the one function behind both `wijkprofiel report` and
`wijkprofiel demo run`.
"""

import concurrent.futures
import dataclasses
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey import edition_data, storage
from survey.fieldwork.answers import analysis_frame
from survey.errors import WijkprofielError
from survey.models import Edition
from survey.questionnaire.loader import load_all
from survey.report import change, codebook, indices, made_of, memory, publication, series, tables
from survey.report.index_pages import write_index_pages
from survey.report.publication import PublicationRule
from survey.report.targets import evaluate as evaluate_targets, load_targets
from survey.report.build import write_report
from survey.report.indicator_values import DENOMINATOR_SUFFIX, denominator_values, indicator_values
from weighting import calibration, diagnostics
from weighting.domain_estimates import means_by_level, ratios_by_level
from weighting.design import LONELY_PSU_RULES, Design
from weighting.io import read_margin
from weighting.safe_cells import spreadsheet_safe
from weighting.replicates import with_replicates
from weighting.score_uncertainty import (IndicatorSpec, replicate_indicator_estimates, score_uncertainty,
                                         stack_areas)
from weighting.scores import load_index_configs

LEVELS = (("stad", None), ("gebied", "gebied"), ("wijk", "wijk"))
DESIGN = edition_data.EDITION_DESIGN  # strata, design weight, fpc, raking, collapsed cells
DESIGN_COLUMNS = list(dict.fromkeys(["sample_unit_id", DESIGN.strata, "wijk", "gebied", "questionnaire_id",
                                     DESIGN.design_weight, DESIGN.fpc, *edition_data.MARGIN_VARIABLES]))

METHOD_TEXT = [
    ("Opzet", "Per wijk een enkelvoudige aselecte steekproef van inwoners van 15 jaar en ouder "
     "uit de Basisregistratie Personen (gestratificeerd naar wijk, 71 strata). De helft van de "
     "steekproef krijgt de Veiligheidsmonitor, de andere helft het Wijkonderzoek (aselect "
     "toegewezen). Het designgewicht is het aantal inwoners gedeeld door de bruto steekproef in "
     "de wijk; de eindige-populatiecorrectie gebruikt het aantal inwoners per wijk."),
    ("Marges", "Registertotalen per wijk (Basisregistratie Personen, peildatum van de editie) "
     "naar leeftijdsgroep, geslacht, migratieachtergrond en huishoudtype, elk als aparte marge "
     "per wijk (margins/ naast dit rapport)."),
    ("Kalibratie", "Per wijk raking (iteratieve proportionele aanpassing, Deming & Stephan 1940; "
     "R survey `rake`) van alle respondenten samen op de vier marges. Margecellen met minder "
     "dan {sparse} respondenten zijn samengevoegd met een naburige categorie "
     "(collapsed_cells.csv). Eén weging dient beide vragenlijsten: elke vragenlijst is een "
     "aselecte helft van dezelfde steekproef."),
    ("Schatting", "Gewogen gemiddelden en aandelen (Hájek-schatter) per wijk, gebied en voor heel "
     "Rotterdam; elk niveau wordt geschat uit zijn eigen respondenten, niet gemiddeld over "
     "wijken. Wie een vraag niet kreeg of 'weet niet' antwoordde, valt buiten de basis van die "
     "indicator."),
    ("Variantie", "Standaardfouten door Taylor-linearisatie (Lumley 2010, par. 2.2 en 7.4), over "
     "de strata, met eindige-populatiecorrectie, van de residuen van de kalibratie (zoals R "
     "survey `svyrecvar`); 95%-intervallen voor aandelen op de logit-schaal met "
     "vrijheidsgraden respondenten min strata (R `svyciprop`), voor gemiddelden schatting ± "
     "1,96 × se. deff is het design effect: de variantie gedeeld door die van een enkelvoudige "
     "aselecte steekproef van dezelfde omvang (Kish 1965). Strata met één respondent: {lonely}"),
    ("Publicatie", "Een schatting op minder dan {min_n} respondenten wordt niet gepubliceerd (leeg, "
     "met de reden in de kolom suppressed); {min_n} tot {indicative_n} respondenten is "
     "indicatief (*). Bij 0% of 100% bestaat het logit-interval niet: daar staat het "
     "Clopper-Pearson-interval op de effectieve steekproefomvang n / deff (Kish; Korn & "
     "Graubard 1998). Dezelfde regel geldt voor de pagina's, de grafieken en de tabellen."),
    ("Verandering", "Edities zijn onafhankelijke steekproeven. Een verschil in een aandeel wordt "
     "getoetst met het hybride score-interval van Newcombe (1998, methode 10), uit de "
     "Wilson-intervallen op de effectieve steekproefomvang p(1−p)/se² (bij 0% of 100%: n / "
     "deff): anders dan de z-toets klopt het ook aan de rand en bij kleine aantallen. Een "
     "verschil in een gemiddelde: z-toets op √(se₁² + se₂²). Geen toets (en geen markering) "
     "waar een van beide schattingen niet gepubliceerd is (kolom change_test). {testing} "
     "Een indexverschuiving van 5 punten of meer wordt alleen gemarkeerd als het "
     "95%-interval van de verschuiving 0 uitsluit."),
    ("Index", "De Veiligheidsindex volgt de reconstructie van de methode van 2014 "
     "(docs/index-reconstruction.md): indicatorscore = 100 + 40 × richting × (t(x) − t(basis "
     "2014)) / sd 2014, begrensd op 20-180; thema = gemiddelde van de groepsgemiddelden; deel = "
     "gemiddelde van de thema's; index = gemiddelde van het subjectieve en het objectieve deel. "
     "Het subjectieve deel komt uit de vragenlijstindicatoren waarvan het label gelijk is aan "
     "een indicatorkolom van 2014. {objective}"),
]


# what a wijk with one respondent (a stratum with one PSU) adds to a variance, per rule
# (weighting.design.LONELY_PSU_RULES; R survey's options(survey.lonely.psu=))
LONELY_PSU_TEXT = {
    "fail": ("niet toegestaan (regel fail, zoals R survey standaard): bij een wijk met één "
             "respondent stopt het rapport; wijkprofiel report --lonely-psu kiest een andere "
             "regel."),
    "remove": ("regel remove (R survey.lonely.psu = \"remove\"): zo'n wijk telt niet mee in de "
               "variantie."),
    "certainty": ("regel certainty (R survey.lonely.psu = \"certainty\"): zo'n wijk geldt als "
                  "volledig waargenomen en telt niet mee in de variantie."),
    "adjust": ("regel adjust (R survey.lonely.psu = \"adjust\"; Lumley 2010, par. 3.1.3): de "
               "ene respondent telt in de variantie met zijn afwijking van het gemiddelde van "
               "de populatie in plaats van dat van de eigen wijk."),
}
# why the three rules give the same numbers here: each wijk is raked to its own register
# totals, so a lone respondent's calibration residual (the value its variance is made of) is 0
LONELY_CALIBRATED = (
    "Omdat elke wijk op haar eigen registertotalen gewogen wordt, is het kalibratieresidu van "
    "een enige respondent nul: onder elk van de drie regels draagt zo'n wijk niets bij aan de "
    "standaardfouten (ook niet in de bootstrapreplicaten van de indexscores) en is haar eigen "
    "standaardfout 0, geen maat voor haar onzekerheid{published}.")
LONELY_OPTION = "--lonely-psu remove|certainty|adjust (or REPORT_LONELY_PSU)"
# the option's help, for `wijkprofiel report` and `wijkprofiel demo run`
LONELY_PSU_HELP = ("A wijk with one respondent has no variance of its own (a stratum with one "
                   "PSU): fail stops and names the wijk; remove and certainty let it add nothing; "
                   "adjust centres it at the population mean; as R survey's "
                   "options(survey.lonely.psu=). Raked to its own margins, such a wijk adds "
                   "nothing under any of the three (docs/report.md)")


def report_design(lonely_psu: str | None = None, environ=None) -> edition_data.EditionDesign:
    """The edition's design (`edition_data.EDITION_DESIGN`) with the report's rule for a wijk
    with one respondent: `lonely_psu`, else REPORT_LONELY_PSU, else 'fail' (R's default).

    Raises:
        WijkprofielError: a rule that is not one of `LONELY_PSU_RULES`.

    >>> report_design("adjust", environ={}).lonely_psu, report_design(environ={}).lonely_psu
    ('adjust', 'fail')
    """
    environ = os.environ if environ is None else environ
    source = "--lonely-psu" if lonely_psu is not None else "REPORT_LONELY_PSU"
    rule = lonely_psu if lonely_psu is not None else environ.get("REPORT_LONELY_PSU", DESIGN.lonely_psu)
    if rule not in LONELY_PSU_RULES:
        raise WijkprofielError(f"{source}: {rule!r} is not one of {', '.join(LONELY_PSU_RULES)}")
    return dataclasses.replace(DESIGN, lonely_psu=rule)


def lonely_wijken(design: Design) -> list[str]:
    """The wijken with one respondent whose variance the lonely-PSU rule decides, as
    "name (code)" in code order. A wijk whose one respondent is its whole population (fpc 1)
    adds no variance and is not counted, as in `weighting.variance`."""
    stage = design.stages[0]
    lonely = stage.lonely_strata()
    names = design.frame["wijk"].to_numpy() if "wijk" in design.frame else None
    found = []
    for h in lonely:
        code = stage.stratum_labels[h]
        if names is None:
            found.append(f"stratum {code}")
        else:
            found.append(f"{names[np.flatnonzero(stage.stratum_codes == h)[0]]} ({code})")
    return found


def _lonely_text(rule: str, lonely: dict, min_n: int) -> str:
    """The method's sentences on wijken with one respondent: the rule, what it does here and,
    per edition, which wijken it applied to."""
    text = LONELY_PSU_TEXT[rule]
    if rule == "fail":
        return text
    published = "; met één respondent wordt zij ook niet gepubliceerd" if min_n > 1 else ""
    which = "; ".join(f"{year}: {', '.join(names) if names else 'geen'}"
                      for year, names in sorted(lonely.items(), reverse=True))
    return (f"{text} {LONELY_CALIBRATED.format(published=published)} Wijken met één "
            f"respondent per editie: {which}.")


OBJECTIVE_FROM_REGISTER = (
    "Het objectieve deel komt uit het registerbestand {files} (politie- en gemeentecijfers per "
    "wijk: aantallen en noemers, docs/register-indicators.md): een wijkcijfer is teller / "
    "noemer, een gebied- of stadscijfer de som van de tellers van zijn wijken gedeeld door de "
    "som van de noemers (geen gemiddelde van wijkcijfers). Het verschil met de vorige editie en "
    "de markering van 5 punten gaan over {flagged}.")
OBJECTIVE_MISSING = (
    "Het objectieve deel (politie- en registerdata) ontbreekt: er is geen registerbestand "
    "opgegeven (wijkprofiel report --register), dus ook de index zelf ontbreekt; het verschil "
    "en de markering van 5 punten gaan over het subjectieve deel.")


@dataclass
class EditionEstimates:
    """One edition weighted and estimated."""

    year: int
    frame: pd.DataFrame
    design: Design
    indicators: pd.DataFrame
    weights: pd.DataFrame
    seconds: dict = field(default_factory=dict)


@dataclass
class EditionReport:
    html: Path
    pdf: Path | None
    indicators: pd.DataFrame
    weights: pd.DataFrame
    diagnostics: pd.DataFrame
    scores: pd.DataFrame
    previous_year: int | None
    files: list[Path]
    seconds: dict


def indicator_table(frame: pd.DataFrame, questionnaires) -> tuple[pd.DataFrame, dict]:
    """One column per indicator (its value per respondent, NaN outside its base; for a ratio
    the numerator, with its denominator in the column id + DENOMINATOR_SUFFIX) and the
    definition of each. An indicator that several questionnaires define (same id) takes its
    value from each respondent's own questionnaire."""
    # a variable nobody answered has no column in the answers: it is missing for everyone
    absent = {v for q in questionnaires.values() for v in q.variables()} - set(frame.columns)
    if absent:
        frame = pd.concat([frame, pd.DataFrame(None, index=frame.index, columns=sorted(absent),
                                               dtype=object)], axis=1)
    groups = {qid: frame.index[frame["questionnaire_id"] == qid] for qid in questionnaires}
    columns, definitions = {}, {}
    for questionnaire in questionnaires.values():
        rows = frame.loc[groups[questionnaire.id]]
        positions = frame.index.get_indexer(groups[questionnaire.id])
        memo = {}  # each distinct answer decided once for all indicators of these rows
        for indicator in questionnaire.indicators:
            values = columns.setdefault(indicator.id, np.full(len(frame), np.nan))
            values[positions] = indicator_values(indicator, questionnaire, rows, memo).to_numpy()
            if indicator.kind == "ratio":
                below = columns.setdefault(indicator.id + DENOMINATOR_SUFFIX,
                                           np.full(len(frame), np.nan))
                below[positions] = denominator_values(indicator, questionnaire, rows, memo).to_numpy()
            sharers = definitions.setdefault(indicator.id, (indicator, []))[1]
            sharers.append(questionnaire.id)
    # one float block rather than a column at a time (stacked as pandas keeps it: a row per
    # column, so that no transposed copy is made)
    return (pd.DataFrame(np.vstack(list(columns.values())).T if columns else None,
                         index=frame.index, columns=list(columns)), definitions)


def estimate_indicators(design: Design, definitions: dict) -> pd.DataFrame:
    """Every indicator in `definitions` (columns of the design's frame) for the city, each
    gebied and each wijk.

    Returns one row per indicator and domain: questionnaire, indicator, label, kind, index,
    theme, direction, level, domain, estimate, se, ci_low, ci_high, n, deff, df, unweighted.
    """
    frame = design.frame
    names = [name for name in definitions if frame[name].notna().any()]  # someone in the base
    ratios = [name for name in names if definitions[name][0].kind == "ratio"]
    one_pass = [name for name in names if name not in ratios]
    by_levels = [by for _, by in LEVELS]
    # every level's means and proportions in one pass, and its ratios in another
    # (weighting.domain_estimates): the same numbers as estimation.proportion(..., [1],
    # ci="logit"), estimation.mean and estimation.ratio (scaled) per indicator and level
    empty = [None] * len(LEVELS)
    means = (means_by_level(design, frame[one_pass].to_numpy(dtype=float), by_levels,
                            proportion=[definitions[name][0].kind == "proportion" for name in one_pass],
                            ci="logit", names=one_pass) if one_pass else empty)
    below = [name + DENOMINATOR_SUFFIX for name in ratios]
    rates = (ratios_by_level(design, frame[ratios].to_numpy(dtype=float),
                             frame[below].to_numpy(dtype=float), by_levels,
                             names=[f"{name}/{denominator}" for name, denominator in zip(ratios, below)])
             if ratios else empty)
    multipliers = np.array([float(definitions[name][0].multiplier) for name in ratios])
    tables, unweighted = [], []
    for (level, by), mean_table, rate_table in zip(LEVELS, means, rates):
        unweighted.append(unweighted_means(frame, names, definitions, by).assign(level=level))
        for table, columns in ((mean_table, one_pass), (rate_table, ratios)):
            if table is None:
                continue
            column = table.pop("column").to_numpy()
            if columns is ratios:
                _scale_ratio(table, multipliers[column])
            table = table.rename(columns={by: "domain"}) if by else table.assign(domain="Rotterdam")
            table["indicator"] = np.asarray(columns, dtype=object)[column]
            table["level"] = level
            tables.append(table)
    return indicator_rows(pd.concat(tables, ignore_index=True),
                          pd.concat(unweighted, ignore_index=True), names, definitions)


def unweighted_means(frame: pd.DataFrame, names: list, definitions: dict, by) -> pd.DataFrame:
    """The unweighted value of every indicator in `names` per domain of `by` (None: the city),
    all at once: one groupby; a ratio's is its sum above over its sum below the line.

    Returns long rows: domain, indicator, unweighted."""
    domain = frame[by] if by else pd.Series("Rotterdam", index=frame.index)
    means = frame[names].groupby(domain.to_numpy()).mean()
    ratios = [name for name in names if definitions[name][0].kind == "ratio"]
    if ratios:
        # the sums above and below the line of every ratio in one groupby
        parts = {}
        for k, name in enumerate(ratios):
            below = frame[name + DENOMINATOR_SUFFIX]
            both = frame[name].notna() & below.notna()
            parts[f"above {k}"], parts[f"below {k}"] = frame[name].where(both), below.where(both)
        sums = pd.DataFrame(parts).groupby(domain.to_numpy()).sum()
        for k, name in enumerate(ratios):
            means[name] = definitions[name][0].multiplier * sums[f"above {k}"] / sums[f"below {k}"]
    # long, per indicator its domains (as `melt` lays it out, without its cost)
    D, K = means.shape
    return pd.DataFrame({"domain": np.tile(means.index.to_numpy(), K),
                         "indicator": np.repeat(means.columns.to_numpy(), D),
                         "unweighted": means.to_numpy(dtype=float).T.reshape(-1)})


def _scale_ratio(table: pd.DataFrame, multiplier) -> None:
    """A ratio's estimate, standard error and interval times its multiplier (e.g. per 100)."""
    for column in ("estimate", "se", "ci_low", "ci_high"):
        table[column] = table[column] * multiplier
    # a rate is never negative, so neither is its lower bound (the Wald interval of a small
    # wijk would reach below zero)
    table["ci_low"] = table["ci_low"].clip(lower=0.0)


def indicator_rows(estimates: pd.DataFrame, unweighted: pd.DataFrame, names: list,
                   definitions: dict) -> pd.DataFrame:
    """The report's indicator table from the estimates per indicator, level and domain and
    the unweighted values: each indicator's labels, in questionnaire order, city first."""
    meta = pd.DataFrame([{
        "indicator": name, "questionnaire": "+".join(definitions[name][1]),
        "label": definitions[name][0].label, "kind": definitions[name][0].kind,
        "index": definitions[name][0].index, "theme": definitions[name][0].theme,
        "direction": definitions[name][0].direction, "order": position,
    } for position, name in enumerate(names)])
    level_order = {level: i for i, (level, _) in enumerate(LEVELS)}
    result = (estimates.merge(meta, on="indicator")
              .merge(unweighted, on=["indicator", "level", "domain"], how="left"))
    result = (result.assign(_level=result["level"].map(level_order))
              .sort_values(["order", "_level", "domain"], kind="stable"))
    columns = ["questionnaire", "indicator", "label", "kind", "index", "theme", "direction",
               "level", "domain", "estimate", "se", "ci_low", "ci_high", "n", "deff", "df",
               "unweighted"]
    return result[columns].reset_index(drop=True)


def index_uncertainty(estimates: "EditionEstimates", definitions: dict, configs: dict, register,
                      replicates: int, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Standard error and 95% interval of every index, part and theme score (all three
    indices) per area: `replicates` Rao-Wu bootstrap replicates of the edition's design (seeded
    with the edition year, so a report is reproducible), raked per replicate as the weights
    were, every indicator an index reads re-estimated per replicate, and the score computation
    (`indices.all_scores`, clipping included) run on each as a black box
    (`weighting.score_uncertainty`). `scores`: the edition's `indices.all_scores`, if made
    already."""
    design = with_replicates(estimates.design, "bootstrap", replicates, seed=estimates.year)
    # only the indicators the indices read (by questionnaire id or by label): the replicate work
    # is per indicator and per call of the score computation
    ids = {i.survey for c in configs.values() for i in c.indicators if i.survey}
    labels = {i.column for c in configs.values() for i in c.indicators if not i.survey and i.register is None}
    table = estimates.indicators
    table = table[table["indicator"].isin(ids) | table["label"].isin(labels)]
    specs = []
    for name in table["indicator"].unique():
        indicator = definitions.get(name)
        if indicator is None:
            continue
        ratio = indicator.kind == "ratio"
        specs.append(IndicatorSpec(name, name, name + DENOMINATOR_SUFFIX if ratio else None,
                                   float(indicator.multiplier) if ratio else 1.0))
    keys, thetas = replicate_indicator_estimates(design, specs, LEVELS)
    columns = indices.score_columns(configs)
    # an area's scores come from its own estimates (fixed 2014 baselines) and its own register
    # values, so all replicates are scored in one call on a stacked table
    stacked_register = None if register is None else stack_areas(register, design.replicates.count)
    return score_uncertainty(table, keys, thetas, design.replicates,
                             lambda t: indices.all_scores(t, configs, register)[columns],
                             stacked_fn=lambda t: indices.all_scores(t, configs, stacked_register)[columns],
                             full=None if scores is None else scores[columns])


def weight_edition(frame: pd.DataFrame, margin_paths, design: edition_data.EditionDesign = DESIGN,
                   year: int | None = None) -> Design:
    """Rake the respondents per wijk to the register margins (one margin file per variable,
    each with the stratum column `wijk_code`), as `design` says (its lonely-PSU rule goes with
    the result to every variance computed from it).

    Raises:
        WijkprofielError: under the rule 'fail', a wijk with one respondent (named, with the
            option that chooses another rule; `year` names the edition).
    """
    weighted = Design(frame, strata=design.strata, design_weight=design.design_weight,
                      fpc=design.fpc, lonely_psu=design.lonely_psu, source="fieldwork database")
    if design.lonely_psu == "fail":
        # said here, before the work, in the report's terms: weighting would stop at the first
        # variance with the stratum's number and the library's setting
        lonely = lonely_wijken(weighted)
        if lonely:
            edition = f"edition {year}: " if year is not None else ""
            subject = (f"wijk {lonely[0]} has" if len(lonely) == 1 else
                       f"{len(lonely)} wijken have")
            listed = "" if len(lonely) == 1 else f" ({', '.join(lonely)})"
            raise WijkprofielError(
                f"{edition}{subject} only one respondent{listed}, so the variance within the "
                f"wijk cannot be estimated and no standard error can be given; rerun with "
                f"{LONELY_OPTION} to choose how such a wijk counts (docs/report.md)")
    margins = [read_margin(path) for path in margin_paths]
    calibrate = {"raking": calibration.rake}[design.method]
    return calibrate(weighted, margins, collapse_min=design.collapse_min)


def estimate_edition(db, year: int, margin_dir: Path, questionnaires,
                     design: edition_data.EditionDesign = DESIGN) -> EditionEstimates:
    """Read, weight (as `design` says) and estimate one edition; its margin files go to
    `margin_dir`. `db` is a session outside any transaction: the reading is one transaction
    of its own, committed (with the analysis snapshot it brought up to date) before the
    weighting starts."""
    seconds = {}
    clock = time.perf_counter()
    with db.begin():
        frame = analysis_frame(db, year, questionnaires)
        if frame.empty:
            raise WijkprofielError(f"edition {year} has no completed questionnaires to report on")
        seconds["read"] = time.perf_counter() - clock
        clock = time.perf_counter()
        margin_paths = edition_data.write_margin_files(db, margin_dir, year)
    values, definitions = indicator_table(frame, questionnaires)
    seconds["indicator values"] = time.perf_counter() - clock
    clock = time.perf_counter()
    design = weight_edition(pd.concat([frame[DESIGN_COLUMNS], values], axis=1), margin_paths,
                            design, year)
    seconds["weighting"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with warnings.catch_warnings():
        # a wijk where nobody answered an indicator keeps its row (n = 0): the publication
        # rule shows it as not published, 'geen antwoorden'
        warnings.filterwarnings("ignore", message=r".*: no answers in \d+ domain")
        indicators = estimate_indicators(design, definitions)
    seconds["estimation"] = time.perf_counter() - clock
    weights = frame[["sample_unit_id", "wijk_code", "wijk", "gebied", "questionnaire_id",
                     "design_weight"]].copy()
    weights["weight"] = design.weights
    return EditionEstimates(year, frame, design, indicators, weights, seconds)


def previous_edition(db, year: int, previous: int | None) -> int | None:
    """`previous` if given (it must exist), else the newest edition before `year`, if any."""
    years = list(db.scalars(select(Edition.year).order_by(Edition.year)))
    if previous is not None:
        if previous not in years:
            raise WijkprofielError(f"--previous {previous}: no such edition in the database; "
                                   f"editions: {years}")
        if previous >= year:
            raise WijkprofielError(f"--previous {previous} is not before edition {year}")
        return previous
    earlier = [y for y in years if y < year]
    return earlier[-1] if earlier else None


def _weight_summary(weights: pd.DataFrame) -> pd.DataFrame:
    summary = []
    for qid, group in weights.groupby("questionnaire_id"):
        w, g = group["weight"], group["weight"] / group["design_weight"]
        summary.append({"questionnaire": qid, "n": len(group), "weight_min": w.min(),
                        "weight_max": w.max(), "g_min": g.min(), "g_max": g.max(),
                        "deff_kish": len(w) * (w**2).sum() / w.sum() ** 2,
                        "n_effective": w.sum() ** 2 / (w**2).sum()})
    return pd.DataFrame(summary)


def area_weight_summary(weights: pd.DataFrame) -> pd.DataFrame:
    """Per level and domain: respondents, weight range, Kish's design effect of weighting and
    the effective sample size (columns level, domain, n, weight_min, weight_max, deff_kish,
    n_effective)."""
    rows = []
    for level, by in LEVELS:
        groups = [("Rotterdam", weights)] if by is None else weights.groupby(by)
        for domain, group in groups:
            w = group["weight"].to_numpy()
            rows.append({"level": level, "domain": domain, "n": len(w), "weight_min": w.min(),
                         "weight_max": w.max(),
                         "deff_kish": len(w) * (w**2).sum() / w.sum() ** 2,
                         "n_effective": w.sum() ** 2 / (w**2).sum()})
    return pd.DataFrame(rows)


MULTIPLE_TESTING_TEXT = {
    "fdr": ("Met ruim duizend toetsen per niveau geeft toeval alleen al bij 5% vele markeringen; "
            "daarom volgt de markering de false discovery rate van Benjamini & Hochberg (1995) "
            "per niveau (kolom q): van de gemarkeerde verschillen is naar verwachting hoogstens "
            "5% toeval. De kolom p blijft de ongecorrigeerde p-waarde."),
    "none": ("De markering volgt de ongecorrigeerde p-waarde (p < 5%); bij m toetsen geeft "
             "toeval alleen al ongeveer 0,05 × m markeringen (zie de tabel per niveau)."),
}


def _method(register: Path | None, flagged: str, rule: PublicationRule | None = None,
            lonely_psu: str = DESIGN.lonely_psu, lonely: dict | None = None) -> list:
    """The method paragraphs, with how the objective part was made (or that it is missing) and
    the rule for wijken with one respondent (`lonely`: per edition the wijken it applied to)."""
    if register is None:
        objective = OBJECTIVE_MISSING
    else:
        compared = ("de volledige Veiligheidsindex" if flagged != change.SUBJECTIVE_PART else
                    "het subjectieve deel (niet beide edities hebben registerdata)")
        objective = OBJECTIVE_FROM_REGISTER.format(files=Path(register).name, flagged=compared)
    rule = rule or PublicationRule()
    return [(heading, paragraph.format(sparse=DESIGN.collapse_min, objective=objective, min_n=rule.min_n,
                                       indicative_n=rule.indicative_n,
                                       testing=MULTIPLE_TESTING_TEXT[rule.multiple_testing],
                                       lonely=_lonely_text(lonely_psu, lonely or {}, rule.min_n)))
            for heading, paragraph in METHOD_TEXT]


def _every_area(table: pd.DataFrame, areas: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per area, Rotterdam first, then the gebieden and the wijken: an area whose
    respondents answered none of the index indicators (a tiny wijk) keeps its row, empty."""
    order = ([("stad", "Rotterdam")] + [("gebied", g) for g in sorted(areas["gebied"].unique())]
             + [("wijk", w) for w in areas["wijk"]])
    full = table.set_index(["level", "domain"]).reindex(pd.MultiIndex.from_tuples(order, names=["level", "domain"]))
    full["edition"] = year
    for column in [c for c in full.columns if c.endswith(indices.COUNTS)]:
        full[column] = full[column].fillna(0).astype(int)
    return full.reset_index()


def build_edition_report(db, out_dir: Path, *, year: int | None = None,
                         previous: int | None = None, compare: bool = True,
                         pdf: bool = True, register: Path | None = None,
                         previous_register: Path | None = None,
                         published: Path | None = None,
                         rule: PublicationRule | None = None,
                         lonely_psu: str | None = None) -> EditionReport:
    """Weight the edition in the database of session `db`, estimate its indicators, compare
    them with the previous edition and write the report to `out_dir`.

    Args:
        db: a session outside any transaction (the app context's, `storage.session()`, or
            `storage.session_at(url)`): the report reads in short transactions of its own,
            and holds none while it computes and writes.
        out_dir: output directory (created).
        year: the edition (default: the newest).
        previous: the edition to compare with (default: the newest before `year`, if any).
        compare: False skips the comparison even when a previous edition exists.
        pdf: also write report.pdf (chromium, survey.pdf_engine).
        register: the register file of `year` (objective indicators per wijk,
            `weighting.register_indicators`); without it the objective part and the index are
            missing.
        previous_register: the register file of the previous edition, for the change of the
            full index.
        published: directory of published editions stored by `wijkprofiel index
            import-published` (their scores join the series since 2014).
        rule: the publication rule (small cells, multiple testing); default from the
            environment (`survey.report.publication`).
        lonely_psu: what a wijk with one respondent adds to every variance of the report
            (indicator standard errors, change tests, index replicates): 'fail' (stop, naming
            the wijk), 'remove', 'certainty' or 'adjust', as R's `survey.lonely.psu`;
            default REPORT_LONELY_PSU, else 'fail' (`report_design`).

    Returns:
        An `EditionReport` with the paths written and the tables.

    Raises:
        WijkprofielError: no such edition, no answers, bad margins or a bad register file (as
            `InputError`, naming file, row and column); a wijk with one respondent under
            `lonely_psu` 'fail'.

    Writes index.html, report.pdf, indicators.csv/.xlsx/.sav, index_scores.csv/.xlsx/.sav,
    register_values.csv (with a register),
    weights.csv, diagnostics.csv, collapsed_cells.csv, margins/, plan.yaml, and per edition
    editions/YEAR/answers.sav, codebook.html and codebook.csv.
    """
    # freed arrays kept for the next ones while the report computes (`survey.report.memory`)
    with memory.freed_memory_kept():
        return _build_edition_report(db, out_dir, year=year, previous=previous, compare=compare,
                                     pdf=pdf, register=register,
                                     previous_register=previous_register, published=published,
                                     rule=rule, lonely_psu=lonely_psu)


def _build_edition_report(db, out_dir: Path, *, year, previous, compare, pdf, register,
                          previous_register, published, rule, lonely_psu) -> EditionReport:
    started = time.perf_counter()
    design = report_design(lonely_psu)
    storage.require_fieldwork_tables(db)
    with db.begin():
        year = edition_data.edition_year(db, year)
        previous = previous_edition(db, year, previous) if compare else None
        areas = edition_data.areas(db)
        fieldwork = edition_data.fieldwork_summary(db, year)
    if previous_register is not None and previous is None:
        raise WijkprofielError("--previous-register is given but there is no previous edition "
                               "to compare with")
    configs = load_index_configs()
    config = configs["Veiligheidsindex"]
    registers = indices.read_registers({year: register, previous: previous_register}, configs, areas)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    questionnaires = load_all()

    current = estimate_edition(db, year, out_dir / "margins", questionnaires, design)
    margin_paths = sorted((out_dir / "margins").glob("margin_*.csv"))
    edition_data.write_plan(out_dir, margin_paths, design)
    editions = {year: current}
    if previous is not None:
        editions[previous] = estimate_edition(
            db, previous, out_dir / "editions" / str(previous) / "margins", questionnaires, design)
    lonely = {y: lonely_wijken(e.design) for y, e in editions.items()}
    # what the standard errors were made with beyond the tables' own values: the rule, where
    # some wijk has one respondent (elsewhere every rule gives the same numbers), so that
    # changing it writes the tables again (`survey.report.made_of`)
    made_with = (("lonely_psu", design.lonely_psu, sorted(lonely.items())),) if any(lonely.values()) else ()

    seconds = {f"{k} {y}": v for y, e in editions.items() for k, v in e.seconds.items()}
    clock = time.perf_counter()
    rule = rule or PublicationRule.from_environment()
    scores = {y: indices.all_scores(e.indicators, configs, registers.get(y))
              for y, e in editions.items()}
    # one small-cell rule for every page, chart and table (survey.report.publication)
    kish = {y: area_weight_summary(e.weights).set_index(["level", "domain"])["deff_kish"]
            for y, e in editions.items()}
    public = {y: publication.apply_small_cells(e.indicators, rule, kish[y])
              for y, e in editions.items()}
    indicators = public[year]
    if previous is not None:
        indicators = change.indicator_change(indicators, public[previous], rule=rule,
                                             kish={"current": kish[year], "previous": kish[previous]})
    flag_summary = publication.flag_summary(indicators, rule) if previous is not None else None
    uncertainty = {}
    if rule.index_replicates:
        clock_u = time.perf_counter()
        definitions = {i.id: i for q in questionnaires.values() for i in q.indicators}
        uncertainty = {y: index_uncertainty(e, definitions, configs, registers.get(y), rule.index_replicates,
                                            scores[y])
                       for y, e in editions.items()}
        seconds["index uncertainty"] = time.perf_counter() - clock_u
    flagged = change.flagged_score(scores, year, previous, config)
    score_table = _every_area(change.with_uncertainty(
        indices.score_table(scores, year, previous, configs, flagged), uncertainty, year, previous,
        flagged), areas, year)
    per_edition = {y: _every_area(indices.score_table(scores, y, None, configs, flagged), areas, y)
                   for y in sorted(scores)}
    score_series = series.series_table(published, per_edition, configs)
    if year in uncertainty:
        # the replicate standard errors (through the whole index computation) where we have them
        ses = uncertainty[year][[c for c in uncertainty[year].columns if c.endswith(" se")]]
    else:
        ses = pd.concat([indices.index_se(current.indicators, c) for c in configs.values()], axis=1)
    se_long = {(column[:-3], domain): value for (level, domain), row in ses.iterrows()
               for column, value in row.items()}
    target_table = evaluate_targets(load_targets(score_columns=indices.score_columns(configs)),
                                    score_series, year, pd.Series(se_long, dtype=float))
    seconds["change and scores"] = time.perf_counter() - clock

    clock = time.perf_counter()
    files = []
    weight_table = diagnostics.weight_diagnostics(current.design)
    # margins named as plan.yaml names them (margins/margin_sex.csv): the same in every folder
    collapsed = diagnostics.collapse_log(current.design, out_dir)
    weight_files = [out_dir / "weights.csv", out_dir / "diagnostics.csv", out_dir / "collapsed_cells.csv"]
    # written only when the weights changed (`survey.report.made_of`): 30,000 rows a run
    digest = made_of.table_digest(year, current.weights, weight_table, collapsed)
    if not made_of.unchanged(out_dir, "weights", digest, weight_files):
        # area names in a spreadsheet must not run as formulas (CSV injection)
        for table, path in zip((current.weights, weight_table, collapsed), weight_files):
            spreadsheet_safe(table).to_csv(path, index=False)
        made_of.record(out_dir, "weights", digest, weight_files)
    files += weight_files
    files += tables.write_indicator_tables(out_dir, indicators, year=year, previous=previous,
                                           made_with=made_with)
    files += tables.write_score_tables(out_dir, score_table, year=year, previous=previous,
                                       made_with=made_with)
    # the series, targets and index pages (documented in docs/index-reconstruction.md)
    spreadsheet_safe(score_series).to_csv(out_dir / "index_series.csv", index=False)
    spreadsheet_safe(target_table).to_csv(out_dir / "index_targets.csv", index=False)
    files += [out_dir / "index_series.csv", out_dir / "index_targets.csv"]
    files.append(write_index_pages(out_dir, year=year, previous=previous, table=score_table,
                                   configs=configs, series=score_series, targets=target_table,
                                   ses=ses, areas=areas))
    if year in registers:
        register_table = registers[year].reset_index()
        register_table.insert(0, "edition", year)
        spreadsheet_safe(register_table).to_csv(out_dir / "register_values.csv", index=False)
        files.append(out_dir / "register_values.csv")
    codebook_files = [out_dir / "editions" / str(y) / name for y in editions
                      for name in codebook.EDITION_FILES]
    seconds["tables"] = time.perf_counter() - clock

    clock = time.perf_counter()
    trend = pd.concat([public[y].assign(edition=y) for y in editions], ignore_index=True)
    html = write_report(
        out_dir, title=f"Wijkprofiel {year}: bewonersoordelen per wijk", edition=year,
        previous=previous, indicators=indicators, trend=trend, scores=score_table,
        weights=current.weights, weight_summary=_weight_summary(current.weights),
        area_weights=area_weight_summary(current.weights),
        fieldwork=fieldwork,
        method=_method(register if year in registers else None, flagged, rule,
                       design.lonely_psu, lonely),
        rule=rule, flag_summary=flag_summary,
        areas=areas, flagged_score=flagged, config=config,
        files=[f.relative_to(out_dir) for f in files + codebook_files],
    )
    seconds["html"] = time.perf_counter() - clock

    # the PDF prints in chromium (its own processes) while this one writes the labelled answers
    # and codebooks; a thread only waits for the browser, where a spawned process would first
    # import the whole package again
    pdf_path, printing = None, None
    if pdf:
        from survey.report.pdf import write_pdf

        printing = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pdf")
        pdf_started = time.perf_counter()
        pdf_future = printing.submit(write_pdf, html, out_dir / "report.pdf")
    clock = time.perf_counter()
    try:
        for edition_year, estimates in editions.items():
            files += codebook.write_edition_files(
                out_dir / "editions" / str(edition_year), estimates.frame, estimates.weights,
                questionnaires, edition_year)
        seconds["codebooks"] = time.perf_counter() - clock
        if printing is not None:
            pdf_path = pdf_future.result()
            seconds["pdf (in parallel)"] = time.perf_counter() - pdf_started
    finally:
        if printing is not None:
            printing.shutdown(cancel_futures=True)
    seconds["total"] = time.perf_counter() - started
    return EditionReport(html=html, pdf=pdf_path, indicators=indicators,
                         weights=current.weights, diagnostics=weight_table, scores=score_table,
                         previous_year=previous, files=[html, *files], seconds=seconds)
