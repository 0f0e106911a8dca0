"""The staff pages are Dutch, their error texts too: every error, notice and field message the
outcome, phone and paper pages show for bad input holds no English sentence, with the browser
asking for Dutch or for any other language (staff pages do not follow it). The English the
checks word for the command line (the table reader, the date parser) reaches these pages in
Dutch, and the outcomes' own messages are Dutch msgids."""

import html
import io
import re
from pathlib import Path

import pytest

from tests.support.fieldwork_data import add_edition
from tests.support.paper import CODES
from tests.support.staff import StaffActions, add_accounts

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "outcomes"

# words of an English sentence that no Dutch sentence uses (values, file and column names,
# quoted, are left out before the words are read)
ENGLISH = {"the", "not", "has", "was", "expected", "row", "column", "sample", "unit", "check",
           "give", "empty", "unknown", "header", "needs", "found", "holds", "save", "file",
           "printed", "must", "which", "such", "like", "completed", "recorded", "answered",
           "lives", "no", "one", "field", "cannot", "longer", "than", "characters", "please",
           "invalid", "required", "this", "missing", "readable", "workbook", "archive", "it",
           "read", "look", "right", "names", "choose", "enter", "error", "should", "be"}
_SHOWN = re.compile(r'class="(?:field__error|notice|error-summary)"[^>]*>(.*?)</(?:p|div)>',
                    re.S)


def shown_texts(page: str) -> list[str]:
    """The error, notice and field-error texts of a page, as read."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
            for text in _SHOWN.findall(page)]


def english_words(text: str) -> set[str]:
    """The English words of `text` outside quotes, file names and identifiers."""
    plain = re.sub(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|\S*[_./\\|=]\S*", " ", text)
    return {word for word in re.findall(r"[A-Za-z]+", plain.lower()) if word in ENGLISH}


def test_the_check_catches_an_english_message():
    assert english_words("bad_date.csv row 3, column 'date': '31-02-2024' is an impossible "
                         "date") >= {"row", "column"}
    assert english_words("no sample unit has the code, kenmerk or id 'xyz'")
    assert not english_words("bad_date.csv rij 3, kolom 'date': '31-02-2024' is een "
                             "onmogelijke datum; verwacht 25-03-2024 (of 2024-03-25)")


class DutchBrowser:
    """A signed-in staff member whose browser asks for Dutch (or `language`); collects every
    text shown."""

    def __init__(self, app, username, language="nl"):
        actions = StaffActions(app.test_client())
        actions.login(username)
        self.client = actions.client
        self.headers = DUTCH if language == "nl" else {"Accept-Language": f"{language};q=1.0"}
        self.seen = []

    def token(self, path):
        page = self.client.get(path, headers=self.headers).text
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post(self, path, form_page, data, **kwargs):
        response = self.client.post(path, data={"csrf_token": self.token(form_page), **data},
                                    headers=self.headers, **kwargs)
        page = response.text
        if response.status_code in (302, 303):  # the message is flashed on the next page
            page = self.client.get(response.headers["Location"], headers=self.headers).text
        texts = shown_texts(page)
        assert texts, f"{path} {data}: no message shown"
        self.seen += [(path, text) for text in texts]
        return texts

    def assert_all_dutch(self):
        english = [(path, text, sorted(english_words(text))) for path, text in self.seen
                   if english_words(text)]
        assert not english, english


def test_outcome_pages_speak_dutch(make_app, sqlite_url):
    add_edition(sqlite_url)
    add_accounts(sqlite_url)
    browser = DutchBrowser(make_app(sqlite_url), "coordinator")
    for reference in ("GEENCODE99", "2024-W1-INV-001/00354", "s1", "x" * 50):
        browser.post("/staff/outcomes/", "/staff/outcomes/",
                     {"reference": reference, "outcome": "refused", "note": "x" * 600})
    browser.post("/staff/outcomes/", "/staff/outcomes/",
                 {"reference": "s6", "outcome": "verdwenen", "returned_on": "31-02-2024"})
    files = [(path.name, path.read_bytes()) for path in sorted(CORPUS.iterdir())]
    files += [("stuurteken.csv", b"sample_unit_id,outcome\ns6,refused\ns7\x07,refused\n"),
              ("binair.csv", b"\x00\x01\x02PK\x03\x04"), ("geen.xlsx", b"geen werkmap"),
              ("datum.csv", b"sample_unit_id,outcome,date\ns6,refused,morgen\n")]
    for name, content in files:
        texts = browser.post("/staff/outcomes/batch", "/staff/outcomes/",
                             {"batch": (io.BytesIO(content), name)},
                             content_type="multipart/form-data")
        assert any(name in text for text in texts), texts
    assert any("rij 3, kolom 'date': '31-02-2024' is een onmogelijke datum" in text
               for _, text in browser.seen)
    assert any("latin1.csv is geen UTF-8" in text for _, text in browser.seen)
    browser.assert_all_dutch()


def test_phone_pages_speak_dutch(phone_app, sqlite_url, tmp_path):
    app = phone_app(sqlite_url, tmp_path)
    browser = DutchBrowser(app, "interviewer")
    for data in ({"outcome": "bogus"}, {"outcome": "appointment"},
                 {"outcome": "appointment", "appointment": "2001-01-01T10:00"},
                 {"outcome": "appointment", "appointment": "morgen"}):
        browser.post("/staff/phone/b1/uitkomst", "/staff/phone/b1", data)
    supervisor = DutchBrowser(app, "coordinator")
    for path, data in (("toewijzen", {}), ("toewijzen", {"interviewer": "interviewer",
                                                          "count": "veel"}),
                       ("overdragen", {})):
        supervisor.post(f"/staff/phone/toezicht/{path}", "/staff/phone/toezicht", data)
    browser.assert_all_dutch()
    supervisor.assert_all_dutch()


def test_paper_pages_speak_dutch(paper_app, sqlite_url):
    browser = DutchBrowser(paper_app(sqlite_url), "data_entry")
    for code in ("", "ZZZZ999999", "<>!!"):
        browser.post("/staff/paper/", "/staff/paper/", {"code": code})
    registered = browser.client.post("/staff/paper/", headers=DUTCH, data={
        "csrf_token": browser.token("/staff/paper/"), "code": CODES["p1"]})
    assert registered.status_code == 303
    browser.post(registered.headers["Location"].rsplit("/", 1)[0] + "/klaar",
                 "/staff/paper/", {})  # pages not yet keyed
    browser.post("/staff/paper/p1/verschillen", "/staff/paper/", {})
    browser.post("/staff/paper/p1/controle", "/staff/paper/", {})
    browser.assert_all_dutch()


def test_letters_page_speaks_dutch(make_app, sqlite_url):
    """What the print run says (English on the command line) reaches the letters page in
    Dutch: why units were skipped, a wave without units, a lost letter's reprint."""
    add_edition(sqlite_url)
    add_accounts(sqlite_url)
    browser = DutchBrowser(make_app(sqlite_url), "coordinator")
    batch = {"kind": "invitation", "wave": "1", "letter_date": "04-03-2024",
             "batch_size": "5000"}
    printed = browser.client.post("/staff/letters/print", headers=DUTCH, data={
        "csrf_token": browser.token("/staff/letters/"), **batch})
    assert printed.mimetype == "application/zip"
    texts = browser.post("/staff/letters/print", "/staff/letters/", batch)  # printed already
    assert any("overgeslagen:" in text and "hadden deze brief al" in text for text in texts)
    browser.post("/staff/letters/print", "/staff/letters/", {**batch, "wave": "7"})
    browser.post("/staff/letters/reprint/999", "/staff/letters/", {"reason": "kwijt"})
    browser.assert_all_dutch()


