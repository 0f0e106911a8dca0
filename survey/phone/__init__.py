"""Phone follow-up of non-respondents by interviewers (`/staff/phone`).

The call list holds the units of the current edition that an interviewer may still call:

- not completed (in any mode) and no paper form registered for them (a paper form in the
  post or being keyed closes the unit for phone, as a web completion does);
- with a phone number in the identity record;
- not refused or otherwise out (AAPOR groups R 2.1x, O 2.3x and NE 4.x, and 3.23, a letter
  refused by the addressee), and no call that reached a wrong number;
- fewer calls than PHONE_MAX_ATTEMPTS, unless the last call made an appointment: an
  appointment made with the respondent is always kept.

Order: appointments that are due first (earliest first); then the wijken where response lags
most: the shortfall of completes against the wijk's target (FIELDWORK_TARGETS), the dashboard's
own per-wijk numbers (`survey.fieldwork.dashboard.fieldwork_table`); only wijken still short
of their target are listed. Within a wijk, fewer calls first, then the longest since the last
call. Appointments later than now are listed apart.

Call outcomes (`calls.OUTCOMES`): no answer, busy, appointment (with date and time), refusal
(sets AAPOR 2.112 through `survey.fieldwork.outcomes`, with its history row), wrong number
(off the list), completed (recorded by the interview itself when it is submitted, never by
hand). The list shows no names; the unit's call screen shows the name and number of the unit
being called (only while it may be called), and the interview shows that unit's own answers
only. Opening a unit is audited
as `phone_view_unit`; outcomes as `phone_call`; interviews as `phone_interview_start`,
`phone_interview_complete` and `phone_conflict` (the unit completed in another mode during
the call: interview answers posted after that are not stored). The coordinator closes such a
conflict at /staff/conflicten with a note (`survey.conflicts`, audited as
`phone_conflict_closed`); the earlier completion is kept.

The interview runs in the questionnaire engine exactly as the web questionnaire does (the
router decides the path; the page handler, `survey.respondent.page_handler`, reads, checks
and stores each page as for the web) with mode `phone`, in the language the interviewer chose
for the unit (`interview_language`: the question block in that language, the staff page
around it Dutch; a change mid-interview audited as `phone_interview_language`).

Settings: PHONE_MAX_ATTEMPTS and FIELDWORK_TARGETS (defaults and meanings in `survey.settings`).
"""
