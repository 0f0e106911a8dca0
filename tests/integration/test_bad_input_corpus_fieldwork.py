"""The bad input corpus, continued (`tests/corpus/sample/`, `tests/corpus/paper_entry/`): an
already drawn sample (`wijkprofiel sample import FILE --kind sample`) and paper entry.

A broken sample file stops with one message naming the file, the row and the column, and
imports nothing: no person, no sample unit, no code, no batch. A BOM with commas, and Dutch
Excel's semicolons with decimal commas, are read.

Paper entry is keyed on web pages, not read from a file, so its corpus is keyed forms: each
YAML file says which form's code is typed, what each keyer types page by page, and where and
why it must be refused. A refused page names the field (the error summary links to it), and
nothing is stored: no keyed value of that page, no answer; a form of a completed unit is
flagged, and two passes that differ store nothing until each difference is settled.
"""

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from survey import storage
from survey.models import (Answer, IdentityLink, IdentityPerson, PaperEntry, PaperForm, SampleBatch,
                           SampleUnit)

from tests.support.bad_input import assert_clean_failure, run_cli
from tests.support.paper import CODES, login, post, token

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


# --- an already drawn sample: `wijkprofiel sample import FILE --kind sample` ---------------

SAMPLE = CORPUS / "sample"
SAMPLE_BROKEN = {
    "empty.csv": ["row 1", "no header"],
    "header_only.csv": ["no data rows"],
    "missing_inclusion_probability.csv": ["no column is mapped to inclusion_probability"],
    "missing_questionnaire.csv": ["no column is mapped to questionnaire_id"],
    "duplicate_column.csv": ["row 1", "names 'vragenlijst' twice"],
    "duplicate_register_id.csv": ["row 3, column 'registernummer'", "also on row 2"],
    "probability_above_one.csv": ["row 3, column 'inclusiekans'", "'1,5' is not a probability"],
    "probability_zero.csv": ["row 2, column 'inclusiekans'", "'0' is not a probability"],
    "formula_probability.csv": ["row 3, column 'inclusiekans'", "'=1/12' is not a probability"],
    "unknown_questionnaire.csv": ["row 3, column 'vragenlijst'", "'gezondheidsmonitor'",
                                  "expected one of veiligheidsmonitor, wijkonderzoek"],
    "formula_questionnaire.csv": ["row 3, column 'vragenlijst'", "'=HYPERLINK("],
    "bad_wave.csv": ["row 3, column 'golf'", "'3' is not a wave"],
    "ragged.csv": ["row 3", "17 values where the header has 15"],
    "not_excel.xlsx": ["is not a readable Excel workbook"],
}
# latin1.csv: Dutch Excel's Windows-1252, read with a note (tests/corpus/register too)
SAMPLE_ACCEPTED = ["semicolon.csv", "bom_comma.csv", "latin1.csv"]
# imported after semicolon.csv: its second row is a person already in the edition's sample
SAMPLE_AGAIN = "already_in_sample.csv"


def sample_counts(url):
    with storage.transaction(url) as db:
        return tuple(db.scalar(select(func.count()).select_from(model))
                     for model in (IdentityPerson, IdentityLink, SampleUnit, SampleBatch))


@pytest.fixture
def sample_app(make_app, sqlite_url):

    return make_app(sqlite_url)


def import_sample(app, name):
    return run_cli(["sample", "import", SAMPLE / name, "--kind", "sample"], app=app)


def test_the_sample_corpus_is_complete():
    assert {p.name for p in SAMPLE.iterdir()} == (
        set(SAMPLE_BROKEN) | set(SAMPLE_ACCEPTED) | {SAMPLE_AGAIN})


@pytest.mark.parametrize("name", sorted(SAMPLE_BROKEN))
def test_broken_sample_imports_nothing(sample_app, name):
    result = import_sample(sample_app, name)
    assert_clean_failure(result, name, SAMPLE_BROKEN[name])
    assert sample_counts(sample_app.config["DATABASE_URL"]) == (0, 0, 0, 0)


@pytest.mark.parametrize("name", SAMPLE_ACCEPTED)
def test_sample_with_semicolons_or_bom_and_commas_is_read(sample_app, name):
    url = sample_app.config["DATABASE_URL"]
    result = import_sample(sample_app, name)
    assert result.exit_code == 0, result.output
    assert ("read as Windows-1252" in result.output) == (name == "latin1.csv")
    assert sample_counts(url) == (2, 2, 2, 1)
    with storage.transaction(url) as db:
        weights = sorted(db.scalars(select(SampleUnit.design_weight)))
    assert weights == pytest.approx([1 / 0.12, 1 / 0.08])


def test_a_person_already_in_the_sample_stops_the_whole_second_file(sample_app):
    url = sample_app.config["DATABASE_URL"]
    assert import_sample(sample_app, "semicolon.csv").exit_code == 0
    before = sample_counts(url)
    result = import_sample(sample_app, SAMPLE_AGAIN)
    assert_clean_failure(result, SAMPLE_AGAIN, [
        "row 3, column 'registernummer'", "'BRP-0000002' is already in the sample"])
    assert sample_counts(url) == before  # row 2's new person was not imported either
    with storage.transaction(url) as db:
        assert db.scalar(select(IdentityPerson).where(
            IdentityPerson.register_id == "BRP-0000003")) is None


