"""`wijkprofiel report --lonely-psu`: a wijk with a single respondent (a stratum with one PSU).

Two small demo editions (2022 and 2024, 2% of Rotterdam) in one SQLite database; in 2024 one
wijk keeps one completed questionnaire (its other completes set back to started, as if they had
never finished). Under the default rule 'fail' the report stops with a clean error naming the
wijk and the option; under 'remove' and 'adjust' it completes, states the rule in its method
text, its plan and its tables' fingerprint, and its standard errors are weighting's own
Design-level ones with that rule. That the rules agree here (each wijk is raked to its own
register totals, so a lone respondent's residual is 0) is R's result too:
tests/reference/test_lonely_rake.py.
"""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import func, select, update

from survey import storage
from survey.cli import main
from survey.demo.seed import seed_edition
from survey.models import Area, Edition, SampleUnit
from survey.questionnaire.loader import load_all
from survey.report.edition_report import report_design
from tests.support.fieldwork_data import estimate_at
from weighting import estimation

SCALE = 0.02
REPORT = ["report", "--no-pdf", "--min-n", "1", "--indicative-n", "1", "--index-replicates", "20"]


def _leave_one_respondent(url, year):
    """In `year`, the wijk with the fewest completes (at least two) keeps only its first
    one; returns (wijk code, wijk name)."""
    with storage.transaction(url) as db:
        edition_id = db.scalar(select(Edition.id).where(Edition.year == year))
        completes = (select(SampleUnit.wijk_code, func.count().label("n"))
                     .where(SampleUnit.edition_id == edition_id, SampleUnit.status == "completed")
                     .group_by(SampleUnit.wijk_code).subquery())
        code = db.scalar(select(completes.c.wijk_code).where(completes.c.n >= 2)
                         .order_by(completes.c.n, completes.c.wijk_code).limit(1))
        units = db.scalars(select(SampleUnit.id).where(
            SampleUnit.edition_id == edition_id, SampleUnit.wijk_code == code,
            SampleUnit.status == "completed").order_by(SampleUnit.id)).all()
        db.execute(update(SampleUnit).where(SampleUnit.id.in_(units[1:]))
                   .values(status="started", completed_at=None))
        return code, db.scalar(select(Area.wijk).where(Area.wijk_code == code))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("lonely")
    url = f"sqlite:///{root / 'w.db'}"
    seed_edition(url, seed=31, scale=SCALE, year=2024)
    seed_edition(url, seed=32, scale=SCALE, year=2022)
    code, name = _leave_one_respondent(url, 2024)
    return {"url": url, "root": root, "code": code, "name": name,
            "runner": CliRunner(env={"DATABASE_URL": url})}


@pytest.fixture(scope="module")
def reports(edition):
    """The report under 'remove' (the option) and 'adjust' (REPORT_LONELY_PSU)."""
    out = {}
    for rule, args, env in (("remove", ["--lonely-psu", "remove"], {}),
                            ("adjust", [], {"REPORT_LONELY_PSU": "adjust"})):
        out[rule] = edition["root"] / rule
        result = edition["runner"].invoke(main, REPORT + args + ["--out", str(out[rule])], env=env)
        assert result.exit_code == 0, result.output
    return out


