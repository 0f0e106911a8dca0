"""Seed a complete, realistic demo edition into the database: `seed_edition`.

Stages: the wijken (`areas`), a synthetic register of residents 15+ (`register`), its margins
(`margins`), the stratified sample (`sample`), fieldwork outcomes (`responses`) and the answers
of every respondent generated from the questionnaire definitions (`answers`). Everything is
drawn from one `numpy.random.Generator` seeded with `seed`, so the same seed gives the same
edition (row for row; only `Edition.created_at` differs).

Writing is the slow part, so it bypasses the ORM: the DBAPI's `executemany` on SQLite (one
transaction, rows ordered by primary key so that the indexes are appended to) and `COPY` on
PostgreSQL. The whole write is one transaction: a failed seed leaves nothing behind.

Register ids of the demo are `demo-<year>-<7 digits>`; `replace=True` deletes the edition's
rows and those register persons before seeding again.
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url

from survey import storage
from survey.paths import QUESTIONNAIRES_DIR
from survey.demo.answers import Respondents, generate_answers
from survey.demo.register import build_register
from survey.demo.responses import (
    FIELDWORK_END,
    FIELDWORK_START,
    intercept_for,
    response_logit,
    simulate_fieldwork,
    wijk_quality,
)
from survey.demo.story import load_story
from survey.errors import InputError
from survey.fieldwork import aapor
from survey.fieldwork.answers import store_analysis_snapshot
from survey.population.allocation import GROSS_SAMPLE, net_targets
from survey.population.categories import CATEGORIES
from survey.population.margins import margins_by_wijk
from survey.population.selection import QUESTIONNAIRE_IDS, draw_sample
from survey.population.wijken import load_wijken
from survey.respondent.store import SCREENED_OUT
from survey.sampling import units
from weighting.errors import WijkprofielError

EDITION_YEAR = 2024
CHUNK = 50_000

__all__ = ["EDITION_YEAR", "SeedSummary", "EditionExistsError", "seed_edition"]


class EditionExistsError(WijkprofielError):
    """The database already holds the edition to seed."""


@dataclass
class SeedSummary:
    """What `seed_edition` did."""

    edition_year: int
    edition_id: int
    seed: int
    scale: float
    counts: dict = field(default_factory=dict)
    """areas, persons, margins, sample_units, completed, screened_out, started, invited,
    answers, page_visits."""
    seconds: dict = field(default_factory=dict)
    """Time per stage, and `total`."""
    demo_codes: dict = field(default_factory=dict)
    """questionnaire id -> status (invited | started | completed) -> a few access codes."""
    targets: dict = field(default_factory=dict)
    """wijk_code -> target net responses the sample was sized for (`net_targets`): the
    dashboard's FIELDWORK_TARGETS for this edition, scaled with it."""


# the latent "experience" score behind the answers: effects on top of the wijk's quality
_LATENT_AGE = np.array([-0.25, -0.15, 0.0, 0.30])
_LATENT_MIGRATION = np.array([0.30, 0.05, -0.35])
_LATENT_WIJK = 0.55

_STAGES = [  # (name, share of the total time), for the progress bar
    ("register", 0.06),
    ("sample", 0.03),
    ("answers", 0.22),
    ("write register", 0.14),
    ("write sample", 0.06),
    ("write answers", 0.42),
    ("write paradata", 0.07),
]


class _Progress:
    """Overall progress from per-stage fractions (each stage keeps its own, so the report
    never goes backwards whatever order the stages run in)."""

    def __init__(self, callback):
        self.callback = callback
        self.share = dict(_STAGES)
        self.fraction = {stage: 0.0 for stage in self.share}
        self.lock = threading.Lock()
        self.reported = 0.0

    def part(self, stage, fraction):
        with self.lock:
            self.fraction[stage] = max(self.fraction[stage], min(fraction, 1.0))
            done = sum(self.share[s] * f for s, f in self.fraction.items())
            done = min(max(done, self.reported), 1.0)
            self.reported = done
            if self.callback is not None:
                self.callback(stage, done)

    def reporter(self, stage, low=0.0, high=1.0):
        """A callable(fraction) for one stage, mapped into [low, high] of it."""
        return lambda fraction: self.part(stage, low + (high - low) * fraction)


