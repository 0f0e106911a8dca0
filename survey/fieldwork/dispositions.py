"""A sample unit's final AAPOR disposition as one SQL expression (`disposition_column`), read
alike by the dashboard, the outcomes page, the analysis file and the edition's data.

The disposition is the stored AAPOR code when fieldwork set one (the questionnaire sets 1.1 at
submission; a coordinator records returned letters, refusals, deaths and moves). Otherwise it
follows from the unit's status:

- completed -> 1.1 (complete);
- started, with at least `partial_min_answers` stored answers -> 1.2 (partial), with fewer ->
  2.12 (break-off). AAPOR leaves the partial threshold to the researcher; set it with
  FIELDWORK_PARTIAL_MIN_ANSWERS (default 20);
- invited, phoned, and every call unanswered or busy -> 2.20 (non-contact);
- invited while no letter went to it, in an edition whose letters are printed here -> 3.11
  (no invitation sent);
- invited and nothing heard -> 3.19 (nothing ever returned).
"""

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import aliased

from survey import settings
from survey.models import Answer, CallAttempt, MailedLetter, SampleUnit

DEFAULT_PARTIAL_MIN_ANSWERS = settings.default("FIELDWORK_PARTIAL_MIN_ANSWERS")

__all__ = ["DEFAULT_PARTIAL_MIN_ANSWERS", "disposition_column"]

_EDITION_UNIT = aliased(SampleUnit)


def disposition_column(partial_min_answers: int = DEFAULT_PARTIAL_MIN_ANSWERS):
    """SQL expression: the unit's final disposition code (stored, or derived from status).

    The answer count is a correlated subquery evaluated only for started units (a few
    thousand), through the index of answer's unique (sample_unit_id, variable).
    """
    answers = (
        select(func.count())
        .where(Answer.sample_unit_id == SampleUnit.id)
        .correlate(SampleUnit)
        .scalar_subquery()
    )
    # phoned, and every call went unanswered or was busy: a non-contact (2.20), not "nothing
    # heard"; any other call outcome (an appointment) is contact
    called = select(CallAttempt.id).where(CallAttempt.sample_unit_id == SampleUnit.id)
    not_reached = and_(
        exists(called.where(CallAttempt.outcome.in_(("no_answer", "busy")))),
        ~exists(called.where(CallAttempt.outcome.not_in(("no_answer", "busy")))))
    # no letter went to this unit while the edition's letters are printed here: 3.11, "no
    # invitation sent", not 3.19 (an edition whose letters were printed elsewhere has no
    # letter rows at all, and keeps 3.19)
    mailed = exists(select(MailedLetter.id).where(MailedLetter.sample_unit_id == SampleUnit.id))
    edition_mails = exists(
        select(MailedLetter.id)
        .join(_EDITION_UNIT, _EDITION_UNIT.id == MailedLetter.sample_unit_id)
        .where(_EDITION_UNIT.edition_id == SampleUnit.edition_id))
    derived = case(
        (SampleUnit.status == "completed", literal("1.1")),
        (SampleUnit.status == "started",
         case((answers >= partial_min_answers, literal("1.2")), else_=literal("2.12"))),
        (not_reached, literal("2.20")),
        (and_(~mailed, edition_mails), literal("3.11")),
        else_=literal("3.19"),
    )
    return func.coalesce(SampleUnit.disposition, derived)
