"""Answers generated from a questionnaire definition, for many respondents at once.

Nothing here knows a particular question: it reads the loaded `Questionnaire` (pages in
order, each with `when`, questions and `routing`) and walks all respondents through it page by
page, vectorised with numpy. Routing is honoured exactly as the web app does it: a page whose
`when` is false is skipped, a question whose `when` is false is not asked, and the first
matching `routing` rule of a page jumps forward (or to the end). So a respondent never has an
answer for a question that is not on their path.

Each respondent carries a latent score `latent` (higher = a better experience of the buurt:
safer, more satisfied), built by the caller from wijk, age and migration background. An
ordinal answer thresholds `loading * latent + noise` at question-specific cut points, so
answers correlate across questions and with demographics, as real answers do; nominal answers
lean on it only slightly. Which end of a scale is "good" is read from the option values and
the question's topic:

- evaluative scales (tevreden/ontevreden, goed/slecht, eens/oneens, makkelijk/moeilijk,
  vooruit/achteruit) put the good words at the good end;
- amount scales (vaak..nooit, veel..geen, ja/nee, groot..klein) are good at "more" unless the
  topic is a problem (overlast, onveilig, slachtoffer, discriminatie, schulden, ...), where
  "more" is bad.

Background questions whose variable says what they are (`geboortejaar`, `leeftijd`,
`geslacht`, `huishouden`) are answered consistently with the register. About 3% choose a
non-substantive option ("weet niet") where the question offers one, and about 1-3% skip a
non-required question (more on paper).
"""

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.special import ndtri

from survey.questionnaire.rules import evaluate_frame, variables_in

END = "end"
TARGETS_PATH = Path(__file__).with_name("answer_targets.yaml")
MISSING_SHARE = 0.03
SKIP_SHARE = {"web": 0.01, "paper": 0.03, "phone": 0.005}
TEXT_SHARE = 0.08

_GOOD_WORDS = {"tevreden", "goed", "vooruit", "makkelijk", "eens", "veilig", "uitstekend", "beter"}
_BAD_WORDS = {"ontevreden", "slecht", "achteruit", "moeilijk", "oneens", "onveilig", "slechter"}
_MORE_WORDS = {"vaak", "veel", "ja", "zeer_groot", "groot", "ja_zeker", "regelmatig", "altijd"}
_LESS_WORDS = {"nooit", "geen", "nee", "zeer_klein", "klein"}
_PROBLEM_TOPICS = (
    "probleem", "overlast", "respectloos", "onveilig", "vermijd", "slachtoffer", "kans_",
    "spanning", "discrimin", "zorgen", "schuld", "achterstand", "verhuis", "criminaliteit",
    "angst", "letsel", "bedreig", "zonder", "diefstal", "inbraak", "vernieling", "drugs",
    "geluid", "afval", "hondenpoep", "graffiti", "eenzaam", "armoede",
)
# a statement worded negatively ("De mensen kennen elkaar in deze buurt nauwelijks"): agreeing
# is the bad end, so an evaluative scale counts the other way round
_NEGATIVE_STATEMENTS = ("nauwelijks",)
_REMARKS = np.array(
    [
        "Meer blauw op straat graag.",
        "Veel zwerfafval bij de containers.",
        "Er wordt te hard gereden in onze straat.",
        "Fijne buurt, aardige buren.",
        "De speeltuin is slecht onderhouden.",
        "Overlast van jongeren 's avonds bij het winkelcentrum.",
        "Meer groen in de wijk zou fijn zijn.",
        "Parkeren is een probleem.",
        "De straatverlichting is vaak kapot.",
        "Ik voel me hier thuis.",
        "Te weinig voorzieningen voor ouderen.",
        "Drugshandel bij het park.",
        "Goede samenwerking met de wijkagent.",
        "De huren stijgen te snel.",
        "Geen opmerkingen.",
    ],
    dtype=object,
)


