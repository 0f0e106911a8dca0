"""The main job end to end on a small demo edition: `wijkprofiel demo run --no-serve` seeds,
weights, writes the report and a weighting plan that `wijkprofiel weight` runs on the database;
with --serve the app answers while the report is still being written."""

import re
import threading

import pandas as pd
import pytest
from click.testing import CliRunner

from survey.cli import main


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    env = {"DATABASE_URL": f"sqlite:///{root / 'w.db'}"}
    runner = CliRunner(env=env)
    result = runner.invoke(main, ["demo", "run", "--scale", "0.02", "--out", str(root / "out"),
                                  "--no-serve"])
    return runner, env, root, result


def test_main_job_seeds_weights_and_writes_the_report(demo_run):
    _, _, root, result = demo_run
    assert result.exit_code == 0, result.output
    out = root / "out"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Rotterdam in het kort" in html and "Methode" in html and "<svg" in html
    indicators = pd.read_csv(out / "indicators.csv")
    assert set(indicators["level"]) == {"stad", "gebied", "wijk"}
    assert indicators.loc[indicators["level"] == "gebied", "domain"].nunique() == 14
    city = indicators[(indicators["level"] == "stad") & (indicators["indicator"] == "tevreden_met_buurt")]
    assert len(city) == 1 and 0 < city["estimate"].iloc[0] < 1
    assert (city["ci_low"] < city["estimate"]).all() and (city["estimate"] < city["ci_high"]).all()
    weights = pd.read_csv(out / "weights.csv")
    # raked per wijk to the register: the weights of each wijk add up to its population 15+
    margin = pd.read_csv(out / "margins" / "margin_sex.csv").groupby("wijk_code")["total"].sum()
    raked = weights.groupby("wijk_code")["weight"].sum()
    pd.testing.assert_series_equal(raked.loc[margin.index], margin, check_names=False, rtol=1e-6)
    # the demo's register files (one per edition) give the full Veiligheidsindex, flagged on
    # the full index; Rotterdam's objective part stays near its 2014 score of 100
    assert {p.name for p in (out / "register").iterdir()} == {"register-2024.csv", "register-2022.csv"}
    scores = pd.read_csv(out / "index_scores.csv")
    rotterdam = scores[scores["level"] == "stad"].iloc[0]
    assert 90 <= rotterdam["Veiligheidsindex -objectief"] <= 110
    assert scores.loc[scores["level"] == "gebied", "Veiligheidsindex"].notna().all()
    assert (scores["flag_score"] == "Veiligheidsindex").all()
    assert "demo-statistician" in result.output and "/staff/login" in result.output
    # the demo codes once, at the end with the addresses, not also in the seed's summary
    assert "demo login codes:" not in result.output
    assert result.output.count("demo personal codes") == 1
    listed = result.output.split("demo personal codes", 1)[1].split("demo staff accounts")[0]
    codes = re.findall(r"\b[0-9A-Z]{10}\b", listed)
    assert len(codes) >= 6 and all(result.output.count(code) == 1 for code in codes)


