"""`missing:` in a plan's estimate: "weet niet" answers leave the respondent out of that
estimate's base, as R's na.rm=TRUE after recoding them to NA."""

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