@dataclass
class Respondents:
    """What the generator needs per respondent (arrays of equal length)."""

    latent: np.ndarray  # float, mean 0 sd about 1
    mode: np.ndarray  # web | paper | phone
    page_limit: np.ndarray  # int: stop after this many pages (partials); a large number otherwise
    answered_on: np.ndarray  # datetime64[D]: the day of the answers (for `today` in dates)
    birth_date: np.ndarray | None = None  # datetime64[D]
    sex: np.ndarray | None = None  # "man" | "vrouw"
    household_type: np.ndarray | None = None
    age: np.ndarray | None = None  # int, on the day of the answers
    variable_shift: dict | None = None
    """{variable: extra shift of the latent score for that variable's answers}: lets the demo's
    story move the answers behind one index more or less than the rest (survey/demo/story.yaml)."""


@dataclass
class GeneratedAnswers:
    """Long tables as dicts of equal-length numpy arrays (no DataFrame: pandas would convert
    millions of strings to Arrow and back). `respondent` is the position in `Respondents`,
    `page_index` the page's position in the questionnaire.

    Unordered (`generate_answers(..., ordered=False)`) the answers carry `variable_code`, a
    position in `variables`, instead of `variable`, and neither table carries `page_id`
    (`page_ids[page_index]`): a caller that orders millions of rows itself then moves small
    integers, and looks the texts up once in order."""

    answers: dict  # respondent, variable, value, page_id, page_index
    visits: dict  # respondent, page_id, page_index, step (0-based on the path), steps
    screened_out: np.ndarray  # bool per respondent: a `goto: end` rule ended the path
    variables: np.ndarray | None = None  # object: the variable of each `variable_code`
    page_ids: np.ndarray | None = None  # object: the page id of each page index

    def answers_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.answers, dtype=object).astype({"respondent": int})

    def visits_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.visits, dtype=object)
        return frame.astype({"respondent": int, "page_index": int, "step": int, "steps": int})