class _Clock:
    def __init__(self):
        self.seconds = {}
        self.lock = threading.Lock()

    @contextmanager
    def stage(self, name):
        started = time.perf_counter()
        try:
            yield
        finally:
            with self.lock:
                self.seconds[name] = round(time.perf_counter() - started, 2)


def seed_edition(
    url: str,
    seed: int = 2024,
    scale: float = 1.0,
    progress=None,
    *,
    replace: bool = False,
    year: int = EDITION_YEAR,
    questionnaires: dict | None = None,
) -> SeedSummary:
    """Build the demo edition `year` into the database at `url`.

    Args:
        url: SQLAlchemy database URL (sqlite:///... or postgresql://...); migrated first.
        seed: seed of the random generator.
        scale: fraction of Rotterdam (1.0: ~535,000 residents, 75,000 sampled, ~30,000
            respondents); 0.02 makes a quick test edition.
        progress: optional callable `progress(stage, fraction_done)`, fraction in [0, 1].
        replace: delete an existing edition `year` (and its demo register) first.
        year: the edition year.
        questionnaires: {questionnaire id: loaded Questionnaire}; default: load
            `questionnaires/veiligheidsmonitor.yaml` and `wijkonderzoek.yaml`.
    Returns:
        a `SeedSummary`.
    Raises:
        EditionExistsError: the edition exists and `replace` is false.
        InputError: a questionnaire file or the wijken table is missing or broken.
        ValueError: `scale` is not in (0, 1].

    >>> s = seed_edition("sqlite:///demo.db", seed=1, scale=0.02)   # doctest: +SKIP
    >>> s.counts["sample_units"], s.counts["completed"]              # doctest: +SKIP
    (1500, 601)
    """
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    started = time.perf_counter()
    clock = _Clock()
    bar = _Progress(progress)

    if questionnaires is None:
        questionnaires = _load_questionnaires()
    missing = [q for q in QUESTIONNAIRE_IDS if q not in questionnaires]
    if missing:
        raise ValueError(f"questionnaires: {', '.join(missing)} missing")

    with clock.stage("migrate"):
        storage.upgrade(url)
    backend = make_url(url).get_backend_name()
    engine = storage.get_engine(url)
    with engine.connect() as probe:
        exists = probe.exec_driver_sql(
            f"SELECT id FROM edition WHERE year = {int(year)}"
        ).scalar()
    if exists is not None and not replace:
        raise EditionExistsError(
            f"{storage.display_url(url)}: edition {year} already exists; "
            "use --replace to delete it and seed again"
        )
    references = _references(engine) if exists is not None else {}

    # ---------------------------------------------------------------- generate
    register_clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    wijken = load_wijken()
    register = build_register(wijken, rng, scale, year)
    codes = {v: pd.Categorical(register[v]).codes.astype(np.int64) for v in CATEGORIES}
    margins = margins_by_wijk(register, wijken["wijk_code"])
    bar.part("register", 1.0)
    clock.seconds["register"] = round(time.perf_counter() - register_clock, 2)

    sample_clock = time.perf_counter()
    quality = wijk_quality(wijken, rng)
    h = pd.Index(wijken["wijk_code"]).get_indexer(register["wijk_code"])
    logit = response_logit(
        codes["age_group"], codes["migration_background"], codes["household_type"], quality[h]
    )
    propensity = 1 / (1 + np.exp(-(intercept_for(logit) + logit)))
    expected_rate = np.bincount(h, propensity, len(wijken)) / np.maximum(
        np.bincount(h, minlength=len(wijken)), 1
    )
    sample = draw_sample(register, wijken["wijk_code"], expected_rate, rng, GROSS_SAMPLE * scale)
    person = sample["person_index"].to_numpy()
    unit_h = h[person]
    targets = net_targets(np.bincount(unit_h, minlength=len(wijken)), expected_rate)
    for variable in CATEGORIES:
        sample[variable] = register[variable].to_numpy()[person].astype(object)
    work = simulate_fieldwork(
        codes["age_group"][person],
        codes["migration_background"][person],
        codes["household_type"][person],
        quality[unit_h],
        register["phone"].notna().to_numpy()[person],
        sample["wave"].to_numpy(),
        rng,
    )
    sample["status"] = work.status
    sample["disposition"] = work.disposition
    sample["mode"] = work.mode
    latent = (
        _LATENT_WIJK * quality[unit_h]
        + _LATENT_AGE[codes["age_group"][person]]
        + _LATENT_MIGRATION[codes["migration_background"][person]]
        + 0.8 * rng.standard_normal(len(sample))
    )
    # standardised over those who answer: the answer targets are shares among respondents, and
    # those who respond fare better on average than everyone invited
    answering = work.status != "invited"
    if answering.sum() < 2:
        answering = np.ones(len(latent), dtype=bool)
    latent = (latent - latent[answering].mean()) / latent[answering].std()
    # the published story (survey/demo/story.yaml): the edition's and some wijken's shift, on
    # top of the standardised score
    story = load_story()
    latent = latent + story.latent_shift(year)
    for wijk, extra in story.wijk_latent_shifts(year).items():
        latent[(wijken["wijk"].to_numpy()[unit_h] == wijk)] += extra
    bar.part("sample", 1.0)
    clock.seconds["sample"] = round(time.perf_counter() - sample_clock, 2)

    with clock.stage("answers"):
        answers, visits, screened = _generate_answers(
            questionnaires, sample, work, register, person, latent, rng, bar,
            variable_shift=story.variable_shifts(year, questionnaires),
        )
    # whoever the screening question stopped (woont_adres = nee) is not eligible, as the web,
    # paper and phone record it (survey.respondent.store.complete): no respondent
    work.status[screened] = SCREENED_OUT
    work.disposition[screened] = aapor.SCREENED_OUT
    work.completed_at[screened] = work.last_seen_at[screened]
    sample["status"] = work.status
    sample["disposition"] = work.disposition
    versions = {qid: q.version for qid, q in questionnaires.items()}
    sample["questionnaire_version"] = np.where(
        work.status != "invited", sample["questionnaire_id"].map(versions), None
    )

    # Writing is the slow part. A writer thread overlapping the generation was tried: the
    # sqlite3 module releases the GIL for every row, so the two threads convoy on it and
    # both run three times slower. One thread, one transaction.
    writer = _Writer.open(engine, backend)
    try:
        by_id = sample.sort_values("id", kind="stable")  # the primary key's order
        edition_id, areas_added = _write_design(
            writer, exists, references, year, seed, wijken, margins, register, by_id, work,
            bar, clock,
        )
        _write_answers(writer, answers, visits, bar, clock)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    with clock.stage("analysis snapshot"):
        # the report's wide table from the answers in hand, not pivoted back out of the
        # millions of rows just written (survey.fieldwork.wide_table)
        with storage.session_at(url) as db, db.begin():
            store_analysis_snapshot(db, year, answers["sample_unit_id"], answers["variable"],
                                    answers["value"])

    clock.seconds["total"] = round(time.perf_counter() - started, 2)
    status = sample["status"]
    return SeedSummary(
        edition_year=year,
        edition_id=edition_id,
        seed=seed,
        scale=scale,
        counts={
            "areas": len(wijken),
            "areas_added": areas_added,
            "persons": len(register),
            "margins": len(margins),
            "sample_units": len(sample),
            "completed": int((status == "completed").sum()),
            "screened_out": int((status == SCREENED_OUT).sum()),
            "started": int((status == "started").sum()),
            "invited": int((status == "invited").sum()),
            "answers": len(answers["variable"]),
            "page_visits": len(visits["page_id"]),
        },
        seconds=clock.seconds,
        demo_codes=_demo_codes(sample),
        targets=dict(zip(wijken["wijk_code"].astype(int).tolist(), targets.tolist())),
    )


