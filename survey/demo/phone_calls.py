"""The demo's phone fieldwork: the calls, interview languages, assignments and phone refusals
behind the fieldwork `survey.demo.responses` simulated, as the phone module
(`survey.phone.calls`, `survey.phone.interview_language`) records them in real fieldwork.

- A unit completed by phone (or screened out by its phone interview) was called a few times
  before it answered: no answer, busy, an appointment kept by the next call. The call in which
  the interview ended is `completed`, at the moment it ended (`calls.record_completed`); its
  `phone_interview` row holds the language the interview's pages were shown in (the unit's
  paradata language), chosen by the interviewer when the interview began.
- A non-respondent the agency reached and who refused (AAPOR 2.11 in the simulated fieldwork)
  gets a call history ending in `refusal`, the disposition 2.112 and its `unit_outcome` row,
  as `calls.record_call` sets them.
- Of the other non-respondents with a phone number, some were called without success: every
  call unanswered or busy (a non-contact, AAPOR 2.20, the code
  `survey.fieldwork.dispositions` derives for such a history), or a wrong number (no
  disposition of its own: nothing heard, 3.19).

Calls begin five weeks after the unit's letter (when the agency starts phoning), fall between
10:00 and 20:00 Rotterdam time, Monday to Saturday (but the call that ends a phone interview:
at the moment the simulated fieldwork ended it), and end before the wave closes. Every called
unit is on the demo interviewer's list (`call_assignment`). All draws come from the generator
passed in, so the same seed gives the same calls.
"""

from dataclasses import dataclass

import numpy as np

from survey.demo.paradata import stamp
from survey.demo.responses import DEMO_EDITION, Calendar, calendar, utc_from_local
from survey.fieldwork import aapor
from survey.phone import calls
from survey.staff.roles import COORDINATOR, INTERVIEWER

__all__ = ["DEMO_INTERVIEWER", "PhoneFieldwork", "simulate_phone"]

DEMO_INTERVIEWER = f"demo-{INTERVIEWER}"
"""The demo's interviewer account (`survey.main_job.ensure_demo_staff` names it so)."""
DEMO_COORDINATOR = f"demo-{COORDINATOR}"

PHONE_START_DAYS = 35
"""Days after the letter when the agency starts calling non-respondents."""
FIRST_HOUR, LAST_HOUR = 10, 20
"""Calls are made from 10:00 until 20:00 Rotterdam time (stored in UTC, as the app stores
times)."""
MAX_ATTEMPTS = 5
"""PHONE_MAX_ATTEMPTS' default (`survey.settings`): a non-contact is called this often,
unless the wave closed first."""

COMPLETE_PRIOR_P = [0.30, 0.30, 0.22, 0.12, 0.06]
"""Calls before the one that reached a phone respondent: 0, 1, 2, 3 or 4."""
REFUSAL_PRIOR_P = [0.45, 0.30, 0.17, 0.08]
CALLBACK_SHARE = 0.45
"""Share of phone respondents whose interview was an appointment made in the call before."""
CALLED_SHARE = 0.45
"""Share of the other non-respondents with a number the agency phoned before the wave
closed (the rest it never reached on its list)."""
WRONG_NUMBER_SHARE = 0.07
"""Of those phoned without success: the number turned out to be wrong."""
FULL_TRIES_SHARE = 0.75
"""Of the non-contacts: called the full MAX_ATTEMPTS times (the rest when the wave closed)."""
NON_CONTACT = "2.20"
REFUSED_WHEN_PHONED = "2.11"
"""The disposition `simulate_fieldwork` draws for a refusal to the agency's call."""

_DAY = 86_400


@dataclass
class PhoneFieldwork:
    """Rows to write (columns by table, texts laid out), and the changed dispositions."""

    call_attempt: dict
    """In the order called (ids ascend with time, so a unit's last call has its highest id,
    as `survey.phone.calls` reads it)."""
    phone_interview: dict
    call_assignment: dict
    unit_outcome: dict
    disposition: np.ndarray
    """Per unit in `sample` order: the simulated disposition with the phone's outcomes
    (2.112 for a phone refusal, 2.20 for a non-contact)."""


