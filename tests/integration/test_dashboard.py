"""The fieldwork dashboard through the test client, on the hand-built edition of
tests/support/fieldwork_data.py (counts in its docstring), and on a demo seed."""

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from survey import storage
from survey.fieldwork import dashboard as fieldwork
from survey.models import Area, AuditEvent, SampleUnit

from tests.support.fieldwork_data import add_edition
from tests.support.staff import StaffActions, add_accounts


@pytest.fixture
def coordinator(staff_app, staff):
    add_edition(staff_app.config["DATABASE_URL"])
    staff.login("coordinator")
    return staff.client


def row_cells(html, name):
    """The texts of the cells of the first table row headed `name`."""
    match = re.search(r"<tr[^>]*>\s*<th scope=\"row\">" + re.escape(name) + r"</th>(.*?)</tr>",
                      html, re.S)
    assert match, f"no row {name}"
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def wijk_table(html):
    return html[html.index('id="wijk-heading"'):html.index('id="aapor-heading"')]


def test_dashboard_shows_the_hand_counted_numbers(coordinator):
    page = coordinator.get("/staff/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "Veldwerk Wijkprofiel 2024" in html
    # Naam, Gebied, Bruto, Gestart, Voltooid, Doel, % doel, Respons, web, papier, telefoon,
    # golf 1, golf 2, P, R, NC, O, UH, UO, NE, RR1, RR2
    cells = row_cells(wijk_table(html), "Stadsdriehoek")
    assert cells == ["Centrum", "8", "5", "4", "420", "1,0%", "50,0%", "3", "1", "0", "4", "0",
                     "0", "2", "0", "0", "2", "0", "0", "50,0%", "50,0%"]
    assert row_cells(wijk_table(html), "Oude Westen")[-2:] == ["33,3%", "66,7%"]
    assert row_cells(wijk_table(html), "Hillesluis")[1:4] == ["0", "0", "0"]
    total = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    assert row_cells(total, "Rotterdam")[-2:] == ["45,5%", "54,5%"]  # 5/11 and 6/11
    assert "<svg" in html and html.count("<polyline") == 4  # total, web, paper, phone
    assert "2.11" in html and "Weigering" in html


def test_dashboard_follows_answers_as_they_arrive(staff_app, coordinator):
    before = row_cells(wijk_table(coordinator.get("/staff/dashboard").text), "Stadsdriehoek")
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        db.execute(update(SampleUnit).where(SampleUnit.id == "s6").values(
            status="completed", disposition="1.1", mode="phone",
            started_at=datetime(2023, 4, 2, 10), completed_at=datetime(2023, 4, 2, 10, 30)))
    after = row_cells(wijk_table(coordinator.get("/staff/dashboard").text), "Stadsdriehoek")
    assert (before[3], after[3]) == ("4", "5")  # completed
    assert (before[9], after[9]) == ("0", "1")  # by phone


def test_filters_restrict_every_number(coordinator):
    html = coordinator.get("/staff/dashboard?gebied=Feijenoord").text
    assert "Hillesluis" in wijk_table(html) and "Stadsdriehoek" not in wijk_table(html)
    html = coordinator.get("/staff/dashboard?wave=2").text
    assert row_cells(wijk_table(html), "Stadsdriehoek")[1] == "0"
    assert row_cells(wijk_table(html), "Oude Westen")[1] == "4"
    assert "Het doel geldt voor de hele wijk" in html
    html = coordinator.get("/staff/dashboard?questionnaire=veiligheidsmonitor").text
    assert row_cells(wijk_table(html), "Oude Westen")[1] == "0"
    html = coordinator.get("/staff/dashboard?wave=twee").text
    assert "golf &#39;twee&#39; is geen getal" in html


def test_sorting_by_any_column_through_links(coordinator):
    html = coordinator.get("/staff/dashboard?sort=gross&dir=desc").text
    table = wijk_table(html)
    order = [table.index(name) for name in ("Stadsdriehoek", "Oude Westen", "Hillesluis")]
    assert order == sorted(order)
    assert 'aria-sort="descending"' in table
    # the sorted column's link turns the order round; another column's link sorts ascending
    assert "sort=gross&amp;dir=asc" in table and "sort=RR1&amp;dir=asc" in table
    html = coordinator.get("/staff/dashboard?sort=RR1&dir=asc").text
    table = wijk_table(html)
    assert table.index("Oude Westen") < table.index("Stadsdriehoek") < table.index("Hillesluis")


def test_csv_export_has_the_rows_and_is_audited(staff_app, coordinator):
    response = coordinator.get("/staff/dashboard/export.csv?gebied=Centrum")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="veldwerk-2024.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    by_name = {row["Naam"]: row for row in rows}
    # filtered on Centrum, the total row is Centrum's and says so
    assert set(by_name) == {"Stadsdriehoek", "Oude Westen", "Centrum", "Totaal Centrum"}
    assert by_name["Stadsdriehoek"]["Bruto steekproef"] == "8"
    assert by_name["Totaal Centrum"]["RR2"] == by_name["Centrum"]["RR2"] == "0.5455"
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "export_dashboard"))
    assert event.username == "coordinator" and "gebied=Centrum" in event.detail


