"""Check an imported file row by row before anything is stored: every error kept (file, row,
column, what is wrong and what was expected): a missing or unknown wijk, an impossible birth
date, a duplicate person, an unknown category... (`check`), with what the check needs from the
database (`load_context`). The fields and their values are `survey.sampling.fields`.
"""


import difflib
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from survey.errors import InputError
from survey.models import Area, IdentityLink, IdentityPerson, SampleUnit
from survey.population.categories import age_group_series, ages_on, default_reference_date
from survey.population.wijken import load_wijken
from survey.sampling.fields import (CONTACT_FIELDS, DATE_FORMATS, DATE_SHAPE, FIELDS, NAME_PREFIX,
                                    POSTCODE, VALUES, check_kind, fields_for, value_key)
from weighting.tables import TextTable

MAX_ERRORS = 200
"""Errors listed per file; all are counted."""
MAX_AGE = 115

__all__ = ["MAX_ERRORS", "Context", "CheckResult", "FileErrors", "wijk_names", "load_context",
           "check"]


# --------------------------------------------------------------------------- results


@dataclass
class Context:
    """What a check needs from the database."""

    wijk_names: dict[int, str]
    """wijk_code -> name, of the area table and the 71 wijken of the CBS table."""
    reference_date: date
    in_sample: set[str] = field(default_factory=set)
    """Register ids already in the edition's sample (kinds `sample` and `contact`)."""
    edition_year: int | None = None
    sample_size: int = 0
    """Units the edition's sample has: a register import then would replace its margins."""


@dataclass
class CheckResult:
    source: str
    kind: str
    mapping: dict[str, str | None]
    rows: int
    errors: list[InputError]
    """The first MAX_ERRORS, by row."""
    error_count: int
    error_rows: set[int]
    frame: pd.DataFrame | None
    """The clean values, one row per person to store (None when there are errors)."""
    sha256: str = ""
    notices: list[str] = field(default_factory=list)
    """What was read differently from the file, or left out, and how many (never silent)."""
    left_out_young: int = 0
    """Persons under 15 on the reference date, left out of a register import."""
    unused_columns: list[str] = field(default_factory=list)
    """The file's columns no field is mapped to."""

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class FileErrors(InputError):
    """A file with bad rows: `errors` lists them (up to MAX_ERRORS); nothing was stored."""

    def __init__(self, result: CheckResult):
        self.result = result
        self.errors = result.errors
        rows = len(result.error_rows)
        head = (f"{result.error_count} error{'s' if result.error_count != 1 else ''}"
                + (f" in {rows} row{'s' if rows != 1 else ''}" if rows else "")
                + "; nothing was imported")
        lines = [str(e) for e in result.errors]
        if result.error_count > len(lines):
            lines.append(f"... and {result.error_count - len(lines)} more")
        super().__init__(result.source, head + "\n" + "\n".join(lines))


# --------------------------------------------------------------------------- checking


def wijk_names(db) -> dict[int, str]:
    """wijk_code -> name: the area table's, completed with the 71 wijken of the CBS table."""
    names = {int(w.wijk_code): w.wijk for w in db.scalars(select(Area))}
    taken = {value_key(n) for n in names.values()}
    for code, name in load_wijken()[["wijk_code", "wijk"]].itertuples(index=False):
        if int(code) not in names and value_key(name) not in taken:
            names[int(code)] = name
    return names


def load_context(db, kind: str, edition_year: int, reference_date: date | None = None) -> Context:
    """The wijken (area table, completed with the CBS table's 71), the reference date (default
    1 January of the year before the edition) and, for a sample, who is already in it."""
    check_kind(kind)
    names = wijk_names(db)
    from survey.models import Edition

    in_sample = set()
    sample_size = db.scalar(select(func.count()).select_from(SampleUnit)
                            .join(Edition, Edition.id == SampleUnit.edition_id)
                            .where(Edition.year == edition_year)) or 0
    if kind in ("sample", "contact"):
        in_sample = set(db.scalars(
            select(IdentityPerson.register_id)
            .join(IdentityLink, IdentityLink.person_id == IdentityPerson.id)
            .join(SampleUnit, SampleUnit.id == IdentityLink.sample_unit_id)
            .join(Edition, Edition.id == SampleUnit.edition_id)
            .where(Edition.year == edition_year)))
    return Context(names, reference_date or default_reference_date(edition_year), in_sample,
                   edition_year, sample_size)


