"""The report's PDF printing (survey/report/pdf.py) on small hand-made reports: the contents'
page numbers are where the targets land even when an area runs over its page (the skeleton's
guess is then corrected), the index pages join the numbering as the appendix, and the contents
are the PDF's bookmarks."""

import re
import subprocess

import pytest
from pypdf import PdfReader

from survey import pdf_engine
from survey.report.pdf import write_pdf

pytestmark = pytest.mark.skipif(pdf_engine.unavailable() is not None,
                                reason=f"no PDF engine: {pdf_engine.unavailable()}")

STYLE = """<style>
@page { size: A4; margin: 20mm; @bottom-right { content: "pagina " counter(page) " van " counter(pages); } }
section.area { break-before: page; }
nav.contents a { display: flex; }
nav.contents a::after { content: attr(data-page); margin-left: auto; min-width: 2em; text-align: right; }
</style>"""


def _report(folder, paragraphs: dict, appendix: bool):
    text = "<p>" + "Een regel tekst die de pagina vult. " * 40 + "</p>"
    links = "".join(f'<li><a href="#{a}">Gebied {a}</a></li>' for a in paragraphs)
    if appendix:
        links += '<li><a href="#bijlage">Bijlage</a></li>'
    areas = "".join(f'<section class="area" id="{a}"><h2>Gebied {a}</h2>{text * n}</section>'
                    for a, n in paragraphs.items())
    (folder / "index.html").write_text(
        f'<!doctype html><html><head>{STYLE}</head><body><nav class="contents"><ol>{links}</ol></nav>'
        f"{areas}</body></html>", encoding="utf-8")
    if appendix:
        (folder / "indices.html").write_text(
            '<!doctype html><html><head><style>.indices { break-before: page }</style></head><body>'
            '<main class="indices" id="bijlage"><h1>Indices</h1></main></body></html>', encoding="utf-8")
    return folder / "index.html"


def _pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _contents(page):
    return {name: int(number) for name, number in re.findall(r"(Gebied \w|Bijlage)\s+(\d+)", page)}


def test_the_contents_numbers_follow_an_area_that_runs_over_its_page(tmp_path):
    # b takes three pages, which the skeleton (each area one page) cannot know
    html = _report(tmp_path, {"a": 1, "b": 5, "c": 1}, appendix=True)
    pages = _pages(write_pdf(html, tmp_path / "report.pdf"))
    starts = {line.strip(): i for i, page in enumerate(pages, start=1)
              for line in page.splitlines()[:3] if line.strip() in ("Gebied a", "Gebied b", "Gebied c", "Indices")}
    assert _contents(pages[0]) == {"Gebied a": starts["Gebied a"], "Gebied b": starts["Gebied b"],
                                   "Gebied c": starts["Gebied c"], "Bijlage": starts["Indices"]}
    assert starts["Gebied c"] - starts["Gebied b"] > 1
    assert all(f"pagina {i} van {len(pages)}" in page for i, page in enumerate(pages, start=1))
    # the contents list is the PDF's bookmarks too, each to its page
    reader = PdfReader(tmp_path / "report.pdf")
    marks = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    assert marks == _contents(pages[0])


def test_without_index_pages_the_report_prints_alone(tmp_path, monkeypatch):
    prints = []
    print_page = pdf_engine.PrintedPage.pdf
    monkeypatch.setattr(pdf_engine.PrintedPage, "pdf", lambda page: prints.append(1) or print_page(page))
    html = _report(tmp_path, {"a": 1, "b": 1}, appendix=False)
    pages = _pages(write_pdf(html, tmp_path / "report.pdf"))
    assert len(pages) == 3 and _contents(pages[0]) == {"Gebied a": 2, "Gebied b": 3}
    assert "Een regel tekst" in pages[1] and "Een regel tekst" in pages[2]
    # the skeleton and the report, once: this chromium pages at the paper's width, so the
    # report's body left out of its layouts at the window's width is in the print
    assert len(prints) == 2


def test_printing_leaves_no_file_beside_the_report_and_removes_a_stale_copy(tmp_path, monkeypatch):
    """The document is printed from memory: while chromium prints, no file is there for a killed
    run to leave behind; the hidden copy an earlier version printed from, left by a killed run,
    goes. The contents' links stay links inside the PDF, a relative link resolves beside the
    report."""
    html = _report(tmp_path, {"a": 1, "b": 1}, appendix=True)
    html.write_text(html.read_text(encoding="utf-8").replace(
        "</nav>", '</nav><p><a href="indicators.csv">de tabel</a></p>'), encoding="utf-8")
    (tmp_path / ".report-print.html").write_text("<html>left by a killed run</html>")
    while_printing = []
    print_page = pdf_engine.PrintedPage.pdf

    def pdf(page):
        while_printing.append(sorted(p.name for p in tmp_path.iterdir()))
        return print_page(page)

    monkeypatch.setattr(pdf_engine.PrintedPage, "pdf", pdf)
    write_pdf(html, tmp_path / "report.pdf")
    assert while_printing and all(names == ["index.html", "indices.html"] for names in while_printing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "indices.html", "report.pdf"]
    links = [annotation.get_object() for page in PdfReader(tmp_path / "report.pdf").pages
             for annotation in page.get("/Annots") or []]
    assert sorted(str(link["/Dest"]) for link in links if "/Dest" in link) == ["/a", "/b", "/bijlage"]
    assert [link["/A"]["/URI"] for link in links if "/A" in link] == [(tmp_path / "indicators.csv").as_uri()]


def test_the_window_leaves_out_what_the_paged_print_still_prints(tmp_path):
    """survey.pdf_engine's contract: a rule for UNPAGED holds in the page's own layout at the
    window's width (so the report's area pages cost nothing there) and never in the paged
    print, whatever the paper."""
    html = (f"<!doctype html><html><head><style>@page {{ size: A5 }} @media {pdf_engine.UNPAGED} "
            "{ .costly { display: none } }</style></head><body><p>kop</p>"
            '<p class="costly">alleen op papier</p></body></html>')
    with pdf_engine.browser() as chromium:
        page = chromium.load(html)
        assert page.run("() => getComputedStyle(document.querySelector('.costly')).display") == "none"
        (tmp_path / "a5.pdf").write_bytes(page.pdf())
    assert "alleen op papier" in _pages(tmp_path / "a5.pdf")[0]


def test_a_chromium_that_keeps_the_shortcut_into_the_print_still_prints_every_area(tmp_path, monkeypatch):
    """Were the area pages left out of the paged print too (a chromium laying it out at the
    window's width), the report is printed again without the shortcut: every area's text is in
    the PDF and the contents' numbers are right."""
    from survey.report import pdf as report_pdf

    always = report_pdf._UNPAGED.replace(f"@media {pdf_engine.UNPAGED}", "@media print")
    monkeypatch.setattr(report_pdf, "_UNPAGED", always)
    html = _report(tmp_path, {"a": 1, "b": 2}, appendix=True)
    pages = _pages(write_pdf(html, tmp_path / "report.pdf"))
    starts = {line.strip(): i for i, page in enumerate(pages, start=1)
              for line in page.splitlines()[:3] if line.strip() in ("Gebied a", "Gebied b", "Indices")}
    assert _contents(pages[0]) == {"Gebied a": starts["Gebied a"], "Gebied b": starts["Gebied b"],
                                   "Bijlage": starts["Indices"]}
    assert all("Een regel tekst" in pages[starts[area] - 1] for area in ("Gebied a", "Gebied b"))
