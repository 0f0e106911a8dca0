"""A synthetic population register (BRP extract) of Rotterdam's residents aged 15+.

Each wijk gets exactly its CBS number of residents per age group (times `scale`). Sex,
migration background and household type are drawn per person from joint distributions that
follow the wijk's CBS figures. How the CBS columns are turned into 15+ figures:

- Sex: CBS counts `men` and `women` of all ages. Children 0-14 are taken to be 51.2% boys (the
  Dutch sex ratio at birth), so men 15+ = men - 0.512 * age_0_14. Within the wijk, the share of
  men falls with age (65+ is 6 points below the wijk's 15+ share, younger groups slightly
  above), re-centred so the 15+ total still matches.
- Migration background: CBS counts `migration_western` and `migration_nonwestern` of all ages.
  Children are assumed to have 1.2 times the wijk's all-ages niet-westerse share (second
  generation, larger families) and 0.8 times its westerse share (expats and students are
  mostly adults); the rest is attributed to the 15+. The joint table age x background is then
  fitted by iterative proportional fitting (Deming & Stephan 1940) to the wijk's age counts
  and these 15+ margins, starting from odds that make young adults more often niet-westers and
  65+ much less (as in Rotterdam, where most of the 65+ are of Dutch origin).
- Household type of persons 15+: CBS counts households, not persons. A single household holds
  1 adult; a household without children about 2; a household with children 1.7 adults (about a
  third are one-parent families) plus the children aged 15+ living at home, taken as 60% of the
  wijk's 15-24 year olds. These person counts are scaled to the 15+ total (the remainder lives
  in institutions or other households) and fitted jointly with age like migration background,
  starting from odds that put most 15-24 year olds with their parents and most 65+ alone or as
  a couple.

Names, addresses and phone numbers are synthetic: Dutch-looking names (with name pools that
follow migration background), invented street names, Rotterdam postcodes (30xx, 31xx) and
Dutch-format phone numbers for about 60% of residents. Everything is vectorised with numpy.
"""

import numpy as np
import pandas as pd

from survey.population.categories import (AGE_COLUMNS, AGE_GROUPS, HOUSEHOLD_TYPES,
                                          MIGRATION_BACKGROUNDS, SEXES, default_reference_date)

REFERENCE_DATE = default_reference_date(2024)
"""Ages are taken on the date of the register extract: 1 January of the year before the
edition (`default_reference_date`), 1 January 2023 for the demo edition 2024
(`survey.population.categories` holds the variables and their categories)."""

# starting odds for iterative proportional fitting: rows are age groups, columns categories
_MIGRATION_ODDS = np.array(
    [[1.0, 1.0, 1.5], [1.0, 1.3, 1.3], [1.0, 0.9, 0.9], [1.0, 0.8, 0.35]]
)
_HOUSEHOLD_ODDS = np.array(
    [[0.5, 0.4, 3.0], [1.0, 1.0, 1.2], [0.8, 1.0, 1.0], [1.5, 1.8, 0.1]]
)
_MEN_OFFSET = np.array([0.01, 0.01, 0.0, -0.06])
_PHONE_RATE = np.array([0.55, 0.60, 0.62, 0.63])

__all__ = [
    "REFERENCE_DATE",
    "age_counts",
    "wijk_distributions",
    "build_register",
]


