"""The database tables.

Two sides that never mix:
- identity (`identity_*` tables): who a person is: register id, name, address, phone, and the
  personal code printed on the letter. Only fieldwork needs these, and the retention command
  deletes them after fieldwork.
- statistics (every other table): the sample unit with its register auxiliaries and design
  weight, and what it answered. A sample unit's id is opaque; nothing here names a person.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# --- statistics side -------------------------------------------------------------------------


class Edition(Base):
    """One Wijkprofiel round (2024, 2026, ...)."""

    __tablename__ = "edition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    fieldwork_start: Mapped[date | None] = mapped_column(Date)
    fieldwork_end: Mapped[date | None] = mapped_column(Date)
    seed: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Area(Base):
    """A Wijkprofiel wijk and the gebied it lies in."""

    __tablename__ = "area"

    wijk_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wijk: Mapped[str] = mapped_column(String(100), unique=True)
    gebied: Mapped[str] = mapped_column(String(100), index=True)


class PopulationMargin(Base):
    """A register total: persons aged 15+ in a wijk with one category of one variable."""

    __tablename__ = "population_margin"
    __table_args__ = (UniqueConstraint("edition_id", "wijk_code", "variable", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    wijk_code: Mapped[int] = mapped_column(ForeignKey("area.wijk_code"))
    variable: Mapped[str] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(50))
    total: Mapped[float] = mapped_column(Float)


class SampleUnit(Base):
    """One drawn person, seen from the statistics side: an opaque id, the stratum, the design
    and the register auxiliaries that weighting calibrates on."""

    __tablename__ = "sample_unit"
    __table_args__ = (
        Index("ix_sample_unit_edition_wijk", "edition_id", "wijk_code"),
        # the fieldwork dashboard's filter lists and its completes-per-day chart (0002_staff)
        Index("ix_sample_unit_edition_questionnaire_wave", "edition_id", "questionnaire_id", "wave"),
        Index("ix_sample_unit_edition_completed",
              "edition_id", "status", "completed_at", "mode", "wijk_code"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    wijk_code: Mapped[int] = mapped_column(ForeignKey("area.wijk_code"))
    questionnaire_id: Mapped[str] = mapped_column(String(50))
    # the `version` of the questionnaire file in force when the unit's first answer was stored
    # (any mode), kept after; NULL before the first answer and for units answered before 0006
    questionnaire_version: Mapped[str | None] = mapped_column(String(20))
    wave: Mapped[int] = mapped_column(Integer, default=1)
    inclusion_probability: Mapped[float] = mapped_column(Float)
    design_weight: Mapped[float] = mapped_column(Float)
    stratum_population: Mapped[int] = mapped_column(Integer)
    age_group: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(10))
    migration_background: Mapped[str] = mapped_column(String(20))
    household_type: Mapped[str] = mapped_column(String(30))
    # sha256 of the normalised personal code: login finds the unit without storing the code here
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # invited|started|completed|screened_out (the screening question ended it: AAPOR 4.10,
    # not eligible, no respondent; survey.respondent.store.complete)
    status: Mapped[str] = mapped_column(String(20), default="invited")
    disposition: Mapped[str | None] = mapped_column(String(10))  # AAPOR code, e.g. 1.1
    mode: Mapped[str | None] = mapped_column(String(10))  # web|paper|phone, of the completion
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # raised when the respondent presses "stoppen": a session cookie carrying an older value is
    # refused, so a copy of the cookie no longer works (survey.respondent.session, 0007)
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Answer(Base):
    """One variable's answer of one sample unit. A page submit upserts its variables, so a
    double submit or a second tab overwrites with the same key and never duplicates."""

    __tablename__ = "answer"
    # the unique index leads with sample_unit_id, so it also serves lookups by unit (0006)
    __table_args__ = (UniqueConstraint("sample_unit_id", "variable"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(ForeignKey("sample_unit.id", ondelete="CASCADE"))
    variable: Mapped[str] = mapped_column(String(64))
    # text for every type; a multiple-choice answer holds its option values separated by spaces
    value: Mapped[str | None] = mapped_column(Text)
    page_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(10))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class AnalysisSnapshot(Base):
    """The analysis-ready wide answers of an edition's completed units, as one columnar blob
    (`survey.fieldwork.wide_table`): built once, extended as units complete. Derived data:
    deleting it only costs one rebuild."""

    __tablename__ = "analysis_snapshot"

    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"),
                                            primary_key=True)
    format: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class PageVisit(Base):
    """Paradata: when a page was first shown and submitted, in which language, mode and device.
    Kept apart from the answers' content."""

    __tablename__ = "page_visit"
    __table_args__ = (UniqueConstraint("sample_unit_id", "page_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(ForeignKey("sample_unit.id", ondelete="CASCADE"))
    page_id: Mapped[str] = mapped_column(String(64))
    first_shown_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    language: Mapped[str | None] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(10))
    device_class: Mapped[str | None] = mapped_column(String(10))


# --- identity side ---------------------------------------------------------------------------


class IdentityPerson(Base):
    """A resident as the population register (BRP) knows them."""

    __tablename__ = "identity_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[str] = mapped_column(String(20), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    # the BRP keeps the voorvoegsel (van, de, van 't, ...) apart from the geslachtsnaam: "van
    # 't Hoek" is sorted under H and written "Van 't Hoek" when no given name precedes it (0008)
    name_prefix: Mapped[str | None] = mapped_column(String(20))
    family_name: Mapped[str] = mapped_column(String(100))
    street: Mapped[str] = mapped_column(String(100))
    house_number: Mapped[str] = mapped_column(String(10))
    # BAG/BRP address parts after the number: huisletter (one letter) and
    # huisnummertoevoeging (up to four characters), e.g. 392 a rd -> "392a-rd" (0008)
    house_letter: Mapped[str | None] = mapped_column(String(1))
    house_number_addition: Mapped[str | None] = mapped_column(String(4))
    postcode: Mapped[str] = mapped_column(String(7))
    # woonplaats: Rotterdam, Hoek van Holland, Rozenburg, ... (the gemeente has several);
    # None for persons imported before 0008 or from a register without the column
    city: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20))
    wijk_code: Mapped[int] = mapped_column(ForeignKey("area.wijk_code"), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    migration_background: Mapped[str] = mapped_column(String(20))
    household_type: Mapped[str] = mapped_column(String(30))


class IdentityLink(Base):
    """Which person a sample unit is, and the personal code on their letter."""

    __tablename__ = "identity_link"

    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("identity_person.id"), index=True)
    access_code: Mapped[str] = mapped_column(String(20), unique=True)


