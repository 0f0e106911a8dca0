"""The respondent's side of the web questionnaire: who is logged in (`session`), the answers
they stored (`store`), the forms built from question definitions (`forms`), where they are in
their questionnaire (`context`), the paradata of their page visits (`paradata`), and the one
way a submitted page is taken in, for web, phone and paper alike (`page_handler`: read the
form, clear hidden answers, save, route, complete). The views in `survey.routes.start` and
`survey.routes.questionnaire` stay thin and call these; response
headers, CSRF and the login limit are in `survey.security`, languages in `survey.i18n`.

Settings (session cookie, login limit, request sizes, proxies, questionnaire and translation
folders): `survey.settings`, groups app and security, with their defaults.

The respondent's session is a browser-session cookie holding the sample unit id, its session
generation and the language; it ends when the browser closes, and the code from the letter
resumes anywhere. "Stoppen" raises the unit's generation in the database, which ends every copy
of the cookie; a new login leaves the unit's other sessions running (see `session`).
"""
