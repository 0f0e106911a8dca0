"""The respondent's side of the web questionnaire: who is logged in (`session`), the answers
they stored (`store`), the forms built from question definitions (`forms`), where they are in
their questionnaire (`context`), the paradata of their page visits (`paradata`), and the one
way a submitted page is taken in, for web, phone and paper alike (`page_handler`: read the
form, clear hidden answers, save, route, complete). The views in `survey.routes.start` and
`survey.routes.questionnaire` stay thin and call these; response
headers, CSRF and the login limit are in `survey.security`, languages in `survey.i18n`.

Settings (app config; defaults in brackets):

| setting                  | meaning                                                          |
|--------------------------|------------------------------------------------------------------|
| SESSION_COOKIE_SECURE    | send the session cookie over https only [True]; off for plain-http tests |
| SESSION_COOKIE_SAMESITE  | the session cookie's SameSite [Lax]                              |
| LOGIN_RATE_LIMIT         | failed code entries allowed per client address [20 per 10 minutes] |
| RATELIMIT_STORAGE_URI    | where the limiter counts: database:// is the app's database, shared by every worker and server; memory:// per process, for tests [database://] |
| RATELIMIT_STRATEGY       | how the limiter counts; the database store supports the fixed window only [fixed-window] |
| RATELIMIT_IN_MEMORY_FALLBACK_ENABLED | count in each worker's memory while the database cannot be reached [True] |
| RATELIMIT_SWALLOW_ERRORS | a failing count is logged, never an error page [True]               |
| TRUSTED_PROXIES          | reverse proxies in front of the app, whose X-Forwarded-* headers are believed [0] |
| WTF_CSRF_TIME_LIMIT      | seconds a form's CSRF token lives [None: as long as the session] |
| RATELIMIT_HEADERS_ENABLED| send X-RateLimit-* headers with limited responses [True]          |
| QUESTIONNAIRES_DIR       | where `<questionnaire_id>.yaml` is read for a unit [questionnaires/] |
| TRANSLATIONS_DIR         | the `.po` catalogues, compiled into `<instance>/translations/` at start [translations/] |
| MAX_CONTENT_LENGTH       | the largest request body on every route but the uploads; larger gets 413 before it is read [1 MiB] |
| MAX_UPLOAD_LENGTH        | the largest body of the register upload, /staff/sample/upload (`security.UPLOAD_ROUTES`) [210 MiB] |
| MAX_CSV_UPLOAD_LENGTH    | the largest body of the outcomes batch and targets uploads [20 MiB] |

The respondent's session is a browser-session cookie holding the sample unit id, its session
generation and the language; it ends when the browser closes, and the code from the letter
resumes anywhere. "Stoppen" raises the unit's generation in the database, which ends every copy
of the cookie; a new login leaves the unit's other sessions running (see `session`).
"""