def test_a_wijk_with_one_respondent_stops_the_report_naming_it_and_the_option(edition):
    result = edition["runner"].invoke(main, REPORT + ["--out", str(edition["root"] / "fail")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: edition 2024: ")
    assert f"wijk {edition['name']} ({edition['code']}) has only one respondent" in message
    assert "rerun with --lonely-psu remove|certainty|adjust" in message
    # nothing half written: it stops before the tables
    assert not (edition["root"] / "fail" / "indicators.csv").exists()


def test_a_rule_that_does_not_exist_is_refused_with_the_choices(edition):
    result = edition["runner"].invoke(main, REPORT + ["--lonely-psu", "average", "--out",
                                                      str(edition["root"] / "bad")])
    assert result.exit_code == 2
    assert "'average' is not one of 'fail', 'remove', 'certainty', 'adjust'" in result.output


def test_the_report_completes_and_states_the_rule_and_the_wijk(edition, reports):
    wijk = f"{edition['name']} ({edition['code']})"
    for rule, out in reports.items():
        html = (out / "index.html").read_text(encoding="utf-8")
        assert f"Strata met één respondent: regel {rule} (R survey.lonely.psu" in html
        assert f"Wijken met één respondent per editie: 2024: {wijk}; 2022: geen." in html
        indicators = pd.read_csv(out / "indicators.csv")
        lonely = indicators[(indicators["level"] == "wijk") & (indicators["domain"] == edition["name"])]
        assert len(lonely) and (lonely["n"] <= 1).all()


def test_the_standard_errors_are_weightings_with_the_rule(edition, reports, tmp_path):
    # the report's SEs against weighting.estimation on the report's own design (per rule),
    # for the lonely wijk, its gebied and Rotterdam, a proportion and a mean
    gebied = pd.read_csv(reports["remove"] / "weights.csv").query(
        f"wijk_code == {edition['code']}")["gebied"].iloc[0]
    tables = {rule: pd.read_csv(out / "indicators.csv") for rule, out in reports.items()}
    for rule in reports:
        design = estimate_at(edition["url"], 2024, tmp_path / rule, load_all(), report_design(rule)).design
        assert design.lonely_psu == rule
        table = tables[rule].set_index(["indicator", "level", "domain"])
        # a proportion's column holds 0/1 (its mean is the share), a mean's the score
        for indicator in ("tevreden_met_buurt", "rapportcijfer_veiligheid"):
            city, gebieden, wijken = (estimation.mean(design, indicator, by=by) for by in (None, "gebied", "wijk"))
            assert table.loc[(indicator, "stad", "Rotterdam"), "se"] == pytest.approx(city["se"].iloc[0], rel=1e-9)
            assert table.loc[(indicator, "gebied", gebied), "se"] == pytest.approx(
                gebieden.set_index("gebied").loc[gebied, "se"], rel=1e-9)
            # the lone respondent's own wijk has no variance: 0 (up to rounding of the raking)
            assert table.loc[(indicator, "wijk", edition["name"]), "se"] == pytest.approx(0, abs=1e-9)
            assert wijken.set_index("wijk").loc[edition["name"], "se"] == pytest.approx(0, abs=1e-9)
    # raked within its wijk, the lone respondent adds nothing under any rule (as in R)
    for column in ("se", "ci_low", "ci_high", "p"):
        np.testing.assert_allclose(tables["remove"][column], tables["adjust"][column], rtol=1e-9, atol=1e-12)


def test_the_index_intervals_and_changes_come_with_the_rule(reports):
    # the bootstrap replicates of the index scores were made under the rule (under 'fail'
    # they stop at the lonely wijk too), and the change tests use the rule's SEs
    scores = {rule: pd.read_csv(out / "index_scores.csv") for rule, out in reports.items()}
    for table in scores.values():
        rotterdam = table[table["level"] == "stad"].iloc[0]
        assert rotterdam["Veiligheidsindex -subjectief se"] > 0
    columns = [c for c in scores["remove"].columns if c.endswith((" se", " ci_low", " ci_high"))]
    assert columns
    np.testing.assert_allclose(scores["remove"][columns].to_numpy(float), scores["adjust"][columns].to_numpy(float),
                               rtol=1e-9)
    for out in reports.values():
        assert pd.read_csv(out / "indicators.csv")["p"].notna().any()


def test_the_plan_beside_the_margins_carries_the_rule_and_gives_the_reports_ses(edition, reports):
    for rule, out in reports.items():
        plan = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))
        assert plan["lonely_psu"] == rule
    result = edition["runner"].invoke(main, ["weight", str(reports["adjust"] / "plan.yaml")])
    assert result.exit_code == 0, result.output
    # the plan's share (zeer) tevreden with the buurt is the report's tevreden_met_buurt: the
    # same base (weet_niet left out), weights and standard errors, for Rotterdam and every gebied
    planned = pd.read_csv(reports["adjust"] / "weighting" / "estimates.csv")
    planned[["domain_var", "domain"]] = planned[["domain_var", "domain"]].fillna("")
    planned = planned[(planned["name"] == "tevreden_buurt") & (planned["domain_var"] != "wijk")]
    planned = planned.assign(level=planned["domain_var"].replace({"": "stad"}),
                             domain=planned["domain"].replace({"": "Rotterdam"})).set_index(["level", "domain"])
    report = pd.read_csv(reports["adjust"] / "indicators.csv")
    reported = report[(report["indicator"] == "tevreden_met_buurt") & (report["level"] != "wijk")]
    reported = reported.set_index(["level", "domain"]).loc[planned.index]
    assert len(reported) == 15
    np.testing.assert_array_equal(planned["n"].astype(int), reported["n"])
    for column in ("estimate", "se"):
        np.testing.assert_allclose(planned[column].astype(float), reported[column], rtol=1e-9)
    # at 0% or 100% the report's interval is Clopper-Pearson (its publication rule); the
    # plan's logit interval does not exist there
    logit = planned["ci_low"].notna()
    for column in ("ci_low", "ci_high"):
        np.testing.assert_allclose(planned.loc[logit, column].astype(float), reported.loc[logit, column],
                                   rtol=1e-9)


def test_the_rule_is_in_the_tables_fingerprint(reports):
    # the same numbers under both rules, yet a table written under one rule is not taken
    # for one written under the other (survey.report.made_of)
    assert ((reports["remove"] / "indicators.csv").read_bytes()
            == (reports["adjust"] / "indicators.csv").read_bytes())
    for group in ("indicators", "index_scores"):
        stamps = [json.loads((out / f".{group}.made-of").read_text())["digest"] for out in reports.values()]
        assert stamps[0] != stamps[1]


def test_demo_run_passes_the_rule_to_the_report(tmp_path, monkeypatch):
    # `demo run --lonely-psu` reaches the report it builds (the report itself is tested above;
    # here it is replaced by a stand-in that keeps what it was given and stops the job)
    import click

    import survey.main_job as main_job

    given = {}

    def report(*args, **kwargs):
        given.update(kwargs)
        raise click.ClickException("stand-in report: stopped here")

    monkeypatch.setattr(main_job, "build_edition_report", report)
    monkeypatch.setattr(main_job, "pdf_unavailable", lambda: "no PDF in this test")
    runner = CliRunner(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "REPORT_LONELY_PSU": None})
    result = runner.invoke(main, ["demo", "run", "--scale", "0.01", "--no-serve", "--out",
                                  str(tmp_path / "out"), "--lonely-psu", "adjust"])
    assert "stand-in report: stopped here" in result.output
    assert given["lonely_psu"] == "adjust"


def test_publish_runs_the_report_with_the_rule(edition):
    # without --report, publish runs the report's computation: the same stop and the same way out
    out = edition["root"] / "site"
    stopped = edition["runner"].invoke(main, ["publish", "--no-factsheets", "--out", str(out)])
    assert stopped.exit_code == 1 and "Traceback" not in stopped.output
    assert f"wijk {edition['name']} ({edition['code']}) has only one respondent" in stopped.output
    published = edition["runner"].invoke(main, ["publish", "--no-factsheets", "--out", str(out),
                                                "--lonely-psu", "certainty"])
    assert published.exit_code == 0, published.output
    assert (out / "index.html").exists()
