"""The fieldwork dashboard's numbers: pure functions over the database.

`fieldwork_table` answers the whole table with one aggregate query over `sample_unit` (grouped
by wijk, wave, mode and disposition; about a thousand groups for 75,000 units) and rolls the
groups up into wijk rows, gebied rows and a city total in Python. `daily_completes` counts the
completions per Rotterdam day for the chart. Nothing is cached: every request sees the answers stored so far.
A unit's disposition is `survey.fieldwork.dispositions.disposition_column`.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, extract, func, or_, select

from survey.fieldwork import aapor
from survey.fieldwork.dispositions import DEFAULT_PARTIAL_MIN_ANSWERS, disposition_column
from survey.editions import current_edition
from survey.models import Area, Edition, SampleUnit
from survey.staff import local_time
from survey.population.targets import DEFAULT_TARGET

MODES = ("web", "paper", "phone")
MODE_LABELS = {"web": "Web", "paper": "Papier", "phone": "Telefoon"}


@dataclass(frozen=True)
class Filters:
    """What the table is restricted to; None means all."""

    gebied: str | None = None
    questionnaire_id: str | None = None
    wave: int | None = None


@dataclass
class Row:
    """One line of the table: a wijk, a gebied or the whole city."""

    level: str  # wijk | gebied | total
    name: str
    gebied: str
    wijk_code: int | None = None
    gross: int = 0
    started: int = 0
    target: int = 0
    completed_by_mode: dict = field(default_factory=dict)
    completed_by_wave: dict = field(default_factory=dict)
    dispositions: dict = field(default_factory=dict)  # AAPOR code -> units

    @property
    def outcomes(self) -> aapor.OutcomeCounts:
        return aapor.OutcomeCounts.from_dispositions(self.dispositions)

    @property
    def completed(self) -> int:
        return self.outcomes.I

    @property
    def partial(self) -> int:
        return self.outcomes.P

    @property
    def response(self) -> float | None:
        """Completed / gross sample: the plain share that Rotterdam reports."""
        return self.completed / self.gross if self.gross else None

    @property
    def target_share(self) -> float | None:
        return self.completed / self.target if self.target else None

    @property
    def rates(self) -> dict:
        return self.outcomes.rates()

    def value(self, key: str):
        """The value of a column by its key in COLUMNS (also used to sort)."""
        if key.startswith("mode_"):
            return self.completed_by_mode.get(key[5:], 0)
        if key.startswith("wave_"):
            return self.completed_by_wave.get(int(key[5:]), 0)
        if key in aapor.GROUPS:
            return getattr(self.outcomes, key)
        if key in ("RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1"):
            return self.rates[key]
        return getattr(self, key)

    def add(self, other: "Row") -> None:
        self.gross += other.gross
        self.started += other.started
        self.target += other.target
        for mine, theirs in ((self.completed_by_mode, other.completed_by_mode),
                             (self.completed_by_wave, other.completed_by_wave),
                             (self.dispositions, other.dispositions)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # text | count | share


def columns(waves) -> list[Column]:
    """The table's columns in order; one per mode and one per wave present."""
    return [
        Column("name", "Naam", "text"),
        Column("gebied", "Gebied", "text"),
        Column("gross", "Bruto steekproef", "count"),
        Column("started", "Gestart", "count"),
        Column("completed", "Voltooid", "count"),
        Column("target", "Doel (netto)", "count"),
        Column("target_share", "% van doel", "share"),
        Column("response", "Respons (voltooid/bruto)", "share"),
        *[Column(f"mode_{mode}", f"Voltooid {MODE_LABELS[mode].lower()}", "count")
          for mode in MODES],
        *[Column(f"wave_{wave}", f"Voltooid golf {wave}", "count") for wave in waves],
        Column("P", "Gedeeltelijk (P)", "count"),
        Column("R", "Weigering/afbreken (R)", "count"),
        Column("NC", "Geen contact (NC)", "count"),
        Column("O", "Overig (O)", "count"),
        Column("UH", "Onbekend (UH)", "count"),
        Column("UO", "Onbekend overig (UO)", "count"),
        Column("NE", "Niet doelgroep (NE)", "count"),
        Column("RR1", "RR1", "share"),
        Column("RR2", "RR2", "share"),
    ]


@dataclass
class Table:
    edition: Edition | None
    filters: Filters
    wijken: list[Row]
    gebieden: list[Row]
    total: Row
    waves: list[int]
    unknown_codes: dict  # disposition codes outside AAPOR's scheme -> units

    @property
    def columns(self) -> list[Column]:
        return columns(self.waves)