def test_exports_escape_names_a_spreadsheet_would_run(staff_app, coordinator):
    with storage.transaction(staff_app.config["DATABASE_URL"]) as db:
        db.execute(update(Area).where(Area.wijk_code == 3).values(wijk='=HYPERLINK("http://x")'))
    text = coordinator.get("/staff/dashboard/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    book = load_workbook(io.BytesIO(coordinator.get("/staff/dashboard/export.xlsx").data))
    assert book.sheetnames == ["Per wijk", "Per gebied", "Disposities"]
    names = [row[1] for row in book["Per wijk"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names
    dispositions = {row[0]: row[3] for row in book["Disposities"].iter_rows(min_row=2, values_only=True)}
    assert dispositions == {"1.1": 5, "1.2": 1, "2.11": 1, "2.12": 1, "3.19": 2, "3.30": 1, "4.10": 1}


def test_targets_from_a_file_and_a_clear_error_for_a_bad_one(make_app, sqlite_url, tmp_path):
    add_accounts(sqlite_url)
    add_edition(sqlite_url)
    targets = tmp_path / "doelen.csv"
    targets.write_text("wijk_code,target\n1,8\n2,veel\n", encoding="utf-8")
    actions = StaffActions(make_app(sqlite_url, FIELDWORK_TARGETS=str(targets)).test_client())
    actions.login("statistician")
    page = actions.client.get("/staff/dashboard")
    assert page.status_code == 500
    assert f"{targets} row 3, column &#39;target&#39;: &#39;veel&#39; is not a whole number" in page.text
    targets.write_text("wijk_code,target\n1,8\n", encoding="utf-8")
    html = actions.client.get("/staff/dashboard").text
    assert row_cells(wijk_table(html), "Stadsdriehoek")[4:6] == ["8", "50,0%"]


def test_partial_threshold_is_a_setting(make_app, sqlite_url):
    add_accounts(sqlite_url)
    add_edition(sqlite_url)
    actions = StaffActions(make_app(sqlite_url, FIELDWORK_PARTIAL_MIN_ANSWERS=2).test_client())
    actions.login("admin")
    # unit s5 started with 2 answers: now partial (1.2) instead of break-off (2.12)
    cells = row_cells(wijk_table(actions.client.get("/staff/dashboard").text), "Stadsdriehoek")
    assert cells[12:14] == ["1", "1"]  # P, R


def test_empty_database_says_there_is_no_edition(staff):
    staff.login("admin")
    page = staff.client.get("/staff/dashboard")
    assert page.status_code == 200 and "nog geen editie" in page.text


def test_same_numbers_on_both_backends(database_url):
    add_edition(database_url)
    with storage.transaction(database_url) as db:
        table = fieldwork.fieldwork_table(db, year=2024)
        daily = fieldwork.daily_completes(db, 1)
    assert (table.total.gross, table.total.started, table.total.completed) == (12, 7, 5)
    assert table.total.rates["RR1"] == pytest.approx(5 / 11)
    assert table.total.dispositions == {"1.1": 5, "1.2": 1, "2.11": 1, "2.12": 1, "3.19": 2,
                                        "3.30": 1, "4.10": 1}
    assert [(day.isoformat(), mode, n) for day, mode, n in daily] == [
        ("2023-03-10", "web", 2), ("2023-03-12", "web", 1), ("2023-03-15", "paper", 1),
        ("2023-09-20", "phone", 1)]


def test_a_completion_after_midnight_rotterdam_time_counts_on_that_day(database_url):
    # stored in UTC: 22:30 on 12 March is 23:30 in Rotterdam (winter), 22:30 on 19 September
    # is 0:30 on the 20th (summer time)
    add_edition(database_url)
    with storage.transaction(database_url) as db:
        db.get(SampleUnit, "s3").completed_at = datetime(2023, 3, 12, 22, 30)
        db.get(SampleUnit, "o1").completed_at = datetime(2023, 9, 19, 22, 30)
    with storage.transaction(database_url) as db:
        daily = fieldwork.daily_completes(db, 1)
    assert [(day.isoformat(), mode, n) for day, mode, n in daily] == [
        ("2023-03-10", "web", 2), ("2023-03-12", "web", 1), ("2023-03-15", "paper", 1),
        ("2023-09-20", "phone", 1)]


@pytest.mark.slow
def test_dashboard_on_a_demo_seed_matches_the_database(make_app, sqlite_url):
    from survey.demo.seed import seed_edition

    seed_edition(sqlite_url, seed=2024, scale=0.05)
    with storage.transaction(sqlite_url) as db:
        units = db.scalar(select(func.count()).select_from(SampleUnit))
        completes = db.scalar(select(func.count()).select_from(SampleUnit)
                              .where(SampleUnit.status == "completed"))
        table = fieldwork.fieldwork_table(db, year=2024)
    assert table.total.gross == units and table.total.completed == completes
    assert len(table.wijken) == 71 and len(table.gebieden) == 14
    assert sum(row.completed for row in table.wijken) == completes
    assert 0.3 < table.total.rates["RR1"] < 0.5  # the demo aims at Rotterdam's ~40%
    add_accounts(sqlite_url)
    actions = StaffActions(make_app(sqlite_url).test_client())
    actions.login("coordinator")
    html = actions.client.get("/staff/dashboard").text
    assert f"{completes:,}".replace(",", ".") in html
    assert html.count("<polyline") >= 4
