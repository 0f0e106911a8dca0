"""Report tables for publishing tests, made up but shaped exactly as the report writes them
(`indicators.csv`, `index_scores.csv`), for the 71 demo wijken: quick to build, so the unit and
browser tests of the public site need no seeded edition. The integration test publishes a real
report."""

import numpy as np
import pandas as pd

from survey.population.wijken import load_wijken
from survey.publish.postcodes import DEMO_POSTCODES, read_postcodes
from weighting.scores import load_score_config

INDICATORS = [  # id, label, kind, index, theme, direction
    ("onveilig_eigen_buurt", "% voelt zich wel eens onveilig in de eigen buurt", "proportion",
     "veiligheid", "veiligheidsbeleving", "higher_is_worse"),
    ("rapportcijfer_veiligheid", "Gemiddeld rapportcijfer voor de veiligheid in de buurt", "mean",
     "veiligheid", "veiligheidsbeleving", "higher_is_better"),
    ("tevreden_met_buurt", "% (zeer) tevreden met de buurt", "proportion", "veiligheid",
     "veiligheidsbeleving", "higher_is_better"),
    ("overlast_drugs", "Drugsoverlast in de eigen buurt wordt veel als overlastgevend ervaren",
     "proportion", "veiligheid", "overlast", "higher_is_worse"),
    ("moeite_met_rondkomen", "% heeft (grote) moeite met rondkomen", "proportion", "sociaal",
     "zelfredzaamheid", "higher_is_worse"),
    ("lid_van_vereniging", "% is lid van een club of vereniging", "proportion", "sociaal",
     "participatie", "higher_is_better"),
    ("tevreden_met_woning", "% (zeer) tevreden met de eigen woning", "proportion", "fysiek",
     "woonbeleving", "higher_is_better"),
]


def areas() -> pd.DataFrame:
    return load_wijken()[["wijk_code", "wijk", "gebied"]].sort_values("wijk_code").reset_index(drop=True)


def postcodes(table=None):
    return read_postcodes(DEMO_POSTCODES, areas() if table is None else table)


def _domains(table):
    return ([("stad", "Rotterdam")] + [("gebied", g) for g in sorted(table["gebied"].unique())]
            + [("wijk", w) for w in table["wijk"]])


def indicator_table(seed=1, previous=True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for indicator, label, kind, index, theme, direction in INDICATORS:
        for level, domain in _domains(areas()):
            n = {"stad": 3000, "gebied": 300, "wijk": 60}[level]
            if kind == "proportion":
                estimate = float(rng.uniform(0.1, 0.6))
                se = float(np.sqrt(estimate * (1 - estimate) / n))
            else:
                estimate, se = float(rng.uniform(5.5, 8.0)), float(1.2 / np.sqrt(n))
            row = {"questionnaire": "veiligheidsmonitor", "indicator": indicator, "label": label,
                   "kind": kind, "index": index, "theme": theme, "direction": direction,
                   "level": level, "domain": domain, "estimate": estimate, "se": se,
                   "ci_low": estimate - 1.96 * se, "ci_high": estimate + 1.96 * se, "n": n,
                   "deff": 1.3, "df": n - 1, "unweighted": estimate}
            if previous:
                before = estimate - float(rng.normal(0, 2 * se))
                change = estimate - before
                z = change / (se * np.sqrt(2))
                row.update(previous=before, previous_se=se, previous_n=n, change=change,
                           change_se=se * np.sqrt(2), z=z, p=0.05, significant=abs(z) >= 1.96)
            rows.append(row)
    return pd.DataFrame(rows)


def score_table(seed=2, previous=True, objective=True) -> pd.DataFrame:
    config = load_score_config()
    rng = np.random.default_rng(seed)
    rows = []
    for level, domain in _domains(areas()):
        row = {"level": level, "domain": domain, "edition": 2024}
        for column in config.score_columns:
            row[column] = float(round(rng.uniform(60, 140)))
        if not objective:
            for column in config.score_columns:
                if "objectief" in column or column == config.index_column:
                    row[column] = np.nan
        if level == "stad":
            row["Veiligheidsindex"] = 105.0 if objective else np.nan
            row["Veiligheidsindex -subjectief"] = 104.0
        row.update(indicators_used=30, register_used=14 if objective else 0)
        if previous:
            row["previous_edition"] = 2022
            for column in ("Veiligheidsindex", "Veiligheidsindex -subjectief",
                           "Veiligheidsindex -objectief"):
                row[f"{column} 2022"] = row[column] - 6 if not np.isnan(row[column]) else np.nan
                row[f"change {column}"] = 6.0 if not np.isnan(row[column]) else np.nan
            row["flag_score"] = "Veiligheidsindex" if objective else "Veiligheidsindex -subjectief"
            row["flag_5_points"] = True
        rows.append(row)
    return pd.DataFrame(rows)


def write_report_dir(path, **changes):
    """indicators.csv and index_scores.csv in `path`, as the report writes them."""
    path.mkdir(parents=True, exist_ok=True)
    indicator_table().to_csv(path / "indicators.csv", index=False)
    score_table(**changes).to_csv(path / "index_scores.csv", index=False)
    return path
