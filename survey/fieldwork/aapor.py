"""AAPOR final disposition codes and outcome rates.

Source: The American Association for Public Opinion Research, *Standard Definitions: Final
Dispositions of Case Codes and Outcome Rates for Surveys* (tables for mail and internet surveys
of specifically named persons, which is what a register sample invited by letter is).

Each sample unit has one final disposition code. Codes fall into the groups the formulas use:

| group | codes   | meaning                                                        |
|-------|---------|----------------------------------------------------------------|
| I     | 1.1     | complete                                                       |
| P     | 1.2     | partial                                                        |
| R     | 2.1x    | refusal and break-off                                          |
| NC    | 2.2x    | non-contact                                                    |
| O     | 2.3x    | other eligible non-interview (death, unable, language)         |
| UH    | 3.1x    | unknown eligibility: nothing known about whether the letter arrived |
| UO    | 3.2x-3.9x | unknown eligibility, other (refused by addressee, undeliverable, forwarding info) |
| NE    | 4.x     | not eligible                                                   |

Departure from the source: AAPOR's UH means "unknown if household/occupied housing unit". A
named-person mail survey has no housing unit to screen; we put the 3.1x cases (nothing ever
returned) in UH and every other unknown-eligibility code in UO. RR1 and RR2 add UH and UO
together, so they do not depend on this split.

Rates (Standard Definitions, "Calculating rates"):

    RR1  = I / ((I+P) + (R+NC+O) + (UH+UO))
    RR2  = (I+P) / ((I+P) + (R+NC+O) + (UH+UO))
    RR3  = I / ((I+P) + (R+NC+O) + e(UH+UO))
    RR4  = (I+P) / ((I+P) + (R+NC+O) + e(UH+UO))
    COOP1 = I / ((I+P) + R + O)
    REF1 = R / ((I+P) + (R+NC+O) + (UH+UO))
    CON1 = ((I+P) + R + O) / ((I+P) + R + O + NC + (UH+UO))

where e, the share of unknown-eligibility cases taken to be eligible, is estimated by the
proportional allocation AAPOR names as the default: the eligible share among cases whose
eligibility is known, (I+P+R+NC+O) / (I+P+R+NC+O+NE).
"""

from dataclasses import dataclass, fields

GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")

GROUP_LABELS = {
    "I": "Volledig (I)",
    "P": "Gedeeltelijk (P)",
    "R": "Weigering en afbreken (R)",
    "NC": "Geen contact (NC)",
    "O": "Overig non-respons (O)",
    "UH": "Onbekend, niets teruggehoord (UH)",
    "UO": "Onbekend, overig (UO)",
    "NE": "Niet tot doelgroep (NE)",
}

# The codes this project uses, from the mail/internet tables for specifically named persons.
DISPOSITIONS = {
    "1.1": "Volledig ingevuld",
    "1.2": "Gedeeltelijk ingevuld",
    "2.11": "Weigering",
    "2.112": "Weigering door de respondent zelf",
    "2.1121": "Lege vragenlijst teruggestuurd",
    "2.12": "Afgebroken (te weinig antwoorden)",
    "2.20": "Geen contact",
    "2.31": "Overleden",
    "2.32": "Lichamelijk of geestelijk niet in staat",
    "2.33": "Taal",
    "2.36": "Overig",
    "3.11": "Brief niet verstuurd",
    "3.19": "Niets teruggehoord",
    "3.23": "Geweigerd door geadresseerde",
    "3.30": "Onbestelbaar",
    "3.40": "Verhuisd, nieuw adres bekend",
    "3.90": "Overig onbekend",
    "4.10": "Niet tot de doelgroep (woont niet op het adres, buiten Rotterdam of jonger dan 15)",
}

COMPLETE = "1.1"
SCREENED_OUT = "4.10"
"""AAPOR's "selected respondent screened out of sample" (tables for mail and internet surveys
of specifically named persons): the respondent's own answer to the screening question, here
"no longer lives at the address of the letter", puts them outside the population studied.
Not eligible, so the unit leaves the denominators of RR1-RR4. The household tables' 4.50
(non-residence, not a housing unit) and 4.70 (no eligible respondent) describe a dwelling, not
a named person; 3.40 (moved, forwarding address known) is for a move learned from the post,
where nobody answered and eligibility stays unknown."""

