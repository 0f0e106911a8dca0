"""One set of targets per edition: the net responses wanted per wijk (and, if given, the
response rate expected there), stored with the edition (`edition_target`) and used alike by
the draw (gross sample sizes), the dashboard (share of target) and the call list (which
wijken lag behind).

A coordinator uploads them as a CSV file (`wijk_code;target[;response_rate]`, as Dutch Excel
saves it, or with commas; read by `weighting.tables`, so an Excel workbook does too; the wijk as code or name; the rate as 0,4, 0.4 or 40%): the whole
file is checked, every bad row named, and nothing is stored unless all of it is right. Wijken
the file leaves out get DEFAULT_TARGET, and the check says how many. An edition without
stored targets falls back to the old setting (`survey.population.targets`: FIELDWORK_TARGETS,
the database's own targets file, DEFAULT_TARGET per wijk); a draw stores the targets it used,
so from the draw on, the dashboard and call list measure against what the sample was drawn for.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from survey import editions, storage
from survey.errors import InputError
from survey.fieldwork import dashboard as fieldwork
from survey.fieldwork.dispositions import DEFAULT_PARTIAL_MIN_ANSWERS
from survey.models import Area, EditionTarget
from survey.population.targets import DEFAULT_TARGET, load_targets, targets_setting
from weighting import tables

WIJK_HEADERS = ("wijk_code", "wijkcode", "wijknr", "wijknummer", "wijk")
TARGET_HEADERS = ("target", "doel", "doel_netto", "netto", "streefaantal")
RATE_HEADERS = ("response_rate", "expected_rate", "respons", "verwachte_respons")

__all__ = ["TargetsFile", "read_targets", "store_targets", "stored_targets", "targets_for",
           "rates_for", "fieldwork_table_with_targets"]


@dataclass
class TargetsFile:
    source: str
    targets: dict[int, int]
    """Every wijk: the file's target, or DEFAULT_TARGET where the file has none."""
    rates: dict[int, float]
    """Only the wijken whose row gives a response rate."""
    in_file: int = 0
    notices: list[str] = field(default_factory=list)


