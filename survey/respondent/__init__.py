"""The respondent's side of the web questionnaire: who is logged in (`session`), the answers
they stored (`store`), the forms built from question definitions (`forms`) and the paradata
of their page visits (`paradata`). The views in `survey.routes` stay thin and call these."""
