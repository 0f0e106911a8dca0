"""Which edition: the one of a year (made when a sample import or a period needs it), or the one
the app works on (the configured year, else the newest).
"""

from sqlalchemy import select

from survey.models import Edition

__all__ = ["current_edition", "edition_for"]


def edition_for(db, year: int) -> Edition:
    """The edition of `year`, created (as "Wijkprofiel <year>") when there is none."""
    edition = db.scalar(select(Edition).where(Edition.year == year))
    if edition is None:
        edition = Edition(year=year, title=f"Wijkprofiel {year}")
        db.add(edition)
        db.flush()
    return edition


def current_edition(db, year: int | None = None) -> Edition | None:
    """The edition of `year`, or else the newest edition; None when there is none."""
    if year is not None:
        edition = db.scalar(select(Edition).where(Edition.year == year))
        if edition is not None:
            return edition
    return db.scalar(select(Edition).order_by(Edition.year.desc()).limit(1))
