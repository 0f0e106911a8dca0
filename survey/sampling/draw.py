"""Draw the stratified sample of an edition from its imported register.

Per wijk h (the stratum), from the register frame of N_h residents aged 15+:

- gross sample size n_h = ceil(target_h / r_h), capped at N_h (`survey.population.allocation`):
  target_h net responses (the edition's stored targets, `survey.fieldwork.targets`; else a
  `wijk_code,target` CSV given to the draw, else FIELDWORK_TARGETS) divided by the expected
  response rate r_h (one rate for all, or a `response_rate` column in the targets file). The
  draw stores the targets it used with the edition, so the dashboard and the call list measure
  against the same ones;
- a simple random sample without replacement of n_h persons, drawn with
  `numpy.random.Generator(seed)` over the frame ordered by register id, so that the same
  register and seed give the same persons (`survey.population.selection.draw_sample`, which
  the demo uses too);
- the Veiligheidsmonitor for half of each wijk and the Wijkonderzoek for the other half (the
  odd one drawn), 60% in wave 1;
- inclusion probability pi_h = n_h / N_h and design weight N_h / n_h (Horvitz & Thompson 1952);
- a personal access code per unit. Codes and unit ids come from an unseeded generator: the
  seed is recorded (`sample_batch`, `edition.seed`, the audit log), and knowing it must never
  give anyone the letters' codes.

The register margins per wijk (age group at the register's reference date, sex, migration
background, household type) are written to `population_margin` for the weighting.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from survey.errors import InputError
from survey.fieldwork import targets as edition_targets
from survey.models import (Area, Edition, IdentityFrameMember, IdentityPerson,
                           SampleBatch, SampleUnit)
from survey.population.allocation import gross_sizes
from survey.population.categories import CATEGORIES
from survey.population.selection import WAVE_1_SHARE, draw_sample
from survey.population.targets import DEFAULT_TARGET, load_targets
from survey.sampling import units
from survey.sampling.frame import latest_register, load_frame, write_margins
from weighting import tables

DEFAULT_RESPONSE_RATE = 0.4
"""About 30,000 of 75,000 respond (domain notes)."""

__all__ = ["DEFAULT_RESPONSE_RATE", "DrawSummary", "read_rates", "plan", "draw"]


@dataclass
class DrawSummary:
    batch_id: int
    edition_year: int
    seed: int
    units: int
    frame: int
    margins: int
    per_wijk: pd.DataFrame
    """wijk_code, wijk, population, target, response_rate, sample_size."""


def _check_rate(rate, source="--response-rate", **where):
    try:
        value = float(str(rate).replace(",", "."))
    except ValueError:
        raise InputError(source, f"{rate!r} is not a number; expected a response rate above 0 "
                         "and at most 1, such as 0.4", **where) from None
    if not 0 < value <= 1:
        raise InputError(source, f"{rate!r} is not a response rate; expected a number above 0 "
                         "and at most 1, such as 0.4", **where)
    return value


def read_rates(path, wijk_codes, default: float) -> dict[int, float]:
    """Expected response rate per wijk: `default`, or the targets file's `response_rate`
    column where it has one (all bad rows are listed in one InputError)."""
    rates = {code: default for code in wijk_codes}
    if path is None or not Path(str(path)).is_file():
        return rates
    table = tables.read_path(path)
    at = next((i for i, name in enumerate(table.headers)
               if name in ("response_rate", "expected_rate", "respons")), None)
    if at is None:
        return rates
    code_at = table.headers.index("wijk_code") if "wijk_code" in table.headers else None
    problems = []
    for number, record in zip(table.row_numbers.tolist(),
                              table.data.itertuples(index=False, name=None)):
        value = record[at].strip()
        if not value:
            continue
        try:
            rate = _check_rate(value, table.source, row=number, column=table.headers[at])
        except InputError as exc:
            problems.append(str(exc))
            continue
        try:
            rates[int(record[code_at])] = rate
        except (TypeError, ValueError):
            pass  # load_targets names a bad wijk code
    if problems:
        raise InputError(table.source, f"{len(problems)} bad response rate(s):\n"
                         + "\n".join(problems))
    return rates


def plan(db, edition_year: int, targets=None,
         response_rate: float = DEFAULT_RESPONSE_RATE, *, fallback=DEFAULT_TARGET
         ) -> tuple[pd.DataFrame, SampleBatch]:
    """The gross sample size per wijk a draw would take, from the newest register import.

    Args:
        db: a session.
        edition_year: the edition.
        targets: None for the edition's stored targets (`survey.fieldwork.targets`), else
            a whole number for every wijk, the path of a `wijk_code,target` CSV (optionally
            with `response_rate`) as FIELDWORK_TARGETS, or a `TargetsFile` already read.
        response_rate: expected response rate where the targets give none.
        fallback: the targets when `targets` is None and the edition has none stored.
    Returns: as below; `table.attrs` holds `targets` (every wijk), `rates` (those given) and
        `source` (where the targets came from).
    Returns:
        (per wijk: wijk_code, wijk, population, target, response_rate, sample_size; the
        register batch).
    Raises:
        InputError: no register imported for the edition, a bad target or rate.
    """
    rate = _check_rate(response_rate)
    edition = db.scalar(select(Edition).where(Edition.year == edition_year))
    batch = latest_register(db, edition.id) if edition else None
    if batch is None:
        raise InputError(f"edition {edition_year}", "no register has been imported; import a "
                         "register extract first (wijkprofiel sample import FILE --kind register)")
    population = pd.Series(dict(db.execute(
        select(IdentityPerson.wijk_code, func.count())
        .join(IdentityFrameMember, IdentityFrameMember.person_id == IdentityPerson.id)
        .where(IdentityFrameMember.batch_id == batch.id)
        .group_by(IdentityPerson.wijk_code)).all()), dtype=np.int64).sort_index()
    names = dict(db.execute(select(Area.wijk_code, Area.wijk)).all())
    codes = population.index.tolist()
    every = sorted(set(codes) | set(names))
    stored = edition_targets.stored_targets(db, edition.id) if targets is None else []
    if stored:
        target = {code: DEFAULT_TARGET for code in every}
        target.update({row.wijk_code: row.target for row in stored})
        given = {row.wijk_code: row.response_rate for row in stored
                 if row.response_rate is not None}
        source = stored[0].source_name
    elif isinstance(targets, edition_targets.TargetsFile):
        target = {code: DEFAULT_TARGET for code in every}
        target.update(targets.targets)
        given, source = dict(targets.rates), targets.source
    else:
        setting = fallback if targets is None else targets
        target = load_targets(setting, every)
        file_rates = read_rates(setting if isinstance(setting, (str, Path)) else None, codes,
                                rate)
        given = {c: r for c, r in file_rates.items() if r != rate}
        source = Path(str(setting)).name if isinstance(setting, (str, Path)) and \
            not str(setting).strip().isdigit() else f"{setting} per wijk"
    rates = {code: given.get(code, rate) for code in codes}
    table = pd.DataFrame({
        "wijk_code": codes,
        "wijk": [names.get(c, str(c)) for c in codes],
        "population": population.to_numpy(),
        "target": [target[c] for c in codes],
        "response_rate": [rates[c] for c in codes],
    })
    table["sample_size"] = gross_sizes(table["target"], table["response_rate"],
                                       table["population"])
    table.attrs.update(targets=target, rates=given, source=source)
    return table, batch


def draw(db, edition_year: int, seed: int, *, targets=None,
         response_rate: float = DEFAULT_RESPONSE_RATE, wave_1_share: float = WAVE_1_SHARE,
         created_by: str | None = None, secret_rng: np.random.Generator | None = None,
         fallback=DEFAULT_TARGET) -> DrawSummary:
    """Draw the edition's sample from its newest register import, in the caller's transaction.

    Args:
        db: a session.
        edition_year: the edition; it must have a register import and no sample units yet.
        seed: the seed, a whole number from 0 to 2**31 - 1; the same register and seed draw
            the same persons, questionnaires and waves.
        targets, response_rate, fallback: as `plan`; the targets used are stored with the
            edition.
        wave_1_share: the share of each wijk's units in wave 1.
        created_by: who drew it, for the batch row.
        secret_rng: the generator of the unit ids and access codes (default unseeded).
    Returns:
        a `DrawSummary`.
    Raises:
        InputError: a bad seed, no register, an edition that already has a sample.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or \
            not 0 <= seed < 2**31:
        raise InputError("--seed", f"{seed!r} is not a seed; expected a whole number from 0 to "
                         f"{2**31 - 1}")
    table, batch = plan(db, edition_year, targets, response_rate, fallback=fallback)
    edition = db.get(Edition, batch.edition_id)
    existing = db.scalar(select(func.count()).select_from(SampleUnit)
                         .where(SampleUnit.edition_id == edition.id))
    if existing:
        raise InputError(f"edition {edition_year}", f"already has a sample of {existing} units; "
                         "a second draw would invite people twice")
    frame = load_frame(db, batch)
    rng = np.random.default_rng(seed)
    secret_rng = secret_rng or np.random.default_rng(secrets.randbits(128))
    wijk_codes = table["wijk_code"].to_numpy()
    sample = draw_sample(frame, wijk_codes, None, rng, sizes=table["sample_size"].to_numpy(),
                         wave_1_share=wave_1_share, secret_rng=secret_rng)
    person = sample["person_index"].to_numpy()
    if units.taken_ids(db, sample["id"]):  # 64-bit random ids: practically never
        raise InputError(f"edition {edition_year}", "a drawn unit id is already in use; "
                         "draw again")
    units.write_units(
        db, edition.id, ids=sample["id"], wijk_codes=sample["wijk_code"],
        questionnaire_ids=sample["questionnaire_id"], waves=sample["wave"],
        inclusion_probabilities=sample["inclusion_probability"],
        stratum_populations=sample["stratum_population"],
        categories={name: np.asarray(frame[name].astype(object))[person].tolist()
                    for name in CATEGORIES},
        code_hashes=sample["code_hash"], person_ids=frame["person_id"].to_numpy()[person],
        access_codes=sample["access_code"])
    margins = write_margins(db, edition.id, frame)
    edition.seed = int(seed)
    # one set of targets: what this sample was drawn for is what fieldwork measures against
    edition_targets.store_targets(db, edition.id, table.attrs["targets"], table.attrs["rates"],
                                  source_name=table.attrs["source"], stored_by=created_by)
    detail = (f"targets={table.attrs['source']} response_rate={response_rate} "
              f"wave_1_share={wave_1_share} "
              f"frame={len(frame)} units={len(sample)} wijken={int((table.sample_size > 0).sum())}")
    drawn = SampleBatch(edition_id=edition.id, kind="draw", source_name=f"draw seed {seed}",
                        rows=len(sample), reference_date=batch.reference_date, seed=int(seed),
                        frame_batch_id=batch.id, detail=detail, created_by=created_by)
    db.add(drawn)
    db.flush()
    return DrawSummary(drawn.id, edition_year, int(seed), len(sample), len(frame), margins, table)