def _generate_answers(questionnaires, sample, work, register, person, latent, rng, bar,
                      variable_shift=None):
    """Answers and page visits of both questionnaires, in sample-unit id order, and the
    positions in `sample` of the units a `goto: end` rule screened out."""
    answer_parts, visit_parts, screened = [], [], []
    for k, questionnaire_id in enumerate(QUESTIONNAIRE_IDS):
        questionnaire = questionnaires[questionnaire_id]
        rows = np.flatnonzero(
            (sample["questionnaire_id"].to_numpy() == questionnaire_id)
            & (work.status != "invited")
        )
        unconditional = sum(1 for p in questionnaire.pages if p.when is None)
        page_limit = np.where(
            work.status[rows] == "started",
            np.maximum(1, np.rint(np.nan_to_num(work.partial_share[rows]) * unconditional)),
            10**9,
        ).astype(np.int64)
        day = work.last_seen_at[rows].astype("datetime64[D]")
        birth = register["birth_date"].to_numpy()[person[rows]].astype("datetime64[D]")
        who = Respondents(
            latent=latent[rows],
            mode=work.mode[rows],
            page_limit=page_limit,
            answered_on=day,
            birth_date=birth,
            sex=sample["sex"].to_numpy()[rows],
            household_type=sample["household_type"].to_numpy()[rows],
            age=_age_on(birth, day),
            variable_shift=variable_shift,
        )
        generated = generate_answers(questionnaire, who, rng)
        screened.append(rows[generated.screened_out])
        answers, visits = _timestamps(generated, rows, len(questionnaire.pages), work, sample, rng)
        answer_parts.append(answers)
        visit_parts.append(visits)
        bar.part("answers", (k + 1) / len(QUESTIONNAIRE_IDS))
    # in sample-unit id order, so that the indexes on sample_unit_id are appended to
    id_rank = np.empty(len(sample), dtype=np.int64)
    id_rank[np.argsort(sample["id"].to_numpy())] = np.arange(len(sample))
    answers = _merge(answer_parts, id_rank)
    visits = _merge(visit_parts, id_rank)
    return answers, visits, np.concatenate(screened)



