"""Seed a complete, realistic demo edition into the database: `seed_edition`.

The edition is generated in memory first (`survey.demo.edition`: register, margins, sample,
fieldwork, answers and page visits, all from one seeded random generator, so the same seed
gives the same edition row for row; only `Edition.created_at` differs), then written by the
bulk writer (`survey.demo.bulk_writer`). The whole write is one transaction (or, beside a
serving app, many short ones): a failed seed leaves nothing behind. Last, the edition's wide
analysis snapshot is stored from the answers in hand
(`survey.fieldwork.answers.store_analysis_snapshot`).

`survey.demo.worker.EditionInBackground` generates an edition in a worker process, so that
`wijkprofiel demo run` generates its second edition on the other core while the first is
written; `seed_edition(..., generated=)` then only writes it.

Register ids of the demo are `demo-<year>-<7 digits>`; `replace=True` deletes the edition's
rows and those register persons before seeding again.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url

from survey import storage
from survey.demo.bulk_writer import BulkWriter
from survey.demo.edition import GeneratedEdition, demo_codes, generate_edition
from survey.demo.paradata import stamp
from survey.demo.progress import Progress, StageClock
from survey.fieldwork.answers import store_analysis_snapshot
from survey.population.categories import CATEGORIES
from survey.respondent.store import SCREENED_OUT
from survey.sampling import units
from weighting.errors import WijkprofielError

EDITION_YEAR = 2024

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
    answers, page_visits, call_attempts, phone_interviews."""
    seconds: dict = field(default_factory=dict)
    """Time per stage, and `total`."""
    demo_codes: dict = field(default_factory=dict)
    """questionnaire id -> status (invited | started | completed) -> a few access codes."""
    targets: dict = field(default_factory=dict)
    """wijk_code -> target net responses the sample was sized for (`net_targets`): the
    dashboard's FIELDWORK_TARGETS for this edition, scaled with it."""