class EditionTarget(Base):
    """The target net responses (and the expected response rate, if given) of one wijk in one
    edition: the one set of targets the draw, the dashboard and the call list all use (0008)."""

    __tablename__ = "edition_target"
    __table_args__ = (UniqueConstraint("edition_id", "wijk_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    wijk_code: Mapped[int] = mapped_column(ForeignKey("area.wijk_code"))
    target: Mapped[int] = mapped_column(Integer)
    response_rate: Mapped[float | None] = mapped_column(Float)
    source_name: Mapped[str] = mapped_column(String(200))
    stored_by: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


# --- staff side ------------------------------------------------------------------------------


class StaffUser(Base):
    """A member of staff who signs in at /staff: a coordinator, data entry, interviewer,
    statistician or admin (`survey.staff.roles`). Only an argon2 hash of the password is kept."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class StaffSession(Base):
    """One signed-in staff session. The cookie carries a random token; only its sha256 is
    stored. A new row at every login (the old session id never survives a login), ended at
    logout, and refused after the absolute lifetime or the idle timeout."""

    __tablename__ = "staff_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who did what and when: logins, failed logins, logouts, exports, refused pages, views
    of a unit, recorded outcomes. Append-only; the username is copied so the trail survives
    a removed account."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class UnitOutcome(Base):
    """What fieldwork learned about a sample unit outside the questionnaire: a letter returned
    undeliverable, a refusal, a death, a move. Each sets the unit's AAPOR disposition; the rows
    keep the history."""

    __tablename__ = "unit_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(30))
    disposition: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


# --- letters ---------------------------------------------------------------------------------


class MailedLetter(Base):
    """A letter printed for a sample unit (`survey.letters`): its kind, print batch and number,
    when it was printed, and, if the post brought it back, when and why. Statistics side: the
    name and address stay in the identity tables."""

    __tablename__ = "letter"
    __table_args__ = (
        UniqueConstraint("sample_unit_id", "kind"),
        UniqueConstraint("batch", "sequence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # invitation|reminder1|reminder2
    wave: Mapped[int] = mapped_column(Integer)
    batch: Mapped[str] = mapped_column(String(40), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    return_reason: Mapped[str | None] = mapped_column(String(30))


class LetterReprint(Base):
    """A letter printed again (lost, damaged): the same kenmerk, the same code, printed by a
    coordinator on the staff pages. The original `letter` row stays the letter of record."""

    __tablename__ = "letter_reprint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"),
                                           index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    printed_by: Mapped[str] = mapped_column(String(64))
    printed_at: Mapped[datetime] = mapped_column(DateTime)


class PaperRequest(Base):
    """A resident asked (through the helpdesk) for a paper questionnaire, as the letter offers,
    and whether and when it was sent. Statistics side: the address stays in identity_person."""

    __tablename__ = "paper_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    requested_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_by: Mapped[str | None] = mapped_column(String(64))


# --- paper and phone -------------------------------------------------------------------------


class PaperForm(Base):
    """A paper questionnaire that came back in the post, from registration by its code to
    completion (`survey.paper`). Status: `entry` (being keyed), `resolve` (both passes keyed,
    differences to settle), `completed` (its answers are in `answer` with mode paper),
    `conflict` (the unit completed in another mode first: flagged, nothing overwritten)."""

    __tablename__ = "paper_form"

    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), primary_key=True
    )
    double_entry: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    conflict: Mapped[str | None] = mapped_column(Text)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)


class PaperPass(Base):
    """One keyer's pass through a paper form: pass 1, and pass 2 by someone else."""

    __tablename__ = "paper_pass"
    __table_args__ = (UniqueConstraint("sample_unit_id", "pass_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("paper_form.sample_unit_id", ondelete="CASCADE"), index=True
    )
    pass_number: Mapped[int] = mapped_column(Integer)
    keyer: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class PaperEntry(Base):
    """What one pass keyed for one variable (None: left blank on paper). Every variable of a
    keyed page has a row, so the rows also say which pages a pass has done."""

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("sample_unit_id", "pass_number", "variable"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("paper_form.sample_unit_id", ondelete="CASCADE"), index=True
    )
    pass_number: Mapped[int] = mapped_column(Integer)
    keyer: Mapped[str] = mapped_column(String(64))
    page_id: Mapped[str] = mapped_column(String(64))
    variable: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class PaperResolution(Base):
    """How a difference between the two passes was settled: the value taken, whether it was
    pass 1's, pass 2's or typed from the paper, and by whom."""

    __tablename__ = "paper_resolution"
    __table_args__ = (UniqueConstraint("sample_unit_id", "variable"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("paper_form.sample_unit_id", ondelete="CASCADE"), index=True
    )
    variable: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # pass1|pass2|typed
    resolved_by: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[datetime] = mapped_column(DateTime)


class CallAttempt(Base):
    """One phone call to a non-respondent (`survey.phone`): its outcome, an appointment's
    date and time, who called. The rows are the unit's call history."""

    __tablename__ = "call_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    interviewer: Mapped[str] = mapped_column(String(64))
    called_at: Mapped[datetime] = mapped_column(DateTime)


class CallAssignment(Base):
    """Which interviewer's call list a unit is on; a coordinator assigns and reassigns. A unit
    without a row is on nobody's list yet (0008)."""

    __tablename__ = "call_assignment"

    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), primary_key=True
    )
    interviewer: Mapped[str] = mapped_column(String(64), index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)


class PhoneInterview(Base):
    """The language a unit's phone interview is held in, chosen by the interviewer when the
    interview starts and changed when the resident switches: kept per unit, so whoever
    resumes the interview reads the questions in the same language (0010). A unit without a
    row has had no phone interview. Survey paradata, no identity."""

    __tablename__ = "phone_interview"

    sample_unit_id: Mapped[str] = mapped_column(
        ForeignKey("sample_unit.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(10))
    chosen_by: Mapped[str] = mapped_column(String(64))
    chosen_at: Mapped[datetime] = mapped_column(DateTime)


# --- sample: imports and draws -----------------------------------------------------------------


class SampleBatch(Base):
    """One step that built an edition's sample (`survey.sampling`): a register extract imported
    (kind `register`: the frame a sample is drawn from), an already drawn sample imported
    (`sample`), or a sample drawn here from a register (`draw`, with its seed). No identity:
    the file's name, its sha256 and the counts."""

    __tablename__ = "sample_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(10))  # register|sample|draw
    source_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    reference_date: Mapped[date | None] = mapped_column(Date)
    seed: Mapped[int | None] = mapped_column(Integer)
    frame_batch_id: Mapped[int | None] = mapped_column(ForeignKey("sample_batch.id"))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class IdentityFrameMember(Base):
    """Which register persons a register import held: the frame a draw samples from."""

    __tablename__ = "identity_frame_member"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("sample_batch.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("identity_person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


# --- the app's own bookkeeping ---------------------------------------------------------------


class RateLimitCounter(Base):
    """One count of the login rate limit: wrong personal codes from one client address in
    the current window, shared by every worker and app server (`survey.rate_limit_storage`).
    The key holds the address, so rows are deleted once their window has ended."""

    __tablename__ = "rate_limit_counter"

    limit_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # seconds since the epoch (the limits package's clock), when this count is forgotten
    window_ends_at: Mapped[float] = mapped_column(Float, index=True)