def filter_options(db, edition_id: int) -> dict:
    """The gebieden, questionnaires and waves there are to filter on."""
    return {
        "gebieden": list(db.scalars(select(Area.gebied).distinct().order_by(Area.gebied))),
        "questionnaires": list(db.scalars(
            select(SampleUnit.questionnaire_id).distinct()
            .where(SampleUnit.edition_id == edition_id).order_by(SampleUnit.questionnaire_id))),
        "waves": list(db.scalars(
            select(SampleUnit.wave).distinct()
            .where(SampleUnit.edition_id == edition_id).order_by(SampleUnit.wave))),
    }


def _where(edition_id: int, filters: Filters):
    conditions = [SampleUnit.edition_id == edition_id]
    if filters.gebied is not None:
        conditions.append(Area.gebied == filters.gebied)
    if filters.questionnaire_id is not None:
        conditions.append(SampleUnit.questionnaire_id == filters.questionnaire_id)
    if filters.wave is not None:
        conditions.append(SampleUnit.wave == filters.wave)
    return conditions


def group_counts(db, edition_id: int, filters: Filters = Filters(),
                 partial_min_answers: int = DEFAULT_PARTIAL_MIN_ANSWERS) -> list[tuple]:
    """The one aggregate query: (wijk_code, wave, mode, disposition, units, started) per group.

    `started` counts units that opened the questionnaire, whatever became of them.
    """
    disposition = disposition_column(partial_min_answers).label("disposition")
    started = func.sum(case(
        (or_(SampleUnit.started_at.is_not(None), SampleUnit.status.in_(("started", "completed"))), 1),
        else_=0))
    statement = (
        select(SampleUnit.wijk_code, SampleUnit.wave, SampleUnit.mode, disposition,
               func.count(), started)
        .join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(*_where(edition_id, filters))
        .group_by(SampleUnit.wijk_code, SampleUnit.wave, SampleUnit.mode, disposition)
    )
    return [tuple(row) for row in db.execute(statement)]


def build_table(counts, areas, targets: dict[int, int], *, edition=None,
                filters: Filters = Filters()) -> Table:
    """Roll the group counts up into wijk rows, gebied rows and the city total.

    Args:
        counts: rows of `group_counts`.
        areas: (wijk_code, wijk, gebied) of every wijk to show.
        targets: wijk_code -> target net responses.
    Returns:
        a Table; wijken without a single unit are shown with zeros, so a wijk that has not
        started is visible rather than missing.
    """
    wijken = {}
    for wijk_code, wijk, gebied in areas:
        if filters.gebied is not None and gebied != filters.gebied:
            continue
        wijken[wijk_code] = Row("wijk", wijk, gebied, wijk_code, target=targets.get(wijk_code, 0))
    waves, unknown = set(), {}
    for wijk_code, wave, mode, disposition, n, started in counts:
        row = wijken.get(wijk_code)
        if row is None:
            continue
        waves.add(wave)
        row.gross += n
        row.started += int(started or 0)
        try:
            aapor.group(disposition)
        except aapor.DispositionError:
            unknown[disposition] = unknown.get(disposition, 0) + n
            disposition = "3.90"  # counted as unknown eligibility, and shown as a warning
        row.dispositions[disposition] = row.dispositions.get(disposition, 0) + n
        if aapor.group(disposition) == "I":
            row.completed_by_mode[mode] = row.completed_by_mode.get(mode, 0) + n
            row.completed_by_wave[wave] = row.completed_by_wave.get(wave, 0) + n
    # filtered on a gebied, the total is that gebied's, and must not read as the city's
    total_name = "Rotterdam" if filters.gebied is None else f"Totaal {filters.gebied}"
    gebieden, total = {}, Row("total", total_name, "")
    for row in wijken.values():
        gebied_row = gebieden.setdefault(row.gebied, Row("gebied", row.gebied, row.gebied))
        gebied_row.add(row)
        total.add(row)
    return Table(edition, filters, list(wijken.values()), list(gebieden.values()), total,
                 sorted(waves), unknown)


def sort_rows(rows: list[Row], key: str, descending: bool = False) -> list[Row]:
    """Rows sorted on a column key; empty values (no rate yet) always last.

    >>> rows = [Row("wijk", "B", "x", gross=5), Row("wijk", "A", "x", gross=9)]
    >>> [r.name for r in sort_rows(rows, "gross", descending=True)]
    ['A', 'B']
    """
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]
    present.sort(key=lambda row: (row.value(key), row.name), reverse=descending)
    return present + missing