def test_a_second_run_reuses_the_edition_and_without_the_pdf_engine_still_reports(demo_run, monkeypatch):
    runner, _, root, _ = demo_run
    monkeypatch.setattr("survey.main_job.pdf_unavailable", lambda: "no chromium at /usr/bin/chromium nor on PATH")
    again = runner.invoke(main, ["demo", "run", "--out", str(root / "out2"), "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "in the database already" in again.output
    assert "demo-statistician" not in again.output  # accounts exist; passwords shown only once
    assert "no PDF on this machine" in again.output
    assert (root / "out2" / "index.html").exists() and not (root / "out2" / "report.pdf").exists()


def test_the_written_plan_weights_the_database_edition(demo_run):
    runner, _, root, _ = demo_run
    result = runner.invoke(main, ["weight", str(root / "out" / "plan.yaml")])
    assert result.exit_code == 0, result.output
    estimates = pd.read_csv(root / "out" / "weighting" / "estimates.csv", keep_default_na=False)
    city = estimates[(estimates["name"] == "buurt_cijfer") & (estimates["domain_var"] == "")]
    assert 1 <= float(city["estimate"].iloc[0]) <= 10
    assert set(estimates.loc[estimates["domain_var"] == "gebied", "domain"]) >= {"Charlois", "Noord"}


def test_main_job_publishes_the_public_site_and_prints_its_address(demo_run):
    _, _, root, result = demo_run
    site = root / "out" / "site"
    assert (site / "index.html").exists() and len(list((site / "wijk").glob("*.html"))) == 71
    assert len(list((site / "factsheets").glob("*.pdf"))) == 71
    assert "http://127.0.0.1:5000/wijkprofiel/" in result.output


def test_the_published_2014_edition_is_stored_under_the_out_folder(demo_run):
    _, _, root, result = demo_run
    stored = root / "out" / "published"
    assert any(stored.iterdir())
    assert f"published edition 2014 (Veiligheidsindex) stored in {stored}" in result.output
    assert f"wijkprofiel report --published {stored}" in result.output


def _serving_run(tmp_path, monkeypatch, build_report):
    """`demo run --serve` on a fresh database with the server replaced by a client that asks
    /healthz (and the public site) once, then lets the report go ahead (`build_report`
    receives the real builder and an event to wait on). No timing: the report's builder
    waits for the client's requests."""
    import werkzeug.serving

    import survey.main_job as main_job

    monkeypatch.setattr(main_job, "pdf_unavailable", lambda: "no PDF in this test")
    may_report = threading.Event()
    real = main_job.build_edition_report
    monkeypatch.setattr(main_job, "build_edition_report",
                        lambda *args, **kwargs: build_report(real, may_report, *args, **kwargs))
    seen = {}
    out = tmp_path / "out"

    def serve(host, port, app, threaded):
        client = app.test_client()
        seen["health"] = client.get("/healthz").status_code
        seen["site served"] = client.get("/wijkprofiel/index.html").status_code == 200
        seen["report written"] = (out / "index.html").exists()
        may_report.set()

    monkeypatch.setattr(werkzeug.serving, "run_simple", serve)
    runner = CliRunner(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"})
    result = runner.invoke(main, ["demo", "run", "--scale", "0.02", "--out", str(out)])
    return result, seen, out


def test_the_app_answers_before_the_report_is_written(tmp_path, monkeypatch):
    def after_the_health_check(real, may_report, *args, **kwargs):
        assert may_report.wait(600), "the server never asked /healthz"
        return real(*args, **kwargs)

    result, seen, out = _serving_run(tmp_path, monkeypatch, after_the_health_check)
    assert result.exit_code == 0, result.output
    # served while the report waited: healthy, no public site yet, no report on disk
    assert seen == {"health": 200, "site served": False, "report written": False}
    output = result.output
    assert output.index("serving on") < output.index("report:") < output.index("main job done")
    # the previous edition was seeded in the background too, for the report's comparison
    assert "seeding the previous edition 2022" in output and "edition 2022 (seed 2022" in output
    assert (out / "index.html").exists() and (out / "site" / "index.html").exists()


def test_a_failing_background_job_is_reported_and_fails_the_command(tmp_path, monkeypatch):
    from weighting.errors import WijkprofielError

    def failing(real, may_report, *args, **kwargs):
        raise WijkprofielError("margins.csv, row 3: no such wijk")

    result, seen, out = _serving_run(tmp_path, monkeypatch, failing)
    assert seen["health"] == 200
    assert result.exit_code == 1
    assert "main job FAILED: margins.csv, row 3: no such wijk" in result.output
    assert "main job failed: margins.csv, row 3: no such wijk" in result.output
    assert "Traceback" not in result.output  # the tool's own errors say what is wrong
    assert not (out / "site").exists()