def _header(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", (name or "").strip().lower()).strip("_")


def _rate(text: str) -> float | None:
    value = text.strip().replace(",", ".")
    percent = value.endswith("%")
    try:
        number = float(value.rstrip("%").strip())
    except ValueError:
        return None
    number = number / 100 if percent else number  # 40 without % is no rate: ask, not guess
    return number if 0 < number <= 1 else None


def read_targets(content: bytes, source: str, wijk_names: dict[int, str]) -> TargetsFile:
    """Read and check a targets file.

    Args:
        content: the file's bytes.
        source: its name, for messages.
        wijk_names: wijk code -> name of the wijken there are.
    Raises:
        InputError: the file cannot be read or lacks a column (row 1), or rows are wrong: all
            of them, one per line, with row (header = row 1) and column.
    """
    table = tables.read_table(content, source)
    notices = list(table.notices)
    header = [_header(h) for h in table.headers]

    def column(names):
        return next((i for i, h in enumerate(header) if h in names), None)

    wijk_at, target_at, rate_at = column(WIJK_HEADERS), column(TARGET_HEADERS), \
        column(RATE_HEADERS)
    if wijk_at is None or target_at is None:
        raise InputError(source, "expected the columns wijk_code and target (or wijk and doel), "
                         f"optionally response_rate; found {', '.join(header) or 'none'}", row=1)
    names = {n: c for c, n in ((c, re.sub(r"\s+", " ", n.strip().lower()))
                               for c, n in wijk_names.items())}
    targets = {code: DEFAULT_TARGET for code in wijk_names}
    rates, problems, seen = {}, list(table.errors), {}
    for number, record in zip(table.row_numbers.tolist(),
                              table.data.itertuples(index=False, name=None)):

        def problem(at, message):
            problems.append(InputError(source, message, row=number,
                                       column=table.headers[at]))

        wijk_text = record[wijk_at].strip()
        code = int(wijk_text) if wijk_text.isdigit() else names.get(
            re.sub(r"\s+", " ", wijk_text.lower()))
        if code is None or code not in wijk_names:
            problem(wijk_at, f"'{wijk_text}' is not a Rotterdam wijk; expected a wijk code such "
                             "as 71 or a name such as Tarwewijk" if wijk_text else
                    "empty; expected a wijk code such as 71")
            continue
        if code in seen:
            problem(wijk_at, f"wijk {code} ({wijk_names[code]}) is also on row {seen[code]}; "
                             "give each wijk one target")
            continue
        seen[code] = number
        target_text = record[target_at].strip()
        if not re.fullmatch(r"\d{1,6}", target_text):
            problem(target_at, f"'{target_text}' is not a target; expected a whole number of "
                               "net responses, 0 or more, such as 420")
        else:
            targets[code] = int(target_text)
        if rate_at is not None and record[rate_at].strip():
            rate = _rate(record[rate_at])
            if rate is None:
                problem(rate_at, f"'{record[rate_at].strip()}' is not a response rate; expected "
                                 "a number above 0 and at most 1, such as 0,4 or 40%")
            else:
                rates[code] = rate
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        count = len(problems)
        raise InputError(source, f"{count} error{'s' if count != 1 else ''}; nothing was "
                         "stored\n" + "\n".join(str(p) for p in problems))
    if not seen:
        raise InputError(source, "no data rows: the file has a header but no wijken")
    left = len(wijk_names) - len(seen)
    if left:
        notices.append(f"{left} wijken are not in the file and get the default target of "
                       f"{DEFAULT_TARGET}")
    return TargetsFile(source, targets, rates, len(seen), notices)


def store_targets(db, edition_id: int, targets: dict[int, int], rates: dict[int, float], *,
                  source_name: str, stored_by: str | None) -> int:
    """Replace the edition's targets; returns the number of wijken stored."""
    db.execute(delete(EditionTarget).where(EditionTarget.edition_id == edition_id))
    now = datetime.utcnow().replace(microsecond=0)
    db.add_all(EditionTarget(edition_id=edition_id, wijk_code=int(code), target=int(target),
                             response_rate=rates.get(code), source_name=source_name[:200],
                             stored_by=stored_by, stored_at=now)
               for code, target in sorted(targets.items()))
    db.flush()
    return len(targets)


def stored_targets(db, edition_id: int) -> list[EditionTarget]:
    return list(db.scalars(select(EditionTarget).where(EditionTarget.edition_id == edition_id)
                           .order_by(EditionTarget.wijk_code)))


def targets_for(db, edition_id: int | None, config, instance_path) -> dict[int, int]:
    """Target per wijk of the edition: its stored targets, else the old setting."""
    rows = stored_targets(db, edition_id) if edition_id is not None else []
    wijk_codes = list(db.scalars(select(Area.wijk_code)))
    if rows:
        targets = {code: DEFAULT_TARGET for code in wijk_codes}
        targets.update({row.wijk_code: row.target for row in rows})
        return targets
    return load_targets(targets_setting(config, storage.database_url(), instance_path),
                        wijk_codes)


def rates_for(db, edition_id: int) -> dict[int, float]:
    return {row.wijk_code: row.response_rate for row in stored_targets(db, edition_id)
            if row.response_rate is not None}


def fieldwork_table_with_targets(db, config, instance_path, filters=fieldwork.Filters()):
    """The dashboard's table of the configured edition, against the edition's targets."""
    edition = editions.current_edition(db, config.get("EDITION_YEAR"))
    targets = targets_for(db, edition.id if edition else None, config, instance_path)
    return fieldwork.fieldwork_table(
        db, year=config.get("EDITION_YEAR"), filters=filters, targets=targets,
        partial_min_answers=int(config.get("FIELDWORK_PARTIAL_MIN_ANSWERS",
                                           DEFAULT_PARTIAL_MIN_ANSWERS)))