def fieldwork_table(db, *, year=None, filters: Filters = Filters(), targets=DEFAULT_TARGET,
                    partial_min_answers: int = DEFAULT_PARTIAL_MIN_ANSWERS) -> Table:
    """The dashboard table for the edition of `year` (or the newest).

    Args:
        targets: one number for every wijk, or a dict wijk_code -> number (`load_targets`).
    """
    edition = current_edition(db, year)
    areas = db.execute(select(Area.wijk_code, Area.wijk, Area.gebied).order_by(Area.wijk_code)).all()
    if isinstance(targets, int):
        targets = {wijk_code: targets for wijk_code, _, _ in areas}
    counts = [] if edition is None else group_counts(db, edition.id, filters, partial_min_answers)
    return build_table(counts, areas, targets, edition=edition, filters=filters)


def daily_completes(db, edition_id: int, filters: Filters = Filters()) -> list[tuple[date, str, int]]:
    """Completed questionnaires per completion day and mode: [(day, mode, n)], by day. The day
    is Rotterdam's: times are stored in UTC, and a web form finished at 0:30 on a summer night
    belongs to that day, not to the one before. The database counts per UTC hour (Rotterdam's
    offset is whole hours and changes on the hour), Python moves each hour to its day."""
    day, hour = func.date(SampleUnit.completed_at), extract("hour", SampleUnit.completed_at)
    statement = (
        select(day, hour, SampleUnit.mode, func.count())
        .join(Area, Area.wijk_code == SampleUnit.wijk_code)
        .where(*_where(edition_id, filters), SampleUnit.completed_at.is_not(None),
               SampleUnit.status == "completed")
        .group_by(day, hour, SampleUnit.mode)
    )
    counts = Counter()
    for utc_day, utc_hour, mode, n in db.execute(statement):
        if isinstance(utc_day, str):  # SQLite's date() gives text
            utc_day = date.fromisoformat(utc_day)
        moment = datetime.combine(utc_day, time(int(utc_hour)))
        counts[local_time.day(moment), mode] += n
    in_order = sorted(counts.items(), key=lambda count: (count[0][0], count[0][1] or ""))
    return [(day, mode, n) for (day, mode), n in in_order]


OVER_TIME_COLUMNS = ("Dag", "Web", "Papier", "Telefoon", "Voltooid die dag", "Voltooid totaal",
                     "Respons (totaal/bruto)", "% van doel")
"""The response-over-time table: one row per day with completes."""


def response_over_time(daily: list[tuple[date, str, int]], gross: int,
                       target: int) -> list[list]:
    """Completes per day by mode, the running total and the running response (completes over
    the gross sample, and over the target): the table behind the chart.

    >>> from datetime import date, datetime, time
    >>> response_over_time([(date(2023, 3, 1), "web", 2), (date(2023, 3, 3), "paper", 3)],
    ...                    10, 20)[-1]
    [datetime.date(2023, 3, 3), 0, 3, 0, 3, 5, 0.5, 0.25]
    """
    per_day: dict[date, dict[str, int]] = {}
    for day, mode, n in daily:
        per_day.setdefault(day, {}).setdefault(mode or "onbekend", 0)
        per_day[day][mode or "onbekend"] += n
    rows, running = [], 0
    for day in sorted(per_day):
        counts = per_day[day]
        total = sum(counts.values())
        running += total
        rows.append([day, counts.get("web", 0), counts.get("paper", 0), counts.get("phone", 0),
                     total, running, running / gross if gross else None,
                     running / target if target else None])
    return rows


def cumulative_series(daily: list[tuple[date, str, int]]) -> dict[str, list[tuple[date, int]]]:
    """Cumulative completes per day for each mode and in total ("all").

    >>> from datetime import date, datetime, time
    >>> cumulative_series([(date(2023, 3, 1), "web", 2), (date(2023, 3, 3), "web", 1),
    ...                    (date(2023, 3, 3), "paper", 4)])["all"]
    [(datetime.date(2023, 3, 1), 2), (datetime.date(2023, 3, 3), 7)]
    """
    days = sorted({day for day, _, _ in daily})
    per_day = {}
    for day, mode, n in daily:
        per_day[(day, mode or "onbekend")] = per_day.get((day, mode or "onbekend"), 0) + n
    modes = sorted({mode for _, mode in per_day}, key=lambda m: (m not in MODES, MODES.index(m) if m in MODES else 0, m))
    series = {}
    for mode in ["all", *modes]:
        running, points = 0, []
        for day in days:
            if mode == "all":
                running += sum(n for (d, _), n in per_day.items() if d == day)
            else:
                running += per_day.get((day, mode), 0)
            points.append((day, running))
        series[mode] = points
    return series
