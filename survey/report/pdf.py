"""The report as PDF: the same HTML printed by WeasyPrint with the template's print CSS (A4,
one page per gebied and per wijk, page numbers, a contents list with page numbers), followed
by the index pages (indices.html beside it: the three indices, the series and the college
targets), which the contents list names."""

import logging
from pathlib import Path

from survey.errors import WijkprofielError


def pdf_unavailable() -> str | None:
    """Why WeasyPrint cannot render here (not installed, or pango missing), or None if it can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return str(exc)
    return None


def write_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Render `html_path` to `pdf_path`; return `pdf_path`.

    Raises WijkprofielError when WeasyPrint or its system libraries (pango) are missing.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango/harfbuzz not installed
        raise WijkprofielError(
            f"cannot write {pdf_path}: WeasyPrint is unavailable ({exc}); install it with "
            "`pip install weasyprint` and the Debian packages libpango-1.0-0 libpangoft2-1.0-0 "
            "fonts-dejavu-core, or use --no-pdf") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(filename=str(html_path), media_type="print").render()
    indices = Path(html_path).with_name("indices.html")
    if indices.exists():
        appended = weasyprint.HTML(filename=str(indices), media_type="print").render()
        document = document.copy(document.pages + appended.pages)
    document.write_pdf(str(pdf_path))
    return Path(pdf_path)