def _write_design(writer, exists, references, year, seed, wijken, margins, register, by_id,
                  work, bar, clock):
    """Edition, areas, margins, register, sample units and their identity links."""
    with clock.stage("write register"):
        if exists is not None:
            writer.delete_edition(int(exists), year, references)
        edition_id = writer.write_edition(year, seed)
        areas_added = writer.write_areas(wijken)

        person_offset = writer.scalar("SELECT COALESCE(MAX(id), 0) FROM identity_person")
        person_id = np.arange(1, len(register) + 1) + person_offset
        writer.write_margins(edition_id, margins)
        writer.insert(
            "identity_person",
            {
                "id": person_id,
                "register_id": register["register_id"],
                "given_name": register["given_name"],
                "family_name": register["family_name"],
                "street": register["street"],
                "house_number": register["house_number"],
                "postcode": register["postcode"],
                "phone": register["phone"],
                "wijk_code": register["wijk_code"],
                "birth_date": register["birth_date"].to_numpy().astype("datetime64[D]")
                .astype(str),
                "sex": register["sex"],
                "migration_background": register["migration_background"],
                "household_type": register["household_type"],
            },
            bar.reporter("write register"),
        )
    with clock.stage("write sample"):
        # through the product's one unit writer, in bulk, with the simulated fieldwork
        rows = by_id.index.to_numpy()
        units.write_units(
            None, edition_id, ids=by_id["id"], wijk_codes=by_id["wijk_code"],
            questionnaire_ids=by_id["questionnaire_id"], waves=by_id["wave"],
            inclusion_probabilities=by_id["inclusion_probability"],
            stratum_populations=by_id["stratum_population"],
            categories={name: by_id[name] for name in CATEGORIES},
            code_hashes=by_id["code_hash"],
            person_ids=person_id[by_id["person_index"].to_numpy()],
            access_codes=by_id["access_code"],
            outcomes={"status": by_id["status"], "disposition": by_id["disposition"],
                      "mode": by_id["mode"],
                      "questionnaire_version": by_id["questionnaire_version"],
                      "started_at": _stamp(work.started_at[rows]),
                      "completed_at": _stamp(work.completed_at[rows])},
            bulk=writer)
        bar.part("write sample", 1.0)
    return edition_id, areas_added