def simulate_phone(sample_ids, status, disposition, mode, started_at, completed_at, has_phone,
                   wave, language, rng: np.random.Generator,
                   dates: Calendar | None = None) -> PhoneFieldwork:
    """The phone fieldwork of one edition (arrays per unit, in sample order).

    Args:
        sample_ids: unit ids.
        status, disposition, mode: the simulated outcome per unit (after screening).
        started_at, completed_at: datetime64[s] per unit (NaT where none).
        has_phone: whether the register has a number for the unit's person.
        wave: 1 or 2.
        language: the language of the unit's pages (paradata), None without any.
        rng: seeded generator, used for nothing else.
        dates: the edition's `calendar` (default: the demo edition's).
    """
    dates = dates or calendar(DEMO_EDITION)
    n = len(sample_ids)
    disposition = np.asarray(disposition, dtype=object).copy()
    invited = dates.wave_days(wave, 0)
    closes = dates.wave_days(wave, 1)
    phone_start = _seconds(invited) + PHONE_START_DAYS * _DAY
    close_end = _seconds(closes) + _DAY  # the whole closing day

    interviewed = (mode == "phone") & np.isin(status, ["completed", "screened_out"])
    refused = (status == "invited") & (disposition == REFUSED_WHEN_PHONED) & has_phone
    others = (status == "invited") & (disposition == "3.19") & has_phone
    phoned = others & (rng.random(n) < CALLED_SHARE)
    wrong = phoned & (rng.random(n) < WRONG_NUMBER_SHARE)
    no_contact = phoned & ~wrong

    parts = []
    # phone interviews: calls before the interview, in the window before it began
    unit = np.flatnonzero(interviewed)
    began = _seconds(started_at[unit])
    ended = _seconds(completed_at[unit])
    prior = rng.choice(len(COMPLETE_PRIOR_P), size=len(unit), p=COMPLETE_PRIOR_P)
    parts.append(_earlier_calls(unit, prior, phone_start[unit], began - 1800, rng,
                                (calls.NO_ANSWER, calls.BUSY, calls.APPOINTMENT),
                                [0.68, 0.17, 0.15]))
    parts.append(_Calls(unit, ended, np.array([calls.COMPLETED] * len(unit), dtype=object),
                        began))
    # refusals: a few calls, the last one refused
    unit = np.flatnonzero(refused)
    count = rng.choice(len(REFUSAL_PRIOR_P), size=len(unit), p=REFUSAL_PRIOR_P) + 1
    parts.append(_calls_ending(unit, count, phone_start[unit], close_end[unit], rng,
                               calls.REFUSAL, (calls.NO_ANSWER, calls.BUSY), [0.8, 0.2]))
    # wrong numbers: at most one unanswered call before the number proved wrong
    unit = np.flatnonzero(wrong)
    count = rng.integers(1, 3, len(unit))
    parts.append(_calls_ending(unit, count, phone_start[unit], close_end[unit], rng,
                               calls.WRONG_NUMBER, (calls.NO_ANSWER,), [1.0]))
    # non-contacts: every call unanswered or busy
    unit = np.flatnonzero(no_contact)
    count = np.where(rng.random(len(unit)) < FULL_TRIES_SHARE, MAX_ATTEMPTS,
                     rng.integers(2, MAX_ATTEMPTS, len(unit)))
    parts.append(_calls_ending(unit, count, phone_start[unit], close_end[unit], rng,
                               None, (calls.NO_ANSWER, calls.BUSY), [0.8, 0.2]))

    every = _Calls.join(parts)
    every = every.take(np.lexsort((every.at, every.unit)))  # each unit's history in turn
    outcome = every.outcome.copy()
    appointment = _appointments(every, outcome, rng)
    # written as the calls were made, the units' histories interleaved
    order = np.lexsort((every.unit, every.at))
    every, outcome, appointment = every.take(order), outcome[order], appointment[order]

    disposition[refused] = aapor.OUTCOMES["refused"][0]
    disposition[no_contact] = NON_CONTACT
    ids = np.asarray(sample_ids, dtype=object)
    called_units = np.unique(every.unit)  # sample positions; ordered by id below
    called_units = called_units[np.argsort(ids[called_units], kind="stable")]
    first_call = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_call, every.unit, every.at)

    refusal_rows = outcome == calls.REFUSAL
    refusal_units = every.unit[refusal_rows]
    interview_units = np.flatnonzero(interviewed)
    interview_units = interview_units[np.argsort(ids[interview_units], kind="stable")]
    return PhoneFieldwork(
        call_attempt={
            "sample_unit_id": ids[every.unit],
            "outcome": outcome,
            "appointment_at": appointment,
            "note": np.full(len(outcome), None, dtype=object),
            "interviewer": np.full(len(outcome), DEMO_INTERVIEWER, dtype=object),
            "called_at": _stamp(every.at),
        },
        phone_interview={
            "sample_unit_id": ids[interview_units],
            "language": np.asarray(language, dtype=object)[interview_units],
            "chosen_by": np.full(len(interview_units), DEMO_INTERVIEWER, dtype=object),
            "chosen_at": _stamp(_seconds(started_at[interview_units])),
        },
        call_assignment={
            "sample_unit_id": ids[called_units],
            "interviewer": np.full(len(called_units), DEMO_INTERVIEWER, dtype=object),
            "assigned_by": np.full(len(called_units), DEMO_COORDINATOR, dtype=object),
            # 7:00 Rotterdam time on the day of the unit's first call, before calling hours
            "assigned_at": _stamp(utc_from_local(first_call[called_units] // _DAY * _DAY
                                                 + 7 * 3600)),
        },
        unit_outcome={
            "sample_unit_id": ids[refusal_units],
            "outcome": np.full(len(refusal_units), "refused", dtype=object),
            "disposition": disposition[refusal_units],
            "note": np.full(len(refusal_units), "telefonisch", dtype=object),
            "recorded_by": np.full(len(refusal_units), DEMO_INTERVIEWER, dtype=object),
            "recorded_at": _stamp(every.at[refusal_rows]),
        },
        disposition=disposition,
    )


