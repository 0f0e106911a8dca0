"""A scaled-down demo aims at scaled-down targets: `wijkprofiel demo seed --scale 0.02` writes
the per-wijk targets its sample was sized for, and the coordinator's dashboard then shows
response against target in the range a real edition shows at the end of fieldwork, instead of
every wijk at 2% of the full edition's 420."""

import re

import pytest

from survey.cli import main
from tests.support.apps import make_app
from tests.support.staff import StaffActions, add_accounts

SCALE = 0.02


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-targets")
    url = f"sqlite:///{folder / 'demo.db'}"
    app = make_app(url)
    app.instance_path = str(folder / "instance")
    result = app.test_cli_runner().invoke(main, ["demo", "seed", "--scale", str(SCALE)])
    assert result.exit_code == 0, result.output
    add_accounts(url)
    return app, result.output


def test_the_seed_writes_targets_that_scale_with_the_sample(seeded_app):
    app, output = seeded_app
    # the targets belong to the database they were seeded with, not to the instance folder,
    # and the dashboard finds them without any setting
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///") + ".fieldwork-targets.csv"
    assert "FIELDWORK_TARGETS" not in app.config
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines[0] == "wijk_code,target" and len(lines) == 72
    targets = [int(line.split(",")[1]) for line in lines[1:]]
    # 75,000 letters * 0.02 = 1,500, of which about 40% are meant to respond
    assert 540 <= sum(targets) <= 660
    assert min(targets) >= 1 and max(targets) < 40
    assert f"fieldwork targets: {sum(targets):,} net responses over 71 wijken" in output


def test_the_dashboard_shows_response_against_target_in_a_realistic_range(seeded_app):
    app, _ = seeded_app
    staff = StaffActions(app.test_client())
    staff.login("coordinator")
    export = staff.client.get("/staff/dashboard/export.csv")
    assert export.status_code == 200
    header, *rows = [line.split(",") for line in export.text.splitlines()]
    share = header.index("% van doel")
    wijken = [float(row[share]) for row in rows if row[0] == "wijk" and row[share]]
    total = next(float(row[share]) for row in rows if row[0] == "total")
    assert len(wijken) == 71
    # the demo is seeded at the end of fieldwork: the city near its target, wijken around it
    assert 0.85 <= total <= 1.15
    assert sorted(wijken)[len(wijken) // 2] == pytest.approx(1.0, abs=0.15)
    assert sum(0.5 <= w <= 1.6 for w in wijken) >= 65
    page = staff.client.get("/staff/dashboard")
    shown = re.search(r"<dt>% van doel</dt><dd>([\d,]+)%</dd>", page.text).group(1)
    assert 85 <= float(shown.replace(",", ".")) <= 115


def test_a_draw_without_a_targets_file_aims_at_the_dashboards_targets(seeded_app):
    """The sample-draw page and the dashboard read one rule (`targets_setting`): with no
    targets stored with the edition, a draw is sized for the targets the dashboard measures
    response against."""
    from survey.routes.sample import _fallback

    app, _ = seeded_app
    with app.test_request_context("/staff/steekproef/trekken", method="POST"):
        chosen = _fallback()
    assert chosen == app.config["DATABASE_URL"].removeprefix("sqlite:///") + ".fieldwork-targets.csv"
