"""The report as PDF: the same HTML printed by chromium (survey.pdf_engine) with the template's
print CSS (A4, one page per gebied and per wijk, running footers, a contents list with page
numbers), followed by the index pages (indices.html beside it: the three indices, the series
and the college targets) as an appendix in the same document, so that "pagina N van M" counts
every page of the PDF.

Chromium does not fill in `target-counter()`, so the contents' page numbers come from a first
print of a skeleton: the same document with each gebied and wijk page reduced to its heading
(an area is one page by the print CSS, so the skeleton paginates as the report does, at a
quarter of the cost; the area tables are most of chromium's work). The numbers go into the
contents list, whose space for them is reserved so that nothing moves, and the report is
printed; if its targets did not land where the skeleton said (an area ran over a page), the
numbers are corrected and it is printed again.

Chromium also lays the whole document out at its window's width: when it loads, between
prints, and once more in print media before each paged print (survey.pdf_engine). The print
copy's body is left out of those layouts (a style sheet for pdf_engine.UNPAGED), so that the
area tables are laid out once per print, in the paged layout, instead of three times. An empty
element at the end of the first area proves that the areas were printed: a chromium that laid
the paged print out at the window's width too would print without them, so without that
element, and the report is then printed again without the shortcut."""

import re
from html import escape
from pathlib import Path

from survey import pdf_engine
from survey.errors import WijkprofielError

APPENDIX = "indices.html"
# indices.html keeps every rule of its style sheet under main.indices for this (see the template)
_STYLE = re.compile(r"<style>.*?</style>", re.S)
_APPENDIX_MAIN = re.compile(r'<main class="indices".*?</main>', re.S)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_HEAD_END = re.compile(r"</head>", re.I)
# the contents list's links get their target's page number as data-page (the print CSS shows it)
_SKELETON = "section.area > :not(h2) { display: none }"
_UNPAGED_ID = "wijkprofiel-unpaged"
_UNPAGED = (f'<style id="{_UNPAGED_ID}">'
            f'@media {pdf_engine.UNPAGED} {{ body {{ display: none }} }}</style>')
_CHECK_ID = "wijkprofiel-paged-check"
# an empty element at the end of the first area and a hidden link to it: chromium names a
# destination for it in the PDF only if it laid the area out (it takes no room)
_ADD_CHECK = """id => {
  const area = document.querySelector('section.area');
  if (!area) return false;
  area.append(Object.assign(document.createElement('div'), {id}));
  const nav = Object.assign(document.createElement('nav'), {hidden: true});
  nav.append(Object.assign(document.createElement('a'), {href: '#' + id}));
  document.body.append(nav);
  return true;
}"""
_DROP_UNPAGED = "id => document.getElementById(id).remove()"
_SET_STYLE = """css => {
  let sheet = document.getElementById('wijkprofiel-print-pass');
  if (!sheet) {
    sheet = document.createElement('style');
    sheet.id = 'wijkprofiel-print-pass';
    document.head.append(sheet);
  }
  sheet.textContent = css;
}"""
_NUMBER_CONTENTS = """pages => {
  for (const link of document.querySelectorAll('nav.contents a[href^="#"]')) {
    const page = pages[link.getAttribute('href').slice(1)];
    if (page) link.dataset.page = page;
  }
}"""
# the contents list as bookmarks: chapters, the gebieden (a list of their own) and their wijken
_CONTENTS = """() => Array.from(document.querySelectorAll('nav.contents a[href^="#"]'),
  link => [link.getAttribute('href').slice(1), link.textContent.replace(/\\s+/g, ' ').trim(),
           link.closest('ul') ? 2 : link.closest('ol.chapters') ? 0 : 1])"""
PASSES = 3


def pdf_unavailable() -> str | None:
    """Why no PDF can be printed here (chromium or Playwright missing), or None if it can."""
    return pdf_engine.unavailable()


