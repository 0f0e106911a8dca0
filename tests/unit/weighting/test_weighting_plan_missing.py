"""`missing:` in a plan's estimate: "weet niet" answers leave the respondent out of that
estimate's base, as R's na.rm=TRUE after recoding them to NA."""

import numpy as np
import pandas as pd
import pytest

from weighting.plan import load_plan, run_plan


def test_missing_answers_leave_the_base(tmp_path):
    pd.DataFrame({"wijk": ["a", "a", "b", "b", "b"], "cijfer": ["6", "weet_niet", "8", "9", "weet_niet"],
                  "dw": [10.0, 10.0, 20.0, 20.0, 20.0]}).to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "plan.yaml").write_text(
        "data: data.csv\nstrata: wijk\ndesign_weight: dw\nmethod: poststratify\n"
        "margins: [m.csv]\n"
        "estimates:\n  - {name: cijfer, variable: cijfer, kind: mean, missing: [weet_niet]}\n")
    pd.DataFrame({"wijk": ["a", "b"], "total": [20, 60]}).to_csv(tmp_path / "m.csv", index=False)
    result = run_plan(load_plan(tmp_path / "plan.yaml"))
    row = result.estimates.iloc[0]
    # post-stratified weights: a 20/2 = 10 each, b 60/3 = 20 each; over the three who gave a
    # mark: (10*6 + 20*8 + 20*9) / (10 + 20 + 20) = 8.0
    assert row["estimate"] == pytest.approx(8.0)
    assert row["n"] == 3


def test_weight_command_stops_on_a_variable_nobody_answered_and_keeps_an_empty_domain(tmp_path):
    # issue 14: no more exit 0 with silently missing rows
    from click.testing import CliRunner

    from weighting.cli import weight_command

    data = pd.DataFrame({"wijk": ["Noord"] * 4 + ["Zuid"] * 4, "dw": 5.0,
                         "cijfer": [7, 8, 6, 7, None, None, None, None], "leeg": None})
    data.to_csv(tmp_path / "data.csv", index=False)
    pd.DataFrame({"wijk": ["Noord", "Zuid"], "total": [20, 20]}).to_csv(tmp_path / "wijk.csv", index=False)
    plan = ("data: data.csv\nstrata: wijk\ndesign_weight: dw\nmethod: poststratify\nmargins: [wijk.csv]\n"
            "estimates:\n  - {name: cijfer, variable: cijfer, kind: mean, by: [wijk]}\n")
    (tmp_path / "plan.yaml").write_text(plan)
    result = CliRunner().invoke(weight_command, [str(tmp_path / "plan.yaml")])
    assert result.exit_code == 0, result.output
    assert "data.csv: 'cijfer': no answers in 1 domain(s) (Zuid)" in result.stderr
    table = pd.read_csv(tmp_path / "out" / "estimates.csv")
    assert table["domain"].tolist() == ["Noord", "Zuid"] and table["n"].tolist() == [4, 0]
    assert np.isnan(table.loc[1, "estimate"])
    (tmp_path / "plan.yaml").write_text(plan + "  - {name: leeg, variable: leeg, kind: mean}\n")
    result = CliRunner().invoke(weight_command, [str(tmp_path / "plan.yaml")])
    assert result.exit_code == 1
    assert "estimate 'leeg'" in result.stderr and "no respondent has an answer to 'leeg'" in result.stderr
