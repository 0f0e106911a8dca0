"""Letters as print-ready PDF: A4, two pages per letter (the letter, and the privacy statement
on the back for duplex printing), drawn straight onto a ReportLab canvas.

Speed is the point here: 75,000 letters have to come out in minutes. So
- everything that is the same for many letters (sender block, body text, the code box frame,
  the language lines, the whole back page) is drawn once per PDF as a Form XObject and then
  placed by reference; per letter only the address, salutation, code, QR code and footer are
  drawn;
- the QR code is drawn from segno's module matrix as filled rectangles (one per horizontal run
  of dark modules), with no image in between;
- `render_batches` renders batches in parallel, one process per core.

Fonts are DejaVu Sans and DejaVu Sans Mono, embedded as subsets, because the printer needs the
fonts in the file and because names, Turkish, Polish and Arabic need more than Latin-1. They are
found in Debian's fonts-dejavu-core or in matplotlib's bundled copy (a dependency anyway).

Page geometry (mm from the top left): the address sits in the window of a standard Dutch window
envelope (C5/6 or EA5/6, window 20 mm from the left, 50 mm from the top, 100 x 40 mm; NEN 1026).
"""

import functools
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import segno
from reportlab import rl_config
from reportlab.lib.colors import CMYKColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from survey.errors import ConfigError, WijkprofielError
from survey.addresses import DEFAULT_CITY, house_number_display
from survey.letters.compose import Letter, LetterSettings, Recipient, compose_letter

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 22 * mm
RIGHT = PAGE_WIDTH - 20 * mm
TEXT_WIDTH = RIGHT - LEFT
# sender block and language lines: right of the envelope window (which ends at 120 mm), with
# 5 mm to spare so that no language line shows through it
COLUMN_LEFT = 125 * mm
FOOTER_TOP = 284 * mm
ADDRESS_WIDTH = 95 * mm  # inside the 100 mm window, which starts 2 mm left of the text

# CMYK for the printer; black is K only, so small text is not printed in four colours
BLACK = CMYKColor(0, 0, 0, 1)
WHITE = CMYKColor(0, 0, 0, 0)
GREEN = CMYKColor(1, 0, 0.76, 0.49)  # Rotterdam green, #00811f
GREY = CMYKColor(0, 0, 0, 0.67)
LIGHT = CMYKColor(0.03, 0, 0.025, 0.035)

SANS, SANS_BOLD, MONO_BOLD = "WPSans", "WPSans-Bold", "WPMono-Bold"
FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf",
              MONO_BOLD: "DejaVuSansMono-Bold.ttf"}

BODY_SIZE, BODY_LEADING = 9.5, 12.6
PARAGRAPH_GAP = 2.2 * mm
CODE_BOX_HEIGHT = 36 * mm
QR_SIZE = 30 * mm  # including the 4-module quiet zone
PAGES_PER_LETTER = 2


def font_directory() -> Path:
    """The folder with the DejaVu fonts: `WIJKPROFIEL_FONT_DIR`, Debian's fonts-dejavu-core, or
    matplotlib's bundled copy, the first that has them all.

    Raises:
        ConfigError: none of them has the fonts.
    """
    candidates = []
    if os.environ.get("WIJKPROFIEL_FONT_DIR"):
        candidates.append(Path(os.environ["WIJKPROFIEL_FONT_DIR"]))
    candidates.append(Path("/usr/share/fonts/truetype/dejavu"))
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.submodule_search_locations:
        candidates.append(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf")
    for folder in candidates:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise ConfigError(
        "letters need the DejaVu fonts (" + ", ".join(FONT_FILES.values()) + "); none found in "
        + ", ".join(str(c) for c in candidates)
        + ". Install fonts-dejavu-core or set WIJKPROFIEL_FONT_DIR"
    )


@functools.cache
def register_fonts() -> None:
    folder = font_directory()
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))


