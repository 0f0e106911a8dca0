"""Paradata of the demo's respondents: when each page was shown and submitted, in which
language and on which device, and the saved time of every answer (`timed`)."""

import numpy as np

__all__ = ["stamp", "timed"]


def stamp(values):
    """datetime64 -> 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format), NaT -> None.

    The digits are computed as numbers and laid out as code points of fixed-width strings:
    `np.datetime_as_string` plus a replace took seconds for the 2.7 million stamps of a full
    edition."""
    moment = np.asarray(values).astype("datetime64[us]")
    missing = np.isnat(moment)
    moment = np.where(missing, np.datetime64(0, "us"), moment)
    years = moment.astype("datetime64[Y]")
    months = moment.astype("datetime64[M]")
    days = moment.astype("datetime64[D]")
    micro = (moment - days.astype("datetime64[us]")).astype(np.int64)
    fields = (  # (value, width, position) in 'YYYY-MM-DD HH:MM:SS.ffffff'
        (years.astype(np.int64) + 1970, 4, 0),
        ((months - years.astype("datetime64[M]")).astype(np.int64) + 1, 2, 5),
        ((days - months.astype("datetime64[D]")).astype(np.int64) + 1, 2, 8),
        (micro // 3_600_000_000, 2, 11),
        (micro // 60_000_000 % 60, 2, 14),
        (micro // 1_000_000 % 60, 2, 17),
        (micro % 1_000_000, 6, 20),
    )
    points = np.empty((26, len(moment)), dtype=np.uint32)  # a character position per row
    for position, mark in ((4, "-"), (7, "-"), (10, " "), (13, ":"), (16, ":"), (19, ".")):
        points[position] = ord(mark)
    for value, width, position in fields:
        for k in range(width):
            points[position + width - 1 - k] = ord("0") + value // 10**k % 10
    text = np.ascontiguousarray(points.T).view("<U26").reshape(-1).astype(object)
    text[missing] = None
    return text


_LANGUAGES = np.array(["nl", "en", "tr", "ar", "pl"], dtype=object)
_LANGUAGE_P = {  # web language by migration background
    "nederlands": [0.985, 0.015, 0.0, 0.0, 0.0],
    "westers": [0.78, 0.12, 0.0, 0.0, 0.10],
    "niet_westers": [0.86, 0.02, 0.065, 0.055, 0.0],
}
_DEVICES = np.array(["mobile", "desktop", "tablet"], dtype=object)


def timed(generated, rows, work, sample, rng):
    """When each page was shown and submitted (pages evenly spread between the start and the
    last submit), the language and device of each respondent, and which visit each answer
    belongs to, for the unordered output of `generate_answers` (codes, not texts): the
    caller orders the rows and lays out the texts (`stamp`) once, in order.

    Returns (answers, visits, language, device): answers with `unit` (position in `sample`),
    `variable_code`, `value`, `page_index` and `visit` (the position of its page's visit in
    `visits`); visits with `unit`, `page_index` and the times `shown` and `submitted` in
    whole seconds since 1970; language and device per respondent (`rows`), device None
    outside the web."""
    visits = generated.visits
    respondent = visits["respondent"]
    unit = rows[respondent]
    start = work.started_at[unit].astype("datetime64[s]").astype(np.int64)
    end = work.last_seen_at[unit].astype("datetime64[s]").astype(np.int64)
    step = visits["step"]
    steps = np.maximum(visits["steps"], 1)
    span = np.maximum(end - start, steps)
    shown = start + span * step // steps
    submitted = start + span * (step + 1) // steps

    # language and device belong to the respondent, not the page
    n = len(rows)
    migration = sample["migration_background"].to_numpy()[rows]
    u = rng.random(n)
    language = np.full(n, "nl", dtype=object)
    for background, p in _LANGUAGE_P.items():
        chosen = migration == background
        language[chosen] = _LANGUAGES[np.searchsorted(np.cumsum(p)[:-1], u[chosen])]
    respondent_mode = work.mode[rows]
    language[respondent_mode == "paper"] = "nl"
    language[(respondent_mode == "phone") & ~np.isin(language, ["nl", "tr", "ar"])] = "nl"
    old = sample["age_group"].to_numpy()[rows] == "65+"
    device_p = np.where(old[:, None], [[0.35, 0.45, 0.20]], [[0.62, 0.32, 0.06]])
    device = _DEVICES[(rng.random(n)[:, None] > np.cumsum(device_p, axis=1)[:, :-1]).sum(1)]
    device[respondent_mode != "web"] = None

    visits_out = {"unit": unit, "page_index": visits["page_index"], "shown": shown,
                  "submitted": submitted}
    answers = generated.answers
    # the visit of each answer's page, through a (respondent, page) lookup table
    n_pages = len(generated.page_ids)
    lookup = np.full(n * n_pages, -1, dtype=np.int64)
    lookup[respondent * n_pages + visits["page_index"]] = np.arange(len(respondent))
    answers_out = {
        "unit": rows[answers["respondent"]],
        "variable_code": answers["variable_code"],
        "value": answers["value"],
        "page_index": answers["page_index"],
        "visit": lookup[answers["respondent"] * n_pages + answers["page_index"]],
    }
    return answers_out, visits_out, language, device