# The outcomes a coordinator records from the post, the phone and the register, each with
# its disposition. "moved" keeps eligibility unknown (3.40): a move within Rotterdam leaves the
# person in the population; `moved_away` is for a move out of Rotterdam before the sample date.
OUTCOMES = {
    "undeliverable": ("3.30", "Brief onbestelbaar retour"),
    "moved": ("3.40", "Verhuisd (nieuw adres bekend)"),
    "moved_away": ("4.10", "Verhuisd buiten Rotterdam vóór de steekproefdatum"),
    "refused": ("2.112", "Weigering door de respondent"),
    "refused_by_addressee": ("3.23", "Brief geweigerd door geadresseerde"),
    "blank_returned": ("2.1121", "Lege vragenlijst teruggestuurd"),
    "deceased": ("2.31", "Overleden"),
    "unable": ("2.32", "Lichamelijk of geestelijk niet in staat"),
    "language": ("2.33", "Spreekt of leest geen van de talen"),
}


class DispositionError(ValueError):
    """A disposition code that is not in AAPOR's scheme."""


def group(code: str) -> str:
    """The rate group of an AAPOR disposition code.

    >>> group("1.1"), group("2.112"), group("3.19"), group("3.30"), group("4.10")
    ('I', 'R', 'UH', 'UO', 'NE')

    Raises:
        DispositionError for a code outside 1.1-4.x.
    """
    major, _, minor = str(code).strip().partition(".")
    if major == "1" and minor in ("1", "2"):
        return "I" if minor == "1" else "P"
    if major == "2" and minor[:1] in ("1", "2", "3"):
        return {"1": "R", "2": "NC", "3": "O"}[minor[0]]
    if major == "3" and minor[:1].isdigit() and minor[0] != "0":
        return "UH" if minor[0] == "1" else "UO"
    if major == "4" and minor[:1].isdigit():
        return "NE"
    raise DispositionError(
        f"disposition {code!r} is not an AAPOR final disposition code (1.1, 1.2, 2.1x-2.3x, "
        "3.1x-3.9x or 4.x)"
    )


@dataclass
class OutcomeCounts:
    """Case counts per rate group."""

    I: int = 0  # noqa: E741 (AAPOR's own letter)
    P: int = 0
    R: int = 0
    NC: int = 0
    O: int = 0  # noqa: E741
    UH: int = 0
    UO: int = 0
    NE: int = 0

    @classmethod
    def from_dispositions(cls, counts: dict[str, int]) -> "OutcomeCounts":
        """Sum counts per disposition code into groups.

        >>> OutcomeCounts.from_dispositions({"1.1": 3, "3.19": 5, "2.112": 1}).R
        1
        """
        result = cls()
        for code, n in counts.items():
            name = group(code)
            setattr(result, name, getattr(result, name) + n)
        return result

    def __add__(self, other: "OutcomeCounts") -> "OutcomeCounts":
        return OutcomeCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    @property
    def eligibility_share(self) -> float | None:
        """e by proportional allocation: eligible / (eligible + not eligible) among cases
        whose eligibility is known. None when no case's eligibility is known."""
        eligible = self.I + self.P + self.R + self.NC + self.O
        known = eligible + self.NE
        return eligible / known if known else None

    def _all_but_ne(self, e: float = 1.0) -> float:
        return (self.I + self.P) + (self.R + self.NC + self.O) + e * (self.UH + self.UO)

    def rates(self) -> dict[str, float | None]:
        """RR1-RR4, COOP1, REF1 and CON1 as fractions; None where a denominator is 0.

        >>> OutcomeCounts(I=40, P=5, R=10, NC=15, O=2, UH=20, UO=8, NE=3).rates()["RR1"]
        0.4
        """
        e = self.eligibility_share
        return {
            "RR1": _div(self.I, self._all_but_ne()),
            "RR2": _div(self.I + self.P, self._all_but_ne()),
            "RR3": None if e is None else _div(self.I, self._all_but_ne(e)),
            "RR4": None if e is None else _div(self.I + self.P, self._all_but_ne(e)),
            "COOP1": _div(self.I, self.I + self.P + self.R + self.O),
            "REF1": _div(self.R, self._all_but_ne()),
            "CON1": _div(self.I + self.P + self.R + self.O,
                         self.I + self.P + self.R + self.O + self.NC + self.UH + self.UO),
        }


def _div(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