def _write_answers(writer, answers, visits, bar, clock):
    with clock.stage("write answers"):
        writer.insert("answer", answers, bar.reporter("write answers"))
    with clock.stage("write paradata"):
        writer.insert("page_visit", visits, bar.reporter("write paradata", 0.0, 0.8))
        writer.commit()
        bar.part("write paradata", 1.0)


def _references(engine):
    """{table: [(child table, child column, referred column), ...]} for every foreign key
    in the database, self-references left out."""
    found: dict[str, list] = {}
    inspector = sa_inspect(engine)
    for table in inspector.get_table_names():
        for key in inspector.get_foreign_keys(table):
            referred = key["referred_table"]
            if referred == table:
                continue  # rows of one edition go together
            for column, parent in zip(key["constrained_columns"], key["referred_columns"]):
                found.setdefault(referred, []).append((table, column, parent))
    return found


def _load_questionnaires():
    from survey.questionnaire.loader import load_questionnaire

    loaded = {}
    for questionnaire_id in QUESTIONNAIRE_IDS:
        path = Path(QUESTIONNAIRES_DIR) / f"{questionnaire_id}.yaml"
        if not path.exists():
            raise InputError(path, "file not found; the demo seed needs both questionnaires")
        loaded[questionnaire_id] = load_questionnaire(path)
    return loaded


def _age_on(birth, day):
    """Whole years from `birth` to `day` (both datetime64[D])."""
    by = birth.astype("datetime64[Y]").astype(np.int64)
    dy = day.astype("datetime64[Y]").astype(np.int64)
    birthday = birth - birth.astype("datetime64[Y]").astype("datetime64[D]")
    day_in_year = day - day.astype("datetime64[Y]").astype("datetime64[D]")
    return dy - by - (day_in_year < birthday)


def _stamp(values):
    """datetime64 -> 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format), NaT -> None."""
    values = np.asarray(values).astype("datetime64[us]")
    text = np.strings.replace(np.datetime_as_string(values, unit="us"), "T", " ").astype(object)
    text[np.isnat(values)] = None
    return text


def _merge(parts, id_rank):
    """Concatenate the questionnaires' columns and order them by sample unit id (stable, so a
    unit's rows keep their questionnaire order)."""
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    order = np.argsort(id_rank[columns.pop("unit")], kind="stable")
    return {name: values[order] for name, values in columns.items()}


_LANGUAGES = np.array(["nl", "en", "tr", "ar", "pl"], dtype=object)
_LANGUAGE_P = {  # web language by migration background
    "nederlands": [0.985, 0.015, 0.0, 0.0, 0.0],
    "westers": [0.78, 0.12, 0.0, 0.0, 0.10],
    "niet_westers": [0.86, 0.02, 0.065, 0.055, 0.0],
}
_DEVICES = np.array(["mobile", "desktop", "tablet"], dtype=object)


