"""Paper questionnaires keyed in by data entry (`/staff/paper`).

A returned paper form is found by the personal code printed on it. Data entry keys it in page
by page in the questionnaire engine: the same pages, the same question blocks and the same
validation of each answer as on the web (`survey.respondent.forms`), but

- every page in questionnaire order, every question on it, and nothing required: the paper
  form is printed from the same questionnaire file, in the same order, and a keyer types what
  is written, including answers that the routing would have skipped. Routing is checked
  afterwards: answers the router would not have asked are listed on the check screen and left
  out of the stored answers (the keyed passes keep them), so stored data never hold answers to
  questions not asked, whatever the mode;
- with double entry (setting PAPER_DOUBLE_ENTRY, default on) a second, different keyer keys
  the form again without seeing the first pass. Every variable on which the passes differ is
  listed on the discrepancy screen, where a data-entry member takes pass 1's value, pass 2's,
  or types what the paper says. Only then can the form be completed;
- the passes stay in `paper_entry` (unit, pass, keyer, variable, value); the answer table only
  gets the resolved values, written page by page through the page handler that web and phone
  use too (`survey.respondent.page_handler.save`: hidden questions cleared, the answer store's
  `save_page`) with mode `paper`, and the unit is completed with mode `paper` (AAPOR 1.1). A unit that had started on
  the web without finishing gets the paper form's answers in place of its web answers (the
  paper form is the complete response); the audit event says how many were replaced.

A unit completes in one mode only. A paper form whose unit has already completed on the web or
by phone is flagged as a conflict (status `conflict`, with when and how the unit completed,
audited as `paper_conflict`) and nothing of it is stored; the same happens when the unit
completes in another mode while its paper form is being keyed. A registered paper form also
takes the unit off the phone call list. Coordinators see the paper forms on the same overview,
and settle the conflicts at /staff/conflicten (`survey.conflicts`): the first
completion is kept and the paper form is filed (status `filed`, its keyed passes kept), with a
note, audited as `paper_conflict_closed`. Why the first completion counts and the paper never
replaces it: see that module.

Settings: PAPER_DOUBLE_ENTRY (default on; `survey.settings`).

Audit actions: `paper_register`, `paper_conflict`, `paper_pass_finished`, `paper_resolve`,
`paper_complete`, `paper_conflict_closed` (by the coordinator).
"""
