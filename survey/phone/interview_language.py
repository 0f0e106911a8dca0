"""The language a phone interview is held in: one per unit, chosen by the interviewer.

Staff pages are Dutch (`survey.i18n.select_language`), but an interviewer who speaks Turkish
with a resident reads the questions to them in Turkish. The interviewer chooses the language
when the interview starts and changes it when the resident switches; it is stored per unit
(`PhoneInterview`), so an interrupted interview resumes in it, whoever resumes it. Answers are
stored as the same codes in every language; the interview language goes into the paradata of
each page (`page_visit.language`), the review page, the supervision page and the call outcomes
file. Choosing and changing are audited by the views (`phone_interview_start` names the
language, `phone_interview_language` a change).
"""

from __future__ import annotations

from datetime import datetime

from babel import Locale
from sqlalchemy import func, select

from survey.i18n import DEFAULT_LANGUAGE, LANGUAGES
from survey.models import PhoneInterview, SampleUnit

__all__ = ["LanguageError", "choices", "dutch_name", "language_of", "choose", "per_language"]


class LanguageError(ValueError):
    """A language the questionnaire is not offered in; the message lists the ones it is."""


def dutch_name(code: str) -> str:
    """The language's name in Dutch, as the staff pages say it ('Turks')."""
    return Locale.parse(code).get_display_name(DEFAULT_LANGUAGE)


def choices() -> list[tuple[str, str, str, str]]:
    """The languages an interview may be held in, as the respondent web pages offer them:
    (code, Dutch name, own name, text direction), Dutch first."""
    return [(code, dutch_name(code), own, direction)
            for code, (own, direction) in LANGUAGES.items()]


def check(code: str) -> str:
    if code not in LANGUAGES:
        offered = ", ".join(f"{name} ({c})" for c, name, _own, _dir in choices())
        raise LanguageError(f"Taal ‘{code}’ wordt niet aangeboden; kies een van: {offered}.")
    return code


def language_of(db, unit_id: str) -> str:
    """The unit's interview language; Dutch when no interview has been started, or when it
    was held in a language the app no longer offers (its texts could not be shown)."""
    stored = db.scalar(select(PhoneInterview.language)
                       .where(PhoneInterview.sample_unit_id == unit_id))
    return stored if stored in LANGUAGES else DEFAULT_LANGUAGE


def choose(db, unit_id: str, language: str, *, by: str, at: datetime) -> str | None:
    """Hold the unit's interview in `language` from now on. Returns the language it was held
    in before (None: no interview yet).

    Raises:
        LanguageError for a language that is not offered (nothing is stored).
    """
    check(language)
    row = db.get(PhoneInterview, unit_id)
    if row is None:
        db.add(PhoneInterview(sample_unit_id=unit_id, language=language, chosen_by=by,
                              chosen_at=at))
        db.flush()
        return None
    before = row.language
    if before != language:
        row.language, row.chosen_by, row.chosen_at = language, by, at
        db.flush()
    return before


def per_language(db, edition_id: int) -> list[tuple[str, int, int]]:
    """Phone interviews of the edition per language: (code, in progress, completed by phone),
    in the order of `choices`; a language without either left out. An interview whose unit
    was screened out or completed in another mode meanwhile is neither."""
    counts: dict[str, list[int]] = {}
    for language, status, mode, count in db.execute(
            select(PhoneInterview.language, SampleUnit.status, SampleUnit.mode, func.count())
            .join(SampleUnit, SampleUnit.id == PhoneInterview.sample_unit_id)
            .where(SampleUnit.edition_id == edition_id)
            .group_by(PhoneInterview.language, SampleUnit.status, SampleUnit.mode)):
        pair = counts.setdefault(language, [0, 0])
        if status == "completed" and mode == "phone":
            pair[1] += count
        elif status not in ("completed", "screened_out"):
            pair[0] += count
    order = list(LANGUAGES) + sorted(set(counts) - set(LANGUAGES))
    return [(code, *counts[code]) for code in order if any(counts.get(code, ()))]