def _timestamps(generated, rows, n_pages, work, sample, rng):
    """Answers and page visits with unit ids, modes and times: pages evenly spread between
    the start and the last submit (paper: everything at data entry, never "shown")."""
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
    mode = work.mode[unit]
    shown_at = _stamp(shown.astype("datetime64[s]"))
    shown_at[mode == "paper"] = None
    submitted_at = _stamp(submitted.astype("datetime64[s]"))

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

    unit_ids = sample["id"].to_numpy()
    visits_out = {
        "unit": unit,
        "sample_unit_id": unit_ids[unit],
        "page_id": visits["page_id"],
        "first_shown_at": shown_at,
        "submitted_at": submitted_at,
        "language": language[respondent],
        "mode": mode,
        "device_class": device[respondent],
    }

    answers = generated.answers
    # the visit of each answer's page, through a (respondent, page) lookup table
    lookup = np.full(n * n_pages, -1, dtype=np.int64)
    lookup[respondent * n_pages + visits["page_index"]] = np.arange(len(respondent))
    where = lookup[answers["respondent"] * n_pages + answers["page_index"]]
    answer_unit = rows[answers["respondent"]]
    answers_out = {
        "unit": answer_unit,
        "sample_unit_id": unit_ids[answer_unit],
        "variable": answers["variable"],
        "value": answers["value"],
        "page_id": answers["page_id"],
        "mode": work.mode[answer_unit],
        "saved_at": submitted_at[where],
    }
    return answers_out, visits_out


def _demo_codes(sample, per_status=3):
    codes = {}
    ordered = sample.sort_values("id", kind="stable")
    for questionnaire_id in QUESTIONNAIRE_IDS:
        mine = ordered[ordered["questionnaire_id"] == questionnaire_id]
        codes[questionnaire_id] = {
            status: mine.loc[mine["status"] == status, "access_code"].head(per_status).tolist()
            for status in ("invited", "started", "completed")
        }
    return codes


