"""HTML to PDF: Debian's chromium, headless, driven through Playwright; the one PDF engine of
the report (survey/report/pdf.py) and the public site's factsheets (survey/publish).

Chromium lays out the report's long tables several times faster than WeasyPrint did (the
full-scale report's PDF: about 10 s of CPU more instead of 33 s, browser included; see
docs/performance.md) and supports what the print stylesheets use: `@page` margin boxes with
`counter(page)` and `counter(pages)`, named pages and page breaks. It does not resolve
`target-counter()`: `destinations(pdf)` reads where each linked anchor landed (chromium names a
destination for every in-document link target), so a caller can fill page numbers in and print
again. It writes bookmarks only into a tagged PDF, which is slow and large, so `with_outline`
adds them afterwards; `write_pages` cuts a document into files.

The browser is /usr/bin/chromium unless WIJKPROFIEL_CHROMIUM names another executable;
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

from survey.errors import WijkprofielError

CHROMIUM_ENV = "WIJKPROFIEL_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# headless without a sandbox (containers, CI) and without the browser's own network chatter
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
# Headless chromium is the whole browser: the window it opens for a page preloads the
# omnibox's popup, a web page (chrome://omnibox-popup.top-chrome) in a renderer process of its
# own that costs 0.4 to 0.8 s of CPU and serves nothing here. Playwright passes a
# --disable-features of its own and chromium keeps only the last one given, so this one repeats
# Playwright's (1.65, less its Windows and Edge ones: they keep the browser off the network and
# pages loading as Playwright expects) before the omnibox popup's.
_PLAYWRIGHT_DISABLED = ("AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,"
                        "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,"
                        "PaintHolding,ThirdPartyStoragePartitioning,"
                        "AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,"
                        "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch")
CHROMIUM_ARGS.append(f"--disable-features={_PLAYWRIGHT_DISABLED},"
                     "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup")
# Before each paged print chromium lays the document out once more in print media at the
# window's width, and the page itself is laid out at that width before and between prints:
# at the report's size each such layout costs about as much as the print's own. The window is
# narrow, so that a document can leave its costly parts out of those layouts with a media query
# on UNPAGED; it never holds in the paged layout, whose width is the paper's (A4, 794 px).
VIEWPORT = {"width": 480, "height": 720}
UNPAGED = "(max-width: 600px)"
PAPER = {"width": "210mm", "height": "297mm"}
# a loaded machine runs the layout of a 100-page report several times slower than a quiet one
TIMEOUT_MS = 600_000
INSTALL_HINT = ("install it with `apt-get install chromium` and `pip install playwright` (never "
                "`playwright install`), or name the browser in WIJKPROFIEL_CHROMIUM")


def chromium_executable() -> str | None:
    """The chromium to print with, or None if there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def unavailable() -> str | None:
    """Why no PDF can be printed here (no chromium, no Playwright), or None if it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright is not installed ({exc})"
    if chromium_executable() is None:
        configured = os.environ.get(CHROMIUM_ENV)
        return (f"{CHROMIUM_ENV}={configured} is not a file" if configured
                else f"no chromium at {DEFAULT_CHROMIUM} nor on PATH")
    return None


def require(target: Path | str) -> None:
    """Raise WijkprofielError naming `target` if no PDF can be printed here."""
    reason = unavailable()
    if reason:
        raise WijkprofielError(f"cannot write {target}: {reason}; {INSTALL_HINT}, or use --no-pdf")


class PrintedPage:
    """An HTML document loaded in print media, ready to print (more than once if need be)."""

    def __init__(self, page):
        self._page = page

    def pdf(self) -> bytes:
        """The page as PDF: page size, margins and margin boxes from its own `@page` rules (A4
        where they give no size)."""
        # chromium writes an outline only into a tagged PDF, which costs about 2.7 s more for
        # the report and triples its size: bookmarks are added afterwards (`with_outline`)
        return self._page.pdf(prefer_css_page_size=True, print_background=True, **PAPER)

    def run(self, script: str, argument=None):
        """Evaluate `script` (a JavaScript function taking `argument`) in the page."""
        return self._page.evaluate(script, argument)

    def close(self) -> None:
        self._page.close()


class Browser:
    """A running headless chromium (see `browser()`)."""

    def __init__(self, context):
        self._context = context

    def _page(self):
        page = self._context.new_page()
        page.emulate_media(media="print")
        return page

    def open(self, path: Path | str) -> PrintedPage:
        """Load the HTML file at `path` (its relative links resolve beside it)."""
        page = self._page()
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        return PrintedPage(page)

    def load(self, html: str) -> PrintedPage:
        """Load the HTML document `html`, which must not need files beside it."""
        page = self._page()
        page.set_content(html, wait_until="load")
        return PrintedPage(page)


@contextlib.contextmanager
def browser():
    """A headless chromium for the `with` block: `with browser() as chromium: ...`, where
    `chromium.open(path)` or `chromium.load(html)` gives a PrintedPage. Raises WijkprofielError
    if chromium or Playwright is missing or the browser does not start. One per thread."""
    require("the PDF")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_executable(),
                                                  args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
            try:
                context = chromium.new_context(viewport=VIEWPORT)
                context.set_default_timeout(TIMEOUT_MS)
                yield Browser(context)
            finally:
                chromium.close()
    except PlaywrightError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WijkprofielError(f"chromium could not print the PDF: {first_line}") from None


def destinations(pdf: bytes) -> dict[str, int]:
    """The page number (1-based) of each named destination in `pdf`: chromium writes one for
    every element an in-document link points to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def write_pages(pdf: bytes, ranges: list[tuple[int, int, Path | str]]) -> None:
    """Write pages [first, end) of `pdf` (0-based) to each path of `ranges`."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    for first, end, path in ranges:
        writer = PdfWriter()
        for number in range(first, end):
            writer.add_page(reader.pages[number])
        with open(path, "wb") as out:
            writer.write(out)


def with_outline(pdf: bytes, entries: list[tuple[str, int, int]]) -> bytes:
    """`pdf` with bookmarks: `entries` are (title, page number from 1, depth from 0) in the
    order they are to be listed; an entry nests under the last one listed before it with a
    smaller depth."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    parents: list[tuple[int, object]] = []
    for title, page, depth in entries:
        while parents and parents[-1][0] >= depth:
            parents.pop()
        item = writer.add_outline_item(title=title, page_number=page - 1,
                                       parent=parents[-1][1] if parents else None)
        parents.append((depth, item))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
