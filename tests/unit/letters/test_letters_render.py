"""The printed letter: the text on the page, the QR code as a phone would read it, the pages."""

from datetime import date

import pypdf
import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp

from survey.errors import WijkprofielError
from survey.letters.compose import LetterSettings, Recipient, compose_letter
from survey.letters.render import BatchJob, LetterPdf, qr_runs, render_batch

SETTINGS = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4))
RECIPIENTS = (
    Recipient("unit-a", 1, "Feijenoord", "veiligheidsmonitor", 1, "HJSY36UY9B", "Ayşe",
              "Yılmaz", "Oranjeboomstraat", "12b", "3071SH"),
    Recipient("unit-b", 2, "Ommoord", "wijkonderzoek", 1, "VFAUAFNK42", "Jan", "de Wit",
              "Hesseplaats", "301", "3069 EA"),
)


@pytest.fixture(scope="module")
def batch_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("letters") / "batch.pdf"
    printed = render_batch(BatchJob(path, "2024-W1-INV-001", "invitation", SETTINGS, RECIPIENTS))
    return path, printed


def page_text(path, index):
    return pypdf.PdfReader(path).pages[index].extract_text()


def test_letter_shows_code_url_name_and_address(batch_pdf):
    path, _ = batch_pdf
    text = page_text(path, 0)
    assert "HJSY-36UY-9B" in text
    assert "https://wijkprofiel.rotterdam.nl/start" in text
    assert "Ayşe Yılmaz" in text
    assert "Oranjeboomstraat 12b" in text
    assert "3071 SH" in text and "ROTTERDAM" in text
    assert "Veiligheidsmonitor" in text
    assert "2024-W1-INV-001" in text and "00001" in text


def test_each_letter_has_its_own_code_and_a_privacy_back_page(batch_pdf):
    path, printed = batch_pdf
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 4
    assert [p.pages for p in printed] == [2, 2]
    second = page_text(path, 2)
    assert "VFAU-AFNK-42" in second and "Jan de Wit" in second and "Wijkonderzoek" in second
    assert "HJSY-36UY-9B" not in second
    back = page_text(path, 1)
    assert "Hoe wij met uw gegevens omgaan" in back
    assert "apart bewaard van uw naam en adres" in back


def test_manifest_rows_follow_the_batch(batch_pdf):
    _, printed = batch_pdf
    assert [(p.batch, p.sequence, p.sample_unit_id) for p in printed] == [
        ("2024-W1-INV-001", 1, "unit-a"), ("2024-W1-INV-001", 2, "unit-b")]


def test_qr_code_on_the_page_decodes_to_the_start_url_with_the_code(batch_pdf):
    path, _ = batch_pdf
    document = pdfium.PdfDocument(str(path))
    decoded = []
    for index in (0, 2):
        image = document[index].render(scale=150 / 72).to_pil()
        decoded += [r.text for r in zxingcpp.read_barcodes(image)]
    document.close()
    assert decoded == ["https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B",
                       "https://wijkprofiel.rotterdam.nl/start?code=VFAUAFNK42"]


def test_qr_runs_cover_exactly_the_dark_modules_of_segnos_matrix():
    payload = "https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B"
    size, runs = qr_runs(payload)
    matrix = segno.make_qr(payload, error="m", boost_error=False).matrix
    drawn = [[0] * size for _ in range(size)]
    for row, column, length in runs:
        for c in range(column, column + length):
            drawn[row][c] += 1
    assert drawn == [[int(bool(v)) for v in row] for row in matrix]


def test_arabic_line_is_shaped_and_right_to_left(tmp_path):
    path = tmp_path / "one.pdf"
    letter = compose_letter("invitation", RECIPIENTS[0], SETTINGS, batch="B", sequence=1)
    with LetterPdf(path, title="t") as pdf:
        pdf.add(letter)
    text = page_text(path, 0)
    # the joined (presentation) forms of "العربية" are in the page, not the bare letters
    assert "\ufe94" in text or "ﺔﻴﺑﺮﻌﻟﺍ" in text
    assert "https://wijkprofiel.rotterdam.nl/start?lang=ar" in text


def test_address_sits_in_the_envelope_window(batch_pdf):
    """Window of a Dutch window envelope: 20-120 mm from the left, 50-90 mm from the top."""
    path, _ = batch_pdf
    page = pypdf.PdfReader(path).pages[0]
    height = float(page.mediabox.height)
    positions = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            positions[text.strip()] = (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    mm = 72 / 25.4
    for line in ("Ayşe Yılmaz", "Oranjeboomstraat 12b", "3071 SH  ROTTERDAM"):
        x, y = positions[line]
        assert 20 * mm < x < 120 * mm, line
        assert 50 * mm < height - y < 90 * mm, line


def test_a_base_url_too_long_for_the_language_column_is_named(tmp_path):
    settings = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4),
                              base_url="https://wijkprofiel.rotterdam.nl/" + "x" * 40)
    letter = compose_letter("invitation", RECIPIENTS[0], settings, batch="B", sequence=1)
    with pytest.raises(WijkprofielError, match="wider than the language column"):
        with LetterPdf(tmp_path / "x.pdf", title="t") as pdf:
            pdf.add(letter)


@pytest.mark.parametrize("kind", ["invitation", "reminder1", "reminder2"])
def test_every_kind_fits_its_pages_with_a_long_wijk_name(tmp_path, kind):
    # longer than the longest of the 71 wijken ("Noord-Kethel/Schieveen/Zestienhoven"); the
    # layout raises if the text runs into the footer
    long_wijk = "Nieuw-Mathenesse-Tussendijken-Oudelandse"
    people = tuple(Recipient(**{**r.__dict__, "wijk": long_wijk}) for r in RECIPIENTS)
    printed = render_batch(BatchJob(tmp_path / "k.pdf", "B", kind, SETTINGS, people))
    assert [p.pages for p in printed] == [2, 2]


def test_the_code_box_clears_both_folds_of_a_tri_folded_a4(tmp_path, monkeypatch):
    """The post folds A4 in three for the window envelope (at 99 and 198 mm): no fold may run
    through the code box, for any kind, questionnaire or long wijk name."""
    from reportlab.lib.units import mm

    from survey.letters import render
    from survey.letters.compose import KINDS

    placed = []
    original = render.code_box_place

    def spy(*args):
        placed.append(original(*args)[0])
        return placed[-1], original(*args)[1]

    monkeypatch.setattr(render, "code_box_place", spy)
    with render.LetterPdf(tmp_path / "folds.pdf", title="folds") as pdf:
        for recipient in RECIPIENTS:
            for kind in KINDS:
                for wijk in (recipient.wijk, "Kralingen-Oost/Kralingse Bos"):
                    pdf.add(compose_letter(kind, Recipient(**{**recipient.__dict__,
                                                              "wijk": wijk}),
                                           SETTINGS, batch="2024-W1-INV-001", sequence=1))
    assert len(placed) == len(RECIPIENTS) * len(KINDS) * 2
    for top in placed:
        for fold in render.FOLDS:
            assert not (top - render.FOLD_CLEARANCE < fold
                        < top + render.CODE_BOX_HEIGHT + render.FOLD_CLEARANCE), top / mm