class _Writer:
    """Bulk writes on one DBAPI connection: executemany (SQLite) or COPY (PostgreSQL),
    from `open` to `close` (after `commit`) or `abort`."""

    @classmethod
    def open(cls, engine, backend):
        return cls(engine.raw_connection(), backend)

    def abort(self):
        try:
            self.raw.rollback()
        finally:
            self.close()

    def __init__(self, raw, backend):
        self.raw = raw
        self.backend = backend
        self.mark = "?" if backend == "sqlite" else "%s"
        self.cursor = raw.cursor()
        if backend == "sqlite":
            # 1 GiB of page cache, so that the indexes being built stay in memory
            self.cursor.execute("PRAGMA cache_size = -1048576")
            # the rows are consistent by construction; checking each answer's sample unit
            # would double the write time. `close` turns the checks back on.
            self.cursor.execute("PRAGMA foreign_keys = OFF")

    def close(self):
        try:
            if self.backend == "sqlite":
                self.cursor.execute("PRAGMA foreign_keys = ON")
                self.cursor.execute("PRAGMA cache_size = -2000")
            self.cursor.close()
        finally:
            self.raw.close()

    def scalar(self, sql, params=()):
        self.cursor.execute(sql.replace("?", self.mark), params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def execute(self, sql, params=()):
        self.cursor.execute(sql.replace("?", self.mark), params)

    def delete_edition(self, edition_id, year, references):
        """Delete edition `edition_id`, every row that hangs off it (at any depth) and its
        demo register. Foreign-key checks, and so ON DELETE CASCADE, are off on this
        connection, so children are deleted explicitly, found in `references` ({table:
        [(child table, child column, parent column)]}, read from the live schema: tables
        added by later migrations are covered too)."""
        others = (
            "id NOT IN (SELECT l.person_id FROM identity_link l JOIN sample_unit u "
            "ON u.id = l.sample_unit_id WHERE u.edition_id <> ?)"
        )
        self._delete_rows(references, "sample_unit", "edition_id = ?", (edition_id,))
        self._delete_rows(
            references,
            "identity_person",
            f"register_id LIKE ? AND {others}",
            (f"demo-{year}-%", edition_id),
        )
        self._delete_rows(references, "edition", "id = ?", (edition_id,))

    def _delete_rows(self, references, table, condition, params, depth=0):
        if depth > 5:
            raise RuntimeError(f"foreign keys nest deeper than 5 tables below {table}")
        for child, column, parent_column in references.get(table, []):
            self._delete_rows(
                references,
                child,
                f"{column} IN (SELECT {parent_column} FROM {table} WHERE {condition})",
                params,
                depth + 1,
            )
        self.execute(f"DELETE FROM {table} WHERE {condition}", params)

    def write_edition(self, year, seed):
        now = datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        sql = (
            "INSERT INTO edition (year, title, fieldwork_start, fieldwork_end, seed, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        params = (
            year,
            f"Wijkprofiel {year} (demo)",
            # other years (tests, a second demo round) get the same months a year earlier
            FIELDWORK_START.replace(year=year - 1).isoformat(),
            FIELDWORK_END.replace(year=year - 1).isoformat(),
            seed % 2**31,
            now,
        )
        self.execute(sql, params)
        return int(self.scalar("SELECT id FROM edition WHERE year = ?", (year,)))

    def write_areas(self, wijken):
        self.execute("SELECT wijk_code FROM area")
        present = {row[0] for row in self.cursor.fetchall()}
        new = wijken[~wijken["wijk_code"].isin(present)]
        self.insert(
            "area", {"wijk_code": new["wijk_code"], "wijk": new["wijk"], "gebied": new["gebied"]}
        )
        return len(new)

    def write_margins(self, edition_id, margins):
        self.insert(
            "population_margin",
            {
                "edition_id": np.full(len(margins), edition_id),
                "wijk_code": margins["wijk_code"],
                "variable": margins["variable"],
                "category": margins["category"],
                "total": margins["total"],
            },
        )

    def insert(self, table, columns, progress=None):
        names = list(columns)
        values = [_python_values(columns[c]) for c in names]
        total = len(values[0]) if values else 0
        if total == 0:
            return
        if self.backend == "sqlite":
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})"
            )
            for begin in range(0, total, CHUNK):
                rows = zip(*(v[begin:begin + CHUNK] for v in values))
                self.cursor.executemany(sql, rows)
                if progress:
                    progress(min(begin + CHUNK, total) / total)
        else:
            # COPY's text format built a column at a time: far faster than write_row
            with self.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for begin in range(0, total, CHUNK):
                    copy.write(_copy_text([v[begin:begin + CHUNK] for v in values]))
                    if progress:
                        progress(min(begin + CHUNK, total) / total)
            if table == "identity_person":  # explicit ids: move the serial on past them
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )

    def commit(self):
        self.raw.commit()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(columns):
    """Rows in PostgreSQL COPY text format: tab-separated, `\\N` for NULL, backslash, tab,
    newline and carriage return escaped. Joined in C (`str.join` over `zip`), which is what
    makes COPY beat `write_row` by far."""
    texts = []
    for values in columns:
        if all(type(v) is str for v in values):
            text, has_null = values, False
        else:
            text = [None if v is None else str(v) for v in values]
            has_null = None in text
        present = [v for v in text if v is not None] if has_null else text
        joined = "".join(present)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            text = [None if v is None else v.translate(_COPY_ESCAPES) for v in text]
        if has_null:
            text = ["\\N" if v is None else v for v in text]
        texts.append(text)
    return "\n".join(map("\t".join, zip(*texts))) + "\n"


def _python_values(column):
    """A column as a list of plain Python values (None for missing), as DBAPIs want them."""
    if isinstance(column, list):  # already plain (`survey.sampling.units.write_units`)
        return column
    if isinstance(column, pd.Series):
        if pd.api.types.is_numeric_dtype(column.dtype) and not column.hasnans:
            return column.to_numpy().tolist()
        return column.to_numpy(dtype=object, na_value=None).tolist()
    return np.asarray(column).tolist()  # object arrays built here hold None, never NaN
