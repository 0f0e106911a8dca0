"""`wijkprofiel weight PLAN`: a YAML plan in, weights.csv, estimates.csv and diagnostics.csv out."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from weighting import calibration, estimation
from weighting.cli import weight_command
from weighting.design import Design
from weighting.errors import PlanError
from weighting.plan import DATA_SOURCES, ESTIMATE_COLUMNS, SETTINGS, load_plan, run_plan
from weighting.synthetic import synthetic_edition

API = Path(__file__).parents[2] / "reference" / "api"
EXPECTED = json.loads((API / "expected.json").read_text())

PLAN = """\
data: respondents.csv
strata: wijk
design_weight: dw
fpc: N_h
method: raking
collapse_min: 10
margins: [age.csv, sex.csv, migration.csv, household.csv]
estimates:
  - {name: onveilig_vs, variable: onveilig, kind: proportion, values: [vaak, soms], by: [wijk], ci: logit}
  - {name: onveilig_vs, variable: onveilig, kind: proportion, values: [vaak, soms], by: [gebied], ci: beta}
  - {name: cijfer, variable: cijfer, kind: mean, by: [wijk]}
  - {name: cijfer, variable: cijfer, kind: mean}
output: out/
"""


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan")
    respondents, margins = synthetic_edition(3000, seed=11)
    respondents.to_csv(root / "respondents.csv", index=False)
    for name, margin in zip(["age", "sex", "migration", "household"], margins):
        margin.to_csv(root / f"{name}.csv", index=False)
    (root / "plan.yaml").write_text(PLAN)
    return root


def run_cli(path, *args):
    return CliRunner().invoke(weight_command, [str(path), *args])


def test_weight_command_writes_the_three_files(plan_dir):
    result = run_cli(plan_dir / "plan.yaml")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "by raking" in result.output
    data = pd.read_csv(plan_dir / "respondents.csv")
    weights = pd.read_csv(plan_dir / "out" / "weights.csv")
    assert list(weights.columns) == list(data.columns) + ["weight"]
    assert weights["respondent"].tolist() == data["respondent"].tolist()  # the data's order
    estimates = pd.read_csv(plan_dir / "out" / "estimates.csv", keep_default_na=False)
    assert list(estimates.columns) == ESTIMATE_COLUMNS
    assert len(estimates) == 71 + 14 + 71 + 1
    city = estimates[estimates["domain_var"] == ""]
    assert city["name"].tolist() == ["cijfer"] and city["domain"].tolist() == [""]
    diagnostics = pd.read_csv(plan_dir / "out" / "diagnostics.csv")
    assert len(diagnostics) == 72 and {"kish_deff", "n_eff", "g_min", "g_max", "iterations"} <= set(diagnostics.columns)
    assert (plan_dir / "out" / "collapsed.csv").exists()


def test_cli_equals_python_api(plan_dir):
    run_cli(plan_dir / "plan.yaml", "--output", str(plan_dir / "again"))
    data = pd.read_csv(plan_dir / "respondents.csv")
    margins = [pd.read_csv(plan_dir / f"{m}.csv") for m in ["age", "sex", "migration", "household"]]
    design = Design(data, strata="wijk", design_weight="dw", fpc="N_h")
    raked = calibration.rake(design, margins, collapse_min=10)
    weights = pd.read_csv(plan_dir / "again" / "weights.csv")
    np.testing.assert_allclose(weights["weight"], raked.weights, rtol=1e-12)
    by_wijk = estimation.mean(raked, "cijfer", by="wijk")
    estimates = pd.read_csv(plan_dir / "again" / "estimates.csv", keep_default_na=False)
    cijfer = estimates[(estimates["name"] == "cijfer") & (estimates["domain_var"] == "wijk")]
    assert cijfer["domain"].tolist() == by_wijk["wijk"].tolist()
    np.testing.assert_allclose(cijfer["se"], by_wijk["se"], rtol=1e-12)


def test_api_plan_reproduces_r(tmp_path):
    # rake(dstrat_nofpc, list(~stype, ~sch.wide), ...) through a plan, with SPSS data
    pyreadstat = pytest.importorskip("pyreadstat")
    data = pd.read_csv(API / "apistrat.csv")
    data = data.rename(columns={"sch.wide": "sch_wide"})[["stype", "sch_wide", "pw", "api00", "enroll"]]
    pyreadstat.write_sav(data, str(tmp_path / "apistrat.sav"))
    pd.DataFrame({"stype": ["E", "H", "M"], "total": [4421, 755, 1018]}).to_excel(tmp_path / "types.xlsx", index=False)
    pd.DataFrame({"sch_wide": ["No", "Yes"], "total": [1072, 5122]}).to_csv(tmp_path / "schwide.csv", index=False)
    (tmp_path / "plan.yaml").write_text(
        "data: apistrat.sav\nstrata: stype\ndesign_weight: pw\nmethod: raking\nepsilon: 1.0e-10\n"
        "margins: [types.xlsx, schwide.csv]\n"
        "estimates:\n  - {name: api00, variable: api00, kind: mean}\n  - {name: api00, variable: api00, kind: mean, by: stype}\n")
    result = run_plan(load_plan(tmp_path / "plan.yaml"))
    np.testing.assert_allclose(result.weights["weight"], EXPECTED["rake_weights"], rtol=1e-8)
    est = result.estimates
    np.testing.assert_allclose(est["estimate"], [EXPECTED["rake_mean_api00"]["estimate"]] + EXPECTED["rake_mean_api00_by_stype"]["estimate"], rtol=1e-6)
    np.testing.assert_allclose(est["se"], [EXPECTED["rake_mean_api00"]["se"]] + EXPECTED["rake_mean_api00_by_stype"]["se"], rtol=1e-6)


def test_logit_plan_with_bounds(plan_dir, tmp_path):
    text = PLAN.replace("method: raking", "method: logit\nbounds: [0.2, 15]").replace("output: out/", f"output: {tmp_path}")
    (plan_dir / "logit.yaml").write_text(text)
    result = run_cli(plan_dir / "logit.yaml")
    assert result.exit_code == 0, result.output
    weights = pd.read_csv(tmp_path / "weights.csv")
    g = weights["weight"] / weights["dw"]
    assert g.min() >= 0.2 and g.max() <= 15


@pytest.mark.parametrize("text,message", [
    ("data: x.csv\nmethod: rakin\nmargins: [a.csv]\n", "plan.yaml line 2: method: 'rakin' is not one of poststratify, raking, linear, logit"),
    ("data: x.csv\nmethod: raking\nmargins: [a.csv]\nweigths: dw\n", "plan.yaml line 4: weigths: unknown key"),
    ("data: x.csv\nmethod: logit\nmargins: [a.csv]\n", "plan.yaml line 2: bounds: logit calibration needs bounds on g"),
    ("data: x.csv\nmethod: raking\nmargins: [a.csv]\nestimates:\n  - {name: a, variable: a, kind: median}\n",
     "plan.yaml line 5: estimates[0]: kind 'median' is not one of mean, proportion, total, ratio"),
    ("data: x.csv\nmethod: raking\nmargins: [a.csv]\nestimates:\n  - {name: a, variable: a, kind: proportion}\n",
     "plan.yaml line 5: estimates[0]: a proportion needs values"),
    ("method: raking\nmargins: [a.csv]\n", "plan.yaml: data: missing"),
    ("data: [x\n", "plan.yaml line 2: not valid YAML"),
])
def test_plan_errors_name_the_line(tmp_path, text, message):
    (tmp_path / "plan.yaml").write_text(text)
    with pytest.raises(PlanError) as err:
        load_plan(tmp_path / "plan.yaml")
    assert str(err.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_cli_prints_one_line_not_a_traceback(plan_dir, tmp_path):
    shutil.copy(plan_dir / "respondents.csv", tmp_path)
    shutil.copy(plan_dir / "sex.csv", tmp_path)
    age = pd.read_csv(plan_dir / "age.csv")
    age.loc[0, "total"] += 500  # disagrees with sex.csv for the first wijk
    age.to_csv(tmp_path / "age.csv", index=False)
    (tmp_path / "plan.yaml").write_text("data: respondents.csv\nstrata: wijk\ndesign_weight: dw\nmethod: raking\n"
                                         "collapse_min: 10\nmargins: [sex.csv, age.csv]\n")
    result = run_cli(tmp_path / "plan.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "age.csv: disagrees with margin" in result.output and "sex.csv" in result.output and "wijk=" in result.output
    (tmp_path / "plan.yaml").write_text("data: respondents.csv\nstrata: wijk\ndesign_weight: dw\nmethod: raking\n"
                                         "collapse_min: 10\non_mismatch: warn\nmargins: [sex.csv, age.csv]\n")
    result = run_cli(tmp_path / "plan.yaml")
    assert result.exit_code == 0
    assert "warning: 1 margin totals disagree" in result.output
    gaps = pd.read_csv(tmp_path / "out" / "margin_gaps.csv")
    assert gaps["relative_gap"].max() > 0.01
    # named as the plan names them, not by this machine's paths
    assert set(gaps["margin_a"]) | set(gaps["margin_b"]) == {"sex.csv", "age.csv"}


def test_collapsed_cells_name_the_margins_as_the_plan_does_wherever_the_folder_is(plan_dir,
                                                                                 tmp_path):
    """collapsed.csv names each margin file relative to the plan's folder, so two copies of a
    plan in different places, written to different output folders, give the same file."""
    written = []
    for copy, output in ((tmp_path / "ana" / "plan", "out/"),
                         (tmp_path / "elsewhere", str(tmp_path / "results"))):
        (copy / "margins").mkdir(parents=True)
        shutil.copy(plan_dir / "respondents.csv", copy)
        for name in ("age", "sex", "migration", "household"):
            shutil.copy(plan_dir / f"{name}.csv", copy / "margins")
        # one margin by its absolute path: inside the plan's folder, so named relative to it
        margins = ["margins/age.csv", "margins/sex.csv", "margins/migration.csv",
                   str(copy / "margins" / "household.csv")]
        (copy / "plan.yaml").write_text(
            "data: respondents.csv\nstrata: wijk\ndesign_weight: dw\nmethod: raking\n"
            f"collapse_min: 10\nmargins: [{', '.join(margins)}]\noutput: {output}\n")
        result = run_cli(copy / "plan.yaml")
        assert result.exit_code == 0, result.output
        written.append((copy / output if not Path(output).is_absolute() else Path(output))
                       / "collapsed.csv")
    first, second = (path.read_bytes() for path in written)
    assert first == second
    collapsed = pd.read_csv(written[0])
    assert len(collapsed) > 0  # the plan collapses cells: the test compares something
    assert set(collapsed["margin"]) <= {"margins/age.csv", "margins/sex.csv",
                                        "margins/migration.csv", "margins/household.csv"}
    assert str(tmp_path) not in first.decode()


def test_data_db_needs_a_registered_source(plan_dir, tmp_path, monkeypatch):
    # importing survey.cli registers the fieldwork database; this library test runs without it
    monkeypatch.delitem(DATA_SOURCES, "db", raising=False)
    (tmp_path / "plan.yaml").write_text("data: db\nstrata: wijk\ndesign_weight: dw\nmethod: raking\n"
                                         f"collapse_min: 10\nmargins: [{plan_dir}/sex.csv, {plan_dir}/age.csv]\n")
    with pytest.raises(PlanError, match="data: 'db' .* nothing registered it"):
        run_plan(load_plan(tmp_path / "plan.yaml"))
    monkeypatch.setitem(DATA_SOURCES, "db", lambda plan: pd.read_csv(plan_dir / "respondents.csv"))
    result = run_plan(load_plan(tmp_path / "plan.yaml"))
    assert len(result.weights) == len(pd.read_csv(plan_dir / "respondents.csv"))


def test_every_setting_is_documented():
    section = (Path(__file__).parents[3] / "docs" / "weighting.md").read_text()
    for key in SETTINGS:
        assert f"`{key}`" in section, key


def test_registered_in_the_wijkprofiel_command():
    from survey.cli import main

    assert "weight" in main.commands