class _Errors:
    def __init__(self, table: TextTable, mapping):
        self.table = table
        self.mapping = mapping
        self.items: list[tuple[int, int, InputError]] = []
        self.count = 0
        self.rows: set[int] = set()
        self.order = {name: i for i, name in enumerate(FIELDS)}

    def add(self, field_name, mask, message):
        """`message(i)` for every data row i where `mask` holds."""
        index = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(index):
            return
        self.count += len(index)
        numbers = self.table.row_numbers[index]
        self.rows.update(numbers.tolist())
        column = self.mapping.get(field_name) if field_name else None
        for i, number in zip(index[:MAX_ERRORS], numbers[:MAX_ERRORS]):
            self.items.append((int(number), self.order.get(field_name, -1), InputError(
                self.table.source, message(int(i)), row=int(number), column=column)))

    def add_file(self, message, field_name=None):
        self.count += 1
        self.items.append((0, self.order.get(field_name, -1),
                           InputError(self.table.source, message)))

    def listed(self):
        return [e for _r, _o, e in sorted(self.items, key=lambda t: (t[0], t[1]))][:MAX_ERRORS]


def check(table: TextTable, mapping: dict, kind: str, context: Context) -> CheckResult:
    """Check every row of `table` under `mapping`.

    Args:
        table: from `read_table`.
        mapping: {field: header or None}; from `guess_mapping`, perhaps changed.
        kind: `register`, `sample` or `contact`.
        context: from `load_context`.
    Returns:
        a `CheckResult` with all errors (the first MAX_ERRORS listed, all counted) and, when
        there are none, the clean frame. For a register or sample: register_id, given_name,
        name_prefix, family_name, street, house_number, house_letter, house_number_addition,
        postcode ('3011 AB'), city, phone (None when empty), wijk_code (int), birth_date
        (date), age_group, sex, migration_background and household_type ('' when the file
        has no such column) and, for a sample, questionnaire_id, wave, inclusion_probability.
        A register leaves out persons under 15 (counted in `left_out_young`) and repeats of
        the very same row (a notice). For contact data: register_id and the mapped contact
        fields, None where a cell leaves the stored value as it is.
    """
    check_kind(kind)
    mapping = {f.name: (mapping.get(f.name) or None) for f in fields_for(kind)}
    errors = _Errors(table, mapping)
    for e in table.errors:
        errors.items.append((e.row or 0, -1, e))
        errors.count += 1
        errors.rows.add(e.row)
    notices = list(table.notices)

    position = {h: i for i, h in enumerate(table.headers)}
    used = {}
    for f in fields_for(kind):
        header = mapping[f.name]
        if header is None:
            if kind in f.required:
                examples = ", ".join(f.headers[:3])
                errors.add_file(f"no column is mapped to {f.name} ({f.label.lower()}); choose "
                                f"it in the mapping or name a column {examples}", f.name)
        elif header not in position:
            errors.add_file(f"{f.name} is mapped to '{header}', which is not a column of the "
                            f"file; its columns are {', '.join(table.headers)}", f.name)
            mapping[f.name] = None
        elif header in used:
            errors.add_file(f"column '{header}' is mapped to both {used[header]} and {f.name}; "
                            "a column holds one field", f.name)
        else:
            used[header] = f.name
    unused = [h for h in table.headers if h not in used]

    n = len(table.data)
    text = {}
    for name in FIELDS:
        header = mapping.get(name)
        if header is None or header not in position:
            text[name] = pd.Series([""] * n, dtype=object)
        else:
            text[name] = table.data[position[header]].astype(str).str.strip()
    out = pd.DataFrame(index=range(n))
    mapped = {name for name, header in mapping.items() if header in position}

    def present(name):
        return name in mapped

    def empty(name, what):
        if present(name):
            errors.add(name, text[name].eq("").to_numpy(), lambda i: f"empty; expected {what}")

    def too_long(name, limit):
        if present(name):
            values = text[name]
            errors.add(name, values.str.len().gt(limit).to_numpy(),
                       lambda i: f"'{values.iat[i][:30]}...' is longer than {limit} characters")

    # register id: present, short, once in the file, not yet in the edition's sample
    ids = text["register_id"]
    empty("register_id", "the person's register number")
    too_long("register_id", 20)
    identical = np.zeros(n, dtype=bool)
    if present("register_id"):
        filled = ids.ne("")
        first = ids[filled].groupby(ids[filled], sort=False).head(1)
        first_row = pd.Series(table.row_numbers[first.index.to_numpy()], index=first.to_numpy())
        twice = (filled & ids.duplicated(keep="first")).to_numpy()
        # the very same row twice (an extract glued from two runs): kept once, and said so
        identical = twice & table.data.duplicated(keep="first").to_numpy()
        errors.add("register_id", twice & ~identical, lambda i: (
            f"duplicate person: register number '{ids.iat[i]}' is also on row "
            f"{first_row[ids.iat[i]]}; each person may appear once"))
        if identical.any():
            notices.append(f"{int(identical.sum())} row(s) repeat an earlier row exactly (rows "
                           f"{_row_list(table.row_numbers[identical])}); each person is "
                           "imported once")
        if kind == "sample" and context.in_sample:
            already = ids.isin(context.in_sample).to_numpy() & ~twice
            errors.add("register_id", already, lambda i: (
                f"duplicate person: register number '{ids.iat[i]}' is already in the sample of "
                f"edition {context.edition_year}"))
        if kind == "contact":
            outside = filled.to_numpy() & ~ids.isin(context.in_sample).to_numpy()
            errors.add("register_id", outside, lambda i: (
                f"register number '{ids.iat[i]}' is not in the sample of edition "
                f"{context.edition_year}; contact data are imported only for drawn persons"))
    out["register_id"] = ids

    if kind == "register" and context.sample_size:
        errors.add_file(
            f"edition {context.edition_year} already has a sample of {context.sample_size} "
            "units; a new register extract would replace the margins its weighting uses. To add "
            "phone numbers or corrected addresses of drawn persons, import the file as contact "
            "data (kind contact), which never touches the margins", "register_id")

    _check_address(kind, text, out, errors, present, empty, too_long)

    if kind == "contact":
        if not mapped & set(CONTACT_FIELDS):
            errors.add_file("no contact column is mapped; map phone, or street, house_number "
                            "and postcode (a corrected address)", "phone")
        if n == 0:
            errors.add_file("no data rows: the file has a header but no persons")
        keep = ~identical
        frame = out[keep].reset_index(drop=True)
        return CheckResult(table.source, kind, mapping, n, errors.listed(), errors.count,
                           errors.rows, None if errors.count else frame, table.sha256,
                           notices, 0, unused)

    for name, what, limit in (("given_name", "the given name", 100),
                              ("family_name", "the family name", 100)):
        empty(name, what)
        too_long(name, limit)
        out[name] = text[name]
    prefixes = text["name_prefix"]
    too_long("name_prefix", 20)
    if present("name_prefix"):
        errors.add("name_prefix", (prefixes.ne("") & ~prefixes.str.fullmatch(NAME_PREFIX)).to_numpy(),
                   lambda i: f"'{prefixes.iat[i]}' is not a voorvoegsel; expected words such as "
                             "van, de, van 't, in 't or d' (or leave it empty)")
    out["name_prefix"] = prefixes.str.split().str.join(" ").where(prefixes.ne(""), None)

    out["wijk_code"] = _check_wijk(text["wijk_code"], context, errors, present("wijk_code"))
    out["birth_date"], ages = _check_birth_date(text["birth_date"], context, errors,
                                                present("birth_date"), young_is_error=(
                                                    kind != "register"))
    young = np.zeros(n, dtype=bool) if kind != "register" else (ages < 15) & ~np.isnan(ages)
    out["age_group"] = age_group_series(np.where(np.isnan(ages) | young, -1, ages).astype(int)) \
        if n else []

    for name in ("sex", "migration_background", "household_type"):
        out[name] = _check_category(name, text[name], errors, present(name))
        if name != "sex" and not present(name):
            out[name] = ""
    missing = [FIELDS[name].label.split(" (")[0].lower()
               for name in ("migration_background", "household_type") if not present(name)]
    if missing:
        notices.append(f"no column for {' and '.join(missing)}: those margins are not stored, "
                       "and weighting calibrates on the margins that exist")
    if kind == "register" and not present("city") and n:
        notices.append("no woonplaats column: every letter will say ROTTERDAM, also for "
                       "Hoek van Holland, Rozenburg and Pernis addresses; map the woonplaats "
                       "if the extract has it")

    if kind == "sample":
        out["questionnaire_id"] = _check_category("questionnaire_id", text["questionnaire_id"],
                                                  errors, present("questionnaire_id"))
        waves = text["wave"]
        if present("wave"):
            number = pd.to_numeric(waves, errors="coerce")
            bad = waves.ne("") & ~number.isin([1, 2])
            errors.add("wave", bad.to_numpy(), lambda i: (
                f"'{waves.iat[i]}' is not a wave; expected 1 (spring) or 2 (after the summer), "
                "or leave it empty for 1"))
            out["wave"] = number.fillna(1).where(~bad, 1).astype(int)
        else:
            out["wave"] = 1
        probability_text = text["inclusion_probability"]
        empty("inclusion_probability", "the inclusion probability, such as 0,12")
        probability = pd.to_numeric(probability_text.str.replace(",", ".", regex=False),
                                    errors="coerce")
        if present("inclusion_probability"):
            bad = probability_text.ne("") & ~((probability > 0) & (probability <= 1))
            errors.add("inclusion_probability", bad.to_numpy(), lambda i: (
                f"'{probability_text.iat[i]}' is not a probability; expected a number above 0 "
                "and at most 1, such as 0,12 (0.12)"))
        out["inclusion_probability"] = probability

    if n == 0:
        errors.add_file("no data rows: the file has a header but no persons")
    if young.any():
        notices.append(f"{int(young.sum())} person(s) under 15 on the reference date "
                       f"{context.reference_date.isoformat()} are left out: the Wijkprofiel "
                       "samples residents aged 15 and over")
    if n and not errors.count and (young | identical).all():
        errors.add_file("no person of 15 or over: every row is under 15 or a repeat")

    keep = ~(young | identical)
    frame = out[keep].reset_index(drop=True) if not errors.count else None
    return CheckResult(table.source, kind, mapping, n, errors.listed(), errors.count,
                       errors.rows, frame, table.sha256, notices, int(young.sum()), unused)


