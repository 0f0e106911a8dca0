"""A whole demo edition generated in memory, before anything is written: `generate_edition`.

Stages: a synthetic register of residents 15+ (`survey.demo.register`), its margins, the
stratified sample, fieldwork outcomes (`survey.demo.responses`), a latent score per sampled
person (wijk, age, migration background and the demo's story), and the answers and page
visits of every respondent generated from the questionnaire definitions
(`survey.demo.answers`, `survey.demo.paradata`), and the phone fieldwork behind them
(`survey.demo.phone_calls`). Everything is drawn from one `numpy.random.Generator` seeded with
`seed` (the phone's calls from a second one, seeded with `seed` and `PHONE_STREAM`), so the
same seed gives the same edition. Nothing
here touches a database, so an edition can be generated in another process while the
previous one is written (`GeneratedEdition` pickles).
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from survey.demo.answers import Respondents, generate_answers, object_array
from survey.demo.paradata import stamp, timed
from survey.demo.phone_calls import PhoneFieldwork, simulate_phone
from survey.demo.progress import Progress, StageClock
from survey.demo.register import build_register
from survey.demo.responses import (
    Calendar,
    Fieldwork,
    calendar,
    intercept_for,
    response_logit,
    simulate_fieldwork,
    wijk_quality,
)
from survey.demo.story import load_story
from survey.errors import InputError
from survey.fieldwork import aapor
from survey.paths import QUESTIONNAIRES_DIR
from survey.population.allocation import GROSS_SAMPLE, net_targets
from survey.population.categories import CATEGORIES
from survey.population.margins import margins_by_wijk
from survey.population.selection import QUESTIONNAIRE_IDS, draw_sample
from survey.population.wijken import load_wijken
from survey.respondent.store import SCREENED_OUT

__all__ = ["GeneratedEdition", "demo_codes", "generate_edition", "load_questionnaires"]

# the latent "experience" score behind the answers: effects on top of the wijk's quality
_LATENT_AGE = np.array([-0.25, -0.15, 0.0, 0.30])
_LATENT_MIGRATION = np.array([0.30, 0.05, -0.35])
_LATENT_WIJK = 0.55
PHONE_STREAM = 1
"""The phone fieldwork's generator: seeded with (seed, PHONE_STREAM)."""


@dataclass
class GeneratedEdition:
    """One demo edition in memory, ready to be written (`survey.demo.seed`)."""

    year: int
    seed: int
    scale: float
    wijken: pd.DataFrame
    register: pd.DataFrame
    """One row per resident 15+ (`build_register`), in register order."""
    margins: pd.DataFrame
    sample: pd.DataFrame
    """One row per sampled unit, with its outcome (status, disposition, mode,
    questionnaire_version), in the order drawn."""
    dates: Calendar
    """The edition's fieldwork dates: every time generated lies within `dates.start` and
    `dates.end`, and the edition record states them."""
    work: Fieldwork
    """The simulated fieldwork per unit, in `sample`'s order (times in UTC)."""
    answers: dict
    """Columns (sample_unit_id, variable, value, page_id, mode, saved_at) in unit id order."""
    visits: dict
    """Columns of the page visits, in unit id order."""
    targets: np.ndarray
    """Net responses per wijk (in `wijken` order) the sample was sized for."""
    phone: PhoneFieldwork | None = None
    """The calls, interview languages, assignments and phone refusals behind the fieldwork
    (`survey.demo.phone_calls`)."""
    seconds: dict = field(default_factory=dict)
    """Time per generation stage."""


def generate_edition(seed: int, scale: float, year: int, questionnaires: dict | None = None,
                     progress: Progress | None = None) -> GeneratedEdition:
    """Generate the demo edition `year` from `seed` at `scale` (see `seed_edition`).

    Raises:
        InputError: a questionnaire file or the wijken table is missing or broken.
        ValueError: `scale` is not in (0, 1], or a questionnaire is missing.
    """
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    if questionnaires is None:
        questionnaires = load_questionnaires()
    missing = [q for q in QUESTIONNAIRE_IDS if q not in questionnaires]
    if missing:
        raise ValueError(f"questionnaires: {', '.join(missing)} missing")
    bar = progress or Progress(None)
    clock = StageClock()
    register_clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    dates = calendar(year)  # the one place an edition's dates are set
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
        dates,
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
        answers, visits, screened, language = _answers_and_visits(
            questionnaires, sample, work, register, person, latent, rng, bar,
            variable_shift=story.variable_shifts(year, questionnaires),
        )
    # whoever the screening question stopped (woont_adres = nee) is not eligible, as the web,
    # paper and phone record it (survey.respondent.store.complete): no respondent
    work.status[screened] = SCREENED_OUT
    work.disposition[screened] = aapor.SCREENED_OUT
    work.completed_at[screened] = work.last_seen_at[screened]
    with clock.stage("phone"):
        # from a stream of its own: the phone's draws leave the rest of the edition as it was
        phone = simulate_phone(
            sample["id"].to_numpy(), work.status, work.disposition, work.mode, work.started_at,
            work.completed_at, register["phone"].notna().to_numpy()[person],
            sample["wave"].to_numpy(), language, np.random.default_rng([seed, PHONE_STREAM]),
            dates)
    work.disposition = phone.disposition
    sample["status"] = work.status
    sample["disposition"] = work.disposition
    versions = {qid: q.version for qid, q in questionnaires.items()}
    sample["questionnaire_version"] = np.where(
        work.status != "invited", sample["questionnaire_id"].map(versions), None
    )

    return GeneratedEdition(year=year, seed=seed, scale=scale, wijken=wijken,
                            register=register, margins=margins, sample=sample, dates=dates,
                            work=work,
                            answers=answers, visits=visits, targets=targets, phone=phone,
                            seconds=clock.seconds)


