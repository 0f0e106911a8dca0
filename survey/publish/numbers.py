"""Numbers as each language of the site writes them: Dutch "34,5" and "1.234", English "34.5"
and "1,234". The site shows shares as whole percentages and means with one decimal (the
intervals say how exact they are); the open data keep the report's full precision."""

import math

from survey.report.intervals import WORDS, whole, whole_interval

MISSING = "–"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int, language: str) -> str:
    """A number in `language`, with `digits` decimals and a real minus sign.

    >>> number(1234.56, 1, "nl"), number(1234.56, 1, "en"), number(-3.0, 0, "nl")
    ('1.234,6', '1,234.6', '−3')
    """
    if is_missing(value):
        return MISSING
    text = f"{abs(value):,.{digits}f}"
    if language == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if round(value, digits) < 0:
        text = "−" + text  # a real minus sign, which screen readers read as minus
    return text


def estimate(value, kind: str, language: str) -> str:
    """A published estimate: a share as a whole percentage, a mean with one decimal.

    >>> estimate(0.3449, "proportion", "nl"), estimate(6.83, "mean", "en")
    ('34%', '6.8')
    """
    if is_missing(value):
        return MISSING
    if kind == "proportion":
        return number(100 * value, 0, language) + "%"
    return number(value, 1, language)


def signed(value, digits: int, language: str) -> str:
    """A number with its sign, + too; none when it rounds to zero.

    >>> signed(3.2, 0, "nl"), signed(-0.04, 1, "en"), signed(0.0, 0, "nl")
    ('+3', '0.0', '0')
    """
    if is_missing(value):
        return MISSING
    text = number(value, digits, language)
    return text if text.startswith("−") or round(value, digits) == 0 else "+" + text


def change(value, kind: str, language: str) -> str:
    """A change between editions: percentage points for shares, one decimal for means."""
    if is_missing(value):
        return MISSING
    if kind == "proportion":
        return signed(100 * value, 0, language)
    return signed(value, 1, language)


def score(value) -> str:
    """An index score as published: a whole number, as the report writes it.

    >>> score(103.6), score(-15.7), score(None)
    ('104', '−16', '–')
    """
    if is_missing(value):
        return MISSING
    return whole(value)



# a score's 95% interval, written as the report writes it; the site passes its translation of
# `WORDS` for an interval with a negative bound
score_interval = whole_interval