def _row_list(numbers, limit=10) -> str:
    shown = ", ".join(str(int(r)) for r in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _check_address(kind, text, out, errors, present, empty, too_long):
    """Street, house number with huisletter and toevoeging, postcode, woonplaats and phone.
    Required for persons; in contact data an address is optional per row, but whole."""
    contact = kind == "contact"
    address_parts = ("street", "house_number", "postcode")
    if contact:
        given = np.zeros(len(text["street"]), dtype=bool)
        for name in (*address_parts, "house_letter", "house_number_addition", "city"):
            given |= text[name].ne("").to_numpy()
        for name, what in (("street", "the street name"),
                           ("house_number", "the house number, such as 12"),
                           ("postcode", "a Dutch postcode such as 3011 AB")):
            if not present(name) and any(present(p) for p in address_parts):
                errors.add_file(f"a corrected address needs street, house_number and postcode; "
                                f"no column is mapped to {name}", name)
            elif present(name):
                errors.add(name, given & text[name].eq("").to_numpy(), lambda i, w=what: (
                    f"empty while this row corrects the address; expected {w}"))
    else:
        empty("street", "the street name")
        empty("house_number", "the house number, such as 12 or 12A")
        empty("postcode", "a Dutch postcode such as 3011 AB")
    too_long("street", 100)
    too_long("house_number", 10)
    too_long("city", 80)

    numbers, letters, additions = (text["house_number"], text["house_letter"],
                                   text["house_number_addition"])
    if present("house_letter") or present("house_number_addition"):
        # with the parts in their own columns, the number is only digits (BAG: 1 to 99999)
        bad = numbers.ne("") & ~numbers.str.fullmatch(r"[1-9][0-9]{0,4}")
        errors.add("house_number", bad.to_numpy(), lambda i: (
            f"'{numbers.iat[i]}' is not a house number; with huisletter and toevoeging in "
            "their own columns, expected a whole number such as 392"))
    if present("house_letter"):
        bad = letters.ne("") & ~letters.str.fullmatch(r"[A-Za-z]")
        errors.add("house_letter", bad.to_numpy(), lambda i: (
            f"'{letters.iat[i]}' is not a huisletter; expected one letter, such as a or B "
            "(or leave it empty)"))
    if present("house_number_addition"):
        bad = additions.ne("") & ~additions.str.fullmatch(r"[A-Za-z0-9]{1,4}")
        errors.add("house_number_addition", bad.to_numpy(), lambda i: (
            f"'{additions.iat[i]}' is not a huisnummertoevoeging; expected up to four letters "
            "or digits, such as 2, rd or bis (or leave it empty)"))

    postcodes = text["postcode"]
    # fullmatch and slicing, not str.extract: ten times faster on a full register
    valid = postcodes.str.fullmatch(POSTCODE).to_numpy(dtype=bool)
    if present("postcode"):
        errors.add("postcode", postcodes.ne("").to_numpy() & ~valid, lambda i: (
            f"'{postcodes.iat[i]}' is not a Dutch postcode; expected four digits and two "
            "letters, such as 3011 AB"))
    phones = text["phone"]
    if present("phone"):
        bad = phones.ne("") & ~phones.str.fullmatch(r"\+?[0-9][0-9 ()\-]{5,19}")
        errors.add("phone", bad.to_numpy(), lambda i: (
            f"'{phones.iat[i]}' is not a phone number; expected digits, such as 010-1234567 "
            "or 06-12345678 (or leave it empty)"))

    def cleaned(values):
        return pd.Series(np.where(values.eq("").to_numpy(), None, values.to_numpy()),
                         dtype=object)

    for name in ("street", "house_number"):
        out[name] = cleaned(text[name]) if contact else text[name]
    out["house_letter"] = cleaned(letters)
    out["house_number_addition"] = cleaned(additions)
    formatted = (postcodes.str[:4] + " " + postcodes.str[-2:].str.upper()).where(valid, "")
    out["postcode"] = cleaned(formatted) if contact else formatted
    out["city"] = cleaned(text["city"].str.split().str.join(" "))
    out["phone"] = cleaned(phones)
    if contact:
        # which parts this import changes: the address as a whole where a row gives one
        out["_address"] = out["street"].notna()


def _check_wijk(values, context, errors, present):
    codes = pd.Series(np.full(len(values), -1, dtype=np.int64))
    if not present:
        return codes
    by_name = {value_key(name): code for code, name in context.wijk_names.items()}
    numeric = values.str.fullmatch(r"\d{1,6}")
    as_code = pd.to_numeric(values.where(numeric), errors="coerce")
    known_code = as_code.isin(list(context.wijk_names))
    codes[known_code.to_numpy()] = as_code[known_code].astype(np.int64).to_numpy()
    named = _map_unique(values, lambda v: by_name.get(value_key(v), -1))
    use_name = (~numeric).to_numpy() & (named.to_numpy() >= 0)
    codes[use_name] = named.to_numpy()[use_name]
    errors.add("wijk_code", values.eq("").to_numpy(),
               lambda i: "missing wijk; expected a wijk code such as 71 or a name such as "
                         "Tarwewijk")
    unknown = values.ne("").to_numpy() & (codes.to_numpy() < 0)
    names = list(context.wijk_names.values())

    def unknown_message(i):
        value = values.iat[i]
        if numeric.iat[i]:
            return (f"wijk code {value} is not a Rotterdam wijk; expected one of the "
                    f"{len(context.wijk_names)} wijk codes, such as 71 (Tarwewijk)")
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else "; expected a wijk name such as Tarwewijk"
        return f"'{value}' is not a Rotterdam wijk{hint}"

    errors.add("wijk_code", unknown, unknown_message)
    return codes


def _check_birth_date(values, context, errors, present, young_is_error=True):
    n = len(values)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    cleaned = values.str.replace(r"[ T]00:00(:00)?(\.0+)?$", "", regex=True)
    for fmt in DATE_FORMATS:
        todo = parsed.isna() & cleaned.ne("")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(cleaned[todo], format=fmt, errors="coerce")
    if not present:
        return pd.Series([None] * n, dtype=object), np.full(n, np.nan)
    errors.add("birth_date", values.eq("").to_numpy(),
               lambda i: "empty; expected the birth date, such as 1980-02-28 or 28-02-1980")
    failed = (values.ne("") & parsed.isna()).to_numpy()
    shaped = cleaned.str.fullmatch(DATE_SHAPE).to_numpy()
    errors.add("birth_date", failed & shaped, lambda i: (
        f"'{values.iat[i]}' is an impossible date (no such day); expected a date such as "
        "1980-02-28 or 28-02-1980"))
    errors.add("birth_date", failed & ~shaped, lambda i: (
        f"'{values.iat[i]}' is not a date; expected a date such as 1980-02-28 or 28-02-1980"))
    on = context.reference_date
    ok = parsed.notna().to_numpy()
    ages = np.full(n, np.nan)
    if ok.any():
        ages[ok] = ages_on(parsed[ok], on)
    future = ok & (parsed > pd.Timestamp(on)).to_numpy()
    ages[future] = np.nan
    errors.add("birth_date", future, lambda i: (
        f"'{values.iat[i]}' is an impossible birth date: after the register's reference date "
        f"{on.isoformat()}"))
    if young_is_error:  # a drawn sample holding a child was drawn wrong; a register is not
        young = ok & ~future & (ages < 15)
        errors.add("birth_date", young, lambda i: (
            f"'{values.iat[i]}': {int(ages[i])} years old on {on.isoformat()}, and the "
            "Wijkprofiel samples residents aged 15 and over; was the sample drawn from the "
            "whole register?"))
    old = ok & (ages > MAX_AGE)
    errors.add("birth_date", old, lambda i: (
        f"'{values.iat[i]}' is an impossible birth date: {int(ages[i])} years old on "
        f"{on.isoformat()}"))
    dates = pd.Series([None] * n, dtype=object)
    if ok.any():
        dates[ok] = parsed[ok].dt.date.to_numpy()
    return dates, ages


def _map_unique(values, function):
    """`values.map(function)`, calling `function` once per distinct value."""
    distinct = pd.unique(values.to_numpy())
    return values.map(dict(zip(distinct, (function(v) for v in distinct))))


def _check_category(name, values, errors, present):
    allowed = VALUES[name]
    lookup = {value_key(spelling): category for category, spellings in allowed.items()
              for spelling in [category, *spellings]}
    mapped = _map_unique(values, lambda v: lookup.get(value_key(v)))
    if present:
        expected = ", ".join(allowed)
        errors.add(name, values.eq("").to_numpy(),
                   lambda i: f"empty; expected one of {expected}")
        errors.add(name, (values.ne("") & mapped.isna()).to_numpy(), lambda i: (
            f"'{values.iat[i]}' is not a category of {name}; expected one of {expected}"))
    return mapped