def test_a_huge_sample_with_one_bad_row_imports_nothing(sample_app, tmp_path):
    lines = (SAMPLE / "semicolon.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1]
    body = [row.replace("BRP-0000001", f"BRP-{n:07d}") for n in range(1, 30_001)]
    body[-1] = body[-1].replace(";0,12", ";12%")
    huge = tmp_path / "steekproef-groot.csv"
    huge.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    result = run_cli(["sample", "import", huge, "--kind", "sample"], app=sample_app)
    assert_clean_failure(result, "steekproef-groot.csv", ["row 30001, column 'inclusiekans'"])
    assert sample_counts(sample_app.config["DATABASE_URL"]) == (0, 0, 0, 0)


# --- paper entry: keyed forms -------------------------------------------------------------

PAPER = CORPUS / "paper_entry"


def paper_cases():
    return sorted(p.name for p in PAPER.glob("*.yaml"))


def test_the_paper_corpus_covers_each_kind_of_bad_entry():
    refused = {yaml.safe_load((PAPER / name).read_text())["refused"]["page"]
               for name in paper_cases()}
    # a value refused on a keying page, an unknown code, a completed unit, two passes differing
    assert {"start", "conflict", "verschillen"} <= refused and len(refused) >= 5


def key(client, code, pages):
    """Register the form by `code` and key `pages` in order; the first response that is not a
    step on (303), or the last one."""
    response = post(client, "/staff/paper/", {"code": code})
    for page_id, values in pages.items():
        if response.status_code != 303:
            return response
        location = response.headers["Location"]
        assert location.endswith(f"/{page_id}"), (location, page_id)
        response = post(client, location, {"action": "next", **values})
    if response.status_code == 303 and response.headers["Location"].endswith("/klaar"):
        response = post(client, response.headers["Location"], {})
    return response


def stored_answers(url, unit_id):
    with storage.transaction(url) as db:
        return dict(db.execute(select(Answer.variable, Answer.value)
                               .where(Answer.sample_unit_id == unit_id)).all())


def keyed(url, unit_id, variables=None):
    with storage.transaction(url) as db:
        query = select(PaperEntry.variable).where(PaperEntry.sample_unit_id == unit_id)
        if variables is not None:
            query = query.where(PaperEntry.variable.in_(variables))
        return set(db.scalars(query))


@pytest.mark.parametrize("name", paper_cases())
def test_bad_paper_entry_names_the_field_and_stores_nothing(paper_app, sqlite_url, name):
    case = yaml.safe_load((PAPER / name).read_text(encoding="utf-8"))
    refused = case["refused"]
    app = paper_app(sqlite_url)
    unit_id = case["code"] if case["code"] in CODES else None
    code = CODES.get(case["code"], case["code"])
    web_answers = case.get("completed_on_the_web", {})
    if web_answers:
        with storage.transaction(sqlite_url) as db:
            unit = db.get(SampleUnit, unit_id)
            unit.status, unit.mode, unit.disposition = "completed", "web", "1.1"
            unit.completed_at = datetime(2024, 4, 2, 10, 30)
            for variable, value in web_answers.items():
                db.add(Answer(sample_unit_id=unit_id, variable=variable, value=value,
                              page_id="woonduur", mode="web", saved_at=datetime(2024, 4, 2)))

    response = None
    for keying in case["passes"]:
        response = key(login(app, keying["keyer"]), code, keying["pages"])
    client = login(app, case["passes"][-1]["keyer"])

    page = refused["page"]
    if page == "start":
        assert response.status_code == 400
        assert refused["message"] in response.text.replace("&#39;", "'")
        assert f'value="{code}"' in response.text  # the code field, as typed, to correct
        with storage.transaction(sqlite_url) as db:
            assert db.scalar(select(func.count()).select_from(PaperForm)) == 0
    elif page == "conflict":
        assert response.headers["Location"] == f"/staff/paper/{unit_id}/conflict"
        assert refused["message"] in client.get(response.headers["Location"]).text
        assert client.get(f"/staff/paper/{unit_id}/invoer/1/woonduur").status_code == 303
        assert keyed(sqlite_url, unit_id) == set()
    elif page == "verschillen":
        assert response.headers["Location"] == f"/staff/paper/{unit_id}/verschillen"
        screen = client.get(response.headers["Location"]).text
        for field in refused["fields"]:
            assert f'id="verschil-{field}"' in screen, field
        # the form cannot be completed while the passes differ (the check page itself sends
        # the keyer back to the differences, so the POST carries this page's token)
        completing = client.post(f"/staff/paper/{unit_id}/controle",
                                 data={"csrf_token": token(screen)})
        assert completing.headers["Location"].endswith("/verschillen")
    else:  # a keying page refused one value
        assert response.status_code == 400, response.text[:500]
        summary = response.text.split('class="error-summary__list"', 1)[1].split("</ul>", 1)[0]
        assert f'href="#{refused["field"]}' in summary, summary
        assert refused["message"] in summary, summary
        variables = set(case["passes"][-1]["pages"][page])
        assert keyed(sqlite_url, unit_id, {v.split("-")[0] for v in variables}) == set()
    assert stored_answers(sqlite_url, unit_id) == web_answers