def test_sample_draw_page_speaks_dutch(make_app, sqlite_url):
    add_edition(sqlite_url)
    add_accounts(sqlite_url)
    browser = DutchBrowser(make_app(sqlite_url), "coordinator")
    for action in ("plan", "draw"):
        texts = browser.post("/staff/sample/draw", "/staff/sample/draw", {
            "edition": "2024", "seed": "7", "response_rate": "0,4", "action": action})
        assert any(text.startswith("editie 2024: ") for text in texts), texts
    browser.assert_all_dutch()


@pytest.mark.parametrize("language", ["tr", "ar", "pl", "en"])
def test_staff_pages_are_dutch_whatever_the_browser_asks(make_app, sqlite_url, language):
    """A coordinator whose browser asks for Turkish, Arabic, Polish or English gets the Dutch
    staff pages with Dutch messages: the outcomes' own (Dutch msgids, translated for nothing
    here), and what the table reader and the date parser say, as on a Dutch browser; neither a
    ?lang= choice in the session changes that."""
    add_edition(sqlite_url)
    add_accounts(sqlite_url)
    browser = DutchBrowser(make_app(sqlite_url), "coordinator", language=language)
    browser.client.get(f"/staff/outcomes/?lang={language}")  # remembered for respondent pages
    single = browser.post("/staff/outcomes/", "/staff/outcomes/",
                          {"reference": "GEENCODE99", "outcome": "refused"})
    assert any("Geen steekproefeenheid heeft de code" in text for text in single), single
    batch = {name: (CORPUS / name).read_bytes() for name in ("bad_date.csv", "latin1.csv")}
    batch["leeg.csv"] = b"sample_unit_id,outcome\ns6,\n"
    for name, content in batch.items():
        browser.post("/staff/outcomes/batch", "/staff/outcomes/",
                     {"batch": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    shown = " ".join(text for _, text in browser.seen)
    assert "rij 3, kolom 'date': '31-02-2024' is een onmogelijke datum" in shown
    assert "latin1.csv is geen UTF-8" in shown
    assert "leeg.csv rij 2, kolom 'outcome': leeg; kies een uitkomst: " in shown
    assert "uitkomst '' bestaat niet" not in shown
    page = browser.client.get("/staff/outcomes/", headers=browser.headers).text
    assert '<html lang="nl">' in page and f'lang="{language}"' not in page
    browser.assert_all_dutch()


def test_an_empty_phone_outcome_asks_for_one(phone_app, sqlite_url, tmp_path):
    browser = DutchBrowser(phone_app(sqlite_url, tmp_path), "interviewer", language="tr")
    texts = browser.post("/staff/phone/b1/uitkomst", "/staff/phone/b1", {"outcome": ""})
    assert texts == ["Kies een uitkomst van het gesprek: geen gehoor, in gesprek, afspraak "
                     "gemaakt, weigering, verkeerd nummer."]