def seed_edition(
    url: str,
    seed: int = 2024,
    scale: float = 1.0,
    progress=None,
    *,
    replace: bool = False,
    year: int = EDITION_YEAR,
    questionnaires: dict | None = None,
    generated=None,
    durable: bool = True,
    alone: bool = False,
    short_transactions: bool = False,
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
        generated: the edition already generated (a `GeneratedEdition` of the same seed,
            scale and year, or an `EditionInBackground` generating it): only written.
        durable: False for a new demo database that holds nothing else (`wijkprofiel demo
            run` on an empty folder): the load skips SQLite's disk syncs on its own
            connection, so a power cut during the seed could cost the whole file; the app's
            connections keep their settings. No effect on PostgreSQL.
        alone: nothing else has the database open during the seed (`wijkprofiel demo run`
            on an empty folder, before it serves): SQLite loads it with its rollback
            journal in memory, writing each page once (`survey.demo.bulk_writer`).
        short_transactions: the app serves from the same SQLite database: commit every
            quarter second and pause, so that the app's writes wait well under a second
            for the lock. The edition then appears as it is written, and a failed seed
            deletes what it had written.
    Returns:
        a `SeedSummary`.
    Raises:
        EditionExistsError: the edition exists and `replace` is false.
        InputError: a questionnaire file or the wijken table is missing or broken.
        ValueError: `scale` is not in (0, 1], or `generated` is another edition.

    >>> s = seed_edition("sqlite:///demo.db", seed=1, scale=0.02)   # doctest: +SKIP
    >>> s.counts["sample_units"], s.counts["completed"]              # doctest: +SKIP
    (1500, 601)
    """
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    started = time.perf_counter()
    clock = StageClock()
    bar = Progress(progress)

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
    references = _references(engine) if exists is not None or short_transactions else {}

    if generated is None:
        edition = generate_edition(seed, scale, year, questionnaires, bar)
    else:
        with clock.stage("waiting for the generator"):
            edition = generated if isinstance(generated, GeneratedEdition) else generated.result()
        if (edition.seed, edition.scale, edition.year) != (seed, scale, year):
            raise ValueError(f"generated edition is {edition.year} (seed {edition.seed}, "
                             f"scale {edition.scale}), not {year} (seed {seed}, scale {scale})")
        for stage in ("register", "sample", "answers"):
            bar.part(stage, 1.0)
    clock.seconds.update(edition.seconds)

    writer = BulkWriter.open(engine, backend, durable, alone=alone,
                             short_transactions=short_transactions, references=references)
    try:
        edition_id, areas_added = _write_design(writer, exists, references, edition, bar,
                                                clock)
        _write_answers(writer, edition.answers, edition.visits, bar, clock)
        _write_phone(writer, edition.phone, bar, clock)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    with clock.stage("analysis snapshot"):
        # the report's wide table from the answers in hand, not pivoted back out of the
        # millions of rows just written (survey.fieldwork.wide_table)
        answers = edition.answers
        with storage.session_at(url) as db, db.begin():
            store_analysis_snapshot(db, year, answers["sample_unit_id"], answers["variable"],
                                    answers["value"])

    clock.seconds["total"] = round(time.perf_counter() - started, 2)
    status = edition.sample["status"]
    wijken = edition.wijken
    return SeedSummary(
        edition_year=year,
        edition_id=edition_id,
        seed=seed,
        scale=scale,
        counts={
            "areas": len(wijken),
            "areas_added": areas_added,
            "persons": len(edition.register),
            "margins": len(edition.margins),
            "sample_units": len(edition.sample),
            "completed": int((status == "completed").sum()),
            "screened_out": int((status == SCREENED_OUT).sum()),
            "started": int((status == "started").sum()),
            "invited": int((status == "invited").sum()),
            "answers": len(answers["variable"]),
            "page_visits": len(edition.visits["page_id"]),
            "call_attempts": len(edition.phone.call_attempt["outcome"]),
            "phone_interviews": len(edition.phone.phone_interview["language"]),
        },
        seconds=clock.seconds,
        demo_codes=demo_codes(edition.sample),
        targets=dict(zip(wijken["wijk_code"].astype(int).tolist(), edition.targets.tolist())),
    )


def _write_design(writer, exists, references, edition, bar, clock):
    """Edition, areas, margins, register, sample units and their identity links."""
    year, register, work = edition.year, edition.register, edition.work
    by_id = edition.sample.sort_values("id", kind="stable")  # the primary key's order
    with clock.stage("write register"):
        if exists is not None:
            writer.delete_edition(int(exists), year, references)
        edition_id = writer.write_edition(year, edition.seed, edition.dates)
        areas_added = writer.write_areas(edition.wijken)

        person_offset = writer.scalar("SELECT COALESCE(MAX(id), 0) FROM identity_person")
        person_id = np.arange(1, len(register) + 1) + person_offset
        writer.write_margins(edition_id, edition.margins)
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
                      "started_at": stamp(work.started_at[rows]),
                      "completed_at": stamp(work.completed_at[rows])},
            bulk=writer)
        bar.part("write sample", 1.0)
    return edition_id, areas_added


def _write_answers(writer, answers, visits, bar, clock):
    with clock.stage("write answers"):
        writer.insert("answer", answers, bar.reporter("write answers"))
    with clock.stage("write paradata"):
        writer.insert("page_visit", visits, bar.reporter("write paradata"))


def _write_phone(writer, phone, bar, clock):
    """The calls, interview languages, call lists and phone refusals (`survey.demo.phone_calls`),
    then the commit."""
    with clock.stage("write phone"):
        for table in ("call_assignment", "phone_interview", "call_attempt", "unit_outcome"):
            writer.insert(table, getattr(phone, table))
        bar.part("write phone", 0.5)
        writer.commit()
        bar.part("write phone", 1.0)


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
