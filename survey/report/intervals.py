"""How the report and the public site write an interval, and the scores and score changes
beside it: one rule, used by both (the site, `survey/publish`, imports it from here; the report
may not import the site).

The style: a negative bound has a true minus sign (U+2212, read as "minus" by screen readers,
and as wide as a plus), and a number that rounds to zero has no sign. Two bounds that are
neither negative are joined by an en dash without spaces, as typeset ranges are ("95–104",
"1,2–3,4"). When either bound is negative, a dash between them would read as another minus
("−16–50", "−5,8–−4,2"), so the bounds are joined by a word instead: "−16 tot 50",
"−5,8 tot −4,2" (the report's intervals of a score's change always looked like that; the
site translates the word).
"""

import pandas as pd

MINUS = "\u2212"
EN_DASH = "\u2013"
# the Dutch joining words; the site passes its translation of this same text
WORDS = "%(low)s tot %(high)s"


def signed_text(text: str) -> str:
    """A formatted number with a true minus sign; a negative that rounded to zero unsigned.

    >>> signed_text("-16"), signed_text("-0,0"), signed_text("−3"), signed_text("12")
    ('−16', '0,0', '−3', '12')
    """
    if not text.startswith(("-", MINUS)):
        return text
    digits = text[1:]
    return MINUS + digits if any(c in "123456789" for c in digits) else digits


def whole(value) -> str:
    """A score as published: a whole number, a true minus, "" when missing.

    >>> whole(103.6), whole(-15.7), whole(-0.2), whole(float("nan"))
    ('104', '−16', '0', '')
    """
    if value is None or pd.isna(value):
        return ""
    return signed_text(f"{value:.0f}")


def whole_change(value) -> str:
    """A score's change: whole points with their sign, none when it rounds to zero (as the
    site's `numbers.signed`).

    >>> whole_change(6.2), whole_change(-5.7), whole_change(-0.3)
    ('+6', '−6', '0')
    """
    text = whole(value)
    return text if text.startswith(MINUS) or text in ("", "0") else "+" + text


def interval_text(low: str, high: str, words: str = WORDS) -> str:
    """Two formatted bounds as one interval, in the style above.

    Args:
        low, high: the bounds as they are to be printed ("-16", "50", "−5,8"); a leading
            hyphen-minus becomes a true minus.
        words: how two bounds are joined when one is negative, with `%(low)s` and `%(high)s`
            (the site's translation of `WORDS`).

    >>> interval_text("95", "104"), interval_text("-16", "50"), interval_text("-5,8", "-4,2")
    ('95–104', '−16 tot 50', '−5,8 tot −4,2')
    >>> interval_text("-16", "50", "%(low)s to %(high)s")
    '−16 to 50'
    """
    low, high = signed_text(low), signed_text(high)
    if low.startswith(MINUS) or high.startswith(MINUS):
        return words % {"low": low, "high": high}
    return f"{low}{EN_DASH}{high}"


def whole_interval(low, high, words: str = WORDS) -> str:
    """The interval of a score, or "" when a bound is missing or both round to the same number
    (a register-only score has no sampling error: no zero-width interval).

    >>> whole_interval(95.2, 104.4), whole_interval(-15.7, 49.6), whole_interval(80.2, 79.9)
    ('95–104', '−16 tot 50', '')
    """
    low_text, high_text = whole(low), whole(high)
    if not low_text or not high_text or low_text == high_text:
        return ""
    return interval_text(low_text, high_text, words)