@functools.lru_cache(maxsize=4096)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """`text` broken into lines no wider than `width` points (greedy, at spaces).

    >>> register_fonts()
    >>> wrap("een twee drie", SANS, 10, 40)
    ('een', 'twee', 'drie')
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return tuple(lines)


@functools.lru_cache(maxsize=64)
def visual(line: str, base_direction: str = "R") -> str:
    """A line with Arabic in it, in the glyph order a PDF draws, left to right: letters joined
    into their contextual forms (arabic-reshaper), then reordered by the Unicode bidi algorithm
    (python-bidi), which keeps Latin runs such as the address left to right. `base_direction`
    is "R" for an Arabic line, "L" for a Latin line with an Arabic phrase in it."""
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(line), base_dir=base_direction)


def qr_runs(payload: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code for `payload` as (modules per side, runs), a run being (row, first column,
    length) of dark modules; row 0 is the top. Error correction M (15%), enough for a letter
    that gets folded.

    >>> size, runs = qr_runs("https://wijkprofiel.rotterdam.nl/start?code=HJSY36UY9B")
    >>> size, runs[0]
    (33, (0, 0, 7))
    """
    qr = segno.make_qr(payload, error="m", boost_error=False)
    runs = []
    for r, row in enumerate(qr.matrix):
        start = None
        for c, dark in enumerate(row):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                runs.append((r, start, c - start))
                start = None
        if start is not None:
            runs.append((r, start, len(row) - start))
    return len(qr.matrix), runs


FOLDS = (99 * mm, 198 * mm)
"""Where a tri-folded A4 (297 mm) is folded for a C5/6 or EA5/6 window envelope."""
FOLD_CLEARANCE = 3 * mm
"""No part of the code box within this of a fold: the code and QR code stay flat."""


def code_box_place(body_end: float, help_height: float, closing_height: float
                   ) -> tuple[float, bool]:
    """Where the code box goes: (its top, whether the help paragraph goes before it).

    Right after the body if the box clears both folds; else pushed below the fold when the
    rest still fits above the footer; else after the help paragraph, which then moves the
    box below the fold. A layout that cannot clear the fold is an error, not a letter the
    post creases through the code.

    >>> top, last = code_box_place(188 * mm, 22 * mm, 18 * mm)
    >>> top / mm > 198 + 2, last
    (True, False)
    >>> code_box_place(120 * mm, 22 * mm, 18 * mm)[0] / mm
    120.5
    """
    def clear(top):
        return all(not (top - FOLD_CLEARANCE < fold < top + CODE_BOX_HEIGHT + FOLD_CLEARANCE)
                   for fold in FOLDS)

    def fits(end):
        return end <= FOOTER_TOP - 2 * mm

    first = body_end + 0.5 * mm
    if clear(first):
        return first, False
    below = next(fold + FOLD_CLEARANCE for fold in FOLDS if fold > first)
    rest = CODE_BOX_HEIGHT + 1 * mm + help_height + closing_height
    if clear(below) and fits(below + rest):
        return below, False
    after_help = body_end + help_height + 0.5 * mm
    if clear(after_help) and fits(after_help + CODE_BOX_HEIGHT + 1 * mm + closing_height):
        return after_help, True
    raise WijkprofielError("letter layout: the code box cannot clear the folds of a tri-folded "
                           "A4 (99 and 198 mm); shorten the body text")


def _y(from_top: float) -> float:
    return PAGE_HEIGHT - from_top


def _fitting_size(line: str, size: float, width: float, smallest: float = 6.5) -> float:
    """`size`, or the smaller size at which `line` fits in `width` (a long name must stay
    inside the envelope window), but not below `smallest`."""
    needed = pdfmetrics.stringWidth(line, SANS, size)
    return size if needed <= width else max(smallest, size * width / needed)