def print_document(html_path: Path) -> str:
    """The report's HTML with the index pages appended as its last section (print only)."""
    html = Path(html_path).read_text(encoding="utf-8")
    indices = Path(html_path).with_name(APPENDIX)
    if not indices.exists():
        return html
    appendix = indices.read_text(encoding="utf-8")
    style, main = _STYLE.search(appendix), _APPENDIX_MAIN.search(appendix)
    if not (style and main):
        raise WijkprofielError(f"cannot append {indices} to the PDF: it has no <style> or no "
                               '<main class="indices"> (was it written by this version?)')
    head, tail = html.rsplit("</body>", 1)
    return f"{head}{style.group(0)}\n{main.group(0)}\n</body>{tail}"


def _into_head(html: str, element: str, *, first: bool) -> str:
    """`html` with `element` first in its head (right after `<head>`) or last (before
    `</head>`). A document without that tag gets it before everything: the parser puts an
    element that comes before `<html>` into the head it makes."""
    tag = (_HEAD if first else _HEAD_END).search(html)
    if tag is None:
        return element + html
    at = tag.end() if first else tag.start()
    return html[:at] + element + html[at:]


def _based_at(html: str, html_path: Path) -> str:
    """`html` with a <base> of the report's file: relative links resolve as in the report
    itself, and chromium keeps the contents' `#target` links inside the PDF (a link to the base
    document with a fragment is internal). First in the head, before anything with a URL.

    >>> _based_at("<html><head><title>r</title>", Path("/r/index.html"))
    '<html><head><base href="file:///r/index.html"><title>r</title>'
    """
    base = f'<base href="{escape(Path(html_path).resolve().as_uri())}">'
    return _into_head(html, base, first=True)


def _with_unpaged(html: str) -> str:
    """`html` with the style sheet that leaves its body out of chromium's unpaged layouts,
    last in its head (after the report's own rules)."""
    return _into_head(html, _UNPAGED, first=False)


def _outline(contents: list, pages: dict) -> list[tuple[str, int, int]]:
    """The bookmarks in page order: each gebied under the chapter before it, its wijken under
    it (the contents list keeps the chapters and the gebieden in two lists)."""
    entries = [(title, pages[target], depth) for target, title, depth in contents
               if target in pages]
    return sorted(entries, key=lambda entry: entry[1])


def _print_numbered(page, pdf_path: Path) -> tuple[bytes, dict]:
    """Print `page` with its contents numbered: a skeleton print says where the targets will
    land, the report is printed until every target lands where its number says. Returns the
    PDF and where the targets landed."""
    page.run(_SET_STYLE, _SKELETON)
    pages = pdf_engine.destinations(page.pdf())
    page.run(_SET_STYLE, "")
    for _ in range(PASSES):
        page.run(_NUMBER_CONTENTS, pages)
        pdf = page.pdf()
        landed = pdf_engine.destinations(pdf)
        if all(landed.get(target) == number for target, number in pages.items()):
            return pdf, landed
        pages = landed
    raise WijkprofielError(f"cannot write {pdf_path}: the contents' page numbers did not settle "
                           f"in {PASSES} passes")


def write_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` (and indices.html beside it) to `pdf_path`; return `pdf_path`.

    Raises WijkprofielError when chromium or Playwright is missing; the HTML is left as it is."""
    pdf_path = Path(pdf_path)
    pdf_engine.require(pdf_path)
    # earlier versions printed a hidden copy beside the report, left there by a killed run
    Path(html_path).with_name(f".{pdf_path.stem}-print.html").unlink(missing_ok=True)
    document = _based_at(print_document(html_path), html_path)
    document = _with_unpaged(document)
    with pdf_engine.browser() as chromium:
        # from memory, nothing on disk to leave behind; its <base> is the report's own file
        page = chromium.load(document)
        checked = page.run(_ADD_CHECK, _CHECK_ID)
        pdf, landed = _print_numbered(page, pdf_path)
        if checked and _CHECK_ID not in landed:
            page.run(_DROP_UNPAGED, _UNPAGED_ID)
            pdf, landed = _print_numbered(page, pdf_path)
            if _CHECK_ID not in landed:
                raise WijkprofielError(f"cannot write {pdf_path}: chromium printed the report "
                                       "without its gebied and wijk pages")
        pdf = pdf_engine.with_outline(pdf, _outline(page.run(_CONTENTS), landed))
    pdf_path.write_bytes(pdf)
    return pdf_path