def age_counts(wijken: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """Residents 15+ per wijk (rows, in `wijken` order) and age group (columns), times `scale`,
    rounded; every wijk keeps at least 2 residents so that it can be sampled.

    >>> from survey.population.wijken import load_wijken
    >>> age_counts(load_wijken(), 0.01)[0].tolist()    # Tarwewijk
    [20, 46, 27, 8]
    """
    counts = np.rint(wijken[AGE_COLUMNS].to_numpy(dtype=float) * scale).astype(np.int64)
    small = counts.sum(axis=1) < 2
    if small.any():
        biggest = np.argmax(wijken[AGE_COLUMNS].to_numpy(), axis=1)
        counts[small, biggest[small]] += 2 - counts[small].sum(axis=1)
    return counts


def wijk_distributions(wijken: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per wijk and age group, the probability of each category (the assumptions in the
    module docstring).

    Returns:
        {"sex": (W, 4, 2), "migration_background": (W, 4, 3), "household_type": (W, 4, 3)}
        arrays whose last axis sums to 1.
    """
    ages = wijken[AGE_COLUMNS].to_numpy(dtype=float)
    n15 = ages.sum(axis=1)
    children = wijken["age_0_14"].to_numpy(dtype=float)
    inhabitants = np.maximum(wijken["inhabitants"].to_numpy(dtype=float), 1.0)

    men15 = np.clip((wijken["men"].to_numpy() - 0.512 * children) / n15, 0.3, 0.7)
    age_share = ages / n15[:, None]
    p_man = men15[:, None] + _MEN_OFFSET[None, :] - (age_share @ _MEN_OFFSET)[:, None]
    p_man = np.clip(p_man, 0.05, 0.95)
    sex = np.stack([p_man, 1 - p_man], axis=2)

    western_all = wijken["migration_western"].to_numpy() / inhabitants
    nonwestern_all = wijken["migration_nonwestern"].to_numpy() / inhabitants
    western = wijken["migration_western"].to_numpy() - children * 0.8 * western_all
    nonwestern = wijken["migration_nonwestern"].to_numpy() - children * np.minimum(
        0.95, 1.2 * nonwestern_all
    )
    western = np.clip(western / n15, 0.005, 0.6)
    nonwestern = np.clip(nonwestern / n15, 0.005, 0.9)
    dutch = np.maximum(1 - western - nonwestern, 0.02)
    migration_margin = np.stack([dutch, western, nonwestern], axis=1)

    persons_single = wijken["households_single"].to_numpy(dtype=float)
    persons_without = 2.0 * wijken["households_without_children"].to_numpy()
    persons_with = (
        1.7 * wijken["households_with_children"].to_numpy() + 0.6 * wijken["age_15_24"].to_numpy()
    )
    household_margin = np.stack([persons_single, persons_without, persons_with], axis=1) + 0.5

    return {
        "sex": sex,
        "migration_background": _conditional(ages, migration_margin, _MIGRATION_ODDS),
        "household_type": _conditional(ages, household_margin, _HOUSEHOLD_ODDS),
    }


def _conditional(ages, margin, odds, iterations=100):
    """P(category | wijk, age group) from the IPF fit of `odds` to age counts and margins."""
    n15 = ages.sum(axis=1)
    col_totals = margin / margin.sum(axis=1, keepdims=True) * n15[:, None]
    table = np.broadcast_to(odds, (len(ages), *odds.shape)).copy()
    row_totals = ages + 1e-9
    for _ in range(iterations):
        table *= (row_totals / table.sum(axis=2))[:, :, None]
        table *= (col_totals / table.sum(axis=1))[:, None, :]
    return table / table.sum(axis=2, keepdims=True)


def build_register(
    wijken: pd.DataFrame,
    rng: np.random.Generator,
    scale: float = 1.0,
    year: int = 2024,
) -> pd.DataFrame:
    """The synthetic register: one row per resident aged 15+.

    Args:
        wijken: from `survey.population.wijken.load_wijken`.
        rng: seeded generator.
        scale: fraction of the real population (1.0 gives about 535,000 persons).
        year: the edition; register ids read `demo-<year>-<7 digits>`, ages are those on
            its register reference date (1 January of the year before).
    Returns:
        DataFrame with `register_id`, `wijk_code`, `age_group`, `age`, `birth_date`, `sex`,
        `migration_background`, `household_type`, `given_name`, `family_name`, `street`,
        `house_number`, `postcode`, `phone` (None for about 40%). The category columns are
        pandas Categoricals with the categories of `survey.population.categories.CATEGORIES`.
    """
    counts = age_counts(wijken, scale)
    wijk_index = np.repeat(np.arange(len(wijken)), counts.sum(axis=1))
    age_index = np.concatenate([np.repeat(np.arange(4), row) for row in counts])
    n = len(wijk_index)
    probabilities = wijk_distributions(wijken)

    def draw(variable):
        cumulative = np.cumsum(probabilities[variable], axis=2)[wijk_index, age_index]
        u = rng.random(n)
        return np.minimum((u[:, None] > cumulative[:, :-1]).sum(axis=1), cumulative.shape[1] - 1)

    sex = draw("sex")
    migration = draw("migration_background")
    household = draw("household_type")

    lower = np.array([15, 25, 45, 65])[age_index]
    width = np.array([10, 20, 20, 1])[age_index]
    age = lower + np.floor(rng.random(n) * width).astype(np.int64)
    old = age_index == 3
    age[old] = 65 + np.minimum(np.floor(rng.exponential(10.0, old.sum())), 39).astype(np.int64)
    # born between 2 January of (ref - age - 1) and 1 January of (ref - age): exact age `age`
    # on the edition's reference date, as the product groups a register's ages
    reference = default_reference_date(year)
    birth_year = (reference.year - age - 1 - 1970).astype("datetime64[Y]")
    birth_date = birth_year.astype("datetime64[D]") + 1 + rng.integers(0, 365, n)

    given, family = _names(rng, sex, migration)
    street, house_number, postcode = _addresses(rng, wijken, wijk_index)
    phone = _phones(rng, age_index)

    register_id = pd.Series(np.arange(1, n + 1)).map(f"demo-{year}-{{:07d}}".format)

    def text(values):  # kept as Python strings: the writer hands them to the database as such
        return pd.Series(values, dtype=object)

    return pd.DataFrame(
        {
            "register_id": text(register_id.to_numpy(dtype=object)),
            "wijk_code": wijken["wijk_code"].to_numpy()[wijk_index],
            "age_group": pd.Categorical.from_codes(age_index, AGE_GROUPS),
            "age": age,
            "birth_date": birth_date,
            "sex": pd.Categorical.from_codes(sex, SEXES),
            "migration_background": pd.Categorical.from_codes(migration, MIGRATION_BACKGROUNDS),
            "household_type": pd.Categorical.from_codes(household, HOUSEHOLD_TYPES),
            "given_name": text(given),
            "family_name": text(family),
            "street": text(street),
            "house_number": text(house_number),
            "postcode": text(postcode),
            "phone": text(phone),
        }
    )


# --------------------------------------------------------------------------- names

_GIVEN = {
    # pool: (men, women)
    "nl": (
        "Jan Pieter Kees Willem Henk Gerrit Johan Bram Daan Sem Lucas Thijs Jeroen Mark Dennis "
        "Ruud Bas Joost Martijn Niels Tim Ruben Sander Erik Frank Hans Wim Ton Jesse Milan Luuk "
        "Stijn Jasper Koen Rik Joris Bart Arie Cor Teun",
        "Anna Emma Sophie Julia Lisa Eva Sanne Fleur Anouk Iris Femke Lotte Marieke Ingrid Petra "
        "Monique Sandra Linda Esther Annemiek Wilma Ria Joke Truus Gerda Ellen Karin Mirjam Noor "
        "Tess Sara Lieke Floor Maud Roos Ilse Nienke Manon Yvonne Bep",
    ),
    "west": (
        "Piotr Tomasz Krzysztof Marek Pawel Lukasz Michael Thomas Stefan Andreas Jonas David "
        "James Daniel Luca Marco Pedro Miguel Dimitri Nikola",
        "Anna Katarzyna Magdalena Agnieszka Joanna Monika Sarah Laura Julia Maria Elena Sofia "
        "Claudia Ana Ewa Natalia Hanna Lena Chiara Eleni",
    ),
    "tr": (
        "Mehmet Mustafa Ahmet Ali Hasan Huseyin Ibrahim Emre Burak Murat Kemal Yusuf Osman Can "
        "Serkan Onur Kaan Furkan Enes Erdem",
        "Fatma Ayse Emine Hatice Zeynep Elif Merve Esra Ozlem Sevgi Hulya Derya Gizem Busra Aylin "
        "Melek Songul Dilek Nur Ebru",
    ),
    "ma": (
        "Mohamed Ahmed Youssef Said Rachid Hamid Karim Mustapha Abdelkader Hassan Bilal Ayoub "
        "Soufiane Othman Imad Nordin Adil Khalid Anouar Ilias",
        "Fatima Khadija Naima Samira Malika Nadia Hanane Souad Latifa Yasmina Salma Imane Siham "
        "Houda Ikram Loubna Meryem Hafsa Zineb Asma",
    ),
    "sa": (
        "Ricardo Roel Errol Glenn Romano Dwayne Orlando Edson Stanley Ramon Jurgen Anil Ravi "
        "Vikash Rajesh Jairo Nelson Armando Carlos Delano",
        "Shanti Sharmila Priya Chantal Jolanda Sharon Naomi Melissa Gisela Lorraine Tamara Romy "
        "Esmeralda Sheila Anita Rita Celeste Denise Vanessa Nathalie",
    ),
}
_FAMILY = {
    "nl": "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
    "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|"
    "Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
    "van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|"
    "van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|Blom|Huisman|"
    "Kraaijeveld|Verbeek|Koppelaar|Rietveld|Schipper",
    "west": "Kowalski|Nowak|Wisniewski|Wojcik|Kaminski|Lewandowski|Zielinski|Schmidt|Muller|"
    "Schneider|Fischer|Weber|Smith|Brown|Wilson|Rossi|Russo|Garcia|Fernandez|Lopez|Silva|"
    "Santos|Papadopoulos|Horvat|Novak",
    "tr": "Yilmaz|Kaya|Demir|Sahin|Celik|Yildiz|Yildirim|Ozturk|Aydin|Ozdemir|Arslan|Dogan|Kilic|"
    "Aslan|Cetin|Kara|Koc|Kurt|Ozkan|Simsek|Polat|Erdogan|Gunes|Aksoy|Tekin",
    "ma": "El Amrani|Bouzid|El Idrissi|Benali|Ait Taleb|El Khatib|Haddou|Bakkali|Azzouzi|"
    "Boukhari|El Hamdaoui|Ouali|Amrani|Ziani|Tahiri|Chaoui|El Ouardi|Belhaj|Mansouri|Lahlou|"
    "Achahbar|Bouchtaoui|El Yaakoubi|Moussaoui|Ouahabi",
    "sa": "Ramdin|Sewdien|Kromodimedjo|Pinas|Brandon|Wijngaarde|Tjon A Fat|Mahabier|Ramsaran|"
    "Biharie|Doelwijt|Martina|Rosalia|Pieters|Lopes|Fortes|Tavares|Monteiro|Semedo|Soares|"
    "Sanches|Richardson|Kromowidjojo|Balker|Landveld",
}
_POOLS = ["nl", "west", "tr", "ma", "sa"]
# P(name pool | migration background): columns follow _POOLS
_POOL_BY_MIGRATION = np.array(
    [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.35, 0.65, 0.0, 0.0, 0.0],
        [0.15, 0.0, 0.3, 0.3, 0.25],
    ]
)


def _names(rng, sex, migration):
    n = len(sex)
    cumulative = np.cumsum(_POOL_BY_MIGRATION, axis=1)[migration]
    pool = (rng.random(n)[:, None] > cumulative[:, :-1]).sum(axis=1)
    # a family name comes from the same pool most of the time (mixed marriages otherwise)
    family_pool = np.where(rng.random(n) < 0.9, pool, 0)
    given = np.empty(n, dtype=object)
    family = np.empty(n, dtype=object)
    for p, key in enumerate(_POOLS):
        for s in (0, 1):
            chosen = (pool == p) & (sex == s)
            names = np.array(_GIVEN[key][s].split(), dtype=object)
            given[chosen] = names[rng.integers(0, len(names), chosen.sum())]
        chosen = family_pool == p
        names = np.array(_FAMILY[key].split("|"), dtype=object)
        family[chosen] = names[rng.integers(0, len(names), chosen.sum())]
    return given, family


# --------------------------------------------------------------------------- addresses

_STREET_STEMS = (
    "Linden Eiken Kastanje Wilgen Berken Beuken Populieren Esdoorn Iepen Platanen Rozen "
    "Tulpen Seringen Jasmijn Lavendel Meidoorn Vlier Hazelaar Merel Lijster Vink Zwaluw Reiger "
    "Kievit Meeuwen Pelikaan Maas Rotte Schie Vaart Haven Dijk Polder Molen Kerk Dorps School "
    "Markt Brug Sluis Zuider Noorder Ooster Wester Kralingse Schiedamse Delftse Goudse Dordtse "
    "Bergse Bree Zaagmolen Korenmolen Rijnhaven Spoor Boezem Bloem Zomer Winter Lente Herfst "
    "Stads Water Oever Zand Klei Veen Hoog Laag Nieuwe Oude Prins Koningin Graaf Hertog Ridder "
    "Admiraal Kapitein Stuurman Loods Visser Schipper Bakker Smid Kuiper"
).split()
_STREET_SUFFIXES = "straat laan weg plein kade singel dreef hof pad dijk gracht park".split()
_STREET_SUFFIX_WEIGHTS = np.array([30, 15, 12, 4, 6, 4, 4, 6, 2, 4, 2, 2], dtype=float)
_POSTCODE_LETTERS = np.array(
    [
        a + b
        for a in "ABCDEGHJKLMNPRSTVWXZ"
        for b in "ABCDEGHJKLMNPRSTVWXZ"
        if a + b not in ("SA", "SD", "SS")
    ],
    dtype=object,
)
# gebieden with their own postcode area; the rest of the city gets 3011-3089 in file order
_GEBIED_POSTCODES = {
    "Hoek van Holland": [3151],
    "Rozenburg": [3181],
    "Pernis": [3195],
    "Hoogvliet": [3191, 3192, 3193, 3194],
}


def _wijk_postcodes(wijken):
    numbers = []
    city = iter(range(3011, 3090))
    used = {g: iter(codes) for g, codes in _GEBIED_POSTCODES.items()}
    for gebied in wijken["gebied"]:
        numbers.append(next(used[gebied], None) if gebied in used else next(city, None))
    fallback = iter(range(3111, 3200))
    return np.array([n if n is not None else next(fallback) for n in numbers])


def _addresses(rng, wijken, wijk_index):
    n = len(wijk_index)
    population = np.bincount(wijk_index, minlength=len(wijken))
    streets_per_wijk = np.maximum(3, np.ceil(population / 250)).astype(np.int64)
    n_streets = int(streets_per_wijk.sum())
    suffix_p = _STREET_SUFFIX_WEIGHTS / _STREET_SUFFIX_WEIGHTS.sum()
    stems = np.array(_STREET_STEMS, dtype=object)
    suffixes = np.array(_STREET_SUFFIXES, dtype=object)
    street_names = (
        stems[rng.integers(0, len(stems), n_streets)]
        + suffixes[rng.choice(len(suffixes), n_streets, p=suffix_p)]
    )
    first_street = np.concatenate([[0], np.cumsum(streets_per_wijk)[:-1]])
    street_index = first_street[wijk_index] + np.floor(
        rng.random(n) * streets_per_wijk[wijk_index]
    ).astype(np.int64)

    number = 1 + np.floor(rng.pareto(1.2, n) * 20).astype(np.int64) % 300
    addition = np.array(["", "", "", "", "", "", "", "", "A", "B", "-2", "-3"], dtype=object)
    house_number = pd.Series(number).astype(str).to_numpy(dtype=object) + addition[
        rng.integers(0, len(addition), n)
    ]

    postcode_number = _wijk_postcodes(wijken)[wijk_index]
    letters = _POSTCODE_LETTERS[(street_index * 7 + number // 30) % len(_POSTCODE_LETTERS)]
    postcode = pd.Series(postcode_number).astype(str).to_numpy(dtype=object) + " " + letters
    return street_names[street_index], house_number, postcode


def _phones(rng, age_index):
    n = len(age_index)
    has_phone = rng.random(n) < _PHONE_RATE[age_index]
    landline = rng.random(n) < np.array([0.02, 0.05, 0.15, 0.45])[age_index]
    digits = rng.integers(0, 10**8, n)
    mobile = pd.Series(digits).map("06-{:08d}".format).to_numpy(dtype=object)
    fixed = pd.Series(digits % 10**7).map("010-{:07d}".format).to_numpy(dtype=object)
    phone = np.where(landline, fixed, mobile)
    phone[~has_phone] = None
    return phone