class LetterPdf:
    """One PDF of letters. Use as a context manager, `add` each letter, and the file is
    written when the block ends.

    >>> # with LetterPdf(path, title="...") as pdf: pdf.add(letter)
    """

    def __init__(self, path: Path, *, title: str, compress: bool = True):
        register_fonts()
        # page streams as plain deflate, without ReportLab's default ASCII85 layer: 20% smaller
        # files and less work per page; every PDF reader and RIP takes binary streams
        rl_config.useA85 = 0
        self.path = Path(path)
        self.canvas = Canvas(str(self.path), pagesize=A4, pageCompression=int(compress))
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Gemeente Rotterdam, Onderzoek en Business Intelligence")
        self.canvas.setCreator("wijkprofiel letters")
        self._forms: dict[tuple, tuple[str, float]] = {}
        self.letters = 0

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.canvas.save()

    def add(self, letter: Letter) -> int:
        """Draw `letter` on new pages; returns the number of pages it took."""
        c = self.canvas
        front, code_top = self._form(("front", letter.sender_lines, letter.return_address,
                                      letter.date_line, letter.subject, letter.body,
                                      letter.code_label, letter.start_url, letter.after_code,
                                      letter.closing, letter.languages_heading,
                                      letter.languages, letter.rtl_languages),
                                     self._draw_front)
        c.doForm(front)
        self._draw_personal(letter, code_top)
        self._footer(letter, 1)
        c.showPage()
        back, _ = self._form(("back", letter.privacy_heading, letter.privacy), self._draw_back)
        c.doForm(back)
        self._footer(letter, 2)
        c.showPage()
        self.letters += 1
        return PAGES_PER_LETTER

    # --- forms: what many letters share --------------------------------------------------

    def _form(self, key: tuple, draw) -> tuple[str, float]:
        """The name of the form XObject drawn by `draw(key)` and the value `draw` returned,
        defining the form the first time this PDF needs it."""
        if key not in self._forms:
            name = f"F{len(self._forms)}"
            self.canvas.beginForm(name)
            value = draw(key)
            self.canvas.endForm()
            self._forms[key] = (name, value)
        return self._forms[key]

    def _draw_front(self, key: tuple) -> float:
        (_, sender_lines, return_address, date_line, subject, body, code_label, start_url,
         after_code, closing, languages_heading, languages, rtl_languages) = key
        c = self.canvas
        # sender block, above the window, so it may start 5 mm further left than the column
        c.setFillColor(GREEN)
        c.rect(COLUMN_LEFT - 5 * mm, _y(24 * mm), 3 * mm, 10 * mm, stroke=0, fill=1)
        c.setFont(SANS_BOLD, 15)
        c.drawString(COLUMN_LEFT, _y(21 * mm), "Gemeente Rotterdam")
        c.setFillColor(GREY)
        c.setFont(SANS, 8)
        for i, line in enumerate(sender_lines):
            c.drawString(COLUMN_LEFT, _y((29 + 3.6 * i) * mm), line)
        # language lines, right of the envelope window
        top = 52 * mm
        column_width = RIGHT - COLUMN_LEFT
        c.setFillColor(GREEN)
        c.setFont(SANS_BOLD, 7.5)
        for line in languages_heading:
            c.drawString(COLUMN_LEFT, _y(top), visual(line, "L"))
            top += 3.4 * mm
        top += 0.8 * mm
        c.setFillColor(GREY)
        c.setFont(SANS, 7.5)
        for code, text in languages:
            for line in wrap(text, SANS, 7.5, column_width):
                if pdfmetrics.stringWidth(line, SANS, 7.5) > column_width:
                    raise WijkprofielError(
                        f"letter layout: {line!r} is wider than the language column "
                        f"({column_width / mm:.0f} mm); use a shorter LETTER_BASE_URL")
                if code in rtl_languages:
                    c.drawRightString(RIGHT, _y(top), visual(line))
                else:
                    c.drawString(COLUMN_LEFT, _y(top), line)
                top += 3.2 * mm
            top += 1.2 * mm
        if top > 97 * mm:
            raise WijkprofielError("letter layout: the language lines run past 97 mm from the "
                                   "top; shorten them or the base URL")
        # return address, small, at the top of the window
        c.setFillColor(GREY)
        c.setFont(SANS, 6.5)
        c.drawString(LEFT, _y(54 * mm), return_address)
        # date and subject
        c.setFillColor(BLACK)
        c.setFont(SANS, BODY_SIZE)
        c.drawString(LEFT, _y(100 * mm), date_line)
        c.setFont(SANS_BOLD, 10.5)
        top = 108 * mm
        for line in wrap(subject, SANS_BOLD, 10.5, TEXT_WIDTH):
            c.drawString(LEFT, _y(top), line)
            top += 4.8 * mm
        # salutation goes at 118 mm (personal); the body follows
        top = 121 * mm
        top = self._paragraphs(body, top)
        code_top, code_last = code_box_place(top, self._height(after_code),
                                             self._closing_height(closing))
        if code_last:  # the help paragraph first, so the box clears the fold
            top = self._paragraphs(after_code, top)
        self._code_box(code_top, code_label, start_url)
        top = code_top + CODE_BOX_HEIGHT + 1 * mm
        if not code_last:
            top = self._paragraphs(after_code, top)
        top -= BODY_LEADING * 0.4
        c.setFont(SANS, BODY_SIZE)
        for i, line in enumerate(closing):
            if i == len(closing) - 1:
                c.setFont(SANS_BOLD, BODY_SIZE)
            top += BODY_LEADING + (PARAGRAPH_GAP if i == 1 else 0)
            c.drawString(LEFT, _y(top), line)
        if top > FOOTER_TOP - 2 * mm:
            raise WijkprofielError(
                f"letter layout: the text of the front page runs to {top / mm:.0f} mm, past the "
                f"footer at {FOOTER_TOP / mm:.0f} mm; shorten the body text"
            )
        return code_top

    @staticmethod
    def _height(paragraphs) -> float:
        """What `_paragraphs` would add to `top`."""
        lines = sum(len(wrap(p, SANS, BODY_SIZE, TEXT_WIDTH)) for p in paragraphs)
        return lines * BODY_LEADING + len(paragraphs) * PARAGRAPH_GAP + BODY_LEADING * 0.4

    @staticmethod
    def _closing_height(closing) -> float:
        return len(closing) * BODY_LEADING + PARAGRAPH_GAP - BODY_LEADING * 0.4

    def _paragraphs(self, paragraphs, top: float) -> float:
        c = self.canvas
        c.setFillColor(BLACK)
        c.setFont(SANS, BODY_SIZE)
        for paragraph in paragraphs:
            for line in wrap(paragraph, SANS, BODY_SIZE, TEXT_WIDTH):
                top += BODY_LEADING
                c.drawString(LEFT, _y(top), line)
            top += PARAGRAPH_GAP
        return top + BODY_LEADING * 0.4

    def _code_box(self, top: float, label: str, start_url: str) -> None:
        c = self.canvas
        c.setFillColor(LIGHT)
        c.setStrokeColor(GREEN)
        c.setLineWidth(1.2)
        c.roundRect(LEFT, _y(top + CODE_BOX_HEIGHT), TEXT_WIDTH, CODE_BOX_HEIGHT, 2 * mm,
                    stroke=1, fill=1)
        c.setFillColor(BLACK)
        c.setFont(SANS_BOLD, 9)
        c.drawString(LEFT + 5 * mm, _y(top + 7 * mm), label)
        # the code itself is personal and drawn per letter, in a white field
        c.setFillColor(WHITE)
        c.setStrokeColor(GREY)
        c.setLineWidth(0.6)
        c.rect(LEFT + 5 * mm, _y(top + 22 * mm), 92 * mm, 13 * mm, stroke=1, fill=1)
        c.setFillColor(BLACK)
        c.setFont(SANS, 9)
        c.drawString(LEFT + 5 * mm, _y(top + 28 * mm), "Ga naar")
        c.setFont(SANS_BOLD, 11)
        c.drawString(LEFT + 19 * mm, _y(top + 28 * mm), start_url)
        c.setFont(SANS, 8)
        c.setFillColor(GREY)
        c.drawString(LEFT + 5 * mm, _y(top + 32.5 * mm),
                     "of scan de QR-code rechts met de camera van uw telefoon")

    def _draw_back(self, key: tuple) -> float:
        _, heading, privacy = key
        c = self.canvas
        c.setFillColor(GREEN)
        c.setFont(SANS_BOLD, 13)
        c.drawString(LEFT, _y(25 * mm), heading)
        top = 31 * mm
        for title, text in privacy:
            c.setFillColor(BLACK)
            c.setFont(SANS_BOLD, 10)
            top += BODY_LEADING
            c.drawString(LEFT, _y(top), title)
            top = self._paragraphs((text,), top) + 1 * mm
        if top > FOOTER_TOP - 2 * mm:
            raise WijkprofielError("letter layout: the privacy statement runs past the footer")
        return top

    # --- per letter -------------------------------------------------------------------------

    def _draw_personal(self, letter: Letter, code_top: float) -> None:
        c = self.canvas
        c.setFillColor(GREY)
        c.setFont(SANS, 6.5)
        c.drawString(LEFT, _y(57.5 * mm), f"Kenmerk {letter.reference}")
        c.setFillColor(BLACK)
        for i, line in enumerate(letter.address_lines):
            c.setFont(SANS, _fitting_size(line, 10, ADDRESS_WIDTH))
            c.drawString(LEFT, _y((66 + 4.6 * i) * mm), line)
        c.setFont(SANS, _fitting_size(letter.salutation, BODY_SIZE, TEXT_WIDTH))
        c.drawString(LEFT, _y(118 * mm), letter.salutation)
        c.setFont(MONO_BOLD, 22)
        c.drawString(LEFT + 9 * mm, _y(code_top + 18.3 * mm), letter.code_display)
        self._qr(letter.qr_payload, RIGHT - QR_SIZE - 3 * mm, code_top + 3 * mm)

    def _qr(self, payload: str, x: float, top: float) -> None:
        size, runs = qr_runs(payload)
        module = QR_SIZE / (size + 8)
        c = self.canvas
        c.setFillColor(WHITE)
        c.rect(x, _y(top + QR_SIZE), QR_SIZE, QR_SIZE, stroke=0, fill=1)
        c.saveState()
        # one module is one unit and rows count downwards, so every rectangle is written with
        # small integers straight into the page stream; a hair of overlap between rows keeps
        # renderers from showing seams
        c.transform(module, 0, 0, -module, x + 4 * module, _y(top + 4 * module))
        c.addLiteral("0 0 0 1 k\n" + "".join(f"{column} {row - 0.02:g} {length} 1.02 re\n"
                                       for row, column, length in runs) + "f")
        c.restoreState()

    def _footer(self, letter: Letter, page: int) -> None:
        c = self.canvas
        c.setFillColor(GREY)
        c.setFont(SANS, 6.5)
        c.drawString(LEFT, _y(FOOTER_TOP + 4 * mm), letter.footer)
        c.drawRightString(RIGHT, _y(FOOTER_TOP + 4 * mm),
                          f"pagina {page} van {PAGES_PER_LETTER}")


