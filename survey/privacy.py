"""Retention (AVG/GDPR): delete who the respondents are once fieldwork is over, keep what they
answered.

`wijkprofiel privacy purge-identity --edition YEAR` deletes, for the sample of that edition:

- the `identity_link` rows: which register person a sample unit is, and the plain personal
  code printed on the letter;
- the `identity_person` rows of those persons (name, address, phone, birth date, register id),
  unless a unit of another edition still links to the same person;
- the link from a personal code to its unit: `sample_unit.code_hash` is replaced by a value no
  code hashes to, so a kept copy of a letter can no longer find the unit's answers (and the
  code no longer logs in);
- the login limits' counts (`rate_limit_counter`): client IP addresses, personal data too,
  that would otherwise stay until someone next sent a wrong code.

It keeps the statistics side whole: `sample_unit` with its stratum, design weight and register
auxiliaries, the answers, paradata, outcomes and letters, so the edition can still be weighted,
estimated and reported. With `--with-register` it also deletes register persons that no sample
unit links to (the sampling frame), once no edition needs it to draw a sample.

Fieldwork is over when the edition's `fieldwork_end` lies before today. While it is open (or
has no end date) the command refuses, unless `--force`: interviewers and the returns clerk
still need names, addresses and codes. Every purge is written to the audit log.
"""

from dataclasses import dataclass
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, exists, func, select, update

from survey import clock, storage
from survey.errors import WijkprofielError
from survey.models import Edition, IdentityLink, IdentityPerson, RateLimitCounter, SampleUnit

# sample_unit.code_hash after a purge: never 64 hex digits, so no typed code can match it
PURGED_PREFIX = "purged-"


class PurgeRefusedError(WijkprofielError):
    """The purge would delete identity that fieldwork still needs."""


@dataclass
class PurgeResult:
    year: int
    units: int = 0
    links: int = 0
    persons: int = 0
    register_persons: int = 0
    codes_unlinked: int = 0
    address_counts: int = 0
    persons_kept_for_other_editions: int = 0

    def summary(self) -> str:
        text = (f"edition {self.year}: {self.links} identity links with their personal codes and "
                f"{self.persons} persons (names, addresses) deleted; {self.codes_unlinked} code "
                f"hashes unlinked; {self.units} sample units with their answers and weights kept")
        if self.address_counts:
            text += f"; {self.address_counts} login-limit counts of client addresses deleted"
        if self.persons_kept_for_other_editions:
            text += (f"; {self.persons_kept_for_other_editions} persons kept because a unit of "
                     "another edition links to them")
        if self.register_persons:
            text += f"; {self.register_persons} unsampled register persons deleted"
        return text


def fieldwork_open(edition: Edition, today: date) -> bool:
    """Whether fieldwork may still need identity: no end date, or it ends today or later.

    >>> fieldwork_open(Edition(fieldwork_end=date(2024, 6, 30)), date(2024, 7, 1))
    False
    >>> fieldwork_open(Edition(fieldwork_end=None), date(2024, 7, 1))
    True
    """
    return edition.fieldwork_end is None or edition.fieldwork_end >= today


def purge_identity(db, year: int, *, force: bool = False, with_register: bool = False,
                   today: date | None = None) -> PurgeResult:
    """Delete the identity of edition `year`'s sample in the caller's transaction `db` (all or
    nothing: the caller commits, or rolls back when this raises).

    Args:
        db: a session inside a transaction (`storage.transaction`).
        year: the edition.
        force: purge even while fieldwork is open.
        with_register: also delete register persons that no sample unit links to.
        today: the date to compare with the fieldwork end (default: today).

    Returns:
        A `PurgeResult` with the counts.

    Raises:
        WijkprofielError: no such edition.
        PurgeRefusedError: fieldwork is open and `force` is not given.
    """
    today = today or clock.today()
    edition = db.scalar(select(Edition).where(Edition.year == year))
    if edition is None:
        years = db.scalars(select(Edition.year).order_by(Edition.year)).all()
        raise WijkprofielError(f"--edition: no edition {year} in the database; editions: "
                               f"{', '.join(map(str, years)) or 'none'}")
    if fieldwork_open(edition, today) and not force:
        end = edition.fieldwork_end.isoformat() if edition.fieldwork_end else "no end date"
        raise PurgeRefusedError(
            f"--edition {year}: fieldwork is still open ({end}; today is {today.isoformat()}); "
            "interviewers and returns still need names, addresses and codes. Set the "
            "edition's fieldwork end, or use --force")
    result = PurgeResult(year=year)
    units = select(SampleUnit.id).where(SampleUnit.edition_id == edition.id)
    result.units = db.scalar(select(func.count()).select_from(units.subquery()))
    persons = set(db.scalars(select(IdentityLink.person_id)
                             .where(IdentityLink.sample_unit_id.in_(units))))
    result.links = db.execute(
        delete(IdentityLink).where(IdentityLink.sample_unit_id.in_(units))
        .execution_options(synchronize_session=False)).rowcount
    # a person sampled again in another edition keeps the record that edition needs
    still_linked = set(db.scalars(select(IdentityLink.person_id)
                                  .where(IdentityLink.person_id.in_(persons)))) if persons else set()
    doomed = sorted(persons - still_linked)
    result.persons_kept_for_other_editions = len(still_linked)
    for start in range(0, len(doomed), 5000):
        result.persons += db.execute(
            delete(IdentityPerson).where(IdentityPerson.id.in_(doomed[start:start + 5000]))
            .execution_options(synchronize_session=False)).rowcount
    result.codes_unlinked = db.execute(
        update(SampleUnit)
        .where(SampleUnit.edition_id == edition.id,
               ~SampleUnit.code_hash.startswith(PURGED_PREFIX))
        .values(code_hash=PURGED_PREFIX + SampleUnit.id)
        .execution_options(synchronize_session=False)).rowcount
    result.address_counts = db.execute(delete(RateLimitCounter)).rowcount
    if with_register:
        linked = exists().where(IdentityLink.person_id == IdentityPerson.id)
        result.register_persons = db.execute(
            delete(IdentityPerson).where(~linked)
            .execution_options(synchronize_session=False)).rowcount
    return result


@click.group()
def privacy():
    """Privacy (AVG): delete identity after fieldwork."""


@privacy.command("purge-identity")
@click.option("--edition", "year", type=int, required=True, help="the edition (year) to purge")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.option("--force", is_flag=True, help="purge even while fieldwork is still open")
@click.option("--with-register", is_flag=True,
              help="also delete register persons that no sample unit links to")
@with_appcontext
def purge_identity_command(year, yes, force, with_register):
    """Delete names, addresses and personal codes of an edition's sample after fieldwork,
    keeping sample units, answers and weights."""
    from survey.letters.commands import _who
    from survey.staff import audit

    if not yes:
        click.confirm(f"Delete the names, addresses and personal codes of edition {year}'s "
                      "sample? This cannot be undone", abort=True)
    with storage.transaction() as db:
        result = purge_identity(db, year, force=force, with_register=with_register)
    audit.record("purge_identity", target=f"edition {year}", username=_who(), role="command line",
                 detail=result.summary() + (" (forced while fieldwork was open)" if force else ""))
    click.echo(result.summary())