def object_array(items) -> np.ndarray:
    """A one-dimensional object array of `items`, one element each (`np.array` would turn
    equal-length sequences into a second axis), for texts looked up by code."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def generate_answers(questionnaire, respondents: Respondents, rng: np.random.Generator,
                     ordered: bool = True):
    """Walk every respondent through `questionnaire` and answer.

    Args:
        questionnaire: a loaded `Questionnaire` (uses `.id` and `.pages`).
        respondents: see `Respondents`.
        rng: seeded generator.
        ordered: order the rows by respondent (see Returns); False leaves them by page, then
            question (a respondent's rows still in questionnaire order), with variables and
            pages as codes (see `GeneratedAnswers`), for a caller that sorts them itself:
            sorting millions of rows twice cost seconds.
    Returns:
        `GeneratedAnswers`; answers ordered by respondent, then questionnaire order; visits
        by respondent, then step; `screened_out` marks who a `goto: end` rule stopped (as
        `Router.screened_out` does on the web: such a unit is not eligible).
    Raises:
        ValueError: a routing rule names a page that does not come later.
    """
    pages = list(questionnaire.pages)
    page_index = {p.id: i for i, p in enumerate(pages)}
    n = len(respondents.latent)
    latent = np.asarray(respondents.latent, dtype=float)
    pointer = np.zeros(n, dtype=np.int64)
    steps = np.zeros(n, dtype=np.int64)
    screened_out = np.zeros(n, dtype=bool)
    frame: dict[str, np.ndarray] = {}
    answer_parts, visit_parts = [], []
    variables = []  # the variable of each answer part, by its code
    skip_share = pd.Series(respondents.mode, dtype=object).map(SKIP_SHARE).fillna(0.01)
    skip_share = skip_share.to_numpy(dtype=float)

    for i, page in enumerate(pages):
        at_page = (pointer == i) & (steps < respondents.page_limit)
        if not at_page.any():
            pointer[pointer == i] = len(pages)
            continue
        shown = at_page & _holds(page.when, frame, n)
        pointer[at_page & ~shown] = i + 1
        for question in page.questions:
            asked = shown & _holds(question.when, frame, n)
            if not asked.any():
                continue
            who = np.flatnonzero(asked)
            if not question.required:
                who = who[rng.random(len(who)) >= skip_share[who]]
            for variable, values in _answer(question, who, latent, respondents, rng):
                keep = np.array([v is not None for v in values], dtype=bool)
                column = frame.setdefault(variable, np.full(n, None, dtype=object))
                column[who[keep]] = values[keep]
                answer_parts.append((who[keep], len(variables), values[keep], i))
                variables.append(variable)
        visit_parts.append((np.flatnonzero(shown), i, steps[shown]))
        steps[shown] += 1

        undecided = shown.copy()
        for rule in page.routing:
            if rule.goto != END and page_index.get(rule.goto, -1) <= i:
                raise ValueError(
                    f"{questionnaire.id}: page {page.id!r}: routing goes to {rule.goto!r}, "
                    "which is not a later page"
                )
            matched = undecided & _holds(rule.when, frame, n)
            pointer[matched] = len(pages) if rule.goto == END else page_index[rule.goto]
            if rule.goto == END:
                screened_out |= matched
            undecided &= ~matched
        pointer[undecided] = i + 1

    answers = _long(
        answer_parts, {"respondent": 0, "variable_code": 1, "value": 2, "page_index": 3}, ordered
    )
    visits = _long(visit_parts, {"respondent": 0, "page_index": 1, "step": 2}, ordered)
    visits["steps"] = steps[visits["respondent"]]
    # one shared string per variable and page, looked up by code (as `_long` once filled them)
    names = object_array(variables)
    page_ids = object_array([p.id for p in pages])
    if ordered:
        answers = {"respondent": answers["respondent"],
                   "variable": names[answers["variable_code"]], "value": answers["value"],
                   "page_id": page_ids[answers["page_index"]],
                   "page_index": answers["page_index"]}
        visits = {"respondent": visits["respondent"], "page_id": page_ids[visits["page_index"]],
                  "page_index": visits["page_index"], "step": visits["step"],
                  "steps": visits["steps"]}
    return GeneratedAnswers(answers=answers, visits=visits, screened_out=screened_out,
                            variables=names, page_ids=page_ids)


def _holds(condition, frame, n):
    if condition is None:
        return np.ones(n, dtype=bool)
    columns = {v: frame.get(v, np.full(n, None, dtype=object)) for v in variables_in(condition)}
    table = pd.DataFrame(columns, index=range(n), dtype=object)
    return np.asarray(evaluate_frame(condition, table), dtype=bool)


def _long(parts, fields, ordered=True):
    """Concatenate parts (tuples: arrays, or integers to repeat) into columns, ordered (unless
    not `ordered`) by respondent (the first field) with the parts' order kept within a
    respondent."""
    sizes = [len(part[0]) for part in parts]
    columns = {}
    for name, k in fields.items():
        pieces = []
        for part, size in zip(parts, sizes):
            value = part[k]
            if isinstance(value, np.ndarray):
                pieces.append(value)
            else:
                pieces.append(np.full(size, value, dtype=np.int64))
        columns[name] = np.concatenate(pieces) if pieces else np.empty(
            0, dtype=object if name == "value" else np.int64)
    columns["respondent"] = columns["respondent"].astype(np.int64)
    if not ordered:
        return columns
    order = np.argsort(columns["respondent"], kind="stable")
    return {name: values[order] for name, values in columns.items()}


# --------------------------------------------------------------------------- per question


def _answer(question, who, latent, respondents, rng):
    """Yield (variable, object array of stored texts or None) for the respondents `who`."""
    shifts = respondents.variable_shift or {}
    if shifts and any(v in shifts for v in question.variables()):
        # a grid's rows may belong to different indices: answer each row with its own shift
        for variable in question.variables():
            single = _one_row(question, variable) if question.type == "grid" else question
            yield from _answer_plain(single, who, latent + shifts.get(variable, 0.0), respondents, rng)
        return
    yield from _answer_plain(question, who, latent, respondents, rng)


def _one_row(question, variable):
    """The grid `question` restricted to its row `variable`."""
    return dataclasses.replace(question, rows=tuple(r for r in question.rows if r.variable == variable))


def _answer_plain(question, who, latent, respondents, rng):
    kind = question.type
    special = _background(question, who, respondents, rng)
    if special is not None:
        yield question.variable, _with_missing(question, special, rng)
        return
    if kind == "single":
        yield question.variable, _with_missing(
            question, _ordinal(question, question.variable, who, latent, rng), rng
        )
    elif kind == "grid":
        for row in question.rows:
            values = _ordinal(question, row.variable, who, latent, rng)
            yield row.variable, _with_missing(question, values, rng)
    elif kind == "multiple":
        yield question.variable, _multiple(question, who, latent, rng)
    elif kind == "number":
        yield question.variable, _with_missing(question, _number(question, who, latent, rng), rng)
    elif kind == "text":
        values = np.full(len(who), None, dtype=object)
        writes = rng.random(len(who)) < TEXT_SHARE
        values[writes] = _REMARKS[rng.integers(0, len(_REMARKS), writes.sum())]
        yield question.variable, values
    elif kind == "date":
        yield question.variable, _date(question, who, respondents, rng)


def _seeded(name):
    """A generator fixed by the variable's name, so a question's marginals do not depend on
    what else the questionnaire holds."""
    return np.random.default_rng(int.from_bytes(name.encode("utf-8")[:32].ljust(32, b"\0"), "big"))


def _orientation(question, variable):
    """(goodness of each substantive option in [0, 1], loading on the latent, problem topic)."""
    values = [o.value for o in question.options]
    k = len(values)
    if k < 2:
        return np.ones(k), 0.0, False
    topic = f"{variable} {question.variable} {question.id} {question.page_id or ''}".lower()
    problem = any(word in topic for word in _PROBLEM_TOPICS)
    position = np.linspace(1.0, 0.0, k)  # first option = 1

    def words(value):
        return set(value.lower().split("_")) | {value.lower()}

    good = np.array([bool(words(v) & _GOOD_WORDS) for v in values])
    bad = np.array([bool(words(v) & _BAD_WORDS) for v in values])
    if good.any() and bad.any():
        first_is_good = position[good].mean() > position[bad].mean()
        if any(word in variable for word in _NEGATIVE_STATEMENTS):
            first_is_good = not first_is_good
        return (position if first_is_good else 1 - position), 0.65, problem
    if values[0] in _MORE_WORDS and values[-1] in _LESS_WORDS:
        return (1 - position if problem else position), (0.55 if problem else 0.4), problem
    if values[-1] in _MORE_WORDS and values[0] in _LESS_WORDS:
        return (position if problem else 1 - position), (0.55 if problem else 0.4), problem
    return position, 0.1, problem


def _ordinal(question, variable, who, latent, rng):
    goodness, loading, problem = _orientation(question, variable)
    values = np.array([o.value for o in question.options], dtype=object)
    k = len(values)
    if k == 0:
        return np.full(len(who), None, dtype=object)
    order = np.argsort(goodness, kind="stable")  # worst .. best
    fixed = _seeded(variable)
    if k == 2 and loading >= 0.4:
        # a problem's "yes" is a minority; otherwise most report the good side
        worse = fixed.uniform(0.12, 0.4) if problem else fixed.uniform(0.15, 0.45)
        p = np.array([worse, 1 - worse])
    elif loading >= 0.4:
        # unimodal, peaked towards the good end (further for problems: most say "nooit"),
        # varied per question
        position = np.linspace(0.0, 1.0, k)
        peak = 0.85 if problem else 0.68
        base = np.exp(-(((position - peak) / 0.35) ** 2)) + 0.03
        p = fixed.dirichlet(60 * base / base.sum())
    else:
        p = fixed.dirichlet(np.full(k, 3.0))
    p = _aim(p, values[order], answer_targets().get(variable))
    cut = ndtri(np.clip(np.cumsum(p)[:-1], 1e-9, 1 - 1e-9))
    y = loading * _asked(latent, who) + np.sqrt(1 - loading**2) * rng.standard_normal(len(who))
    category = np.searchsorted(cut, y)
    return values[order[category]]


def _asked(latent, who):
    """The latent score of those asked, shifted so that their mean is that of everyone: a
    follow-up question reaches those a filter selected (who feel unsafe fare worse), and its
    targets are shares among them."""
    z = latent[who]
    return z - (z.mean() - latent.mean()) if len(z) else z


@cache
def answer_targets() -> dict:
    """{variable: {answer: share}} from answer_targets.yaml (Rotterdam-wide shares to aim at)."""
    return yaml.safe_load(TARGETS_PATH.read_text(encoding="utf-8")) or {}


def _aim(p, ordered_values, target):
    """`p` (shares of `ordered_values`) with the targeted answers set to their target share and
    the other answers scaled to fill the rest, keeping their relative sizes."""
    if not target:
        return p
    fixed = np.array([v in target for v in ordered_values])
    aimed = np.array([target.get(v, 0.0) for v in ordered_values], dtype=float)
    rest = max(1.0 - aimed[fixed].sum(), 0.0)
    free = p[~fixed].sum()
    out = aimed.copy()
    out[~fixed] = p[~fixed] / free * rest if free > 0 else rest / max((~fixed).sum(), 1)
    return out


def _with_missing(question, values, rng):
    missing = [o.value for o in question.missing_options]
    if not missing or len(values) == 0:
        return values
    values = values.copy()
    choice = "weet_niet" if "weet_niet" in missing else missing[0]
    hit = rng.random(len(values)) < MISSING_SHARE
    values[hit & np.array([v is not None for v in values], dtype=bool)] = choice
    return values


def _multiple(question, who, latent, rng):
    values = np.array([o.value for o in question.options], dtype=object)
    exclusive = np.isin(values, list(question.exclusive))
    fixed = _seeded(question.variable)
    base = fixed.beta(1.2, 4.0, len(values))
    aimed = answer_targets().get(question.variable) or {}
    base = np.array([aimed.get(v, b) for v, b in zip(values, base)], dtype=float)
    slope = fixed.normal(0.0, 0.35, len(values))
    if any(word in question.variable for word in _PROBLEM_TOPICS):
        slope = -np.abs(slope) - 0.2  # problems are chosen more by those who fare worse
    logit = np.log(base / (1 - base))[None, :] + slope[None, :] * latent[who][:, None]
    chosen = rng.random((len(who), len(values))) < 1 / (1 + np.exp(-logit))
    chosen[:, exclusive] = False
    none = ~chosen.any(axis=1)
    if exclusive.any():
        chosen[none, np.flatnonzero(exclusive)[0]] = True
    elif len(values):
        chosen[none, rng.integers(0, len(values), none.sum())] = True
    # join the chosen values with spaces, one row at a time is too slow: build by column
    text = np.full(len(who), "", dtype=object)
    for j, value in enumerate(values):
        text[chosen[:, j]] = text[chosen[:, j]] + (" " + value)
    result = np.array([t.strip() or None for t in text], dtype=object)
    return result


def _number(question, who, latent, rng):
    target = answer_targets().get(question.variable) or {}
    if target and "mean" not in target:  # {mean: m} aims a mark below; else a count's shares
        return _number_from_target(question, target, who, latent, rng)
    low = float(question.min) if question.min is not None else 0.0
    high = float(question.max) if question.max is not None else low + 100.0
    span = max(high - low, 0.0)
    problem = any(word in question.variable for word in _PROBLEM_TOPICS)
    noise = rng.standard_normal(len(who))
    if span <= 10 and low >= 1:  # a report mark: most give 6-8
        y = 0.6 * latent[who] + 0.8 * noise
        y = -y if problem else y
        u = 1 / (1 + np.exp(-y))
        number = low + span * (0.35 + 0.55 * u) + rng.normal(0, 0.06 * span, len(who))
        aimed = target.get("mean")
        if aimed is not None:  # move the mark's city mean (at latent 0, u averages 1/2) to the aim
            number = number + (float(aimed) - (low + span * (0.35 + 0.55 * 0.5)))
    else:  # a count: mostly small
        y = 0.4 * latent[who] + 0.9 * noise
        scale = max(span * 0.04, 1.0)
        number = low + rng.exponential(scale, len(who)) * np.exp(-0.3 * y)
        number = np.where(rng.random(len(who)) < 0.2, low, number)
    decimals = int(question.decimals or 0)
    number = np.clip(np.round(number, decimals), low, high)
    return _number_text(number, decimals)


def _number_from_target(question, target, who, latent, rng):
    """A count with a target distribution ({number: share}, e.g. the household's cars): the
    numbers in order are thresholded on the latent score like an ordinal answer, higher
    numbers going with a worse experience when the topic is a problem (incidents)."""
    numbers = np.array(sorted(target), dtype=float)
    shares = np.array([target[k] for k in sorted(target)], dtype=float)
    shares = shares / shares.sum()
    problem = any(word in question.variable for word in _PROBLEM_TOPICS)
    cut = ndtri(np.clip(np.cumsum(shares)[:-1], 1e-9, 1 - 1e-9))
    loading = 0.4
    y = loading * _asked(latent, who) + np.sqrt(1 - loading**2) * rng.standard_normal(len(who))
    category = np.searchsorted(cut, -y if problem else y)
    number = numbers[category]
    if question.min is not None:
        number = np.maximum(number, float(question.min))
    if question.max is not None:
        number = np.minimum(number, float(question.max))
    return _number_text(number, int(question.decimals or 0))


def _number_text(number, decimals):
    """Numbers as their stored text, one shared string per distinct number."""
    distinct, which = np.unique(number, return_inverse=True)
    if decimals == 0:
        texts = pd.Series(distinct.astype(np.int64)).astype(str).to_numpy(dtype=object)
    else:
        texts = pd.Series(distinct).map(f"{{:.{decimals}f}}".format).to_numpy(dtype=object)
    return texts[which.reshape(-1)]


def _date(question, who, respondents, rng):
    day = respondents.answered_on[who].astype("datetime64[D]")

    def bound(value, default):
        if value is None:
            return default
        if str(value) == "today":
            return day
        return np.full(len(who), np.datetime64(str(value)[:10], "D"))

    low = bound(question.min, day - 365)
    high = np.minimum(bound(question.max, day), day)
    low = np.minimum(low, high)
    span = (high - low).astype(np.int64)
    picked = low + np.floor(rng.random(len(who)) * (span + 1)).astype("timedelta64[D]")
    return picked.astype(str).astype(object)


# --------------------------------------------------------------------------- background


def _background(question, who, respondents, rng):
    """Register-consistent answers for background questions recognised by their variable."""
    variable = question.variable
    if question.type == "number" and variable in ("geboortejaar", "leeftijd"):
        if respondents.birth_date is None:
            return None
        born = respondents.birth_date[who].astype("datetime64[Y]").astype(np.int64) + 1970
        number = born if variable == "geboortejaar" else respondents.age[who]
        low = question.min if question.min is not None else -np.inf
        high = question.max if question.max is not None else np.inf
        return _number_text(np.clip(number, low, high), 0)
    values = [o.value for o in question.options]
    if question.type == "single" and variable == "geslacht" and {"man", "vrouw"} <= set(values):
        if respondents.sex is None:
            return None
        answer = respondents.sex[who].astype(object).copy()
        if "anders" in values:
            answer[rng.random(len(who)) < 0.004] = "anders"
        return answer
    household = respondents.household_type
    if question.type == "single" and variable == "huishouden" and household is not None:
        return _household(values, who, respondents, rng)
    return None


_HOUSEHOLD_ANSWERS = {
    # register household type -> (answer option, probability) tried in order
    "alleenstaand": [("alleenstaand", 0.95), ("anders", 0.05)],
    "zonder_kinderen": [("paar_zonder_kinderen", 0.9), ("anders", 0.1)],
    "met_kinderen": [("paar_met_kinderen", 0.7), ("eenouder", 0.25), ("anders", 0.05)],
}


def _household(values, who, respondents, rng):
    register = respondents.household_type[who].astype(object)
    young = respondents.age[who] < 25 if respondents.age is not None else np.zeros(len(who), bool)
    answer = np.full(len(who), None, dtype=object)
    u = rng.random(len(who))
    for kind, choices in _HOUSEHOLD_ANSWERS.items():
        rows = register == kind
        cumulative = 0.0
        for option, p in choices:
            if option in values:
                free = answer == None  # noqa: E711
                take = rows & (u >= cumulative) & (u < cumulative + p) & free
                answer[take] = option
            cumulative += p
    if "bij_ouders" in values:
        answer[(register == "met_kinderen") & young & (rng.random(len(who)) < 0.75)] = "bij_ouders"
    unmatched = answer == None  # noqa: E711
    if unmatched.any() and values:
        answer[unmatched] = np.array(values, dtype=object)[
            rng.integers(0, len(values), unmatched.sum())
        ]
    return answer