@dataclass(frozen=True)
class BatchJob:
    """One print batch to render: the letters of `kind` for `recipients`, numbered from 1."""

    path: Path
    batch: str
    kind: str
    settings: LetterSettings
    recipients: tuple[Recipient, ...]
    compress: bool = True


@dataclass(frozen=True)
class PrintedLetter:
    """What the manifest and the `letter` table need to know of one printed letter."""

    batch: str
    sequence: int
    sample_unit_id: str
    wijk: str
    postcode: str
    kind: str
    pages: int
    # huisnummer with huisletter and toevoeging ("392a-rd") and the woonplaats: what PostNL
    # sorts by after the postcode, and what tells Hoek van Holland from Rotterdam
    house_number: str = ""
    city: str = ""


def render_batch(job: BatchJob) -> list[PrintedLetter]:
    """Compose and draw every letter of `job` into `job.path`; returns one `PrintedLetter` per
    letter, in sequence order. Top-level so that worker processes can run it."""
    printed = []
    title = f"Wijkprofiel {job.settings.edition_year}, {job.kind}, batch {job.batch}"
    with LetterPdf(job.path, title=title, compress=job.compress) as pdf:
        for sequence, recipient in enumerate(job.recipients, start=1):
            letter = compose_letter(job.kind, recipient, job.settings, batch=job.batch,
                                    sequence=sequence)
            pages = pdf.add(letter)
            printed.append(PrintedLetter(
                job.batch, sequence, recipient.sample_unit_id, recipient.wijk,
                recipient.postcode, job.kind, pages,
                house_number_display(recipient.house_number, recipient.house_letter,
                                     recipient.house_number_addition),
                (recipient.city or DEFAULT_CITY)))
    return printed


def render_batches(jobs: list[BatchJob], processes: int = 2) -> list[list[PrintedLetter]]:
    """Render `jobs`, in `processes` worker processes when that is more than 1; returns each
    job's letters in the order of `jobs`."""
    if processes <= 1 or len(jobs) <= 1:
        return [render_batch(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the registered fonts and the imported modules; spawn where fork is missing
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)),
                             mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(render_batch, jobs))