@dataclass
class _Calls:
    """Calls as parallel arrays: unit (position in the sample), time (seconds since 1970),
    outcome, and when the conversation began (the interview's start for a completion: the
    moment an appointment before it was for)."""

    unit: np.ndarray
    at: np.ndarray
    outcome: np.ndarray
    began: np.ndarray

    @staticmethod
    def join(parts):
        return _Calls(*(np.concatenate([getattr(p, name) for p in parts])
                        for name in ("unit", "at", "outcome", "began")))

    def take(self, rows):
        return _Calls(self.unit[rows], self.at[rows], self.outcome[rows], self.began[rows])


def _daytime(low, high, rng):
    """A moment on a uniformly drawn day from `low` to `high`'s day, between FIRST_HOUR and
    LAST_HOUR Rotterdam time, in UTC seconds as stored; a day earlier if past `high`, and
    a Sunday becomes the Saturday before it. May come out before `low` when the window is
    shorter than a calling day (the caller drops those)."""
    first_day = low // _DAY
    days = np.maximum(high // _DAY - first_day + 1, 1)
    day = first_day + np.floor(rng.random(len(low)) * days).astype(np.int64)
    clock = FIRST_HOUR * 3600 + rng.integers(0, (LAST_HOUR - FIRST_HOUR) * 3600, len(low))
    day = np.where(utc_from_local(day * _DAY + clock) >= high, day - 1, day)
    day = np.where((day + 3) % 7 == 6, day - 1, day)  # 1 January 1970 was a Thursday
    return utc_from_local(day * _DAY + clock)


def _earlier_calls(unit, count, low, high, rng, outcomes, p):
    """`count[i]` calls to `unit[i]` between `low[i]` and `high[i]`, outcomes drawn from
    `outcomes` with probabilities `p`; calls that find no daytime in the window are left out."""
    repeat = np.repeat(np.arange(len(unit)), count)
    at = _daytime(low[repeat], high[repeat], rng)
    keep = (at >= low[repeat]) & (at < high[repeat])
    outcome = np.asarray(outcomes, dtype=object)[rng.choice(len(outcomes), len(repeat), p=p)]
    return _Calls(unit[repeat][keep], at[keep], outcome[keep], at[keep])


def _calls_ending(unit, count, low, high, rng, final, outcomes, p):
    """`count[i]` calls to `unit[i]` in the window, the last with outcome `final` (None: drawn
    like the others)."""
    calls_made = _earlier_calls(unit, count, low, high, rng, outcomes, p)
    if final is None or len(calls_made.unit) == 0:
        return calls_made
    # the latest call of each unit gets the final outcome
    order = np.lexsort((calls_made.at, calls_made.unit))
    last = order[np.r_[calls_made.unit[order][1:] != calls_made.unit[order][:-1], True]]
    calls_made.outcome[last] = final
    return calls_made


def _appointments(every, outcome, rng):
    """appointment_at per call (`every` ordered by unit, then time), stamped; `outcome` is
    changed in place. An appointment holds the moment the next call began (to the quarter
    hour: the appointment was kept); where the next call was the same day or there is none,
    the call was unanswered after all. Before a phone interview, the call before it made
    the appointment for CALLBACK_SHARE of the respondents."""
    same_unit_next = np.r_[every.unit[1:] == every.unit[:-1], False]
    next_began = np.r_[every.began[1:], 0]
    before_interview = same_unit_next & np.r_[every.outcome[1:] == calls.COMPLETED, False]
    callback = before_interview & (rng.random(len(outcome)) < CALLBACK_SHARE)
    outcome[callback] = calls.APPOINTMENT
    is_appointment = outcome == calls.APPOINTMENT
    later_day = same_unit_next & (next_began // _DAY > every.at // _DAY)
    outcome[is_appointment & ~later_day] = calls.NO_ANSWER
    kept = is_appointment & later_day
    moment = np.full(len(outcome), np.iinfo(np.int64).min)
    moment[kept] = next_began[kept] // 900 * 900
    stamped = np.full(len(outcome), None, dtype=object)
    stamped[kept] = _stamp(moment[kept])
    return stamped


def _seconds(values):
    return np.asarray(values).astype("datetime64[s]").astype(np.int64)


def _stamp(seconds):
    return stamp(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"))