def _answers_and_visits(questionnaires, sample, work, register, person, latent, rng, bar,
                        variable_shift=None):
    """Answers and page visits of both questionnaires, in sample-unit id order, the
    positions in `sample` of the units a `goto: end` rule screened out, and the language of
    each unit's pages (None for a unit without any)."""
    answer_parts, visit_parts, screened = [], [], []
    variables, page_ids = [], []  # of both questionnaires, coded in order
    language = np.full(len(sample), None, dtype=object)  # per unit in `sample`
    device = np.full(len(sample), None, dtype=object)
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
        generated = generate_answers(questionnaire, who, rng, ordered=False)
        screened.append(rows[generated.screened_out])
        answers, visits, language[rows], device[rows] = timed(generated, rows, work, sample,
                                                              rng)
        # codes of both questionnaires in one numbering; visits counted over both
        answers["variable_code"] = answers["variable_code"] + len(variables)
        answers["page_index"] = answers["page_index"] + len(page_ids)
        answers["visit"] = answers["visit"] + sum(len(v["unit"]) for v in visit_parts)
        visits["page_index"] = visits["page_index"] + len(page_ids)
        variables.extend(generated.variables)
        page_ids.extend(generated.page_ids)
        answer_parts.append(answers)
        visit_parts.append(visits)
        bar.part("answers", (k + 1) / len(QUESTIONNAIRE_IDS))
    # in sample-unit id order, so that the indexes on sample_unit_id are appended to
    id_rank = np.empty(len(sample), dtype=np.int64)
    id_rank[np.argsort(sample["id"].to_numpy())] = np.arange(len(sample))
    coded = _Coded(variables, page_ids, sample["id"].to_numpy(), work.mode, language, device)
    visits, visit_rank = coded.visits(_merge(visit_parts, id_rank))
    answers = coded.answers(_merge(answer_parts, id_rank), visits["submitted_at"], visit_rank)
    return answers, visits, np.concatenate(screened), language


def _merge(parts, id_rank):
    """Concatenate the questionnaires' columns and order them by sample unit id (stable, so a
    unit's rows keep their questionnaire order); `order` is the permutation applied."""
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    order = np.argsort(id_rank[columns["unit"]], kind="stable")
    return {"order": order, **{name: values[order] for name, values in columns.items()}}


class _Coded:
    """The texts of ordered, coded rows, looked up once: the strings are taken from small
    tables (variables, pages, units) or laid out in order (`stamp`), never moved around in
    arrays of millions of objects."""

    def __init__(self, variables, page_ids, unit_ids, mode, language, device):
        self.variables, self.page_ids = object_array(variables), object_array(page_ids)
        self.unit_ids, self.mode, self.language, self.device = unit_ids, mode, language, device

    def visits(self, coded):
        """(visit columns, the position in them of each visit as numbered before ordering)."""
        unit = coded["unit"]
        mode = self.mode[unit]
        shown_at = stamp(coded["shown"].astype("datetime64[s]"))
        shown_at[mode == "paper"] = None  # paper: everything at data entry, never "shown"
        columns = {
            "sample_unit_id": self.unit_ids[unit],
            "page_id": self.page_ids[coded["page_index"]],
            "first_shown_at": shown_at,
            "submitted_at": stamp(coded["submitted"].astype("datetime64[s]")),
            "language": self.language[unit],
            "mode": mode,
            "device_class": self.device[unit],
        }
        rank = np.empty(len(unit), dtype=np.int64)
        rank[coded["order"]] = np.arange(len(unit))
        return columns, rank

    def answers(self, coded, submitted_at, visit_rank):
        """Answer columns; an answer is saved when its page was submitted."""
        unit = coded["unit"]
        return {
            "sample_unit_id": self.unit_ids[unit],
            "variable": self.variables[coded["variable_code"]],
            "value": coded["value"],
            "page_id": self.page_ids[coded["page_index"]],
            "mode": self.mode[unit],
            "saved_at": submitted_at[visit_rank[coded["visit"]]],
        }


def load_questionnaires():
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


def demo_codes(sample, per_status=3):
    """questionnaire id -> status (invited | started | completed) -> a few access codes."""
    codes = {}
    ordered = sample.sort_values("id", kind="stable")
    for questionnaire_id in QUESTIONNAIRE_IDS:
        mine = ordered[ordered["questionnaire_id"] == questionnaire_id]
        codes[questionnaire_id] = {
            status: mine.loc[mine["status"] == status, "access_code"].head(per_status).tolist()
            for status in ("invited", "started", "completed")
        }
    return codes
